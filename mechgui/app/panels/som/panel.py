"""The Kohonen SOM tab: its own controls (what Step takes, the map's colouring, labels,
glyphs, motion trace, drawing or loading data), and each snapshot handed to the views.
Everything drawn comes from the snapshot; the map and the curves are redrawn on its
detailed frames (see ``SimulationPanel.detail_rate``)."""

from __future__ import annotations

import math
import os
from collections.abc import Generator, Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFileDialog, QLabel, QSizePolicy, QVBoxLayout, QWidget

from mechgui.engine import ParamSet
from mechgui.engine.datasets import load_csv
from mechgui.engine.som import lattice_edges

from ...drawing import DrawnPoints
from ...explain import stacked, teach_box
from ...filetasks import FileReader
from ...panel import SimulationPanel
from ...runner import MAX_SPEED
from ...theme import Theme
from ...widgets import set_stretch
from .controls import SOMControls
from .curves import CurvesView
from .explain import SOMExplanation
from .geometry import map_layout
from .map import COLOURINGS, MAX_LABELLED_UNITS, MapView
from .matrix import MatrixView
from .space import ELLIPSE_LEVEL, SpaceView

__all__ = ["SOMPanel"]

#: Fastest speed (steps/s) at which the motion trace is drawn (faster, the frames are
#: too far apart in training for a trace to mean anything).
MAX_TRACE_SPEED = 300
#: While playing, the motion trace covers the steps of about this many seconds.
TRACE_SECONDS = 0.25
#: Inputs that get their winners on the map at most: a bigger data set is sampled for
#: the maps the snapshot does not carry, and its inputs' names are not shown.
MAX_MAP_POINTS = 5_000


def _numbering(count: int) -> tuple[str, ...]:
    """The engine's labels of inputs that have no names: "1", "2", …"""
    return tuple(str(i + 1) for i in range(count))


