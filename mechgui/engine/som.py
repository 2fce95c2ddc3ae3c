"""Kohonen self-organizing map (Kohonen 1989): competitive learning with cooperating neighbours.

Chapter 4, "SOM Algorithm", Steps 0–8.  The m = rows·cols cluster units hold
weight vectors w_j (one row of ``weights`` per unit; units are numbered row
by row, unit = row·cols + col).  For each input vector x (Step 2):

    Step 3   D(j) = Σ_i (w_ij − x_i)²            for every unit j,
    Step 4   J = argmin_j D(j)                      (ties: the lowest index),
    Step 5   w_j(new) = w_j(old) + α h(d(J, j)) [x − w_j(old)]
             for every unit j in the neighbourhood of J,

where d(J, j) is the grid distance on the map and h the neighbourhood
function: ``hard`` — h = 1 within radius R, else 0 (every unit of Figs 4.7/4.8
learns with the full rate, "Cooperative neurons (Hard)") — or ``gaussian`` —
h = exp(−d²/2R²), cut off where h < 0.001 ("Cooperative neurons (Soft)").
After each epoch (one pass over the data) the learning rate α and the radius R
are reduced (Steps 6–7) and the run stops after ``epochs`` epochs (Step 8).

Grid distance per ``topology`` (one convention for neighbourhoods, U-matrix,
topographic error and drawing):

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

Drawing geometry (:func:`grid_positions`, :func:`lattice_edges`): unit
(row, col) sits at x = col, y = row on the rectangular grids; on the
hexagonal grid at x = col + ½·(row mod 2), y = row·√3/2 (each unit 1 from
its 6 neighbours).  The linear chain snakes through the rows×cols block
(row 0 left to right, row 1 right to left, …), so consecutive units are
always adjacent; with rows = 1 it is a straight line.  y grows with the row
index (row 0 first): a panel whose y axis points up draws row 0 at the bottom.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from .base import RUNNING, Simulation
from .datasets import DATASETS, dataset_dimension, load_dataset
from .params import Choice, Float, Int, Matrix, ParameterError, ParamSet, Vector

__all__ = [
    "SOMParams",
    "SOM",
    "TOPOLOGIES",
    "grid_positions",
    "lattice_edges",
    "grid_distance",
    "neighborhood_units",
    "learning_rate_at",
    "radius_at",
    "neighborhood_table",
    "best_two_units",
    "data_winners",
    "unit_errors",
    "quantization_error",
    "topographic_error",
    "u_matrix",
]

#: Map topologies; their grid distances are described in the module docstring.
TOPOLOGIES: tuple[str, ...] = ("rectangular", "hexagonal", "diamond", "linear", "none")
_TOPOLOGY_CODE = {"rectangular": 0, "hexagonal": 1, "diamond": 2, "linear": 3, "none": 4}
NEIGHBORHOODS: tuple[str, ...] = ("hard", "gaussian")
RATE_DECAYS: tuple[str, ...] = ("linear", "geometric", "constant")
RADIUS_DECAYS: tuple[str, ...] = ("linear", "geometric", "constant", "at-epochs")
#: Below this value of h(d) a Gaussian neighbour does not learn (d > 3.7 R).
GAUSSIAN_CUTOFF = 1e-3
DONE = "done"
#: Snapshots carry every input's winner (and the hit map) while inputs × units is at
#: most this (a few milliseconds); beyond, :meth:`SOM.maps` computes them on demand.
MAX_SNAPSHOT_PAIRS = 600_000
_HEX_ROW_HEIGHT = math.sqrt(3.0) / 2.0


# ---------------------------------------------------------------------------
# Geometry of the map
# ---------------------------------------------------------------------------
def grid_positions(rows: int, cols: int, topology: str) -> np.ndarray:
    """(m, 2) drawing positions (x, y) of the units, m = rows·cols, in unit order.

    Rectangular, diamond and none: (col, row).  Hexagonal: (col + ½·(row mod 2),
    row·√3/2).  Linear: the chain snakes through the block, so unit k lies in
    row k // cols, left to right in even rows and right to left in odd rows.
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


