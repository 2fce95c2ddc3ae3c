"""Mouse moves over a plot canvas, passed on to pyqtgraph at most once per interval while
no button is held: pyqtgraph finds the items under the mouse on every move it is given (its
hover events), which costs far more than drawing a read-out, and a mouse sends a hundred
moves a second (the explainer notes every move itself, before this filter).  The last move of a burst is always delivered (when the interval ends, or at once
before a button press, so that a click goes to the items under the mouse); a move with a
button held (a drag that draws) passes at once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["HoverThrottle"]


class HoverThrottle(QObject):
    """An event filter for one canvas's viewport (see the module's text)."""

    #: The shortest time between two moves passed on while no button is held (ms).
    interval_ms = 100

    def __init__(self, viewport: QWidget) -> None:
        super().__init__(viewport)
        self.viewport = viewport
        self._pending: tuple[QPointF, QPointF, Qt.KeyboardModifier] | None = None
        self._passing = False  # a move of our own on its way through
        self._quiet = QTimer(self)  # running: a move was passed on less than an interval ago
        self._quiet.setSingleShot(True)
        self._quiet.timeout.connect(self._deliver)
        #: Moves held back and moves passed on (for the benchmark and the tests).
        self.held = 0
        self.passed = 0
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove and not self._passing:
            if event.buttons() != Qt.MouseButton.NoButton:
                self._pending = None
                return False
            if self._quiet.isActive():
                self._pending = (event.position(), event.globalPosition(), event.modifiers())
                self.held += 1
                return True
            self.passed += 1
            self._quiet.start(self.interval_ms)
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._deliver()  # the items under the mouse now, before the click
        elif kind == QEvent.Type.Leave:
            self._pending = None
        return False

    def _deliver(self) -> None:
        """Pass on the last move held back, if any."""
        if self._pending is None:
            return
        position, global_position, modifiers = self._pending
        self._pending = None
        move = QMouseEvent(QEvent.Type.MouseMove, position, global_position,
                           Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, modifiers)
        self._passing = True
        try:
            QApplication.sendEvent(self.viewport, move)
        finally:
            self._passing = False
        self.passed += 1
        self._quiet.start(self.interval_ms)
