"""Pieces the LVQ, counterpropagation and ART1 tabs share: class colours, patterns as
tiles of one image (glyphs of the letters, strips of short vectors) with a label and frames,
bars coloured one by one, and the fonts of text items."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..panel import SimulationPanel
from ..theme import Theme, color
from ..widgets import as_picture
from .hamming import GAP, grid_shape, mosaic, mosaic_columns

__all__ = [
    "CLASS_COLOURS",
    "TileView",
    "bars",
    "class_colour",
    "frame_pens",
    "info_label",
    "set_bars",
    "stacked_view",
    "style_curve",
    "style_ring",
    "style_texts",
    "wrap_names",
]

#: Okabe–Ito colours for classes (no yellow: it vanishes on white), then a grey.
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#6E6E6E")
#: Off = light grey, on = near black (a glyph's pixels; values between are greys).
_GREYS = np.linspace([236, 239, 243, 255], [26, 26, 26, 255], 256).astype(np.ubyte)
#: Strips of at most this many components, and at most this many tiles, show their values.
MAX_NUMBERED = (8, 12)
#: Tiles up to which each carries its label.
MAX_LABELLED_TILES = 60


def class_colour(k: int, alpha: float = 1.0) -> pg.QtGui.QColor:
    """The colour of class ``k`` (0-based; the palette repeats after seven classes)."""
    return color(CLASS_COLOURS[int(k) % len(CLASS_COLOURS)], alpha)


def style_texts(items: Iterable[pg.TextItem], theme: Theme, size: int | None = None,
                colour: object = None, bold: bool = False) -> None:
    """Font size (the theme's tick size by default) and colour of text items."""
    for item in items:
        font = item.textItem.font()
        font.setPointSize(size or theme.tick_size)
        font.setBold(bold)
        item.setFont(font)
        item.setColor(colour if colour is not None else theme.foreground)


def info_label(name: str) -> QLabel:
    """A word-wrapped line under the plots that never asks the window for more width."""
    label = QLabel(" ")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def stacked_view(info_name: str) -> tuple[QWidget, QStackedWidget, pg.GraphicsLayoutWidget,
                                         QLabel]:
    """A tab's view that shows its data one way or another: ``holder`` with pages of plots
    (``stack``, one page per kind of data) beside a column of curves (``side``), and a
    line of words underneath (``info``)."""
    holder = QWidget()
    col = QVBoxLayout(holder)
    col.setContentsMargins(0, 0, 0, 0)
    row = QHBoxLayout()
    col.addLayout(row, 1)
    stack = QStackedWidget()
    row.addWidget(stack, 3)
    side = pg.GraphicsLayoutWidget()
    row.addWidget(side, 2)
    info = info_label(info_name)
    col.addWidget(info)
    return holder, stack, side, info


def style_curve(curve: pg.PlotDataItem, now: pg.ScatterPlotItem, theme: Theme) -> None:
    """A curve (a line through dots, e.g. one per epoch) and the marker of where the run
    is now on it."""
    curve.setPen(theme.pen("primary", theme.line_width))
    curve.setSymbolSize(theme.symbol_size)
    curve.setSymbolBrush(theme.brush("primary"))
    curve.setSymbolPen(None)
    now.setSize(theme.symbol_size * 1.8)
    now.setBrush(theme.brush("winner"))
    now.setPen(pg.mkPen(theme.foreground))


def style_ring(item: pg.ScatterPlotItem, theme: Theme, size: float) -> None:
    """A ring around the current input."""
    item.setSize(size)
    item.setBrush(pg.mkBrush(None))
    item.setPen(theme.pen("input", theme.line_width))


def wrap_names(names: list[str], per_line: int, lines: int = 2) -> str:
    """Names a few per line, at most ``lines`` lines (the rest counted: "+k")."""
    rows = [" ".join(names[k:k + per_line]) for k in range(0, len(names), per_line)]
    if len(rows) > lines:
        shown = max(1, per_line * lines - 1)
        rows = [" ".join(names[k:min(k + per_line, shown)]) for k in range(0, shown, per_line)]
        rows[-1] += f" +{len(names) - shown}"
    return "\n".join(rows)


class TileView:
    """Patterns as tiles of one image: 9×7 glyphs for the letters, a grid for square
    lengths, one strip per pattern otherwise (named on the left axis, with its values
    written in its cells when short).  Grid tiles carry a label underneath; frames of
    named roles are drawn around chosen tiles.  Built once; :meth:`set_layout` when the
    number or shape of the patterns changes, :meth:`show` for every frame."""

    def __init__(self, panel: SimulationPanel, title: str, roles: Sequence[str] = ()) -> None:
        self.plot = panel.add_plot(None, title)
        vb = as_picture(self.plot)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_GREYS)
        self.plot.addItem(self.image)
        self.frames = {role: pg.PlotDataItem(connect="finite") for role in roles}
        for item in self.frames.values():
            self.plot.addItem(item)
        self.labels: list[pg.TextItem] = []
        self.numbers: list[pg.TextItem] = []
        self.shape = (1, 1)
        self.columns = 1
        self.capacity = 0
        self.gap = GAP
        self.levels = (0.0, 1.0)
        self.label_lines = 1
        self._theme = panel.theme
        self._label_texts: list[str] = []

    @property
    def strips(self) -> bool:
        return self.shape[0] == 1

    def set_layout(self, capacity: int, n: int, levels: tuple[float, float] = (0.0, 1.0),
                   label_lines: int = 1, columns: int | None = None) -> None:
        """Room for ``capacity`` patterns of ``n`` components (the view's range is fitted
        to it), grey levels, and ``label_lines`` lines of label under each grid tile."""
        self.shape = grid_shape(n)
        self.capacity = max(1, capacity)
        self.levels = levels
        self.columns = columns or mosaic_columns(self.capacity, self.shape)
        self.label_lines = label_lines
        labelled = not self.strips and self.capacity <= MAX_LABELLED_TILES
        self.gap = GAP if not labelled else 1 + round(label_lines * self._line_rows())
        for item in self.labels + self.numbers:
            self.plot.removeItem(item)
        self.labels, self.numbers, self._label_texts = [], [], []
        if labelled:
            for j in range(self.capacity):
                top, left = self.origin(j)
                label = pg.TextItem(anchor=(0.5, 0))
                label.setPos(left + self.shape[1] / 2, top + self.shape[0] + 0.1)
                self.plot.addItem(label)
                self.labels.append(label)
        if self.strips and n <= MAX_NUMBERED[0] and self.capacity <= MAX_NUMBERED[1]:
            for j in range(self.capacity):
                top, left = self.origin(j)
                for c in range(n):
                    number = pg.TextItem(anchor=(0.5, 0.5))
                    number.setPos(left + c + 0.5, top + 0.5)
                    self.plot.addItem(number)
                    self.numbers.append(number)
        rows = -(-self.capacity // self.columns)
        height = rows * (self.shape[0] + self.gap) - self.gap
        width = self.columns * (self.shape[1] + GAP) - GAP
        bottom = height + (self.gap if self.labels else 0) + 0.3
        box = self.plot.getViewBox()
        # strips fill their plot (room for the numbers); glyphs keep square pixels
        box.setAspectLocked(not self.strips)
        box.setRange(xRange=(-0.4, width + 0.4), yRange=(-0.4, bottom), padding=0)
        self.plot.getAxis("left").setTicks(None)
        self._style()

    def _line_rows(self) -> float:
        """A label line's height in the tiles' pixel rows (more in lecture mode)."""
        return 2.8 if self._theme.name == "lecture" else 1.7

    def origin(self, j: int) -> tuple[int, int]:
        """(top, left) of tile ``j`` in the image."""
        r, c = divmod(j, self.columns)
        return r * (self.shape[0] + self.gap), c * (self.shape[1] + GAP)

    def tile_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(tile, component) of the image's pixel at (x, y); None between the tiles."""
        rows, cols = self.shape
        pitch_y, pitch_x = rows + self.gap, cols + GAP
        r, c = math.floor(y / pitch_y), math.floor(x / pitch_x)
        row, col = math.floor(y - r * pitch_y), math.floor(x - c * pitch_x)
        j = r * self.columns + c
        if 0 <= c < self.columns and 0 <= j < self.capacity and 0 <= row < rows \
                and 0 <= col < cols:
            return j, row * cols + col
        return None

    def show(self, patterns: np.ndarray, labels: Sequence[str] = ()) -> None:
        """Draw the first ``len(patterns)`` tiles (the rest of the capacity stays empty)."""
        patterns = np.asarray(patterns, dtype=np.float32)[:self.capacity]
        full = np.full((self.capacity, self.shape[0] * self.shape[1]), np.nan, np.float32)
        if len(patterns):
            full[:len(patterns)] = patterns.reshape(len(patterns), -1)
        self.image.setImage(mosaic(full, self.shape, self.columns, self.gap),
                            levels=self.levels, autoLevels=False)
        labels = list(labels)[:self.capacity] + [""] * (self.capacity - len(labels))
        if self.strips:
            ticks = [(self.origin(j)[0] + 0.5, labels[j]) for j in range(len(patterns))]
            named = any(text for _, text in ticks)
            self.plot.showAxis("left", named and self.capacity <= MAX_LABELLED_TILES)
            self.plot.getAxis("left").setTicks([ticks])
        for label, text, old in zip(self.labels, labels, self._label_texts or [None] * len(labels)):
            if text != old:
                label.setText(text)
        self._label_texts = labels
        if self.numbers:
            n = self.shape[1]
            middle = sum(self.levels) / 2
            for k, number in enumerate(self.numbers):
                j, c = divmod(k, n)
                if j < len(patterns):
                    value = float(patterns[j].ravel()[c])
                    number.setText(f"{value:.3g}")
                    number.setColor("#FFFFFF" if value > middle else self._theme.foreground)
                else:
                    number.setText("")

    def label_lines_for(self, normal: int) -> int:
        """Lines of label under a tile: ``normal`` at a desk, one less in lecture mode (its
        font is bigger and the tiles smaller)."""
        return normal - 1 if self._theme.name == "lecture" and normal > 1 else normal

    def names_per_line(self, sample: str = "A1") -> int:
        """How many names like ``sample`` fit side by side under one grid tile as it is
        drawn now (at least 1; 3 before the view has a size)."""
        width = self.plot.getViewBox().viewPixelSize()[0] if self.labels else 0.0
        if not width or not np.isfinite(width):
            return 3
        metrics = QFontMetrics(self.labels[0].textItem.font())
        room = (self.shape[1] + GAP) / width + metrics.horizontalAdvance(" ")
        return max(1, int(room // metrics.horizontalAdvance(sample + " ")))

    def label_texts(self) -> list[str]:
        return list(self._label_texts)

    def tile_image(self, j: int) -> np.ndarray:
        """Tile ``j`` as drawn (rows × cols)."""
        top, left = self.origin(j)
        rows, cols = self.shape
        return np.asarray(self.image.image)[top:top + rows, left:left + cols]

    def frame(self, role: str, tiles: Iterable[int]) -> None:
        """Frames of ``role`` around ``tiles`` (none for an empty list)."""
        xs: list[float] = []
        ys: list[float] = []
        rows, cols = self.shape
        pad = 0.3
        for j in tiles:
            if not 0 <= j < self.capacity:
                continue
            top, left = self.origin(int(j))
            x0, x1, y0, y1 = left - pad, left + cols + pad, top - pad, top + rows + pad
            xs += [x0, x1, x1, x0, x0, np.nan]
            ys += [y0, y0, y1, y1, y0, np.nan]
        self.frames[role].setData(np.array(xs, dtype=float), np.array(ys, dtype=float))

    def framed(self, role: str) -> list[int]:
        """The tiles framed in ``role`` (for tests)."""
        xs, ys = self.frames[role].getData()
        if xs is None or not len(xs):
            return []
        tops = np.asarray(ys)[0::6] + 0.3
        lefts = np.asarray(xs)[0::6] + 0.3
        return [round(float(t) / (self.shape[0] + self.gap)) * self.columns
                + round(float(left) / (self.shape[1] + GAP)) for t, left in zip(tops, lefts)]

    def restyle(self, theme: Theme, pens: dict[str, pg.QtGui.QPen]) -> None:
        self._theme = theme
        for role, pen in pens.items():
            self.frames[role].setPen(pen)
        self._style()

    def _style(self) -> None:
        style_texts(self.labels, self._theme)
        style_texts(self.numbers, self._theme, bold=True)


def frame_pens(theme: Theme) -> dict[str, pg.QtGui.QPen]:
    """The frames' pens by role: the winner, a unit tried and reset, the current input,
    a misclassified pattern, a move toward and away."""
    thick = theme.line_width * 1.2
    return {
        "winner": theme.pen("winner", thick),
        "reset": theme.pen("warning", theme.thin_width, style=Qt.PenStyle.DashLine),
        "input": theme.pen("input", thick),
        "wrong": theme.pen("#B03A00", theme.thin_width),
        "toward": theme.pen("accent", thick),
        "away": theme.pen("winner", thick, style=Qt.PenStyle.DashLine),
        "near": theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DashLine),
    }


def bars(plot: pg.PlotItem) -> pg.BarGraphItem:
    """An empty bar item on ``plot`` (bars of one width, brushes one by one)."""
    item = pg.BarGraphItem(x=[], height=[], width=0.7)
    plot.addItem(item)
    return item


def set_bars(item: pg.BarGraphItem, heights: Sequence[float], brushes: Sequence, pens=None,
             x: Sequence[float] | None = None) -> None:
    """Bars at 1, 2, … (or ``x``) of these heights and brushes (and pens)."""
    heights = np.asarray(heights, dtype=float)
    xs = np.arange(1, heights.size + 1, dtype=float) if x is None else np.asarray(x, float)
    opts = {"x": xs, "height": heights, "brushes": list(brushes)}
    if pens is not None:
        opts["pens"] = list(pens)
    item.setOpts(**opts)
