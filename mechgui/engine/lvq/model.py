"""Learning vector quantization (Kohonen 1989, 1990): LVQ1 and LVQ2.1.

Chapter 4's "other mechanisms for clustering", in the standard form of Fausett's LVQ
section.  Labelled reference vectors (prototypes) w_j, several per class allowed; for each
training vector x of class T:

LVQ1      J = argmin_j ‖x − w_j‖;  w_J ← w_J + α (x − w_J) if class(J) = T (toward x),
          w_J ← w_J − α (x − w_J) otherwise (away from x).
LVQ2.1    the two nearest prototypes c1, c2 (distances d1 ≤ d2) move only when one is of
          class T and the other is not, and x falls in the window
          min(d1/d2, d2/d1) > (1 − w)/(1 + w): the right one toward x, the wrong one away.

α decreases after each epoch (one pass over the training vectors).  One step is one
training vector presented.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..base import RUNNING, Frozen, Simulation
from ..competitive import EpochSteps, epoch_order, nearest
from ..history import History
from ..params import ParamSet
from .data import lvq_dataset
from .params import LVQParams

__all__ = ["DONE", "HISTORY_ROWS", "LVQ", "REGION_GRID", "learning_rate_at", "lvq21_ratio"]

#: Cells per side of the grid the decision regions are computed on (2-D data only).
REGION_GRID = 160
#: Epochs the accuracy curve keeps: every epoch up to 4096, then every 2nd, 4th, …
HISTORY_ROWS = 4097
DONE = "done"


def learning_rate_at(p: Any, epoch: int) -> float:
    """α in ``epoch`` (0-based) of ``p.epochs``: linear to α/E, geometric or constant."""
    if p.learning_rate_decay == "linear":
        return p.learning_rate * (1.0 - min(epoch, p.epochs - 1) / p.epochs)
    if p.learning_rate_decay == "geometric":
        return p.learning_rate * p.learning_rate_factor ** epoch
    return p.learning_rate


class LVQ(EpochSteps, Simulation):
    """LVQ1 / LVQ2.1.  See the module's text; the snapshot's keys are listed in
    :meth:`_snapshot` and :meth:`_snapshot_detail`."""

    name = "lvq"
    title = "LVQ"
    Params = LVQParams
    run_limit: ClassVar[int] = 1_000_000
    detail_keys: ClassVar[tuple[str, ...]] = ("predicted", "accuracy", "misclassified",
                                              "region", "region_units")

    def _reset(self) -> None:
        p = self.params
        d = lvq_dataset(p)
        self.data, self.targets = d["data"], d["targets"]
        self.classes = d["classes"]
        self._frozen = {key: Frozen(d[key]) for key in ("data", "targets", "labels")}
        self.input_shape = d["input_shape"]
        sources: list[int] = []
        if p.initial_prototypes is not None:
            self.prototypes = np.array(p.initial_prototypes, dtype=float)
            numbers = np.unique(p.targets) if p.dataset == "custom" \
                else np.arange(1, len(self.classes) + 1)
            self.prototype_classes = np.searchsorted(numbers, p.prototype_classes)
            train = np.arange(len(self.data))
        else:
            for k in range(len(self.classes)):
                members = np.flatnonzero(self.targets == k)
                if p.init == "random-samples":
                    members = self.rng.permutation(members)
                sources += members[:p.prototypes_per_class].tolist()
            self.prototypes = self.data[sources].copy()
            self.prototype_classes = self.targets[sources].copy()
            train = np.arange(len(self.data))
            if p.init == "first-samples":
                train = np.setdiff1d(train, sources)
        self._sources = Frozen(np.array(sources, dtype=np.int64))
        self._training = Frozen(train)
        self._box = self._region_box()
        self.epoch, self.position = 0, 0
        self.order = epoch_order(self.rng, train, p.order)
        self.alpha = learning_rate_at(p, 0)
        self._last: dict[str, Any] = _NO_STEP
        self._history = History(2, HISTORY_ROWS, "thin")
        self.initial_accuracy = self._accuracy()

    def _region_box(self) -> tuple[float, float, float, float] | None:
        if self.data.shape[1] != 2:
            return None
        both = np.vstack([self.data, self.prototypes])
        low, high = both.min(0), both.max(0)
        pad = 0.08 * np.maximum(high - low, 1e-9)
        return (float(low[0] - pad[0]), float(high[0] + pad[0]),
                float(low[1] - pad[1]), float(high[1] + pad[1]))

    def _accuracy(self) -> float:
        winners = nearest(self.data, self.prototypes)
        return float(np.mean(self.prototype_classes[winners] == self.targets))

    # -- one training vector ------------------------------------------------------
    def _step(self) -> None:
        p = self.params
        i = int(self.order[self.position])
        x, t = self.data[i], int(self.targets[i])
        distances = np.sqrt(((self.prototypes - x) ** 2).sum(1))
        if p.variant == "lvq1":
            j = int(np.argmin(distances))
            moved, signs = [j], [1.0 if self.prototype_classes[j] == t else -1.0]
            runner_up, ratio, inside = None, None, None
        else:
            j, runner_up = (int(u) for u in np.argsort(distances, kind="stable")[:2])
            ratio = lvq21_ratio(distances[j], distances[runner_up])
            inside = ratio > (1 - p.window) / (1 + p.window)
            right = [self.prototype_classes[u] == t for u in (j, runner_up)]
            moved, signs = [], []
            if inside and right[0] != right[1]:
                moved, signs = [j, runner_up], [1.0 if r else -1.0 for r in right]
        before = self.prototypes[moved].copy()
        for unit, sign in zip(moved, signs):
            self.prototypes[unit] += sign * self.alpha * (x - self.prototypes[unit])
        self._last = {"input_index": i, "target": t, "winner": j, "runner_up": runner_up,
                      "distances": distances, "window_ratio": ratio, "in_window": inside,
                      "moved": np.array(moved, dtype=np.int64), "moved_from": before,
                      "moved_to": self.prototypes[moved].copy(),
                      "move_signs": np.array(signs), "step_learning_rate": self.alpha,
                      "step_epoch": self.epoch + 1}
        self._advance()

    def _end_epoch(self) -> None:
        self._history.add(self.epoch, (self._accuracy(), self.alpha))
        self.order = epoch_order(self.rng, self._training.value, self.params.order)
        self.alpha = learning_rate_at(self.params, self.epoch)
        if self.epoch >= self.params.epochs:
            self.status = DONE

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        """A new schedule applies from the current epoch on; more epochs resume a done run."""
        self.alpha = learning_rate_at(self.params, self.epoch)
        if self.position == 0:
            self.status = DONE if self.epoch >= self.params.epochs else RUNNING

    # -- what a view sees ---------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        """``prototypes`` (k × n) and ``prototype_classes``; the last step's
        ``input_index``, ``input``, ``target``, ``winner`` (the nearest prototype),
        ``runner_up`` (LVQ2.1's second), ``distances`` ‖x − w_j‖, ``window_ratio`` and
        ``in_window`` (LVQ2.1), ``moved`` (prototypes that moved) with ``moved_from``,
        ``moved_to`` and ``move_signs`` (+1 toward x, −1 away), ``step_learning_rate``
        and ``step_epoch`` (1-based) of that step (None before the first step);
        ``rule`` (the step in words); ``epoch`` (completed), ``epochs``, ``sample``,
        ``samples_per_epoch``, ``learning_rate`` (of the coming step), ``variant``,
        ``window``; ``initial_accuracy`` and the per-epoch ``history_epoch``,
        ``history_accuracy``, ``history_learning_rate``; ``data``, ``targets``,
        ``labels``, ``classes``, ``input_shape``, ``training`` (the rows trained on),
        ``prototype_sources`` (the rows the prototypes started from; empty when given
        explicitly), ``region_box`` (x0, x1, y0, y1 of the decision-region grid; None
        unless 2-D)."""
        p = self.params
        last = self._last
        i = last["input_index"]
        h = self._history
        return {
            "prototypes": self.prototypes,
            "prototype_classes": self.prototype_classes,
            **last,
            "input": None if i is None else self.data[i],
            "rule": self._rule(),
            "epoch": self.epoch, "epochs": p.epochs, "sample": self.position,
            "samples_per_epoch": len(self.order), "learning_rate": self.alpha,
            "variant": p.variant, "window": p.window,
            "initial_accuracy": self.initial_accuracy,
            "history_epoch": h.steps.copy(), "history_accuracy": h.rows[:, 0].copy(),
            "history_learning_rate": h.rows[:, 1].copy(),
            "data": self._frozen["data"], "targets": self._frozen["targets"],
            "labels": self._frozen["labels"], "classes": self.classes,
            "input_shape": self.input_shape, "training": self._training,
            "prototype_sources": self._sources, "region_box": self._box,
        }

    def _snapshot_detail(self) -> dict[str, Any]:
        """``predicted`` (class index of every vector, by its nearest prototype),
        ``accuracy`` (share right), ``misclassified`` (their rows); for 2-D data
        ``region`` (class) and ``region_units`` (nearest prototype) on a
        :data:`REGION_GRID`² grid over ``region_box``, row 0 at y0 (None otherwise)."""
        predicted = self.prototype_classes[nearest(self.data, self.prototypes)]
        out: dict[str, Any] = {"predicted": predicted,
                               "accuracy": float(np.mean(predicted == self.targets)),
                               "misclassified": np.flatnonzero(predicted != self.targets),
                               "region": None, "region_units": None}
        if self._box is not None:
            x0, x1, y0, y1 = self._box
            xs = x0 + (np.arange(REGION_GRID) + 0.5) * (x1 - x0) / REGION_GRID
            ys = y0 + (np.arange(REGION_GRID) + 0.5) * (y1 - y0) / REGION_GRID
            grid = np.column_stack([np.tile(xs, REGION_GRID), np.repeat(ys, REGION_GRID)])
            units = nearest(grid, self.prototypes).reshape(REGION_GRID, REGION_GRID)
            out["region_units"] = units.astype(np.int32)
            out["region"] = self.prototype_classes[units].astype(np.int32)
        return out

    def _rule(self) -> str:
        last = self._last
        if last["input_index"] is None:
            return "no vector presented yet"
        names, t = self.classes, last["target"]
        name = self._frozen["labels"].value[last["input_index"]]
        words = {1.0: "toward x", -1.0: "away from x"}
        if self.params.variant == "lvq1":
            j, sign = last["winner"], last["move_signs"][0]
            return (f"x = {name} (class {names[t]}): J = {j + 1} (class "
                    f"{names[self.prototype_classes[j]]}) moves {words[sign]}")
        j, r = last["winner"], last["runner_up"]
        head = (f"x = {name} (class {names[t]}): nearest {j + 1} and {r + 1}, "
                f"min(d1/d2, d2/d1) = {last['window_ratio']:.3f}")
        if not last["in_window"]:
            return head + " ≤ (1 − w)/(1 + w): outside the window, no move"
        if last["moved"].size == 0:
            return head + ": in the window, but not one right and one wrong: no move"
        right = last["moved"][last["move_signs"] > 0][0]
        return head + f": in the window, {right + 1} moves toward x, the other away"

    def summary(self, snap: Any) -> dict[str, str]:
        i, j = snap["input_index"], snap["winner"]
        moves = " ".join(f"{u + 1}{'+' if s > 0 else '−'}"
                         for u, s in zip(snap["moved"], snap["move_signs"]))
        alpha = snap["step_learning_rate"]
        return {"epoch": str(snap["step_epoch"] or 0),
                "input": "-" if i is None else snap["labels"][i],
                "J": "-" if j is None else str(j + 1),
                "moves": moves or "-",
                "α": f"{snap['learning_rate'] if alpha is None else alpha:.4g}",
                "accuracy": f"{snap['accuracy']:.3f}"}


def lvq21_ratio(d1: float, d2: float) -> float:
    """min(d1/d2, d2/d1), the window test's ratio (1 when both distances are 0)."""
    low, high = min(d1, d2), max(d1, d2)
    return 1.0 if high == 0 else float(low / high)


_NO_STEP: dict[str, Any] = {
    "input_index": None, "target": None, "winner": None, "runner_up": None,
    "distances": None, "window_ratio": None, "in_window": None,
    "moved": np.empty(0, dtype=np.int64), "moved_from": np.empty((0, 0)),
    "moved_to": np.empty((0, 0)), "move_signs": np.empty(0), "step_learning_rate": None,
    "step_epoch": None,
}
