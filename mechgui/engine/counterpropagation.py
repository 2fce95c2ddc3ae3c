"""Forward-only counterpropagation (Hecht-Nielsen 1987), in the form of Fausett's chapter.

An input layer X, a Kohonen (cluster) layer Z of m units with weights v_j, and an outstar
(Grossberg) layer Y with weights w_j from each cluster unit.  For a training pair x : y
the winner J = argmin_j ‖x − v_j‖ (winner-take-all), and training has two phases:

phase 1   the cluster weights learn the inputs:   v_J ← v_J + α (x − v_J);
phase 2   the outstar learns each cluster's output: w_J ← w_J + β (y − w_J)
          (the cluster weights may go on with a small α₂; 0 keeps them as they are).

After training the net is a lookup table: x → the w_J of its cluster unit, so a function
y = f(x) is approximated by a staircase with one step per cluster unit.  One step is one
training pair presented; α, α₂ and β decrease after each epoch (linearly, or not at all).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .base import Frozen, Simulation
from .competitive import EpochSteps, epoch_order, nearest
from .data import LETTER_COLS, LETTER_ROWS, load_letters
from .history import History
from .metrics import Metric
from .params import Choice, Float, Int, ParameterError, ParamSet

__all__ = [
    "CP_DATASETS",
    "CURVE_POINTS",
    "FUNCTIONS",
    "Counterpropagation",
    "CounterpropagationParams",
    "cp_dataset",
]

#: The functions y = f(x) and their domains.
FUNCTIONS: dict[str, tuple[str, float, float]] = {
    "reciprocal": ("y = 1/x", 0.1, 10.0),
    "sine": ("y = sin x", 0.0, 2 * math.pi),
}
LETTER_CODES: tuple[str, ...] = ("letters-onehot", "letters-bipolar")
CP_DATASETS: tuple[str, ...] = tuple(FUNCTIONS) + LETTER_CODES
#: Points of the grid over a function's domain on which the staircase and its error are taken.
CURVE_POINTS = 400
HISTORY_ROWS = 4097
HISTORY_COLUMNS = ("error", "quantization_error", "alpha", "beta")
DONE = "done"
_FUNCTIONS_ONLY = {"dataset": tuple(FUNCTIONS)}


def _f(name: str, x: np.ndarray) -> np.ndarray:
    return 1.0 / x if name == "reciprocal" else np.sin(x)


@dataclass(frozen=True, eq=False)
class CounterpropagationParams(ParamSet):
    """Parameters of :class:`Counterpropagation` (default: y = 1/x on [0.1, 10], 10 units)."""

    dataset: str = Choice("reciprocal", CP_DATASETS,
                          "the pairs x : y: y = 1/x on [0.1, 10], y = sin x on [0, 2π], or the "
                          "21 letters to a one-hot (0/1) or bipolar (±1) code of their letter",
                          label="data set")
    samples: int = Int(200, "training pairs drawn uniformly over the function's domain",
                       low=2, high=100_000, label="training pairs", applies=_FUNCTIONS_ONLY)
    data_seed: int = Int(0, "seed the training x are drawn from", low=0, high=2 ** 31 - 1,
                         label="data seed", applies=_FUNCTIONS_ONLY)
    units: int = Int(10, "cluster (Kohonen) units m: the steps of the staircase", low=1,
                     high=1000, label="cluster units")
    init: str = Choice("samples", ("samples", "uniform"),
                       "initial cluster weights: m distinct training inputs, or uniform in the "
                       "inputs' bounding box", label="initialisation")
    alpha: float = Float(0.3, "α, the Kohonen layer's learning rate in phase 1", low=0, high=1,
                         low_open=True, step=0.05, label="α (Kohonen)", live=True)
    alpha_phase2: float = Float(0.0, "α₂, the Kohonen layer's rate in phase 2 (0: the clusters "
                                "stay as phase 1 left them)", low=0, high=1, step=0.01,
                                label="α₂ (phase 2)", live=True)
    beta: float = Float(0.3, "β, the outstar (Grossberg) layer's learning rate in phase 2",
                        low=0, high=1, low_open=True, step=0.05, label="β (outstar)", live=True)
    rate_decay: str = Choice("linear", ("linear", "constant"),
                             "rates decrease linearly over each phase (to 1/E of the first at "
                             "its last epoch), or stay constant", label="rate reduction",
                             live=True)
    epochs_phase1: int = Int(20, "epochs of phase 1 (clustering the inputs)", low=1,
                             high=100_000, label="epochs, phase 1")
    epochs_phase2: int = Int(20, "epochs of phase 2 (learning the outputs)", low=1,
                             high=100_000, label="epochs, phase 2")
    order: str = Choice("shuffled", ("sequential", "shuffled"),
                        "training pairs in data order each epoch, or in a fresh random order",
                        label="input order")

    def check(self) -> None:
        pairs = self.samples if self.dataset in FUNCTIONS else 21
        if self.init == "samples" and self.units > pairs:
            raise ParameterError("units", self.units, f"expected at most {pairs} (the training "
                                 "pairs) when the clusters start at training inputs")


def cp_dataset(p: CounterpropagationParams) -> dict[str, Any]:
    """The pairs: ``data`` (N × n), ``targets`` (N × p), ``labels``, ``output_names``,
    ``classes`` (the letter index of each pair, or None), ``input_shape``, ``domain``."""
    if p.dataset in FUNCTIONS:
        _, low, high = FUNCTIONS[p.dataset]
        x = np.random.default_rng(p.data_seed).uniform(low, high, p.samples)
        return {"data": x[:, None], "targets": _f(p.dataset, x)[:, None],
                "labels": tuple(f"{v:.3g}" for v in x), "output_names": ("y",),
                "classes": None, "input_shape": None, "domain": (low, high)}
    labels, data = load_letters(bipolar=False)
    names = tuple(dict.fromkeys(label[0] for label in labels))
    classes = np.array([names.index(label[0]) for label in labels])
    off = -1.0 if p.dataset == "letters-bipolar" else 0.0
    targets = np.full((len(labels), len(names)), off)
    targets[np.arange(len(labels)), classes] = 1.0
    return {"data": data, "targets": targets, "labels": tuple(labels), "output_names": names,
            "classes": classes, "input_shape": (LETTER_ROWS, LETTER_COLS), "domain": None}


class Counterpropagation(EpochSteps, Simulation):
    """Forward-only counterpropagation, trained in two phases (see the module's text)."""

    name = "counterpropagation"
    title = "Counterpropagation"
    Params = CounterpropagationParams
    run_limit: ClassVar[int] = 2_000_000
    detail_keys: ClassVar[tuple[str, ...]] = ("curve_y", "data_winners", "net_outputs", "lookup",
                                              "lookup_accuracy", "error",
                                              "quantization_error")

    def _reset(self) -> None:
        p = self.params
        d = cp_dataset(p)
        self.data, self.targets, self.classes = d["data"], d["targets"], d["classes"]
        self.info = {key: Frozen(d[key]) for key in ("data", "targets", "labels")}
        self.info.update(output_names=d["output_names"], input_shape=d["input_shape"],
                         domain=d["domain"], classes=Frozen(d["classes"]),
                         function=FUNCTIONS[p.dataset][0] if p.dataset in FUNCTIONS else None)
        if d["domain"] is not None:
            grid = np.linspace(*d["domain"], CURVE_POINTS)
            self._grid = grid[:, None]
            self.info.update(curve_x=Frozen(grid), curve_target=Frozen(_f(p.dataset, grid)))
        else:
            self._grid = None
            self.info.update(curve_x=None, curve_target=None)
        if p.init == "samples":
            self.clusters = self.data[self.rng.choice(len(self.data), p.units, replace=False)]
            self.clusters = self.clusters.astype(float)  # (a copy)
        else:
            low, high = self.data.min(0), self.data.max(0)
            self.clusters = low + (high - low) * self.rng.random((p.units, self.data.shape[1]))
        self.outstar = np.zeros((p.units, self.targets.shape[1]))
        self.phase, self.epoch, self.position = 1, 0, 0
        self.wins = np.zeros(p.units, dtype=np.int64)
        self.order = epoch_order(self.rng, np.arange(len(self.data)), p.order)
        self._rates()
        self._last: dict[str, Any] = dict.fromkeys(
            ("input_index", "winner", "cluster_before", "outstar_before", "step_phase",
             "step_epoch", "step_alpha", "step_beta"))
        self._history = History(len(HISTORY_COLUMNS) + 1, HISTORY_ROWS, "thin")
        self.initial_error, self.initial_quantization_error = self._errors()

    def _rates(self) -> None:
        """α (or α₂) and β of the coming epoch of the current phase."""
        p = self.params
        epochs = p.epochs_phase1 if self.phase == 1 else p.epochs_phase2
        fall = 1.0 - min(self.epoch, epochs - 1) / epochs if p.rate_decay == "linear" else 1.0
        self.alpha = (p.alpha if self.phase == 1 else p.alpha_phase2) * fall
        self.beta = p.beta * fall if self.phase == 2 else 0.0

    def _winners(self, points: np.ndarray) -> np.ndarray:
        return nearest(points, self.clusters)

    def _errors(self) -> tuple[float, float]:
        """Mean |output − target| (over the function's grid, or the pairs) and the mean
        distance of the inputs to their cluster units."""
        winners = self._winners(self.data)
        qe = float(np.mean(np.sqrt(((self.data - self.clusters[winners]) ** 2).sum(1))))
        if self._grid is not None:
            out = self.outstar[self._winners(self._grid), 0]
            return float(np.mean(np.abs(out - self.info["curve_target"].value))), qe
        return float(np.mean(np.abs(self.outstar[winners] - self.targets))), qe

    # -- one training pair ----------------------------------------------------------
    def _step(self) -> None:
        i = int(self.order[self.position])
        x, y = self.data[i], self.targets[i]
        j = int(np.argmin(((self.clusters - x) ** 2).sum(1)))
        self._last = {"input_index": i, "winner": j, "cluster_before": self.clusters[j].copy(),
                      "outstar_before": self.outstar[j].copy(), "step_phase": self.phase,
                      "step_epoch": self.epoch + 1, "step_alpha": self.alpha,
                      "step_beta": self.beta}
        self.clusters[j] += self.alpha * (x - self.clusters[j])
        if self.phase == 2:
            self.outstar[j] += self.beta * (y - self.outstar[j])
        self.wins[j] += 1
        self._advance()

    def _end_epoch(self) -> None:
        p = self.params
        done_epochs = self.epoch + (p.epochs_phase1 if self.phase == 2 else 0)
        self._history.add(done_epochs, (self.phase, *self._errors(), self.alpha, self.beta))
        self.order = epoch_order(self.rng, np.arange(len(self.data)), p.order)
        if self.phase == 1 and self.epoch >= p.epochs_phase1:
            self.phase, self.epoch = 2, 0
            self.wins[:] = 0
        elif self.phase == 2 and self.epoch >= p.epochs_phase2:
            self.status = DONE
        self._rates()

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        self._rates()

    # -- what a view sees -----------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        """``cluster_weights`` v (m × n), ``outstar_weights`` w (m × p), ``wins`` (times
        each unit won in this phase); the last step's ``input_index``, ``input`` x,
        ``target`` y, ``winner`` J, ``cluster_before`` and ``outstar_before`` (J's
        weights before it learned), ``step_phase``, ``step_epoch`` (1-based, in its
        phase), ``step_alpha`` and ``step_beta`` of that step (all None before the first
        step); ``phase`` (1 or 2, of the coming step),
        ``epoch`` (completed in this phase), ``epochs_phase1``, ``epochs_phase2``,
        ``sample``, ``samples_per_epoch``, ``alpha`` and ``beta`` (of the coming step);
        ``initial_error``, ``initial_quantization_error`` and the per-epoch
        ``history_epoch`` (counted over both phases), ``history_phase``,
        ``history_error``, ``history_quantization_error``, ``history_alpha``,
        ``history_beta``; the pairs ``data``, ``targets``, ``labels``, ``classes``
        (letter index of each pair, or None), ``output_names``, ``input_shape``,
        ``function`` (its formula, or None), ``domain``, ``curve_x`` and
        ``curve_target`` (f on the grid; None for the letters)."""
        p = self.params
        last = self._last
        i = last["input_index"]
        h = self._history
        history = {"history_epoch": h.steps.copy()}
        for k, name in enumerate(("phase",) + HISTORY_COLUMNS):
            history[f"history_{name}"] = h.rows[:, k].copy()
        return {
            "cluster_weights": self.clusters, "outstar_weights": self.outstar,
            "wins": self.wins, **last,
            "input": None if i is None else self.data[i],
            "target": None if i is None else self.targets[i],
            "phase": self.phase, "epoch": self.epoch, "epochs_phase1": p.epochs_phase1,
            "epochs_phase2": p.epochs_phase2, "sample": self.position,
            "samples_per_epoch": len(self.order), "alpha": self.alpha, "beta": self.beta,
            "initial_error": self.initial_error,
            "initial_quantization_error": self.initial_quantization_error,
            **history, **self.info,
        }

    def _snapshot_detail(self) -> dict[str, Any]:
        """``error`` and ``quantization_error`` now; ``curve_y`` (the staircase: the
        output at each ``curve_x``; None for the letters), ``data_winners`` (the
        cluster unit of each pair), ``net_outputs`` (the output for each pair),
        ``lookup`` (the letter each letter is mapped to: the largest output; None for
        functions) and ``lookup_accuracy``."""
        error, qe = self._errors()
        winners = self._winners(self.data)
        outputs = self.outstar[winners]
        out: dict[str, Any] = {"error": error, "quantization_error": qe,
                               "data_winners": winners, "net_outputs": outputs,
                               "curve_y": None, "lookup": None, "lookup_accuracy": None}
        if self._grid is not None:
            out["curve_y"] = self.outstar[self._winners(self._grid), 0]
        else:
            lookup = np.argmax(outputs, axis=1)
            out.update(lookup=lookup, lookup_accuracy=float(np.mean(lookup == self.classes)))
        return out

    def summary(self, snap: Any) -> dict[str, str]:
        i, j = snap["input_index"], snap["winner"]
        return {"phase": str(snap["step_phase"] or 1), "epoch": str(snap["step_epoch"] or 0),
                "input": "-" if i is None else snap["labels"][i],
                "J": "-" if j is None else str(j + 1),
                "α": f"{snap['step_alpha'] or snap['alpha']:.3g}",
                "β": f"{snap['step_beta'] or 0:.3g}",
                "error": f"{snap['error']:.4f}"}


#: What a finished run measured (for sweeps; see :mod:`mechgui.engine.metrics`).
METRICS = (
    Metric("error", "output error", lambda sim, snap: snap.get("error"),
           help="mean |y − f(x)| over the training pairs after the run", higher_is_better=False),
    Metric("quantization_error", "quantization error",
           lambda sim, snap: snap.get("quantization_error"),
           help="mean distance from each input to its cluster unit", higher_is_better=False),
    Metric("lookup_accuracy", "lookup accuracy", lambda sim, snap: snap.get("lookup_accuracy"),
           help="share of letters whose code is read back right (letters only)"),
)
