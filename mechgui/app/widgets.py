"""Small pyqtgraph pieces shared by the panels."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

__all__ = ["DrawViewBox", "bar_edges"]


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


def bar_edges(count: int) -> np.ndarray:
    """Bar edges for ``stepMode='center'``: bar j (1-based) spans j ± 0.5."""
    return np.arange(count + 1, dtype=float) + 0.5
