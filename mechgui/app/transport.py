"""The transport bar every tab shares: Play/Pause, Step, Reset, speed, step counter, badge."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QStyle, QWidget

from .pacing import MAX_SPEED
from .theme import STATUS_COLOURS

__all__ = ["TransportBar", "SPEEDS", "BADGES", "status_text", "speed_label"]

#: Speeds offered by the slider, in steps per second (MAX_SPEED: as fast as possible).
SPEEDS: tuple[float, ...] = (1, 2, 5, 10, 30, 100, 1000, 10_000, MAX_SPEED)

#: The badge's words for each final status of an engine.
_STATUS_TEXT = {
    "converged": "converged ✓",
    "done": "done ✓",
    "all_zero": "all zero ✗",
    "tie": "tie ✗",
    "max_steps": "step cap reached",
    "diverged": "diverged ✗",
}
#: Every text the badge can show (README lists them), the widest sizing it.
BADGES: tuple[str, ...] = ("preparing…", "ready", "running", "paused", "slow motion",
                           *_STATUS_TEXT.values())


def status_text(status: str, playing: bool, step: int) -> str:
    """The badge's words for an engine status."""
    if status == "running":
        if playing:
            return "running"
        return "ready" if step == 0 else "paused"
    return _STATUS_TEXT.get(status, status.replace("_", " "))


def speed_label(speed: float) -> str:
    return "max speed" if speed == MAX_SPEED else f"{speed:g} step/s"


class TransportBar(QWidget):
    """Play/Pause, Step, Reset, speed, step counter and status badge.

    Its buttons never take the keyboard: Space, → and R stay the window's.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_button = QPushButton(self._play_icon, "Play")
        self.play_button.setObjectName("play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Play / pause (Space)")
        self.step_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward),
                                       "Step")
        self.step_button.setObjectName("step")
        self.step_button.setToolTip("One step (→)")
        self.reset_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload),
                                        "Reset")
        self.reset_button.setObjectName("reset")
        self.reset_button.setToolTip("Back to the initial state (R)")
        for b in (self.play_button, self.step_button, self.reset_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumWidth(90)
            row.addWidget(b)
        row.addSpacing(16)
        row.addWidget(QLabel("speed"))
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setPageStep(1)
        self.speed_slider.setMinimumWidth(140)
        self.speed_slider.setMaximumWidth(220)
        self.speed_slider.setToolTip("Steps per second: from slow motion to as fast as possible")
        self.speed_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.speed_slider)
        self.speed_label = QLabel()
        row.addWidget(self.speed_label)
        row.addStretch(1)
        self.step_label = QLabel("step 0")
        self.step_label.setObjectName("step-counter")
        self.step_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = self.step_label.font()
        font.setBold(True)
        self.step_label.setFont(font)
        row.addWidget(self.step_label)
        row.addSpacing(8)
        self.badge = QLabel()
        self.badge.setObjectName("status-badge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.badge)
        self._badge_state: tuple[str, str] | None = None
        self._fix_widths()
        self.speed_slider.valueChanged.connect(self._show_speed)
        self.set_badge("ready", "preparing…")
        self.set_ready(False)

    def _fix_widths(self) -> None:
        """Widths that fit the widest text: a label growing with each digit would re-lay
        out the window, and a badge narrower than its bold words would clip them."""
        self.step_label.setFixedWidth(self.step_label.fontMetrics().horizontalAdvance(
            "step 000000000") + 8)
        self.speed_label.setFixedWidth(self.speed_label.fontMetrics().horizontalAdvance(
            "10000 step/s") + 8)
        bold = QFont(self.badge.font())
        bold.setBold(True)
        widest = max(QFontMetrics(bold).horizontalAdvance(text) for text in BADGES)
        self.badge.setFixedWidth(widest + 2 * 10 + 12)  # the style sheet's padding, a margin

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fix_widths()

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_slider.value()]

    def set_speed(self, speed: float) -> None:
        index = min(range(len(SPEEDS)), key=lambda i: abs((SPEEDS[i] or 1e9) - (speed or 1e9)))
        self.speed_slider.setValue(index)
        self._show_speed(index)

    @Slot(int)
    def _show_speed(self, index: int) -> None:
        self.speed_label.setText(speed_label(SPEEDS[index]))

    def set_ready(self, ready: bool) -> None:
        """Buttons work once the engine is built (a key pressed before waits for it)."""
        for b in (self.play_button, self.step_button, self.reset_button):
            b.setEnabled(ready)

    def set_playing(self, playing: bool) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)
        self.play_button.blockSignals(False)

    def set_badge(self, status: str, text: str) -> None:
        """Show ``text`` in the colour of ``status`` (an engine status, or "playing")."""
        key = "playing" if text == "running" else \
            ("ready" if text in ("ready", "paused", "preparing…") else status)
        if (key, text) == self._badge_state:
            return  # a style sheet set every frame would re-style and repaint the window
        self._badge_state = (key, text)
        colour = STATUS_COLOURS.get(key, "#5A6270")
        self.badge.setText(text)
        self.badge.setStyleSheet(f"QLabel {{ background: {colour}; color: white; "
                                 f"border-radius: 6px; padding: 3px 10px; font-weight: bold; }}")
