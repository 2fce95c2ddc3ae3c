"""Chapter 4's "Extensions of SOM": hyper-ellipse units and fuzzy (soft) memberships.

Numpy only: the standard SOM keeps its compiled kernels (:mod:`.kernels`); a map with
``distance=ellipse`` or ``membership=fuzzy`` is trained here, one input at a time.

**Hyper-ellipse clusters** (the G.K. variant of the notes).  Unit j holds, besides w_j, a
symmetric positive definite matrix Σ_j, and its distance to x is

    D(j) = (w_j − x)ᵀ Σ_j (w_j − x).

The notes learn both by gradient steps.  For Σ_j, ∂D(j)/∂Σ_j = (w_j − x)(w_j − x)ᵀ, and a
plain step σ⁺ = σ⁻ − η ∂D/∂σ would shrink Σ_j towards zero (every distance to zero).  As in
Gustafson and Kessel's algorithm the determinant is fixed, det Σ_j = 1: the step follows
the gradient of D(j) − λ log det Σ_j, with the multiplier λ that keeps det Σ_j unchanged to
first order,

    Σ_j ← Σ_j − β α h (r rᵀ / s² − λ Σ_j⁻¹),   r = x − w_j,   λ = (rᵀ Σ_j⁻¹ r / s²) / tr(Σ_j⁻²),

then Σ_j is made symmetric again, its eigenvalues kept within a ratio of
:data:`MAX_CONDITION`, and it is scaled back to det Σ_j = 1.  s² (the data's variance per
component) makes β independent of the data's scale.  On average the step vanishes where
E[r rᵀ] ∝ Σ_j⁻¹: Σ_j becomes the inverse of the covariance of the inputs unit j wins,
scaled to determinant 1 (Gustafson–Kessel's norm-inducing matrix), and its ellipse
{x : D(j) = c²} has the shape and orientation of that cluster, with the area of a circle
of radius c whatever its shape.  The weights take the gradient step in Σ_j's own metric,
w_j ← w_j + α h (x − w_j) (−η ∂D/∂w_j = 2η Σ_j (x − w_j), with η = α h Σ_j⁻¹ / 2): the
step of Step 5, which never overshoots x and leads to the same point, the mean of the
inputs the unit wins.

**Fuzzy memberships** (soft cooperating neurons).  Every unit belongs to x with the fuzzy
c-means membership

    u_j(x) = 1 / Σ_k (D(j) / D(k))^{1/(m−1)},   Σ_j u_j = 1,

with the fuzzifier m > 1; every unit k acts as a winner with weight u_k^m, so unit j
learns at the rate Σ_k u_k^m α h(d(k, j)).  As m → 1 the memberships become 1 for the
nearest unit and 0 for the others: the hard SOM.  (m = 2 is the usual choice; the larger
m, the softer.)
"""

from __future__ import annotations

import math

import numpy as np

from .geometry import grid_distance

__all__ = [
    "MAX_CONDITION",
    "ExtendedTraining",
    "best_two_units",
    "data_distances",
    "ellipse_outline",
    "ellipse_outlines",
    "fcm_memberships",
    "rate_matrix",
    "retract",
    "unit_distances",
]

#: Largest ratio of a Σ_j's eigenvalues (an ellipse at most 100 times longer than wide).
MAX_CONDITION = 1e4
#: Input × unit pairs per chunk when the distances over all the data are computed.
CHUNK_PAIRS = 200_000


def unit_distances(x: np.ndarray, weights: np.ndarray, sigmas: np.ndarray | None
                   ) -> np.ndarray:
    """D(j) of one input for every unit: Σ_i (w_ij − x_i)², or (w_j − x)ᵀ Σ_j (w_j − x)."""
    r = weights - x
    if sigmas is None:
        return (r * r).sum(axis=1)
    return np.einsum("ji,jik,jk->j", r, sigmas, r)


