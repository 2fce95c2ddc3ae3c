"""The counterpropagation tab: a Kohonen layer, then an outstar layer, as a lookup table.

A function y = f(x): the training pairs, f itself (dashed), the net's output as a staircase
(one step per cluster unit), the cluster units as triangles on the x axis with the borders
of their cells, and the step's pair, winner and moves.  The letters: each cluster unit's
weights as a 9×7 glyph with the letters it wins, the outstar weights as a matrix (units ×
code), the current letter and its code against the net's.  Beside them the error per epoch
(phase 1, then phase 2) and how often each unit won in this phase.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..panel import SimulationPanel
from ..theme import Theme, color
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
    wrap_names,
)
from .counterpropagation_explain import CounterpropagationExplanation

__all__ = ["CounterpropagationPanel"]

#: The outstar matrix writes its values in its cells up to this many cells.
MAX_NUMBERED_CELLS = 64
_LUT = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False).astype(np.ubyte)


class CounterpropagationPanel(SimulationPanel):
    """The staircase (functions) or the lookup of letters to codes, the error, the wins."""

    model = "counterpropagation"
    default_speed = 100

    def init_state(self) -> None:
        self._data: np.ndarray | None = None  # the snapshot's pairs shown (new on a reset)
        self._function = True
        self._cell_texts: list[pg.TextItem] = []

    # -- view ------------------------------------------------------------------------
    def build_view(self) -> Generator[None, None, QWidget]:
        holder, self.stack, side, self.info = stacked_view("counterpropagation-info")

        page = pg.GraphicsLayoutWidget()
        self.stack.addWidget(page)
        self.curve_plot = self.add_plot(page, "The net's output", row=0, col=0, left="y",
                                        bottom="x")
        self.curve_plot.setMouseEnabled(x=False, y=False)
        self.samples_item = pg.ScatterPlotItem(symbol="o")
        self.target_curve = pg.PlotDataItem()
        self.cell_lines = pg.PlotDataItem(connect="pairs")
        self.staircase = pg.PlotDataItem()
        self.units_item = pg.ScatterPlotItem(symbol="o")
        self.rug_item = pg.ScatterPlotItem(symbol="t1")
        self.move_lines = pg.PlotDataItem(connect="pairs")
        self.current_item = pg.ScatterPlotItem(symbol="o")
        self.winner_item = pg.ScatterPlotItem(symbol="t1")
        for item in (self.cell_lines, self.samples_item, self.target_curve, self.staircase,
                     self.units_item, self.rug_item, self.move_lines, self.winner_item,
                     self.current_item):
            self.curve_plot.addItem(item)

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        page = pg.GraphicsLayoutWidget()
        self.stack.addWidget(page)
        self.clusters = TileView(self, "Clusters v<sub>j</sub>, letters won", ("winner",))
        page.addItem(self.clusters.plot, row=0, col=0)
        # (in the side column, in the place of the wins, for the letters)
        self.outstar_plot = self.add_plot(None, "Outstar w<sub>j</sub>",
                                          left="unit j", bottom="code")
        self.outstar_plot.hide()
        self.outstar_plot.setMouseEnabled(x=False, y=False)
        self.outstar_plot.getViewBox().invertY(True)
        self.outstar_item = pg.ImageItem(axisOrder="row-major")
        self.outstar_item.setLookupTable(_LUT)
        self.outstar_frame = pg.PlotDataItem()
        self.outstar_plot.addItem(self.outstar_item)
        self.outstar_plot.addItem(self.outstar_frame)
        self.code_plot = self.add_plot(None, "Code y and w<sub>J</sub>", bottom="code")
        page.addItem(self.code_plot, row=0, col=1)
        self.code_plot.setMouseEnabled(x=False, y=False)
        self.code_bars = bars(self.code_plot)
        self.target_bars = bars(self.code_plot)
        set_stretch(page, cols=(3, 1))

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.error_plot = self.add_plot(side, "Error", row=0, col=0, left="mean |error|",
                                        bottom="epoch")
        self.error_plot.setMouseEnabled(x=False, y=False)
        self.error_curve = pg.PlotDataItem(symbol="o")
        self.error_now = pg.ScatterPlotItem(symbol="o")
        # phase 1 leaves the outputs (and the error) as they are: what it improves is the
        # quantization error of the cluster units, drawn dashed beside it
        self.qe_curve = pg.PlotDataItem()
        self.qe_text = pg.TextItem("QE", anchor=(1.0, 1.0))  # at the right end, above
        self.phase_line = pg.InfiniteLine(angle=90, movable=False)
        self.phase_text = pg.TextItem(anchor=(0, 0))
        for item in (self.qe_curve, self.error_curve, self.error_now, self.phase_line):
            self.error_plot.addItem(item)
        self.error_plot.addItem(self.phase_text, ignoreBounds=True)
        self.error_plot.addItem(self.qe_text, ignoreBounds=True)
        self.wins_plot = self.add_plot(side, "Wins per unit", row=1, col=0, left="wins",
                                       bottom="unit j")
        self.wins_plot.setMouseEnabled(x=False, y=False)
        self.wins_bars = bars(self.wins_plot)
        self._side, self._side_plot = side, self.wins_plot
        self.explain = CounterpropagationExplanation(self).explain  # read-outs under the mouse
        return holder

    def _show_side(self, plot: pg.PlotItem) -> None:
        """The wins (a function) or the outstar weights (the letters) under the error."""
        if plot is not self._side_plot:
            self._side.removeItem(self._side_plot)
            self._side_plot.hide()
            self._side.addItem(plot, row=1, col=0)
            plot.show()
            self._side_plot = plot

    # -- what the snapshot brings --------------------------------------------------------
    def _follow(self, snap: Mapping[str, Any]) -> None:
        data = snap["data"]
        if data is self._data:
            return
        self._data = data
        self._function = snap["function"] is not None
        self.stack.setCurrentIndex(0 if self._function else 1)
        self._show_side(self.wins_plot if self._function else self.outstar_plot)
        m = len(snap["cluster_weights"])
        if self._function:
            targets = np.asarray(snap["targets"])[:, 0]
            self.samples_item.setData(data[:, 0], targets)
            self.target_curve.setData(snap["curve_x"], snap["curve_target"])
            low, high = float(np.min(snap["curve_target"])), float(np.max(snap["curve_target"]))
            span = max(high - low, 1e-9)
            self._rug = low - 0.1 * span
            x0, x1 = snap["domain"]
            self.curve_plot.setRange(xRange=(x0, x1), yRange=(low - 0.14 * span,
                                                              high + 0.05 * span), padding=0.02)
            self.set_title(self.curve_plot, f"{snap['function']}, {m} cluster units")
        else:
            self._layout_letters(snap)
        self.wins_plot.setXRange(0.4, m + 0.6, padding=0)
        phase1 = int(snap["epochs_phase1"])
        self.phase_line.setValue(phase1)
        self.error_plot.setXRange(0, phase1 + int(snap["epochs_phase2"]), padding=0.03)
        self._error_top = 0.0

    def _layout_letters(self, snap: Mapping[str, Any]) -> None:
        m = len(snap["cluster_weights"])
        names = snap["output_names"]
        self.clusters.set_layout(m, snap["data"].shape[1],
                                 label_lines=self.clusters.label_lines_for(3))
        self.outstar_plot.getAxis("bottom").setTicks([list(enumerate(names))])
        self.outstar_plot.getAxis("left").setTicks(
            [[(j, str(j + 1)) for j in range(m)]] if m <= 30 else None)
        self.outstar_item.setImage(np.zeros((m, len(names)), np.float32), autoLevels=False)
        self.outstar_item.setRect(pg.QtCore.QRectF(-0.5, -0.5, len(names), m))
        self.outstar_plot.setRange(xRange=(-0.5, len(names) - 0.5), yRange=(-0.5, m - 0.5),
                                   padding=0.02)
        for text in self._cell_texts:
            self.outstar_plot.removeItem(text)
        self._cell_texts = []
        if m * len(names) <= MAX_NUMBERED_CELLS and (self.theme.name == "normal" or
                                                     len(names) <= 4):
            for j in range(m):
                for k in range(len(names)):
                    text = pg.TextItem(anchor=(0.5, 0.5))
                    text.setPos(k, j)
                    self.outstar_plot.addItem(text)
                    self._cell_texts.append(text)
        self.code_plot.getAxis("bottom").setTicks([[(k + 1, n) for k, n in enumerate(names)]])
        low = -1.0 if np.min(snap["targets"]) < 0 else 0.0
        self._levels = (low, 1.0)
        self.code_plot.setRange(xRange=(0.4, len(names) + 0.6), yRange=(low, 1.0),
                                padding=0.05)
        self._restyle_texts()

    # -- rendering ----------------------------------------------------------------------
    def render(self, snap: Mapping[str, Any]) -> None:
        self._follow(snap)
        if self._function:
            self._draw_function(snap)
        else:
            self._draw_letters(snap)
        self._draw_error(snap)
        wins = np.asarray(snap["wins"], dtype=float)
        winner = snap["winner"]
        set_bars(self.wins_bars, wins, [self.theme.brush("winner" if j == winner else "primary",
                                                         0.85) for j in range(wins.size)])
        self.wins_plot.setYRange(0, max(1.0, float(wins.max())) * 1.08, padding=0)
        self.set_title(self.wins_plot, f"Wins in phase {snap['phase']}")
        i = snap["input_index"]
        phase = snap["step_phase"] or snap["phase"]
        epoch = snap["step_epoch"] or 1
        alpha = snap["alpha"] if i is None else snap["step_alpha"]
        beta = snap["beta"] if i is None else snap["step_beta"]
        step = "" if i is None else f" · x = {snap['labels'][i]} → J = {winner + 1}"
        text = (f"phase {phase} of 2 ({'clustering' if phase == 1 else 'outstar'}) · epoch "
                f"{epoch} of {snap[f'epochs_phase{phase}']} · α = {alpha:.3g} · "
                f"β = {beta:.3g}{step} · error {snap['error']:.4g}")
        if snap["lookup_accuracy"] is not None:
            text += f" · letters looked up right: {100 * snap['lookup_accuracy']:.0f} %"
        if text != self.info.text():
            self.info.setText(text)

    def _draw_function(self, snap: Mapping[str, Any]) -> None:
        if snap["curve_y"] is not None:
            self.staircase.setData(snap["curve_x"], snap["curve_y"])
        v = np.asarray(snap["cluster_weights"])[:, 0]
        w = np.asarray(snap["outstar_weights"])[:, 0]
        self.rug_item.setData(v, np.full(v.size, self._rug))
        self.units_item.setData(v, w) if snap["phase"] == 2 else self.units_item.setData([], [])
        x0, x1 = snap["domain"]
        cuts = np.sort(v)
        cuts = (cuts[1:] + cuts[:-1]) / 2
        cuts = cuts[(cuts > x0) & (cuts < x1)]
        top = self.curve_plot.viewRange()[1][1]
        self.cell_lines.setData(np.repeat(cuts, 2), np.tile([self._rug, top], cuts.size))
        j = snap["winner"]
        if j is None:
            for item in (self.current_item, self.winner_item, self.move_lines):
                item.setData([], [])
            return
        x, y = float(snap["input"][0]), float(snap["target"][0])
        self.current_item.setData([x], [y])
        self.winner_item.setData([v[j]], [self._rug])
        old_v, old_w = float(snap["cluster_before"][0]), float(snap["outstar_before"][0])
        xs, ys = [old_v, v[j]], [self._rug, self._rug]
        if snap["phase"] == 2:
            xs += [v[j], v[j]]
            ys += [old_w, w[j]]
        self.move_lines.setData(xs, ys)

    def _draw_letters(self, snap: Mapping[str, Any]) -> None:
        names, labels = snap["output_names"], snap["labels"]
        v = np.asarray(snap["cluster_weights"])
        w = np.asarray(snap["outstar_weights"])
        per_line = self.clusters.names_per_line(labels[0])
        owned = [[labels[i] for i in np.flatnonzero(np.asarray(snap["data_winners"]) == j)]
                 for j in range(len(v))]
        texts = [f"{j + 1}" + (f" → {names[int(np.argmax(w[j]))]}" if snap["phase"] == 2
                               else "") + "\n" + wrap_names(owned[j], per_line,
                                                            self.clusters.label_lines - 1)
                 for j in range(len(v))]
        self.clusters.show(v, texts)
        j = snap["winner"]
        self.clusters.frame("winner", [] if j is None else [j])
        self.outstar_item.setImage(w.astype(np.float32), levels=self._levels, autoLevels=False)
        self.outstar_item.setRect(pg.QtCore.QRectF(-0.5, -0.5, w.shape[1], w.shape[0]))
        middle = sum(self._levels) / 2
        for k, text in enumerate(self._cell_texts):
            value = float(w.flat[k])
            text.setText(f"{value:.1f}")
            text.setColor("#1A1A1A" if value > middle else "#FFFFFF")
        if j is None:
            self.outstar_frame.setData([], [])
            set_bars(self.code_bars, [], [])
            set_bars(self.target_bars, [], [])
            self.set_title(self.code_plot, "y and w<sub>J</sub>" if self.theme.name == "lecture"
                           else "Code y and w<sub>J</sub>")
            return
        p = w.shape[1]
        self.outstar_frame.setData([-0.5, p - 0.5, p - 0.5, -0.5, -0.5],
                                   [j - 0.5, j - 0.5, j + 0.5, j + 0.5, j - 0.5])
        set_bars(self.code_bars, w[j], [class_colour(k, 0.8) for k in range(p)])
        set_bars(self.target_bars, snap["target"], [pg.mkBrush(None)] * p,
                 [self._pens["winner"]] * p)
        name = "y" if self.theme.name == "lecture" else f"y({labels[snap['input_index']]})"
        self.set_title(self.code_plot, f"{name} ▭ w<sub>{j + 1}</sub> ▮")

    def _draw_error(self, snap: Mapping[str, Any]) -> None:
        epochs = np.concatenate([[0], np.asarray(snap["history_epoch"], dtype=float)])
        error = np.concatenate([[snap["initial_error"]], np.asarray(snap["history_error"])])
        self.error_curve.setData(epochs, error)
        qe = np.concatenate([[snap["initial_quantization_error"]],
                             np.asarray(snap["history_quantization_error"])])
        self.qe_curve.setData(epochs, qe)
        end = int(snap["epochs_phase1"]) + int(snap["epochs_phase2"])
        self.qe_text.setPos(float(end), float(qe[-1]))
        done = int(snap["detail_step"]) / max(1, int(snap["samples_per_epoch"]))  # epochs
        self.error_now.setData([done], [snap["error"]])
        top = max(float(error.max()), float(qe.max()), float(snap["error"]), 1e-9) * 1.08
        if top > self._error_top:
            self._error_top = top
            self.error_plot.setYRange(0, top, padding=0)
            self.phase_text.setPos(int(snap["epochs_phase1"]), top)
        self.set_title(self.error_plot, f"Error {snap['error']:.4g}")

    # -- theme --------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        self._pens = frame_pens(theme)
        self.clusters.restyle(theme, {"winner": self._pens["winner"]})
        self.set_title(self.clusters.plot, "Clusters v<sub>j</sub>" if theme.name == "lecture"
                       else "Clusters v<sub>j</sub>, letters won")
        # (the glyphs take what is left)
        self.code_plot.setMinimumWidth(220 if theme.name == "lecture" else 180)
        size = theme.symbol_size
        self.samples_item.setSize(size * 0.8)
        self.samples_item.setBrush(theme.brush("muted", 0.6))
        self.samples_item.setPen(None)
        self.target_curve.setPen(theme.pen("accent", theme.thin_width,
                                           style=Qt.PenStyle.DashLine))
        self.staircase.setPen(theme.pen("primary", theme.line_width))
        self.units_item.setSize(size * 1.4)
        self.units_item.setBrush(theme.brush("primary"))
        self.units_item.setPen(pg.mkPen(theme.background, width=1))
        self.rug_item.setSize(size * 1.8)
        self.rug_item.setBrush(theme.brush("secondary"))
        self.rug_item.setPen(pg.mkPen(theme.foreground, width=1))
        self.winner_item.setSize(size * 2.4)
        self.winner_item.setBrush(theme.brush("winner"))
        self.winner_item.setPen(pg.mkPen(theme.foreground, width=1))
        style_ring(self.current_item, theme, size * 2.4)
        self.move_lines.setPen(theme.pen("winner", theme.line_width))
        self.cell_lines.setPen(theme.pen("muted", 1.0, alpha=0.6, style=Qt.PenStyle.DotLine))
        style_curve(self.error_curve, self.error_now, theme)
        self.qe_curve.setPen(theme.pen("secondary", theme.line_width, style=Qt.PenStyle.DashLine))
        self.phase_line.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DashLine))
        self.phase_text.setText(" phase 2 →")
        self.outstar_frame.setPen(self._pens["winner"])
        self._restyle_texts()
        if self._data is not None and not self._function and self.snapshot is not None:
            self._layout_letters(self.snapshot)

    def _restyle_texts(self) -> None:
        style_texts([self.phase_text], self.theme, self.theme.font_size)
        style_texts([self.qe_text], self.theme, self.theme.font_size,
                    colour=color("secondary"))
        style_texts(self._cell_texts, self.theme, bold=True)
