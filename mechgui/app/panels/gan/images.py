"""The digits page (``dataset=digits``): the samples of a fixed noise batch, each with its
nearest training image under it (a memorisation check), the classes the digit classifier
reads in the samples (bars vanishing = mode collapse), and a few real digits beside them.
The conditional GAN's grid has a row per digit, named on the left, or the digit asked for."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from mechgui.engine.digits import CLASSES

from ...panel import SimulationPanel
from ...theme import Theme, color
from ...widgets import as_picture, set_stretch
from .geometry import AxisRange, number
from .items import Key, entry

__all__ = ["NEAREST_INK", "PAIR_GAP", "ImagesView", "grid_columns", "pair_layout", "pair_mosaic"]

#: Rows of empty pixels between two rows of pairs (sample over its nearest training image).
PAIR_GAP = 2
#: The ink of the samples (black) and of their nearest training images (blue), on white.
SAMPLE_INK = (0, 0, 0)
NEAREST_INK = (0, 90, 160)
_PAPER = np.array([255, 255, 255], dtype=float)
_GAP_COLOUR = np.array([205, 205, 205], dtype=float)


def grid_columns(count: int, rows_per_digit: bool) -> int:
    """Samples to a row: ten when each row is a digit (the conditional GAN's grid), else as
    many as make a grid of samples over their nearest images about twice as wide as high."""
    if rows_per_digit:
        return 10
    return max(1, round(math.sqrt(4 * count)))


def _inked(values: np.ndarray, ink: tuple[int, int, int]) -> np.ndarray:
    """Pixels in [0, 1] as RGB: 0 white paper, 1 the ink."""
    v = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)[..., None]
    return _PAPER * (1.0 - v) + np.asarray(ink, dtype=float) * v


def pair_layout(shape: tuple[int, int], pairs: bool, beside: bool
                ) -> tuple[int, int, int, int]:
    """(cell height, cell width, gap between rows, gap between columns) of a mosaic whose
    cells hold a sample, with its nearest image under it or (``beside``) to its right when
    ``pairs``; one grey pixel between images, PAIR_GAP between pairs."""
    h, w = shape
    if not pairs:
        return h, w, 1, 1
    if beside:
        return h, 2 * w + 1, 1, PAIR_GAP
    return 2 * h + 1, w, PAIR_GAP, 1


def pair_mosaic(samples: np.ndarray, nearest: np.ndarray | None, shape: tuple[int, int],
                cols: int, beside: bool = False) -> np.ndarray:
    """One RGB picture (rows × columns × 3 ubyte) of ``samples`` (n × h·w, in [0, 1]) in
    rows of ``cols``, each with the matching image of ``nearest`` in blue ink under it (or
    to its right, ``beside``), or alone when ``nearest`` is None; grey lines between."""
    h, w = shape
    n = len(samples)
    rows = max(1, -(-n // cols))
    cell_h, cell_w, gap_r, gap_c = pair_layout(shape, nearest is not None, beside)

    def cells(images: np.ndarray, ink: tuple[int, int, int]) -> np.ndarray:
        """The images inked, one per cell (rows, h, cols, w, 3); empty cells grey."""
        out = np.empty((rows * cols, h, w, 3))
        out[:] = _GAP_COLOUR
        out[:n] = _inked(np.asarray(images).reshape(n, h, w), ink)
        return out.reshape(rows, cols, h, w, 3).transpose(0, 2, 1, 3, 4)

    grid = np.empty((rows, cell_h + gap_r, cols, cell_w + gap_c, 3))
    grid[:] = _GAP_COLOUR
    grid[:, :h, :, :w] = cells(samples, SAMPLE_INK)
    if nearest is not None:
        if beside:
            grid[:, :h, :, w + 1:2 * w + 1] = cells(nearest, NEAREST_INK)
        else:
            grid[:, h + 1:2 * h + 1, :, :w] = cells(nearest, NEAREST_INK)
    grid = grid.reshape(rows * (cell_h + gap_r), cols * (cell_w + gap_c), 3)
    out = np.empty((grid.shape[0] - gap_r + 2, grid.shape[1] - gap_c + 2, 3))
    out[:] = _GAP_COLOUR
    out[1:-1, 1:-1] = grid[:grid.shape[0] - gap_r, :grid.shape[1] - gap_c]
    return out.round().astype(np.ubyte)


class ImagesView:
    """The digits page (``graphics``): samples and their nearest training images, the class
    histogram with its key, and real digits."""

    def __init__(self, panel: SimulationPanel) -> None:
        self._panel = panel
        self.graphics = pg.GraphicsLayoutWidget()
        g = self.graphics
        self.samples_plot = panel.add_plot(g, _samples_title(None, False), row=0, col=0,
                                           rowspan=3)
        as_picture(self.samples_plot)
        self.samples_item = pg.ImageItem(axisOrder="row-major")
        self.samples_plot.addItem(self.samples_item)
        self.samples_key = Key()
        g.addItem(self.samples_key, row=3, col=0)
        self.hist_plot = panel.add_plot(g, "Digits read", row=0, col=1)
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.getAxis("bottom").setTicks([[(c, str(c)) for c in range(CLASSES)]])
        self.hist_plot.setXRange(-0.6, CLASSES - 0.4, padding=0)
        self.bars = pg.BarGraphItem(x=np.arange(CLASSES), height=np.zeros(CLASSES), width=0.7)
        self.hist_plot.addItem(self.bars)
        self.real_share = pg.PlotDataItem(stepMode="center")
        self.hist_plot.addItem(self.real_share)
        self.hist_key = Key()
        g.addItem(self.hist_key, row=1, col=1)
        self.real_plot = panel.add_plot(g, "Real digits", row=2, col=1)
        as_picture(self.real_plot)
        self.real_item = pg.ImageItem(axisOrder="row-major")
        self.real_plot.addItem(self.real_item)
        set_stretch(g, rows=(5, 0, 3, 0), cols=(5, 2))
        self._theme = panel.theme
        self._real: Any = None
        self._hist_range = AxisRange()
        self._rows_named: tuple[int, ...] | None = None
        #: What the grid shows last: the samples and their nearest images (for tests).
        self.samples: np.ndarray | None = None
        self.nearest: np.ndarray | None = None
        self._confident: float | None = None
        self._where = ""  # where the nearest images are: "under it", "beside it" or none

    def restart(self) -> None:
        self._hist_range = AxisRange()
        self.nearest = None

    # -- drawing -------------------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any], detail: bool) -> None:
        """The samples every frame (with the nearest images of the last detailed frame, while
        they are of the same grid); the histogram on detailed frames."""
        shape = tuple(snap["image_shape"])
        labels = snap["labels"]
        rows_per_digit = labels is not None and len(set(np.asarray(labels).tolist())) > 1
        if detail:
            self.nearest = np.asarray(snap["nearest"], dtype=float)
            self._draw_histogram(snap)
        self.samples = np.asarray(snap["samples"], dtype=float)
        cols = grid_columns(len(self.samples), rows_per_digit)
        nearest = self.nearest if self.nearest is not None \
            and self.nearest.shape == self.samples.shape else None
        # a row per digit keeps its rows: each nearest image beside its sample, not under it
        self.samples_item.setImage(
            pair_mosaic(self.samples, nearest, shape, cols, beside=rows_per_digit),
            autoLevels=False, levels=(0, 255))
        self._name_rows(labels, rows_per_digit, shape, nearest is not None, cols)
        self._show_pairing(nearest is not None, rows_per_digit)
        self._panel.set_title(self.samples_plot, _samples_title(labels, rows_per_digit))
        real = snap["real"]
        if real is not self._real:
            self._real = real
            images = np.asarray(real, dtype=float)
            self.real_item.setImage(pair_mosaic(images, None, shape, 10), autoLevels=False,
                                    levels=(0, 255))

    def _draw_histogram(self, snap: Mapping[str, Any]) -> None:
        histogram = np.asarray(snap["class_histogram"], dtype=float)
        self.bars.setOpts(height=histogram)
        top = max(float(histogram.max()), 0.15)
        rng = self._hist_range.fit(0.0, top, pad=0.08)
        if rng is not None:
            self.hist_plot.setYRange(0.0, rng[1], padding=0)
        fair = 1.0 / CLASSES
        self.real_share.setData(np.arange(CLASSES + 1) - 0.5, np.full(CLASSES, fair))
        confident = float(snap["confident_share"])
        if confident != self._confident:
            self._confident = confident
            self._show_keys()

    def _name_rows(self, labels: Any, rows_per_digit: bool, shape: tuple[int, ...],
                   pairs: bool, cols: int) -> None:
        """The digit of each row on the left axis (the conditional GAN's rows), or no axis."""
        if not rows_per_digit:
            key: tuple[int, ...] = ()
        else:
            key = tuple(int(labels[r * cols]) for r in range(-(-len(labels) // cols)))
        key += (int(pairs),)
        if key == self._rows_named:
            return
        self._rows_named = key
        axis = self.samples_plot.getAxis("left")
        if not rows_per_digit:
            self.samples_plot.hideAxis("left")
            return
        cell_h, _, gap, _ = pair_layout((shape[0], shape[1]), pairs, beside=True)
        ticks = [(1 + r * (cell_h + gap) + shape[0] / 2, str(digit))
                 for r, digit in enumerate(key[:-1])]
        axis.setTicks([ticks, []])
        axis.setStyle(tickLength=0)
        self.samples_plot.showAxis("left")

    # -- keys and theme ------------------------------------------------------------------
    def _show_pairing(self, pairs: bool, beside: bool) -> None:
        where = ("" if not pairs else "beside it" if beside else "under it")
        if where != self._where:
            self._where = where
            self._show_keys()

    def _show_keys(self) -> None:
        theme = self._theme
        samples = [entry("box", _hex(SAMPLE_INK), "generated")]
        if self._where:
            samples.append(entry("box", _hex(NEAREST_INK),
                                 f"{self._where}: its nearest training image"))
        self.samples_key.set_entries(samples, theme)
        confident = number(None if self._confident is None else 100 * self._confident, ".0f")
        self.hist_key.set_entries(
            [entry("box", "primary", "read as each digit"),
             entry("dots", "accent", "training data"),
             entry("dot", "winner", f"confident {confident} %")], theme)

    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        self.bars.setOpts(brush=theme.brush("primary", 0.8), pen=theme.pen("primary", 1.0))
        self.real_share.setPen(theme.pen("accent", theme.thin_width, style=Qt.PenStyle.DotLine))
        font = QFont()
        font.setPointSize(theme.tick_size + 2)
        font.setBold(True)
        rows = self.samples_plot.getAxis("left")  # the digits of the rows, without a line
        rows.setTickFont(font)
        rows.setPen(pg.mkPen(0, 0, 0, 0))
        rows.setTextPen(pg.mkPen(color(theme.foreground)))
        self._show_keys()


def _samples_title(labels: Any, rows_per_digit: bool) -> str:
    if labels is None:
        return "Samples G(z), fixed noise"
    if rows_per_digit:
        return "G(z | digit), a row per digit"
    return f"G(z | {int(labels[0])}): the digit {int(labels[0])}"


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)
