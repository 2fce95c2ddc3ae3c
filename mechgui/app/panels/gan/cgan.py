"""The conditional GAN page (``dataset=rosenbrock``, the GAN seminar's Fig. 6): samples
x ~ G(z | y) in the (x1, x2) plane over the reference posterior, and the push-forward
M(G(z | y)) against the observations y.  The histograms are drawn on detailed frames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...panel import SimulationPanel
from ...theme import Theme
from .geometry import AxisRange
from .items import Key, entry, set_points

__all__ = ["CGANView", "PUSH_BINS"]

#: Bins of the push-forward's histogram (over the observations' range, ¾ of it each side).
PUSH_BINS = 48


class CGANView:
    """The cGAN page (``graphics``): the posterior plane and the push-forward, a key under each."""

    def __init__(self, panel: SimulationPanel) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.posterior_plot = panel.add_plot(self.graphics, "Samples x ~ G(z | y)",
                                             row=0, col=0, left="x<sub>2</sub>",
                                             bottom="x<sub>1</sub>")
        self.posterior_plot.setMouseEnabled(x=False, y=False)
        self.valley_item = pg.PlotDataItem()
        self.posterior_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o")
        self.fake_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o")
        for item in (self.valley_item, self.posterior_item, self.fake_item):
            self.posterior_plot.addItem(item)
        self.push_plot = panel.add_plot(self.graphics, "Push-forward M(G(z | y))",
                                        row=0, col=1, left="density", bottom="y = M(x)")
        self.push_plot.setMouseEnabled(x=False, y=False)
        self.obs_hist = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.push_hist = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.push_plot.addItem(self.obs_hist)
        self.push_plot.addItem(self.push_hist)
        self.posterior_key = Key()
        self.push_key = Key()
        self.graphics.addItem(self.posterior_key, row=1, col=0)
        self.graphics.addItem(self.push_key, row=1, col=1)
        self._bounds: tuple[float, ...] | None = None
        self._real: Any = None
        self._push_x: tuple[float, float] | None = None
        self._push_range = AxisRange()

    def restart(self) -> None:
        self._push_range = AxisRange()

    def draw(self, snap: Mapping[str, Any], detail: bool) -> None:
        """Show ``snap``: the samples every frame, the histograms when ``detail``."""
        self._follow_bounds(np.asarray(snap["bounds"], dtype=float))
        real = snap["real"]
        if real is not self._real:
            self._real = real
            set_points(self.posterior_item, np.asarray(real, dtype=float))
        if self.fake_item.isVisible():
            set_points(self.fake_item, np.asarray(snap["samples"], dtype=float))
        if detail:
            self._draw_push(np.asarray(snap["observations"], dtype=float),
                            np.asarray(snap["pushforward"], dtype=float))

    def _follow_bounds(self, bounds: np.ndarray) -> None:
        key = tuple(bounds.ravel())
        if key == self._bounds:
            return
        self._bounds = key
        self.posterior_plot.setXRange(bounds[0, 0], bounds[0, 1], padding=0)
        self.posterior_plot.setYRange(bounds[1, 0], bounds[1, 1], padding=0)
        x1 = np.linspace(bounds[0, 0], bounds[0, 1], 200)
        keep = (x1 ** 2 >= bounds[1, 0]) & (x1 ** 2 <= bounds[1, 1])
        self.valley_item.setData(x1[keep], x1[keep] ** 2)

    def _draw_push(self, obs: np.ndarray, pushed: np.ndarray) -> None:
        """Densities of the observations and of M(G(z | y)) (values outside the bins piled
        up in the outer bins, so that every sample counts)."""
        lo, hi = float(obs.min()), float(obs.max())
        span = max(hi - lo, 1e-6)
        edges = np.linspace(lo - 0.75 * span, hi + 0.75 * span, PUSH_BINS + 1)
        width = edges[1] - edges[0]
        h_obs = np.histogram(obs, bins=edges)[0] / (max(len(obs), 1) * width)
        finite = pushed[np.isfinite(pushed)]
        h_push = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)[0] / \
            (max(len(pushed), 1) * width)
        self.obs_hist.setData(edges, h_obs, skipFiniteCheck=True)
        self.push_hist.setData(edges, h_push, skipFiniteCheck=True)
        xkey = (edges[0], edges[-1])
        if xkey != self._push_x:
            self._push_x = xkey
            self.push_plot.setXRange(edges[0], edges[-1], padding=0)
        rng = self._push_range.fit(0.0, max(float(h_obs.max()), float(h_push.max())), pad=0.05)
        if rng is not None:
            self.push_plot.setYRange(0.0, rng[1], padding=0)

    def restyle(self, theme: Theme) -> None:
        dot = max(2.5, theme.symbol_size * 0.5)
        self.posterior_item.setSize(dot)
        self.posterior_item.setBrush(pg.mkBrush(20, 20, 20, 90))
        self.fake_item.setSize(dot)
        self.fake_item.setBrush(theme.brush("winner", 0.7))
        self.valley_item.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DashLine))
        for item, role in ((self.obs_hist, "accent"), (self.push_hist, "winner")):
            item.setPen(theme.pen(role, theme.thin_width))
            item.setBrush(theme.brush(role, 0.3))
        self.posterior_key.set_entries(
            [entry("dot", "#505050", "reference posterior"), entry("dot", "winner", "G(z | y)"),
             entry("dash", "muted", "valley x₂ = x₁²")], theme)
        self.push_key.set_entries(
            [entry("box", "accent", "observations y"), entry("box", "winner", "M(G(z | y))")],
            theme)
