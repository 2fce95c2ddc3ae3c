"""What a finished run measured: metrics declared once, next to each model's parameters.

A :class:`Metric` names one number (or, for a categorical metric, one word) computed
from a run's simulation and its last snapshot: MaxNet's steps to settle, the SOM's
topographic error, the GAN's modes covered.  A model lists its metrics in a ``METRICS``
tuple, which the registry (``Model.metrics``) points to; sweeps, the CLI and the window
all read the same declarations (:func:`metrics_for`, :func:`find_metric`).

A metric that does not apply to a run (modes covered of a target without modes) is
``None``; numbers are plain ``float``.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .params import ParameterError

__all__ = ["Metric", "find_metric", "measure", "metrics_for"]

#: compute(simulation, last detailed snapshot) -> a number, a category, or None.
Compute = Callable[[Any, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Metric:
    """Declaration of one metric: its key, how people read it, and how it is computed.

    ``categories`` makes it categorical: its value is one of these words (the first is
    the outcome hoped for, e.g. MaxNet's ``converged``); otherwise it is a number.
    """

    name: str
    label: str
    compute: Compute
    unit: str = ""
    help: str = ""
    #: True: larger is better; False: smaller is; None: neither (a description).
    higher_is_better: bool | None = True
    categories: tuple[str, ...] = ()

    @property
    def categorical(self) -> bool:
        return bool(self.categories)

    def value(self, simulation: Any, snapshot: Mapping[str, Any]) -> float | str | None:
        """The metric of ``simulation`` (whose last detailed snapshot is ``snapshot``)."""
        value = self.compute(simulation, snapshot)
        if value is None:
            return None
        if self.categorical:
            return str(value)
        value = float(value)
        return value if math.isfinite(value) else None

    def axis_label(self) -> str:
        """The label with its unit, for a plot's axis."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


def metrics_for(model: str) -> tuple[Metric, ...]:
    """The metrics declared for ``model`` (none for a model that declares none);
    an unknown model raises :class:`ParameterError`."""
    from . import _entry  # the registry imports this package's modules, not this one

    target = getattr(_entry(model), "metrics", "")
    if not target:
        return ()
    module, _, name = target.partition(":")
    return tuple(getattr(importlib.import_module(module), name))


def find_metric(model: str, name: Any) -> Metric:
    """The metric ``name`` of ``model``, or one :class:`ParameterError` listing them."""
    declared = metrics_for(model)
    for metric in declared:
        if metric.name == name:
            return metric
    known = ", ".join(m.name for m in declared) or "none (this model declares no metrics)"
    raise ParameterError("metric", name, f"expected one of {known}")


def measure(simulation: Any, metrics: tuple[Metric, ...]) -> dict[str, float | str | None]:
    """Every metric of ``metrics`` for ``simulation`` as it is now (one detailed snapshot)."""
    snap = simulation.snapshot(detail=True)
    return {metric.name: metric.value(simulation, snap) for metric in metrics}
