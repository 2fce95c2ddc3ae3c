"""Kohonen SOM panel: the map unfolding in input space, the map itself, the schedules.

Top left, the **input space** (2-D data): the data points, every unit's weight
vector joined by its lattice edges (4 neighbours on the rectangular and diamond
grids, 6 on the hexagonal, a chain for the linear array), the current input,
the winner J and the units that learned on that step (the more opaque, the
larger their rate α·h(d)), and a short motion trace of the last frames.  In
"draw data" mode a click (or a drag) there adds points of a custom data set.
For data of another dimension this slot shows the weight matrix w_ij instead.

Top right, the **map**: one cell per unit (squares, or hexagons on the
hexagonal grid; row 0 at the top, as in Fig 4.10; a long single-row linear chain
folded into rows that it snakes through, with walls between the cells that are
not neighbours on the chain, so that its cells and labels are big enough to
read), coloured by the U-matrix,
the hit count, the quantization error per unit or one component plane; the
labels of the inputs each unit wins; for the letters each unit's weight vector
as a 9×7 glyph.  The colours come from the snapshot's weights and the data
(regenerated here from the parameters, as the engine does), so the engine is
never asked for anything from the GUI thread.

Bottom: the schedules α and R (planned: dashed; used: solid) and the
quantization and topographic errors after each epoch.

Everything is drawn with a handful of items created once: the lattice is one
``PlotCurveItem`` with ``connect="pairs"``, the map's cells one ``ImageItem``
(each pixel holds its unit's value through a precomputed index image), the
cell borders one more line item, the glyphs one tiled ``ImageItem``.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParameterError, ParamSet
from mechgui.engine.datasets import load_csv, load_dataset
from mechgui.engine.som import (
    data_winners,
    grid_positions,
    lattice_edges,
    learning_rate_at,
    radius_at,
    u_matrix,
    unit_errors,
)

from ..panel import SimulationPanel
from ..runner import MAX_SPEED
from ..theme import Theme
from ..widgets import DotsItem, DrawViewBox, set_stretch

#: Redraws of the map, and of the curves and figures, per second while the engine runs
#: fast (on different frames; every frame when slower).
MAP_RATE = 10
CURVES_RATE = 10
#: Fastest speed (steps/s) at which the motion trace is drawn.
MAX_TRACE_SPEED = 300
#: Maps with more units than this show the units as lattice vertices only, without dots.
MAX_UNIT_DOTS = 400
#: Lattices with more edges than this are drawn with 1-pixel lines, no antialiasing.
MAX_SMOOTH_EDGES = 400

__all__ = ["SOMPanel", "cell_index_image", "cell_outlines", "unit_maps", "glyph_layout",
           "shown_grid", "chain_walls", "COLOURINGS"]

#: Map colourings (the component planes are added per input dimension).
COLOURINGS = ("U-matrix", "hit count", "quantization error")
#: Frames kept for the motion trace, and their age at most while they keep coming (s).
TRACE_FRAMES = 6
TRACE_SECONDS = 0.25
#: Units up to which each cell of the map carries the labels of the inputs it wins.
MAX_LABELLED_UNITS = 100
#: Input names per line of a cell's label (normal and lecture mode).
NAMES_PER_LINE = 3
LECTURE_NAMES_PER_LINE = 2
#: A single-row (or single-column) linear chain of more units than this is drawn folded
#: into rows: in one row its cells would be too small for their labels and glyphs.
MAX_UNFOLDED_CHAIN = 12
#: Data points drawn at most in the input space (a regular sample of bigger sets).
MAX_DRAWN_POINTS = 20_000
#: Data points used at most for the hit map, QE per unit and the labels.
MAX_MAP_POINTS = 5_000
#: Learning units outlined on the map at most (a wide neighbourhood is left unmarked there).
MAX_OUTLINED_NEIGHBOURS = 60
#: Levels of opacity of the learning neighbourhood.
FADE_LEVELS = 4
#: Upsampling of a glyph pixel in the glyph image.
GLYPH_SCALE = 2
_HEX = math.sqrt(3.0) / 2.0
_LUT = (pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False)).astype(np.ubyte)
_WEIGHT_LUT = pg.colormap.get("CET-D1").getLookupTable(nPts=256, alpha=False).astype(np.ubyte) \
    if "CET-D1" in pg.colormap.listMaps() else _LUT


def _glyph_lut() -> np.ndarray:
    """0 = transparent, 1 = near black: the cell's colour shows between the strokes."""
    lut = np.zeros((256, 4), dtype=np.ubyte)
    lut[:, :3] = 20
    lut[:, 3] = np.linspace(0, 255, 256).astype(np.ubyte)
    return lut


_GLYPH_LUT = _glyph_lut()


# -- geometry of the map view --------------------------------------------------------------
def cell_index_image(rows: int, cols: int, topology: str, res: int = 16
                     ) -> tuple[np.ndarray, QRectF]:
    """(index image, its rectangle in data coordinates): which unit covers each pixel.

    Square cells (rectangular, diamond, none, linear): ``res`` × ``res`` pixels per cell, unit
    at its drawing position (the linear chain snakes).  Hexagonal: ``res``
    pixels per unit of length, each pixel given to the nearest lattice point
    (−1 outside the map), so the cells are the pointy-top hexagons of Fig 4.8.
    """
    units = np.arange(rows * cols)
    pos = grid_positions(rows, cols, topology)
    if topology != "hexagonal":
        index = np.full((rows, cols), -1, dtype=np.int64)
        index[pos[:, 1].astype(int), pos[:, 0].astype(int)] = units
        index = np.repeat(np.repeat(index, res, axis=0), res, axis=1)
        return index, QRectF(-0.5, -0.5, cols, rows)
    top = 1.0 / math.sqrt(3.0)  # circumradius of a hexagon of inradius 1/2
    x0, y0 = -0.5, -top
    width, height = cols + 0.5, (rows - 1) * _HEX + 2 * top
    w_px, h_px = max(1, int(round(width * res))), max(1, int(round(height * res)))
    px = x0 + (np.arange(w_px) + 0.5) * (width / w_px)
    py = y0 + (np.arange(h_px) + 0.5) * (height / h_px)
    x, y = np.meshgrid(px, py)
    best_row = np.zeros(x.shape, dtype=np.int64)
    best_col = np.zeros(x.shape, dtype=np.int64)
    best_d = np.full(x.shape, np.inf)
    base = np.floor(y / _HEX).astype(np.int64)
    for dr in (0, 1):
        r = base + dr
        c = np.round(x - 0.5 * (r % 2)).astype(np.int64)
        d = (x - c - 0.5 * (r % 2)) ** 2 + (y - r * _HEX) ** 2
        closer = d < best_d
        best_row[closer], best_col[closer], best_d[closer] = r[closer], c[closer], d[closer]
    inside = (best_row >= 0) & (best_row < rows) & (best_col >= 0) & (best_col < cols)
    index = np.where(inside, best_row * cols + best_col, -1)
    return index, QRectF(x0, y0, width, height)


