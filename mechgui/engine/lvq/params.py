"""LVQ's parameters (:class:`LVQParams`); imports neither numba nor the model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..metrics import Metric
from ..params import Choice, Float, Int, Matrix, ParameterError, ParamSet, Vector
from .data import CLOUDS, LVQ_DATASETS, class_sizes, lvq_dimension

__all__ = ["MAX_MAGNITUDE", "LVQParams"]

#: Largest magnitude of a component of the data or of a prototype.
MAX_MAGNITUDE = 1e12


@dataclass(frozen=True, eq=False)
class LVQParams(ParamSet):
    """Parameters of :class:`LVQ` (default: LVQ1 on three Gaussian classes, two overlapping)."""

    dataset: str = Choice("three-gaussians", LVQ_DATASETS + ("custom",),
                          "the labelled vectors: 2-D Gaussian classes, Fausett's five vectors, "
                          "the 21 letters (class = the letter), or custom", label="data set")
    points: int = Int(60, "vectors per class of a 2-D cloud", low=2, high=5000,
                      label="points per class", applies={"dataset": CLOUDS})
    data_seed: int = Int(0, "seed the 2-D cloud is drawn from (the same seed, the same cloud)",
                         low=0, high=2 ** 31 - 1, label="cloud seed",
                         applies={"dataset": CLOUDS})
    data: np.ndarray | None = Matrix(None, "custom training vectors, one per row", min_rows=2,
                                     max_rows=100_000, max_cols=10_000, low=-MAX_MAGNITUDE,
                                     high=MAX_MAGNITUDE, optional=True, label="custom data",
                                     applies={"dataset": ("custom",)})
    targets: np.ndarray | None = Vector(None, "class number of each custom vector (whole "
                                        "numbers ≥ 0)", min_len=2, max_len=100_000, low=0,
                                        high=1e6, optional=True, label="custom classes",
                                        applies={"dataset": ("custom",)})
    variant: str = Choice("lvq1", ("lvq1", "lvq2.1"),
                          "LVQ1: the winner moves toward x if its class is right, away if not; "
                          "LVQ2.1: the two nearest move, when one is right, one wrong and x lies "
                          "in the window")
    window: float = Float(0.3, "LVQ2.1's window w: update only if min(d1/d2, d2/d1) > "
                          "(1 − w)/(1 + w)", low=0, high=1, low_open=True, high_open=True,
                          step=0.05, label="window w", live=True,
                          applies={"variant": ("lvq2.1",)})
    prototypes_per_class: int = Int(1, "reference vectors (prototypes) per class", low=1,
                                    high=50, label="prototypes per class")
    init: str = Choice("first-samples", ("first-samples", "random-samples"),
                       "first-samples: the first vectors of each class become its prototypes "
                       "and are not trained on (Fausett); random-samples: random vectors of "
                       "each class, all trained on", label="initialisation")
    initial_prototypes: np.ndarray | None = Matrix(None, "explicit initial prototypes, one per "
                                                   "row (overrides initialisation)",
                                                   min_rows=2, max_rows=10_000, max_cols=10_000,
                                                   low=-MAX_MAGNITUDE, high=MAX_MAGNITUDE,
                                                   optional=True, label="initial prototypes")
    prototype_classes: np.ndarray | None = Vector(None, "class number of each explicit "
                                                  "prototype (named data sets: 1, 2, …)",
                                                  min_len=2, max_len=10_000, low=0, high=1e6,
                                                  optional=True, label="prototype classes")
    learning_rate: float = Float(0.1, "learning rate α in the first epoch", low=0, high=1,
                                 low_open=True, step=0.01, label="learning rate α", live=True)
    learning_rate_decay: str = Choice("linear", ("linear", "geometric", "constant"),
                                      "how α decreases after each epoch: linearly to α/E at "
                                      "the last of E epochs, by a factor, or not at all",
                                      label="α reduction", live=True)
    learning_rate_factor: float = Float(0.8, "geometric decay: α(e+1) = factor·α(e)", low=0,
                                        high=1, low_open=True, step=0.05, label="α factor",
                                        live=True,
                                        applies={"learning_rate_decay": ("geometric",)})
    epochs: int = Int(20, "passes over the training vectors", low=1, high=100_000, live=True)
    order: str = Choice("shuffled", ("sequential", "shuffled"),
                        "training vectors in data order each epoch, or in a fresh random order",
                        label="input order")

    def check(self) -> None:
        if self.dataset == "custom":
            for name in ("data", "targets"):
                if getattr(self, name) is None:
                    raise ParameterError(name, None, "expected a value when dataset is custom")
            if len(self.targets) != len(self.data):
                raise ParameterError("targets", self.targets, f"expected {len(self.data)} "
                                     "class numbers, one per row of data")
            _whole("targets", self.targets)
            values, counts = np.unique(self.targets, return_counts=True)
            if len(values) < 2:
                raise ParameterError("targets", self.targets, "expected at least two classes")
            classes, smallest, dim = values, int(counts.min()), self.data.shape[1]
        else:
            for name in ("data", "targets"):
                if getattr(self, name) is not None:
                    raise ParameterError(name, getattr(self, name),
                                         "expected auto unless dataset is custom")
            count, smallest = class_sizes(self)
            classes, dim = np.arange(1, count + 1), lvq_dimension(self.dataset)
        given = self.initial_prototypes, self.prototype_classes
        if (given[0] is None) != (given[1] is None):
            bad = "prototype_classes" if given[0] is not None else "initial_prototypes"
            raise ParameterError(bad, None, "expected initial_prototypes and prototype_classes "
                                 "together")
        if given[0] is not None:
            if given[0].shape[1] != dim:
                raise ParameterError("initial_prototypes", given[0],
                                     f"expected rows of {dim} components (the data's)")
            if len(given[1]) != len(given[0]):
                raise ParameterError("prototype_classes", given[1], f"expected {len(given[0])} "
                                     "class numbers, one per initial prototype")
            _whole("prototype_classes", given[1])
            if not np.all(np.isin(given[1], classes)):
                raise ParameterError("prototype_classes", given[1], "expected class numbers "
                                     "of the data: " + ", ".join(f"{c:g}" for c in classes))
            return
        need = self.prototypes_per_class + (self.init == "first-samples")
        if need > smallest:
            raise ParameterError("prototypes_per_class", self.prototypes_per_class,
                                 f"expected at most {smallest - (need - self.prototypes_per_class)}"
                                 f": the smallest class has {smallest} vectors"
                                 + (" and first-samples keeps one to train on"
                                    if self.init == "first-samples" else ""))


def _whole(name: str, values: np.ndarray) -> None:
    if not np.all(values == np.round(values)):
        raise ParameterError(name, values, "expected whole class numbers")


def _accuracy(sim: object, snap: Mapping[str, Any]) -> Any:
    return snap.get("accuracy")


#: What a finished LVQ run measured (for sweeps; see :mod:`mechgui.engine.metrics`).
METRICS = (
    Metric("accuracy", "accuracy", _accuracy,
           help="share of the training vectors whose nearest prototype has their class"),
)
