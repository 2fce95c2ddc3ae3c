"""The 2-D page: D's map as a heat map behind the real points and G's samples, G's image of a
grid of noise points, and the direction G's loss pushes the first samples.  The plot shows
exactly the box D was evaluated on, its width kept to the box's proportions; the key (what
the colours and marks mean) sits in the room left beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from ...panel import SimulationPanel
from ...theme import Theme
from ...widgets import DotsItem, DrawViewBox, set_stretch
from .geometry import AxisRange, arrow_segments, heat_lut, manifold_lines
from .items import Key, entry, set_points

__all__ = ["PlaneView", "LAYERS", "ARROW_REACH"]

#: The page's layers, in drawing order: (key, checkbox text).
LAYERS = (("heatmap", "D heat map"), ("real", "real data"), ("generated", "samples G(z)"),
          ("manifold", "G's noise grid"), ("arrows", "gradient arrows"))
#: Longest arrow, as a share of the plot's width.
ARROW_REACH = 0.09
_LUT = heat_lut()
#: The key's heading and the words at the ends of its colour bar, by what D outputs.
_HEAT_WORDS = {"probability": ("D(x) behind the points", "0 fake", "1 real"),
               "score": ("D's score behind the points", "0 fake", "1 real"),
               "critic": ("critic C(x) behind the points", "{low} fake", "{high} real")}
_ARROW_ROLE = "#5A2D82"


class PlaneView:
    """The 2-D page (``graphics``): the plane, its layers and its key."""

    def __init__(self, panel: SimulationPanel) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        # Each frame repaints one rectangle around what changed: Qt then clips the noise
        # grid's and the arrows' lines to a rectangle, not to a region of many bands.
        self.graphics.setViewportUpdateMode(
            QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.box = DrawViewBox()
        # the room the plot leaves (see _fit_width) is shared by both sides: the plot and
        # its key stand together in the middle
        self.graphics.addItem(pg.GraphicsWidget(), row=0, col=0)
        self.plot = panel.add_plot(self.graphics, "Samples", row=0, col=1,
                                   left="x<sub>2</sub>", bottom="x<sub>1</sub>",
                                   view_box=self.box)
        self.heat_item = pg.ImageItem(axisOrder="row-major")
        self.heat_item.setLookupTable(_LUT)
        self.heat_item.setZValue(-10)
        # D's map changes only on detailed frames: Qt keeps it as a pixmap in between
        self.heat_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.real_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o")
        # the frames' real batch is fixed: Qt keeps it as a pixmap between frames
        self.real_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # the generated points move every frame: one pre-rendered dot stamped at each
        self.fake_item = DotsItem()
        # line sets replaced often: bare curve items (a PlotDataItem's bookkeeping costs
        # more than the drawing)
        self.manifold_item = pg.PlotCurveItem(antialias=False, skipFiniteCheck=True)
        self.arrow_item = pg.PlotCurveItem(connect="pairs", antialias=False,
                                           skipFiniteCheck=True)
        self.drawn_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o")
        self.drawn_item.hide()  # until points are drawn
        #: The layers by key (see :data:`LAYERS`).
        self.items: dict[str, pg.GraphicsObject] = {
            "heatmap": self.heat_item, "real": self.real_item, "generated": self.fake_item,
            "manifold": self.manifold_item, "arrows": self.arrow_item}
        for item in (self.heat_item, self.real_item, self.manifold_item, self.fake_item,
                     self.arrow_item, self.drawn_item):
            self.plot.addItem(item)
        self.key = Key(wrap=False)
        self.graphics.addItem(self.key, row=0, col=2)
        self.graphics.ci.layout.setAlignment(
            self.key, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        set_stretch(self.graphics, cols=(1, 100, 1))  # the plot first, up to its width
        self.box.sigResized.connect(self._fit_width)
        self._theme = panel.theme
        self._aspect = 1.0            # width / height of the box shown
        self._bounds: tuple[float, ...] | None = None
        self._kind = "probability"     # what D outputs: probability, score or critic
        self._levels = (0.0, 1.0)
        self._critic = AxisRange()
        self._heat_rect: tuple[float, ...] | None = None
        self._real: Any = None         # the real batch shown (the same object until a reset)

    # -- commands ---------------------------------------------------------------------
    def set_layer_visible(self, key: str, on: bool) -> None:
        self.items[key].setVisible(on)
        self._show_key()

    def show_drawn(self, points: np.ndarray) -> None:
        self.drawn_item.setData(pos=points)
        self.drawn_item.setVisible(len(points) > 0)  # an empty scatter still costs a paint

    def restart(self) -> None:
        self._critic = AxisRange()

    # -- drawing ----------------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any], detail: bool, keep_range: bool = False) -> None:
        """Show ``snap``; D's map and G's grid only when ``detail`` (they are the same
        in the frames between); ``keep_range`` while the user draws."""
        if not keep_range:
            self._follow_bounds(np.asarray(snap["bounds"], dtype=float))
        if detail:
            if self.heat_item.isVisible():
                self._draw_heat(snap)
            if self.manifold_item.isVisible():
                x, y, conn = manifold_lines(np.asarray(snap["manifold"]))
                self.manifold_item.setData(x, y, connect=conn, skipFiniteCheck=True)
        real = snap["real"]
        if real is not self._real:
            self._real = real
            set_points(self.real_item, np.asarray(real, dtype=float))
        samples = np.asarray(snap["samples"], dtype=float)
        if self.fake_item.isVisible():
            self.fake_item.setData(samples[:, 0], samples[:, 1])
        if self.arrow_item.isVisible():
            grads = np.asarray(snap["gradients"], dtype=float)  # at the first samples
            bounds = self._bounds or (0.0, 1.0)
            ax, ay = arrow_segments(samples[:len(grads)], grads,
                                    ARROW_REACH * (bounds[1] - bounds[0]))
            self.arrow_item.setData(ax, ay, connect="pairs", skipFiniteCheck=True)

    def _follow_bounds(self, bounds: np.ndarray) -> None:
        """Show exactly the box D's map covers (the map then fills the whole plot)."""
        key = tuple(np.round(bounds.ravel(), 6))
        if key == self._bounds:
            return
        self._bounds = key
        (x0, x1), (y0, y1) = bounds[0], bounds[1]
        self.plot.setXRange(x0, x1, padding=0)
        self.plot.setYRange(y0, y1, padding=0)
        self._aspect = float((x1 - x0) / (y1 - y0)) if y1 > y0 else 1.0
        self._fit_width()

    def _fit_width(self) -> None:
        """Keep the plot as wide as its height and the box's proportions ask (a circle stays
        round); the room left goes to the key."""
        box = self.box
        height = box.height()
        if height <= 1:
            return
        extra = self.plot.width() - box.width()  # the axis and the margins
        want = extra + height * self._aspect
        if abs(self.plot.maximumWidth() - want) > 1:
            self.plot.setMaximumWidth(want)

    def _draw_heat(self, snap: Mapping[str, Any]) -> None:
        grid = np.asarray(snap["d_grid"], dtype=np.float32)
        kind = str(snap["d_output"])
        if kind == "probability":
            levels = (0.0, 1.0)
        elif kind == "score":
            levels = (-0.25, 1.25)
        else:
            self._critic.fit(float(grid.min()), float(grid.max()), pad=0.05)
            levels = self._critic.current or (-1.0, 1.0)
        self.heat_item.setImage(grid, levels=levels, autoLevels=False)
        gx, gy = np.asarray(snap["grid_x"]), np.asarray(snap["grid_y"])
        dx = (gx[-1] - gx[0]) / max(len(gx) - 1, 1)
        dy = (gy[-1] - gy[0]) / max(len(gy) - 1, 1)
        rect = (gx[0] - dx / 2, gy[0] - dy / 2, gx[-1] - gx[0] + dx, gy[-1] - gy[0] + dy)
        if rect != self._heat_rect:
            self._heat_rect = rect
            self.heat_item.setRect(QRectF(*rect))
        if (kind, levels) != (self._kind, self._levels):
            self._kind, self._levels = kind, levels
            self._show_key()

    def _show_key(self) -> None:
        theme = self._theme
        dot = "dot"
        layers = [("real", entry(dot, "#1A1A1A", "real data")),
                  ("generated", entry(dot, "winner", "generated G(z)")),
                  ("manifold", entry("line", "primary", "G's image of a noise grid")),
                  ("arrows", entry("arrow", _ARROW_ROLE, "where G's loss pushes"))]
        entries = [e for key, e in layers if self.items[key].isVisible()]
        bar = None
        heading = ""
        if self.heat_item.isVisible():
            heading, low, high = _HEAT_WORDS[self._kind]
            lo, hi = self._levels
            bar = (_LUT, low.format(low=f"{lo:.3g}"), high.format(high=f"{hi:.3g}"))
        self.key.set_entries(entries, theme, heading=heading, bar=bar)

    # -- theme --------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        dot = max(2.5, theme.symbol_size * 0.5)
        self.real_item.setSize(dot)
        self.real_item.setBrush(pg.mkBrush(20, 20, 20, 140))
        self.fake_item.set_style(dot, theme.brush("winner", 0.8))
        self.drawn_item.setSize(dot)
        self.drawn_item.setBrush(theme.brush("input", 0.9))
        self.manifold_item.setPen(theme.pen("primary", theme.thin_width * 0.8, alpha=0.65))
        self.arrow_item.setPen(theme.pen(_ARROW_ROLE, theme.thin_width * 0.8, alpha=0.85))
        self._show_key()
