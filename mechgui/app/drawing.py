"""Points a user draws with the mouse, as their own data (the SOM's inputs, the GAN's target)."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from .widgets import DrawViewBox

__all__ = ["DrawnPoints", "MAX_DRAWN_POINTS"]

#: Most points a drawing may hold (a drag adds points for as long as it lasts).
MAX_DRAWN_POINTS = 20_000


class DrawnPoints(QObject):
    """The points drawn on a :class:`DrawViewBox` while :attr:`enabled`.

    Each mouse position adds one point, at least ``spacing`` (a share of the view's
    size) from the last, so that a drag places points rather than a solid line; or,
    with ``spray`` > 0, that many points scattered around it (``spread``, a share of
    the view's width).  ``changed`` is emitted after every change.
    """

    changed = Signal()

    def __init__(self, box: DrawViewBox, *, spray: int = 0, spread: float = 0.025,
                 spacing: float = 0.015, seed: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._box = box
        self._spray = spray
        self._spread = spread
        self._spacing = spacing
        self._rng = np.random.default_rng(seed)
        self._points: list[np.ndarray] = []
        self._count = 0
        self.enabled = False
        box.drawing_enabled = False
        box.sigDraw.connect(self._draw_at)

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, on: bool) -> None:
        self._enabled = bool(on)
        self._box.drawing_enabled = self._enabled

    def __len__(self) -> int:
        return self._count

    def points(self) -> np.ndarray:
        """(n, 2) array of the points drawn, in data coordinates."""
        if not self._points:
            return np.empty((0, 2))
        return np.concatenate(self._points)

    def add(self, points: np.ndarray) -> int:
        """Add rows of (x, y), up to :data:`MAX_DRAWN_POINTS` in all; how many were added."""
        pts = np.asarray(points, dtype=float).reshape(-1, 2)[: MAX_DRAWN_POINTS - self._count]
        if len(pts):
            self._points.append(pts)
            self._count += len(pts)
            self.changed.emit()
        return len(pts)

    def clear(self) -> None:
        if self._count:
            self._points, self._count = [], 0
            self.changed.emit()

    @Slot(float, float)
    def _draw_at(self, x: float, y: float) -> None:
        if not self._enabled:
            return
        rect = self._box.viewRect()
        if self._spray:
            spread = self._spread * rect.width()
            self.add(np.array([x, y]) + self._rng.normal(0.0, spread, size=(self._spray, 2)))
            return
        if self._points:
            px, py = self._points[-1][-1]
            if math.hypot((x - px) / max(rect.width(), 1e-12),
                          (y - py) / max(rect.height(), 1e-12)) < self._spacing:
                return
        self.add(np.array([[x, y]]))
