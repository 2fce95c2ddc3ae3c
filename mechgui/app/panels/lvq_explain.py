"""What the LVQ tab reads out under the mouse: a prototype (its class, vector, distance to
the input), a training vector (its class and the class the net gives it), the accuracy
at an epoch, a distance bar; on the letters, a prototype's or a vector's tile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mechgui.engine.explain.lvq import (
    accuracy_readout,
    prototype_readout,
    sample_readout,
)
from mechgui.engine.explain.text import num

from ..explain import Explainer, nearest_within

if TYPE_CHECKING:
    from .lvq import LVQPanel

__all__ = ["LVQExplanation"]

HINT = "Point at a prototype, a training vector, a bar or the accuracy curve for its values."
#: How near (pixels) the mouse must be to a prototype, or a training vector, on the plane.
NEAR_PROTOTYPE_PX = 14
NEAR_POINT_PX = 6


class LVQExplanation:
    """The read-outs of a :class:`~mechgui.app.panels.lvq.LVQPanel` (no selection)."""

    def __init__(self, panel: LVQPanel) -> None:
        self.panel = panel
        self.explain = Explainer(panel, hint=HINT)
        self.explain.watch(panel.plane, self._plane_readout)
        self.explain.watch(panel.protos.plot, self._prototype_tile_readout)
        self.explain.watch(panel.samples.plot, self._sample_tile_readout)
        self.explain.watch(panel.accuracy_plot, lambda snap, x, y: accuracy_readout(snap, x))
        self.explain.watch(panel.distance_plot, self._distance_readout)

    def _plane_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        box = self.panel.plane.getViewBox()
        j = nearest_within(np.asarray(snap["prototypes"]), x, y, box, NEAR_PROTOTYPE_PX)
        if j is not None:
            return prototype_readout(snap, j)
        data = np.asarray(snap["data"])
        i = nearest_within(data, x, y, box, NEAR_POINT_PX) if len(data) <= 20_000 else None
        if i is not None:
            return sample_readout(snap, i)
        return f"(x₁, x₂) = ({num(x)}, {num(y)})"

    def _prototype_tile_readout(self, snap: Mapping[str, Any], x: float,
                                y: float) -> str | None:
        tile = self.panel.protos.tile_at(x, y)
        if tile is None or tile[0] >= len(snap["prototypes"]):
            return None
        return prototype_readout(snap, tile[0])

    def _sample_tile_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        tile = self.panel.samples.tile_at(x, y)
        if tile is None or tile[0] >= len(snap["data"]):
            return None
        return sample_readout(snap, tile[0])

    def _distance_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        j = round(x) - 1
        if snap.get("distances") is None or not 0 <= j < len(snap["prototypes"]):
            return None
        return prototype_readout(snap, j)
