"""What the counterpropagation tab reads out under the mouse: a cluster unit (its weights
v_j and w_j, its wins, the letters it holds), the net's output at an x beside the
function's value, the error at an epoch, a bar of the wins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mechgui.engine.explain.counterpropagation import (
    error_readout,
    output_readout,
    unit_readout,
)

from ..explain import Explainer, nearest_within

if TYPE_CHECKING:
    from .counterpropagation import CounterpropagationPanel

__all__ = ["CounterpropagationExplanation"]

HINT = "Point at a cluster unit, the output curve, a bar or the error curve for its values."
#: How near (pixels) the mouse must be to a unit's point (v_j, w_j).
NEAR_UNIT_PX = 14


class CounterpropagationExplanation:
    """The read-outs of a :class:`~mechgui.app.panels.counterpropagation.CounterpropagationPanel`
    (no selection)."""

    def __init__(self, panel: CounterpropagationPanel) -> None:
        self.panel = panel
        self.explain = Explainer(panel, hint=HINT)
        self.explain.watch(panel.curve_plot, self._curve_readout)
        self.explain.watch(panel.clusters.plot, self._tile_readout)
        self.explain.watch(panel.error_plot, lambda snap, x, y: error_readout(snap, x))
        self.explain.watch(panel.wins_plot, self._wins_readout)

    def _curve_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        v = np.asarray(snap["cluster_weights"], dtype=float)
        w = np.asarray(snap["outstar_weights"], dtype=float)
        if v.shape[1] == 1 and w.shape[1] == 1:
            points = np.column_stack([v[:, 0], w[:, 0]])
            j = nearest_within(points, x, y, self.panel.curve_plot.getViewBox(), NEAR_UNIT_PX)
            if j is not None:
                return unit_readout(snap, j)
        return output_readout(snap, x)

    def _tile_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        tile = self.panel.clusters.tile_at(x, y)
        if tile is None or tile[0] >= len(snap["cluster_weights"]):
            return None
        return unit_readout(snap, tile[0])

    def _wins_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        j = round(x) - 1
        return unit_readout(snap, j) if 0 <= j < len(snap["wins"]) else None
