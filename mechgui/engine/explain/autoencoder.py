"""Autoencoder and VAE: the read-outs of a digit's code and of the loss curves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .text import num, vector

__all__ = ["code_readout", "loss_readout"]


def _name(snap: Mapping[str, Any]) -> str:
    return f"VAE (β = {snap['beta']:g})" if snap["variational"] else "autoencoder"


def code_readout(snap: Mapping[str, Any], i: int) -> str:
    """Image ``i``'s code (the VAE's μ) and its digit."""
    z = np.asarray(snap["latent"], dtype=float)[i]
    digit = int(np.asarray(snap["labels"])[i])
    return f"{_name(snap)}, image {i + 1}, a {digit}: z = {vector(z)}"


def loss_readout(snap: Mapping[str, Any], step: float) -> str | None:
    """The losses at the recorded step nearest ``step`` (nats per image)."""
    history = snap["history"]
    steps = np.asarray(history["step"], dtype=float)
    if not steps.size:
        return None
    k = int(np.argmin(np.abs(steps - step)))
    text = (f"{_name(snap)} at step {int(steps[k])}: reconstruction "
            f"{num(history['reconstruction_loss'][k], 2)}")
    if snap["variational"]:
        text += (f", KL {num(history['kl'][k], 2)}, loss {num(history['loss'][k], 2)}")
    return text + " (nats per image)"
