"""LVQ: the read-outs of a prototype, a training vector and the accuracy curve."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .text import num, sub, vector

__all__ = ["accuracy_readout", "prototype_readout", "sample_readout"]


def prototype_readout(snap: Mapping[str, Any], j: int) -> str:
    """Prototype ``j``: its class and vector, its distance to the last input, its part."""
    w = np.asarray(snap["prototypes"], dtype=float)[j]
    name = snap["classes"][int(np.asarray(snap["prototype_classes"])[j])]
    parts = [f"prototype {j + 1} (class {name}): w{sub(j + 1)} = {vector(w)}"]
    d = snap.get("distances")
    if d is not None:
        parts.append(f"‖x − w{sub(j + 1)}‖ = {num(np.asarray(d)[j])}")
    if snap.get("winner") == j:
        parts.append("the winner")
    elif snap.get("runner_up") == j:
        parts.append("the runner-up")
    return " · ".join(parts)


def sample_readout(snap: Mapping[str, Any], i: int) -> str:
    """Training vector ``i``: its name, class, components and the class the net gives it."""
    classes = snap["classes"]
    target = int(np.asarray(snap["targets"])[i])
    text = (f"input {snap['labels'][i]}, class {classes[target]}: "
            f"x = {vector(np.asarray(snap['data'])[i])}")
    predicted = snap.get("predicted")
    if predicted is not None:
        p = int(np.asarray(predicted)[i])
        text += f" → class {classes[p]} " + ("✓" if p == target else "✗")
    return text


def accuracy_readout(snap: Mapping[str, Any], epoch: float) -> str | None:
    """The accuracy after the recorded epoch nearest ``epoch`` (0: before training)."""
    epochs = np.concatenate([[0], np.asarray(snap["history_epoch"], dtype=float)])
    accuracy = np.concatenate([[snap["initial_accuracy"]],
                               np.asarray(snap["history_accuracy"], dtype=float)])
    k = int(np.argmin(np.abs(epochs - epoch)))
    when = "before training" if epochs[k] == 0 else f"after epoch {int(epochs[k])}"
    return f"accuracy {100 * accuracy[k]:.1f} % {when}"
