"""How well a map fits its data: winners, quantization and topographic error, U-matrix.

All by numpy, for any weights (m × n, one row per unit) and data (N × n);
D(j) = Σ_i (w_ij − x_i)² is summed exactly as in training: term after term, in the order of
the components, as the compiled kernels do, so that a map measured before they are loaded
gives the very bits it gives after (numpy's own sums add in another order).
"""

from __future__ import annotations

import numpy as np

from .geometry import grid_distance, neighbour_pairs

__all__ = ["squared_distances", "data_winners", "best_two_units", "unit_errors", "quantization_error",
           "topographic_error", "u_matrix"]


def squared_distances(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(len(x), m) D(j) of every input to every unit, summed in the kernels' order (a running
    sum: ``cumsum`` adds one term at a time)."""
    diff = weights[None, :, :] - x[:, None, :]
    return np.cumsum(diff * diff, axis=2)[:, :, -1]


def data_winners(data: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Winner J of every input and its D(J), in chunks of the data."""
    best = np.empty(len(data), dtype=np.int64)
    best_d = np.empty(len(data))
    chunk = max(1, 1_000_000 // max(1, weights.size))
    for start in range(0, len(data), chunk):
        x = data[start:start + chunk]
        d = squared_distances(x, weights)
        j = np.argmin(d, axis=1)
        best[start:start + chunk] = j
        best_d[start:start + chunk] = d[np.arange(len(x)), j]
    return best, best_d


def best_two_units(data: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winner J, runner-up (−1 with one unit) and D(J) of every input, in chunks of the data."""
    n_samples, units = data.shape[0], weights.shape[0]
    best = np.empty(n_samples, dtype=np.int64)
    second = np.full(n_samples, -1, dtype=np.int64)
    best_d = np.empty(n_samples)
    chunk = max(1, 2_000_000 // max(1, units * data.shape[1]))
    for start in range(0, n_samples, chunk):
        x = data[start:start + chunk]
        d = squared_distances(x, weights)
        order = np.argsort(d, axis=1, kind="stable")
        best[start:start + chunk] = order[:, 0]
        best_d[start:start + chunk] = d[np.arange(len(x)), order[:, 0]]
        if units > 1:
            second[start:start + chunk] = order[:, 1]
    return best, second, best_d


def unit_errors(winners: np.ndarray, distances: np.ndarray, units: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Hits (inputs won) and quantization error (mean distance of the inputs won, NaN
    for a unit that wins none) of every unit, from each input's winner and D(J)."""
    hits = np.bincount(winners, minlength=units)
    with np.errstate(invalid="ignore", divide="ignore"):
        qe = np.where(hits > 0, np.bincount(winners, np.sqrt(distances), units)
                      / np.maximum(hits, 1), np.nan)
    return hits, qe


def quantization_error(best_distance: np.ndarray) -> float:
    """Mean Euclidean distance √D(J) from each input to its winner's weight vector."""
    return float(np.mean(np.sqrt(best_distance))) if best_distance.size else 0.0


def topographic_error(rows: int, cols: int, topology: str, best: np.ndarray,
                      second: np.ndarray) -> float:
    """Fraction of inputs whose winner and runner-up are not neighbours (grid distance > 1).

    With topology ``none`` no two units are neighbours, so the error is 1 (0 for one unit).
    """
    if best.size == 0 or rows * cols < 2:
        return 0.0
    d = grid_distance(rows, cols, topology, best, second)
    return float(np.mean(d > 1))


def u_matrix(weights: np.ndarray, rows: int, cols: int, topology: str) -> np.ndarray:
    """(m,) mean weight-space distance of each unit to its grid neighbours (d = 1).

    8 neighbours on the rectangular grid, 6 on the hexagonal, 4 on the diamond,
    2 along the chain; NaN where a unit has none (topology ``none``, or one unit).
    """
    m = weights.shape[0]
    pairs = neighbour_pairs(rows, cols, topology)
    if not len(pairs):
        return np.full(m, np.nan)
    d = np.linalg.norm(weights[pairs[:, 0]] - weights[pairs[:, 1]], axis=1)
    total = np.bincount(pairs[:, 0], d, m) + np.bincount(pairs[:, 1], d, m)
    count = np.bincount(pairs[:, 0], minlength=m) + np.bincount(pairs[:, 1], minlength=m)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
