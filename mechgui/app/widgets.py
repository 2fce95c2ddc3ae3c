"""Small pyqtgraph pieces shared by the panels."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
import shiboken6
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QBrush, QFontMetrics, QPainter, QPen, QPixmap, QTextCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox

__all__ = ["DrawViewBox", "RoomyAxis", "LevelsAxis", "as_picture", "DotsItem", "FittedTitle",
           "fit_title", "bar_edges", "count_row", "fit_menu", "warning_banner", "set_stretch"]

#: Characters left out before the "…" of a shortened title (a dangling dash or comma).
_TRAILING = " \t—–-,:;(/"


class DrawViewBox(pg.ViewBox):
    """A view box on which the left mouse button draws values instead of panning.

    ``sigDraw(x, y)`` reports each point under the mouse in data coordinates
    while a click or drag lasts; ``sigDrawFinished`` when the button is
    released.  The right button keeps pyqtgraph's menu (export, view all).
    With ``click_draws`` False only a drag draws: a click is left to the scene
    (it selects an element, see :mod:`mechgui.app.explain`).
    """

    sigDraw = Signal(float, float)
    sigDrawFinished = Signal()

    def __init__(self, click_draws: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.drawing_enabled = True
        self.click_draws = click_draws
        self.setMouseEnabled(x=False, y=False)

    def mouseClickEvent(self, ev) -> None:
        if self.drawing_enabled and self.click_draws \
                and ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            point = self.mapSceneToView(ev.scenePos())
            self.sigDraw.emit(point.x(), point.y())
            self.sigDrawFinished.emit()
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if self.drawing_enabled and ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            point = self.mapSceneToView(ev.scenePos())
            self.sigDraw.emit(point.x(), point.y())
            if ev.isFinish():
                self.sigDrawFinished.emit()
        else:
            super().mouseDragEvent(ev, axis)


class RoomyAxis(pg.AxisItem):
    """An axis whose tick labels never run into each other: where the values would come
    closer than their own text is wide (a horizontal axis) or high (a vertical one), as
    large lecture fonts on a small plot make them, the spacing grows (×2, ×2.5, ×2 … as
    pyqtgraph's own steps)."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels or size <= 0:
            return levels
        spacing, offset = levels[0]
        metrics = QFontMetrics(self.style["tickFont"] or self.font())
        if self.orientation in ("bottom", "top"):
            widest = max(abs(minVal), abs(maxVal))
            text = self.tickStrings([widest], self.autoSIPrefixScale * self.scale, spacing)[0]
            room = 1.5 * metrics.horizontalAdvance(text) + 4
        else:
            room = 1.25 * metrics.height() + 2
        span = abs(maxVal - minVal)
        factors = (2.0, 2.5, 2.0)
        k = 0
        while span > 0 and spacing * size / span < room and spacing < span:
            spacing *= factors[k % 3]
            k += 1
        return [(spacing, offset)] + ([] if k else levels[1:])


class LevelsAxis(pg.AxisItem):
    """A vertical axis that names a few levels (ticks set with ``setTicks``): two names
    closer than their text is high (large lecture fonts on a short plot) are moved apart,
    each half the overlap, instead of being drawn over each other."""

    def generateDrawSpecs(self, p):  # noqa: N802 - pyqtgraph's name
        specs = super().generateDrawSpecs(p)
        if specs is None or self.orientation not in ("left", "right"):
            return specs
        axis, ticks, texts = specs
        texts = sorted(texts, key=lambda spec: spec[0].center().y())
        for upper, lower in zip(texts, texts[1:]):
            overlap = upper[0].bottom() - lower[0].top()
            if overlap > 0:
                upper[0].translate(0, -overlap / 2)
                lower[0].translate(0, overlap / 2)
        return axis, ticks, texts


class DotsItem(pg.GraphicsObject):
    """Dots of one size (in pixels), colour and symbol, each with its own opacity.

    A cheap stand-in for a ``ScatterPlotItem`` whose points change every frame:
    ``setData`` only stores the coordinates (no per-point records, no symbol
    look-ups), and painting stamps one pre-rendered dot at every point with a
    single ``QPainter.drawPixmapFragments`` call.  ``symbol`` is one of
    pyqtgraph's symbol names (``"o"``: round, ``"star"``, ``"s"``, …).
    """

    def __init__(self, size: float = 8.0, name: str | None = None, symbol: str = "o") -> None:
        super().__init__()
        self._name = name
        self._symbol = Symbols[symbol]  # a path in the unit square around the origin
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._opacity = np.empty(0)
        self._bounds = QRectF()
        self._size = float(size)
        self._brush = QBrush(Qt.GlobalColor.white)
        self._pen = QPen(Qt.PenStyle.NoPen)
        self._dot: QPixmap | None = None  # the stamp, drawn for the current device ratio
        self._padding: tuple[float, float] | None = None  # half a dot in data units
        self._fragments = np.zeros((0, 10))  # QPainter.PixmapFragment: ten doubles each

    # -- style and data ------------------------------------------------------------------
    def set_style(self, size: float, brush: object, pen: object = None) -> None:
        """Dot diameter in pixels, fill (anything ``pg.mkBrush`` takes) and outline."""
        self.prepareGeometryChange()
        self._size = float(size)
        self._brush = pg.mkBrush(brush)
        self._pen = pg.mkPen(pen)
        self._dot = None
        self._padding = None
        self.update()

    def setData(self, x: Sequence[float], y: Sequence[float],
                opacity: Sequence[float] | float = 1.0) -> None:
        """The dots' centres and their opacities (0 to 1; one value for all)."""
        self.prepareGeometryChange()
        self._x = np.array(x, dtype=float).ravel()
        self._y = np.array(y, dtype=float).ravel()
        if self._x.shape != self._y.shape:
            raise ValueError("x and y differ in length")
        self._opacity = np.broadcast_to(np.asarray(opacity, dtype=float), self._x.shape).copy()
        if self._x.size:
            left, right = float(self._x.min()), float(self._x.max())
            top, bottom = float(self._y.min()), float(self._y.max())
            self._bounds = QRectF(left, top, right - left, bottom - top)
        else:
            self._bounds = QRectF()
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x, self._y

    def opacities(self) -> np.ndarray:
        return self._opacity

    def brush(self) -> QBrush:
        return self._brush

    def size(self) -> float:
        return self._size

    def implements(self, interface: str | None = None) -> bool | list[str]:
        """A data item for pyqtgraph (the CSV export lists its points)."""
        return ["plotData"] if interface is None else interface == "plotData"

    def name(self) -> str | None:
        return self._name

    # -- geometry (for the view box and for Qt's repaint regions) -------------------------
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None) -> tuple:
        values = self._x if ax == 0 else self._y
        if not values.size:
            return None, None
        return float(values.min()), float(values.max())

    def pixelPadding(self) -> float:
        return self._size / 2 + 1

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()
        self._padding = None

    def boundingRect(self) -> QRectF:
        if not self._x.size:
            return QRectF()
        if self._padding is None:
            px, py = self.pixelVectors()
            pad = self.pixelPadding()
            self._padding = (0.0, 0.0) if px is None else (px.length() * pad, py.length() * pad)
        dx, dy = self._padding
        return self._bounds.adjusted(-dx, -dy, dx, dy)

    # -- painting ------------------------------------------------------------------------
    def _stamp(self, ratio: float, scale: float) -> QPixmap:
        """The dot as a pixmap for a device of this pixel ratio; ``scale`` enlarges it
        for an export at a higher resolution than the screen's."""
        if self._dot is None or self._dot.devicePixelRatio() != ratio or scale != 1.0:
            size = self._size * scale
            outline = 0.0 if self._pen.style() == Qt.PenStyle.NoPen else self._pen.widthF()
            side = math.ceil((size + outline * scale + 2) * ratio)
            dot = QPixmap(side, side)
            dot.fill(Qt.GlobalColor.transparent)
            painter = QPainter(dot)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(self._pen)
            pen.setCosmetic(True)  # (its width in pixels, not scaled with the symbol)
            pen.setWidthF(pen.widthF() * scale * ratio)
            painter.setPen(pen)
            painter.setBrush(self._brush)
            painter.translate(side / 2, side / 2)
            painter.scale(size * ratio, size * ratio)  # the symbols fit the unit square
            painter.drawPath(self._symbol)
            painter.end()
            dot.setDevicePixelRatio(ratio)
            if scale != 1.0:
                return dot  # (an export's: not kept)
            self._dot = dot
        return self._dot

    def paint(self, painter: QPainter, *_: object) -> None:
        count = self._x.size
        if not count:
            return
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        scale = 1.0 if self._exportOpts is False else self._exportOpts.get("resolutionScale", 1.0)
        dot = self._stamp(ratio, scale)
        if len(self._fragments) < count:
            self._fragments = np.zeros((count, 10))
        frags = self._fragments[:count]
        tr = painter.transform()  # item to device; view boxes have no perspective
        frags[:, 0] = tr.m11() * self._x + tr.m21() * self._y + tr.dx()
        frags[:, 1] = tr.m12() * self._x + tr.m22() * self._y + tr.dy()
        np.clip(frags[:, :2], -2.0 ** 30, 2.0 ** 30, out=frags[:, :2])
        frags[:, 2:4] = 0.0
        frags[:, 4] = dot.width()
        frags[:, 5] = dot.height()
        frags[:, 6:8] = 1.0 / ratio
        frags[:, 8] = 0.0
        frags[:, 9] = self._opacity
        painter.save()
        painter.resetTransform()
        first = shiboken6.wrapInstance(self._fragments.ctypes.data, QPainter.PixmapFragment)
        painter.drawPixmapFragments(first, count, dot)
        painter.restore()


