"""The input space (2-D data): the data, every unit's weight vector joined by its lattice
edges, the current input and its winner J, the units that learned on that step (the more
opaque, the larger their rate α·h(d)), a short motion trace, and the points being drawn.

The extended SOMs: each unit's ellipse {x : D(j) = (2·QE)²} when it learns a Σ_j
(``distance=ellipse``); on a small map (at most :data:`MAX_COLOURED_UNITS` units) each unit
has a colour and the data take their winner's (hard memberships) or the blend of the
units' colours by their fuzzy memberships u_j.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from mechgui.engine.som.extended import ellipse_outlines

from ...panel import SimulationPanel
from ...theme import Theme
from ...widgets import DotsItem, DrawViewBox

__all__ = [
    "ELLIPSE_LEVEL",
    "MAX_COLOURED_UNITS",
    "MAX_SHOWN_POINTS",
    "UNIT_COLOURS",
    "SpaceView",
    "data_colours",
]

#: Data points shown at most (a regular sample of bigger sets).
MAX_SHOWN_POINTS = 20_000
#: Maps with more units than this show the units as lattice vertices only, without dots.
MAX_UNIT_DOTS = 400
#: Lattices with more edges than this are drawn with 1-pixel lines, no antialiasing.
MAX_SMOOTH_EDGES = 400
#: Levels of opacity of the learning neighbourhood.
FADE_LEVELS = 4
#: Frames kept for the motion trace.
TRACE_FRAMES = 6
#: Maps of at most this many units colour their units, and the data by membership.
MAX_COLOURED_UNITS = 12
#: The units' colours: Okabe–Ito's (no yellow), then five of Paul Tol's.
UNIT_COLOURS = np.array([[0, 114, 178], [230, 159, 0], [0, 158, 115], [204, 121, 167],
                         [213, 94, 0], [86, 180, 233], [136, 34, 85], [68, 170, 153],
                         [153, 153, 51], [17, 119, 51], [51, 34, 136], [110, 110, 110]],
                        dtype=float)
#: Each unit's ellipse is the curve D(j) = (ELLIPSE_LEVEL · QE)²: for a Gaussian cluster
#: about the same share of it as a circle of twice the mean distance.
ELLIPSE_LEVEL = 2.0
#: Points on each ellipse.
ELLIPSE_POINTS = 48


def data_colours(memberships: np.ndarray) -> np.ndarray:
    """(N, 3) colours of the data: the units' colours mixed by the memberships (rows of
    ``memberships`` sum to 1; a hard membership gives the winner's colour)."""
    return memberships @ UNIT_COLOURS[:memberships.shape[1]]


def _point_count(item: QGraphicsItem) -> int:
    """Points held by a curve, scatter or dots item."""
    x = item.getData()[0]
    return 0 if x is None else len(x)


