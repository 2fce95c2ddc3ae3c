"""MaxNet (Example 4.1): a node's update a_j(t) = f(a_j − ε·Σ_{k≠j} a_k) with the last
step's numbers, and the read-outs of the bars and the trajectories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .text import Formula, num, short, sub, terms

__all__ = ["maxnet_rule", "node_formula", "node_readout", "trajectory_readout"]


def maxnet_rule(symbol: str, j: int, t: int, previous: np.ndarray, epsilon: float,
                noun: str = "nodes") -> Formula:
    """``symbol``_j(t) = f(``symbol``_j − ε·Σ_{k≠j} ``symbol``_k) on ``previous`` (the
    activations at t − 1): each term as the engine adds it (Σ a − a_j, as in
    :func:`mechgui.engine.maxnet.maxnet_update`), then f(x) = max(x, 0); a sum too long to
    write out is given whole, over the other ``noun``."""
    previous = np.asarray(previous, dtype=float)
    others = float(previous.sum() - previous[j])
    net = float(previous[j] - epsilon * others)
    value = max(net, 0.0)
    s, k = sub(j + 1), "ₖ"
    listed = terms(np.delete(previous, j))
    operand = f"({listed})" if listed is not None else num(others)
    context = "" if listed is not None else f"Σ over the {previous.size - 1} other {noun}: "
    inner = f"f({num(previous[j])} − {short(epsilon)}·{operand})"
    clamp = f" = f({num(net)})" if net < 0 else ""
    text = (f"{context}{symbol}{s}({t}) = f({symbol}{s} − ε·Σ{k}≠{s} {symbol}{k}) = "
            f"{inner}{clamp} = {num(value)}")
    return Formula(text, value)


def node_formula(snap: Mapping[str, Any], j: int) -> Formula:
    """Node ``j`` (0-based) of a MaxNet snapshot: its last update, or its input at t = 0."""
    a = np.asarray(snap["activations"], dtype=float)
    previous = snap.get("previous_activations")
    if previous is None:
        return Formula(f"The input signal: a{sub(j + 1)}(0) = {num(a[j])}", float(a[j]))
    return maxnet_rule("a", j, int(snap["step"]), previous, float(snap["step_epsilon"]))


def node_readout(snap: Mapping[str, Any], j: int) -> str:
    """The bar of node ``j``: its activation now, and its state in the race."""
    a = np.asarray(snap["activations"], dtype=float)
    state = ""
    if snap.get("winner") == j:
        state = " · the winner"
    elif j in set(np.asarray(snap.get("leaders", ()), dtype=int).tolist()):
        state = " · leading"
    elif a[j] == 0 and int(snap["step"]) > 0:
        state = " · out (inhibited to 0)"
    return f"node {j + 1}: a{sub(j + 1)}({snap['step']}) = {num(a[j])}{state}"


def trajectory_readout(snap: Mapping[str, Any], curve: int, row: int) -> str:
    """Trajectory ``curve`` (the ``curve``-th tracked node) at its ``row``-th recorded step."""
    node = int(np.asarray(snap["tracked"])[curve])
    steps = np.asarray(snap["trajectory_steps"])
    value = float(np.asarray(snap["trajectory"])[row, curve])
    return f"node {node + 1} at t = {int(steps[row])}: a{sub(node + 1)} = {num(value)}"
