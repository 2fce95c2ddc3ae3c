"""Bounded histories: rows of numbers by step, in memory that stays flat however long a run.

A :class:`History` keeps at most ``capacity`` rows.  When they reach it they are halved
and the stride (rows added per row kept) doubles.  Two ways to halve:

``"thin"``  keep every other row: the rows added 0, s, 2s, … times before (the first
            row always stays; an odd capacity keeps the newest too);
``"mean"``  average neighbouring rows pairwise: each row is the mean of a window of
            ``stride`` added rows, at the window's last step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["History"]


class History:
    """Rows of ``width`` floats, each with its step, at most ``capacity`` of them."""

    def __init__(self, width: int, capacity: int, reduce: str = "thin") -> None:
        if reduce not in ("thin", "mean"):
            raise ValueError(f"reduce must be 'thin' or 'mean', not {reduce!r}")
        if capacity < 2:
            raise ValueError("a history needs a capacity of at least 2 rows")
        self.reduce = reduce
        self.capacity = capacity
        #: Rows added per row kept.
        self.stride = 1
        self.count = 0
        self._steps = np.empty(capacity, dtype=np.int64)
        self._rows = np.empty((capacity, width))
        self._added = 0                     # "thin": rows added so far
        self._sum: np.ndarray | None = None  # "mean": the open window's sum …
        self._in_window = 0                  # … and how many rows it holds

    @property
    def steps(self) -> np.ndarray:
        """The kept rows' steps (a view: copy it to keep it)."""
        return self._steps[:self.count]

    @property
    def rows(self) -> np.ndarray:
        """The kept rows, one per step (a view: copy it to keep it)."""
        return self._rows[:self.count]

    def add(self, step: int, values: Sequence[float] | np.ndarray) -> None:
        """Add one row: kept, folded into its window's mean, or skipped by the stride."""
        if self.reduce == "thin":
            added, self._added = self._added, self._added + 1
            if added % self.stride:
                return
            row = values
        else:
            if self._sum is None:
                self._sum = np.array(values, dtype=float)
            else:
                self._sum += values
            self._in_window += 1
            if self._in_window < self.stride:
                return
            row = self._sum / self._in_window
            self._sum, self._in_window = None, 0
        self._steps[self.count] = step
        self._rows[self.count] = row
        self.count += 1
        if self.count == self.capacity:
            self._halve()

    def _halve(self) -> None:
        count = self.count
        if self.reduce == "thin":
            kept = (count + 1) // 2
            self._steps[:kept] = self._steps[0:count:2]
            self._rows[:kept] = self._rows[0:count:2]
        else:
            kept = count // 2
            self._steps[:kept] = self._steps[1:2 * kept:2]
            self._rows[:kept] = (self._rows[0:2 * kept:2] + self._rows[1:2 * kept:2]) / 2
        self.count = kept
        self.stride *= 2

    def table(self, names: Sequence[str]) -> dict[str, np.ndarray]:
        """``{"step": steps, names[0]: first column, …}`` (copies)."""
        out = {"step": self.steps.copy()}
        for i, name in enumerate(names):
            out[name] = self._rows[:self.count, i].copy()
        return out
