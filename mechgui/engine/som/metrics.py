"""The SOM's metrics (:mod:`mechgui.engine.metrics`): how well the trained map fits its data.

Quantization and topographic error as the map measured them after its last epoch (the
snapshot's values, :mod:`.quality`), and the units that win at least one input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..metrics import Metric
from .quality import data_winners

__all__ = ["METRICS", "units_used"]


def units_used(sim: Any, snap: Mapping[str, Any]) -> int:
    """Units that are the winner of at least one input, for the current weights."""
    hits = snap.get("hit_map")
    if hits is None:  # a big map over big data: the snapshot leaves it out
        best, _ = data_winners(np.asarray(snap["data"]), np.asarray(snap["weights"]))
        hits = np.bincount(best, minlength=int(snap["rows"]) * int(snap["cols"]))
    return int(np.count_nonzero(hits))


def _topographic(sim: Any, snap: Mapping[str, Any]) -> float | None:
    """TE, or None for a map without topology (no unit has a neighbour there)."""
    return None if snap["topology"] == "none" else snap["topographic_error"]


METRICS = (
    Metric("quantization_error", "quantization error",
           lambda sim, snap: snap["quantization_error"],
           help="mean distance from each input to its winner's weight vector",
           higher_is_better=False),
    Metric("topographic_error", "topographic error", _topographic,
           help="share of inputs whose winner and runner-up are not grid neighbours: "
                "where the map is twisted (none without topology)",
           higher_is_better=False),
    Metric("units_used", "units used", units_used, unit="units",
           help="cluster units that win at least one input"),
)