def lattice_edges(rows: int, cols: int, topology: str) -> np.ndarray:
    """(E, 2) unit pairs (i < j) joined by a line when drawing the map, sorted.

    Rectangular and diamond: the 4 edge neighbours; hexagonal: the 6 neighbours
    (grid distance 1); linear: the chain k — k+1; none: no edges.  (The
    rectangular grid's diagonal neighbours count for the neighbourhoods, the
    U-matrix and the topographic error, but are not drawn.)
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


# ---------------------------------------------------------------------------
# Schedules (Steps 6-7): values for epoch e = 0, 1, …, epochs − 1
# ---------------------------------------------------------------------------
def _fraction(epoch: int, epochs: int) -> float:
    return min(epoch / (epochs - 1), 1.0) if epochs > 1 else 0.0


def learning_rate_at(params: "SOMParams", epoch: int) -> float:
    """α used during epoch ``epoch`` (0-based).

    linear: α(0) + (α_final − α(0))·e/(E−1); geometric: α(0)·q^e with q the
    given ``learning_rate_factor`` (Example 4.4: α(t+1) = .5 α(t)) or else
    q = (α_final/α(0))^(1/(E−1)), so the last epoch uses α_final; constant: α(0).
    Past the last epoch linear stays at α_final.
    """
    a0, af, epochs = params.learning_rate, params.learning_rate_final, params.epochs
    if params.learning_rate_decay == "constant":
        return a0
    if params.learning_rate_decay == "linear":
        return a0 + (af - a0) * _fraction(epoch, epochs)
    if params.learning_rate_factor is not None:
        return a0 * params.learning_rate_factor ** epoch
    if epochs <= 1:
        return a0
    return a0 * (af / a0) ** (epoch / (epochs - 1))


def radius_at(params: "SOMParams", epoch: int) -> float:
    """R used during epoch ``epoch`` (0-based).

    linear and geometric go from ``radius`` at the first epoch to
    ``radius_final`` at the last; ``at-epochs`` lowers R by 1 after each epoch
    count listed in ``radius_epochs`` (Step 7, "at specified times"), never
    below ``radius_final``; constant keeps ``radius``.
    """
    r0, rf, epochs = params.radius, params.radius_final, params.epochs
    decay = params.radius_decay
    if decay == "constant":
        return r0
    if decay == "at-epochs":
        drops = int(np.count_nonzero(np.asarray(params.radius_epochs) <= epoch))
        return max(r0 - drops, min(rf, r0))
    if decay == "linear":
        return r0 + (rf - r0) * _fraction(epoch, epochs)
    return r0 * (rf / r0) ** _fraction(epoch, epochs)


def neighborhood_table(neighborhood: str, topology: str, alpha: float, radius: float,
                       max_distance: int) -> np.ndarray:
    """``table[d]`` = α·h(d), the rate of a unit at grid distance d (d = 0 … reach)."""
    if topology == "none":
        return np.array([alpha])
    if neighborhood == "hard":
        reach = min(int(math.floor(radius + 1e-9)), max_distance)
        return np.full(reach + 1, alpha)
    if radius <= 0:
        return np.array([alpha])
    d = np.arange(max_distance + 1, dtype=float)
    h = np.exp(-d * d / (2.0 * radius * radius))
    reach = int(np.count_nonzero(h >= GAUSSIAN_CUTOFF))  # h decreases with d
    return alpha * h[:max(reach, 1)]


# ---------------------------------------------------------------------------
# Map quality
# ---------------------------------------------------------------------------
def data_winners(data: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Winner J of every input and its D(J) = Σ (w_iJ − x_i)², by numpy, in chunks."""
    best = np.empty(len(data), dtype=np.int64)
    best_d = np.empty(len(data))
    chunk = max(1, 1_000_000 // max(1, weights.size))
    for start in range(0, len(data), chunk):
        x = data[start:start + chunk]
        d = ((weights[None, :, :] - x[:, None, :]) ** 2).sum(axis=2)
        j = np.argmin(d, axis=1)
        best[start:start + chunk] = j
        best_d[start:start + chunk] = d[np.arange(len(x)), j]
    return best, best_d


def unit_errors(winners: np.ndarray, distances: np.ndarray, units: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Hits (inputs won) and quantization error (mean distance of the inputs won, NaN
    for a unit that wins none) of every unit, from each input's winner and D(J)."""
    hits = np.bincount(winners, minlength=units)
    with np.errstate(invalid="ignore", divide="ignore"):
        qe = np.where(hits > 0, np.bincount(winners, np.sqrt(distances), units)
                      / np.maximum(hits, 1), np.nan)
    return hits, qe


def best_two_units(data: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winner J, runner-up (−1 with one unit) and D(J) for every input, by numpy.

    D(j) is summed exactly as in training (Σ (w_ij − x_i)²), in chunks of the data.
    """
    n_samples, units = data.shape[0], weights.shape[0]
    best = np.empty(n_samples, dtype=np.int64)
    second = np.full(n_samples, -1, dtype=np.int64)
    best_d = np.empty(n_samples)
    chunk = max(1, 2_000_000 // max(1, units * data.shape[1]))
    for start in range(0, n_samples, chunk):
        x = data[start:start + chunk]
        d = ((weights[None, :, :] - x[:, None, :]) ** 2).sum(axis=2)
        order = np.argsort(d, axis=1, kind="stable")
        best[start:start + chunk] = order[:, 0]
        best_d[start:start + chunk] = d[np.arange(len(x)), order[:, 0]]
        if units > 1:
            second[start:start + chunk] = order[:, 1]
    return best, second, best_d


def quantization_error(best_distance: np.ndarray) -> float:
    """Mean Euclidean distance from each input to its winner's weight vector."""
    return float(np.mean(np.sqrt(best_distance))) if best_distance.size else 0.0


def topographic_error(rows: int, cols: int, topology: str, best: np.ndarray,
                      second: np.ndarray) -> float:
    """Fraction of inputs whose winner and runner-up are not neighbours (grid distance > 1).

    The same grid distance as the neighbourhoods: diagonal units are neighbours
    on the rectangular grid, only edge neighbours on the diamond; with topology
    ``none`` no two units are neighbours, so the error is 1 (0 for one unit).
    """
    if best.size == 0 or rows * cols < 2:
        return 0.0
    d = grid_distance(rows, cols, topology, best, second)
    return float(np.mean(d > 1))


def u_matrix(weights: np.ndarray, rows: int, cols: int, topology: str) -> np.ndarray:
    """(m,) mean weight-space distance of each unit to its grid neighbours (d = 1).

    Neighbours as in :func:`topographic_error` (8 on the rectangular grid, 6 on
    the hexagonal, 4 on the diamond, 2 along the chain); NaN where a unit has
    none (topology ``none``, or a single unit).
    """
    m = weights.shape[0]
    pairs = _cached_pairs(rows, cols, topology)
    if not len(pairs):
        return np.full(m, np.nan)
    d = np.linalg.norm(weights[pairs[:, 0]] - weights[pairs[:, 1]], axis=1)
    total = np.bincount(pairs[:, 0], d, m) + np.bincount(pairs[:, 1], d, m)
    count = np.bincount(pairs[:, 0], minlength=m) + np.bincount(pairs[:, 1], minlength=m)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


@lru_cache(maxsize=16)
def _cached_pairs(rows: int, cols: int, topology: str) -> np.ndarray:
    pairs = _neighbour_pairs(rows, cols, topology)
    pairs.setflags(write=False)
    return pairs


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SOMParams(ParamSet):
    """Parameters of :class:`SOM` (defaults: a 10×10 map unfolding over a uniform square)."""

    dataset: str = Choice("uniform-square", DATASETS + ("custom",),
                          "the input vectors: Example 4.4, the 21 letters of Fig 4.9, a seeded "
                          "2-D cloud, or custom (the data matrix)", label="data set")
    data: np.ndarray | None = Matrix(None, "custom input vectors, one per row (dataset custom only)",
                                     min_rows=1, max_rows=1_000_000, max_cols=10_000,
                                     optional=True, label="custom data")
    points: int = Int(500, "number of points of a generated 2-D cloud", low=1, high=1_000_000,
                      label="cloud points")
    data_seed: int = Int(0, "seed the 2-D cloud is drawn from (the same seed, the same cloud)",
                         low=0, high=2 ** 31 - 1, label="cloud seed")
    rows: int = Int(10, "rows of cluster units; m = rows·cols units", low=1, high=100)
    cols: int = Int(10, "columns of cluster units; m = rows·cols units", low=1, high=100,
                    label="columns")
    topology: str = Choice(
        "rectangular", TOPOLOGIES,
        "grid distance between units: rectangular (Chebyshev, Fig 4.7), hexagonal (Fig 4.8), "
        "diamond (Manhattan, Example 4.7), linear (index, Example 4.6) or none (only the winner "
        "learns, Example 4.5)")
    neighborhood: str = Choice("gaussian", NEIGHBORHOODS,
                               "hard: every unit within R learns with the full rate α; gaussian: "
                               "rate α·exp(−d²/2R²) (soft cooperation)", live=True)
    radius: float = Float(4.0, "neighbourhood radius R at the first epoch (σ of the Gaussian)",
                          low=0, high=1000, step=0.5, decimals=3, label="radius R", live=True)
    radius_decay: str = Choice("geometric", RADIUS_DECAYS,
                               "how R shrinks (Step 7): linearly or geometrically to the final "
                               "radius at the last epoch, by 1 at the listed epochs, or not at all",
                               label="radius reduction", live=True)
    radius_final: float = Float(0.5, "R at the last epoch (the floor for at-epochs)", low=0,
                                high=1000, step=0.5, decimals=3, label="final radius", live=True)
    radius_epochs: np.ndarray | None = Vector(None, "for at-epochs: after these many epochs R drops "
                                              "by 1, e.g. '10, 20'", min_len=1, max_len=10_000,
                                              low=1, optional=True, label="radius drop epochs",
                                              live=True)
    learning_rate: float = Float(0.5, "learning rate α at the first epoch", low=0, high=1,
                                 low_open=True, step=0.05, label="learning rate α", live=True)
    learning_rate_decay: str = Choice("linear", RATE_DECAYS,
                                      "how α decreases after each epoch (Step 6)",
                                      label="α reduction", live=True)
    learning_rate_final: float = Float(0.01, "α at the last epoch (linear or geometric decay)",
                                       low=0, high=1, step=0.01, label="final α", live=True)
    learning_rate_factor: float | None = Float(None, "geometric decay: α(t+1) = factor·α(t) "
                                               "(Example 4.4: 0.5); auto = reach the final α at "
                                               "the last epoch", low=0, high=1, low_open=True,
                                               step=0.05, optional=True, label="α factor",
                                               live=True)
    epochs: int = Int(30, "passes over the data (Step 8 stops after the last)", low=1,
                      high=1_000_000, live=True)
    order: str = Choice("shuffled", ("sequential", "shuffled"),
                        "inputs in data order each epoch (as in the examples) or in a fresh "
                        "random order", label="input order")
    init: str = Choice("random", ("random", "sample", "pca"),
                       "initial weights: uniform in the data's bounding box, randomly chosen "
                       "inputs, or a grid spanned by the two principal components",
                       label="initialisation")
    initial_weights: np.ndarray | None = Matrix(None, "explicit initial weights, one row per unit "
                                                "(units × input dimension); overrides init",
                                                min_rows=1, max_rows=10_000, max_cols=10_000,
                                                optional=True, label="initial weights")

    def check(self) -> None:
        if self.dataset == "custom":
            if self.data is None:
                raise ParameterError("data", None, "expected a matrix of input vectors when "
                                     "dataset is custom")
            n = self.data.shape[1]
        else:
            if self.data is not None:
                raise ParameterError("data", self.data, "expected auto (no matrix) unless "
                                     "dataset is custom")
            n = dataset_dimension(self.dataset)
        if self.initial_weights is not None:
            shape = (self.rows * self.cols, n)
            if self.initial_weights.shape != shape:
                raise ParameterError("initial_weights", self.initial_weights,
                                     f"expected {shape[0]} rows (rows·cols units) of {n} "
                                     "components (the input dimension)")
        if self.learning_rate_decay == "geometric" and self.learning_rate_factor is None \
                and self.learning_rate_final <= 0:
            raise ParameterError("learning_rate_final", self.learning_rate_final,
                                 "expected a number in (0, 1] for a geometric decay")
        if self.radius_decay == "geometric" and (self.radius <= 0 or self.radius_final <= 0):
            bad = "radius" if self.radius <= 0 else "radius_final"
            raise ParameterError(bad, getattr(self, bad), "expected a number > 0 for a "
                                 "geometric radius decay")
        if self.radius_decay == "at-epochs":
            if self.radius_epochs is None:
                raise ParameterError("radius_epochs", None, "expected the epochs after which R "
                                     "drops by 1 when radius_decay is at-epochs")
        if self.radius_epochs is not None and \
                not np.all(self.radius_epochs == np.round(self.radius_epochs)):
            raise ParameterError("radius_epochs", self.radius_epochs,
                                 "expected whole numbers of epochs >= 1")

    @property
    def units(self) -> int:
        return self.rows * self.cols


# ---------------------------------------------------------------------------
_kernels: Any = None


def _load_kernels() -> Any:
    """The numba kernels, imported (and compiled) on the first training call; None without numba."""
    global _kernels
    if _kernels is None:
        try:
            from . import _som_kernels
        except ImportError:  # numba missing: the numpy path below gives the same results
            _kernels = False
        else:
            _kernels = _som_kernels
    return _kernels or None


class SOM(Simulation):
    """The Kohonen self-organizing map of chapter 4 (Examples 4.4–4.7).

    One :meth:`step` presents one input vector (Steps 3–5); an epoch is one
    pass over the data (``N`` steps; :meth:`step_epoch` runs the rest of the
    current one).  ``step(n)`` trains many samples in one compiled call with
    exactly the same result as ``n`` single steps.  The status is ``running``
    until ``epochs`` epochs are done, then ``done``.

    Snapshot keys: ``weights`` (m × n, units row-major), ``winner`` (J of the
    last input, None before the first step), ``input`` and ``input_index``
    (the vector just shown, its row in the data; None before the first step),
    ``distances`` (D(j) of that input), ``updated`` and ``update_rates`` (the
    units that learned on that step and their rates α·h(d)), ``epoch``
    (epochs completed), ``epochs``, ``sample`` (inputs shown in the current
    epoch), ``samples_per_epoch``, ``learning_rate`` and ``radius`` (those of
    the last step; before the first, those of epoch 1), ``quantization_error``
    and ``topographic_error`` (of the whole data, measured at reset and after
    each epoch), ``initial_quantization_error``, ``initial_topographic_error``,
    the per-epoch curves ``history_epoch`` (1, 2, …), ``history_learning_rate``,
    ``history_radius`` (used during each completed epoch),
    ``history_quantization_error``, ``history_topographic_error`` (at its end),
    and ``rows``, ``cols``, ``topology``, ``input_shape`` ((9, 7) for the
    letters, else None).

    On demand: :meth:`maps` (U-matrix, hit map, label map), :meth:`positions`
    and :meth:`edges` (drawing geometry); :attr:`data` and :attr:`labels` are
    read-only and replaced only on reset.
    """

    name = "som"
    title = "Kohonen SOM"
    Params = SOMParams
    run_limit: ClassVar[int] = 10_000_000
    #: Training runs in numba kernels compiled with ``nogil`` (when numba is installed).
    steps_release_gil: ClassVar[bool] = importlib.util.find_spec("numba") is not None

    # -- set-up ---------------------------------------------------------------
    def _reset(self) -> None:
        p = self.params
        if p.dataset == "custom":
            data, labels, shape = np.array(p.data, dtype=float), None, None
        else:
            data, labels, shape = load_dataset(p.dataset, p.points, p.data_seed)
        self.data = np.ascontiguousarray(data, dtype=np.float64)
        self.data.setflags(write=False)
        self.labels: tuple[str, ...] = tuple(labels) if labels is not None else \
            tuple(str(i + 1) for i in range(len(self.data)))
        self.input_shape = shape
        self._topology_code = _TOPOLOGY_CODE[p.topology]
        self._max_distance = self._largest_grid_distance()
        self.weights = np.ascontiguousarray(self._initial_weights(), dtype=np.float64)
        self.epoch = 0
        self.position = 0
        self.order = self._epoch_order()
        self._schedule()
        self.winner: int | None = None
        self.input_index: int | None = None
        self._distances = np.empty(p.units)
        self._last_table = self._table
        self._last_alpha, self._last_radius = self._alpha, self._radius
        self.history: dict[str, list[float]] = {"epoch": [], "learning_rate": [], "radius": [],
                                                "quantization_error": [], "topographic_error": []}
        self._measure()
        self.initial_quantization_error = self.quantization_error
        self.initial_topographic_error = self.topographic_error

    def _largest_grid_distance(self) -> int:
        p = self.params
        if p.topology == "none":
            return 0
        if p.topology == "linear":
            return p.units - 1
        corners = np.array([0, p.cols - 1, p.units - p.cols, p.units - 1])
        return int(np.max(grid_distance(p.rows, p.cols, p.topology, corners[:, None], corners[None, :])))

    def _initial_weights(self) -> np.ndarray:
        """Step 0: the explicit matrix, or random / sample / PCA initialisation."""
        p = self.params
        if p.initial_weights is not None:
            return np.array(p.initial_weights, dtype=float)
        data, m = self.data, p.units
        if p.init == "sample":
            replace = m > len(data)
            return data[self.rng.choice(len(data), size=m, replace=replace)].copy()
        if p.init == "pca":
            return self._pca_weights()
        low, high = data.min(axis=0), data.max(axis=0)
        return low + (high - low) * self.rng.random((m, data.shape[1]))

    def _pca_weights(self) -> np.ndarray:
        """Units spread over the plane of the first two principal components (±2 std)."""
        p = self.params
        data = self.data
        mean = data.mean(axis=0)
        centred = data - mean
        n = data.shape[1]
        if len(data) > 1 and np.any(centred):
            _, s, vt = np.linalg.svd(centred, full_matrices=False)
            std = s / math.sqrt(len(data) - 1)
        else:
            vt, std = np.eye(n), np.zeros(n)
        axes = [vt[k] * std[k] * 2.0 if k < len(std) else np.zeros(n) for k in range(2)]
        if p.topology == "linear":
            t = np.linspace(-1.0, 1.0, p.units) if p.units > 1 else np.zeros(1)
            return mean + t[:, None] * axes[0]
        pos = grid_positions(p.rows, p.cols, p.topology)
        span = np.ptp(pos, axis=0)
        unit = np.where(span > 0, (pos - pos.min(axis=0)) / np.where(span > 0, span, 1) * 2 - 1, 0)
        return mean + unit[:, :1] * axes[0] + unit[:, 1:] * axes[1]

    def _epoch_order(self) -> np.ndarray:
        n = len(self.data)
        if self.params.order == "shuffled":
            return self.rng.permutation(n).astype(np.int64)
        return np.arange(n, dtype=np.int64)

    def _schedule(self) -> None:
        """α, R and the neighbourhood table of the current epoch (Steps 6–7)."""
        p = self.params
        self._alpha = float(learning_rate_at(p, self.epoch))
        self._radius = float(radius_at(p, self.epoch))
        self._table = neighborhood_table(p.neighborhood, p.topology, self._alpha, self._radius,
                                         self._max_distance)

    def _best_two(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Winner, runner-up and D(J) of every input: compiled once training has loaded
        the kernels (``_kernels`` is False when numba is missing), numpy before."""
        if _kernels:
            n = len(self.data)
            best = np.empty(n, dtype=np.int64)
            second = np.empty(n, dtype=np.int64)
            best_d = np.empty(n)
            _kernels.best_two_units(self.data, self.weights, best, second, best_d)
            return best, second, best_d
        return best_two_units(self.data, self.weights)

    def _data_winners(self) -> tuple[np.ndarray, np.ndarray]:
        """The winner J of every input and its D(J), for the current weights."""
        if _kernels:
            best, _, best_d = self._best_two()
            return best, best_d
        return data_winners(self.data, self.weights)  # cheaper than sorting for the runner-up

    def _measure(self) -> None:
        """Quantization and topographic error over the whole data set."""
        p = self.params
        best, second, best_d = self._best_two()
        self.quantization_error = quantization_error(best_d)
        self.topographic_error = topographic_error(p.rows, p.cols, p.topology, best, second)

    # -- training -------------------------------------------------------------
    @property
    def samples_per_epoch(self) -> int:
        return len(self.data)

    def step(self, n: int = 1) -> int:
        """Present up to ``n`` inputs (stopping when done); return how many were shown.

        Runs whole stretches of an epoch in one compiled call; epoch ends
        (measurement, α and R reduction, a new order) fall exactly where ``n``
        single steps would put them.
        """
        taken = 0
        n = int(n)
        while taken < n and not self.done:
            count = min(n - taken, self.samples_per_epoch - self.position)
            self._train(count)
            taken += count
            self.step_count += count
        return taken

    def step_epoch(self) -> int:
        """Present the rest of the current epoch (a whole epoch at an epoch boundary)."""
        if self.done:
            return 0
        return self.step(self.samples_per_epoch - self.position)

    def _step(self) -> None:
        self._train(1)

    def _train(self, count: int) -> None:
        """``count`` inputs of the current epoch (not past its end), then the epoch's end if reached."""
        p = self.params
        start, stop = self.position, self.position + count
        kernels = _load_kernels()
        if kernels is not None:
            winner = kernels.train_samples(self.data, self.order, start, stop, self.weights,
                                           self._topology_code, p.rows, p.cols, self._table,
                                           self._distances)
        else:
            winner = self._train_numpy(start, stop)
        self.winner = int(winner)
        self.input_index = int(self.order[stop - 1])
        self._last_table = self._table
        self._last_alpha, self._last_radius = self._alpha, self._radius
        self.position = stop
        if self.position >= self.samples_per_epoch:
            self._end_epoch()

    def _train_numpy(self, start: int, stop: int) -> int:
        """The same Steps 3–5 as the compiled kernel, one numpy call per input."""
        p = self.params
        units = np.arange(p.units)
        table = self._table
        winner = 0
        for t in range(start, stop):
            x = self.data[self.order[t]]
            self._distances[:] = ((self.weights - x) ** 2).sum(axis=1)
            winner = int(np.argmin(self._distances))
            d = grid_distance(p.rows, p.cols, p.topology, winner, units)
            near = np.flatnonzero(d < len(table))
            rates = table[d[near].astype(np.int64)]
            self.weights[near] += rates[:, None] * (x - self.weights[near])
        return winner

    def _end_epoch(self) -> None:
        """Step 6–8: measure, record, reduce α and R, stop after the last epoch."""
        self.epoch += 1
        self.position = 0
        self._measure()
        h = self.history
        h["epoch"].append(self.epoch)
        h["learning_rate"].append(self._alpha)
        h["radius"].append(self._radius)
        h["quantization_error"].append(self.quantization_error)
        h["topographic_error"].append(self.topographic_error)
        self.order = self._epoch_order()
        self._schedule()
        if self.epoch >= self.params.epochs:
            self.status = DONE

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        """New schedule parameters apply from the current epoch on; more epochs resume a done run."""
        self._schedule()
        if self.position == 0:
            self.status = DONE if self.epoch >= self.params.epochs else RUNNING

    # -- what the panel sees ----------------------------------------------------
    def _updated(self) -> tuple[np.ndarray, np.ndarray]:
        if self.winner is None:
            return np.empty(0, dtype=np.int64), np.empty(0)
        p = self.params
        d = grid_distance(p.rows, p.cols, p.topology, self.winner, np.arange(p.units))
        table = self._last_table
        near = np.flatnonzero(d < len(table))
        rates = table[d[near].astype(np.int64)]
        keep = rates != 0
        return near[keep], rates[keep]

    def _snapshot(self) -> dict[str, Any]:
        p = self.params
        updated, rates = self._updated()
        shown = self.winner is not None
        h = self.history
        return {
            "weights": self.weights,
            "winner": self.winner,
            "input": self.data[self.input_index] if shown else None,
            "input_index": self.input_index,
            "distances": self._distances if shown else None,
            "updated": updated,
            "update_rates": rates,
            "epoch": self.epoch,
            "epochs": p.epochs,
            "sample": self.position,
            "samples_per_epoch": self.samples_per_epoch,
            "learning_rate": self._last_alpha if shown else self._alpha,
            "radius": self._last_radius if shown else self._radius,
            "quantization_error": self.quantization_error,
            "topographic_error": self.topographic_error,
            "initial_quantization_error": self.initial_quantization_error,
            "initial_topographic_error": self.initial_topographic_error,
            "history_epoch": np.array(h["epoch"], dtype=np.int64),
            "history_learning_rate": np.array(h["learning_rate"]),
            "history_radius": np.array(h["radius"]),
            "history_quantization_error": np.array(h["quantization_error"]),
            "history_topographic_error": np.array(h["topographic_error"]),
            "rows": p.rows,
            "cols": p.cols,
            "topology": p.topology,
            "input_shape": self.input_shape,
            **self._frame_maps(),
        }

    def _frame_maps(self) -> dict[str, Any]:
        """``u_matrix``, ``hit_map``, ``data_winners`` (J of every input) and
        ``data_distances`` (their D(J)) for the current weights, so that a view
        colours its map without computing anything; the data-dependent ones are
        None when inputs × units exceeds :data:`MAX_SNAPSHOT_PAIRS` (use :meth:`maps`).
        """
        p = self.params
        out: dict[str, Any] = {"u_matrix": u_matrix(self.weights, p.rows, p.cols, p.topology),
                               "hit_map": None, "data_winners": None, "data_distances": None}
        if len(self.data) * p.units <= MAX_SNAPSHOT_PAIRS:
            best, best_d = self._data_winners()
            out.update(hit_map=np.bincount(best, minlength=p.units), data_winners=best,
                       data_distances=best_d)
        return out

    def maps(self) -> dict[str, Any]:
        """On demand, for the current weights: ``u_matrix`` (m,), ``hit_map`` (m,),
        ``label_map`` (per unit, the labels of the inputs it wins: Fig 4.10's
        table), ``unit_inputs`` (per unit, the data rows it wins), ``winners``
        (the winner of every input) — all frozen like a snapshot.
        """
        from .base import freeze

        p = self.params
        best, _, _ = best_two_units(self.data, self.weights)
        hits = np.bincount(best, minlength=p.units)
        unit_inputs = [np.flatnonzero(best == u) for u in range(p.units)]
        return freeze({
            "u_matrix": u_matrix(self.weights, p.rows, p.cols, p.topology),
            "hit_map": hits,
            "label_map": [[self.labels[i] for i in rows] for rows in unit_inputs],
            "unit_inputs": unit_inputs,
            "winners": best,
        })

    def positions(self) -> np.ndarray:
        """(m, 2) drawing positions of the units (see :func:`grid_positions`)."""
        p = self.params
        return grid_positions(p.rows, p.cols, p.topology)

    def edges(self) -> np.ndarray:
        """(E, 2) unit pairs to join when drawing (see :func:`lattice_edges`)."""
        p = self.params
        return lattice_edges(p.rows, p.cols, p.topology)

    def summary(self, snap) -> dict[str, str]:
        winner = snap["winner"]
        return {
            "epoch": str(snap["epoch"]),
            "input": "-" if snap["input_index"] is None else self.labels[snap["input_index"]],
            "winner": "-" if winner is None else str(winner + 1),
            "α": f"{snap['learning_rate']:.4g}",
            "R": f"{snap['radius']:.3g}",
            "QE": f"{snap['quantization_error']:.4f}",
            "TE": f"{snap['topographic_error']:.3f}",
        }
