"""A sweep's results: one row per point and repeat, summaries over repeats, CSV/JSON/table.

Rows are kept in the sweep's own order whatever order they finished in, so the same sweep
prints the same table with one worker, many, or a cluster.  A categorical metric (MaxNet's
final status) is summarised as the share of runs ending in one of its categories.
"""

from __future__ import annotations

import csv
import json
import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from mechgui.engine.metrics import Metric, find_metric

from .spec import Sweep

__all__ = ["Row", "Summary", "SweepResult", "format_value"]


@dataclass(frozen=True)
class Row:
    """One finished run: its point (an index per axis), repeat, seed and metrics."""

    index: tuple[int, ...]
    repeat: int
    seed: int
    metrics: Mapping[str, float | str | None]


@dataclass(frozen=True)
class Summary:
    """A metric over the repeats of every point: arrays of the sweep's shape (NaN where no
    run has finished): the mean, the lowest and the highest, and the runs counted."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: np.ndarray
    label: str


def format_value(value: Any) -> str:
    """A metric or a parameter value as the table and the CSV write it ('' for none)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


class SweepResult:
    """The rows of one sweep so far (all of them once it has finished)."""

    def __init__(self, sweep: Sweep, rows: Iterable[Row] = ()) -> None:
        self.sweep = sweep
        self._rows: dict[tuple[tuple[int, ...], int], Row] = {}
        for row in rows:
            self.add(row)

    def add(self, row: Row) -> None:
        self._rows[(row.index, row.repeat)] = row

    @property
    def rows(self) -> list[Row]:
        """Finished rows in the sweep's order (point by point, repeats together)."""
        return [self._rows[key] for key in sorted(self._rows)]

    def row(self, index: tuple[int, ...], repeat: int) -> Row | None:
        """The row of one run, or None while it has not finished."""
        return self._rows.get((tuple(index), repeat))

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def complete(self) -> bool:
        return len(self._rows) == self.sweep.total

    def metric(self, name: str) -> Metric:
        return find_metric(self.sweep.model, name)

    # -- numbers ---------------------------------------------------------------------------
    def values(self, name: str, category: str | None = None) -> np.ndarray:
        """The metric of every run as floats, shape ``sweep.shape + (repeats,)``, NaN where
        none; a categorical metric gives 1 where a run ended in ``category`` (default: its
        first), else 0."""
        metric = self.metric(name)
        if metric.categorical and category is None:
            category = metric.categories[0]
        out = np.full(self.sweep.shape + (self.sweep.repeats,), np.nan)
        for (index, repeat), row in self._rows.items():
            value = row.metrics.get(name)
            if metric.categorical:
                out[index + (repeat,)] = float(value == category) if value is not None else np.nan
            elif value is not None:
                out[index + (repeat,)] = float(value)
        return out

    def summary(self, name: str, category: str | None = None) -> Summary:
        """Mean, lowest and highest over the repeats of each point."""
        metric = self.metric(name)
        if metric.categorical:
            category = category or metric.categories[0]
        values = self.values(name, category)
        count = np.sum(np.isfinite(values), axis=-1)
        with warnings.catch_warnings():  # all-NaN points stay NaN, without a word
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(values, axis=-1)
            low = np.nanmin(values, axis=-1)
            high = np.nanmax(values, axis=-1)
        label = f"share {category}" if metric.categorical else metric.axis_label()
        return Summary(mean, low, high, count, label)

    def nearest_repeat(self, name: str, index: tuple[int, ...], target: float,
                       category: str | None = None) -> int | None:
        """The repeat of point ``index`` whose value is closest to ``target`` (None if no
        run of that point has finished)."""
        values = self.values(name, category)[index]
        finite = np.flatnonzero(np.isfinite(values))
        if finite.size == 0:
            done = [r for r in range(self.sweep.repeats) if (index, r) in self._rows]
            return done[0] if done else None
        return int(finite[np.argmin(np.abs(values[finite] - target))])

    # -- writing ---------------------------------------------------------------------------
    def header(self) -> list[str]:
        return [axis.name for axis in self.sweep.axes] + ["repeat", "seed", *self.sweep.metrics]

    def records(self) -> list[list[str]]:
        """Every row as text: the varied values, the repeat, its seed, the metrics."""
        axes = self.sweep.axes
        out = []
        for row in self.rows:
            values = [axis.texts[i] for axis, i in zip(axes, row.index)]
            out.append([*values, str(row.repeat), str(row.seed),
                        *(format_value(row.metrics.get(m)) for m in self.sweep.metrics)])
        return out

    def write_csv(self, out: TextIO) -> None:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header())
        writer.writerows(self.records())

    def write_table(self, out: TextIO) -> None:
        rows = [self.header(), *self.records()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        rows.insert(1, ["-" * w for w in widths])
        out.writelines("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() + "\n"
                       for row in rows)

    def to_json(self) -> dict[str, Any]:
        """The sweep and its rows as plain JSON values (a missing metric is null)."""
        sweep = self.sweep
        return {
            "model": sweep.model,
            "seed": sweep.seed,
            "repeats": sweep.repeats,
            "steps": sweep.steps,
            "vary": [{"name": a.name, "scale": a.scale, "values": [_plain(v) for v in a.values]}
                     for a in sweep.axes],
            "metrics": list(sweep.metrics),
            "complete": self.complete,
            "rows": [{**{a.name: _plain(a.values[i]) for a, i in zip(sweep.axes, row.index)},
                      "repeat": row.repeat, "seed": row.seed,
                      **{m: _plain(row.metrics.get(m)) for m in sweep.metrics}}
                     for row in self.rows],
        }

    def write_json(self, out: TextIO) -> None:
        json.dump(self.to_json(), out, allow_nan=False)
        out.write("\n")


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value

