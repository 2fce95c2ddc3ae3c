"""Small pieces the tabs' explanations share: the Teach step box, the marker of the
selected element, and finding the element nearest the mouse on screen."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ..theme import Theme

__all__ = ["TEACH_KEY", "SelectionRing", "nearest_within", "stacked", "teach_box"]

#: The key of the Teach step button (on the tab shown).
TEACH_KEY = "T"


def teach_box(what: str, tip: str | None) -> tuple[QGroupBox, QPushButton | None]:
    """The side bar's "Explain" box: how to select ``what``, and the Teach step button
    (key T) unless ``tip`` is None."""
    box = QGroupBox("Explain")
    col = QVBoxLayout(box)
    button = None
    if tip is not None:
        button = QPushButton(f"Teach step ({TEACH_KEY})")
        button.setObjectName("teach-step")
        button.setShortcut(QKeySequence(TEACH_KEY))
        button.setToolTip(tip)
        col.addWidget(button)
    hint = QLabel(f"Click {what} (or click a plot and press Tab) to see its update rule with "
                  "this step's numbers under the plots; the status line reads out the value "
                  "under the mouse.")
    hint.setWordWrap(True)
    col.addWidget(hint)
    return box, button


def stacked(*widgets: QWidget) -> QWidget:
    """The side bar's boxes one under the other, as one widget."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        column.addWidget(widget)
    return holder


class SelectionRing:
    """The mark of the selected element on one plot: a ring around a point, or an
    outline (a closed polyline), in the theme's foreground, drawn above the data."""

    def __init__(self, plot: pg.PlotItem, symbol: str = "o") -> None:
        self.ring = pg.ScatterPlotItem(symbol=symbol, pxMode=True)
        self.outline = pg.PlotDataItem()
        for item in (self.ring, self.outline):
            item.setZValue(50)
            plot.addItem(item, ignoreBounds=True)

    def show_point(self, x: float, y: float) -> None:
        self.ring.setData([x], [y])
        self.outline.setData([], [])

    def show_outline(self, xs, ys) -> None:
        self.outline.setData(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
        self.ring.setData([], [])

    def hide(self) -> None:
        self.ring.setData([], [])
        self.outline.setData([], [])

    def restyle(self, theme: Theme, size: float | None = None) -> None:
        width = 3.0 if theme.name == "lecture" else 2.0
        self.ring.setPen(pg.mkPen(theme.foreground, width=width))
        self.ring.setBrush(pg.mkBrush(None))
        self.ring.setSize(size if size is not None else theme.symbol_size * 2.8)
        self.outline.setPen(theme.pen(theme.foreground, theme.line_width * 1.1))


def nearest_within(points: np.ndarray, x: float, y: float, box: pg.ViewBox,
                   pixels: float) -> int | None:
    """The index of the point of ``points`` (N × 2, data coordinates of ``box``) nearest
    (x, y) on screen, if it lies within ``pixels`` pixels; else None."""
    points = np.asarray(points, dtype=float)
    if not len(points):
        return None
    px, py = box.viewPixelSize()
    if not px or not py:
        return None
    d = ((points[:, 0] - x) / px) ** 2 + ((points[:, 1] - y) / py) ** 2
    best = int(np.argmin(d))
    return best if d[best] <= pixels * pixels else None
