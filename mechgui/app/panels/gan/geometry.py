"""What the GAN tab computes before drawing, without Qt: D's colour table, G's noise grid and
the gradient arrows as line sets, axis ranges that do not jitter, the losses' values at the
equilibrium, and numbers as the readout shows them."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["heat_lut", "manifold_lines", "arrow_segments", "AxisRange", "equilibrium_lines",
           "number", "LOG2"]

LOG2 = math.log(2.0)


def heat_lut() -> np.ndarray:
    """256 × 3 ubyte: pale blue (D = 0, 'fake') → white (½) → pale orange (D = 1, 'real')."""
    stops = np.array([[150, 190, 232], [255, 255, 255], [250, 200, 120]], dtype=float)
    t = np.linspace(0.0, 2.0, 256)
    low = np.clip(np.floor(t).astype(int), 0, 1)
    frac = (t - low)[:, None]
    return (stops[low] * (1 - frac) + stops[low + 1] * frac).round().astype(np.ubyte)


def manifold_lines(manifold: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and the connect array drawing G's image of the noise grid as one item.

    ``manifold`` is (rows, columns, 2): the rows and then the columns become
    polylines (a single row, for 1-D noise, is one polyline).
    """
    m = np.asarray(manifold, dtype=float)
    lines = [m]
    if m.shape[0] > 1:
        lines.append(m.transpose(1, 0, 2))
    xs, ys, conns = [], [], []
    for block in lines:
        n_lines, n_points = block.shape[0], block.shape[1]
        xs.append(block[..., 0].ravel())
        ys.append(block[..., 1].ravel() if block.shape[2] > 1 else np.zeros(block[..., 0].size))
        c = np.ones((n_lines, n_points), dtype=bool)
        c[:, -1] = False
        conns.append(c.ravel())
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(conns)


def arrow_segments(points: np.ndarray, vectors: np.ndarray, reach: float,
                   head: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """x and y for ``connect="pairs"``: a shaft and two head strokes per arrow.

    Arrows are scaled together so that the longest is ``reach`` long.
    """
    p = np.asarray(points, dtype=float)
    v = np.asarray(vectors, dtype=float)
    n = len(p)
    if n == 0:
        return np.empty(0), np.empty(0)
    length = np.hypot(v[:, 0], v[:, 1])
    top = float(np.max(length)) if np.all(np.isfinite(length)) else 0.0
    scale = reach / top if top > 0 else 0.0
    d = v * scale
    tip = p + d
    # two head strokes: the shaft turned back by ±25°, head × as long
    c, s = math.cos(math.radians(25)), math.sin(math.radians(25))
    back = -d * head
    left = np.column_stack([back[:, 0] * c - back[:, 1] * s, back[:, 0] * s + back[:, 1] * c])
    right = np.column_stack([back[:, 0] * c + back[:, 1] * s, -back[:, 0] * s + back[:, 1] * c])
    seg = np.empty((n, 6, 2))
    seg[:, 0], seg[:, 1] = p, tip
    seg[:, 2], seg[:, 3] = tip, tip + left
    seg[:, 4], seg[:, 5] = tip, tip + right
    seg = seg.reshape(-1, 2)
    return seg[:, 0], seg[:, 1]


class AxisRange:
    """An axis range with hysteresis: set anew only when the data leave it or shrink a lot."""

    def __init__(self) -> None:
        self.current: tuple[float, float] | None = None

    def fit(self, lo: float, hi: float, pad: float = 0.1) -> tuple[float, float] | None:
        """The new range for data in [lo, hi], or None to keep the one set."""
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return None
        if hi - lo < 1e-6:
            lo, hi = lo - 0.5, hi + 0.5
        cur = self.current
        if cur is not None and cur[0] <= lo and hi <= cur[1] and \
                (hi - lo) > 0.4 * (cur[1] - cur[0]):
            return None
        span = hi - lo
        self.current = (lo - pad * span, hi + pad * span)
        return self.current


def equilibrium_lines(loss: str) -> list[tuple[str, float, str]]:
    """(whose, value, text) of the losses where p_g = p_data and D = D* = ½: D's loss, G's
    loss and, under the minimax loss, the value V of the game (−log 4)."""
    if loss == "minimax":
        return [("D", 2 * LOG2, "2 log 2"), ("G", -LOG2, "−log 2"), ("V", -2 * LOG2, "−log 4")]
    if loss == "non-saturating":
        return [("D", 2 * LOG2, "2 log 2"), ("G", LOG2, "log 2")]
    if loss == "least-squares":
        return [("D", 0.25, "¼"), ("G", 0.125, "⅛")]
    return [("D", 0.0, "0")]


def number(value: object, spec: str = ".3f") -> str:
    """``value`` formatted by ``spec``, or "–" while there is none (nan before the first
    update, None for a metric the target has not)."""
    if value is None:
        return "–"
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
    return format(x, spec) if math.isfinite(x) else "–"
