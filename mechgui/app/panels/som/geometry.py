"""The map view's geometry, in plain numpy (no Qt): which unit covers each pixel of the
cells' image, the cells' outlines, a long chain folded into rows, the glyphs' tiles, and
the per-unit maps for a data set too big for the snapshot to carry them.

A rectangle is ``(left, top, width, height)`` in the map's data coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mechgui.engine.som import data_winners, grid_positions, u_matrix, unit_errors

__all__ = ["Rect", "MapLayout", "map_layout", "cell_index_image", "shown_grid", "chain_walls",
           "cell_borders", "cell_outlines", "unit_maps", "glyph_layout", "HEX_ROW",
           "MAX_UNFOLDED_CHAIN", "GLYPH_SCALE"]

Rect = tuple[float, float, float, float]

#: A single-row (or single-column) linear chain of more units than this is drawn folded
#: into rows: in one row its cells would be too small for their labels and glyphs.
MAX_UNFOLDED_CHAIN = 12
#: Upsampling of a glyph pixel in the glyph image.
GLYPH_SCALE = 2
#: Distance between the rows of the hexagonal grid.
HEX_ROW = math.sqrt(3.0) / 2.0


def cell_index_image(rows: int, cols: int, topology: str, res: int = 16
                     ) -> tuple[np.ndarray, Rect]:
    """(index image, its rectangle): which unit covers each pixel (−1: none).

    Square cells (rectangular, diamond, none, linear): ``res`` × ``res`` pixels per
    cell, each unit at its drawing position (the linear chain snakes).  Hexagonal:
    ``res`` pixels per unit of length, each pixel given to the nearest lattice point,
    so that the cells are the pointy-top hexagons of Fig 4.8.
    """
    units = np.arange(rows * cols)
    pos = grid_positions(rows, cols, topology)
    if topology != "hexagonal":
        index = np.full((rows, cols), -1, dtype=np.int64)
        index[pos[:, 1].astype(int), pos[:, 0].astype(int)] = units
        index = np.repeat(np.repeat(index, res, axis=0), res, axis=1)
        return index, (-0.5, -0.5, float(cols), float(rows))
    top = 1.0 / math.sqrt(3.0)  # circumradius of a hexagon of inradius 1/2
    x0, y0 = -0.5, -top
    width, height = cols + 0.5, (rows - 1) * HEX_ROW + 2 * top
    w_px, h_px = max(1, int(round(width * res))), max(1, int(round(height * res)))
    px = x0 + (np.arange(w_px) + 0.5) * (width / w_px)
    py = y0 + (np.arange(h_px) + 0.5) * (height / h_px)
    x, y = np.meshgrid(px, py)
    best_row = np.zeros(x.shape, dtype=np.int64)
    best_col = np.zeros(x.shape, dtype=np.int64)
    best_d = np.full(x.shape, np.inf)
    base = np.floor(y / HEX_ROW).astype(np.int64)
    for dr in (0, 1):
        r = base + dr
        c = np.round(x - 0.5 * (r % 2)).astype(np.int64)
        d = (x - c - 0.5 * (r % 2)) ** 2 + (y - r * HEX_ROW) ** 2
        closer = d < best_d
        best_row[closer], best_col[closer], best_d[closer] = r[closer], c[closer], d[closer]
    inside = (best_row >= 0) & (best_row < rows) & (best_col >= 0) & (best_col < cols)
    index = np.where(inside, best_row * cols + best_col, -1)
    return index, (x0, y0, width, height)


def shown_grid(rows: int, cols: int, topology: str) -> tuple[int, int]:
    """Rows and columns of the map as drawn: the lattice's, except for a single-row (or
    single-column) linear chain of more than :data:`MAX_UNFOLDED_CHAIN` units, folded
    into a near-square block of rows that it snakes through (the cells after the last
    unit stay empty)."""
    units = rows * cols
    if topology != "linear" or min(rows, cols) != 1 or units <= MAX_UNFOLDED_CHAIN:
        return rows, cols
    shown_rows = max(1, round(math.sqrt(units)))
    return shown_rows, math.ceil(units / shown_rows)


def chain_walls(rows: int, cols: int, units: int) -> np.ndarray:
    """(2·S, 2) end points (for ``connect="pairs"``) of the walls between vertically
    adjacent cells of a snaking linear chain drawn as ``rows`` × ``cols`` that are
    not neighbours on the chain (only its first ``units`` cells are units)."""
    index, _ = cell_index_image(rows, cols, "linear", res=1)
    index = np.where(index < units, index, -1)
    upper, lower = index[:-1], index[1:]
    wall = (upper >= 0) & (lower >= 0) & (np.abs(upper - lower) != 1)
    row, col = np.nonzero(wall)
    y = row + 0.5
    ends = np.stack([np.column_stack([col - 0.5, y]), np.column_stack([col + 0.5, y])], axis=1)
    return ends.reshape(-1, 2).astype(float)


def cell_borders(index: np.ndarray) -> np.ndarray:
    """Pixels next to a pixel of another cell (drawn as gaps: the cells' borders)."""
    edge = np.zeros(index.shape, dtype=bool)
    if min(index.shape) < 2:
        return edge
    dx = index[:, 1:] != index[:, :-1]
    dy = index[1:, :] != index[:-1, :]
    edge[:, 1:] |= dx
    edge[1:, :] |= dy
    return edge


def cell_outlines(rows: int, cols: int, topology: str) -> np.ndarray:
    """(2·S, 2) segment end points (for ``connect="pairs"``) of every cell's border."""
    pos = grid_positions(rows, cols, topology)
    if topology == "hexagonal":
        angles = np.radians(30 + 60 * np.arange(7))
        corners = np.column_stack([np.cos(angles), np.sin(angles)]) / math.sqrt(3.0)
    else:
        corners = np.array([[-.5, -.5], [.5, -.5], [.5, .5], [-.5, .5], [-.5, -.5]])
    start, stop = corners[:-1], corners[1:]
    seg = np.stack([pos[:, None, :] + start[None], pos[:, None, :] + stop[None]], axis=2)
    return seg.reshape(-1, 2)


@dataclass(frozen=True, eq=False)
class MapLayout:
    """Everything about the map's drawing that depends on its shape only (equal only
    to itself)."""

    rows: int
    cols: int
    topology: str
    #: Rows and columns as drawn (see :func:`shown_grid`).
    shown: tuple[int, int]
    #: Pixel → unit of the cells' image (0 where ``outside``), and the pixels left blank
    #: (no unit there, or a border between cells).
    index: np.ndarray
    outside: np.ndarray
    rect: Rect
    #: (m, 2) centre of each unit's cell; each cell's outline, ``2·sides`` rows a unit.
    centres: np.ndarray
    outlines: np.ndarray
    sides: int
    #: Walls of a folded chain (see :func:`chain_walls`), (2·S, 2).
    walls: np.ndarray

    @property
    def units(self) -> int:
        return self.rows * self.cols

    @property
    def cell_height(self) -> float:
        return HEX_ROW if self.topology == "hexagonal" else 1.0

    def outline_of(self, units: np.ndarray) -> np.ndarray:
        """(2·S, 2) segment end points of the outlines of ``units``."""
        per = 2 * self.sides
        return self.outlines.reshape(-1, per, 2)[units].reshape(-1, 2)

    def closed_outline(self, unit: int) -> np.ndarray:
        """One cell's outline as a closed polyline (its corners, the first again last)."""
        seg = self.outline_of(np.array([unit]))
        return np.vstack([seg[::2], seg[-1:]])


def map_layout(rows: int, cols: int, topology: str) -> MapLayout:
    """The :class:`MapLayout` of a ``rows`` × ``cols`` map of ``topology``."""
    m = rows * cols
    shown_rows, shown_cols = shown_grid(rows, cols, topology)
    # pixels per cell: enough for clean hexagons, few enough (about 300 across) that
    # colouring the image each time stays cheap
    res = int(np.clip(300 // max(shown_rows, shown_cols), 6, 16))
    index, rect = cell_index_image(shown_rows, shown_cols, topology, res)
    index = np.where(index < m, index, -1)  # a folded chain's tail
    outside = (index < 0) | cell_borders(index)
    sides = 6 if topology == "hexagonal" else 4
    walls = chain_walls(shown_rows, shown_cols, m) if topology == "linear" \
        else np.empty((0, 2))
    return MapLayout(rows, cols, topology, (shown_rows, shown_cols),
                     np.where(outside, 0, index), outside, rect,
                     grid_positions(shown_rows, shown_cols, topology)[:m],
                     cell_outlines(shown_rows, shown_cols, topology)[:m * 2 * sides], sides,
                     walls)


def unit_maps(data: np.ndarray, weights: np.ndarray, rows: int, cols: int, topology: str,
              want: tuple[str, ...] = ("u_matrix", "hits", "qe", "winners")
              ) -> dict[str, np.ndarray]:
    """Per-unit maps computed from the weights (and the data), as the engine's ``maps()``
    (for a data set too big for the snapshot to carry them).

    ``u_matrix``: mean weight distance to the grid neighbours; ``hits``: inputs won;
    ``qe``: mean distance of the inputs won (NaN for a unit that wins none);
    ``winners``: each input's winner.
    """
    out: dict[str, np.ndarray] = {}
    if "u_matrix" in want:
        out["u_matrix"] = u_matrix(weights, rows, cols, topology)
    if {"hits", "qe", "winners"} & set(want):
        best, best_d = data_winners(data, weights)
        out["winners"] = best
        out["hits"], out["qe"] = unit_errors(best, best_d, weights.shape[0])
    return out


def glyph_layout(rows: int, cols: int, topology: str, shape: tuple[int, int],
                 room_for_labels: bool) -> tuple[tuple[int, int], np.ndarray, Rect]:
    """Image shape, flat pixel indices (m, gr·k·gc·k) of each unit's tile, rectangle.

    Each cell is ``pitch`` pixels wide (rows ``pitch·√3/2`` apart on the hexagonal
    grid); the glyph (upsampled by :data:`GLYPH_SCALE`) sits centred in its cell, or
    near its top when labels go under it.
    """
    gr, gc = shape[0] * GLYPH_SCALE, shape[1] * GLYPH_SCALE
    pitch = max(gr, gc) + (10 if room_for_labels else 6)
    pitch_y = int(round(pitch * HEX_ROW)) if topology == "hexagonal" else pitch
    cell_h = HEX_ROW if topology == "hexagonal" else 1.0
    pos = grid_positions(rows, cols, topology)
    span_x = float(pos[:, 0].max()) + 1.0
    w_px = int(round(span_x * pitch))
    h_px = rows * pitch_y
    left = np.round((pos[:, 0] + 0.5) * pitch - gc / 2).astype(np.int64)
    row = np.rint(pos[:, 1] / cell_h).astype(np.int64)
    top = row * pitch_y + (1 if room_for_labels else max(0, (pitch_y - gr) // 2))
    rr, cc = np.meshgrid(np.arange(gr), np.arange(gc), indexing="ij")
    flat = (top[:, None, None] + rr[None]) * w_px + left[:, None, None] + cc[None]
    rect = (-0.5, -0.5 * cell_h, w_px / pitch, h_px * cell_h / pitch_y)
    return (h_px, w_px), flat.reshape(len(pos), -1), rect
