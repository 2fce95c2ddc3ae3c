"""The GAN's metrics (:mod:`mechgui.engine.metrics`), after the run's last step.

Read from the detailed snapshot's ``metrics``, which :mod:`.metrics` computes on the
fixed visual batch: JS divergence, modes covered and the high-quality share (targets
with modes), D*-distance (1-D targets), W1 between M(G(z | y)) and the observations
(the conditional GAN); on the digits, the classifier's reading of the samples: the JS
divergence of the class histograms, digits covered, confident samples, the digit score and
the conditional GAN's share of samples read as the digit asked for.  No torch here: listing
the metrics loads nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..metrics import Metric

__all__ = ["METRICS"]


def _reading(key: str):
    """A metric's compute: ``snap["metrics"][key]``, None where the run has none."""
    def compute(sim: Any, snap: Mapping[str, Any]) -> Any:
        return snap["metrics"].get(key)
    return compute


METRICS = (
    Metric("js_divergence", "JS divergence", _reading("js_divergence"), unit="nats",
           help="Jensen–Shannon divergence between generated and real samples by a shared "
                "grid histogram (0 … ln 2); digits: between the classes the digit classifier "
                "reads and the training images' classes", higher_is_better=False),
    Metric("modes_covered", "modes covered", _reading("modes_covered"), unit="modes",
           help="modes that are the nearest of at least one sample within 3σ (ring-8, "
                "grid-25, mixture-1d); digits: digits that at least 1 % of the samples are "
                "confidently read as"),
    Metric("high_quality", "high-quality samples", _reading("high_quality"), unit="%",
           help="share of generated samples within 3σ of their nearest mode; digits: share "
                "the digit classifier reads with probability ≥ 0.9"),
    Metric("d_star_distance", "distance to D*", _reading("d_star_distance"),
           help="mean |D − D*| weighted by the densities (1-D targets, not wgan-gp)",
           higher_is_better=False),
    Metric("pushforward_w1", "W1 of M(G(z | y))", _reading("pushforward_w1"),
           help="Wasserstein-1 distance between M(G(z | y)) and the observations y "
                "(the conditional GAN, dataset rosenbrock)", higher_is_better=False),
    Metric("digit_score", "digit score", _reading("digit_score"),
           help="how well the samples read as digits of every kind, by the digit classifier: "
                "1 (one digit, or none read confidently) to 10 (dataset digits)"),
    Metric("conditional_accuracy", "asked digit drawn", _reading("conditional_accuracy"),
           help="share of the conditional GAN's samples the digit classifier reads as the "
                "digit asked for (dataset digits)"),
)
