"""Hamming net (Lippmann 1987): nearest bipolar exemplar by similarity plus MaxNet.

Chapter 4, "Hamming Net for m reference vectors", Steps 0–4.  The weights are
w_ij = e_i(j)/2 and the biases b_j = n/2 (Step 0), so the net input

    y_in,j = b_j + Σ_i x_i w_ij = n − HammingDistance(x, e(j))

counts the components in which x agrees with exemplar e(j) (Step 2).  These
initialise a MaxNet (Step 3), which iterates until one unit is left (Step 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import RUNNING, Simulation
from .maxnet import classify, epsilon_warning, maxnet_update
from .metrics import Metric
from .params import Float, Int, Matrix, ParameterError, ParamSet

__all__ = ["HammingParams", "HammingNet", "hamming_net_input", "METRICS"]

BIPOLAR = (-1, 1)


@dataclass(frozen=True, eq=False)
class HammingParams(ParamSet):
    """Parameters of :class:`HammingNet` (Example 4.3)."""

    exemplars: np.ndarray = Matrix(((1, -1, -1, -1), (-1, -1, -1, 1)),
                                   "the m bipolar exemplar vectors e(j), one per row",
                                   min_rows=2, max_rows=1000, max_cols=10_000, values=BIPOLAR,
                                   label="exemplars e(j)")
    inputs: np.ndarray = Matrix(((1, 1, -1, -1), (1, -1, -1, -1), (-1, -1, -1, 1), (-1, -1, 1, 1)),
                                "the bipolar input vectors x to classify, one per row",
                                min_rows=1, max_rows=10_000, max_cols=10_000, values=BIPOLAR,
                                label="inputs x")
    epsilon: float | None = Float(None, "ε of the MaxNet layer; auto = 1/(2m), below 1/m",
                                  low=0, high=1, low_open=True, step=0.005, optional=True,
                                  label="ε (MaxNet epsilon)", live=True)
    max_steps: int = Int(1000, "MaxNet iterations allowed per input before giving up",
                         low=1, high=10_000_000, label="step cap per input", live=True)

    def check(self) -> None:
        n = self.exemplars.shape[1]
        if self.inputs.shape[1] != n:
            raise ParameterError("inputs", self.inputs,
                                 f"expected rows of {n} components, like the exemplars")

    @property
    def effective_epsilon(self) -> float:
        """ε as used: the given value, or 1/(2m) when automatic."""
        m = self.exemplars.shape[0]
        return self.epsilon if self.epsilon is not None else 1.0 / (2 * m)


def hamming_net_input(x: np.ndarray, exemplars: np.ndarray) -> np.ndarray:
    """y_in,j = n/2 + Σ_i x_i e_i(j)/2: the number of components where x agrees with e(j)."""
    n = exemplars.shape[1]
    return n / 2 + exemplars @ x / 2


class HammingNet(Simulation):
    """The Hamming net of chapter 4 (Example 4.3).

    One step is one MaxNet iteration on the current input; once the MaxNet has
    settled, the next step presents the next input (its activations are then
    y(0) = y_in).  Snapshot keys: ``input_index``, ``input`` (x), ``iteration``
    (MaxNet steps on this input), ``net_input`` (y_in = n − Hamming distances),
    ``activations``, ``winner`` (for the current input, once settled),
    ``winners`` (one per input settled so far; None where the MaxNet failed),
    ``maxnet_status`` (this input's MaxNet status), ``epsilon`` (as used),
    ``warning`` (when ε ≥ 1/m), ``weights`` (W = e/2, n × m), ``biases``; the
    last MaxNet iteration's operands: ``previous_activations`` (y before it; None
    when the input was just presented) and ``step_epsilon`` (the ε it used).
    """

    name = "hamming"
    title = "Hamming net"
    Params = HammingParams

    def _reset(self) -> None:
        self.winners: list[int | None] = []
        self._present(0)

    def _present(self, index: int) -> None:
        self.input_index = index
        self.net_input = hamming_net_input(self.params.inputs[index], self.params.exemplars)
        self.activations = self.net_input.copy()
        self.previous: np.ndarray | None = None  # y before the last iteration, and its ε
        self.step_epsilon: float | None = None
        self.iteration = 0
        self._settle()

    def _settle(self) -> None:
        self.maxnet_status, self.winner = classify(self.activations)
        if self.maxnet_status == RUNNING and self.iteration >= self.params.max_steps:
            self.maxnet_status = "max_steps"
        if self.maxnet_status != RUNNING:
            self.winners.append(self.winner)
            if self.input_index == len(self.params.inputs) - 1:
                self.status = "done"

    def _step(self) -> None:
        if self.maxnet_status != RUNNING:
            self._present(self.input_index + 1)
            return
        self.previous, self.step_epsilon = self.activations, self.params.effective_epsilon
        self.activations = maxnet_update(self.activations, self.params.effective_epsilon)
        self.iteration += 1
        self._settle()

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        """A new ε or step cap applies from the next MaxNet iteration on."""

    def _snapshot(self) -> dict[str, Any]:
        exemplars = self.params.exemplars
        eps = self.params.effective_epsilon
        return {
            "input_index": self.input_index,
            "input": self.params.inputs[self.input_index],
            "iteration": self.iteration,
            "net_input": self.net_input,
            "activations": self.activations,
            "winner": self.winner,
            "winners": list(self.winners),
            "maxnet_status": self.maxnet_status,
            "epsilon": eps,
            "warning": epsilon_warning(eps, exemplars.shape[0]),
            "weights": exemplars.T / 2,
            "biases": np.full(exemplars.shape[0], exemplars.shape[1] / 2),
            "previous_activations": self.previous,
            "step_epsilon": self.step_epsilon,
        }

    def summary(self, snap) -> dict[str, str]:
        return {
            "input": str(snap["input_index"] + 1),
            "y_in": " ".join(f"{v:g}" for v in snap["net_input"][:8]),
            "activations": " ".join(f"{v:.3f}" for v in snap["activations"][:8]),
            "winner": "-" if snap["winner"] is None else f"Y{snap['winner'] + 1}",
        }


# -- metrics (mechgui.engine.metrics): what a finished run measured -------------------------
def _shares(sim: HammingNet) -> tuple[float, float, float]:
    """Shares of the inputs settled so far that were recognised (won by exemplar i mod m),
    won by their nearest exemplar (alone nearest), and not settled on one winner."""
    winners = sim.winners
    if not winners:
        return math.nan, math.nan, math.nan
    exemplars, inputs = sim.params.exemplars, sim.params.inputs
    m = exemplars.shape[0]
    recognised = nearest = failed = 0
    for i, winner in enumerate(winners):
        agree = hamming_net_input(inputs[i], exemplars)
        best = np.flatnonzero(agree == agree.max())
        recognised += winner == i % m
        nearest += winner is not None and best.size == 1 and winner == best[0]
        failed += winner is None
    n = len(winners)
    return recognised / n, nearest / n, failed / n


METRICS = (
    Metric("recognised", "inputs recognised", lambda sim, snap: _shares(sim)[0],
           help="share of inputs won by the exemplar they copy: input i by exemplar i mod m "
                "(so for noisy copies of the exemplars in order, e.g. the 21 letters)"),
    Metric("nearest_won", "nearest exemplar won", lambda sim, snap: _shares(sim)[1],
           help="share of inputs won by the one exemplar that agrees with them in most "
                "components (0 for an input with two nearest)"),
    Metric("failed", "inputs without a winner", lambda sim, snap: _shares(sim)[2],
           help="share of inputs whose MaxNet ended all zero, tied or at the step cap",
           higher_is_better=False),
)
