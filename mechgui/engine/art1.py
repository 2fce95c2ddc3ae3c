"""ART1 (Carpenter and Grossberg 1987): adaptive resonance for binary inputs.

Fausett's ART1 algorithm with fast learning.  F1 holds the binary input s (n units),
F2 at most m cluster units; bottom-up weights b_ij start at 1/(1 + n), top-down weights
t_ji at 1.  For each input s (Steps 3–12):

    y_j = Σ_i b_ij s_i for every F2 unit not inhibited;
    J = the unit with the largest y_j (ties: the lowest index);
    x = s ∧ t_J, and the match ratio ‖x‖/‖s‖ is tested against the vigilance ρ:
    below ρ, J is reset (inhibited for this input) and the search goes on;
    at or above ρ, J learns:  b_iJ = L x_i / (L − 1 + ‖x‖),  t_Ji = x_i.

An unused unit (t = 1) matches anything, so a new category is created when no used one
is close enough; when all m units are reset the input cannot be clustered.  One step is
one input presented, its whole search included; epochs go on until one changes no weight
(``converged``), or the epoch cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .base import Frozen, Simulation
from .competitive import EpochSteps, epoch_order
from .data import LETTER_COLS, LETTER_ROWS, load_letters
from .history import History
from .metrics import Metric
from .params import Choice, Float, Int, Matrix, ParameterError, ParamSet

__all__ = ["ART1", "SWEEP_VIGILANCE", "ART1Params", "art1_inputs", "categories_at", "present"]

#: Fausett's small example: four binary vectors.
FOUR_VECTORS = np.array([[1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 1]], dtype=float)
#: The vigilances of the sweep (categories against ρ) computed on each reset.
SWEEP_VIGILANCE = np.round(np.arange(0.05, 1.0001, 0.05), 2)
#: The sweep is computed when inputs × units × components is at most this.
MAX_SWEEP_SIZE = 2_000_000
CONVERGED, MAX_EPOCHS = "converged", "max_epochs"
HISTORY_ROWS = 4097


@dataclass(frozen=True, eq=False)
class ART1Params(ParamSet):
    """Parameters of :class:`ART1` (default: the 21 letters, ρ = 0.5)."""

    dataset: str = Choice("letters", ("letters", "four-vectors", "custom"),
                          "the binary inputs: the 21 letters as 0/1 patterns, Fausett's four "
                          "vectors, or custom", label="data set")
    inputs: np.ndarray | None = Matrix(None, "custom binary inputs, one per row, each with at "
                                       "least one 1", min_rows=1, max_rows=100_000,
                                       max_cols=10_000, values=(0, 1), optional=True,
                                       label="custom inputs", applies={"dataset": ("custom",)})
    vigilance: float = Float(0.5, "ρ: an input joins a category only if |s ∧ t_J| / |s| ≥ ρ; "
                             "higher ρ, more and finer categories", low=0, high=1,
                             low_open=True, step=0.05, decimals=3, label="vigilance ρ")
    max_clusters: int = Int(25, "F2 units m: at most this many categories", low=1, high=1000,
                            label="max categories m")
    L: float = Float(2.0, "L > 1 in the bottom-up weights L x_i / (L − 1 + |x|)", low=1,
                     high=1000, low_open=True, step=0.5, label="L")
    max_epochs: int = Int(100, "stop after this many epochs if weights still change", low=1,
                          high=100_000, label="epoch cap")
    order: str = Choice("sequential", ("sequential", "shuffled"),
                        "inputs in data order each epoch (ART1 depends on it), or shuffled",
                        label="input order")

    def check(self) -> None:
        if self.dataset == "custom":
            if self.inputs is None:
                raise ParameterError("inputs", None, "expected a matrix when dataset is custom")
            if np.any(self.inputs.sum(axis=1) == 0):
                raise ParameterError("inputs", self.inputs, "expected at least one 1 in "
                                     "every row: the match ratio divides by |s|")
        elif self.inputs is not None:
            raise ParameterError("inputs", self.inputs, "expected auto unless dataset is custom")


def art1_inputs(p: ART1Params) -> tuple[np.ndarray, tuple[str, ...], tuple[int, int] | None]:
    """The binary inputs, their names and the glyph shape ((9, 7) for the letters)."""
    if p.dataset == "letters":
        labels, data = load_letters(bipolar=False)
        return data, tuple(labels), (LETTER_ROWS, LETTER_COLS)
    data = FOUR_VECTORS if p.dataset == "four-vectors" else np.asarray(p.inputs, dtype=float)
    return data.copy(), tuple(f"s({i + 1})" for i in range(len(data))), None


def present(s: np.ndarray, bottom_up: np.ndarray, top_down: np.ndarray, vigilance: float,
            L: float) -> dict[str, Any]:
    """One presentation of ``s`` (Steps 3–12), learning in place; returns the search:
    ``net_input`` (y_j of every unit), ``tried`` (the units tried, in order), their
    ``tried_net`` and ``tried_match`` (|s ∧ t_J| / |s|), ``tried_reset`` (True: reset),
    ``category`` (J, or None when every unit was reset) and ``changed`` (weights changed)."""
    norm = s.sum()
    net = bottom_up @ s
    overlap = top_down @ s  # |s ∧ t_j| for binary s and t
    order = np.argsort(-net, kind="stable")
    ratios = overlap[order] / norm
    passed = np.flatnonzero(ratios >= vigilance)
    stop = int(passed[0]) + 1 if passed.size else len(order)
    tried = order[:stop]
    category = int(tried[-1]) if passed.size else None
    changed = False
    if category is not None:
        x = s * top_down[category]
        new_b = L * x / (L - 1 + x.sum())
        changed = not (np.array_equal(new_b, bottom_up[category])
                       and np.array_equal(x, top_down[category]))
        bottom_up[category], top_down[category] = new_b, x
    resets = np.ones(stop, dtype=bool)
    if category is not None:
        resets[-1] = False
    return {"net_input": net, "tried": tried, "tried_net": net[tried],
            "tried_match": ratios[:stop], "tried_reset": resets, "category": category,
            "changed": changed}


def initial_weights(m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Bottom-up b_ij(0) = 1/(1 + n) (rows: F2 units) and top-down t_ji(0) = 1."""
    return np.full((m, n), 1.0 / (1.0 + n)), np.ones((m, n))


