"""GAN panel: the minimax game of seed 000 as it trains, in 1-D, 2-D and as a cGAN (seed 001).

Views (one :class:`QStackedWidget`, switched by the snapshot's ``dimension`` and
dataset):

* **2-D** — D's heat map (one float32 ``ImageItem``, fixed levels), the real and
  generated points (``pxMode`` scatters, one brush each), G's warped noise grid
  (one ``PlotDataItem`` with a connect array) and the direction G's loss pushes
  each generated point (one ``PlotDataItem``, ``connect="pairs"``); each layer
  has a checkbox.
* **1-D** — histograms of real and generated samples, the target density, and
  D(x) with the optimal D*(x) = p_data / (p_data + p_g) (seed 001) below.
* **cGAN** (``dataset=rosenbrock``) — samples x ~ G(z | y) in the (x1, x2) plane
  over the reference posterior, and the push-forward M(G(z | y)) against the
  observations (seed 001, Fig. 6).

Under the views: losses with their equilibrium lines (D's loss 2 log 2, and
V = −log 4 under the minimax loss), D's accuracy, and the metrics, from the
engine's decimated ``history`` / ``metric_history`` (memory stays flat).

Controls: Step D / Step G (one network alone), slow motion (Step and Play run
the engine's ``step_phase``: pass 1 trains D with G frozen, pass 2 G with D
frozen; the phase is shown above the view), drawing a target with the mouse,
and saving / loading a trained model.  This module imports no torch; the engine
(torch) is imported when the panel is built.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QGraphicsItem,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParamSet

from ..panel import SimulationPanel
from ..runner import MAX_SPEED
from ..theme import Theme, apply_plot_theme, color
from ..widgets import DotsItem, DrawViewBox

__all__ = ["GANPanel", "manifold_lines", "arrow_segments", "heat_lut", "set_points", "PAGE_2D", "PAGE_1D",
           "PAGE_CGAN", "LAYERS"]

PAGE_2D, PAGE_1D, PAGE_CGAN = 0, 1, 2
#: The 2-D view's layers, in drawing order: (key, checkbox text).
LAYERS = (("heatmap", "D heat map"), ("real", "real data"), ("generated", "generated samples"),
          ("manifold", "G's noise grid"), ("arrows", "gradient arrows"))
#: Redraws of the loss, accuracy and metric curves per second while playing flat out.
CURVE_RATE = 8
#: Longest arrow, as a share of the view's width.
ARROW_REACH = 0.09
#: Points sprayed around the mouse per drawn position, and their spread (share of the width).
SPRAY_POINTS, SPRAY_SPREAD = 6, 0.025
MAX_DRAWN_POINTS = 20_000
#: Slow-motion play: milliseconds per pass when the speed slider is at max speed.
SLOW_PASS_MS = 700
LOG2 = math.log(2.0)
_PHASE_TEXT = {
    "start": ("Phase: start — no pass yet", "#5A6270"),
    "D pass done": ("Phase: D pass done — D trained, G frozen", "#0072B2"),
    "G pass done": ("Phase: G pass done — G trained, D frozen", "#D55E00"),
}


def heat_lut() -> np.ndarray:
    """256 × 3 ubyte: pale blue (D = 0, 'fake') → white (½) → pale orange (D = 1, 'real')."""
    stops = np.array([[150, 190, 232], [255, 255, 255], [250, 200, 120]], dtype=float)
    t = np.linspace(0.0, 2.0, 256)
    low = np.clip(np.floor(t).astype(int), 0, 1)
    frac = (t - low)[:, None]
    return (stops[low] * (1 - frac) + stops[low + 1] * frac).round().astype(np.ubyte)


_LUT = heat_lut()


def manifold_lines(manifold: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and the connect array drawing G's image of the noise grid as one item.

    ``manifold`` is (rows, columns, 2): the rows and then the columns become
    polylines (a single row, for 1-D noise, is one polyline).
    """
    m = np.asarray(manifold, dtype=float)
    lines = [m]
    if m.shape[0] > 1:
        lines.append(m.transpose(1, 0, 2))
    xs, ys, conns = [], [], []
    for block in lines:
        n_lines, n_points = block.shape[0], block.shape[1]
        xs.append(block[..., 0].ravel())
        ys.append(block[..., 1].ravel() if block.shape[2] > 1 else np.zeros(block[..., 0].size))
        c = np.ones((n_lines, n_points), dtype=bool)
        c[:, -1] = False
        conns.append(c.ravel())
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(conns)


