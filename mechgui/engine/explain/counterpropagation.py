"""Counterpropagation: the read-outs of a cluster unit, of the net's output at an x, and
of the error curve."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .text import num, sub

__all__ = ["MOST_NAMES", "error_readout", "output_readout", "unit_readout"]

#: Inputs listed at most in a unit's read-out.
MOST_NAMES = 8


def unit_readout(snap: Mapping[str, Any], j: int) -> str:
    """Cluster unit ``j``: its cluster weights v_j, its outstar weights w_j, its wins."""
    v = np.asarray(snap["cluster_weights"], dtype=float)[j]
    w = np.asarray(snap["outstar_weights"], dtype=float)[j]
    s = sub(j + 1)
    if v.size == 1 and w.size == 1:
        text = f"unit {j + 1}: v{s} = {num(v[0])}, w{s} = {num(w[0])}"
    else:
        text = f"unit {j + 1} → {snap['output_names'][int(np.argmax(w))]}"
    text += f" · wins {int(np.asarray(snap['wins'])[j])}"
    winners = snap.get("data_winners")
    if winners is not None and v.size > 1:
        held = np.flatnonzero(np.asarray(winners) == j)
        names = [str(snap["labels"][i]) for i in held[:MOST_NAMES]]
        if names:
            text += ": " + ", ".join(names) + (", …" if held.size > MOST_NAMES else "")
    return text


def output_readout(snap: Mapping[str, Any], x: float) -> str | None:
    """The net's output y at the sampled x nearest ``x``, beside the function's value."""
    xs, ys = snap.get("curve_x"), snap.get("curve_y")
    if xs is None or ys is None or not len(xs):
        return None
    k = int(np.argmin(np.abs(np.asarray(xs, dtype=float) - x)))
    target = np.asarray(snap["curve_target"], dtype=float)[k]
    return (f"x = {num(xs[k])}: the net gives y = {num(ys[k])}, "
            f"{snap['function']} = {num(target)}")


def error_readout(snap: Mapping[str, Any], epoch: float) -> str:
    """The mean |error| and the quantization error after the recorded epoch nearest ``epoch``."""
    epochs = np.concatenate([[0], np.asarray(snap["history_epoch"], dtype=float)])
    error = np.concatenate([[snap["initial_error"]], np.asarray(snap["history_error"])])
    qe = np.concatenate([[snap["initial_quantization_error"]],
                         np.asarray(snap["history_quantization_error"])])
    k = int(np.argmin(np.abs(epochs - epoch)))
    when = "before training" if epochs[k] == 0 else f"after epoch {int(epochs[k])}"
    return f"{when}: mean |error| = {num(error[k])}, QE = {num(qe[k])}"
