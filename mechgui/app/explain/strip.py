"""The strip under a tab's plots that says what is shown: a teach step's caption and the
formula of the selected element with the last step's numbers, in plain text and the
theme's sizes (large in lecture mode).

The strip is hidden while nothing is selected and no teach step plays, so that a tab's
plots keep all their room until a lecturer asks for an explanation.  Its height changes
only when the selection changes or a longer formula needs another line, never with each
frame's numbers: a label asking for new room would re-lay out the whole tab every frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..theme import NORMAL, Theme

__all__ = ["MAX_FORMULA_LINES", "ExplainStrip"]

#: Lines a formula may take at most (a longer one is cut at the strip's edge).
MAX_FORMULA_LINES = 3
#: Most lines a teach step's caption takes (a MaxNet or SOM stage's caption wraps to three
#: on a narrow window).
MAX_CAPTION_LINES = 3
#: Pixels of a label's width its text cannot use (the caption's padding and frame).
TEXT_MARGIN = 16
#: The caption of a teach step on a light band.
CAPTION_STYLE = ("QLabel {{ color: #1A1A1A; background: #EAF2F8; border-left: 4px solid "
                 "#0072B2; padding: 2px 6px; font-size: {size}pt; font-weight: bold; }}")


def _label(name: str) -> QLabel:
    label = QLabel(" ")
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    # changing numbers must not re-lay out the tab: the labels never ask for room
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    label.hide()
    return label


class ExplainStrip(QWidget):
    """A teach step's caption over the selected element's formula (each hidden when empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explain-strip")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        self.caption = _label("explain-caption")
        self.formula = _label("explain-formula")
        layout.addWidget(self.caption)
        layout.addWidget(self.formula)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._lines = 1  # lines the formula label has room for
        self._formula = ""
        self.restyle(NORMAL)
        self.hide()

    # -- what it shows -------------------------------------------------------------------
    def set_formula(self, text: str | None) -> None:
        """The selected element's formula; None: nothing selected (the line goes)."""
        text = text or ""
        if text == self._formula:
            return
        self._formula = text
        if text:
            self.formula.setText(text)
            self._fit_lines(text)
        self._show(self.formula, bool(text))

    def set_caption(self, text: str | None) -> None:
        """A teach step's caption over the formula (None hides it)."""
        if text:
            self.caption.setText(text)
            self._fit_caption(text)
        self._show(self.caption, bool(text))

    def formula_text(self) -> str:
        """The formula shown ("" when none)."""
        return self._formula

    def caption_text(self) -> str:
        return self.caption.text() if not self.caption.isHidden() else ""

    def shrink(self) -> None:
        """Give back the room of a long formula (the selection changed)."""
        self._lines = 1
        if self._formula:
            self._fit_lines(self._formula)

    # -- room and style ------------------------------------------------------------------
    def _show(self, label: QLabel, on: bool) -> None:
        if label.isHidden() == on:
            label.setVisible(on)
        wanted = not (self.caption.isHidden() and self.formula.isHidden())
        if self.isHidden() == wanted:
            self.setVisible(wanted)

    def _needed_lines(self, label: QLabel, text: str) -> int:
        metrics = QFontMetrics(label.font())
        width = max(50, (label.width() if label.width() > 50 else self.width()) - TEXT_MARGIN)
        rect = metrics.boundingRect(QRect(0, 0, width, 10_000),
                                    int(Qt.TextFlag.TextWordWrap), text)
        return max(1, -(-rect.height() // metrics.lineSpacing()))

    def _fit_lines(self, text: str) -> None:
        lines = min(MAX_FORMULA_LINES, self._needed_lines(self.formula, text))
        self._lines = max(self._lines, lines)
        self.formula.setFixedHeight(self._lines * QFontMetrics(self.formula.font()).lineSpacing()
                                    + 4)

    def _fit_caption(self, text: str) -> None:
        lines = min(MAX_CAPTION_LINES, self._needed_lines(self.caption, text))
        self.caption.setFixedHeight(lines * QFontMetrics(self.caption.font()).lineSpacing() + 8)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.shrink()  # fitted anew to the new width

    def restyle(self, theme: Theme) -> None:
        formula_font = QFont()
        formula_font.setPointSize(theme.font_size + 1)
        self.formula.setFont(formula_font)
        self.formula.setStyleSheet(f"QLabel {{ color: {theme.foreground}; }}")
        caption_font = QFont()
        caption_font.setPointSize(theme.font_size)
        caption_font.setBold(True)
        self.caption.setFont(caption_font)
        self.caption.setStyleSheet(CAPTION_STYLE.format(size=theme.font_size))
        self.shrink()
        if not self.caption.isHidden():
            self._fit_caption(self.caption.text())