def categories_at(inputs: np.ndarray, vigilance: float, m: int, L: float, max_epochs: int,
                  orders: list[np.ndarray]) -> int:
    """Categories used once training on ``inputs`` stops (``orders``: each epoch's order)."""
    bottom_up, top_down = initial_weights(m, inputs.shape[1])
    used = np.zeros(m, dtype=bool)
    for epoch in range(max_epochs):
        changed = False
        for i in orders[epoch % len(orders)]:
            result = present(inputs[i], bottom_up, top_down, vigilance, L)
            if result["category"] is not None:
                used[result["category"]] = True
            changed |= result["changed"]
        if not changed:
            break
    return int(used.sum())


class ART1(EpochSteps, Simulation):
    """ART1 with fast learning (see the module's text)."""

    name = "art1"
    title = "ART1"
    Params = ART1Params
    run_limit: ClassVar[int] = 10_000_000

    def _reset(self) -> None:
        p = self.params
        inputs, labels, shape = art1_inputs(p)
        self.inputs = inputs
        self.info = {"inputs": Frozen(inputs), "labels": Frozen(labels), "input_shape": shape}
        self.bottom_up, self.top_down = initial_weights(p.max_clusters, inputs.shape[1])
        self.committed = np.zeros(p.max_clusters, dtype=bool)
        self.assigned = np.full(len(inputs), -1, dtype=np.int64)  # -1: not yet / none
        self.epoch, self.position = 0, 0
        self.changed_this_epoch = 0
        self.order = epoch_order(self.rng, np.arange(len(inputs)), p.order)
        self._search: dict[str, Any] | None = None
        self._input_index: int | None = None
        self._step_epoch: int | None = None
        self._history = History(2, HISTORY_ROWS, "thin")
        self.info.update(self._sweep())

    def _sweep(self) -> dict[str, Any]:
        """Categories against ρ for these inputs (in data order, or in shuffled orders of
        the sweep's own)."""
        p = self.params
        if self.inputs.size * p.max_clusters > MAX_SWEEP_SIZE:
            return {"sweep_vigilance": None, "sweep_categories": None}
        rng = np.random.default_rng(self.seed)
        orders = [epoch_order(rng, np.arange(len(self.inputs)), p.order)
                  for _ in range(1 if p.order == "sequential" else 8)]
        counts = [categories_at(self.inputs, float(r), p.max_clusters, p.L,
                                min(p.max_epochs, 50), orders) for r in SWEEP_VIGILANCE]
        return {"sweep_vigilance": Frozen(SWEEP_VIGILANCE),
                "sweep_categories": Frozen(np.array(counts))}

    def _step(self) -> None:
        p = self.params
        i = int(self.order[self.position])
        search = present(self.inputs[i], self.bottom_up, self.top_down, p.vigilance, p.L)
        category = search["category"]
        if category is not None:
            self.committed[category] = True
        self.assigned[i] = -1 if category is None else category
        self.changed_this_epoch += search["changed"]
        self._search, self._input_index = search, i
        self._step_epoch = self.epoch + 1
        self._advance()

    def _end_epoch(self) -> None:
        p = self.params
        self._history.add(self.epoch, (int(self.committed.sum()), self.changed_this_epoch))
        if self.changed_this_epoch == 0:
            self.status = CONVERGED
        elif self.epoch >= p.max_epochs:
            self.status = MAX_EPOCHS
        self.changed_this_epoch = 0
        self.order = epoch_order(self.rng, np.arange(len(self.inputs)), p.order)

    def _snapshot(self) -> dict[str, Any]:
        """``bottom_up`` b (m × n, one row per F2 unit), ``top_down`` t (m × n),
        ``committed`` (the units in use), ``categories`` (their number), ``assigned``
        (each input's category in its latest presentation; −1: not yet, or none);
        the last presentation's ``input_index``, ``input`` s, ``net_input`` y_j,
        the search ``tried``, ``tried_net``, ``tried_match``, ``tried_reset``, its
        ``category`` J (None: every unit reset, the input not clustered) and
        ``changed``, ``step_epoch`` (1-based; None before the first step);
        ``vigilance``, ``L``, ``epoch``
        (completed), ``sample``, ``samples_per_epoch``, ``changed_this_epoch``;
        per-epoch ``history_epoch``, ``history_categories``, ``history_changes``;
        ``inputs``, ``labels``, ``input_shape``; ``sweep_vigilance`` and
        ``sweep_categories`` (categories at convergence for ρ = .05 … 1, or None)."""
        p = self.params
        i = self._input_index
        search = self._search or {"net_input": None, "tried": np.empty(0, dtype=np.int64),
                                  "tried_net": np.empty(0), "tried_match": np.empty(0),
                                  "tried_reset": np.empty(0, dtype=bool), "category": None,
                                  "changed": None}
        h = self._history
        return {
            "bottom_up": self.bottom_up, "top_down": self.top_down,
            "committed": self.committed, "categories": int(self.committed.sum()),
            "assigned": self.assigned, "input_index": i,
            "input": None if i is None else self.inputs[i], **search,
            "step_epoch": self._step_epoch,
            "vigilance": p.vigilance, "L": p.L, "epoch": self.epoch, "sample": self.position,
            "samples_per_epoch": len(self.order), "changed_this_epoch": self.changed_this_epoch,
            "history_epoch": h.steps.copy(), "history_categories": h.rows[:, 0].copy(),
            "history_changes": h.rows[:, 1].copy(), **self.info,
        }

    def summary(self, snap: Any) -> dict[str, str]:
        i, j = snap["input_index"], snap["category"]
        tried = " ".join(f"{u + 1}{'✗' if r else '✓'}"
                         for u, r in zip(snap["tried"], snap["tried_reset"]))
        return {"epoch": str(snap["step_epoch"] or 0),
                "input": "-" if i is None else snap["labels"][i],
                "search": tried or "-",
                "J": "-" if j is None else str(j + 1),
                "categories": str(snap["categories"])}


#: What a finished run measured (for sweeps; see :mod:`mechgui.engine.metrics`).
METRICS = (
    Metric("categories", "categories", lambda sim, snap: snap["categories"], unit="clusters",
           help="categories committed by the end of the run (grows with the vigilance ρ)",
           higher_is_better=None),
)
