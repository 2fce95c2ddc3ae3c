"""Where the units sit on the map, and how far apart they are.

The m = rows·cols units are numbered row by row: unit = row·cols + col.  The
grid distance d(a, b) per topology is the one convention used by the
neighbourhoods, the U-matrix, the topographic error and the drawing:

``rectangular``
    Chebyshev distance max(|Δrow|, |Δcol|): R = 1 is the 3×3 square of Fig 4.7
    (9 units learn), R = 2 the 5×5 square (25 units);
``hexagonal``
    ring distance on a hexagonal grid whose odd rows are shifted right by half
    a cell: R = 1 is the winner and its 6 neighbours of Fig 4.8, R = 2 adds 12;
``diamond``
    Manhattan distance |Δrow| + |Δcol| on the rectangular grid: R = 1 is the
    winner and its 4 edge neighbours, Example 4.7's "diamond";
``linear``
    index distance |J − j| along a chain of all m units (Example 4.6, where
    J − 1, J and J + 1 learn for R = 1);
``none``
    no topology: only the winner learns, whatever R (Example 4.5).

Drawing: unit (row, col) sits at x = col, y = row on the rectangular grids; on
the hexagonal grid at x = col + ½·(row mod 2), y = row·√3/2 (each unit 1 from
its 6 neighbours).  The linear chain snakes through the rows×cols block (row 0
left to right, row 1 right to left, …), so consecutive units are always
adjacent.  y grows with the row index: a view whose y axis points up draws row
0 at the bottom.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from ..params import ParameterError
from .params import TOPOLOGIES

__all__ = ["TOPOLOGY_CODE", "grid_positions", "grid_distance", "neighborhood_units",
           "neighbour_pairs", "lattice_edges", "largest_grid_distance"]

#: The topology codes of the compiled kernels (:mod:`.kernels`).
TOPOLOGY_CODE = {"rectangular": 0, "hexagonal": 1, "diamond": 2, "linear": 3, "none": 4}
_HEX_ROW_HEIGHT = math.sqrt(3.0) / 2.0


def grid_positions(rows: int, cols: int, topology: str) -> np.ndarray:
    """(m, 2) drawing positions (x, y) of the units, in unit order.

    Rectangular, diamond and none: (col, row).  Hexagonal: (col + ½·(row mod 2),
    row·√3/2).  Linear: unit k lies in row k // cols, left to right in even rows
    and right to left in odd rows.
    """
    units = np.arange(rows * cols)
    row, col = np.divmod(units, cols)
    x = col.astype(float)
    y = row.astype(float)
    if topology == "hexagonal":
        x = x + 0.5 * (row % 2)
        y = y * _HEX_ROW_HEIGHT
    elif topology == "linear":
        x = np.where(row % 2 == 0, col, cols - 1 - col).astype(float)
    return np.column_stack([x, y])


def grid_distance(rows: int, cols: int, topology: str, a: Any, b: Any) -> np.ndarray:
    """Grid distance d(a, b) between units (arrays broadcast); ``inf`` between distinct units of ``none``."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if topology == "none":
        return np.where(a == b, 0.0, np.inf)
    if topology == "linear":
        return np.abs(a - b).astype(float)
    row_a, col_a = np.divmod(a, cols)
    row_b, col_b = np.divmod(b, cols)
    dr = row_b - row_a
    dc = col_b - col_a
    if topology == "rectangular":
        return np.maximum(np.abs(dr), np.abs(dc)).astype(float)
    if topology == "diamond":
        return (np.abs(dr) + np.abs(dc)).astype(float)
    if topology == "hexagonal":
        # odd-r offset coordinates -> axial (q, r); ring distance in cube coordinates
        dq = (col_b - (row_b - (row_b & 1)) // 2) - (col_a - (row_a - (row_a & 1)) // 2)
        return ((np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2).astype(float)
    raise ParameterError("topology", topology, "expected one of " + ", ".join(TOPOLOGIES))


def neighborhood_units(rows: int, cols: int, topology: str, unit: int, radius: float) -> np.ndarray:
    """The units j with d(unit, j) ≤ R: those that learn with a hard neighbourhood."""
    d = grid_distance(rows, cols, topology, unit, np.arange(rows * cols))
    return np.flatnonzero(d <= radius)


def largest_grid_distance(rows: int, cols: int, topology: str) -> int:
    """The largest d between two units of the map (0 for ``none``): a neighbourhood never reaches farther."""
    units = rows * cols
    if topology == "none":
        return 0
    if topology == "linear":
        return units - 1
    corners = np.array([0, cols - 1, units - cols, units - 1])
    return int(np.max(grid_distance(rows, cols, topology, corners[:, None], corners[None, :])))


def _neighbour_pairs(rows: int, cols: int, topology: str) -> np.ndarray:
    """(E, 2) unit pairs (i < j) at grid distance exactly 1, sorted."""
    m = rows * cols
    if topology == "none" or m < 2:
        return np.empty((0, 2), dtype=np.int64)
    units = np.arange(m, dtype=np.int64)
    if topology == "linear":
        return np.column_stack([units[:-1], units[1:]])
    row, col = np.divmod(units, cols)
    pairs = []
    # every neighbour (d = 1) of a unit lies within one row and one column of it
    for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)):
        r2, c2 = row + dr, col + dc
        inside = (r2 < rows) & (c2 >= 0) & (c2 < cols)
        a, b = units[inside], (r2 * cols + c2)[inside]
        pairs.append(np.column_stack([a, b])[grid_distance(rows, cols, topology, a, b) == 1])
    edges = np.concatenate(pairs)
    return edges[np.lexsort((edges[:, 1], edges[:, 0]))]


@lru_cache(maxsize=16)
def neighbour_pairs(rows: int, cols: int, topology: str) -> np.ndarray:
    """(E, 2) unit pairs (i < j) at grid distance exactly 1, sorted; read-only and cached."""
    pairs = _neighbour_pairs(rows, cols, topology)
    pairs.setflags(write=False)
    return pairs


def lattice_edges(rows: int, cols: int, topology: str) -> np.ndarray:
    """(E, 2) unit pairs (i < j) joined by a line when drawing the map, sorted.

    Rectangular and diamond: the 4 edge neighbours; hexagonal: the 6 neighbours;
    linear: the chain k — k+1; none: no edges.  (The rectangular grid's diagonal
    neighbours count for the neighbourhoods and the metrics but are not drawn.)
    """
    if topology == "rectangular":
        topology = "diamond"  # the same grid; d = 1 under Manhattan is the 4 edge neighbours
    return _neighbour_pairs(rows, cols, topology)


def _adjacency(rows: int, cols: int, topology: str) -> list[np.ndarray]:
    """For each unit, the units at grid distance exactly 1 (8 on the rectangular grid)."""
    pairs = _neighbour_pairs(rows, cols, topology)
    both = np.concatenate([pairs, pairs[:, ::-1]])
    both = both[np.lexsort((both[:, 1], both[:, 0]))]
    split = np.searchsorted(both[:, 0], np.arange(1, rows * cols))
    return np.split(both[:, 1], split)
