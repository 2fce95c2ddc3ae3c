"""The SOM's parameters (:class:`SOMParams`) and the names they choose from.

Imports neither numba nor the model, so that a window can build the SOM's form
without loading its engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datasets import CLOUDS, DATASETS, dataset_dimension
from ..params import Choice, Float, Int, Matrix, ParameterError, ParamSet, Vector
from .clusters import SOM_CLOUDS

__all__ = [
    "DISTANCES",
    "MAX_ELLIPSE_DIMENSION",
    "MAX_EXTENDED_UNITS",
    "MEMBERSHIPS",
    "NEIGHBORHOODS",
    "RADIUS_DECAYS",
    "RATE_DECAYS",
    "SOM_DATASETS",
    "TOPOLOGIES",
    "SOMParams",
]

#: Map topologies; their grid distances are described in :mod:`.geometry`.
TOPOLOGIES: tuple[str, ...] = ("rectangular", "hexagonal", "diamond", "linear", "none")
#: Neighbourhood functions h(d) (:data:`.schedules.NEIGHBORHOOD_FUNCTIONS`).
NEIGHBORHOODS: tuple[str, ...] = ("hard", "gaussian")
#: How α decreases (:data:`.schedules.RATE_DECAY_FUNCTIONS`).
RATE_DECAYS: tuple[str, ...] = ("linear", "geometric", "constant")
#: How R decreases (:data:`.schedules.RADIUS_DECAY_FUNCTIONS`).
RADIUS_DECAYS: tuple[str, ...] = ("linear", "geometric", "constant", "at-epochs")
#: D(j): hyper-circles (Σ_i (w_ij − x_i)²) or hyper-ellipses ((w_j − x)ᵀ Σ_j (w_j − x)).
DISTANCES: tuple[str, ...] = ("euclidean", "ellipse")
#: Who learns from an input: the winner (and its neighbourhood), or every unit by its
#: fuzzy membership (:mod:`.extended`).
MEMBERSHIPS: tuple[str, ...] = ("hard", "fuzzy")
#: Every named data set of the SOM: the engine's, then the extended SOMs' clusters.
SOM_DATASETS: tuple[str, ...] = DATASETS + SOM_CLOUDS
#: The extensions train in numpy, one input at a time: at most this many units.
MAX_EXTENDED_UNITS = 400
#: Σ_j has n² entries: the ellipse distance takes inputs of at most this many components.
MAX_ELLIPSE_DIMENSION = 16


#: Inputs and weights at most this large in magnitude: squared distances summed over 10,000
#: components and a million inputs (the PCA's, the quantisation error's) stay finite.
MAX_MAGNITUDE = 1e150
#: The smallest radius R > 0: the Gaussian's 2R² underflows to zero below about 1e-162, and
#: a geometric decay divides by R (every radius below 0.27 lets the winner alone learn).
MIN_RADIUS = 1e-100
#: The smallest learning rate: a geometric decay divides the final rate by it.
MIN_RATE = 1e-100

#: The neighbourhood's parameters matter on a map whose units have neighbours.
_WITH_NEIGHBOURS = {"topology": ("rectangular", "hexagonal", "diamond", "linear")}


@dataclass(frozen=True, eq=False)
class SOMParams(ParamSet):
    """Parameters of :class:`~.model.SOM` (defaults: a 10×10 map unfolding over a uniform square)."""

    dataset: str = Choice("uniform-square", SOM_DATASETS + ("custom",),
                          "the input vectors: Example 4.4, the 21 letters of Fig 4.9, a seeded "
                          "2-D cloud (elongated, overlapping: Gaussian clusters for the "
                          "extended SOMs), or custom (the data matrix)", label="data set")
    data: np.ndarray | None = Matrix(None, "custom input vectors, one per row (dataset custom only)",
                                     min_rows=1, max_rows=1_000_000, max_cols=10_000,
                                     low=-MAX_MAGNITUDE, high=MAX_MAGNITUDE,
                                     optional=True, label="custom data",
                                     applies={"dataset": ("custom",)})
    points: int = Int(500, "number of points of a generated 2-D cloud", low=1, high=1_000_000,
                      label="cloud points", applies={"dataset": CLOUDS + SOM_CLOUDS})
    data_seed: int = Int(0, "seed the 2-D cloud is drawn from (the same seed, the same cloud)",
                         low=0, high=2 ** 31 - 1, label="cloud seed",
                         applies={"dataset": CLOUDS + SOM_CLOUDS})
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
                               "rate α·exp(−d²/2R²) (soft cooperation)", live=True,
                               applies=_WITH_NEIGHBOURS)
    distance: str = Choice("euclidean", DISTANCES,
                           "D(j): euclidean Σ(w_ij − x_i)², hyper-circle clusters; or ellipse "
                           "(w_j − x)ᵀ Σ_j (w_j − x) with each unit's Σ_j (det 1) learned "
                           "too, hyper-ellipse clusters (G.K.)", label="distance D(j)")
    sigma_rate: float = Float(0.1, "β: Σ_j learns at the rate β·α·h(d), its gradient taken "
                              "relative to the data's variance", low=0, high=1,
                              low_open=True, step=0.05, label="Σ rate β", live=True,
                              applies={"distance": ("ellipse",)})
    membership: str = Choice("hard", MEMBERSHIPS,
                             "hard: the winner J and its neighbourhood learn; fuzzy: every "
                             "unit k acts as a winner weighted by u_k^m, its fuzzy c-means "
                             "membership (soft cooperating neurons)")
    fuzzifier: float = Float(1.2, "m > 1 of the memberships u_j = 1 / Σ_k (D(j)/D(k))^(1/(m−1)): "
                             "the larger, the softer (m → 1: the hard winner); with many "
                             "neighbouring units keep it small, or the map contracts", low=1,
                             high=10,
                             low_open=True, step=0.1, decimals=3, label="fuzzifier m",
                             live=True, applies={"membership": ("fuzzy",)})
    radius: float = Float(4.0, "neighbourhood radius R at the first epoch (σ of the Gaussian)",
                          low=0, high=1000, step=0.5, decimals=3, label="radius R", live=True,
                          applies=_WITH_NEIGHBOURS)
    radius_decay: str = Choice("geometric", RADIUS_DECAYS,
                               "how R shrinks (Step 7): linearly or geometrically to the final "
                               "radius at the last epoch, by 1 at the listed epochs, or not at all",
                               label="radius reduction", live=True, applies=_WITH_NEIGHBOURS)
    radius_final: float = Float(0.5, "R at the last epoch (the floor for at-epochs)", low=0,
                                high=1000, step=0.5, decimals=3, label="final radius", live=True,
                                applies={**_WITH_NEIGHBOURS,
                                         "radius_decay": ("linear", "geometric", "at-epochs")})
    radius_epochs: np.ndarray | None = Vector(None, "for at-epochs: after these many epochs R drops "
                                              "by 1, e.g. '10, 20'", min_len=1, max_len=10_000,
                                              low=1, optional=True, label="radius drop epochs",
                                              live=True, applies={**_WITH_NEIGHBOURS,
                                                                  "radius_decay": ("at-epochs",)})
    learning_rate: float = Float(0.5, "learning rate α at the first epoch", low=MIN_RATE, high=1,
                                 step=0.05, label="learning rate α", live=True)
    learning_rate_decay: str = Choice("linear", RATE_DECAYS,
                                      "how α decreases after each epoch (Step 6)",
                                      label="α reduction", live=True)
    learning_rate_final: float = Float(0.01, "α at the last epoch (linear or geometric decay)",
                                       low=0, high=1, step=0.01, label="final α", live=True,
                                       applies={"learning_rate_decay": ("linear", "geometric")})
    learning_rate_factor: float | None = Float(None, "geometric decay: α(t+1) = factor·α(t) "
                                               "(Example 4.4: 0.5); auto = reach the final α at "
                                               "the last epoch", low=0, high=1, low_open=True,
                                               step=0.05, optional=True, label="α factor",
                                               live=True,
                                               applies={"learning_rate_decay": ("geometric",)})
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
                                                low=-MAX_MAGNITUDE, high=MAX_MAGNITUDE,
                                                optional=True, label="initial weights")

    def check(self) -> None:
        for name in ("radius", "radius_final"):
            if 0 < getattr(self, name) < MIN_RADIUS:
                raise ParameterError(name, getattr(self, name), "expected 0 (the winner alone) "
                                     f"or a number in [{MIN_RADIUS:g}, 1000]: R² of a smaller "
                                     "radius is lost to rounding")
        if self.dataset == "custom":
            if self.data is None:
                raise ParameterError("data", None, "expected a matrix of input vectors when "
                                     "dataset is custom")
            n = self.data.shape[1]
        else:
            if self.data is not None:
                raise ParameterError("data", self.data, "expected auto (no matrix) unless "
                                     "dataset is custom")
            n = 2 if self.dataset in SOM_CLOUDS else dataset_dimension(self.dataset)
        if self.extended:
            name, plain = (("distance", "euclidean") if self.distance == "ellipse"
                           else ("membership", "hard"))
            if self.units > MAX_EXTENDED_UNITS:
                raise ParameterError(name, getattr(self, name), f"expected {plain} for a map "
                                     f"of more than {MAX_EXTENDED_UNITS} units")
            if self.distance == "ellipse" and n > MAX_ELLIPSE_DIMENSION:
                raise ParameterError("distance", self.distance, "expected euclidean for "
                                     f"inputs of more than {MAX_ELLIPSE_DIMENSION} components")
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
    def extended(self) -> bool:
        """Whether the map is one of the extensions (:mod:`.extended`): per-unit ellipses
        or fuzzy memberships, trained in numpy."""
        return self.distance != "euclidean" or self.membership != "hard"

    @property
    def units(self) -> int:
        """m = rows·cols, the number of cluster units."""
        return self.rows * self.cols
