"""The LVQ tab: labelled prototypes learning to classify (LVQ1 and LVQ2.1).

2-D data: the decision regions (each prototype's Voronoi cell, coloured by its class), the
vectors coloured by class with the misclassified ones crossed out, the prototypes (stars),
the current vector and the moves of the step.  Other data (the letters, Fausett's four-
component example): the prototypes and the vectors as tiles (9×7 glyphs, or strips with
their values).  Beside them the accuracy per epoch and the distances ‖x − w_j‖ of the step.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..panel import SimulationPanel
from ..theme import Theme
from ..widgets import set_stretch
from .competitive import (
    TileView,
    bars,
    class_colour,
    frame_pens,
    set_bars,
    stacked_view,
    style_curve,
    style_ring,
    style_texts,
)
from .lvq_explain import LVQExplanation

__all__ = ["LVQPanel"]

#: Prototypes up to which each carries its number on the plane and on the bars' axis.
MAX_NAMED_PROTOTYPES = 14


class LVQPanel(SimulationPanel):
    """Decision regions or glyphs, accuracy per epoch, distances of the current step."""

    model = "lvq"
    default_speed = 2
    hidden_params = ("data", "targets", "initial_prototypes", "prototype_classes")

    def init_state(self) -> None:
        self._data: np.ndarray | None = None  # the snapshot's data shown (new on a reset)
        self._planar = True
        self._classes: tuple[str, ...] = ()
        self._acc_low = 1.0

    # -- view ------------------------------------------------------------------------
    def build_view(self) -> Generator[None, None, QWidget]:
        holder, self.stack, side, self.info = stacked_view("lvq-info")

        plane_page = pg.GraphicsLayoutWidget()
        self.stack.addWidget(plane_page)
        self.plane = self.add_plot(None, "Decision regions",
                                   left="x<sub>2</sub>", bottom="x<sub>1</sub>")
        plane_page.addItem(self.plane)
        self.plane.setMouseEnabled(x=False, y=False)
        self.region_item = pg.ImageItem(axisOrder="row-major")
        self.samples_item = pg.ScatterPlotItem(symbol="o")
        self.wrong_item = pg.ScatterPlotItem(symbol="x")
        self.toward_lines = pg.PlotDataItem(connect="pairs")
        self.away_lines = pg.PlotDataItem(connect="pairs")
        self.ghost_item = pg.ScatterPlotItem(symbol="star")
        self.proto_item = pg.ScatterPlotItem(symbol="star")
        self.current_item = pg.ScatterPlotItem(symbol="o")
        for item in (self.region_item, self.samples_item, self.wrong_item, self.toward_lines,
                     self.away_lines, self.ghost_item, self.proto_item, self.current_item):
            self.plane.addItem(item)
        self.proto_labels: list[pg.TextItem] = []

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        tiles_page = pg.GraphicsLayoutWidget()
        self.stack.addWidget(tiles_page)
        self.protos = TileView(self, "Prototypes w<sub>j</sub>", ("toward", "away", "near"))
        self.input_tile = TileView(self, "Input x")
        self.samples = TileView(self, "The data → predicted class", ("wrong", "input"))
        top = tiles_page.addLayout(row=0, col=0)
        top.addItem(self.protos.plot, row=0, col=0)
        top.addItem(self.input_tile.plot, row=0, col=1)
        top.layout.setColumnStretchFactor(0, 2)
        top.layout.setColumnStretchFactor(1, 1)
        self.input_tile.plot.setPreferredWidth(10)  # the room left over goes 2 : 1
        tiles_page.addItem(self.samples.plot, row=1, col=0)
        set_stretch(tiles_page, rows=(1, 1))

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.accuracy_plot = self.add_plot(side, "Accuracy", row=0, col=0, left="accuracy",
                                           bottom="epoch")
        self.accuracy_plot.setMouseEnabled(x=False, y=False)
        self.accuracy_curve = pg.PlotDataItem(symbol="o")
        self.accuracy_now = pg.ScatterPlotItem(symbol="o")
        self.accuracy_plot.addItem(self.accuracy_curve)
        self.accuracy_plot.addItem(self.accuracy_now)
        self.distance_plot = self.add_plot(side, "Distances ‖x − w<sub>j</sub>‖", row=1,
                                           col=0, left="distance", bottom="prototype j")
        self.distance_plot.setMouseEnabled(x=False, y=False)
        self.distance_bars = bars(self.distance_plot)
        self.explain = LVQExplanation(self).explain  # read-outs under the mouse
        return holder

    # -- what the snapshot brings --------------------------------------------------------
    def _follow(self, snap: Mapping[str, Any]) -> None:
        """Take the data from ``snap`` when it is new (after a reset)."""
        data = snap["data"]
        if data is self._data:
            return
        self._data = data
        self._classes = tuple(snap["classes"])
        targets = np.asarray(snap["targets"])
        self._planar = data.shape[1] == 2
        self.stack.setCurrentIndex(0 if self._planar else 1)
        k = len(snap["prototypes"])
        if self._planar:
            self.samples_item.setData(data[:, 0], data[:, 1],
                                      brush=[pg.mkBrush(class_colour(t, 0.9)) for t in targets])
            x0, x1, y0, y1 = snap["region_box"]
            self._region_rect = pg.QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
            self.region_item.clear()
            self.plane.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
            for label in self.proto_labels:
                self.plane.removeItem(label)
            self.proto_labels = []
            if k <= MAX_NAMED_PROTOTYPES:
                for _ in range(k):
                    label = pg.TextItem(anchor=(-0.25, 1.1))
                    self.plane.addItem(label)
                    self.proto_labels.append(label)
        else:
            self._layout_tiles(snap)
        axis = self.distance_plot.getAxis("bottom")
        classes = np.asarray(snap["prototype_classes"])
        axis.setTicks([[(j + 1, f"{j + 1}") if k > 7 or self.theme.name == "lecture"
                        else (j + 1, f"{j + 1} ({self._classes[c]})")
                        for j, c in enumerate(classes)]] if k <= MAX_NAMED_PROTOTYPES else None)
        self.distance_plot.setXRange(0.4, k + 0.6, padding=0)
        self._acc_low = 1.0
        self._restyle_items()

    def _layout_tiles(self, snap: Mapping[str, Any]) -> None:
        data = snap["data"]
        n = data.shape[1]
        low, high = float(min(0.0, data.min())), float(max(1.0, data.max()))
        self.protos.set_layout(len(snap["prototypes"]), n, (low, high))
        self.input_tile.set_layout(1, n, (low, high))
        self.samples.set_layout(len(data), n, (low, high))

    # -- rendering ----------------------------------------------------------------------
    def render(self, snap: Mapping[str, Any]) -> None:
        self._follow(snap)
        if self._planar:
            self._draw_plane(snap)
        else:
            self._draw_tiles(snap)
        self._draw_accuracy(snap)
        self._draw_distances(snap)
        epoch = snap["step_epoch"] or 1
        alpha = snap["step_learning_rate"] if snap["step_learning_rate"] is not None \
            else snap["learning_rate"]
        text = (f"{snap['variant'].upper()} · epoch {epoch} of {snap['epochs']} · "
                f"α = {alpha:.3g} · {snap['rule']}")
        if text != self.info.text():
            self.info.setText(text)

    def _draw_plane(self, snap: Mapping[str, Any]) -> None:
        region, units = snap["region"], snap["region_units"]
        if region is not None:
            rgba = self._region_colours[np.asarray(region)]
            units = np.asarray(units)
            edge = np.zeros(units.shape, dtype=bool)
            edge[:, 1:] |= units[:, 1:] != units[:, :-1]
            edge[1:, :] |= units[1:, :] != units[:-1, :]
            rgba[edge] = (70, 70, 70, 150)
            self.region_item.setImage(rgba, autoLevels=False)
            self.region_item.setRect(self._region_rect)  # (only once it holds an image)
        data = snap["data"]
        wrong = np.asarray(snap["misclassified"], dtype=int)
        self.wrong_item.setData(data[wrong, 0], data[wrong, 1])
        w = np.asarray(snap["prototypes"])
        classes = np.asarray(snap["prototype_classes"])
        self.proto_item.setData(w[:, 0], w[:, 1],
                                brush=[pg.mkBrush(class_colour(c)) for c in classes])
        for j, label in enumerate(self.proto_labels):
            label.setText(str(j + 1))
            label.setPos(w[j, 0], w[j, 1])
        x = snap["input"]
        moved = np.asarray(snap["moved"], dtype=int)
        signs = np.asarray(snap["move_signs"])
        if x is None:
            self.current_item.setData([], [])
            for item in (self.toward_lines, self.away_lines, self.ghost_item):
                item.setData([], [])
            return
        self.current_item.setData([x[0]], [x[1]])
        for item, sign in ((self.toward_lines, 1.0), (self.away_lines, -1.0)):
            ends = np.asarray(snap["moved_to"])[signs == sign] if moved.size else np.empty((0, 2))
            pts = np.empty((2 * len(ends), 2))
            pts[0::2], pts[1::2] = x, ends
            item.setData(pts[:, 0], pts[:, 1])
        before = np.asarray(snap["moved_from"]) if moved.size else np.empty((0, 2))
        self.ghost_item.setData(before[:, 0], before[:, 1])

    def _draw_tiles(self, snap: Mapping[str, Any]) -> None:
        names = self._classes
        classes = np.asarray(snap["prototype_classes"])
        strips = self.protos.strips
        self.protos.show(snap["prototypes"], [f"w{j + 1}, class {names[c]}" if strips else
                                              f"{j + 1}: {names[c]}"
                                              for j, c in enumerate(classes)])
        moved = np.asarray(snap["moved"], dtype=int)
        signs = np.asarray(snap["move_signs"])
        self.protos.frame("toward", moved[signs > 0] if moved.size else [])
        self.protos.frame("away", moved[signs < 0] if moved.size else [])
        near = [u for u in (snap["winner"], snap["runner_up"]) if u is not None and u not in moved]
        self.protos.frame("near", near)
        predicted = np.asarray(snap["predicted"])
        targets = np.asarray(snap["targets"])
        labels = snap["labels"]
        self.samples.show(snap["data"], [(f"{labels[i]} → {names[p]}" if strips else
                                          f"→{names[p]}") + ("" if p == t else " ✗")
                                         for i, (p, t) in enumerate(zip(predicted, targets))])
        self.samples.frame("wrong", np.asarray(snap["misclassified"], dtype=int))
        i = snap["input_index"]
        self.samples.frame("input", [] if i is None else [i])
        if i is None:
            self.input_tile.show(np.empty((0, snap["data"].shape[1])))
            self.set_title(self.input_tile.plot, "Input x")
        else:
            self.input_tile.show(np.asarray(snap["input"])[None, :])
            self.set_title(self.input_tile.plot, f"{snap['labels'][i]}, class "
                           f"{names[snap['target']]}")

    def _draw_accuracy(self, snap: Mapping[str, Any]) -> None:
        epochs = np.concatenate([[0], np.asarray(snap["history_epoch"], dtype=float)])
        acc = np.concatenate([[snap["initial_accuracy"]], np.asarray(snap["history_accuracy"])])
        self.accuracy_curve.setData(epochs, acc)
        now = float(snap["accuracy"])
        at = snap["detail_step"]
        per_epoch = max(1, int(snap["samples_per_epoch"]))
        self.accuracy_now.setData([at / per_epoch], [now])
        low = min(float(acc.min()), now)
        if low < self._acc_low:
            self._acc_low = max(0.0, np.floor(low * 10 - 0.5) / 10)
            self.accuracy_plot.setYRange(self._acc_low, 1.0, padding=0.04)
        self.accuracy_plot.setXRange(0, max(1, int(snap["epochs"])), padding=0.03)
        self.set_title(self.accuracy_plot, f"Accuracy {100 * now:.1f} %")

    def _draw_distances(self, snap: Mapping[str, Any]) -> None:
        d = snap["distances"]
        if d is None:
            set_bars(self.distance_bars, [], [])
            self.set_title(self.distance_plot, "Distances ‖x − w<sub>j</sub>‖")
            return
        d = np.asarray(d)
        classes = np.asarray(snap["prototype_classes"])
        pens = [pg.mkPen(self.theme.foreground, width=1)] * d.size
        pens = list(pens)
        pens[snap["winner"]] = self._pens["winner"]
        if snap["runner_up"] is not None:
            pens[snap["runner_up"]] = self._pens["near"]
        set_bars(self.distance_bars, d, [pg.mkBrush(class_colour(c, 0.85)) for c in classes],
                 pens)
        self.distance_plot.setYRange(0, max(float(d.max()), 1e-9) * 1.08, padding=0)
        title = "Distances ‖x − w<sub>j</sub>‖"
        if snap["window_ratio"] is not None:
            bound = (1 - snap["window"]) / (1 + snap["window"])
            sign = ">" if snap["in_window"] else "≤"
            title = f"d1/d2 {snap['window_ratio']:.2f} {sign} {bound:.2f}"
        self.set_title(self.distance_plot, title)

    # -- theme --------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        self._pens = frame_pens(theme)
        for view in (self.protos, self.samples, self.input_tile):
            view.restyle(theme, {role: self._pens[role] for role in view.frames})
        self._restyle_items()
        style_curve(self.accuracy_curve, self.accuracy_now, theme)
        if self._data is not None and not self._planar and self.snapshot is not None:
            self._layout_tiles(self.snapshot)  # more room for the labels' bigger font

    def _restyle_items(self) -> None:
        theme = self.theme
        lecture = theme.name == "lecture"
        alpha = 0.3 if lecture else 0.22
        self._region_colours = np.array([[*class_colour(k).getRgb()[:3], int(255 * alpha)]
                                         for k in range(max(1, len(self._classes)))],
                                        dtype=np.ubyte)
        size = theme.symbol_size
        self.samples_item.setSize(size)
        self.samples_item.setPen(pg.mkPen(theme.background, width=0.8))
        self.wrong_item.setSize(size * 1.7)
        self.wrong_item.setPen(pg.mkPen("#B03A00", width=2.5 if lecture else 1.6))
        self.wrong_item.setBrush(pg.mkBrush("#B03A00"))
        self.proto_item.setSize(size * 3.2)
        self.proto_item.setPen(pg.mkPen(theme.foreground, width=2 if lecture else 1.4))
        self.ghost_item.setSize(size * 3.2)
        self.ghost_item.setBrush(pg.mkBrush(None))
        self.ghost_item.setPen(pg.mkPen(theme.foreground, width=1.2,
                                        style=Qt.PenStyle.DotLine))
        style_ring(self.current_item, theme, size * 2.6)
        self.toward_lines.setPen(theme.pen("accent", theme.line_width))
        self.away_lines.setPen(theme.pen("winner", theme.line_width, style=Qt.PenStyle.DashLine))
        style_texts(self.proto_labels, theme, theme.font_size, bold=True)
