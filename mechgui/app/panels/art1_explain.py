"""What the ART1 tab reads out under the mouse: a category (its prototype's size and the
inputs it holds), a trial of the last search (net input, match against ρ, reset or
learning), the categories found at a vigilance ρ, and the input's pixels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mechgui.engine.explain.art1 import category_readout, sweep_readout, trial_readout

from ..explain import Explainer

if TYPE_CHECKING:
    from .art1 import ART1Panel

__all__ = ["ART1Explanation"]

HINT = "Point at a category, a bar of the search or the curve against ρ for its values."


class ART1Explanation:
    """The read-outs of an :class:`~mechgui.app.panels.art1.ART1Panel` (no selection)."""

    def __init__(self, panel: ART1Panel) -> None:
        self.panel = panel
        self.explain = Explainer(panel, hint=HINT)
        self.explain.watch(panel.categories.plot, self._category_readout)
        self.explain.watch(panel.input_tile.plot, self._input_readout)
        self.explain.watch(panel.search_plot, self._trial_readout)
        self.explain.watch(panel.sweep_plot, lambda snap, x, y: sweep_readout(snap, x))

    def _category_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        tile = self.panel.categories.tile_at(x, y)
        units = np.flatnonzero(np.asarray(snap["committed"]))
        if tile is None or tile[0] >= units.size:
            return None
        return category_readout(snap, int(units[tile[0]]))

    def _input_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        tile = self.panel.input_tile.tile_at(x, y)
        if tile is None or snap["input"] is None:
            return None
        s = np.asarray(snap["input"])
        return (f"input s = {snap['labels'][snap['input_index']]}, component "
                f"{tile[1] + 1}: {int(s[tile[1]])} (|s| = {int(s.sum())})")

    def _trial_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        n = round(x) - 1
        if not 0 <= n < len(snap["tried"]):
            return None
        return trial_readout(snap, n)
