"""Small pyqtgraph pieces shared by the panels."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

__all__ = ["DrawViewBox", "bar_edges", "warning_banner", "set_stretch"]


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