def shown_grid(rows: int, cols: int, topology: str) -> tuple[int, int]:
    """Rows and columns of the map as drawn.

    The lattice itself, except for a single-row (or single-column) linear chain of
    more than :data:`MAX_UNFOLDED_CHAIN` units: that one is folded into a near-square
    block of rows, which the chain snakes through as a linear map of that shape
    does (see ``grid_positions``; the cells after the last unit stay empty).
    """
    units = rows * cols
    if topology != "linear" or min(rows, cols) != 1 or units <= MAX_UNFOLDED_CHAIN:
        return rows, cols
    shown_rows = max(1, round(math.sqrt(units)))
    return shown_rows, math.ceil(units / shown_rows)


def chain_walls(rows: int, cols: int, units: int) -> np.ndarray:
    """(2·S, 2) end points (for ``connect="pairs"``) of the walls between vertically
    adjacent cells of a snaking linear chain drawn as ``rows`` × ``cols`` that are
    not neighbours on the chain (only its first ``units`` cells are units)."""
    index, _ = cell_index_image(rows, cols, "linear", res=1)
    index = np.where(index < units, index, -1)
    upper, lower = index[:-1], index[1:]
    wall = (upper >= 0) & (lower >= 0) & (np.abs(upper - lower) != 1)
    row, col = np.nonzero(wall)
    y = row + 0.5
    ends = np.stack([np.column_stack([col - 0.5, y]), np.column_stack([col + 0.5, y])], axis=1)
    return ends.reshape(-1, 2).astype(float)


def _borders(index: np.ndarray) -> np.ndarray:
    """Pixels next to a pixel of another cell (drawn as gaps: the cells' borders)."""
    edge = np.zeros(index.shape, dtype=bool)
    if min(index.shape) < 2:
        return edge
    dx = index[:, 1:] != index[:, :-1]
    dy = index[1:, :] != index[:-1, :]
    edge[:, 1:] |= dx
    edge[1:, :] |= dy
    return edge


def cell_outlines(rows: int, cols: int, topology: str) -> np.ndarray:
    """(2·S, 2) segment end points (for ``connect="pairs"``) of every cell's border."""
    pos = grid_positions(rows, cols, topology)
    if topology == "hexagonal":
        angles = np.radians(30 + 60 * np.arange(7))
        corners = np.column_stack([np.cos(angles), np.sin(angles)]) / math.sqrt(3.0)
    else:
        corners = np.array([[-.5, -.5], [.5, -.5], [.5, .5], [-.5, .5], [-.5, -.5]])
    start, stop = corners[:-1], corners[1:]
    seg = np.stack([pos[:, None, :] + start[None], pos[:, None, :] + stop[None]], axis=2)
    return seg.reshape(-1, 2)


def unit_maps(data: np.ndarray, weights: np.ndarray, rows: int, cols: int, topology: str,
              want: tuple[str, ...] = ("u_matrix", "hits", "qe", "winners")) -> dict[str, np.ndarray]:
    """Per-unit maps computed from the weights (and the data), as the engine's ``maps()``
    (for a data set too big for the snapshot to carry them).

    ``u_matrix``: mean weight distance to the grid neighbours; ``hits``: inputs won;
    ``qe``: mean distance of the inputs won (NaN for a unit that wins none);
    ``winners``: each input's winner.
    """
    out: dict[str, np.ndarray] = {}
    if "u_matrix" in want:
        out["u_matrix"] = u_matrix(weights, rows, cols, topology)
    if {"hits", "qe", "winners"} & set(want):
        best, best_d = data_winners(data, weights)
        out["winners"] = best
        out["hits"], out["qe"] = unit_errors(best, best_d, weights.shape[0])
    return out


