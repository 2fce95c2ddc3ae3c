"""Small pyqtgraph pieces shared by the panels."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSizeF, Qt, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel

__all__ = ["DrawViewBox", "FittedTitle", "fit_title", "bar_edges", "warning_banner", "set_stretch"]

#: Characters left out before the "…" of a shortened title (a dangling dash or comma).
_TRAILING = " \t—–-,:;(/"


class DrawViewBox(pg.ViewBox):
    """A view box on which the left mouse button draws values instead of panning.

    ``sigDraw(x, y)`` reports each point under the mouse in data coordinates
    while a click or drag lasts; ``sigDrawFinished`` when the button is
    released.  The right button keeps pyqtgraph's menu (export, view all).
    """

    sigDraw = Signal(float, float)
    sigDrawFinished = Signal()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.drawing_enabled = True
        self.setMouseEnabled(x=False, y=False)

    def mouseClickEvent(self, ev) -> None:
        if self.drawing_enabled and ev.button() == Qt.MouseButton.LeftButton:
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
