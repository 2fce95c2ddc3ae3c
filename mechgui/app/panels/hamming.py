"""Hamming net panel: exemplars and input as pixel grids, similarity bars, the MaxNet race.

Top: every exemplar e(j) as a tile of one mosaic image (bipolar pixels, fixed
levels −1…1) with its label and a frame around the winner, next to the current
input x as its own grid, on which a click flips a pixel (a drag paints).
Bottom: the similarity layer y_in,j = n − HammingDistance(x, e(j)) as bars with
a reference line at n, and the MaxNet activations animating until one wins.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParamSet
from mechgui.engine.data import LETTER_COLS, LETTER_ROWS, load_letters

from ..explain import stacked, teach_box
from ..panel import SimulationPanel
from ..theme import Theme, color
from ..widgets import DrawViewBox, bar_edges, warning_banner
from .hamming_explain import HammingExplanation

__all__ = ["HammingPanel", "grid_shape", "exemplar_labels", "mosaic"]

#: Exemplars up to which each bar carries its value as text.
MAX_VALUE_LABELS = 16
#: Exemplars up to which each tile of the mosaic carries its label.
MAX_TILE_LABELS = 60
#: Exemplars up to which the bars' axis names every exemplar.
MAX_BAR_TICKS = 30
#: Gap between tiles of the mosaic, in pixels.
GAP = 1

#: Off (−1) = light grey, on (+1) = near black; NaN (gaps) are drawn transparent.
_LUT = np.array([[236, 239, 243, 255], [26, 26, 26, 255]], dtype=np.ubyte)


def grid_shape(n: int) -> tuple[int, int]:
    """Rows × columns in which a pattern of n components is drawn.

    63 → 9 × 7 (the letters of Fig. 4.9); a perfect square of at least 9 → √n × √n;
    anything else (Example 4.3's four components included) → one row of n.
    """
    if n == LETTER_ROWS * LETTER_COLS:
        return LETTER_ROWS, LETTER_COLS
    root = math.isqrt(n)
    if root * root == n and n >= 9:
        return root, root
    return 1, n


def exemplar_labels(exemplars: np.ndarray) -> list[str]:
    """The letters' names (A1 … K3) where the rows are letters of Fig. 4.9, else e(1), e(2), …"""
    exemplars = np.asarray(exemplars, dtype=float)
    m, n = exemplars.shape
    names = [f"e({j + 1})" for j in range(m)]
    if n != LETTER_ROWS * LETTER_COLS:
        return names
    letters, patterns = load_letters(bipolar=True)
    for j, row in enumerate(exemplars):
        matches = [letters[i] for i in np.flatnonzero((patterns == row).all(axis=1))]
        if matches:  # D1 and D3 are the same pattern: prefer the name at this position
            names[j] = letters[j] if j < len(letters) and letters[j] in matches else matches[0]
    return names


def mosaic_columns(m: int, shape: tuple[int, int]) -> int:
    """Tiles per row of the mosaic."""
    rows, cols = shape
    if rows == 1:
        return max(1, math.ceil(m / 24))  # strips: stacked like the matrix of exemplars
    if m == 21:
        return 7  # the letters: A … K across, the three fonts down (Fig. 4.9)
    return max(1, min(m, round(math.sqrt(m * 2.0 * rows / cols))))


def mosaic(exemplars: np.ndarray, shape: tuple[int, int], columns: int,
           gap_rows: int = GAP) -> np.ndarray:
    """One float32 image (row-major) holding every exemplar as a tile; NaN between tiles.

    Tiles are ``GAP`` pixels apart side by side and ``gap_rows`` pixels apart
    from one row of tiles to the next (room for their labels).
    """
    exemplars = np.asarray(exemplars, dtype=np.float32)
    m = exemplars.shape[0]
    rows, cols = shape
    tile_rows = math.ceil(m / columns)
    image = np.full((tile_rows * (rows + gap_rows) - gap_rows, columns * (cols + GAP) - GAP),
                    np.nan, dtype=np.float32)
    for j in range(m):
        r, c = divmod(j, columns)
        top, left = r * (rows + gap_rows), c * (cols + GAP)
        image[top:top + rows, left:left + cols] = exemplars[j].reshape(rows, cols)
    return image


def _vector_text(v: np.ndarray) -> str:
    return "(" + ", ".join(f"{int(x)}" for x in v) + ")"


class HammingPanel(SimulationPanel):
    """Exemplar mosaic, input grid, y_in bars and the MaxNet activations."""

    model = "hamming"
    default_speed = 5

    # -- view ------------------------------------------------------------------------
    def build_view(self) -> Generator[None, None, QWidget]:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        self.warning_label = warning_banner("epsilon-warning")
        col.addWidget(self.warning_label)
        self.graphics = pg.GraphicsLayoutWidget()
        col.addWidget(self.graphics, 1)
        self.winners_label = QLabel()
        self.winners_label.setObjectName("winners-label")
        self.winners_label.setWordWrap(True)
        self.winners_label.setTextFormat(Qt.TextFormat.RichText)
        col.addWidget(self.winners_label)

        # exemplar mosaic
        self.mosaic_plot = self.add_plot(self.graphics, "Exemplars e(j)", row=0, col=0)
        self._grid_plot_setup(self.mosaic_plot)
        self.mosaic_item = pg.ImageItem(axisOrder="row-major")
        self.mosaic_item.setLookupTable(_LUT)
        self.mosaic_plot.addItem(self.mosaic_item)
        self.leader_frame = pg.PlotDataItem()
        self.winner_frame = pg.PlotDataItem()
        self.mosaic_plot.addItem(self.leader_frame)
        self.mosaic_plot.addItem(self.winner_frame)
        self.tile_labels: list[pg.TextItem] = []

        # input grid (click flips a pixel, a drag paints)
        self.input_box = DrawViewBox()
        self.input_plot = self.add_plot(self.graphics, "Input x", row=0, col=1,
                                        view_box=self.input_box)
        self._grid_plot_setup(self.input_plot)
        self.input_item = pg.ImageItem(axisOrder="row-major")
        self.input_item.setLookupTable(_LUT)
        self.input_plot.addItem(self.input_item)
        self.pixel_lines = pg.PlotDataItem(connect="pairs")
        self.input_plot.addItem(self.pixel_lines)
        self.input_box.sigDraw.connect(self._paint)
        self.input_box.sigDrawFinished.connect(self._paint_done)
        self._painted: np.ndarray | None = None
        self._paint_value: float | None = None

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        # similarity layer y_in
        self.yin_plot = self.add_plot(self.graphics, "Similarity y<sub>in,j</sub> = n − H(x, e(j))",
                                      row=1, col=0, left="y<sub>in</sub>", bottom="exemplar j")
        self.yin_plot.setMouseEnabled(x=False, y=False)
        self.yin_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="y_in")
        self.yin_best = pg.PlotDataItem(stepMode="center", fillLevel=0, name="best match")
        self.yin_plot.addItem(self.yin_bars)
        self.yin_plot.addItem(self.yin_best)
        self.n_line = pg.InfiniteLine(angle=0, movable=False)
        self.yin_plot.addItem(self.n_line, ignoreBounds=True)
        self.n_text = pg.TextItem(anchor=(0, 1))
        self.yin_plot.addItem(self.n_text, ignoreBounds=True)
        self.yin_labels: list[pg.TextItem] = []

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        # MaxNet competition
        self.maxnet_plot = self.add_plot(self.graphics, "MaxNet y<sub>j</sub>", row=1, col=1,
                                         left="y<sub>j</sub>", bottom="exemplar j")
        self.maxnet_plot.setMouseEnabled(x=False, y=False)
        self.act_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="activation")
        self.leader_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="leader")
        self.winner_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="winner")
        for item in (self.act_bars, self.leader_bars, self.winner_bars):
            self.maxnet_plot.addItem(item)
        self.act_labels: list[pg.TextItem] = []

        layout = self.graphics.ci.layout
        layout.setRowStretchFactor(0, 1)
        layout.setRowStretchFactor(1, 1)
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)
        self._shape = (1, 1)
        self._columns = 1
        self._labels: list[str] = []
        self._exemplars = np.zeros((0, 0))
        self._gap = GAP
        self._yin_top = 1.0
        self.explained = HammingExplanation(self)
        self.explain = self.explained.explain
        return holder

    @staticmethod
    def _grid_plot_setup(plot: pg.PlotItem) -> None:
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.showGrid(x=False, y=False)
        vb = plot.getViewBox()
        vb.setAspectLocked(True)
        vb.invertY(True)
        vb.setMouseEnabled(x=False, y=False)
        vb.setMenuEnabled(True)

    def build_controls(self) -> QWidget:
        box = QGroupBox("Noisy input")
        col = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(QLabel("exemplar"))
        self.exemplar_combo = QComboBox()
        self.exemplar_combo.setObjectName("noisy-exemplar")
        self.exemplar_combo.setToolTip("The exemplar the noisy input starts from")
        row.addWidget(self.exemplar_combo, 1)
        col.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("noise"))
        self.noise_slider = QSlider(Qt.Orientation.Horizontal)
        self.noise_slider.setObjectName("noise-slider")
        self.noise_slider.setRange(0, 4)
        self.noise_slider.setToolTip("How many pixels (components) are flipped at random")
        row.addWidget(self.noise_slider, 1)
        self.noise_label = QLabel()
        self.noise_label.setMinimumWidth(70)
        row.addWidget(self.noise_label)
        col.addLayout(row)
        self.noise_slider.valueChanged.connect(self._show_noise)
        self.noisy_button = QPushButton("Make noisy input")
        self.noisy_button.setObjectName("make-noisy-input")
        self.noisy_button.setToolTip("Replace the inputs by the chosen exemplar with the chosen "
                                     "number of pixels flipped")
        self.noisy_button.clicked.connect(self.make_noisy_input)
        col.addWidget(self.noisy_button)
        hint = QLabel("Click a pixel of the input x to flip it (drag to paint). "
                      "Changing the inputs restarts from x(1).")
        hint.setWordWrap(True)
        col.addWidget(hint)
        self._rng = np.random.default_rng(43)
        self._show_noise(0)
        teach, self.teach_button = teach_box("an exemplar's bar or tile", "Play one input "
                                             "in stages: the similarity layer, then each "
                                             "MaxNet round until a unit wins")
        self.teach_button.clicked.connect(self.teach_step)
        return stacked(box, teach)

    @Slot()
    def teach_step(self) -> None:
        """One input through the net in stages (see :mod:`.hamming_explain`)."""
        if self.built:
            self.explained.teach_step()

    # -- controls -------------------------------------------------------------------------
    @Slot(int)
    def _show_noise(self, value: int) -> None:
        self.noise_label.setText(f"{value} pixel{'s' if value != 1 else ''}")

    def set_noise(self, pixels: int) -> None:
        self.noise_slider.setValue(pixels)

    @Slot()
    def make_noisy_input(self) -> bool:
        """Inputs := the chosen exemplar with exactly `noise` distinct pixels flipped."""
        exemplars = np.asarray(self.form.params.exemplars, dtype=float)
        j = max(0, self.exemplar_combo.currentIndex())
        x = exemplars[j].copy()
        k = min(self.noise_slider.value(), x.size)
        flip = self._rng.choice(x.size, size=k, replace=False)
        x[flip] = -x[flip]
        ok = self.submit_params(inputs=x[None, :])
        if ok:
            self.show_message(f"Input: {self._labels[j] if j < len(self._labels) else j + 1} "
                              f"with {k} of {x.size} pixels flipped.")
        return ok

    def current_input_index(self) -> int:
        snap = self.snapshot
        rows = np.asarray(self.form.params.inputs).shape[0]
        index = 0 if snap is None else int(snap["input_index"])
        return min(index, rows - 1)

    def flip_pixel(self, row: int, col: int) -> bool:
        """Flip pixel (row, col) of the input shown; the net restarts with the new inputs."""
        inputs = np.array(self.form.params.inputs, dtype=float)
        rows, cols = self._shape
        if not (0 <= row < rows and 0 <= col < cols):
            return False
        index = self.current_input_index()
        inputs[index, row * cols + col] *= -1
        return self.submit_params(inputs=inputs)

    def _pixel_at(self, x: float, y: float) -> tuple[int, int] | None:
        rows, cols = self._shape
        r, c = int(math.floor(y)), int(math.floor(x))
        if 0 <= r < rows and 0 <= c < cols:
            return r, c
        return None

    @Slot(float, float)
    def _paint(self, x: float, y: float) -> None:
        pixel = self._pixel_at(x, y)
        if pixel is None:
            return
        rows, cols = self._shape
        if self._painted is None:
            index = self.current_input_index()
            self._painted = np.array(self.form.params.inputs[index], dtype=float)
            self._paint_index = index
            self._paint_value = None
        k = pixel[0] * cols + pixel[1]
        if self._paint_value is None:  # the first pixel flips; the stroke paints that value
            self._paint_value = -self._painted[k]
        self._painted[k] = self._paint_value
        self.input_item.setImage(self._painted.reshape(rows, cols).astype(np.float32),
                                 levels=(-1, 1), autoLevels=False)

    @Slot()
    def _paint_done(self) -> None:
        if self._painted is None:
            return
        row, self._painted = self._painted, None
        self._paint_value = None
        inputs = np.array(self.form.params.inputs, dtype=float)
        index = min(self._paint_index, inputs.shape[0] - 1)
        if not np.array_equal(inputs[index], row):
            inputs[index] = row
            self.submit_params(inputs=inputs)

    # -- rendering ----------------------------------------------------------------------
    def on_params(self, params: ParamSet) -> None:
        exemplars = np.asarray(params.exemplars, dtype=float)
        m, n = exemplars.shape
        self._shape = grid_shape(n)
        rows, cols = self._shape
        same = self._exemplars.shape == exemplars.shape and np.array_equal(self._exemplars,
                                                                             exemplars)
        new_n = self._exemplars.shape[1:] != (n,)
        gap_rows = self._gap_rows(m)
        if not same or gap_rows != self._gap:
            self._gap = gap_rows
            self._columns = mosaic_columns(m, self._shape)
            self.mosaic_item.setImage(mosaic(exemplars, self._shape, self._columns, gap_rows),
                                      levels=(-1, 1), autoLevels=False)
            self._labels = exemplar_labels(exemplars)
            self._place_tile_labels()
        self._exemplars = exemplars.copy()
        if not same:
            chosen = self.exemplar_combo.currentIndex()
            self.exemplar_combo.blockSignals(True)
            self.exemplar_combo.clear()
            self.exemplar_combo.addItems(self._labels)
            self.exemplar_combo.setCurrentIndex(chosen if 0 <= chosen < m else 0)
            self.exemplar_combo.blockSignals(False)
            self.noise_slider.setRange(0, n)
            if new_n:
                self.noise_slider.setValue(max(1, n // 8))
            self.leader_frame.setData([], [])
            self.winner_frame.setData([], [])
        strips = rows == 1
        for plot in (self.mosaic_plot, self.input_plot):
            axis = plot.getAxis("bottom")
            if strips and n <= 40:
                plot.showAxis("bottom")
                axis.setTicks([[(c + 0.5, str(c + 1)) for c in range(n)]])
            else:
                plot.hideAxis("bottom")
        left_axis = self.mosaic_plot.getAxis("left")
        if strips and m <= MAX_TILE_LABELS:
            self.mosaic_plot.showAxis("left")
            left_axis.setTicks([[(self._tile_origin(j)[0] + 0.5, self._labels[j])
                                 for j in range(m)]])
        else:
            self.mosaic_plot.hideAxis("left")
        h, w = self.mosaic_item.image.shape
        self.mosaic_plot.setRange(xRange=(-0.45, w + 0.45),
                                  yRange=(-0.45, h + self._label_room()), padding=0)
        self.input_plot.setRange(xRange=(-0.2, cols + 0.2), yRange=(-0.2, rows + 0.2), padding=0)
        xs, ys = [], []
        for c in range(cols + 1):
            xs += [c, c]
            ys += [0, rows]
        for r in range(rows + 1):
            xs += [0, cols]
            ys += [r, r]
        self.pixel_lines.setData(np.array(xs, float), np.array(ys, float))
        first = np.asarray(params.inputs, dtype=float)[0]
        self.input_item.setImage(first.reshape(rows, cols).astype(np.float32),
                                 levels=(-1, 1), autoLevels=False)

        lecture = self.theme.name == "lecture"
        for plot, most in ((self.yin_plot, 11 if lecture else MAX_BAR_TICKS),
                           (self.maxnet_plot, 7 if lecture else 11)):
            plot.setXRange(0.5, m + 0.5, padding=0.01)
            plot.getAxis("bottom").setTicks(self._bar_ticks(m, most))
        self._yin_top = n * ((1.2 if lecture else 1.16) if m <= MAX_VALUE_LABELS
                             else (1.2 if lecture else 1.12))
        self.yin_plot.setYRange(0, self._yin_top, padding=0)
        self.n_line.setValue(n)
        self.n_text.setText(f"n = {n}")
        self.n_text.setPos(0.55, n)
        for plot, labels in ((self.yin_plot, self.yin_labels), (self.maxnet_plot, self.act_labels)):
            for label in labels:
                plot.removeItem(label)
            labels.clear()
            if m <= MAX_VALUE_LABELS:
                for _ in range(m):
                    label = pg.TextItem(anchor=(0.5, 1))
                    plot.addItem(label)
                    labels.append(label)
        self._style_labels()

    def _bar_ticks(self, m: int, most: int) -> list | None:
        """Ticks naming the exemplars; every k-th only where all would overlap."""
        if m > MAX_BAR_TICKS:
            return None
        every = max(1, math.ceil(m / most))
        major = [(j + 1, self._short(j)) for j in range(0, m, every)]
        minor = [(j + 1, "") for j in range(m) if j % every]
        return [major, minor]

    def _short(self, j: int) -> str:
        label = self._labels[j] if j < len(self._labels) else str(j + 1)
        return label if not label.startswith("e(") else str(j + 1)

    def _label_room(self) -> float:
        return self._gap if self.tile_labels else 0.45

    def _gap_rows(self, m: int) -> int:
        """Pixels between rows of tiles: room for the labels under grid tiles."""
        if self._shape[0] == 1 or m > MAX_TILE_LABELS:
            return GAP
        return 3 if self.theme.name == "lecture" else 2

    def _tile_origin(self, j: int) -> tuple[int, int]:
        rows, cols = self._shape
        r, c = divmod(j, self._columns)
        return r * (rows + self._gap), c * (cols + GAP)

    def _place_tile_labels(self) -> None:
        for label in self.tile_labels:
            self.mosaic_plot.removeItem(label)
        self.tile_labels = []
        m = len(self._labels)
        if m > MAX_TILE_LABELS:
            return
        rows, cols = self._shape
        if rows == 1:
            return  # strips are named by the left axis, like the rows of a matrix
        for j in range(m):
            top, left = self._tile_origin(j)
            label = pg.TextItem(self._labels[j], anchor=(0.5, 0))
            label.setPos(left + cols / 2, top + rows + 0.05)
            self.mosaic_plot.addItem(label)
            self.tile_labels.append(label)
        self._style_labels()

    def _frame(self, j: int | None) -> tuple[np.ndarray, np.ndarray]:
        if j is None:
            return np.array([]), np.array([])
        rows, cols = self._shape
        top, left = self._tile_origin(j)
        pad = 0.35
        x0, x1, y0, y1 = left - pad, left + cols + pad, top - pad, top + rows + pad
        return np.array([x0, x1, x1, x0, x0]), np.array([y0, y0, y1, y1, y0])

    def render(self, snap: Mapping[str, Any]) -> None:
        m, n = self._exemplars.shape
        rows, cols = self._shape
        x = np.asarray(snap["input"], dtype=float)
        if x.size != n or np.asarray(snap["net_input"]).size != m:
            return  # a snapshot of parameters being replaced
        if self._painted is None:
            self.input_item.setImage(x.reshape(rows, cols).astype(np.float32),
                                     levels=(-1, 1), autoLevels=False)
        index = int(snap["input_index"])
        total = np.asarray(self.form.params.inputs).shape[0]
        text = f"Input x({index + 1}) of {total}"
        if n <= 8:
            text = f"x({index + 1}) = " + _vector_text(x)
        self.set_title(self.input_plot, text)

        y_in = np.asarray(snap["net_input"], dtype=float)
        a = np.asarray(snap["activations"], dtype=float)
        edges = bar_edges(m)
        self.yin_bars.setData(edges, y_in)
        best = np.flatnonzero(y_in == y_in.max())
        mark = np.zeros(m)
        mark[best] = y_in[best]
        self.yin_best.setData(edges, mark)
        for j, label in enumerate(self.yin_labels[:m]):
            label.setText(f"{y_in[j]:g}")
            label.setPos(j + 1, y_in[j])

        winner = snap["winner"]
        status = str(snap["maxnet_status"])
        self.act_bars.setData(edges, a)
        if winner is not None:
            self.winner_bars.setData(edges[[winner, winner + 1]], a[[winner]])
            self.leader_bars.setData([], [])
        else:
            self.winner_bars.setData([], [])
            lead = np.zeros(m)
            leaders = np.flatnonzero((a == a.max()) & (a > 0))
            if 0 < leaders.size < m:
                lead[leaders] = a[leaders]
                self.leader_bars.setData(edges, lead)
            else:
                self.leader_bars.setData([], [])
        for j, label in enumerate(self.act_labels[:m]):
            label.setText(f"{a[j]:.3g}")
            label.setPos(j + 1, a[j])
            label.setColor(color("winner") if j == winner else pg.mkColor(self.theme.foreground))
        top = max(float(y_in.max()), 1e-9) * (1.15 if self.act_labels else 1.06)
        self.maxnet_plot.setYRange(0, top, padding=0)
        words = {"converged": f"{self._name(winner)} wins ✓", "all_zero": "all zero ✗",
                 "tie": "tie ✗", "max_steps": "step cap reached"}
        self.set_title(self.maxnet_plot, f"MaxNet y<sub>j</sub>, t = {snap['iteration']}"
                       + (f": {words.get(status, status)}" if status != "running" else ""))

        # frames in the mosaic: dashed around the current leader, solid around the winner
        if winner is not None:
            self.winner_frame.setData(*self._frame(winner))
            self.leader_frame.setData([], [])
        else:
            self.winner_frame.setData([], [])
            leader = int(np.argmax(a)) if a.size and a.max() > 0 else None
            self.leader_frame.setData(*self._frame(leader))

        warning = snap.get("warning")
        if warning:
            self.warning_label.setText("⚠ " + warning)
            self.warning_label.show()
        else:
            self.warning_label.hide()
        self._show_winners(list(snap["winners"]), total)
        self.explained.draw(snap)

    def _name(self, j: int | None) -> str:
        if j is None:
            return "none"
        return self._labels[j] if j < len(self._labels) else f"e({j + 1})"

    def _show_winners(self, winners: list[int | None], total: int) -> None:
        if not winners:
            text = "Winners so far: —"
        else:
            parts = [f"x({i + 1}) → <b>{self._name(w)}</b>" if w is not None
                     else f"x({i + 1}) → <span style='color:#B03A00'>none</span>"
                     for i, w in enumerate(winners)]
            shown = parts if len(parts) <= 40 else parts[:20] + ["…"] + parts[-19:]
            text = f"Winners ({len(winners)} of {total}): " + ", ".join(shown)
        self.winners_label.setText(
            f"<span style='font-size:{self.theme.font_size + 1}pt'>{text}</span>")

    # -- theme ----------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        outline = pg.mkPen(theme.background, width=1)
        self.yin_bars.setPen(outline)
        self.yin_bars.setBrush(theme.brush("primary", 0.85))
        self.yin_best.setPen(outline)
        self.yin_best.setBrush(theme.brush("secondary"))
        self.act_bars.setPen(outline)
        self.act_bars.setBrush(theme.brush("primary", 0.85))
        self.leader_bars.setPen(outline)
        self.leader_bars.setBrush(theme.brush("secondary"))
        self.winner_bars.setPen(outline)
        self.winner_bars.setBrush(theme.brush("winner"))
        self.n_line.setPen(theme.pen("accent", theme.line_width, style=Qt.PenStyle.DashLine))
        self.winner_frame.setPen(theme.pen("winner", theme.line_width * 1.4))
        self.leader_frame.setPen(theme.pen("secondary", theme.line_width,
                                           style=Qt.PenStyle.DashLine))
        self.pixel_lines.setPen(pg.mkPen(theme.background, width=1.5 if theme.name == "lecture"
                                         else 1))
        self.n_text.setColor(color("accent"))
        font = self.n_text.textItem.font()
        font.setPointSize(theme.font_size)
        self.n_text.setFont(font)
        self._style_labels()
        self.explained.restyle(theme)
        if self._exemplars.size:  # lecture mode needs more room for the tile labels
            self.on_params(self.form.params)

    def _style_labels(self) -> None:
        for label in self.yin_labels + self.act_labels:
            label.setColor(self.theme.foreground)
            font = label.textItem.font()
            font.setPointSize(self.theme.tick_size)
            label.setFont(font)
        for label in self.tile_labels:
            label.setColor(self.theme.foreground)
            font = label.textItem.font()
            font.setPointSize(self.theme.tick_size)
            label.setFont(font)
