"""What the Mexican Hat tab explains: a unit's last update of Example 4.2 with its
cooperative sum (C1 over |k| ≤ R1) and competitive sum (C2 over R1 < |k| ≤ R2) and the
ramp's clamp at 0 and x_max (click a unit on the profile plot, or Tab), the two ranges
shaded around it, and the values under the mouse on each plot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg

from mechgui.engine.explain.mexican_hat import (
    unit_formula,
    unit_readout,
    weight_readout,
)
from mechgui.engine.explain.text import num, sub

from ..explain import Explainer, SelectionRing
from ..theme import Theme, color

if TYPE_CHECKING:
    from .mexican_hat import MexicanHatPanel

__all__ = ["HINT", "MexicanHatExplanation"]

HINT = "Click a unit of the profile (or Tab) for its update with its two sums."


def _count(snap: Mapping[str, Any]) -> int:
    return int(np.asarray(snap["activations"]).size)


class MexicanHatExplanation:
    """The explainer of a :class:`~mechgui.app.panels.mexican_hat.MexicanHatPanel`."""

    def __init__(self, panel: MexicanHatPanel) -> None:
        self.panel = panel
        self.explain = Explainer(panel, unit_formula, _count, HINT)
        self.explain.watch(panel.profile_plot, self._profile_readout, self._unit_at)
        self.explain.watch(panel.signal_plot, self._signal_readout)
        self.explain.watch(panel.weight_plot, self._weight_readout)
        self.explain.selectionChanged.connect(self._selection_changed)
        self.mark = SelectionRing(panel.profile_plot)
        # the units the selected one adds: with C1 (near), with C2 (far, both sides)
        self.near = pg.LinearRegionItem(movable=False)
        self.far = pg.LinearRegionItem(movable=False)
        for z, region in ((-20, self.far), (-19, self.near)):
            region.setZValue(z)
            for line in region.lines:
                line.setPen(pg.mkPen(None))
            panel.profile_plot.addItem(region, ignoreBounds=True)
        self._show_regions(None, None)

    def draw(self, snap: Mapping[str, Any]) -> None:
        """The selected unit's ring on the current profile, and the ranges it sums."""
        i = self.explain.selected
        x = np.asarray(snap["activations"], dtype=float)
        if i is None or i >= x.size:
            self.mark.hide()
            self._show_regions(None, None)
            return
        self.mark.show_point(i + 1, x[i])
        self._show_regions(i, snap)

    def _show_regions(self, i: int | None, snap: Mapping[str, Any] | None) -> None:
        if i is None or snap is None:
            self.near.hide()
            self.far.hide()
            return
        n = np.asarray(snap["activations"]).size
        r1, r2 = int(snap["r1"]), int(snap["r2"])
        unit = i + 1
        self.near.setRegion((max(1, unit - r1) - 0.5, min(n, unit + r1) + 0.5))
        self.far.setRegion((max(1, unit - r2) - 0.5, min(n, unit + r2) + 0.5))
        self.near.show()
        self.far.show()

    def restyle(self, theme: Theme) -> None:
        self.mark.restyle(theme)
        self.near.setBrush(pg.mkBrush(color("accent", 0.16)))
        self.far.setBrush(pg.mkBrush(color("winner", 0.10)))

    def _selection_changed(self, _: object) -> None:
        if self.panel.snapshot is not None:
            self.draw(self.panel.snapshot)

    # -- read-outs ---------------------------------------------------------------------------
    def _unit_at(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        i = round(x) - 1
        return i if 0 <= i < _count(snap) else None

    def _profile_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        i = self._unit_at(snap, x, y)
        return None if i is None else unit_readout(snap, i)

    def _signal_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        i = self._unit_at(snap, x, y)
        if i is None:
            return None
        s = float(np.asarray(snap["profiles"])[0, i])
        return f"external signal: s{sub(i + 1)} = {num(s)} (x{sub(i + 1)} at t = 0)"

    def _weight_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        return weight_readout(snap, round(x))