class FittedTitle(pg.LabelItem):
    """A plot title that never makes its plot wider than the room the plot is given.

    pyqtgraph's :class:`~pyqtgraph.LabelItem` asks for the width of its text as its
    minimum, so a long title in a big font widens the whole plot grid beyond the
    window.  This title asks for no minimum width (its whole text's width is only
    its preferred width, so where there is room the plots are laid out as before):
    the layout gives it the plot's width, and a text too wide for it is cut after
    its last whole word that fits and ends in "…" (the whole title stays in
    :attr:`text` and shows as a tooltip).
    """

    def __init__(self, text: str = " ", parent: pg.GraphicsObject | None = None,
                 **opts: object) -> None:
        self._full_html = ""  # the whole title as the text item held it, once shortened
        self._fitted_width: float | None = None  # the width the shown text was fitted to
        #: Whether the title shows only its start (followed by "…").
        self.shortened = False
        self._natural_width = 0.0  # the whole text's width
        super().__init__(text, parent=parent, **opts)

    def setText(self, text: str, **args: object) -> None:
        self._fitted_width = None
        if self.shortened:
            self.shortened = False  # the text item is given the whole text
            self.setToolTip("")
        super().setText(text, **args)

    def resizeEvent(self, ev) -> None:
        self._fit_text()
        super().resizeEvent(ev)  # centres the text, then updateMin

    def updateMin(self) -> None:
        """The text's height as the minimum height; the whole text's width as the
        preferred width only, never as the minimum."""
        bounds = self.itemRect()
        if not self.shortened:
            self._natural_width = bounds.width()
        self.setMinimumWidth(0)
        self.setMinimumHeight(bounds.height())
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, bounds.height()),
            Qt.SizeHint.PreferredSize: (self._natural_width, bounds.height()),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()

    def sizeHint(self, hint: Qt.SizeHint, constraint: QSizeF) -> QSizeF:
        return QSizeF(*self._sizeHint.get(hint, (0, 0)))

    def _fit_text(self) -> None:
        """Show the whole title if it fits the current width, else its longest start
        (whole words if possible) that fits, followed by "…"."""
        available = self.size().width()
        if available <= 0 or available == self._fitted_width:
            return  # not laid out yet, or already fitted to this width
        self._fitted_width = available
        if self.shortened:  # the whole title again, then fit it anew
            self.item.setHtml(self._full_html)
            self.shortened = False
            self.setToolTip("")
        if self.item.boundingRect().width() <= available:
            return
        self._full_html = self.item.toHtml()
        document = self.item.document()
        plain = document.toPlainText()
        words = [i for i, ch in enumerate(plain) if ch.isspace() and i > 0]
        first_word_end = words[0] if words else len(plain)
        cuts = sorted(set(words), reverse=True) + list(range(first_word_end - 1, 0, -1))
        start = QTextCursor(document)
        start.setPosition(1 if plain else 0)
        style = start.charFormat()  # the title's own style (not a subscript's at the cut)
        for cut in cuts:
            end = cut
            while end > 1 and plain[end - 1] in _TRAILING:
                end -= 1
            cursor = QTextCursor(document)
            cursor.setPosition(end)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText("…", style)
            if self.item.boundingRect().width() <= available:
                break
        self.shortened = True
        self.setToolTip(plain)


