"""What the GAN's snapshot says to explain its numbers: the last updates' losses in their
parts, and D at a point of the plane chosen by the user (the *probe*).

``loss_terms``: L_D of the last D update as the real samples' part, the generated
samples' part and (WGAN-GP) the gradient penalty, which sum to the reported ``loss_d``;
L_G of the last G update (a generated part only: the real samples' term of V does not
depend on G); each with the loss, the batch size m and λ it was computed with, which can
differ from the parameters now set after a live change.

``probe``: D's output ℓ(x) and D(x) at :attr:`GAN.probe_point`, each sample's term there
(the share one real or one generated sample at x adds to L_D, and one generated sample to
L_G) and −∂(that L_G term)/∂x, the way G's loss pushes a sample at x (the arrows of the
plane show the same for the first samples).  The formulas are the training passes' own
(:mod:`.compiled`, and ``GAN._d_loss_parts`` for WGAN-GP).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from . import compiled
from .params import GANParams

__all__ = ["loss_settings", "set_probe", "frame_keys", "loss_terms", "probe_view"]


def loss_settings(params: GANParams) -> dict[str, Any]:
    """What a loss's formula needs besides the numbers: its name, m and λ."""
    return {"loss": params.loss, "batch_size": params.batch_size,
            "gp_weight": params.gp_weight}


def set_probe(sim: Any, point: Sequence[float] | None) -> tuple[float, ...] | None:
    """Evaluate D at ``point`` (data coordinates, one per dimension of the data) in every
    snapshot from now on, or nowhere if None; return the point kept."""
    if point is None:
        sim.probe_point = None
        return None
    values = tuple(float(v) for v in point)
    if len(values) != sim.dim or not all(math.isfinite(v) for v in values):
        raise ValueError(f"expected a finite point of {sim.dim} coordinates, got {point!r}")
    sim.probe_point = values
    return values


def frame_keys(sim: Any) -> dict[str, Any]:
    """The snapshot keys of this module: ``loss_terms`` and ``probe``."""
    return {"loss_terms": loss_terms(sim), "probe": probe_view(sim)}


def loss_terms(sim: Any) -> dict[str, Any]:
    """``{"D": {...}, "G": {...}}``: each network's last loss (``total``, equal to the
    snapshot's ``loss_d`` / ``loss_g``), D's ``real``, ``generated`` and ``penalty``
    parts (penalty None unless WGAN-GP), and the settings it ran under; nan before the
    first update."""
    last = sim._last.tolist()
    d_with, g_with = sim.trained_with["D"], sim.trained_with["G"]
    penalty = last[6] if d_with["loss"] == "wgan-gp" else None
    return {"D": {**d_with, "total": last[0], "real": last[4], "generated": last[5],
                  "penalty": penalty},
            "G": {**g_with, "total": last[3]}}


def probe_view(sim: Any) -> dict[str, Any] | None:
    """D at the probe point with each sample's terms there (see the module's text), or
    None when no point is set or it does not fit the data (another dimension, a cGAN)."""
    point = sim.probe_point
    if point is None or len(point) != sim.dim or sim.conditional:
        return None
    kind = sim._loss_code
    fast_d = sim._fast_d
    with torch.no_grad():
        x = sim._to_net(torch.tensor([point], dtype=torch.float32, device=sim.device))
        acts: list[torch.Tensor] = []
        out = compiled._forward(fast_d.net, x, fast_d.activation, acts)
        g_term, out_grad = compiled.g_loss_and_grad(out, kind)  # one sample: its own term
        grad = compiled._backward(fast_d.net, out_grad, acts, fast_d.activation, False, True)
        push = (-grad[0, :sim.dim] / sim._scale).double().cpu().tolist()
        output = float(out[0, 0])
        if kind < 2:    # a logit: D = σ(ℓ); L_D's terms softplus(∓ℓ) = −log D, −log(1 − D)
            value = float(torch.sigmoid(out)[0, 0])
            as_real = float(torch.nn.functional.softplus(-out)[0, 0])
            as_generated = float(torch.nn.functional.softplus(out)[0, 0])
        elif kind == 2:  # least squares: ½(D − 1)² and ½D²
            value = output
            as_real = float(0.5 * (out[0, 0] - 1.0) ** 2)
            as_generated = float(0.5 * out[0, 0] ** 2)
        else:            # WGAN-GP's critic: −C(x) and C(x) (the penalty is a batch's)
            value = output
            as_real, as_generated = -output, output
    return {"point": tuple(point), "output": output, "value": value, "as_real": as_real,
            "as_generated": as_generated, "g_term": float(g_term), "push": tuple(push)}
