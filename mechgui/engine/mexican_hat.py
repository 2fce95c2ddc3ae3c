"""Mexican Hat (Kohonen 1989): contrast enhancement by near cooperation and far competition.

Chapter 4, "Mexican Hat", Steps 0–7.  Unit X_i is joined to X_{i±k} with weight
C1 > 0 for k ≤ R1 (cooperation, including itself) and C2 < 0 for
R1 < k ≤ R2 (competition).  One step computes (Step 3)

    x_i = C1 Σ_{k=−R1..R1} x_old,i+k + C2 Σ_{R1<|k|≤R2} x_old,i+k

and applies the ramp f(x) = min(x_max, max(0, x)) (Step 4).  Units beyond the
ends contribute nothing: the seed's formulas for x_1 and x_7 in Example 4.2 have
no terms for them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Frozen, Simulation
from .metrics import Metric
from .params import Float, Int, ParameterError, ParamSet, Vector

__all__ = ["MexicanHatParams", "MexicanHat", "interconnection_weights", "mexican_hat_update",
           "RECENT_PROFILES", "METRICS"]

#: Profiles a snapshot carries besides the signal (t = 0): the current one and those just
#: before it (the panel draws the last dozen).
RECENT_PROFILES = 16


@dataclass(frozen=True, eq=False)
class MexicanHatParams(ParamSet):
    """Parameters of :class:`MexicanHat` (Example 4.2: R1 = 1, R2 = 2, C1 = 0.6, C2 = −0.4)."""

    r1: int = Int(1, "R1, radius of the cooperative (positive) region", low=0, high=50,
                  label="R1 (cooperation radius)")
    r2: int = Int(2, "R2, radius of all interconnections; R1 < R2", low=1, high=100,
                  label="R2 (interconnection radius)")
    c1: float = Float(0.6, "C1 > 0, weight to units within R1 (including the unit itself)",
                      low=0, high=10, low_open=True, step=0.05, label="C1 (cooperative weight)")
    c2: float = Float(-0.4, "C2 < 0, weight to units between R1 and R2", low=-10, high=0,
                      high_open=True, step=0.05, label="C2 (competitive weight)")
    x_max: float = Float(2.0, "upper limit of the ramp activation f(x) = min(x_max, max(0, x))",
                         low=0, high=1000, low_open=True, step=0.1, label="x_max (ramp ceiling)")
    t_max: int = Int(2, "number of contrast-enhancement iterations (Example 4.2 shows t = 1 and 2)",
                     low=1, high=10_000, label="t_max (iterations)")
    signal: np.ndarray = Vector((0.0, 0.5, 0.8, 1.0, 0.8, 0.5, 0.0),
                                "external signal s, the activations at t = 0", min_len=2,
                                max_len=10_000, low=-1000, high=1000, label="external signal s")

    def check(self) -> None:
        if self.r2 <= self.r1:
            raise ParameterError("r2", self.r2, f"expected an integer greater than r1 = {self.r1}")


def interconnection_weights(r1: int, r2: int, c1: float, c2: float) -> np.ndarray:
    """The weights w_k for offsets k = −R2 … R2 (Fig. 4.2): C1 for |k| ≤ R1, C2 beyond."""
    offsets = np.arange(-r2, r2 + 1)
    return np.where(np.abs(offsets) <= r1, c1, c2).astype(float)


def mexican_hat_update(x_old: np.ndarray, weights: np.ndarray, x_max: float) -> np.ndarray:
    """One step (Steps 3–4): x_i = Σ_k w_k x_old,i+k with zeros beyond the ends, then the ramp."""
    reach = weights.size // 2
    padded = np.concatenate([np.zeros(reach), x_old, np.zeros(reach)])
    net = np.correlate(padded, weights, mode="valid")
    return np.clip(net, 0.0, x_max)


class MexicanHat(Simulation):
    """The Mexican Hat net of chapter 4 (Example 4.2).

    Snapshot keys: ``step`` (t), ``activations`` (x at t), ``profiles`` (one row per
    entry of ``profile_steps``: x at t = 0, the signal, and at the last
    :data:`RECENT_PROFILES` steps up to t, as plotted in Fig. 4.3; every step
    t = 0 … t while t ≤ :data:`RECENT_PROFILES`), ``weights`` (w_k for
    k = −R2 … R2), ``status`` (``running``, then ``done`` at t_max, or
    ``converged`` earlier if the profile stops changing); for explaining the
    last step, ``previous_activations`` (x at t − 1; None at t = 0) and the
    parameters it used: ``r1``, ``r2``, ``c1``, ``c2``, ``x_max``.

    Memory and a snapshot's cost stay flat however long the run: the profiles kept
    are the signal and the recent ones, copied once per step shown.
    """

    name = "mexican_hat"
    title = "Mexican Hat"
    Params = MexicanHatParams

    def _reset(self) -> None:
        p = self.params
        self.weights = interconnection_weights(p.r1, p.r2, p.c1, p.c2)
        self.signal = np.array(p.signal, dtype=float)
        #: The profiles x(t) of the last RECENT_PROFILES steps (t ≥ 1), oldest first.
        self.recent: deque[np.ndarray] = deque(maxlen=RECENT_PROFILES)
        self._shown: tuple[int, Frozen, Frozen] | None = None  # (t, profiles, their steps)

    @property
    def activations(self) -> np.ndarray:
        """x at the current step."""
        return self.recent[-1] if self.recent else self.signal

    def _step(self) -> None:
        old = self.activations
        new = mexican_hat_update(old, self.weights, self.params.x_max)
        self.recent.append(new)
        # step_count is incremented after _step returns: this is step t = step_count + 1.
        if self.step_count + 1 >= self.params.t_max:
            self.status = "done"
        elif np.array_equal(new, old):
            self.status = "converged"

    def _snapshot(self) -> dict[str, Any]:
        t = self.step_count
        if self._shown is None or self._shown[0] != t:  # copied once per step shown
            first = t - len(self.recent) + 1
            steps = np.concatenate([[0], np.arange(first, t + 1)]).astype(np.int64)
            self._shown = (t, Frozen(np.vstack([self.signal, *self.recent])), Frozen(steps))
        _, profiles, steps = self._shown
        p = self.params
        previous = None
        if self.recent:
            previous = self.recent[-2] if len(self.recent) > 1 else self.signal
        return {
            "activations": self.activations,
            "previous_activations": previous,
            "r1": p.r1, "r2": p.r2, "c1": p.c1, "c2": p.c2, "x_max": p.x_max,
            "profiles": profiles,
            "profile_steps": steps,
            "weights": self.weights,
        }

    def summary(self, snap) -> dict[str, str]:
        return {"activations": " ".join(f"{x:.3f}" for x in snap["activations"][:12])}


# -- metrics (mechgui.engine.metrics): what a finished run measured -------------------------
def bump_width(x: np.ndarray) -> int:
    """The number of neighbouring units with x > 0 around the largest (0 when none is)."""
    peak = int(np.argmax(x))
    if x[peak] <= 0:
        return 0
    off = np.flatnonzero(x <= 0)
    left = off[off < peak]
    right = off[off > peak]
    start = left[-1] + 1 if left.size else 0
    stop = right[0] if right.size else x.size
    return int(stop - start)


METRICS = (
    Metric("bump_width", "width of the bump", lambda sim, snap: bump_width(snap["activations"]),
           unit="units", help="units with x > 0 in the run around the largest activation, "
                              "at the last step", higher_is_better=False),
    Metric("bump_height", "height of the bump",
           lambda sim, snap: float(np.max(snap["activations"])),
           help="the largest activation at the last step (at most x_max)",
           higher_is_better=None),
)