def data_distances(data: np.ndarray, weights: np.ndarray, sigmas: np.ndarray | None
                   ) -> np.ndarray:
    """(N, m) D(j) of every input and unit, in chunks of the data."""
    out = np.empty((len(data), len(weights)))
    chunk = max(1, CHUNK_PAIRS // max(1, weights.size))
    for start in range(0, len(data), chunk):
        r = weights[None, :, :] - data[start:start + chunk, None, :]
        if sigmas is None:
            out[start:start + chunk] = (r * r).sum(axis=2)
        else:
            out[start:start + chunk] = np.einsum("sji,jik,sjk->sj", r, sigmas, r)
    return out


def fcm_memberships(distances: np.ndarray, fuzzifier: float) -> np.ndarray:
    """Fuzzy c-means memberships u_j = 1 / Σ_k (D(j)/D(k))^{1/(m−1)} along the last axis
    (each row sums to 1).  Computed as a softmax of −log D(j)/(m−1), which stays exact as
    m → 1; an input at distance 0 from some units belongs to them alone, in equal shares."""
    d = np.asarray(distances, dtype=float)
    zero = d <= 0.0
    with np.errstate(divide="ignore"):
        logits = -np.log(np.where(zero, 1.0, d)) / (fuzzifier - 1.0)
    logits -= logits.max(axis=-1, keepdims=True)
    u = np.exp(logits)
    u /= u.sum(axis=-1, keepdims=True)
    hit = zero.any(axis=-1)
    if np.any(hit):
        shares = zero / np.maximum(zero.sum(axis=-1, keepdims=True), 1)
        u = np.where(hit[..., None], shares, u)
    return u


def best_two_units(data: np.ndarray, weights: np.ndarray, sigmas: np.ndarray | None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winner J (ties: the lowest index), runner-up (−1 with one unit) and D(J) of every
    input, with each unit's own distance."""
    n, m = len(data), len(weights)
    best = np.empty(n, dtype=np.int64)
    second = np.full(n, -1, dtype=np.int64)
    best_d = np.empty(n)
    chunk = max(1, CHUNK_PAIRS // max(1, weights.size))
    for start in range(0, n, chunk):
        d = data_distances(data[start:start + chunk], weights, sigmas)
        order = np.argsort(d, axis=1, kind="stable")
        rows = np.arange(len(d))
        best[start:start + chunk] = order[:, 0]
        best_d[start:start + chunk] = d[rows, order[:, 0]]
        if m > 1:
            second[start:start + chunk] = order[:, 1]
    return best, second, best_d


def retract(sigmas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each matrix made symmetric, its eigenvalues kept within :data:`MAX_CONDITION` of
    the largest, and scaled to determinant 1; returns the matrices and their inverses."""
    values, vectors = np.linalg.eigh(0.5 * (sigmas + np.swapaxes(sigmas, -1, -2)))
    floor = np.maximum(values[..., -1:], 1e-300) / MAX_CONDITION
    values = np.maximum(values, floor)
    values /= np.exp(np.log(values).sum(axis=-1, keepdims=True) / values.shape[-1])  # det 1
    transposed = np.swapaxes(vectors, -1, -2)
    return ((vectors * values[..., None, :]) @ transposed,
            (vectors / values[..., None, :]) @ transposed)


def rate_matrix(table: np.ndarray, rows: int, cols: int, topology: str) -> np.ndarray:
    """(m, m) α·h(d(k, j)): the rate at which unit j learns when unit k wins."""
    units = np.arange(rows * cols)
    d = grid_distance(rows, cols, topology, units[:, None], units[None, :])
    reach = len(table)
    inside = d < reach
    index = np.where(inside, d, 0).astype(np.int64)
    return np.where(inside, table[index], 0.0)


def ellipse_outline(centre: np.ndarray, sigma: np.ndarray, radius: float,
                    points: int = 64) -> np.ndarray:
    """(points + 1, 2) the closed curve {x : (x − c)ᵀ Σ (x − c) = radius²} of a 2×2 Σ."""
    return ellipse_outlines(centre[None], sigma[None], radius, points)[0]


def ellipse_outlines(centres: np.ndarray, sigmas: np.ndarray, radius: float,
                     points: int = 64) -> np.ndarray:
    """(m, points + 1, 2) :func:`ellipse_outline` of every unit at once."""
    sigmas = np.asarray(sigmas, dtype=float)
    values, vectors = np.linalg.eigh(0.5 * (sigmas + np.swapaxes(sigmas, -1, -2)))
    t = np.linspace(0.0, 2.0 * math.pi, points + 1)
    circle = np.column_stack([np.cos(t), np.sin(t)]) * radius
    axes = np.swapaxes(vectors, -1, -2) / np.sqrt(np.maximum(values, 1e-300))[..., None]
    return np.asarray(centres, dtype=float)[:, None, :] + circle @ axes


class ExtendedTraining:
    """Steps 3–5 of the extended SOM for one input at a time (see the module's text):
    ``sigmas`` (m × n × n, None for the Euclidean distance) and ``fuzzifier`` (None: hard
    memberships).  The weights are the model's and learn in place."""

    def __init__(self, units: int, n: int, ellipse: bool, fuzzifier: float | None,
                 sigma_rate: float, scale: float, grid: tuple[int, int, str]) -> None:
        self.ellipse = ellipse
        self.fuzzifier = fuzzifier
        self.sigma_rate = sigma_rate
        self.scale = scale
        self.grid = grid
        self.sigmas = np.repeat(np.eye(n)[None], units, axis=0) if ellipse else None
        self.inverses = self.sigmas.copy() if ellipse else None
        self.rates = np.zeros((units, units))
        self.last_rates = np.zeros(units)
        self.last_memberships = np.zeros(units)

    def set_table(self, table: np.ndarray) -> None:
        """The rates α·h(d) of the coming epoch."""
        self.rates = rate_matrix(table, *self.grid)

    def present(self, x: np.ndarray, weights: np.ndarray, distances: np.ndarray) -> int:
        """Steps 3–5 for input ``x``: ``distances`` receives D(j); returns the winner J."""
        distances[:] = unit_distances(x, weights, self.sigmas)
        winner = int(np.argmin(distances))
        if self.fuzzifier is None:
            u = np.zeros(len(weights))
            u[winner] = 1.0
            rates = self.rates[winner]
        else:
            u = fcm_memberships(distances, self.fuzzifier)
            rates = (u ** self.fuzzifier) @ self.rates
        self.last_memberships = u
        self.last_rates = rates
        learn = np.flatnonzero(rates)
        r = x - weights[learn]
        if self.ellipse and learn.size:
            self._sigma_step(learn, r, rates[learn])
        weights[learn] += rates[learn, None] * r
        return winner

    def _sigma_step(self, learn: np.ndarray, r: np.ndarray, rates: np.ndarray) -> None:
        """Σ_j ← Σ_j − β α h (r rᵀ/s² − λ Σ_j⁻¹), then symmetric, bounded, det 1."""
        inv = self.inverses[learn]
        outer = r[:, :, None] * r[:, None, :]
        lam = np.einsum("ji,jik,jk->j", r, inv, r) / (inv * inv).sum(axis=(1, 2))  # Σ⁻¹ symmetric
        step = (self.sigma_rate / self.scale * rates)[:, None, None] \
            * (outer - lam[:, None, None] * inv)
        self.sigmas[learn], self.inverses[learn] = retract(self.sigmas[learn] - step)