def arrow_segments(points: np.ndarray, vectors: np.ndarray, reach: float,
                   head: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """x and y for ``connect="pairs"``: a shaft and two head strokes per arrow.

    Arrows are scaled together so that the longest is ``reach`` long.
    """
    p = np.asarray(points, dtype=float)
    v = np.asarray(vectors, dtype=float)
    n = len(p)
    if n == 0:
        return np.empty(0), np.empty(0)
    length = np.hypot(v[:, 0], v[:, 1])
    top = float(np.max(length)) if np.all(np.isfinite(length)) else 0.0
    scale = reach / top if top > 0 else 0.0
    d = v * scale
    tip = p + d
    # two head strokes: the shaft turned back by ±25°, head × as long
    c, s = math.cos(math.radians(25)), math.sin(math.radians(25))
    back = -d * head
    left = np.column_stack([back[:, 0] * c - back[:, 1] * s, back[:, 0] * s + back[:, 1] * c])
    right = np.column_stack([back[:, 0] * c + back[:, 1] * s, -back[:, 0] * s + back[:, 1] * c])
    seg = np.empty((n, 6, 2))
    seg[:, 0], seg[:, 1] = p, tip
    seg[:, 2], seg[:, 3] = tip, tip + left
    seg[:, 4], seg[:, 5] = tip, tip + right
    seg = seg.reshape(-1, 2)
    return seg[:, 0], seg[:, 1]


def set_points(item: pg.ScatterPlotItem, pos: np.ndarray) -> None:
    """Move a one-style ``pxMode`` scatter's points to ``pos`` (n × 2).

    With as many points as before (every frame: the engine shows a fixed number)
    only the coordinates are replaced: ``setData`` would look every point's
    style up in the symbol atlas again, which costs more than drawing them.
    """
    pos = np.asarray(pos, dtype=float)
    data = item.data
    if len(pos) and len(data) == len(pos) and pos.ndim == 2 and pos.shape[1] == 2:
        if np.array_equal(data["x"], pos[:, 0]) and np.array_equal(data["y"], pos[:, 1]):
            return  # unchanged (the real batch of the frames is fixed): keep the cached picture
        data["x"] = pos[:, 0]
        data["y"] = pos[:, 1]
        item.prepareGeometryChange()
        item.informViewBoundsChanged()
        item.bounds = [None, None]
        item.invalidate()
        item.sigPlotChanged.emit(item)
    else:
        item.setData(pos=pos)


def _reference_lines(loss: str) -> tuple[float | None, float | None]:
    """Equilibrium values (p_g = p_data, D = D* = ½) of D's and G's losses."""
    if loss in ("minimax", "non-saturating"):
        return 2 * LOG2, (-LOG2 if loss == "minimax" else LOG2)
    if loss == "least-squares":
        return 0.25, 0.125
    return 0.0, None


class _Range:
    """Axis range with hysteresis: re-set only when the data leave it or shrink a lot."""

    def __init__(self) -> None:
        self.current: tuple[float, float] | None = None

    def fit(self, lo: float, hi: float, pad: float = 0.1) -> tuple[float, float] | None:
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return None
        if hi - lo < 1e-6:
            lo, hi = lo - 0.5, hi + 0.5
        cur = self.current
        if cur is not None and cur[0] <= lo and hi <= cur[1] and \
                (hi - lo) > 0.4 * (cur[1] - cur[0]):
            return None
        span = hi - lo
        self.current = (lo - pad * span, hi + pad * span)
        return self.current


class GANPanel(SimulationPanel):
    """Heat map, samples, manifold and arrows (2-D); densities and D vs D* (1-D); cGAN view."""

    model = "gan"
    default_speed = MAX_SPEED
    hidden_params = ("data",)
    # Each frame costs the engine a pass of G over the frame's 2048 noise points and
    # of D's gradient at 256 of them, and the GUI thread a repaint of four plots
    # (beside the engine, on the machine's other core): 40 frames a second are smooth
    # and leave the engine more than four fifths of its headless speed.
    max_fps = 40.0

    # -- view ----------------------------------------------------------------------
    def build_view(self) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        top = QHBoxLayout()
        self.step_d_button = QPushButton("Step D")
        self.step_d_button.setObjectName("step-d")
        self.step_d_button.setToolTip("Update the discriminator alone (G frozen)")
        self.step_d_button.clicked.connect(lambda: self.step_discriminator())
        self.step_g_button = QPushButton("Step G")
        self.step_g_button.setObjectName("step-g")
        self.step_g_button.setToolTip("Update the generator alone (D frozen)")
        self.step_g_button.clicked.connect(lambda: self.step_generator())
        self.slow_check = QCheckBox("Slow motion (two passes)")
        self.slow_check.setObjectName("slow-motion")
        self.slow_check.setToolTip("Step and Play show pass 1 (train D, G frozen) and pass 2 "
                                   "(train G, D frozen) one after the other")
        self.slow_check.toggled.connect(self._slow_toggled)
        for w in (self.step_d_button, self.step_g_button, self.slow_check):
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            top.addWidget(w)
        top.addSpacing(12)
        self.readout = QLabel()
        self.readout.setObjectName("gan-readout")
        self.readout.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.readout.setWordWrap(True)  # two lines rather than cut off, in lecture mode
        top.addWidget(self.readout, 1)
        col.addLayout(top)
        self.phase_label = QLabel()
        self.phase_label.setObjectName("gan-phase")
        self.phase_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        col.addWidget(self.phase_label)

        self.stack = QStackedWidget()
        col.addWidget(self.stack, 3)

        # 2-D page -------------------------------------------------------------------
        self.graphics_2d = pg.GraphicsLayoutWidget()
        # Each frame repaints one rectangle around what changed (the whole plane): Qt then
        # clips the noise grid's and the arrows' lines to a rectangle, not to a region of
        # many bands, which rasterises them much faster.
        self.graphics_2d.setViewportUpdateMode(
            pg.QtWidgets.QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.draw_box_2d = DrawViewBox()
        self.draw_box_2d.drawing_enabled = False
        self.plane = self.add_plot(self.graphics_2d, "Real and generated samples over D(x)",
                                   row=0, col=0, left="x<sub>2</sub>", bottom="x<sub>1</sub>",
                                   view_box=self.draw_box_2d)
        self.plane.setAspectLocked(True)
        self.heat_item = pg.ImageItem(axisOrder="row-major")
        self.heat_item.setLookupTable(_LUT)
        self.heat_item.setZValue(-10)
        # D's map changes at most 5 times a second while playing flat out: Qt keeps it
        # as a pixmap in between instead of scaling the image onto the view every frame
        self.heat_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.real_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o", name="real")
        # the frames' real batch is fixed: Qt keeps it as a pixmap between frames
        self.real_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # the generated points move every frame: one pre-rendered dot stamped at each
        self.fake_item = DotsItem(name="generated")
        # line sets replaced every frame: bare curve items (a PlotDataItem wraps one in
        # bookkeeping that costs more than the drawing)
        self.manifold_item = pg.PlotCurveItem(antialias=False, skipFiniteCheck=True)
        self.arrow_item = pg.PlotCurveItem(connect="pairs", antialias=False,
                                           skipFiniteCheck=True)
        self.drawn_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o", name="drawn")
        self.drawn_item.hide()  # until points are drawn
        self.layer_items: dict[str, pg.GraphicsObject] = {
            "heatmap": self.heat_item, "real": self.real_item, "generated": self.fake_item,
            "manifold": self.manifold_item, "arrows": self.arrow_item}
        for item in (self.heat_item, self.real_item, self.manifold_item, self.fake_item,
                     self.arrow_item, self.drawn_item):
            self.plane.addItem(item)
        self.heat_note = pg.TextItem(anchor=(0, 0))
        self.plane.addItem(self.heat_note, ignoreBounds=True)
        self.stack.addWidget(self.graphics_2d)

        # 1-D page -------------------------------------------------------------------
        self.graphics_1d = pg.GraphicsLayoutWidget()
        self.draw_box_1d = DrawViewBox()
        self.draw_box_1d.drawing_enabled = False
        self.density_plot = self.add_plot(self.graphics_1d, "Real and generated samples",
                                          row=0, col=0, left="density", view_box=self.draw_box_1d)
        self.density_plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200))
        self.hist_real = pg.PlotDataItem(stepMode="center", fillLevel=0, name="real data")
        self.hist_fake = pg.PlotDataItem(stepMode="center", fillLevel=0, name="generated")
        self.target_curve = pg.PlotDataItem(name="target density p_data")
        self.generated_curve = pg.PlotDataItem(name="generated density p_g")
        self.drawn_item_1d = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o")
        self.drawn_item_1d.hide()  # until points are drawn
        for item in (self.hist_real, self.hist_fake, self.target_curve, self.generated_curve,
                     self.drawn_item_1d):
            self.density_plot.addItem(item)
        self.d_plot = self.add_plot(self.graphics_1d, "D(x) and the optimal D*(x)", row=1, col=0,
                                    left="D(x)", bottom="x")
        self.d_plot.setMouseEnabled(x=False, y=False)
        self.d_plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200))
        self.d_plot.setXLink(self.density_plot)
        self.half_line = pg.InfiniteLine(pos=0.5, angle=0, movable=False)
        self.d_plot.addItem(self.half_line)
        self.d_curve = pg.PlotDataItem(name="D(x)")
        self.d_star_curve = pg.PlotDataItem(name="D*(x) = p_data/(p_data+p_g)")
        self.d_plot.addItem(self.d_star_curve)
        self.d_plot.addItem(self.d_curve)
        self.graphics_1d.ci.layout.setRowStretchFactor(0, 3)
        self.graphics_1d.ci.layout.setRowStretchFactor(1, 2)
        self.stack.addWidget(self.graphics_1d)

        # cGAN page ------------------------------------------------------------------
        self.graphics_cgan = pg.GraphicsLayoutWidget()
        self.posterior_plot = self.add_plot(
            self.graphics_cgan, "x ~ G(z | y) over the reference posterior", row=0, col=0,
            left="x<sub>2</sub>", bottom="x<sub>1</sub>")
        self.posterior_plot.setMouseEnabled(x=False, y=False)
        self.posterior_plot.addLegend(offset=(10, 10), brush=pg.mkBrush(255, 255, 255, 200))
        self.valley_item = pg.PlotDataItem(name="valley x₂ = x₁²")
        self.posterior_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o",
                                                 name="reference posterior")
        self.cgan_fake_item = pg.ScatterPlotItem(pxMode=True, pen=None, symbol="o",
                                                 name="G(z | y)")
        for item in (self.valley_item, self.posterior_item, self.cgan_fake_item):
            self.posterior_plot.addItem(item)
        self.push_plot = self.add_plot(self.graphics_cgan, "Push-forward M(G(z | y)) vs. observations",
                                       row=0, col=1, left="density", bottom="y = M(x)")
        self.push_plot.setMouseEnabled(x=False, y=False)
        self.push_plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200))
        self.obs_hist = pg.PlotDataItem(stepMode="center", fillLevel=0, name="observations y")
        self.push_hist = pg.PlotDataItem(stepMode="center", fillLevel=0, name="M(G(z | y))")
        self.push_plot.addItem(self.obs_hist)
        self.push_plot.addItem(self.push_hist)
        self.stack.addWidget(self.graphics_cgan)

        # curves -----------------------------------------------------------------------
        self.graphics_curves = pg.GraphicsLayoutWidget()
        col.addWidget(self.graphics_curves, 2)
        self.loss_plot = self.add_plot(self.graphics_curves, "Losses", row=0, col=0,
                                       bottom="step")
        self.acc_plot = self.add_plot(self.graphics_curves, "D's accuracy", row=0, col=1,
                                      bottom="step")
        self.metric_plot = self.add_plot(self.graphics_curves, "Metrics", row=0, col=2,
                                         bottom="step")
        for plot in (self.loss_plot, self.acc_plot, self.metric_plot):
            plot.setMouseEnabled(x=False, y=False)
            plot.addLegend(offset=(-5, 5), brush=pg.mkBrush(255, 255, 255, 200))
        self.acc_plot.setXLink(self.loss_plot)
        self.metric_plot.setXLink(self.loss_plot)
        self.loss_d_curve = pg.PlotDataItem(name="D's loss")
        self.loss_g_curve = pg.PlotDataItem(name="G's loss")
        self.value_curve = pg.PlotDataItem(name="V = −(D's loss)")
        self.d_ref = pg.InfiniteLine(angle=0, movable=False, label="",
                                     labelOpts={"position": 0.08, "anchors": [(0, 1), (0, 1)]})
        self.g_ref = pg.InfiniteLine(angle=0, movable=False, label="",
                                     labelOpts={"position": 0.5, "anchors": [(0, 1), (0, 1)]})
        self.v_ref = pg.InfiniteLine(angle=0, movable=False, label="",
                                     labelOpts={"position": 0.08, "anchors": [(0, 0), (0, 0)]})
        for item in (self.d_ref, self.g_ref, self.v_ref):
            self.loss_plot.addItem(item, ignoreBounds=True)
        for item in (self.loss_d_curve, self.loss_g_curve):
            self.loss_plot.addItem(item)
        self.acc_real_curve = pg.PlotDataItem(name="on real")
        self.acc_fake_curve = pg.PlotDataItem(name="on generated")
        self.acc_half = pg.InfiniteLine(pos=0.5, angle=0, movable=False)
        self.acc_plot.addItem(self.acc_half, ignoreBounds=True)
        self.acc_plot.addItem(self.acc_real_curve)
        self.acc_plot.addItem(self.acc_fake_curve)
        self.acc_plot.setYRange(-0.02, 1.02, padding=0)
        self.js_curve = pg.PlotDataItem(name="JS divergence")
        self.modes_curve = pg.PlotDataItem(name="modes covered (share)")
        self.quality_curve = pg.PlotDataItem(name="high-quality share")
        self.metric_plot.addItem(self.js_curve)
        self.metric_plot.setYRange(-0.02, 1.02, padding=0)

        self.draw_box_2d.sigDraw.connect(self._draw_point)
        self.draw_box_1d.sigDraw.connect(self._draw_point)
        self._reset_view_state()
        self._bounds_key: Any = None
        self._real_key: Any = None
        self._heat_key: Any = None
        self._heat_grid: np.ndarray | None = None
        self._conn_cache: dict[tuple[int, ...], Any] = {}
        self._drawn: list[np.ndarray] = []
        self._last_message = ""
        self._last_phase: str | None = None
        self._last_readout = ""
        self._set_phase_text("start")
        return holder

    def build_controls(self) -> QWidget:
        box = QGroupBox("Training and view")
        grid = QGridLayout(box)
        row = 0
        grid.addWidget(QLabel("Layers of the 2-D view:"), row, 0, 1, 2)
        row += 1
        self.layer_checks: dict[str, QCheckBox] = {}
        for i, (key, text) in enumerate(LAYERS):
            check = QCheckBox(text)
            check.setObjectName(f"layer-{key}")
            check.setChecked(True)
            check.toggled.connect(lambda on, k=key: self.set_layer_visible(k, on))
            grid.addWidget(check, row + i // 2, i % 2)
            self.layer_checks[key] = check
        row += (len(LAYERS) + 1) // 2

        updates = QHBoxLayout()
        updates.addWidget(QLabel("updates per Step D / Step G"))
        self.updates_spin = QSpinBox()
        self.updates_spin.setObjectName("updates-per-press")
        self.updates_spin.setRange(1, 1000)
        self.updates_spin.setValue(10)
        self.updates_spin.setToolTip("How many updates one press of Step D / Step G makes")
        updates.addWidget(self.updates_spin)
        grid.addLayout(updates, row, 0, 1, 2)
        row += 1
        self.draw_button = QPushButton("Draw target")
        self.draw_button.setObjectName("draw-target")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip("Draw the target distribution with the mouse; press again "
                                    "to train on it")
        self.draw_button.toggled.connect(self._draw_toggled)
        self.clear_drawing_button = QPushButton("Clear drawing")
        self.clear_drawing_button.clicked.connect(self.clear_drawing)
        grid.addWidget(self.draw_button, row, 0)
        grid.addWidget(self.clear_drawing_button, row, 1)
        row += 1
        self.save_button = QPushButton("Save model…")
        self.save_button.setObjectName("save-model")
        self.save_button.setToolTip("Save the networks, optimisers and parameters")
        self.save_button.clicked.connect(self._save_dialog)
        self.load_button = QPushButton("Load model…")
        self.load_button.setObjectName("load-model")
        self.load_button.setToolTip("Load a saved model and its parameters (nothing in the "
                                    "file is ever run)")
        self.load_button.clicked.connect(self._load_dialog)
        grid.addWidget(self.save_button, row, 0)
        grid.addWidget(self.load_button, row, 1)

        self._slow_timer = QTimer(self)
        self._slow_timer.timeout.connect(self._slow_tick)
        self._slow_playing = False
        self._phase_pending = False
        self._pending_file: tuple[str, str] | None = None  # ("save" | "load", path)
        self._rng = np.random.default_rng()
        return box

    # -- commands ---------------------------------------------------------------------
    def set_layer_visible(self, key: str, on: bool) -> None:
        """Show or hide one layer of the 2-D view (also the cGAN view's points)."""
        self.layer_items[key].setVisible(on)
        if key == "real":
            self.posterior_item.setVisible(on)
        elif key == "generated":
            self.cgan_fake_item.setVisible(on)
        check = self.layer_checks[key]
        if check.isChecked() != on:
            check.blockSignals(True)
            check.setChecked(on)
            check.blockSignals(False)

    def step_discriminator(self, n: int | None = None) -> None:
        """``n`` updates of D alone (G frozen)."""
        self._stop_slow()
        self.ensure_started()
        self.runner.invoke("step_discriminator", n=int(n or self.updates_spin.value()))

    def step_generator(self, n: int | None = None) -> None:
        """``n`` updates of G alone (D frozen)."""
        self._stop_slow()
        self.ensure_started()
        self.runner.invoke("step_generator", n=int(n or self.updates_spin.value()))

    @property
    def slow_motion(self) -> bool:
        return self.slow_check.isChecked()

    @Slot()
    def step_once(self) -> None:
        if self.slow_motion:
            self._stop_slow()
            self.ensure_started()
            self._phase_pending = True
            self.runner.invoke("step_phase")
        else:
            super().step_once()

    @Slot()
    def toggle_play(self) -> None:
        if self.slow_motion:
            if self._slow_playing:
                self._stop_slow()
            else:
                self._start_slow()
        else:
            super().toggle_play()

    def play(self) -> None:
        if self.slow_motion:
            self._start_slow()
        else:
            super().play()

    def pause(self) -> None:
        self._stop_slow()
        super().pause()

    @Slot()
    def reset(self) -> None:
        self._stop_slow()
        super().reset()

    def load_preset(self, name: str) -> None:
        self._stop_slow()
        super().load_preset(name)

    def shutdown(self) -> bool:
        self._stop_slow()
        return super().shutdown()

    def save_model(self, path: str | os.PathLike) -> None:
        """Save the trained model and the session's parameters (engine ``save``)."""
        path = os.fspath(path)
        self.ensure_started()
        self._pending_file = ("save", path)
        self._pending_since = time.time()
        self.runner.invoke("save", path=path)

    def load_model(self, path: str | os.PathLike) -> None:
        """Load a model saved by :meth:`save_model`; a file that does not fit leaves all as it was."""
        path = os.fspath(path)
        if not os.path.isfile(path):
            self.show_message(f"Could not load the model: {path} is not a file.", error=True)
            return
        self._stop_slow()
        self.ensure_started()
        self._pending_file = ("load", path)
        self._pending_since = time.time()
        self.runner.invoke("load", path=path, use_file_params=True)

    # -- drawing a target ---------------------------------------------------------------
    @property
    def drawing(self) -> bool:
        return self.draw_button.isChecked()

    def drawn_points(self) -> np.ndarray:
        """The points drawn so far, rows of (x) in 1-D or (x, y) in 2-D."""
        dim = 1 if self.stack.currentIndex() == PAGE_1D else 2
        if not self._drawn:
            return np.empty((0, dim))
        pts = np.concatenate(self._drawn)
        return pts[:, :dim]

    def add_drawn_points(self, points: np.ndarray) -> None:
        """Add points to the drawing (what a mouse stroke does, without the spray)."""
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        total = sum(len(p) for p in self._drawn)
        if total >= MAX_DRAWN_POINTS:
            return
        self._drawn.append(pts[: MAX_DRAWN_POINTS - total])
        self._show_drawn()

    def clear_drawing(self) -> None:
        self._drawn = []
        self._show_drawn()

    def finish_drawing(self) -> bool:
        """Train on the drawing: ``dataset="drawn"`` with the drawn points."""
        points = self.drawn_points()
        if self.draw_button.isChecked():
            self.draw_button.blockSignals(True)
            self.draw_button.setChecked(False)
            self.draw_button.blockSignals(False)
        self._set_drawing_mode(False)
        if len(points) < 2:
            self.show_message("Draw at least two points before training on the drawing.",
                              error=True)
            return False
        ok = self.submit_params(dataset="drawn", data=points)
        if ok:
            self.clear_drawing()
        return ok

    @Slot(bool)
    def _draw_toggled(self, on: bool) -> None:
        if on:
            self.pause()
            self.clear_drawing()
            if self.stack.currentIndex() == PAGE_CGAN:
                self.stack.setCurrentIndex(PAGE_2D)
            self._set_drawing_mode(True)
            self.show_message("Drawing mode: drag with the left mouse button to paint the target "
                              "distribution, then press “Draw target” again to train on it.")
        else:
            self.finish_drawing()

    def _set_drawing_mode(self, on: bool) -> None:
        self.draw_box_2d.drawing_enabled = on
        self.draw_box_1d.drawing_enabled = on
        self.draw_button.setText("Train on drawing" if on else "Draw target")

    @Slot(float, float)
    def _draw_point(self, x: float, y: float) -> None:
        if not self.drawing:
            return
        box = self.draw_box_1d if self.stack.currentIndex() == PAGE_1D else self.draw_box_2d
        (x0, x1), _ = box.viewRange()
        spread = SPRAY_SPREAD * (x1 - x0)
        pts = np.array([x, y]) + self._rng.normal(0.0, spread, size=(SPRAY_POINTS, 2))
        self.add_drawn_points(pts)

    def _show_drawn(self) -> None:
        pts = np.concatenate(self._drawn) if self._drawn else np.empty((0, 2))
        for item in (self.drawn_item, self.drawn_item_1d):
            item.setData(pos=pts)
            item.setVisible(len(pts) > 0)  # an empty scatter still costs a paint per frame

    # -- slow motion ------------------------------------------------------------------
    @Slot(bool)
    def _slow_toggled(self, on: bool) -> None:
        if on:
            was_playing = self.runner.playing
            if was_playing:
                super().pause()
                self._start_slow()
        elif self._slow_playing:
            self._stop_slow()
            super().play()

    def _start_slow(self) -> None:
        self.ensure_started()
        if self.runner.playing:
            super().pause()
        self._slow_playing = True
        self._slow_timer.start(self._slow_interval())
        self.transport.set_playing(True)
        self.transport.set_badge("playing", "slow motion")
        self._slow_tick()

    def _stop_slow(self) -> None:
        if not getattr(self, "_slow_playing", False):
            return
        self._slow_playing = False
        self._slow_timer.stop()
        self.transport.set_playing(False)
        self._update_badge()

    def _slow_interval(self) -> int:
        speed = self.transport.speed
        if speed == MAX_SPEED:
            return SLOW_PASS_MS
        return int(min(2000, max(150, 1000.0 / speed)))

    @Slot(int)
    def _speed_changed(self, index: int) -> None:
        super()._speed_changed(index)
        if getattr(self, "_slow_playing", False):
            self._slow_timer.setInterval(self._slow_interval())

    @Slot()
    def _slow_tick(self) -> None:
        if not self._slow_playing or self._phase_pending:
            return
        self._phase_pending = True
        self.runner.invoke("step_phase")

    @Slot(bool)
    def _on_playing(self, playing: bool) -> None:
        super()._on_playing(playing)
        if getattr(self, "_slow_playing", False):
            self.transport.set_playing(True)
            self.transport.set_badge("playing", "slow motion")

    def _update_badge(self) -> None:
        if getattr(self, "_slow_playing", False):
            self.transport.set_badge("playing", "slow motion")
        else:
            super()._update_badge()

    # -- files --------------------------------------------------------------------------
    @Slot()
    def _save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save GAN model", "gan-model.pt",
                                              "mechgui GAN model (*.pt);;All files (*)")
        if path:
            self.save_model(path)

    @Slot()
    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load GAN model", "",
                                              "mechgui GAN model (*.pt);;All files (*)")
        if path:
            self.load_model(path)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        """An exception in the engine; a failed save or load gets a plain message."""
        pending, self._pending_file = getattr(self, "_pending_file", None), None
        self._phase_pending = False
        if pending is None:
            super()._on_failed(message)
            return
        last = message.strip().splitlines()[-1] if message.strip() else message
        # "package.module.SomeError: text" → ("SomeError", "text")
        head, sep, text = last.partition(": ")
        error = head.rsplit(".", 1)[-1] if sep and " " not in head else ""
        detail = text if error else last
        kind, path = pending
        name = os.path.basename(path)
        if kind == "save":
            self.show_message(f"Could not save the model to {name}: {detail}", error=True)
        elif error in ("FileNotFoundError", "PermissionError", "IsADirectoryError", "OSError"):
            self._load_refused(f"{name}: {detail}")
        else:  # whatever else the safe loader met in a file that is not ours
            self._load_refused(f"{name}: not a mechgui GAN model file "
                               f"({error or 'error'}: {detail})")

    @Slot(str)
    def _on_refused(self, message: str) -> None:
        """A ValueError from an invoked method (the engine's ModelFileError for a bad file)."""
        pending, self._pending_file = getattr(self, "_pending_file", None), None
        self._phase_pending = False
        if pending is not None and pending[0] == "load":
            self._load_refused(message)
        elif pending is not None and pending[0] == "save":
            self.show_message(f"Could not save the model to {os.path.basename(pending[1])}: "
                              f"{message}", error=True)
        else:
            super()._on_refused(message)

    def _load_refused(self, reason: str) -> None:
        self.show_message(f"Could not load the model; nothing was changed. {reason}", error=True)

    @Slot(object)
    def _on_params_replaced(self, params: ParamSet) -> None:
        """A loaded model brought its parameters (the form follows); the load succeeded."""
        super()._on_params_replaced(params)
        pending = getattr(self, "_pending_file", None)
        if pending is not None and pending[0] == "load":
            self._pending_file = ("loaded", pending[1])

    def _file_done(self, snap: Mapping[str, Any]) -> None:
        kind, path = self._pending_file  # type: ignore[misc]
        name = os.path.basename(path)
        if kind == "save":
            # A frame published before the save ran may arrive first: wait for the file.
            try:
                if os.stat(path).st_mtime < self._pending_since - 0.05:
                    return
            except OSError:
                return
            self._pending_file = None
            self.show_message(f"Model saved to {name} (step {snap['step']}).")
        elif kind == "loaded":  # paramsReplaced came before this frame: it is the loaded one
            self._pending_file = None
            self.show_message(f"Model loaded from {name} (step {snap['step']}).")

    # -- rendering ----------------------------------------------------------------------
    def _reset_view_state(self) -> None:
        self._x_right = 0.0
        self._loss_range = _Range()
        self._d_range = _Range()
        self._density_range = _Range()
        self._push_range = _Range()
        self._critic_levels = _Range()

    def restart(self) -> None:
        self._reset_view_state()

    def on_params(self, params: ParamSet) -> None:
        d_line, g_line = _reference_lines(params.loss)
        d_name = "2 log 2" if params.loss in ("minimax", "non-saturating") else f"{d_line:g}"
        self.d_ref.setVisible(d_line is not None)
        if d_line is not None:
            self.d_ref.setValue(d_line)
            self.d_ref.label.setFormat(f"D: {d_name}")
        self.g_ref.setVisible(g_line is not None)
        if g_line is not None:
            self.g_ref.setValue(g_line)
            g_name = {"minimax": "−log 2", "non-saturating": "log 2"}.get(params.loss, f"{g_line:g}")
            self.g_ref.label.setFormat(f"G: {g_name}")
        minimax = params.loss == "minimax"
        self.v_ref.setVisible(minimax)
        self.v_ref.setValue(-2 * LOG2)
        self.v_ref.label.setFormat("V = −log 4")
        if minimax and self.value_curve.scene() is None:
            self.loss_plot.addItem(self.value_curve)
        elif not minimax and self.value_curve.scene() is not None:
            self.loss_plot.removeItem(self.value_curve)
        self._minimax = minimax
        self._loss_range = _Range()

    def _set_phase_text(self, phase: str) -> None:
        if phase == self._last_phase:
            return
        self._last_phase = phase
        text, colour = _PHASE_TEXT.get(phase, (f"Phase: {phase}", "#5A6270"))
        self.phase_label.setText(text)
        size = self.theme.title_size + 1
        self.phase_label.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border-radius: 5px; "
            f"padding: 3px 10px; font-weight: bold; font-size: {size}pt; }}")

    def _page_for(self, snap: Mapping[str, Any]) -> int:
        if "observations" in snap:
            return PAGE_CGAN
        return PAGE_1D if int(snap["dimension"]) == 1 else PAGE_2D

    _curves_drawn_at = 0.0

    def render(self, snap: Mapping[str, Any]) -> None:
        if getattr(self, "_pending_file", None) is not None:
            self._file_done(snap)
        self._phase_pending = False
        if self._slow_playing and snap["done"]:
            self._stop_slow()
        page = self._page_for(snap)
        if self.stack.currentIndex() != page and not self.drawing:
            self.stack.setCurrentIndex(page)
        self._set_phase_text(str(snap["phase"]))
        message = str(snap.get("message") or "")
        if message != self._last_message:
            self._last_message = message
            if message:
                self.show_message(message, error=snap["status"] == "diverged")
        if page == PAGE_2D:
            self._render_2d(snap)
        elif page == PAGE_1D:
            self._render_1d(snap)
        else:
            self._render_cgan(snap)
        # The curves move little from one frame to the next: while playing flat out
        # they are redrawn at most CURVE_RATE times a second (every frame otherwise).
        now = time.perf_counter()
        if (not self.runner.playing or snap["done"]
                or now - self._curves_drawn_at >= 1.0 / CURVE_RATE):
            self._curves_drawn_at = now
            self._render_curves(snap)
        self._render_readout(snap)

    def _set_bounds(self, plot: pg.PlotItem, bounds: np.ndarray) -> None:
        key = (id(plot), tuple(np.round(np.asarray(bounds, dtype=float).ravel(), 6)))
        if key == self._bounds_key:
            return
        self._bounds_key = key
        b = np.asarray(bounds, dtype=float)
        plot.setXRange(b[0, 0], b[0, 1], padding=0)
        if len(b) > 1:
            plot.setYRange(b[1, 0], b[1, 1], padding=0)

    def _render_2d(self, snap: Mapping[str, Any]) -> None:
        bounds = np.asarray(snap["bounds"], dtype=float)
        if not self.drawing:
            self._set_bounds(self.plane, bounds)
        gx, gy = np.asarray(snap["grid_x"]), np.asarray(snap["grid_y"])
        grid = np.asarray(snap["d_grid"], dtype=np.float32)
        kind = snap["d_output"]
        # While playing flat out the engine refreshes D's map at most 5 times a second:
        # an unchanged map is not uploaded again.
        heat_key = (kind, grid.shape)
        unchanged = heat_key == self._heat_key and np.array_equal(grid, self._heat_grid)
        if self.heat_item.isVisible() and not unchanged:
            self._heat_key, self._heat_grid = heat_key, grid
            if kind == "probability":
                levels = (0.0, 1.0)
            elif kind == "score":
                levels = (-0.25, 1.25)
            else:
                self._critic_levels.fit(float(grid.min()), float(grid.max()), pad=0.05)
                levels = self._critic_levels.current or (-1.0, 1.0)
            self.heat_item.setImage(grid, levels=levels, autoLevels=False)
            dx = (gx[-1] - gx[0]) / max(len(gx) - 1, 1)
            dy = (gy[-1] - gy[0]) / max(len(gy) - 1, 1)
            rect = (gx[0] - dx / 2, gy[0] - dy / 2, gx[-1] - gx[0] + dx, gy[-1] - gy[0] + dy)
            if rect != getattr(self, "_heat_rect", None):
                self._heat_rect = rect
                self.heat_item.setRect(QRectF(*rect))
                self.heat_note.setPos(bounds[0, 0], bounds[1, 1])
            note = {"probability": "D(x): blue ≈ 0 (fake) · white ½ · orange ≈ 1 (real)",
                    "score": "D's score: blue ≈ 0 (fake) · orange ≈ 1 (real)",
                    "critic": "critic C(x): blue low (fake) · orange high (real)"}[kind]
            if note != getattr(self, "_heat_text", None):
                self._heat_text = note
                self.heat_note.setText(note)
        real = np.asarray(snap["real"], dtype=float)
        key = (real.shape, float(real.sum()), real[:1].tobytes())
        if key != self._real_key:
            self._real_key = key
            set_points(self.real_item, real)
        samples = np.asarray(snap["samples"], dtype=float)
        if self.fake_item.isVisible():
            self.fake_item.setData(samples[:, 0], samples[:, 1])
        if self.manifold_item.isVisible():
            x, y, conn = manifold_lines(np.asarray(snap["manifold"]))
            self.manifold_item.setData(x, y, connect=conn, skipFiniteCheck=True)
        if self.arrow_item.isVisible():
            grads = np.asarray(snap["gradients"], dtype=float)  # at the first samples
            reach = ARROW_REACH * float(bounds[0, 1] - bounds[0, 0])
            ax, ay = arrow_segments(samples[:len(grads)], grads, reach)
            self.arrow_item.setData(ax, ay, connect="pairs", skipFiniteCheck=True)

    def _render_1d(self, snap: Mapping[str, Any]) -> None:
        bounds = np.asarray(snap["bounds"], dtype=float)
        if not self.drawing:
            self._set_bounds(self.density_plot, bounds)
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
        top = max(float(np.max(hist_real, initial=0)), float(np.max(hist_fake, initial=0)),
                  float(np.max(target, initial=0)), float(np.max(generated, initial=0)))
        rng = self._density_range.fit(0.0, top, pad=0.05)
        if rng is not None and not self.drawing:
            self.density_plot.setYRange(0.0, rng[1], padding=0)
        d_line = np.asarray(snap["d_line"], dtype=float)
        self.d_curve.setData(x, d_line, skipFiniteCheck=True)
        self.d_star_curve.setData(x, np.asarray(snap["d_star_line"], dtype=float),
                                  skipFiniteCheck=True)
        if snap["d_output"] == "probability":
            rng = self._d_range.fit(0.0, 1.0, pad=0.02)
        else:
            rng = self._d_range.fit(min(0.0, float(d_line.min())), max(1.0, float(d_line.max())))
        if rng is not None:
            self.d_plot.setYRange(*rng, padding=0)

    def _render_cgan(self, snap: Mapping[str, Any]) -> None:
        bounds = np.asarray(snap["bounds"], dtype=float)
        key = (id(self.posterior_plot), tuple(bounds.ravel()))
        if key != getattr(self, "_posterior_bounds", None):
            self._posterior_bounds = key
            self.posterior_plot.setXRange(bounds[0, 0], bounds[0, 1], padding=0)
            self.posterior_plot.setYRange(bounds[1, 0], bounds[1, 1], padding=0)
            x1 = np.linspace(bounds[0, 0], bounds[0, 1], 200)
            keep = (x1 ** 2 >= bounds[1, 0]) & (x1 ** 2 <= bounds[1, 1])
            self.valley_item.setData(x1[keep], x1[keep] ** 2)
        real = np.asarray(snap["real"], dtype=float)
        rkey = ("cgan", real.shape, float(real.sum()), real[:1].tobytes())
        if rkey != self._real_key:
            self._real_key = rkey
            set_points(self.posterior_item, real)
        set_points(self.cgan_fake_item, np.asarray(snap["samples"], dtype=float))
        obs = np.asarray(snap["observations"], dtype=float)
        pushed = np.asarray(snap["pushforward"], dtype=float)
        lo, hi = float(obs.min()), float(obs.max())
        span = max(hi - lo, 1e-6)
        edges = np.linspace(lo - 0.75 * span, hi + 0.75 * span, 49)
        width = edges[1] - edges[0]
        h_obs = np.histogram(obs, bins=edges)[0] / (max(len(obs), 1) * width)
        finite = pushed[np.isfinite(pushed)]
        h_push = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)[0] / \
            (max(len(pushed), 1) * width)
        self.obs_hist.setData(edges, h_obs, skipFiniteCheck=True)
        self.push_hist.setData(edges, h_push, skipFiniteCheck=True)
        xkey = (edges[0], edges[-1])
        if xkey != getattr(self, "_push_x", None):
            self._push_x = xkey
            self.push_plot.setXRange(edges[0], edges[-1], padding=0)
        rng = self._push_range.fit(0.0, max(float(h_obs.max()), float(h_push.max())), pad=0.05)
        if rng is not None:
            self.push_plot.setYRange(0.0, rng[1], padding=0)

    def _curve(self, item: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
        if y.size and not np.all(np.isfinite(y)):
            item.setData(x, y, connect="finite")
        else:
            item.setData(x, y, skipFiniteCheck=True)

    def _render_curves(self, snap: Mapping[str, Any]) -> None:
        h = snap["history"]
        steps = np.asarray(h["step"], dtype=float)
        loss_d = np.asarray(h["loss_d"], dtype=float)
        loss_g = np.asarray(h["loss_g"], dtype=float)
        self._curve(self.loss_d_curve, steps, loss_d)
        self._curve(self.loss_g_curve, steps, loss_g)
        values = [loss_d, loss_g]
        if getattr(self, "_minimax", False):
            self._curve(self.value_curve, steps, -loss_d)
            values.append(-loss_d)
        self._curve(self.acc_real_curve, steps, np.asarray(h["accuracy_real"], dtype=float))
        self._curve(self.acc_fake_curve, steps, np.asarray(h["accuracy_fake"], dtype=float))
        refs = [line.value() for line in (self.d_ref, self.g_ref, self.v_ref) if line.isVisible()]
        data = np.concatenate(values) if steps.size else np.empty(0)
        data = data[np.isfinite(data)]
        if data.size:
            lo, hi = min(float(data.min()), *refs), max(float(data.max()), *refs)
            rng = self._loss_range.fit(lo, hi)
            if rng is not None:
                self.loss_plot.setYRange(*rng, padding=0)

        m = snap["metric_history"]
        msteps = np.asarray(m["step"], dtype=float)
        self._curve(self.js_curve, msteps, np.asarray(m["js_divergence"], dtype=float))
        total = snap["metrics"].get("modes_total")
        for item in (self.modes_curve, self.quality_curve):  # only for targets with modes
            if bool(total) != (item.scene() is not None):
                if total:
                    self.metric_plot.addItem(item)
                else:
                    self.metric_plot.removeItem(item)
                apply_plot_theme(self.metric_plot, self.theme)  # the legend's new entries
        if total:
            self._curve(self.modes_curve, msteps,
                        np.asarray(m["modes_covered"], dtype=float) / float(total))
            self._curve(self.quality_curve, msteps,
                        np.asarray(m["high_quality"], dtype=float) / 100.0)

        last = max(float(steps[-1]) if steps.size else 0.0,
                   float(msteps[-1]) if msteps.size else 0.0, float(snap["step"]))
        right = max(last, 10.0)
        if right > self._x_right or right < 0.5 * self._x_right:
            self._x_right = right * 1.5 if right > 10 else right
            self.loss_plot.setXRange(0, self._x_right, padding=0.02)

    def _render_readout(self, snap: Mapping[str, Any]) -> None:
        m = snap["metrics"]
        parts = [f"D {snap['loss_d']:.3f}", f"G {snap['loss_g']:.3f}",
                 f"acc {snap['accuracy_real']:.2f}/{snap['accuracy_fake']:.2f}",
                 f"JS {m['js_divergence']:.3f}"]
        if m.get("modes_covered") is not None:
            parts.append(f"modes {m['modes_covered']}/{m['modes_total']}")
        if "pushforward_w1" in m:
            parts.append(f"W₁(M(G), y) {m['pushforward_w1']:.1f}")
        if snap["dimension"] == 1 and "generated_mean" in snap:
            parts.append(f"μ {snap['generated_mean']:.2f} σ {snap['generated_std']:.2f}")
        parts.append(f"D/G updates {snap['d_updates']}/{snap['g_updates']}")
        text = "  ·  ".join(parts)
        if text != self._last_readout:
            self._last_readout = text
            self.readout.setText(text)

    # -- theme --------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        dot = max(2.5, theme.symbol_size * 0.5)
        self.real_item.setSize(dot)
        self.real_item.setBrush(pg.mkBrush(20, 20, 20, 140))
        self.fake_item.set_style(dot, theme.brush("winner", 0.8))
        self.drawn_item.setSize(dot)
        self.drawn_item.setBrush(theme.brush("input", 0.9))
        self.drawn_item_1d.setSize(dot)
        self.drawn_item_1d.setBrush(theme.brush("input", 0.9))
        self.manifold_item.setPen(theme.pen("primary", theme.thin_width * 0.8, alpha=0.65))
        self.arrow_item.setPen(theme.pen("#5A2D82", theme.thin_width * 0.8, alpha=0.85))
        self.posterior_item.setSize(dot)
        self.posterior_item.setBrush(pg.mkBrush(20, 20, 20, 90))
        self.cgan_fake_item.setSize(dot)
        self.cgan_fake_item.setBrush(theme.brush("winner", 0.7))
        self.valley_item.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DashLine))
        for item, role in ((self.hist_real, "accent"), (self.hist_fake, "winner"),
                           (self.obs_hist, "accent"), (self.push_hist, "winner")):
            item.setPen(theme.pen(role, theme.thin_width))
            item.setBrush(theme.brush(role, 0.3))
        self.target_curve.setPen(theme.pen("accent", theme.line_width))
        self.generated_curve.setPen(theme.pen("winner", theme.thin_width,
                                              style=Qt.PenStyle.DashLine))
        self.d_curve.setPen(theme.pen("primary", theme.line_width))
        self.d_star_curve.setPen(theme.pen("#1A1A1A", theme.thin_width,
                                           style=Qt.PenStyle.DashLine))
        ref_pen = theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DotLine)
        self.half_line.setPen(ref_pen)
        self.acc_half.setPen(ref_pen)
        self.d_ref.setPen(theme.pen("primary", theme.thin_width, alpha=0.7,
                                    style=Qt.PenStyle.DotLine))
        self.g_ref.setPen(theme.pen("winner", theme.thin_width, alpha=0.7,
                                    style=Qt.PenStyle.DotLine))
        self.v_ref.setPen(theme.pen("accent", theme.thin_width, alpha=0.7,
                                    style=Qt.PenStyle.DotLine))
        for line, role in ((self.d_ref, "primary"), (self.g_ref, "winner"),
                           (self.v_ref, "accent")):
            line.label.setColor(color(role))
            font = line.label.textItem.font()
            font.setPointSize(theme.tick_size)
            line.label.setFont(font)
        # The histories are long, jagged polylines: in the normal theme 1-pixel lines
        # without antialiasing (Qt's fast path: a third of the cost of painting them
        # smooth and 1.5 px wide); lecture mode keeps them thick and smooth.
        lecture = theme.name == "lecture"
        wide = theme.line_width * 0.75 if lecture else 1.0
        thin = theme.thin_width if lecture else 1.0
        for curve, role, width in ((self.loss_d_curve, "primary", wide),
                                   (self.loss_g_curve, "winner", wide),
                                   (self.value_curve, "accent", thin),
                                   (self.acc_real_curve, "accent", wide),
                                   (self.acc_fake_curve, "winner", wide),
                                   (self.js_curve, "primary", wide),
                                   (self.modes_curve, "secondary", wide),
                                   (self.quality_curve, "accent", thin)):
            curve.setPen(theme.pen(role, width))
            curve.opts["antialias"] = lecture
            curve.curve.opts["antialias"] = lecture
        self.heat_note.setColor(theme.foreground)
        font = self.heat_note.textItem.font()
        font.setPointSize(theme.tick_size)
        self.heat_note.setFont(font)
        font = self.readout.font()
        font.setPointSize(theme.font_size)
        self.readout.setFont(font)
        self._last_phase = None
        self._set_phase_text(getattr(self, "_shown_phase", "start") if self.snapshot is None
                             else str(self.snapshot["phase"]))
