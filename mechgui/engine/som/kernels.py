"""The SOM's inner loops (Steps 3–5, and the winners of the metrics), compiled with numba.

:mod:`.model` imports this module on the first training call, so importing the
engine (and starting the GUI) never pays numba's import or compile time.
``cache=True`` keeps the machine code in ``__pycache__``: the compile (about a
second) happens once per installation.

Topologies are passed as the codes of :data:`.geometry.TOPOLOGY_CODE`.  The
neighbourhood enters as ``table``: ``table[d]`` is the rate α·h(d) of a unit at
grid distance ``d`` from the winner; units farther than ``len(table) - 1`` do
not learn.  Grid distances are integers on every topology, so a table lookup
replaces any per-unit ``exp``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["train_samples", "best_two_units"]

#: The codes of :data:`.geometry.TOPOLOGY_CODE`.
RECTANGULAR, HEXAGONAL, DIAMOND, LINEAR, NONE = 0, 1, 2, 3, 4


@njit(cache=True, inline="always")
def _grid_distance(topology: int, row_a: int, col_a: int, row_b: int, col_b: int) -> int:
    """Grid distance between units (row_a, col_a) and (row_b, col_b) on a 2-D grid."""
    dr = row_b - row_a
    dc = col_b - col_a
    if topology == RECTANGULAR:
        return max(abs(dr), abs(dc))
    if topology == DIAMOND:
        return abs(dr) + abs(dc)
    # hexagonal, "odd-r" offset rows -> axial coordinates (q, r)
    q_a = col_a - (row_a - (row_a & 1)) // 2
    q_b = col_b - (row_b - (row_b & 1)) // 2
    dq = q_b - q_a
    return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


@njit(cache=True, nogil=True)
def _learn(weights, x, unit, rate):
    """Step 5 for one unit: w_j ← w_j + α h (x − w_j)."""
    for i in range(x.shape[0]):
        weights[unit, i] += rate * (x[i] - weights[unit, i])


@njit(cache=True, nogil=True)
def train_samples(data, order, start, stop, weights, topology, rows, cols, table, distances):
    """Present ``data[order[start:stop]]`` one by one (Steps 3–5); return the last winner J.

    ``weights`` (units × n) is updated in place; ``distances`` receives D(j) of
    the last input.  Ties go to the lowest unit index, like ``numpy.argmin``.
    """
    units, n = weights.shape
    reach = table.shape[0] - 1
    winner = -1
    for t in range(start, stop):
        x = data[order[t]]
        # Steps 3-4: D(j) = Σ_i (w_ij − x_i)², J = argmin D(j)
        best = np.inf
        winner = 0
        for j in range(units):
            total = 0.0
            for i in range(n):
                diff = weights[j, i] - x[i]
                total += diff * diff
            distances[j] = total
            if total < best:
                best = total
                winner = j
        # Step 5: every unit within the neighbourhood of J learns with rate table[d]
        if topology == NONE or reach == 0:
            _learn(weights, x, winner, table[0])
        elif topology == LINEAR:
            for j in range(max(0, winner - reach), min(units, winner + reach + 1)):
                rate = table[abs(j - winner)]
                if rate != 0.0:
                    _learn(weights, x, j, rate)
        else:
            row_j = winner // cols
            col_j = winner - row_j * cols
            for r in range(max(0, row_j - reach), min(rows, row_j + reach + 1)):
                for c in range(max(0, col_j - reach - 1), min(cols, col_j + reach + 2)):
                    d = _grid_distance(topology, row_j, col_j, r, c)
                    if d <= reach:
                        rate = table[d]
                        if rate != 0.0:
                            _learn(weights, x, r * cols + c, rate)
    return winner


@njit(cache=True, nogil=True)
def best_two_units(data, weights, best, second, best_distance):
    """For every input: the winner, the runner-up (−1 with one unit) and the winner's D(J)."""
    units, n = weights.shape
    for s in range(data.shape[0]):
        d1 = np.inf
        d2 = np.inf
        j1 = 0
        j2 = -1
        for j in range(units):
            total = 0.0
            for i in range(n):
                diff = weights[j, i] - data[s, i]
                total += diff * diff
            if total < d1:
                d2 = d1
                j2 = j1 if j > 0 else -1
                d1 = total
                j1 = j
            elif total < d2:
                d2 = total
                j2 = j
        best[s] = j1
        second[s] = j2
        best_distance[s] = d1