def glyph_layout(rows: int, cols: int, topology: str, shape: tuple[int, int],
                 room_for_labels: bool) -> tuple[tuple[int, int], np.ndarray, QRectF]:
    """Image shape, flat pixel indices (m, gr·k·gc·k) of each unit's tile, rectangle.

    Each cell is ``pitch`` pixels wide (rows ``pitch·√3/2`` apart on the
    hexagonal grid); the glyph (upsampled by :data:`GLYPH_SCALE`) sits centred
    in its cell, or near its top when labels go under it.
    """
    gr, gc = shape[0] * GLYPH_SCALE, shape[1] * GLYPH_SCALE
    pitch = max(gr, gc) + (10 if room_for_labels else 6)
    pitch_y = int(round(pitch * _HEX)) if topology == "hexagonal" else pitch
    cell_h = _HEX if topology == "hexagonal" else 1.0
    pos = grid_positions(rows, cols, topology)
    span_x = float(pos[:, 0].max()) + 1.0
    w_px = int(round(span_x * pitch))
    h_px = rows * pitch_y
    left = np.round((pos[:, 0] + 0.5) * pitch - gc / 2).astype(np.int64)
    row = np.rint(pos[:, 1] / cell_h).astype(np.int64)
    top = row * pitch_y + (1 if room_for_labels else max(0, (pitch_y - gr) // 2))
    rr, cc = np.meshgrid(np.arange(gr), np.arange(gc), indexing="ij")
    flat = (top[:, None, None] + rr[None]) * w_px + left[:, None, None] + cc[None]
    rect = QRectF(-0.5, -0.5 * cell_h, w_px / pitch, h_px * cell_h / pitch_y)
    return (h_px, w_px), flat.reshape(len(pos), -1), rect


def _point_count(item: QGraphicsItem) -> int:
    """Points held by a curve, scatter or dots item."""
    x = item.getData()[0]
    return 0 if x is None else len(x)


def _twin(plot: pg.PlotItem, label: str) -> pg.ViewBox:
    """A second view box on ``plot``'s right axis (a curve with another scale)."""
    box = pg.ViewBox()
    box.setZValue(1000)  # above the plot's own (filled) view box
    plot.showAxis("right")
    plot.scene().addItem(box)
    plot.getAxis("right").linkToView(box)
    plot.getAxis("right").setLabel(label)
    box.setXLink(plot)
    box.setMouseEnabled(x=False, y=False)

    def sync() -> None:
        box.setGeometry(plot.getViewBox().sceneBoundingRect())
        box.linkedViewChanged(plot.getViewBox(), box.XAxis)

    plot.getViewBox().sigResized.connect(sync)
    return box


class SOMPanel(SimulationPanel):
    """Input space, map (U-matrix, hits, QE, component planes, glyphs, labels) and curves."""

    model = "som"
    default_speed = 1000
    hidden_params = ("data",)

    # -- view ------------------------------------------------------------------------
    def build_view(self) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        self.graphics = pg.GraphicsLayoutWidget()
        # Each frame repaints one rectangle around everything that changed: Qt then clips
        # to a rectangle instead of to a region of dozens of bands (the lattice's lines
        # are rasterised much faster), and what it repaints more is cached or cheap.
        self.graphics.setViewportUpdateMode(
            pg.QtWidgets.QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        col.addWidget(self.graphics, 1)
        self.info_label = QLabel(" ")
        self.info_label.setObjectName("som-info")
        # changing numbers must not re-layout the window: the label never asks for room
        self.info_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.info_label.setWordWrap(True)  # room for two lines (see restyle): never cut off
        col.addWidget(self.info_label)

        # input space
        self.space_box = DrawViewBox()
        self.space_box.drawing_enabled = False
        self.space_plot = self.add_plot(None, "Input space", view_box=self.space_box,
                                        left="x<sub>2</sub>", bottom="x<sub>1</sub>")
        self.graphics.addItem(self.space_plot, row=0, col=0)
        self.space_box.setAspectLocked(True)
        self.space_box.disableAutoRange()
        self.data_item = pg.ScatterPlotItem(pxMode=True)
        # The data and the planned schedules change only with the parameters: Qt keeps
        # them as pixmaps instead of painting every point and dash again each frame.
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
        for item in (self.data_item, self.trace_item, self.lattice_item, self.units_item,
                     self.learning_item, self.pull_item, self.winner_item, self.input_item,
                     self.drawn_item):
            self.space_plot.addItem(item)
        self.space_box.sigDraw.connect(self._draw_point)

        # the weight matrix (input dimension other than 2)
        self.matrix_plot = self.add_plot(None, "Weights w<sub>ij</sub>", left="unit j", bottom="component i")
        self.matrix_plot.getViewBox().invertY(True)
        self.matrix_plot.setMouseEnabled(x=False, y=False)
        self.matrix_item = pg.ImageItem(axisOrder="row-major")
        self.matrix_item.setLookupTable(_LUT)
        self.matrix_plot.addItem(self.matrix_item)
        self.matrix_winner = pg.PlotDataItem()
        self.matrix_plot.addItem(self.matrix_winner)
        self.matrix_texts: list[pg.TextItem] = []
        self._left_item: pg.PlotItem = self.space_plot

        # the map
        self.map_plot = self.add_plot(self.graphics, "Map", row=0, col=1)
        self.map_plot.hideAxis("left")
        self.map_plot.hideAxis("bottom")
        vb = self.map_plot.getViewBox()
        vb.setAspectLocked(True)
        vb.invertY(True)
        vb.setMouseEnabled(x=False, y=False)
        vb.disableAutoRange()
        self.cells_item = pg.ImageItem(axisOrder="row-major")
        self.cells_item.setLookupTable(_LUT)
        self.outline_item = pg.PlotDataItem(connect="pairs")
        self.neighbour_outline = pg.PlotDataItem(connect="pairs")
        self.glyph_item = pg.ImageItem(axisOrder="row-major")
        self.glyph_item.setLookupTable(_GLYPH_LUT)
        self.map_winner = pg.PlotDataItem()
        # walls between the cells of a folded chain that are not neighbours on it
        self.chain_walls_item = pg.PlotDataItem(connect="pairs")
        for item in (self.cells_item, self.outline_item, self.chain_walls_item, self.glyph_item,
                     self.neighbour_outline, self.map_winner):
            self.map_plot.addItem(item)
        self.unit_labels: list[pg.TextItem] = []

        # curves
        curves = self.graphics.addLayout(row=1, col=0, colspan=2)
        self.schedule_plot = self.add_plot(None, "Schedules α, R",
                                           left="α", bottom="epoch")
        curves.addItem(self.schedule_plot, row=0, col=0)
        self.schedule_plot.setMouseEnabled(x=False, y=False)
        self.radius_box = _twin(self.schedule_plot, "R")
        # (bare curves: Qt caches what an item itself paints, and a PlotDataItem paints
        # nothing itself, its curve child does)
        self.alpha_plan = pg.PlotCurveItem()
        self.alpha_plan.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.alpha_curve = pg.PlotDataItem()
        self.radius_plan = pg.PlotCurveItem()
        self.radius_plan.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.radius_curve = pg.PlotDataItem()
        self.schedule_plot.addItem(self.alpha_plan)
        self.schedule_plot.addItem(self.alpha_curve)
        self.radius_box.addItem(self.radius_plan)
        self.radius_box.addItem(self.radius_curve)
        self.epoch_line = pg.InfiniteLine(angle=90, movable=False)
        self.schedule_plot.addItem(self.epoch_line, ignoreBounds=True)
        self.schedule_legend = self.schedule_plot.addLegend(offset=(-10, 10))
        self.schedule_legend.addItem(self.alpha_curve, "α")
        self.schedule_legend.addItem(self.radius_curve, "R")

        self.error_plot = self.add_plot(None, "Errors QE, TE",
                                        left="QE", bottom="epoch")
        curves.addItem(self.error_plot, row=0, col=1)
        self.error_plot.setMouseEnabled(x=False, y=False)
        self.te_box = _twin(self.error_plot, "TE")
        self.qe_curve = pg.PlotDataItem()
        self.te_curve = pg.PlotDataItem()
        self.error_plot.addItem(self.qe_curve)
        self.te_box.addItem(self.te_curve)
        self.te_box.setYRange(0, 1.02, padding=0)
        self.error_legend = self.error_plot.addLegend(offset=(-10, 10))
        self.error_legend.addItem(self.qe_curve, "QE")
        self.error_legend.addItem(self.te_curve, "TE")

        set_stretch(self.graphics, rows=(3, 1), cols=(1, 1))

        return holder

    def _init_state(self) -> None:
        self._geometry: tuple | None = None
        self._map_drawn_at = 0.0
        self._curves_drawn_at = 0.0
        self._space_shown = True  # the lattice and its highlights (hidden while drawing data)
        self._error_top = 0.0
        self._curves_key: tuple | None = None
        self._data = np.zeros((0, 2))
        self._map_data = self._data
        self._labels: list[str] | None = None
        self._edges = np.empty((0, 2), dtype=np.int64)
        self._index = np.full((1, 1), -1)
        self._shown = (1, 1)  # rows and columns of the map as drawn (see shown_grid)
        self._glyph: tuple | None = None
        self._glyph_image: np.ndarray | None = None
        self._trace: deque[np.ndarray] = deque(maxlen=TRACE_FRAMES)
        self._drawn_points: list[tuple[float, float]] = []
        self._csv: tuple[np.ndarray, list[str]] | None = None
        self._dim = 2
        self._colouring_chosen = False
        self._last_labels: list[str] = []
        self.last_maps: dict[str, np.ndarray] = {}
        self._map_range = ""

    def build_controls(self) -> QWidget:
        self._init_state()  # called before build_view
        box = QGroupBox("View and data")
        grid = QGridLayout(box)
        grid.addWidget(QLabel("Step ▸ takes"), 0, 0)
        self.granularity = QComboBox()
        self.granularity.setObjectName("step-granularity")
        self.granularity.addItem("one sample", "sample")
        self.granularity.addItem("one epoch", "epoch")
        self.granularity.setToolTip("One press of Step presents one input vector, or the rest of "
                                    "the current epoch")
        grid.addWidget(self.granularity, 0, 1)
        grid.addWidget(QLabel("map colour"), 1, 0)
        self.colouring = QComboBox()
        self.colouring.setObjectName("map-colouring")
        self.colouring.setToolTip("U-matrix: mean distance to the neighbours' weights (dark: "
                                  "close); hit count; quantization error per unit; or the value "
                                  "of one weight component")
        grid.addWidget(self.colouring, 1, 1)
        self.labels_check = QCheckBox("labels of the inputs each unit wins")
        self.labels_check.setChecked(True)
        grid.addWidget(self.labels_check, 2, 0, 1, 2)
        self.glyphs_check = QCheckBox("weight vectors as glyphs (letters)")
        self.glyphs_check.setChecked(True)
        grid.addWidget(self.glyphs_check, 3, 0, 1, 2)
        self.trace_check = QCheckBox("motion trace")
        self.trace_check.setToolTip("Each unit's path over the last frames (at up to "
                                    f"{MAX_TRACE_SPEED} steps/s; faster, frames are too far apart)")
        self.trace_check.setChecked(True)
        grid.addWidget(self.trace_check, 4, 0, 1, 2)
        for check in (self.labels_check, self.glyphs_check, self.trace_check):
            check.toggled.connect(self._view_changed)
        self.colouring.currentIndexChanged.connect(self._view_changed)
        self.colouring.activated.connect(self._colouring_picked)

        row = QHBoxLayout()
        self.draw_button = QPushButton("✎ Draw data")
        self.draw_button.setObjectName("draw-data")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip("Click or drag on the input space to place points, then "
                                    "train on them")
        self.draw_button.toggled.connect(self.set_draw_mode)
        row.addWidget(self.draw_button)
        self.load_button = QPushButton("Load CSV…")
        self.load_button.setObjectName("load-csv")
        self.load_button.setToolTip("Input vectors from a CSV file, one per line (a label "
                                    "column is allowed)")
        self.load_button.clicked.connect(self._choose_csv)
        row.addWidget(self.load_button)
        grid.addLayout(row, 5, 0, 1, 2)
        row = QHBoxLayout()
        self.use_drawn_button = QPushButton("Train on drawn points")
        self.use_drawn_button.setObjectName("use-drawn")
        self.use_drawn_button.clicked.connect(self.use_drawn_points)
        row.addWidget(self.use_drawn_button)
        self.clear_drawn_button = QPushButton("Clear")
        self.clear_drawn_button.clicked.connect(self.clear_drawn_points)
        row.addWidget(self.clear_drawn_button)
        grid.addLayout(row, 6, 0, 1, 2)
        self.draw_hint = QLabel()
        self.draw_hint.setWordWrap(True)
        grid.addWidget(self.draw_hint, 7, 0, 1, 2)
        self._update_draw_controls()
        return box

    # -- commands ---------------------------------------------------------------------
    def step_size(self) -> int:
        if self.granularity.currentData() == "epoch":
            snap = self.snapshot
            if snap is not None:
                return max(1, int(snap["samples_per_epoch"]) - int(snap["sample"]))
        return 1

    @Slot()
    def step_once(self) -> None:
        if self.granularity.currentData() == "epoch":
            self.ensure_started()
            self.runner.invoke("step_epoch")  # exactly to the end of the current epoch
        else:
            super().step_once()

    def set_granularity(self, which: str) -> None:
        """``"sample"`` or ``"epoch"``: what one press of Step does."""
        self.granularity.setCurrentIndex(self.granularity.findData(which))

    def set_colouring(self, text: str) -> None:
        """Colour the map by ``U-matrix``, ``hit count``, ``quantization error`` or ``component k``."""
        index = self.colouring.findText(text)
        if index < 0:
            raise ValueError(f"no map colouring {text!r}")
        self._colouring_chosen = True
        self.colouring.setCurrentIndex(index)

    @Slot(bool)
    def set_draw_mode(self, on: bool) -> None:
        """In draw mode clicks on the input space add points instead of nothing."""
        if self.draw_button.isChecked() != on:
            self.draw_button.setChecked(on)
            return
        self.space_box.drawing_enabled = on
        if on:
            self._drawn_points = []
            self._show_left(self.space_plot)
            self.space_box.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.05) \
                if self._dim != 2 else None
        else:
            self._show_left(self.space_plot if self._dim == 2 else self.matrix_plot)
        self._show_drawn()
        self._update_draw_controls()

    @Slot(float, float)
    def _draw_point(self, x: float, y: float) -> None:
        if self._drawn_points:
            px, py = self._drawn_points[-1]
            rect = self.space_box.viewRect()
            if math.hypot((x - px) / max(rect.width(), 1e-12),
                          (y - py) / max(rect.height(), 1e-12)) < 0.015:
                return  # a drag sprays points, not a solid line
        self.add_drawn_point(x, y)

    def add_drawn_point(self, x: float, y: float) -> None:
        self._drawn_points.append((float(x), float(y)))
        self._show_drawn()
        self._update_draw_controls()

    @Slot()
    def clear_drawn_points(self) -> None:
        self._drawn_points = []
        self._show_drawn()
        self._update_draw_controls()

    @Slot()
    def use_drawn_points(self) -> bool:
        """Train on the drawn points: ``dataset="custom"`` with them as the data."""
        if not self._drawn_points:
            self.show_message("Draw some points first: switch on ✎ Draw data and click on the "
                              "input space.", error=True)
            return False
        points = np.array(self._drawn_points, dtype=float)
        ok = self._use_data(points)
        if ok:
            self.set_draw_mode(False)
            self.show_message(f"Training on your {len(points)} drawn points.")
        return ok

    def _use_data(self, data: np.ndarray) -> bool:
        changes: dict[str, Any] = {"dataset": "custom", "data": data}
        init = self.form.params.initial_weights
        if init is not None and np.asarray(init).shape[1] != data.shape[1]:
            changes["initial_weights"] = None  # they were for another input dimension
        return self.submit_params(**changes)

    @Slot()
    def _choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load input vectors", "",
                                              "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.load_csv_file(path)

    def load_csv_file(self, path: str) -> bool:
        """Input vectors from a CSV file (labels kept for the map); errors shown, not raised."""
        try:
            data, labels = load_csv(path)
        except (ParameterError, ValueError) as exc:
            self.show_message(str(exc), error=True)
            return False
        self._csv = (data, labels) if labels else None
        ok = self._use_data(data)
        if ok:
            self.show_message(f"Loaded {data.shape[0]} vectors of {data.shape[1]} components.")
        return ok

    def _update_draw_controls(self) -> None:
        on = self.draw_button.isChecked()
        count = len(self._drawn_points)
        self.use_drawn_button.setEnabled(on and count > 0)
        self.clear_drawn_button.setEnabled(on and count > 0)
        self.use_drawn_button.setText(f"Train on {count} drawn point{'s' if count != 1 else ''}")
        self.draw_hint.setText("Click or drag on the input space to add points." if on else
                               "Draw your own 2-D data, or load vectors from a CSV file.")

    def _show_drawn(self) -> None:
        if self._drawn_points and self.draw_button.isChecked():
            pts = np.array(self._drawn_points)
            self.drawn_item.setData(pts[:, 0], pts[:, 1])
            self.drawn_item.show()
        else:
            self._set_points(self.drawn_item, [], [])
        self._space_shown = not self.draw_button.isChecked() or self._dim == 2
        for item in (self.lattice_item, self.units_item, self.learning_item, self.winner_item,
                     self.input_item, self.pull_item, self.trace_item, self.data_item):
            item.setVisible(self._space_shown and _point_count(item) > 0)

    def _set_points(self, item: QGraphicsItem, x: Any, y: Any, **style: Any) -> None:
        """Give an item of the input space its points, or hide it when there are none:
        an empty item still costs a paint, and emptying it again each frame a repaint."""
        if len(x):
            item.setData(x, y, **style)
            item.setVisible(self._space_shown)
        elif item.isVisible() or _point_count(item):
            item.setData([], [])
            item.hide()

    def _show_left(self, plot: pg.PlotItem) -> None:
        if plot is self._left_item:
            return
        self.graphics.removeItem(self._left_item)
        self._left_item.hide()
        self.graphics.addItem(plot, row=0, col=0)
        plot.show()
        self._left_item = plot

    @Slot(int)
    def _colouring_picked(self, _: int) -> None:
        self._colouring_chosen = True

    @Slot()
    def _view_changed(self, *_: Any) -> None:
        self._place_labels()
        if self.snapshot is not None:
            self._draw(self.snapshot)

    # -- parameters ----------------------------------------------------------------------
    def on_params(self, params: ParamSet) -> None:
        if params.dataset == "custom":
            data = np.asarray(params.data, dtype=float)
            labels = None
            if self._csv is not None and self._csv[0].shape == data.shape \
                    and np.array_equal(self._csv[0], data):
                labels = list(self._csv[1])
            shape = None
        else:
            data, labels, shape = load_dataset(params.dataset, params.points, params.data_seed)
        self._data = np.ascontiguousarray(data, dtype=float)
        step = max(1, math.ceil(len(data) / MAX_MAP_POINTS))
        self._map_data = self._data[::step]
        self._labels = labels if step == 1 else None
        self._dim = self._data.shape[1]
        rows, cols, topology = params.rows, params.cols, params.topology
        geometry = (rows, cols, topology, shape, self._dim)
        if geometry != self._geometry:
            self._geometry = geometry
            self._shape = shape
            self._edges = lattice_edges(rows, cols, topology)
            self._style_lattice()
            m = rows * cols
            shown_rows, shown_cols = self._shown = shown_grid(rows, cols, topology)
            # pixels per cell: enough for clean hexagons, few enough (about 300 across)
            # that colouring the image each frame stays cheap
            res = int(np.clip(300 // max(shown_rows, shown_cols), 6, 16))
            self._index, rect = cell_index_image(shown_rows, shown_cols, topology, res)
            self._index = np.where(self._index < m, self._index, -1)  # a folded chain's tail
            self._outside = (self._index < 0) | _borders(self._index)
            self._index_safe = np.where(self._outside, 0, self._index)
            self.cells_item.setImage(np.full(self._index.shape, np.nan, dtype=np.float32),
                                     autoLevels=False, levels=(0, 1))
            self.cells_item.setRect(rect)
            self._segments_per_cell = 6 if topology == "hexagonal" else 4
            self._outlines = cell_outlines(shown_rows, shown_cols, topology)[
                :m * 2 * self._segments_per_cell]
            self.outline_item.setData([], [])  # the borders are gaps in the cells' image
            self._cell_rect = rect
            pad = 0.1
            self.map_plot.getViewBox().setRange(
                xRange=(rect.left() - pad, rect.right() + pad),
                yRange=(rect.top() - pad, rect.bottom() + pad), padding=0)
            self._positions = grid_positions(shown_rows, shown_cols, topology)[:m]
            walls = chain_walls(shown_rows, shown_cols, m) if topology == "linear" \
                else np.empty((0, 2))
            self.chain_walls_item.setData(walls[:, 0], walls[:, 1])
            self._glyph = None
            self._trace.clear()
            self._update_colourings()
            self.set_title(self.map_plot, self._map_title())
            if m:
                self.matrix_item.setImage(np.zeros((m, self._dim), dtype=np.float32),
                                          autoLevels=False, levels=(0, 1))
            self._make_matrix_texts(m)
        self._place_labels()
        # the data in input space
        shown = self._data[::max(1, math.ceil(len(self._data) / MAX_DRAWN_POINTS))]
        if self._dim == 2:
            self.data_item.setData(shown[:, 0], shown[:, 1])
            lo, hi = self._data.min(axis=0), self._data.max(axis=0)
            span = np.maximum(hi - lo, 1e-9)
            self.space_box.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]),
                                    padding=0.06 if span.min() > 0 else 0.5)
        else:
            self.data_item.setData([], [])
        if not self.draw_button.isChecked():
            self._show_left(self.space_plot if self._dim == 2 else self.matrix_plot)
        self._show_drawn()
        self._plan_schedules(params)

    def _map_title(self) -> str:
        rows, cols, topology = self._geometry[:3]
        folded = self._shown != (rows, cols)
        return f"Map: {rows}×{cols} {topology}" + (f", in {self._shown[0]} rows" if folded else "")

    def _update_colourings(self) -> None:
        current = self.colouring.currentText()
        self.colouring.blockSignals(True)
        self.colouring.clear()
        for name in COLOURINGS:
            self.colouring.addItem(name)
        for i in range(min(self._dim, 1000)):
            self.colouring.addItem(f"component {i + 1}")
        index = self.colouring.findText(current) if self._colouring_chosen else -1
        if index < 0:
            index = self.colouring.findText("hit count" if self._shape is not None
                                            or self._dim != 2 else "U-matrix")
        self.colouring.setCurrentIndex(index)
        self.colouring.blockSignals(False)
        self.glyphs_check.setEnabled(self._shape is not None)

    def _make_matrix_texts(self, m: int) -> None:
        for text in self.matrix_texts:
            self.matrix_plot.removeItem(text)
        self.matrix_texts = []
        if m * self._dim <= 64 and self._dim != 2:
            for _ in range(m * self._dim):
                text = pg.TextItem(anchor=(0.5, 0.5))
                self.matrix_plot.addItem(text)
                self.matrix_texts.append(text)
        self.matrix_item.setRect(QRectF(0.5, 0.5, self._dim, m))
        for name, count in (("bottom", self._dim), ("left", m)):
            every = max(1, math.ceil(count / 12))
            ticks = [(k, str(k)) for k in range(1, count + 1) if (k - 1) % every == 0]
            self.matrix_plot.getAxis(name).setTicks([ticks, []])
        self.matrix_plot.getViewBox().setRange(xRange=(0.5, self._dim + 0.5),
                                               yRange=(0.5, m + 0.5), padding=0.02)
        self._style_labels()

    def _labels_wanted(self) -> bool:
        return (self.labels_check.isChecked() and self._labels is not None
                and self._geometry is not None
                and self._geometry[0] * self._geometry[1] <= MAX_LABELLED_UNITS)

    def _glyphs_wanted(self) -> bool:
        return self.glyphs_check.isChecked() and self._shape is not None

    def _place_labels(self) -> None:
        for label in self.unit_labels:
            self.map_plot.removeItem(label)
        self.unit_labels = []
        self._last_labels = []
        if not self._labels_wanted():
            return
        glyphs = self._glyphs_wanted()
        cell_h = _HEX if self._geometry[2] == "hexagonal" else 1.0
        for x, y in self._positions:
            label = pg.TextItem(anchor=(0.5, 1.0) if glyphs else (0.5, 0.5))
            label.setPos(x, y + 0.5 * cell_h if glyphs else y)
            self.map_plot.addItem(label)
            self.unit_labels.append(label)
        self._last_labels = [""] * len(self.unit_labels)
        self._style_labels()

    def _plan_schedules(self, params: ParamSet) -> None:
        epochs = params.epochs
        e = np.unique(np.linspace(0, epochs - 1, min(epochs, 2000)).astype(int))
        alpha = np.array([learning_rate_at(params, int(k)) for k in e])
        radius = np.array([radius_at(params, int(k)) for k in e])
        self.alpha_plan.setData(e + 1, alpha)
        self.radius_plan.setData(e + 1, radius)
        self.schedule_plot.setXRange(0.5, epochs + 0.5, padding=0.02)
        self.error_plot.setXRange(0.5, epochs + 0.5, padding=0.02)
        self.schedule_plot.setYRange(0, max(float(alpha.max()), 1e-9) * 1.08, padding=0)
        self.radius_box.setYRange(0, max(float(radius.max()), 1.0) * 1.08, padding=0)

    def learning_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The highlighted units as drawn: (n, 2) positions and their opacities."""
        x, y = self.learning_item.getData()
        alpha = self.learning_item.opacities() * self.learning_item.brush().color().alphaF()
        return np.column_stack([x, y]), alpha

    def restart(self) -> None:
        self._trace.clear()
        self._error_top = 0.0
        self._curves_key = None

    # -- rendering ----------------------------------------------------------------------
    def render(self, snap: Mapping[str, Any]) -> None:
        if self._geometry is None:
            return
        rows, cols, topology = self._geometry[:3]
        weights = np.asarray(snap["weights"])
        if (snap["rows"], snap["cols"], snap["topology"]) != (rows, cols, topology) \
                or weights.shape != (rows * cols, self._dim) \
                or snap["input_shape"] != (tuple(self._shape) if self._shape else None):
            return  # a snapshot of parameters being replaced
        winner = snap["winner"]
        updated = np.asarray(snap["updated"], dtype=np.int64)
        rates = np.asarray(snap["update_rates"], dtype=float)
        if self._dim == 2:
            self._render_space(snap, weights, winner, updated, rates)
        else:
            self._render_matrix(weights, winner)
        # Flat out, the map's colours and the curves change little from frame to frame
        # (and the winner and the figures too fast to follow): the map is redrawn
        # MAP_RATE times a second, the curves and figures CURVES_RATE times, never both
        # on one frame (the one more overdue first), the input space every frame.
        # Slower, or paused, every frame shows everything.
        now = time.perf_counter()
        speed = self.transport.speed
        fast = self.runner.playing and (speed == MAX_SPEED or speed > MAX_TRACE_SPEED)
        map_due = now - self._map_drawn_at - 1.0 / MAP_RATE
        curves_due = now - self._curves_drawn_at - 1.0 / CURVES_RATE
        everything = not fast or snap["done"]
        if everything or (map_due >= 0 and map_due >= curves_due):
            self._map_drawn_at = now
            self._render_map(snap, weights, winner, updated, rates)
        if everything or (curves_due >= 0 and self._map_drawn_at != now):
            self._curves_drawn_at = now
            self._render_curves(snap)

    def _render_space(self, snap, weights, winner, updated, rates) -> None:
        ends = weights[self._edges].reshape(-1, 2)
        self._set_points(self.lattice_item, ends[:, 0], ends[:, 1])
        if len(weights) <= MAX_UNIT_DOTS:
            self._set_points(self.units_item, weights[:, 0], weights[:, 1])
        else:  # hundreds of dots cost more to paint than the whole lattice
            self._set_points(self.units_item, [], [])
        if updated.size and rates.size:
            top = float(rates.max()) or 1.0
            level = np.clip(np.ceil(rates / top * FADE_LEVELS) - 1, 0, FADE_LEVELS - 1)
            order = np.argsort(level, kind="stable")  # the most opaque drawn last, on top
            units = updated[order]
            self._set_points(self.learning_item, weights[units, 0], weights[units, 1],
                             opacity=(level[order] + 1) / FADE_LEVELS * 0.9)
        else:
            self._set_points(self.learning_item, [], [])
        x = snap["input"]
        if winner is not None and x is not None:
            w = weights[winner]
            self._set_points(self.winner_item, [w[0]], [w[1]])
            self._set_points(self.input_item, [x[0]], [x[1]])
            self._set_points(self.pull_item, [x[0], w[0]], [x[1], w[1]])
        else:
            for item in (self.winner_item, self.input_item, self.pull_item):
                self._set_points(item, [], [])
        # motion trace: each unit's positions over the last frames
        # (at high speeds frames are far apart in training time: a trace would be noise)
        speed = self.transport.speed
        if self.trace_check.isChecked() and speed != MAX_SPEED and speed <= MAX_TRACE_SPEED:
            now = time.perf_counter()
            if not self._trace or self._trace[-1][1].shape != weights.shape \
                    or not np.array_equal(self._trace[-1][1], weights):
                self._trace.append((now, np.array(weights)))
            while len(self._trace) > 2 and now - self._trace[0][0] > TRACE_SECONDS:
                self._trace.popleft()  # keep a short trace while playing fast
            k = len(self._trace)
            if k >= 2:
                stack = np.stack([w for _, w in self._trace], axis=1)  # (m, k, 2)
                seg = np.stack([stack[:, :-1], stack[:, 1:]], axis=2).reshape(-1, 2, 2)
                rect = self.space_box.viewRect()
                tiny = 2e-3 * max(rect.width(), rect.height())
                seg = seg[np.abs(seg[:, 1] - seg[:, 0]).max(axis=1) > tiny]  # moved visibly
                pts = seg.reshape(-1, 2)
                self._set_points(self.trace_item, pts[:, 0], pts[:, 1])
            else:
                self._set_points(self.trace_item, [], [])
        else:
            self._trace.clear()
            self._set_points(self.trace_item, [], [])

    def _render_matrix(self, weights, winner) -> None:
        w = weights.astype(np.float32)
        lo, hi = float(np.min(w)), float(np.max(w))
        levels = (min(lo, 0.0), max(hi, 1.0))
        self.matrix_item.setImage(w, autoLevels=False, levels=levels)
        m, n = w.shape
        if winner is not None:
            y = winner + 1
            self.matrix_winner.setData([0.5, n + 0.5, n + 0.5, 0.5, 0.5],
                                       [y - .5, y - .5, y + .5, y + .5, y - .5])
        else:
            self.matrix_winner.setData([], [])
        if self.matrix_texts:
            mid = (levels[0] + levels[1]) / 2
            for k, text in enumerate(self.matrix_texts):
                j, i = divmod(k, n)
                value = float(w[j, i])
                text.setText(f"{weights[j, i]:.3f}".rstrip("0").rstrip(".") or "0")
                text.setPos(i + 1, j + 1)
                text.setColor("#FFFFFF" if value < mid else "#1A1A1A")

    def _colour_values(self, maps: dict[str, np.ndarray], weights: np.ndarray
                       ) -> tuple[np.ndarray, str]:
        mode = self.colouring.currentText()
        if mode == "U-matrix":
            return maps["u_matrix"], "U-matrix"
        if mode == "hit count":
            return maps["hits"].astype(float), "hits"
        if mode == "quantization error":
            return maps["qe"], "QE per unit"
        if mode.startswith("component "):
            i = min(int(mode.split()[1]) - 1, weights.shape[1] - 1)
            return weights[:, i], f"w<sub>{i + 1}j</sub>"
        return maps["u_matrix"], "U-matrix"

    def _render_map(self, snap, weights, winner, updated, rates) -> None:
        mode = self.colouring.currentText()
        want: list[str] = []
        if mode == "U-matrix":
            want.append("u_matrix")
        elif mode in ("hit count", "quantization error"):
            want.append("hits")
        labels = self._labels_wanted()
        if labels:
            want.append("winners")
        maps = self._maps_from(snap, tuple(want))
        self.last_maps = maps
        values, name = self._colour_values(maps, weights)
        values = np.asarray(values, dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
        else:
            lo, hi = 0.0, 1.0
        if mode == "hit count":
            lo = 0.0
        if hi <= lo:
            hi = lo + 1.0
        image = values.astype(np.float32)[self._index_safe]
        image[self._outside] = np.nan
        self.cells_item.setImage(image, autoLevels=False, levels=(lo, hi))
        self._map_range = f"{self.colouring.currentText()} {lo:.3g} … {hi:.3g} (dark = low)"
        # the learning neighbourhood: the cells learning with at least half the winner's rate
        strong = updated[rates >= 0.5 * float(rates.max())] if rates.size else updated
        if 1 < strong.size <= MAX_OUTLINED_NEIGHBOURS:
            per = self._segments_per_cell
            seg = self._outlines.reshape(-1, 2 * per, 2)[strong].reshape(-1, 2)
            self.neighbour_outline.setData(seg[:, 0], seg[:, 1])
        else:
            self.neighbour_outline.setData([], [])
        if winner is not None:
            c = self._outline_of(int(winner))
            self.map_winner.setData(c[:, 0], c[:, 1])
        else:
            self.map_winner.setData([], [])
        if self._glyphs_wanted():
            self._render_glyphs(weights)
            self.glyph_item.show()
        else:
            self.glyph_item.hide()
        if labels and "winners" in maps:
            self._render_labels(maps["winners"])

    def _maps_from(self, snap: Mapping[str, Any], want: tuple[str, ...]) -> dict[str, np.ndarray]:
        """The maps the engine computed for this frame; only for a data set too big for
        the snapshot (see ``MAX_SNAPSHOT_PAIRS``) are they computed here, on a sample."""
        if not want:
            return {}
        winners = snap.get("data_winners")
        if winners is None or len(winners) != len(self._data):
            rows, cols, topology = self._geometry[:3]
            return unit_maps(self._map_data, np.asarray(snap["weights"]), rows, cols, topology,
                             want)
        hits, qe = unit_errors(np.asarray(winners), np.asarray(snap["data_distances"]),
                               len(snap["weights"]))
        return {"u_matrix": np.asarray(snap["u_matrix"]), "hits": hits, "qe": qe,
                "winners": np.asarray(winners)}

    def _outline_of(self, unit: int) -> np.ndarray:
        per = self._segments_per_cell
        seg = self._outlines[unit * 2 * per:(unit + 1) * 2 * per]
        return np.vstack([seg[::2], seg[-1:]])

    def _render_glyphs(self, weights: np.ndarray) -> None:
        rows, cols, topology = self._geometry[:3]
        key = (rows, cols, topology, self._shape, bool(self._labels_wanted()))
        if self._glyph is None or self._glyph[0] != key:
            shape, flat, rect = glyph_layout(*self._shown, topology, self._shape, key[-1])
            self._glyph = (key, flat[:rows * cols])  # (no glyph in a folded chain's tail)
            self._glyph_image = np.zeros(shape, dtype=np.float32)
            self.glyph_item.setImage(self._glyph_image, autoLevels=False, levels=(0, 1))
            self.glyph_item.setRect(rect)
        flat = self._glyph[1]
        gr, gc = self._shape
        tiles = weights.reshape(-1, gr, gc)
        tiles = np.repeat(np.repeat(tiles, GLYPH_SCALE, axis=1), GLYPH_SCALE, axis=2)
        image = self._glyph_image
        image.flat[flat] = np.clip(tiles.reshape(len(tiles), -1), 0, 1)
        self.glyph_item.setImage(image, autoLevels=False, levels=(0, 1))

    def _render_labels(self, winners: np.ndarray) -> None:
        m = len(self.unit_labels)
        names: list[list[str]] = [[] for _ in range(m)]
        for i, j in enumerate(winners):
            if j < m and i < len(self._labels):
                names[j].append(self._labels[i])
        texts = [self._wrap(n) for n in names]
        for label, text, old in zip(self.unit_labels, texts, self._last_labels):
            if text != old:
                label.setText(text)
        self._last_labels = texts

    def _wrap(self, names: list[str]) -> str:
        """A cell's label: the names of the inputs it wins, a few per line (fewer in
        lecture mode's big font, so that a line stays about as wide as a cell)."""
        per_line = LECTURE_NAMES_PER_LINE if self.theme.name == "lecture" else NAMES_PER_LINE
        lines = [",".join(names[k:k + per_line]) for k in range(0, len(names), per_line)]
        return "\n".join(lines)

    def unit_label_texts(self) -> list[str]:
        """The label shown in each cell (one string per unit; commas between inputs)."""
        return [t.replace("\n", ",") for t in self._last_labels]

    def _render_curves(self, snap) -> None:
        epochs = np.asarray(snap["history_epoch"], dtype=float)
        key = (epochs.size, float(snap["initial_quantization_error"]))
        if key == self._curves_key:  # the curves change once per epoch, not per frame
            self._show_info(snap)
            return
        self._curves_key = key
        self.alpha_curve.setData(epochs, np.asarray(snap["history_learning_rate"]))
        self.radius_curve.setData(epochs, np.asarray(snap["history_radius"]))
        e0 = np.concatenate([[0.0], epochs])
        qe = np.concatenate([[snap["initial_quantization_error"]],
                             np.asarray(snap["history_quantization_error"])])
        te = np.concatenate([[snap["initial_topographic_error"]],
                             np.asarray(snap["history_topographic_error"])])
        self.qe_curve.setData(e0, qe)
        self.te_curve.setData(e0, te)
        self.epoch_line.setValue(int(snap["epoch"]) + 1)
        top = float(np.nanmax(qe)) if qe.size else 1.0
        top = max(top, 1e-9) * 1.08
        if not (0.5 * self._error_top <= top <= self._error_top):  # rescale rarely: each
            self._error_top = top                                    # rescale re-lays the axis
            self.error_plot.setYRange(0, top, padding=0)
        self._show_info(snap)

    def _show_info(self, snap) -> None:
        winner = snap["winner"]
        epoch = min(int(snap["epoch"]) + (0 if snap["done"] else 1), int(snap["epochs"]))
        text = (f"epoch {epoch} of {snap['epochs']} · α = {snap['learning_rate']:.3g} · "
                f"R = {snap['radius']:.3g} · winner J = "
                f"{'–' if winner is None else int(winner) + 1} · "
                f"QE = {snap['quantization_error']:.4g} · TE = {snap['topographic_error']:.3g}"
                f" · map: {self._map_range}")
        if text != self.info_label.text():
            self.info_label.setText(text)

    # -- theme --------------------------------------------------------------------------
    def _style_lattice(self) -> None:
        """Antialiased lines for a small map; for a big one 1-pixel lines without
        antialiasing, which Qt's raster engine draws several times faster."""
        big = len(self._edges) > MAX_SMOOTH_EDGES
        self.lattice_item.opts["antialias"] = not big
        self.lattice_item.setSegmentedLineMode("on" if big else "auto")
        width = (1.0 if self.theme.name == "normal" else 2.0) if big else self.theme.thin_width
        self.lattice_item.setPen(self.theme.pen("primary", width, alpha=1.0 if big else 0.9))

    def restyle(self, theme: Theme) -> None:
        font = self.info_label.font()
        font.setPointSize(theme.font_size)
        self.info_label.setFixedHeight(2 * QFontMetrics(font).lineSpacing() + 6)
        lecture = theme.name == "lecture"
        self.data_item.setPen(None)
        self.data_item.setBrush(theme.brush("muted", 0.55))
        self.data_item.setSize(4 if not lecture else 7)
        self._style_lattice()
        self.units_item.setPen(None)
        self.units_item.setBrush(theme.brush("primary"))
        self.units_item.setSize(theme.symbol_size * 0.6)
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
        self.outline_item.setPen(pg.mkPen(theme.background, width=1.5 if lecture else 1))
        self.map_winner.setPen(theme.pen("winner", theme.line_width * 1.3))
        self.matrix_winner.setPen(theme.pen("winner", theme.line_width))
        self.alpha_plan.setPen(theme.pen("primary", theme.thin_width, alpha=0.5,
                                         style=Qt.PenStyle.DashLine))
        self.alpha_curve.setPen(theme.pen("primary", theme.line_width))
        self.radius_plan.setPen(theme.pen("secondary", theme.thin_width, alpha=0.6,
                                          style=Qt.PenStyle.DashLine))
        self.radius_curve.setPen(theme.pen("secondary", theme.line_width))
        self.qe_curve.setPen(theme.pen("primary", theme.line_width))
        self.te_curve.setPen(theme.pen("winner", theme.line_width))
        self.epoch_line.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DotLine))
        # (axes, the right-hand ones included, and legends: apply_plot_theme)
        if self._geometry is not None:
            self.set_title(self.map_plot, self._map_title())
        self.neighbour_outline.setPen(theme.pen("winner", theme.thin_width))
        self.chain_walls_item.setPen(pg.mkPen(theme.foreground, width=3 if lecture else 2))
        self._style_labels()

    def _style_labels(self) -> None:
        theme = self.theme
        font = pg.QtGui.QFont()
        font.setPointSize(theme.tick_size)
        font.setBold(True)
        for label in self.unit_labels:
            label.setColor("#FFFFFF")
            label.setFont(font)
            label.fill = pg.mkBrush(0, 0, 0, 110)
        small = pg.QtGui.QFont()
        small.setPointSize(theme.tick_size)
        for text in self.matrix_texts:
            text.setFont(small)