class SpaceView:
    """The input space's plot and items, built once; :meth:`draw` shows one snapshot."""

    def __init__(self, panel: SimulationPanel) -> None:
        self.box = DrawViewBox()
        self.plot = panel.add_plot(None, "Input space", view_box=self.box,
                                   left="x<sub>2</sub>", bottom="x<sub>1</sub>")
        self.box.setAspectLocked(True)
        self.box.disableAutoRange()
        self.data_item = pg.ScatterPlotItem(pxMode=True)
        # The data change only on a reset: Qt keeps them as a pixmap instead of painting
        # every point again each frame.
        self.data_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # bare curves (no PlotDataItem around them): what changes every frame is set
        # straight into the item that paints it, with no check for NaNs (there are none)
        self.trace_item = pg.PlotCurveItem(connect="pairs", antialias=False, skipFiniteCheck=True)
        self.lattice_item = pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True)
        self.units_item = pg.ScatterPlotItem(pxMode=True)
        # the units that learned, each as opaque as its fade level: one stamp per unit
        # (a scatter item costs several times more to update and to paint); the winner
        # and the input too
        self.learning_item = DotsItem()
        self.pull_item = pg.PlotCurveItem(skipFiniteCheck=True)
        self.winner_item = DotsItem()
        self.input_item = DotsItem(symbol="star")
        self.drawn_item = pg.ScatterPlotItem(pxMode=True)
        # the extended SOM's ellipses: one curve each in its unit's colour on a small map,
        # else one curve broken by NaNs between the units
        self.ellipse_item = pg.PlotCurveItem(connect="finite")
        self.unit_ellipses = [pg.PlotCurveItem() for _ in range(MAX_COLOURED_UNITS)]
        for item in (self.data_item, self.trace_item, self.ellipse_item, self.lattice_item,
                     self.units_item, self.learning_item, self.pull_item, self.winner_item,
                     self.input_item, self.drawn_item, *self.unit_ellipses):
            self.plot.addItem(item)
        self._theme = panel.theme
        self._edges = np.empty((0, 2), dtype=np.int64)
        self._shown = True  # the lattice and its highlights (hidden while drawing data)
        self._trace: deque[tuple[int, np.ndarray]] = deque(maxlen=TRACE_FRAMES)
        self._paused = False  # whether the trace's last frame was taken paused
        self._every = 1  # the data shown are every this-many-th input
        self._coloured_by: object = None  # the snapshot array the data's colours come from
        self.colouring = False  # whether the data are coloured by unit
        self._unit_size = 6.0  # (the theme's, from restyle)
        self._unit_pen = pg.mkPen("k")
        self._unit_brushes = [pg.mkBrush(*c.astype(int)) for c in UNIT_COLOURS]

    # -- what changes on a reset -------------------------------------------------------
    def set_edges(self, edges: np.ndarray) -> None:
        """The lattice's unit pairs (a new map: the motion trace starts again)."""
        self._edges = edges
        self._trace.clear()
        self._style_lattice()

    def show_data(self, data: np.ndarray | None) -> None:
        """The data points (a regular sample of a big set), framed; None: no data shown."""
        if data is None:
            self._set_points(self.data_item, [], [])
            return
        self._every = max(1, math.ceil(len(data) / MAX_SHOWN_POINTS))
        shown = data[::self._every]
        self._coloured_by = None
        self.colouring = False
        self._set_points(self.data_item, shown[:, 0], shown[:, 1],
                         brush=self._theme.brush("muted", 0.55))
        lo, hi = data.min(axis=0), data.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        self.box.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]),
                          padding=0.06 if span.min() > 0 else 0.5)

    def show_drawn(self, points: np.ndarray, drawing: bool, map_shown: bool) -> None:
        """The points being drawn (while ``drawing``); the map's items only if ``map_shown``."""
        if len(points) and drawing:
            self.drawn_item.setData(points[:, 0], points[:, 1])
            self.drawn_item.show()
        else:
            self._set_points(self.drawn_item, [], [])
        self._shown = map_shown
        for item in (self.lattice_item, self.units_item, self.learning_item, self.winner_item,
                     self.input_item, self.pull_item, self.trace_item, self.data_item,
                     self.ellipse_item, *self.unit_ellipses):
            item.setVisible(self._shown and _point_count(item) > 0)

    def clear_trace(self) -> None:
        self._trace.clear()

    # -- each frame ----------------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any], trace_span: float | None) -> None:
        """The lattice and highlights of ``snap``; the motion trace over the last
        ``trace_span`` steps (at least the last move; None: no trace)."""
        weights = np.asarray(snap["weights"])
        ends = weights[self._edges].reshape(-1, 2)
        self._set_points(self.lattice_item, ends[:, 0], ends[:, 1])
        if len(weights) <= MAX_COLOURED_UNITS:  # big dots in the units' colours
            self._set_points(self.units_item, weights[:, 0], weights[:, 1],
                             brush=self._unit_brushes[:len(weights)],
                             size=self._unit_size * 2.2, pen=self._unit_pen)
        elif len(weights) <= MAX_UNIT_DOTS:
            self._set_points(self.units_item, weights[:, 0], weights[:, 1],
                             brush=self._theme.brush("primary"), size=self._unit_size,
                             pen=None)
        else:  # hundreds of dots cost more to paint than the whole lattice
            self._set_points(self.units_item, [], [])
        updated = np.asarray(snap["updated"], dtype=np.int64)
        rates = np.asarray(snap["update_rates"], dtype=float)
        if updated.size and rates.size:
            top = float(rates.max()) or 1.0
            level = np.clip(np.ceil(rates / top * FADE_LEVELS) - 1, 0, FADE_LEVELS - 1)
            order = np.argsort(level, kind="stable")  # the most opaque drawn last, on top
            units = updated[order]
            self._set_points(self.learning_item, weights[units, 0], weights[units, 1],
                             opacity=(level[order] + 1) / FADE_LEVELS * 0.9)
        else:
            self._set_points(self.learning_item, [], [])
        winner, x = snap["winner"], snap["input"]
        if winner is not None and x is not None:
            w = weights[winner]
            self._set_points(self.winner_item, [w[0]], [w[1]])
            self._set_points(self.input_item, [x[0]], [x[1]])
            self._set_points(self.pull_item, [x[0], w[0]], [x[1], w[1]])
        else:
            for item in (self.winner_item, self.input_item, self.pull_item):
                self._set_points(item, [], [])
        self._draw_trace(int(snap["step"]), weights, trace_span)
        self._draw_ellipses(weights, snap["sigmas"], float(snap["quantization_error"]))

    def _draw_ellipses(self, weights: np.ndarray, sigmas: np.ndarray | None,
                       qe: float) -> None:
        """Each unit's ellipse D(j) = (:data:`ELLIPSE_LEVEL` · QE)² (none without Σ_j)."""
        shown = sigmas is not None and qe > 0
        curves = ellipse_outlines(weights, sigmas, ELLIPSE_LEVEL * qe, ELLIPSE_POINTS) \
            if shown else np.empty((0, 0, 2))
        own = len(curves) <= MAX_COLOURED_UNITS  # one curve per unit, in its colour
        for j, item in enumerate(self.unit_ellipses):
            if own and j < len(curves):
                self._set_points(item, curves[j, :, 0], curves[j, :, 1])
            else:
                self._set_points(item, [], [])
        if own:
            self._set_points(self.ellipse_item, [], [])
            return
        gap = np.full((len(curves), 1, 2), np.nan)
        pts = np.concatenate([curves, gap], axis=1).reshape(-1, 2)
        self._set_points(self.ellipse_item, pts[:, 0], pts[:, 1])

    def colour_data(self, snap: Mapping[str, Any]) -> None:
        """The data in their units' colours on a small map (hard: the winner's; fuzzy: the
        blend by the memberships), plain otherwise; redone when the memberships change."""
        units = len(snap["weights"])
        fuzzy = snap["memberships"]
        source = fuzzy if fuzzy is not None else snap["data_winners"]
        if units > MAX_COLOURED_UNITS or source is None or snap["data"].shape[1] != 2:
            if self.colouring:
                self.colouring = False
                self._coloured_by = None
                self.data_item.setBrush(self._theme.brush("muted", 0.55))
            return
        if source is self._coloured_by:
            return
        self._coloured_by = source
        self.colouring = True
        if fuzzy is not None:
            colours = data_colours(np.asarray(fuzzy)[::self._every])
        else:
            colours = UNIT_COLOURS[np.asarray(source)[::self._every]]
        # blends rounded to steps of 8: a few hundred brushes at most, each drawn once into
        # pyqtgraph's symbol atlas (one brush per point redrew thousands of symbols)
        step = 8 if fuzzy is not None else 1
        levels = np.minimum(np.rint(np.asarray(colours) / step) * step, 255).astype(int)
        shades, index = np.unique(levels, axis=0, return_inverse=True)
        brushes = [pg.mkBrush(int(r), int(g), int(b), 190) for r, g, b in shades]
        self.data_item.setBrush([brushes[i] for i in index.ravel()])

    def _draw_trace(self, step: int, weights: np.ndarray, span: float | None) -> None:
        """Each unit's positions over the frames of the last ``span`` steps.  ``span`` 0
        is a frame taken paused: the first (on pausing) keeps the trace as it was, each
        one after it (a Step) shows its own move only."""
        if span is None:
            self._trace.clear()
            self._set_points(self.trace_item, [], [])
            return
        trace = self._trace
        if not trace or trace[-1][1].shape != weights.shape \
                or not np.array_equal(trace[-1][1], weights):
            if span == 0 and self._paused and trace:
                last = trace.pop()
                trace.clear()
                trace.append(last)
            trace.append((step, np.array(weights)))
            while span and len(trace) > 2 and step - trace[0][0] > span:
                trace.popleft()
            self._paused = span == 0
        if len(trace) < 2:
            self._set_points(self.trace_item, [], [])
            return
        stack = np.stack([w for _, w in trace], axis=1)  # (m, k, 2)
        seg = np.stack([stack[:, :-1], stack[:, 1:]], axis=2).reshape(-1, 2, 2)
        rect = self.box.viewRect()
        tiny = 2e-3 * max(rect.width(), rect.height())
        seg = seg[np.abs(seg[:, 1] - seg[:, 0]).max(axis=1) > tiny]  # moved visibly
        pts = seg.reshape(-1, 2)
        self._set_points(self.trace_item, pts[:, 0], pts[:, 1])

    def _set_points(self, item: QGraphicsItem, x: Any, y: Any, **style: Any) -> None:
        """Give an item its points, or hide it when there are none: an empty item still
        costs a paint, and emptying it again each frame a repaint."""
        if len(x):
            item.setData(x, y, **style)
            item.setVisible(self._shown)
        elif item.isVisible() or _point_count(item):
            item.setData([], [])
            item.hide()

    def learning_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The highlighted units as drawn: (n, 2) positions and their opacities."""
        x, y = self.learning_item.getData()
        alpha = self.learning_item.opacities() * self.learning_item.brush().color().alphaF()
        return np.column_stack([x, y]), alpha

    # -- theme ---------------------------------------------------------------------------
    def _style_lattice(self) -> None:
        """Antialiased lines for a small map; for a big one 1-pixel lines without
        antialiasing, which Qt's raster engine draws several times faster."""
        theme = self._theme
        big = len(self._edges) > MAX_SMOOTH_EDGES
        self.lattice_item.opts["antialias"] = not big
        self.lattice_item.setSegmentedLineMode("on" if big else "auto")
        width = (1.0 if theme.name == "normal" else 2.0) if big else theme.thin_width
        self.lattice_item.setPen(theme.pen("primary", width, alpha=1.0 if big else 0.9))

    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        lecture = theme.name == "lecture"
        self.data_item.setPen(None)
        if not self.colouring:
            self.data_item.setBrush(theme.brush("muted", 0.55))
        self.data_item.setSize(4 if not lecture else 7)
        self._style_lattice()
        self.units_item.setPen(None)
        self.units_item.setBrush(theme.brush("primary"))
        self.units_item.setSize(theme.symbol_size * 0.6)
        self._unit_size = theme.symbol_size * 0.6
        self._unit_pen = pg.mkPen(theme.foreground, width=1.5 if lecture else 1)
        self._unit_brushes = [pg.mkBrush(*c.astype(int)) for c in UNIT_COLOURS]
        # (each unit's opacity is its fade level's, set with its position)
        self.learning_item.set_style(theme.symbol_size * 1.1, theme.brush("winner"))
        self.winner_item.set_style(theme.symbol_size * 2, theme.brush("winner"),
                                   pg.mkPen(theme.foreground, width=1.5 if not lecture else 3))
        self.input_item.set_style(theme.symbol_size * 2.6, theme.brush("input"),
                                  pg.mkPen(theme.foreground, width=1 if not lecture else 2))
        self.pull_item.setPen(theme.pen("input", theme.thin_width, style=Qt.PenStyle.DashLine))
        self.trace_item.setPen(theme.pen("secondary", theme.thin_width, alpha=0.55))
        self.drawn_item.setPen(pg.mkPen(theme.foreground, width=1))
        self.drawn_item.setBrush(theme.brush("input"))
        self.drawn_item.setSize(theme.symbol_size * 1.2)
        self.ellipse_item.setPen(theme.pen("primary", theme.thin_width, alpha=0.9))
        for j, item in enumerate(self.unit_ellipses):
            item.setPen(pg.mkPen(pg.mkColor(*UNIT_COLOURS[j].astype(int)),
                                 width=theme.line_width))
        self._coloured_by = None  # (coloured again by the next detailed frame)
