"""The strip under the GAN tab's plots: the live formula of what is selected (rich text, the
losses' subscripts set) and a status line with the value under the mouse, which never
covers the data.  :class:`HoverReadout` follows the mouse over the plane and the curves
and writes that line from the last snapshot, at most once a frame.

The strip's interface (``show_formula``, ``show_hover``, ``restyle``) is all a tab needs,
so a strip shared by every tab can take its place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, Qt, QTimer, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...theme import Theme
from .formulas import as_html

__all__ = ["ExplainStrip", "HoverReadout", "HOVER_HINT", "CURVES_HINT"]

_PADDING = 3  # pixels above and below the formula's text

#: The status line while the mouse is over no plot.
HOVER_HINT = ("Point at the plane or a curve to read its values · click the plane for D(x) "
              "there · Tab through the model's parts")
#: The same on the pages with no plane of D (the 1-D toy, the cGAN, the digits).
CURVES_HINT = "Point at a curve to read its values"


class ExplainStrip(QWidget):
    """Two labels: the formula (one line per entry of ``show_formula``, wrapped where too
    long) and the status line (one line, cut short with … where too long)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gan-explain")
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        self.formula_label = QLabel()
        self.formula_label.setObjectName("gan-formula")
        self.formula_label.setTextFormat(Qt.TextFormat.RichText)
        self.formula_label.setWordWrap(True)
        self.formula_label.setToolTip("The formula of what is selected, with the engine's "
                                      "numbers of the frame shown")
        self.hover_label = QLabel()
        self.hover_label.setObjectName("gan-hover")
        self.hover_label.setTextFormat(Qt.TextFormat.PlainText)
        # changing text never asks the window for room (no re-layout while numbers change)
        for label in (self.formula_label, self.hover_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            col.addWidget(label)
        self._lines: list[str] = []
        self._hover = ""
        self._rows = 0
        self._hinting = True
        self._hint = HOVER_HINT
        self._colours = ("#1A1A1A", "#5A6270")
        self._ink = ""
        self.show_hover("")

    # -- text ----------------------------------------------------------------------------
    def show_formula(self, lines: Sequence[str], refit: bool = False) -> None:
        """The formula's lines; ``refit`` lets the strip shrink (a new selection) where
        otherwise it only grows (changing numbers must not make it jump)."""
        lines = list(lines)
        if lines == self._lines and not refit:
            return
        self._lines = lines
        self.formula_label.setText("<br>".join(as_html(line) for line in lines))
        self._fit(grow_only=not refit)

    def formula_text(self) -> str:
        """The formula as plain text, one line per entry."""
        return "\n".join(self._lines)

    def show_hover(self, text: str) -> None:
        """The status line; empty for the hint of what the mouse can do."""
        hinting = not text
        if text == self._hover and hinting == self._hinting and self.hover_label.text():
            return
        self._hover, self._hinting = text, hinting
        self._show_hover()

    def set_hint(self, hint: str) -> None:
        """What the status line says while the mouse reads out nothing."""
        if hint != self._hint:
            self._hint = hint
            self._show_hover()

    def hover_text(self) -> str:
        """The status line's whole text ("" while it shows the hint)."""
        return self._hover

    def _show_hover(self) -> None:
        label = self.hover_label
        text = self._hover or self._hint
        width = max(label.width() - 8, 40)
        label.setText(QFontMetrics(label.font()).elidedText(text, Qt.TextElideMode.ElideRight,
                                                             width))
        ink = self._colours[1] if self._hinting else self._colours[0]
        if ink != self._ink:  # (a style sheet costs far more than the text)
            self._ink = ink
            label.setStyleSheet(f"QLabel {{ color: {ink}; padding: 1px 6px; }}")

    # -- size and theme ------------------------------------------------------------------
    def _fit(self, grow_only: bool) -> None:
        """The formula's height: the rows its lines take at the label's width (at least
        two), set only when it changes (grown only, if ``grow_only``)."""
        label = self.formula_label
        width = max(label.width() - 16, 600)  # (before the first layout: a guess)
        metrics = QFontMetrics(label.font())
        rows = sum(metrics.boundingRect(QRect(0, 0, width, 10_000),
                                        Qt.TextFlag.TextWordWrap, line).height()
                   // metrics.lineSpacing() for line in self._lines or [""])
        rows = max(2, rows)
        if rows != self._rows and not (grow_only and rows < self._rows):
            self._rows = rows
            label.setFixedHeight(rows * metrics.lineSpacing() + 2 * _PADDING + 4)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit(grow_only=False)
        self._show_hover()

    def restyle(self, theme: Theme) -> None:
        self._colours = (theme.foreground, "#5A6270")
        self._ink = ""
        for label in (self.formula_label, self.hover_label):
            font = label.font()
            font.setPointSize(theme.legend_size + 1)  # as the plots' keys, a point more
            label.setFont(font)
        self.formula_label.setStyleSheet(
            f"QLabel {{ color: {theme.foreground}; background: #F3F5F8; "
            f"border-left: {6 if theme.name == 'lecture' else 4}px solid #CC79A7; "
            f"padding: {_PADDING}px 8px; }}")
        self._rows = 0
        self._fit(grow_only=False)
        self._show_hover()


class HoverReadout(QObject):
    """Writes the status line for the mouse over the plane or a curve plot.

    ``text_at(where, x, y)`` gives the line for a point in a plot's data coordinates
    (``where``: "plane", or a curve plot's name), from the last snapshot.  A move only
    marks the line stale: it is written on a timer at most once per ``interval_ms`` (the
    panel's frame interval), and again after each frame while the mouse stays.
    """

    def __init__(self, text_at: Callable[[str, float, float], str], strip: ExplainStrip,
                 plots: dict[str, tuple[pg.GraphicsLayoutWidget, pg.ViewBox]],
                 interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text_at = text_at
        self._strip = strip
        self._plots = plots
        self._where: tuple[pg.GraphicsLayoutWidget, QPointF] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._write)
        self.writes = 0  # lines written (a test counts them against the frames)
        graphics = {id(g): g for g, _ in plots.values()}
        for view in graphics.values():
            view.scene().sigMouseMoved.connect(self._moved)
            view.viewport().installEventFilter(self)

    @Slot(object)
    def _moved(self, pos: QPointF) -> None:
        scene = self.sender()
        view = next((g for g, _ in self._plots.values() if g.scene() is scene), None)
        if view is None:
            return
        self._where = (view, QPointF(pos))
        self.refresh()

    def refresh(self) -> None:
        """Write the line again soon (a new frame, a move), at most once per interval."""
        if self._where is not None and not self._timer.isActive():
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self._where = None
            self._timer.stop()
            self._strip.show_hover("")
        return False

    @Slot()
    def _write(self) -> None:
        if self._where is None:
            return
        view, pos = self._where
        text = ""
        for name, (graphics, box) in self._plots.items():
            if graphics is view and box.isVisible() and box.sceneBoundingRect().contains(pos):
                point = box.mapSceneToView(pos)
                text = self._text_at(name, point.x(), point.y())
                break
        self.writes += 1
        self._strip.show_hover(text)
