"""MaxNet (Lippmann 1987): winner-take-all by mutual inhibition.

Chapter 4, "MaxNet": m nodes, self-weight 1, every other weight −ε, activation
f(x) = max(x, 0).  One step is the synchronous update (Step 2)

    a_j(new) = f( a_j(old) − ε Σ_{k≠j} a_k(old) ),

and the net stops when at most one node is non-zero (Step 4).  The seed asks
"why 0 < ε < 1/m?": with ε ≥ 1/m every node can be driven to zero at once, so
the run ends ``all_zero``; equal maxima can never separate (``tie``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import RUNNING, Simulation
from .history import History
from .metrics import Metric
from .params import Float, Int, ParamSet, Vector

__all__ = ["MaxNetParams", "MaxNet", "maxnet_update", "epsilon_warning",
           "epsilon_at_least_one_over_m", "METRICS"]

#: Statuses a MaxNet run can end in.
CONVERGED, ALL_ZERO, TIE, MAX_STEPS = "converged", "all_zero", "tie", "max_steps"
#: How many nodes (the strongest at t = 0) the snapshot's trajectory follows.
TRACKED_NODES = 12
#: Trajectory rows kept: 2¹² + 1, so that halving keeps both the first and the newest row.
TRAJECTORY_ROWS = 4097


@dataclass(frozen=True, eq=False)
class MaxNetParams(ParamSet):
    """Parameters of :class:`MaxNet` (Example 4.1: ε = 0.2, a(0) = (.2, .4, .6, .8))."""

    epsilon: float = Float(0.2, "ε, the inhibition between nodes; the net works for 0 < ε < 1/m",
                           low=0, high=1, low_open=True, step=0.01, label="ε (epsilon)",
                           live=True)
    activations: np.ndarray = Vector((0.2, 0.4, 0.6, 0.8),
                                     "initial activations a_j(0), the input signals (≥ 0)",
                                     min_len=2, max_len=100_000, low=0,
                                     label="initial activations")
    max_steps: int = Int(1000, "stop after this many steps if no winner has emerged",
                         low=1, high=10_000_000, label="step cap", live=True)


def maxnet_update(activations: np.ndarray, epsilon: float) -> np.ndarray:
    """One synchronous MaxNet step: f(a_j − ε Σ_{k≠j} a_k) for every j.

    Where Σ a_k would overflow (activations near the largest float), the step is taken on
    a / 2^e with 2^e ≥ max a and scaled back: multiplying by a power of two is exact, so
    this gives the numbers the plain formula would give if it did not overflow.
    """
    with np.errstate(over="ignore"):
        total = activations.sum()
    if np.isfinite(total):
        return np.maximum(activations - epsilon * (total - activations), 0.0)
    _, exponent = np.frexp(activations.max())
    scaled = np.ldexp(activations, -exponent)
    return np.ldexp(maxnet_update(scaled, epsilon), exponent)


def epsilon_at_least_one_over_m(epsilon: float, m: int) -> bool:
    """ε ≥ 1/m, with ε = 1/m as typed or computed (the float nearest 1/m) counting as equal.

    Compared with 1/m rounded once (correctly) to a float, never through the product ε·m,
    which rounds again: (1/49)·49 < 1 in floating point, and for 540 values of m up to 5000
    ε = 1/m would go unwarned.  (Comparing the float ε with the exact fraction 1/m would
    miss ε = 1/m wherever the nearest float lies just below it: 2756 of those values.)
    """
    return epsilon >= 1.0 / m


def epsilon_warning(epsilon: float, m: int) -> str | None:
    """The lecture's warning when ε ≥ 1/m (allowed, because it is a teaching point)."""
    if epsilon_at_least_one_over_m(epsilon, m):
        return (f"ε = {epsilon:g} ≥ 1/m = {1.0 / m:.4g}: the inhibition can drive every "
                f"node to zero at once (the net needs 0 < ε < 1/m)")
    return None


def classify(activations: np.ndarray) -> tuple[str, int | None]:
    """Status and winner of a MaxNet state (Step 4's stopping test, plus the failures)."""
    nonzero = np.flatnonzero(activations > 0)
    if nonzero.size == 0:
        return ALL_ZERO, None
    if nonzero.size == 1:
        return CONVERGED, int(nonzero[0])
    values = activations[nonzero]
    # Equal activations receive identical updates, so they stay equal for ever.
    if np.all(values == values[0]):
        return TIE, None
    return RUNNING, None


def _trajectory(first: np.ndarray) -> History:
    """The tracked activations at steps 0, s, 2s, …; the stride s doubles when full."""
    trajectory = History(first.size, TRAJECTORY_ROWS, "thin")
    trajectory.add(0, first)
    return trajectory


