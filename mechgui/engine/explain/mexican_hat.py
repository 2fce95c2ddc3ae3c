"""Mexican Hat (Example 4.2): a unit's x_i(t) = f(C1·Σ_{|k|≤R1} x_{i+k} + C2·Σ_{R1<|k|≤R2}
x_{i+k}) on the previous profile, with the ramp's clamp at 0 and x_max; the read-outs of
the profiles and the weights."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .text import Formula, num, short, sub, terms

__all__ = ["unit_formula", "unit_readout", "unit_sums", "weight_readout"]


def unit_sums(previous: np.ndarray, i: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
    """The activations unit ``i`` adds with weight C1 (|k| ≤ R1) and with C2 (R1 < |k| ≤ R2),
    left to right; units beyond the ends contribute nothing (Example 4.2's x_1 and x_7)."""
    n = previous.size
    near = previous[max(0, i - r1):min(n, i + r1 + 1)]
    far = np.concatenate([previous[max(0, i - r2):max(0, i - r1)],
                          previous[min(n, i + r1 + 1):min(n, i + r2 + 1)]])
    return near, far


def _sum_text(coefficient: float, values: np.ndarray, first: bool) -> str:
    listed = terms(values)
    operand = f"({listed})" if listed is not None else f"{num(values.sum())} [{values.size} units]"
    c = short(abs(coefficient))
    if first:
        return f"{short(coefficient)}·{operand}"
    return (" − " if coefficient < 0 else " + ") + f"{c}·{operand}"


def unit_formula(snap: Mapping[str, Any], i: int) -> Formula:
    """Unit ``i`` (0-based): its last update from the profile before it, or its signal."""
    x = np.asarray(snap["activations"], dtype=float)
    previous = snap.get("previous_activations")
    s = sub(i + 1)
    if previous is None:
        return Formula(f"The external signal: x{s}(0) = s{s} = {num(x[i])}", float(x[i]))
    previous = np.asarray(previous, dtype=float)
    r1, r2 = int(snap["r1"]), int(snap["r2"])
    c1, c2, x_max = float(snap["c1"]), float(snap["c2"]), float(snap["x_max"])
    near, far = unit_sums(previous, i, r1, r2)
    net = c1 * float(near.sum()) + c2 * float(far.sum())
    value = min(x_max, max(0.0, net))
    t = int(snap["step"])
    context = ""
    if net > x_max:
        context = f"Clamped at x_max = {short(x_max)}: "
    elif net < 0:
        context = "Clamped at 0: "
    clamp = f" = f({num(net)})" if net != value else ""
    text = (f"{context}x{s}({t}) = f(C1·Σ[|k|≤{r1}] x{s}₊ₖ + C2·Σ[{r1}<|k|≤{r2}] x{s}₊ₖ) = "
            f"f({_sum_text(c1, near, True)}{_sum_text(c2, far, False)}){clamp} = {num(value)}")
    return Formula(text, value)


def unit_readout(snap: Mapping[str, Any], i: int) -> str:
    """Unit ``i``'s value in each profile the snapshot carries, the newest first."""
    profiles = np.asarray(snap["profiles"], dtype=float)
    steps = np.asarray(snap["profile_steps"])
    s = sub(i + 1)
    shown = [f"x{s}({int(t)}) = {num(profiles[r, i])}"
             for r, t in list(enumerate(steps))[::-1][:4]]
    signal = f"s{s} = {num(profiles[0, i])}"
    if int(steps[0]) == 0 and len(steps) > 4:
        shown.append(signal)
    return f"unit {i + 1}: " + " · ".join(shown)


def weight_readout(snap: Mapping[str, Any], k: int) -> str:
    """The weight w_k to the unit ``k`` places away."""
    r1, r2 = int(snap["r1"]), int(snap["r2"])
    if abs(k) <= r1:
        return f"w{sub(k)} = C1 = {short(snap['c1'])}: cooperation (|k| ≤ R1 = {r1})"
    if abs(k) <= r2:
        return f"w{sub(k)} = C2 = {short(snap['c2'])}: competition ({r1} < |k| ≤ R2 = {r2})"
    return f"w{sub(k)} = 0: beyond R2 = {r2}, no connection"
