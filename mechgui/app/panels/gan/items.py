"""pyqtgraph pieces the GAN tab's pages share: a scatter whose points move without being
restyled, a curve that copes with gaps, and :class:`Key`, a legend laid out beside or under
its plot (never over the data), which wraps its entries to the width it is given."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSizeF, Qt, QUrl
from PySide6.QtGui import QFont, QImage, QTextDocument, QTextOption
from PySide6.QtWidgets import QGraphicsTextItem, QSizePolicy

from ...theme import Theme, color

__all__ = ["set_points", "show_curve", "Key", "entry", "HALVES"]

#: Ticks of an axis of shares or probabilities: three, readable however low the plot.
HALVES = [[(0.0, "0"), (0.5, "½"), (1.0, "1")]]

#: The sample drawn before an entry's name, by the kind of item it stands for.
_GLYPHS = {"line": "━━", "dash": "╍╍", "dots": "┈┈┈", "dot": "●", "box": "■", "arrow": "→"}


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
            return  # unchanged: keep the cached picture
        data["x"] = pos[:, 0]
        data["y"] = pos[:, 1]
        item.prepareGeometryChange()
        item.informViewBoundsChanged()
        item.bounds = [None, None]
        item.invalidate()
        item.sigPlotChanged.emit(item)
    else:
        item.setData(pos=pos)


def show_curve(item: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
    """``item`` through (x, y), broken where y is not finite."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if y.size and not np.all(np.isfinite(y)):
        item.setData(x, y, connect="finite")
    else:
        item.setData(x, y, skipFiniteCheck=True)


def entry(kind: str, role: str, name: str) -> tuple[str, str, str]:
    """One entry of a :class:`Key`: a sample of ``kind`` (line, dash, dots, dot, box,
    arrow) in the colour of ``role`` (a theme role or a colour), then ``name``."""
    return kind, role, name


class Key(pg.GraphicsWidget):
    """A legend in a cell of its own beside or under a plot, so it never covers the data.

    Entries are coloured samples (━━, ●, ■ …) followed by names, in the theme's legend
    size.  With ``wrap`` the entries flow onto as many lines as the width the layout gives
    needs, centred, and the key never widens its column; without, one entry a line at its
    natural width.  An optional heading and a colour bar (a row of colours with words at
    both ends) come first.
    """

    def __init__(self, wrap: bool = True) -> None:
        super().__init__()
        self._wrap = wrap
        self._text = QGraphicsTextItem(self)
        self._text.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        option = self._text.document().defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # between entries (see &nbsp;)
        self._text.document().setDefaultTextOption(option)
        self._html = ""
        self._natural = QSizeF(0.0, 0.0)
        self._height = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """The key as plain text (for tests and people reading logs)."""
        return self._text.document().toPlainText()

    def set_entries(self, entries: Sequence[tuple[str, str, str]], theme: Theme, *,
                    heading: str = "", bar: tuple[np.ndarray, str, str] | None = None) -> None:
        """Show ``entries`` (see :func:`entry`); ``bar`` is (colours n × 3, left word,
        right word) drawn as a colour bar under the heading."""
        parts = []
        if heading:
            parts.append(f"<b>{heading}</b>")
        if bar is not None:
            colours, low, high = bar
            self._set_bar_image(colours, theme)
            parts.append(f"{low}&nbsp;<img src='mechgui:bar' style='vertical-align: middle'>"
                         f"&nbsp;{high}")
        items = [f"<span style='color:{color(role).name()}'>{_GLYPHS[kind]}</span>"
                 f"&nbsp;{name.replace(' ', '&nbsp;')}" for kind, role, name in entries]
        separator = " &nbsp; " if self._wrap else "<br>"
        parts.append(separator.join(items))
        align = "center" if self._wrap else "left"
        html = (f"<div align='{align}' style='font-size:{theme.legend_size}pt; "
                f"color:{theme.foreground}'>" + "<br>".join(parts) + "</div>")
        if html == self._html:
            return
        self._html = html
        font = QFont()
        font.setPointSize(theme.legend_size)
        self._text.setFont(font)
        self._text.setHtml(html)
        self._refit()

    def _set_bar_image(self, colours: np.ndarray, theme: Theme) -> None:
        rgb = np.ascontiguousarray(np.asarray(colours, dtype=np.ubyte)[:, :3])
        height = max(10, round(theme.legend_size * 1.1))
        width = 8 * height
        row = rgb[np.linspace(0, len(rgb) - 1, width).round().astype(int)]
        pixels = np.ascontiguousarray(np.repeat(row[None], height, axis=0))
        image = QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self._text.document().addResource(QTextDocument.ResourceType.ImageResource,
                                          QUrl("mechgui:bar"), image)
        self._html = ""  # the same text may now show another bar

    # -- layout ------------------------------------------------------------------------
    def _refit(self) -> None:
        """Lay the text out for the width given (wrapping it if allowed) and ask the layout
        for its height."""
        doc = self._text.document()
        self._text.setTextWidth(-1)
        self._natural = QSizeF(doc.idealWidth() + 2 * doc.documentMargin(), doc.size().height())
        width = self.size().width()
        if self._wrap and width > 0:
            self._text.setTextWidth(width)
        height = doc.size().height()
        if abs(height - self._height) > 0.5:
            self._height = height
            self.updateGeometry()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if self._wrap:
            self._refit()

    def sizeHint(self, which: Qt.SizeHint, constraint: QSizeF | None = None) -> QSizeF:
        # a key that wraps asks for no width: its plot's column decides
        width = 0.0 if self._wrap else self._natural.width()
        if which == Qt.SizeHint.MaximumSize:
            return QSizeF(16_777_215.0, self._height)
        return QSizeF(width, self._height)