def fit_title(plot: pg.PlotItem) -> FittedTitle:
    """Give ``plot`` a :class:`FittedTitle` in place of pyqtgraph's title (once)."""
    old = plot.titleLabel
    if isinstance(old, FittedTitle):
        return old
    title = FittedTitle(old.text, parent=plot, **old.opts)
    title.setVisible(old.isVisible())
    title.setMaximumHeight(old.maximumHeight())
    plot.layout.removeItem(old)
    if old.scene() is not None:
        old.scene().removeItem(old)
    plot.layout.addItem(title, 0, 1)
    plot.titleLabel = title
    return title


def bar_edges(count: int) -> np.ndarray:
    """Bar edges for ``stepMode='center'``: bar j (1-based) spans j ± 0.5."""
    return np.arange(count + 1, dtype=float) + 0.5


def count_row(label: str, name: str, high: int, value: int, tip: str,
              stretch: int = 0) -> tuple[QHBoxLayout, QSpinBox]:
    """A row holding a label and a whole-number spin box from 2 to ``high`` (a panel's
    "how many units" input); the caller may add more to the row."""
    row = QHBoxLayout()
    row.addWidget(QLabel(label))
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(2, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    row.addWidget(spin, stretch)
    return row, spin


def warning_banner(name: str = "warning") -> QLabel:
    """A hidden, word-wrapped banner for a lecture's warning (e.g. ε ≥ 1/m)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("QLabel { background: #FFF1D6; color: #7A3D00; "
                        "border: 2px solid #E69F00; border-radius: 4px; "
                        "padding: 4px 8px; font-weight: bold; }")
    label.hide()
    return label


def set_stretch(graphics: pg.GraphicsLayoutWidget, rows: Sequence[int] = (),
                cols: Sequence[int] = ()) -> None:
    """Relative heights of the rows and widths of the columns of a plot grid."""
    layout = graphics.ci.layout
    for index, factor in enumerate(rows):
        layout.setRowStretchFactor(index, factor)
    for index, factor in enumerate(cols):
        layout.setColumnStretchFactor(index, factor)


def as_picture(plot: pg.PlotItem) -> pg.ViewBox:
    """Make ``plot`` show a picture (glyphs, a map, images): no axes, square pixels, the
    first row on top, no panning or zooming.  Returns its view box."""
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    box = plot.getViewBox()
    box.setAspectLocked(True)
    box.invertY(True)
    box.setMouseEnabled(x=False, y=False)
    return box


def fit_menu(combo: QComboBox) -> None:
    """``combo``'s open menu as wide as its longest entry in the current font (a closed box
    that shrinks with the side panel may shorten its text)."""
    metrics = combo.view().fontMetrics()
    widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())),
                 default=0)
    combo.view().setMinimumWidth(widest + 40)