class MaxNet(Simulation):
    """MaxNet of chapter 4 (Example 4.1).

    Snapshot keys: ``step``, ``activations``, ``winner`` (index or None),
    ``status`` (``running``, ``converged``, ``all_zero``, ``tie``,
    ``max_steps``), ``warning`` (text when ε ≥ 1/m, else None), ``epsilon``,
    ``leaders`` (the indices sharing the current maximum), ``tracked`` (the
    up to :data:`TRACKED_NODES` nodes with the largest initial activations) and
    ``trajectory`` (their activations, one row per entry of
    ``trajectory_steps``: every step t = 0, 1, … of a short run; a long run
    keeps every 2nd, 4th, … step so that memory stays bounded).  The last step's
    operands, for explaining it: ``previous_activations`` (a(t−1); None at t = 0)
    and ``step_epsilon`` (the ε that step used, which a live change of ε since
    does not alter; None at t = 0).
    """

    name = "maxnet"
    title = "MaxNet"
    Params = MaxNetParams

    def _reset(self) -> None:
        self.activations = np.array(self.params.activations, dtype=float)
        self.previous: np.ndarray | None = None  # a(t − 1), and the ε of that step
        self.step_epsilon: float | None = None
        self.tracked = np.argsort(-self.activations, kind="stable")[:TRACKED_NODES]
        self._trajectory = _trajectory(self.activations[self.tracked])
        self._settle()

    def _settle(self) -> None:
        self.status, self.winner = classify(self.activations)

    def _step(self) -> None:
        self.previous, self.step_epsilon = self.activations, self.params.epsilon
        self.activations = maxnet_update(self.activations, self.params.epsilon)
        self._trajectory.add(self.step_count + 1, self.activations[self.tracked])
        self._settle()
        # step_count is incremented after _step returns: this is step number step_count + 1.
        if self.status == RUNNING and self.step_count + 1 >= self.params.max_steps:
            self.status = MAX_STEPS

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        if self.status == MAX_STEPS and self.step_count < self.params.max_steps:
            self.status = RUNNING
        elif self.status == RUNNING and self.step_count >= self.params.max_steps:
            self.status = MAX_STEPS

    def _snapshot(self) -> dict[str, Any]:
        a = self.activations
        top = a.max()
        return {
            "activations": a,
            "winner": self.winner,
            "epsilon": self.params.epsilon,
            "warning": epsilon_warning(self.params.epsilon, a.size),
            "leaders": np.flatnonzero(a == top) if top > 0 else np.empty(0, dtype=int),
            "tracked": self.tracked,
            "previous_activations": self.previous,
            "step_epsilon": self.step_epsilon,
            **self._trajectory_arrays(a[self.tracked]),
        }

    def _trajectory_arrays(self, current: np.ndarray) -> dict[str, np.ndarray]:
        rows, steps = self._trajectory.rows, self._trajectory.steps
        if steps[-1] != self.step_count:  # always end with the current state
            rows, steps = np.vstack([rows, current]), np.append(steps, self.step_count)
        return {"trajectory": rows, "trajectory_steps": steps}

    def summary(self, snap) -> dict[str, str]:
        acts = snap["activations"]
        shown = " ".join(f"{x:.3f}" for x in acts[:12]) + (" …" if acts.size > 12 else "")
        return {"activations": shown, "winner": "-" if snap["winner"] is None else str(snap["winner"])}


# -- metrics (mechgui.engine.metrics): what a finished run measured -------------------------
def _largest_won(sim: MaxNet, snap: Any) -> float:
    """1 when the winner is the node whose input was strictly the largest, else 0."""
    start = np.asarray(sim.params.activations)
    leaders = np.flatnonzero(start == start.max())
    return float(snap["winner"] is not None and leaders.size == 1 and snap["winner"] == leaders[0])


METRICS = (
    Metric("steps", "steps to settle", lambda sim, snap: snap["step"], unit="steps",
           help="steps taken until the net stopped (a winner, all zero, a tie or the step cap)",
           higher_is_better=False),
    Metric("status", "final status", lambda sim, snap: snap["status"],
           help="how the run ended: converged (one winner), all_zero, tie, max_steps or running",
           categories=(CONVERGED, ALL_ZERO, TIE, MAX_STEPS, RUNNING)),
    Metric("largest_won", "largest input won", _largest_won,
           help="1 when the node with the strictly largest input is the winner, else 0 "
                "(averaged over repeats: the share of runs it won)"),
)
