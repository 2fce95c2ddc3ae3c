"""The weight matrix w_ij (one row per unit j), shown in the input space's place for data
of another dimension than 2; small matrices carry their values as numbers."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ...panel import SimulationPanel
from ...theme import Theme

__all__ = ["LUT", "MatrixView"]

#: Matrices of at most this many weights show each value as a number.
MAX_NUMBERED_WEIGHTS = 64
#: The colour map of the matrix and of the map's cells.
LUT = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False).astype(np.ubyte)



def index_ticks(count: int, most: int) -> list[tuple[int, str]]:
    """Ticks for indices 1…count: 1, then multiples of a round step (1, 2, 5, 10, 20, …),
    at most ``most`` of them, so that the labels never run into each other."""
    step = 1
    while count / step > most:
        step = _next_round(step)
    found = [1] + [k for k in range(step, count + 1, step) if k - 1 > step / 2]
    return [(k, str(k)) for k in found]


def _next_round(step: int) -> int:
    """The round step after ``step``: 1, 2, 5, 10, 20, 50, …"""
    digits = 10 ** (len(str(step)) - 1)
    lead = step // digits
    return {1: 2, 2: 5, 5: 10}[lead] * digits

class MatrixView:
    """The weight matrix's plot and items, built once; :meth:`draw` shows one matrix."""

    def __init__(self, panel: SimulationPanel) -> None:
        self.plot = panel.add_plot(None, "Weights w<sub>ij</sub>", left="unit j",
                                   bottom="component i")
        self.plot.getViewBox().invertY(True)
        self.plot.setMouseEnabled(x=False, y=False)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setLookupTable(LUT)
        self.plot.addItem(self.image_item)
        self.winner_item = pg.PlotDataItem()
        self.plot.addItem(self.winner_item)
        self.texts: list[pg.TextItem] = []
        self._theme = panel.theme

    def set_shape(self, units: int, dim: int) -> None:
        """A matrix of ``units`` rows and ``dim`` columns: ticks, frame and numbers."""
        for text in self.texts:
            self.plot.removeItem(text)
        self.texts = []
        if units * dim <= MAX_NUMBERED_WEIGHTS and dim != 2:
            for _ in range(units * dim):
                text = pg.TextItem(anchor=(0.5, 0.5))
                self.plot.addItem(text)
                self.texts.append(text)
        if units:
            self.image_item.setImage(np.zeros((units, dim), dtype=np.float32),
                                     autoLevels=False, levels=(0, 1))
        self.image_item.setRect(QRectF(0.5, 0.5, dim, units))
        for name, count, most in (("bottom", dim, 6), ("left", units, 10)):
            self.plot.getAxis(name).setTicks([index_ticks(count, most), []])
        self.plot.getViewBox().setRange(xRange=(0.5, dim + 0.5), yRange=(0.5, units + 0.5),
                                        padding=0.02)
        self.restyle(self._theme)

    def draw(self, weights: np.ndarray, winner: int | None) -> None:
        """The weights, the winner's row outlined."""
        w = weights.astype(np.float32)
        levels = (min(float(np.min(w)), 0.0), max(float(np.max(w)), 1.0))
        self.image_item.setImage(w, autoLevels=False, levels=levels)
        n = w.shape[1]
        if winner is not None:
            y = winner + 1
            self.winner_item.setData([0.5, n + 0.5, n + 0.5, 0.5, 0.5],
                                     [y - .5, y - .5, y + .5, y + .5, y - .5])
        else:
            self.winner_item.setData([], [])
        mid = (levels[0] + levels[1]) / 2
        for k, text in enumerate(self.texts):
            j, i = divmod(k, n)
            text.setText(f"{weights[j, i]:.3f}".rstrip("0").rstrip(".") or "0")
            text.setPos(i + 1, j + 1)
            text.setColor("#FFFFFF" if float(w[j, i]) < mid else "#1A1A1A")

    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        self.winner_item.setPen(theme.pen("winner", theme.line_width))
        font = pg.QtGui.QFont()
        font.setPointSize(theme.tick_size)
        for text in self.texts:
            text.setFont(font)
