"""The strip under a tab's plots that says what is shown: a teach step's caption, the
formula of the selected element with the last step's numbers, and the read-out of the
value under the mouse.  Plain text, in the theme's sizes (large in lecture mode).

Its height changes only when the selection changes or a longer formula needs another
line, never with each frame's numbers: a label asking for new room would re-lay out the
whole tab every frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..theme import NORMAL, Theme

__all__ = ["MAX_FORMULA_LINES", "ExplainStrip"]

#: Lines a formula may take at most (a longer one is cut at the strip's edge).
MAX_FORMULA_LINES = 3
#: Colours: the formula in the theme's foreground, the read-out and hints muted, the
#: caption of a teach step on a light band.
READOUT_COLOUR = "#3C4650"
CAPTION_STYLE = ("QLabel {{ color: #1A1A1A; background: #EAF2F8; border-left: 4px solid "
                 "#0072B2; padding: 2px 6px; font-size: {size}pt; font-weight: bold; }}")


def _label(name: str, wrap: bool) -> QLabel:
    label = QLabel(" ")
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    # changing numbers must not re-lay out the tab: the labels never ask for room
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    return label


class ExplainStrip(QWidget):
    """Caption (hidden unless a teach step plays), formula, read-out: three labels."""

    def __init__(self, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explain-strip")
        self.hint = hint
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(1)
        self.caption = _label("explain-caption", True)
        self.caption.hide()
        self.formula = _label("explain-formula", True)
        self.readout = _label("explain-readout", False)
        for label in (self.caption, self.formula, self.readout):
            layout.addWidget(label)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._theme = NORMAL
        self._lines = 1  # lines the formula label has room for
        self._formula = ""
        self._hinting = True
        self.restyle(NORMAL)
        self.set_formula(None)

    # -- what it shows -------------------------------------------------------------------
    def set_formula(self, text: str | None) -> None:
        """The selected element's formula; None shows the hint (nothing selected)."""
        self._hinting = text is None
        shown = self.hint if text is None else text
        if shown == self._formula:
            return
        self._formula = shown
        self.formula.setText(shown)
        self._fit_lines(shown)

    def set_readout(self, text: str) -> None:
        if text != self.readout.text():
            self.readout.setText(text or " ")

    def set_caption(self, text: str | None) -> None:
        """A teach step's caption over the formula (None hides it)."""
        if text is None:
            if self.caption.isVisible() or not self.caption.isHidden():
                self.caption.hide()
                self.caption.setText(" ")
            return
        self.caption.setText(text)
        self._fit_caption(text)
        self.caption.show()

    def formula_text(self) -> str:
        """The formula shown ("" while the hint is shown)."""
        return "" if self._hinting else self._formula

    def readout_text(self) -> str:
        return self.readout.text().strip()

    def caption_text(self) -> str:
        return self.caption.text().strip() if not self.caption.isHidden() else ""

    def shrink(self) -> None:
        """Give back the room of a long formula (the selection changed)."""
        self._lines = 1
        self._fit_lines(self._formula)

    # -- room and style ------------------------------------------------------------------
    def _needed_lines(self, label: QLabel, text: str) -> int:
        metrics = QFontMetrics(label.font())
        width = max(50, (label.width() if label.width() > 50 else self.width()) - 8)
        rect = metrics.boundingRect(QRect(0, 0, width, 10_000),
                                    int(Qt.TextFlag.TextWordWrap), text)
        return max(1, -(-rect.height() // metrics.lineSpacing()))

    def _fit_lines(self, text: str) -> None:
        lines = min(MAX_FORMULA_LINES, self._needed_lines(self.formula, text))
        self._lines = max(self._lines, lines)
        self.formula.setFixedHeight(self._lines * QFontMetrics(self.formula.font()).lineSpacing()
                                    + 4)

    def _fit_caption(self, text: str) -> None:
        lines = min(2, self._needed_lines(self.caption, text))
        self.caption.setFixedHeight(lines * QFontMetrics(self.caption.font()).lineSpacing() + 8)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._lines = 1  # fitted anew to the new width
            self._fit_lines(self._formula)

    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        formula_font = QFont()
        formula_font.setPointSize(theme.font_size + 1)
        self.formula.setFont(formula_font)
        self.formula.setStyleSheet(f"QLabel {{ color: {theme.foreground}; }}")
        readout_font = QFont()
        readout_font.setPointSize(theme.font_size)
        self.readout.setFont(readout_font)
        self.readout.setStyleSheet(f"QLabel {{ color: {READOUT_COLOUR}; }}")
        self.readout.setFixedHeight(QFontMetrics(readout_font).lineSpacing() + 4)
        caption_font = QFont()
        caption_font.setPointSize(theme.font_size)
        caption_font.setBold(True)
        self.caption.setFont(caption_font)
        self.caption.setStyleSheet(CAPTION_STYLE.format(size=theme.font_size))
        self._lines = 1
        self._fit_lines(self._formula)
        if not self.caption.isHidden():
            self._fit_caption(self.caption.text())