class SOMPanel(SimulationPanel):
    """Input space (or weight matrix), map (U-matrix, hits, QE, component planes, glyphs,
    labels) and curves."""

    model = "som"
    default_speed = 1000
    hidden_params = ("data",)
    detail_rate = 10
    #: A CSV file was read and its data submitted (True), or it was refused (False).
    csvFinished = Signal(bool)

    def init_state(self) -> None:
        self._reader = FileReader(self)  # reads CSV files off the GUI thread
        self._reader.returned.connect(self._csv_read)
        self._reader.failed.connect(self._csv_refused)
        self._csv_name = ""
        #: (rows, cols, topology, glyph shape, input dimension) of the map shown.
        self._geometry: tuple | None = None
        self._dim = 2
        # the snapshot's data and labels shown (they change only on a reset)
        self._data: np.ndarray | None = None
        self._labels: tuple[str, ...] | None = None
        self._map_sample = np.empty((0, 2))  # the data the panel computes maps on
        self._names: tuple[str, ...] | None = None  # the inputs' names for the map
        #: The label column of the last CSV file loaded, with its data: the engine numbers
        #: a custom data set's inputs 1, 2, …, and the map shows these names instead.
        self._csv_names: tuple[np.ndarray, tuple[str, ...]] | None = None
        self._colouring_chosen = False
        self._map_stale = True  # the map must be redrawn even on a frame without detail

    # -- view ------------------------------------------------------------------------
    def build_view(self) -> Generator[None, None, QWidget]:
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

        self.space = SpaceView(self)
        self.graphics.addItem(self.space.plot, row=0, col=0)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.matrix = MatrixView(self)  # in the input space's place for other dimensions
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self._left_plot: pg.PlotItem = self.space.plot
        self.map = MapView(self)
        self.graphics.addItem(self.map.plot, row=0, col=1)
        self.graphics.addItem(self.map.colour_bar, row=0, col=2)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.curves = CurvesView(self, self.graphics.addLayout(row=1, col=0, colspan=3))
        set_stretch(self.graphics, rows=(3, 1), cols=(1, 1))

        self.drawn = DrawnPoints(self.space.box, parent=self)
        self.drawn.changed.connect(self._drawn_changed)
        self.explained = SOMExplanation(self)
        self.explain = self.explained.explain
        return holder

    def build_controls(self) -> QWidget:
        c = self.controls = SOMControls(MAX_TRACE_SPEED)
        for check in (c.labels_check, c.glyphs_check, c.trace_check):
            check.toggled.connect(self._view_changed)
        c.colouring.currentIndexChanged.connect(self._view_changed)
        c.colouring.activated.connect(self._colouring_picked)
        c.draw_button.toggled.connect(self.set_draw_mode)
        c.load_button.clicked.connect(self._choose_csv)
        self._reader.progressed.connect(c.show_reading)
        c.use_drawn_button.clicked.connect(self.use_drawn_points)
        c.clear_drawn_button.clicked.connect(self.clear_drawn_points)
        teach, self.teach_button = teach_box(
            "a unit", "Play one sample in stages: the input, the distances, the winner, its "
                      "neighbourhood at R, the moves α(x − w), the update")
        self.teach_button.clicked.connect(self.teach_step)
        return stacked(c, teach)

    @Slot()
    def teach_step(self) -> None:
        """One sample played in stages (see :mod:`.explain`)."""
        if self.built:
            self.explained.teach_step()

    # -- commands ---------------------------------------------------------------------
    def step_size(self) -> int:
        if self.controls.granularity.currentData() == "epoch":
            snap = self.snapshot
            if snap is not None:
                return max(1, int(snap["samples_per_epoch"]) - int(snap["sample"]))
        return 1

    @Slot()
    def step_once(self) -> None:
        if self.controls.granularity.currentData() == "epoch":
            self.call_engine(_step_epoch)  # exactly to the end of the current epoch
        else:
            super().step_once()

    def set_granularity(self, which: str) -> None:
        """``"sample"`` or ``"epoch"``: what one press of Step does."""
        box = self.controls.granularity
        box.setCurrentIndex(box.findData(which))

    def set_colouring(self, text: str) -> None:
        """Colour the map by ``U-matrix``, ``hit count``, ``quantization error`` or
        ``component k``."""
        index = self.controls.colouring.findText(text)
        if index < 0:
            raise ValueError(f"no map colouring {text!r}")
        self._colouring_chosen = True
        self.controls.colouring.setCurrentIndex(index)

    @Slot(bool)
    def set_draw_mode(self, on: bool) -> None:
        """In draw mode clicks on the input space add points instead of nothing."""
        if self.controls.draw_button.isChecked() != on:
            self.controls.draw_button.setChecked(on)
            return
        self.drawn.enabled = on
        if on:
            self.drawn.clear()
            self._show_left(self.space.plot)
            if self._dim != 2:
                self.space.box.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.05)
        else:
            self._show_left(self.space.plot if self._dim == 2 else self.matrix.plot)
        self._drawn_changed()

    @Slot()
    def clear_drawn_points(self) -> None:
        self.drawn.clear()

    @Slot()
    def use_drawn_points(self) -> bool:
        """Train on the drawn points: ``dataset="custom"`` with them as the data."""
        if not len(self.drawn):
            self.show_message("Draw some points first: switch on ✎ Draw data and click on the "
                              "input space.", error=True)
            return False
        points = self.drawn.points()
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

    def load_csv_file(self, path: str) -> None:
        """Read input vectors from a CSV file on a worker thread (names kept for the map),
        showing its progress while the run goes on; a second file replaces one still being
        read.  Then train on them, or say in one line why not (:attr:`csvFinished`)."""
        self._csv_name = os.path.basename(os.fspath(path))
        self.show_message(f"Reading {self._csv_name} …")
        self.controls.show_reading(0.0)
        self._reader.start(load_csv, os.fspath(path))

    @property
    def reading_csv(self) -> bool:
        return self._reader.busy

    @Slot(object)
    def _csv_read(self, result: tuple[np.ndarray, list[str] | None]) -> None:
        self.controls.show_reading(None)
        data, labels = result
        self._csv_names = (data, tuple(labels)) if labels else None
        ok = self._use_data(data)
        if ok:
            self.show_message(f"Loaded {data.shape[0]} vectors of {data.shape[1]} components "
                              f"from {self._csv_name}.")
        self.csvFinished.emit(ok)

    @Slot(object)
    def _csv_refused(self, error: BaseException) -> None:
        self.controls.show_reading(None)
        why = error if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        self.show_message(f"Could not load {self._csv_name}; nothing was changed. {why}",
                          error=True)
        self.csvFinished.emit(False)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        read = self._reader.shutdown(timeout_ms)  # a reading is cancelled, and waited for
        return super().shutdown(timeout_ms) and read

    @Slot()
    def _drawn_changed(self) -> None:
        self._show_drawn()
        self._update_draw_controls()

    def _update_draw_controls(self) -> None:
        self.controls.show_draw_state(self.drawn.enabled, len(self.drawn))

    def _show_drawn(self) -> None:
        on = self.drawn.enabled
        self.space.show_drawn(self.drawn.points(), on, not on or self._dim == 2)

    def _show_left(self, plot: pg.PlotItem) -> None:
        """The input space or the weight matrix in the top left slot."""
        if plot is self._left_plot:
            return
        self.graphics.removeItem(self._left_plot)
        self._left_plot.hide()
        self.graphics.addItem(plot, row=0, col=0)
        plot.show()
        self._left_plot = plot

    @Slot(int)
    def _colouring_picked(self, _: int) -> None:
        self._colouring_chosen = True

    @Slot()
    def _view_changed(self, *_: Any) -> None:
        self._place_labels()
        self._map_stale = True
        if self.snapshot is not None:
            self._draw(self.snapshot)

    def view_state(self) -> dict[str, Any]:
        c = self.controls
        state = {"step": c.granularity.currentData(), "labels": c.labels_check.isChecked(),
                 "glyphs": c.glyphs_check.isChecked(), "trace": c.trace_check.isChecked()}
        if self._colouring_chosen:
            state["colouring"] = c.colouring.currentText()
        return state

    def load_view_state(self, state: Mapping[str, Any]) -> None:
        c = self.controls
        if "step" in state:
            self.set_granularity(state["step"])
        for key, check in (("labels", c.labels_check), ("glyphs", c.glyphs_check),
                           ("trace", c.trace_check)):
            check.setChecked(state.get(key, check.isChecked()))
        wanted = state.get("colouring")
        if wanted is not None and self._geometry is None and c.colouring.findText(wanted) < 0:
            c.colouring.addItem(wanted)  # kept, if the data have it, when the map is laid out
        if wanted is not None and c.colouring.findText(wanted) >= 0:
            self.set_colouring(wanted)

    def unit_label_texts(self) -> list[str]:
        """The label shown in each cell (one string per unit; commas between inputs)."""
        return self.map.label_texts()

    # -- parameters ----------------------------------------------------------------------
    def on_params(self, params: ParamSet) -> None:
        self.curves.plan(params)

    def restart(self) -> None:
        self.space.clear_trace()
        self.curves.restart()

    # -- what the snapshot brings --------------------------------------------------------
    def _follow(self, snap: Mapping[str, Any]) -> None:
        """Take the map's shape and the data from ``snap`` when they change (on a reset)."""
        data, labels = snap["data"], snap["labels"]
        geometry = (snap["rows"], snap["cols"], snap["topology"], snap["input_shape"],
                    data.shape[1])
        changed = geometry != self._geometry
        if changed:
            self._new_layout(geometry)
        if data is not self._data or labels is not self._labels:
            self._new_data(data, labels)
            changed = True
        if changed:
            if not self.drawn.enabled:
                self._show_left(self.space.plot if self._dim == 2 else self.matrix.plot)
            self._show_drawn()
            self._place_labels()
            self._map_stale = True

    def _new_layout(self, geometry: tuple) -> None:
        rows, cols, topology, glyph_shape, dim = self._geometry = geometry
        self._dim = dim
        self.space.set_edges(lattice_edges(rows, cols, topology))
        self.map.set_layout(map_layout(rows, cols, topology), glyph_shape)
        self.matrix.set_shape(rows * cols, dim)
        self._update_colourings()
        self.set_title(self.map.plot, self.map.title())

    def _new_data(self, data: np.ndarray, labels: tuple[str, ...]) -> None:
        self._data, self._labels = data, labels
        every = max(1, math.ceil(len(data) / MAX_MAP_POINTS))
        self._map_sample = data[::every]
        self._names = self._input_names(data, labels) if every == 1 else None
        self.space.show_data(data if self._dim == 2 else None)

    def _input_names(self, data: np.ndarray, labels: tuple[str, ...]) -> tuple[str, ...] | None:
        """The names the map shows: the data set's own, or the CSV file's while its data
        is trained; None for inputs known only by number."""
        if labels != _numbering(len(labels)):
            return labels
        csv = self._csv_names
        if csv is not None and np.array_equal(csv[0], data):
            return csv[1]
        return None

    def _update_colourings(self) -> None:
        """The colourings for this input dimension; the one shown kept if the user chose it."""
        box = self.controls.colouring
        current = box.currentText()
        glyphs = self.map.glyph_shape is not None
        box.blockSignals(True)
        box.clear()
        box.addItems(COLOURINGS)
        box.addItems([f"component {i + 1}" for i in range(min(self._dim, 1000))])
        index = box.findText(current) if self._colouring_chosen else -1
        if index < 0:  # (without topology there is no U-matrix)
            plain = glyphs or self._dim != 2 or self._geometry[2] == "none"
            index = box.findText("hit count" if plain else "U-matrix")
        box.setCurrentIndex(index)
        box.blockSignals(False)
        self.controls.glyphs_check.setEnabled(glyphs)

    def _labels_wanted(self) -> bool:
        return (self.controls.labels_check.isChecked() and self._names is not None
                and self._geometry is not None
                and self._geometry[0] * self._geometry[1] <= MAX_LABELLED_UNITS)

    def _glyphs_wanted(self) -> bool:
        return self.controls.glyphs_check.isChecked() and self.map.glyph_shape is not None

    def _place_labels(self) -> None:
        if self._geometry is not None:
            self.map.place_labels(self._labels_wanted(), self._glyphs_wanted())

    def _trace_span(self) -> float | None:
        """Steps the motion trace covers while playing, 0 for a frame taken paused (see
        ``SpaceView.draw``), or None for no trace."""
        speed = self.transport.speed
        if not self.controls.trace_check.isChecked() or speed == MAX_SPEED \
                or speed > MAX_TRACE_SPEED:
            return None
        return TRACE_SECONDS * speed if self.runner.playing else 0.0

    # -- rendering ----------------------------------------------------------------------
    def render(self, snap: Mapping[str, Any]) -> None:
        if self.explained.holds(snap):  # a teach step draws it in stages
            self._map_stale = True
            return
        self._follow(snap)
        if self._dim == 2:
            self.space.draw(snap, self._trace_span())
        else:
            self.matrix.draw(np.asarray(snap["weights"]), snap["winner"])
        if snap["detail"] or self._map_stale:
            self._map_stale = False
            names = self._names if self._labels_wanted() else None
            self.map.draw(snap, self.controls.colouring.currentText(), names,
                          self._glyphs_wanted(), self._map_sample)
            if self._dim == 2:
                self.space.colour_data(snap)
            self.curves.draw(snap)
            self._show_info(snap)
        self.explained.draw(snap)

    def _show_info(self, snap: Mapping[str, Any]) -> None:
        winner = snap["winner"]
        epoch = min(int(snap["epoch"]) + (0 if snap["done"] else 1), int(snap["epochs"]))
        text = (f"epoch {epoch} of {snap['epochs']} · α = {snap['learning_rate']:.3g} · "
                f"R = {snap['radius']:.3g} · winner J = "
                f"{'–' if winner is None else int(winner) + 1} · "
                f"QE = {snap['quantization_error']:.4g} · {_topographic_error(snap)}"
                f"{_extension(snap)} · map: {self.map.value_range}")
        if text != self.info_label.text():
            self.info_label.setText(text)

    # -- theme --------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        font = self.info_label.font()
        font.setPointSize(theme.font_size)
        self.info_label.setFixedHeight(2 * QFontMetrics(font).lineSpacing() + 6)
        for view in (self.space, self.matrix, self.map, self.curves, self.explained):
            view.restyle(theme)
        if self._geometry is not None:
            self.set_title(self.map.plot, self.map.title())
        self._map_stale = True  # the cells' labels are wrapped anew for the font


def _step_epoch(sim: Any) -> int:
    """Run on the engine thread: the rest of the current epoch."""
    return sim.step_epoch()


def _extension(snap: Mapping[str, Any]) -> str:
    """The extended SOM's words for the info line: its ellipses, its memberships."""
    words = ""
    if snap["sigmas"] is not None:
        words += f" · ellipses D(j) = ({ELLIPSE_LEVEL:g}·QE)², det Σj = 1"
    u = snap["input_memberships"]
    if u is not None:
        words += (f" · fuzzy m = {snap['fuzzifier']:g}: u(J) = "
                  f"{float(u[int(snap['winner'])]):.2f}")
    return words


def _topographic_error(snap: Mapping[str, Any]) -> str:
    """TE as shown: a map whose units have no neighbours has no topology to keep."""
    if snap["topology"] == "none":
        return "TE – (no topology)"
    return f"TE = {snap['topographic_error']:.3g}"
