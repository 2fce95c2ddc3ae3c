"""Steps 6–7: the learning rate α and the radius R of each epoch, and the rates α·h(d) they give.

Each way of reducing α or R, and each neighbourhood function h, is a small named
function, looked up by its parameter value in :data:`RATE_DECAY_FUNCTIONS`,
:data:`RADIUS_DECAY_FUNCTIONS` and :data:`NEIGHBORHOOD_FUNCTIONS`.  Epochs are
counted from 0: epoch e of E.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .params import SOMParams

__all__ = ["learning_rate_at", "radius_at", "neighborhood_table", "GAUSSIAN_CUTOFF",
           "RATE_DECAY_FUNCTIONS", "RADIUS_DECAY_FUNCTIONS", "NEIGHBORHOOD_FUNCTIONS"]

#: Below this value of h(d) a Gaussian neighbour does not learn (d > 3.7 R).
GAUSSIAN_CUTOFF = 1e-3


def _fraction(epoch: int, epochs: int) -> float:
    """e/(E−1), the share of the run done at epoch e: 0 at the first epoch, 1 at the last and after."""
    return min(epoch / (epochs - 1), 1.0) if epochs > 1 else 0.0


def _linear(start: float, final: float, epoch: int, epochs: int) -> float:
    return start + (final - start) * _fraction(epoch, epochs)


# -- α per ``learning_rate_decay`` (Step 6) ------------------------------------------
def _rate_constant(p: SOMParams, epoch: int) -> float:
    """α(0) throughout."""
    return p.learning_rate


def _rate_linear(p: SOMParams, epoch: int) -> float:
    """α(0) + (α_final − α(0))·e/(E−1); α_final past the last epoch."""
    return _linear(p.learning_rate, p.learning_rate_final, epoch, p.epochs)


def _rate_geometric(p: SOMParams, epoch: int) -> float:
    """α(0)·q^e: q the ``learning_rate_factor`` (Example 4.4: α(t+1) = .5 α(t)), or else
    q = (α_final/α(0))^(1/(E−1)), so that the last epoch uses α_final."""
    a0 = p.learning_rate
    if p.learning_rate_factor is not None:
        return a0 * p.learning_rate_factor ** epoch
    if p.epochs <= 1:
        return a0
    return a0 * (p.learning_rate_final / a0) ** (epoch / (p.epochs - 1))


#: α(e) for each value of ``learning_rate_decay``.
RATE_DECAY_FUNCTIONS: dict[str, Callable[[SOMParams, int], float]] = {
    "linear": _rate_linear,
    "geometric": _rate_geometric,
    "constant": _rate_constant,
}


# -- R per ``radius_decay`` (Step 7) ---------------------------------------------------
def _radius_constant(p: SOMParams, epoch: int) -> float:
    """R(0) throughout."""
    return p.radius


def _radius_linear(p: SOMParams, epoch: int) -> float:
    """From ``radius`` at the first epoch to ``radius_final`` at the last, in equal steps."""
    return _linear(p.radius, p.radius_final, epoch, p.epochs)


def _radius_geometric(p: SOMParams, epoch: int) -> float:
    """From ``radius`` at the first epoch to ``radius_final`` at the last, by a constant factor."""
    r0 = p.radius
    return r0 * (p.radius_final / r0) ** _fraction(epoch, p.epochs)


def _radius_at_epochs(p: SOMParams, epoch: int) -> float:
    """R lowered by 1 after each epoch count listed in ``radius_epochs`` (Step 7, "at
    specified times"), never below ``radius_final``."""
    r0 = p.radius
    drops = int(np.count_nonzero(np.asarray(p.radius_epochs) <= epoch))
    return max(r0 - drops, min(p.radius_final, r0))


#: R(e) for each value of ``radius_decay``.
RADIUS_DECAY_FUNCTIONS: dict[str, Callable[[SOMParams, int], float]] = {
    "linear": _radius_linear,
    "geometric": _radius_geometric,
    "constant": _radius_constant,
    "at-epochs": _radius_at_epochs,
}


def learning_rate_at(params: SOMParams, epoch: int) -> float:
    """α used during epoch ``epoch`` (0-based), by ``params.learning_rate_decay``."""
    return RATE_DECAY_FUNCTIONS[params.learning_rate_decay](params, epoch)


def radius_at(params: SOMParams, epoch: int) -> float:
    """R used during epoch ``epoch`` (0-based), by ``params.radius_decay``."""
    return RADIUS_DECAY_FUNCTIONS[params.radius_decay](params, epoch)


# -- the rates α·h(d) of Step 5 ----------------------------------------------------------
def _hard(alpha: float, radius: float, max_distance: int) -> np.ndarray:
    """h = 1 within R: every unit up to d = ⌊R⌋ learns with the full rate α."""
    reach = min(int(math.floor(radius + 1e-9)), max_distance)
    return np.full(reach + 1, alpha)


def _gaussian(alpha: float, radius: float, max_distance: int) -> np.ndarray:
    """h = exp(−d²/2R²), cut off where h < :data:`GAUSSIAN_CUTOFF`; R = 0: the winner only."""
    if radius <= 0:
        return np.array([alpha])
    d = np.arange(max_distance + 1, dtype=float)
    h = np.exp(-d * d / (2.0 * radius * radius))
    reach = int(np.count_nonzero(h >= GAUSSIAN_CUTOFF))  # h decreases with d
    return alpha * h[:max(reach, 1)]


#: α·h(d) for d = 0, 1, … as far as a unit learns, for each value of ``neighborhood``.
NEIGHBORHOOD_FUNCTIONS: dict[str, Callable[[float, float, int], np.ndarray]] = {
    "hard": _hard,
    "gaussian": _gaussian,
}


def neighborhood_table(neighborhood: str, topology: str, alpha: float, radius: float,
                       max_distance: int) -> np.ndarray:
    """``table[d]`` = α·h(d), the rate of a unit at grid distance d (d = 0 … reach).

    ``max_distance`` is the map's largest grid distance; with topology ``none``
    only the winner learns.
    """
    if topology == "none":
        return np.array([alpha])
    return NEIGHBORHOOD_FUNCTIONS[neighborhood](alpha, radius, max_distance)
