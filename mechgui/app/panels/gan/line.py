"""The 1-D page: histograms of the real and the generated samples with the target density and
the generated one, and below D(x) against the optimal D*(x) = p_data / (p_data + p_g) (the
GAN seminar).  Everything here is costly to compute, so it is drawn on detailed frames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...panel import SimulationPanel
from ...theme import Theme
from ...widgets import DrawViewBox, set_stretch
from .geometry import AxisRange
from .items import HALVES, Key, entry

__all__ = ["LineView"]


class LineView:
    """The 1-D page (``graphics``): densities over x, then D and D*; a key under each."""

    def __init__(self, panel: SimulationPanel) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.box = DrawViewBox()
        self.density_plot = panel.add_plot(self.graphics, "Real and generated samples", row=0,
                                           col=0, left="density", view_box=self.box)
        self.hist_real = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.hist_fake = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.target_curve = pg.PlotDataItem()
        self.generated_curve = pg.PlotDataItem()
        self.drawn_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o")
        self.drawn_item.hide()  # until points are drawn
        for item in (self.hist_real, self.hist_fake, self.target_curve, self.generated_curve,
                     self.drawn_item):
            self.density_plot.addItem(item)
        self.density_key = Key()
        self.graphics.addItem(self.density_key, row=1, col=0)
        self.d_plot = panel.add_plot(self.graphics, "D(x) and the optimal D*(x)", row=2, col=0,
                                     left="D(x)", bottom="x")
        self.d_plot.setMouseEnabled(x=False, y=False)
        self.d_plot.setXLink(self.density_plot)
        self.half_line = pg.InfiniteLine(pos=0.5, angle=0, movable=False)
        self.d_plot.addItem(self.half_line)
        self.d_curve = pg.PlotDataItem()
        self.d_star_curve = pg.PlotDataItem()
        self.d_plot.addItem(self.d_star_curve)
        self.d_plot.addItem(self.d_curve)
        self.d_key = Key()
        self.graphics.addItem(self.d_key, row=3, col=0)
        set_stretch(self.graphics, rows=(3, 0, 2, 0))
        self._bounds: tuple[float, ...] | None = None
        self._density_range = AxisRange()
        self._d_range = AxisRange()

    def restart(self) -> None:
        self._density_range = AxisRange()
        self._d_range = AxisRange()

    def show_drawn(self, points: np.ndarray) -> None:
        self.drawn_item.setData(pos=points)
        self.drawn_item.setVisible(len(points) > 0)

    def draw(self, snap: Mapping[str, Any], detail: bool, keep_range: bool = False) -> None:
        """Show ``snap`` when it is detailed (every key drawn here is costly)."""
        bounds = np.asarray(snap["bounds"], dtype=float)
        key = tuple(bounds.ravel())
        if not keep_range and key != self._bounds:
            self._bounds = key
            self.density_plot.setXRange(bounds[0, 0], bounds[0, 1], padding=0)
        if not detail:
            return
        edges = np.asarray(snap["hist_edges"], dtype=float)
        hist_real = np.asarray(snap["hist_real"], dtype=float)
        hist_fake = np.asarray(snap["hist_fake"], dtype=float)
        x = np.asarray(snap["x_line"], dtype=float)
        target = np.asarray(snap["target_density"], dtype=float)
        generated = np.asarray(snap["generated_density"], dtype=float)
        self.hist_real.setData(edges, hist_real, skipFiniteCheck=True)
        self.hist_fake.setData(edges, hist_fake, skipFiniteCheck=True)
        self.target_curve.setData(x, target, skipFiniteCheck=True)
        self.generated_curve.setData(x, generated, skipFiniteCheck=True)
        top = max(float(np.max(a, initial=0)) for a in (hist_real, hist_fake, target, generated))
        rng = self._density_range.fit(0.0, top, pad=0.05)
        if rng is not None and not keep_range:
            self.density_plot.setYRange(0.0, rng[1], padding=0)
        d_line = np.asarray(snap["d_line"], dtype=float)
        self.d_curve.setData(x, d_line, skipFiniteCheck=True)
        self.d_star_curve.setData(x, np.asarray(snap["d_star_line"], dtype=float),
                                  skipFiniteCheck=True)
        probability = snap["d_output"] == "probability"
        if probability:
            rng = self._d_range.fit(0.0, 1.0, pad=0.02)
        else:
            rng = self._d_range.fit(min(0.0, float(d_line.min())), max(1.0, float(d_line.max())))
        if rng is not None:
            self.d_plot.setYRange(*rng, padding=0)
            # a probability: three ticks, readable however low the plot
            self.d_plot.getAxis("left").setTicks(HALVES if probability else None)

    def restyle(self, theme: Theme) -> None:
        dot = max(2.5, theme.symbol_size * 0.5)
        self.drawn_item.setSize(dot)
        self.drawn_item.setBrush(theme.brush("input", 0.9))
        for item, role in ((self.hist_real, "accent"), (self.hist_fake, "winner")):
            item.setPen(theme.pen(role, theme.thin_width))
            item.setBrush(theme.brush(role, 0.3))
        self.target_curve.setPen(theme.pen("accent", theme.line_width))
        self.generated_curve.setPen(theme.pen("winner", theme.thin_width,
                                              style=Qt.PenStyle.DashLine))
        self.d_curve.setPen(theme.pen("primary", theme.line_width))
        self.d_star_curve.setPen(theme.pen("#1A1A1A", theme.thin_width,
                                           style=Qt.PenStyle.DashLine))
        self.half_line.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DotLine))
        self.density_key.set_entries(
            [entry("box", "accent", "real data"), entry("box", "winner", "generated"),
             entry("line", "accent", "target density p_data"),
             entry("dash", "winner", "generated density p_g")], theme)
        self.d_key.set_entries(
            [entry("line", "primary", "D(x)"),
             entry("dash", "#1A1A1A", "optimal D*(x) = p_data / (p_data + p_g)"),
             entry("dots", "muted", "½")], theme)
