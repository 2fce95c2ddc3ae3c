"""Kohonen SOM (Steps 3–5): a unit's distance D(j) to the last input, whether it lies in
the winner's neighbourhood at radius R, and its move w_j ← w_j + α·h(d)·(x − w_j) with
the numbers of that step; the read-outs of the units, the map and the curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .text import Formula, num, short, sub, vector

__all__ = [
    "MOST_NAMES",
    "history_readout",
    "pair_readout",
    "unit_formula",
    "unit_place",
    "unit_readout",
]

#: Names of the inputs a unit wins listed at most in its read-out.
MOST_NAMES = 8


def unit_place(snap: Mapping[str, Any], j: int) -> str:
    """"unit 7 (row 2, col 3)" on a grid; "unit 7" on a chain or without topology."""
    cols = int(snap["cols"])
    if snap["topology"] in ("linear", "none") or int(snap["rows"]) == 1:
        return f"unit {j + 1}"
    row, col = divmod(j, cols)
    return f"unit {j + 1} (row {row + 1}, col {col + 1})"


def _distance(snap: Mapping[str, Any], j: int) -> str:
    s = sub(j + 1)
    d = float(np.asarray(snap["distances"])[j])
    if snap.get("distance") == "ellipse":
        text = f"D({j + 1}) = (x − w{s})ᵀΣ{s}(x − w{s}) = {num(d)}"
    else:
        text = f"D({j + 1}) = ‖x − w{s}‖² = {num(d)}"
    if snap["winner"] == j:
        text += f", the smallest: J = {j + 1}"
    return text


def _neighbourhood(snap: Mapping[str, Any], j: int, rate: float) -> tuple[str, str, str]:
    """Where unit ``j`` stands towards the winner, and its rate's symbol and numbers."""
    winner = int(snap["winner"])
    alpha, radius = float(snap["learning_rate"]), float(snap["radius"])
    if snap.get("membership") == "fuzzy":
        where = (f"fuzzy memberships (m = {short(snap['fuzzifier'])}): rate r = "
                 f"Σₖ uₖᵐ·α·h(d(k, {j + 1})) = {num(rate, 4)}")
        return where, "r", num(rate, 4)
    if j == winner:
        return "the winner learns with the full rate", "α", short(alpha)
    if snap["topology"] == "none":
        return f"no topology: only the winner J = {winner + 1} learns", "α", short(alpha)
    d = float(np.asarray(snap["grid_distances"])[j])
    dist = f"J = {winner + 1}, d(J, {j + 1}) = {d:g}"
    if snap.get("neighborhood") == "gaussian":
        if rate == 0:
            return f"{dist}, R = {short(radius)}: outside the neighbourhood (h ≈ 0)", "", ""
        h = rate / alpha
        return (f"{dist}, R = {short(radius)}: h = exp(−d²/2R²) = {num(h)}", "α·h",
                f"{short(alpha)}·{num(h)}")
    if rate == 0:
        return f"{dist} > R = {short(radius)}: outside the neighbourhood", "", ""
    return f"{dist} ≤ R = {short(radius)}: in the neighbourhood", "α", short(alpha)


def unit_formula(snap: Mapping[str, Any], j: int) -> Formula:
    """Unit ``j`` (0-based): D(j) to the last input, the neighbourhood, its move."""
    s = sub(j + 1)
    if snap.get("weights_before") is None:
        w = np.asarray(snap["weights"], dtype=float)[j]
        return Formula(f"No input presented yet: w{s} = {vector(w)}", w)
    before = np.asarray(snap["weights_before"], dtype=float)[j]
    x = np.asarray(snap["input"], dtype=float)
    rate = float(np.asarray(snap["unit_rates"])[j])
    where, symbol, coefficient = _neighbourhood(snap, j, rate)
    if rate == 0:
        return Formula(f"{_distance(snap, j)}; {where}: w{s} stays {vector(before)}", before)
    value = before + rate * (x - before)
    rule = (f"w{s} ← w{s} + {symbol}·(x − w{s}) = {vector(before)} + {coefficient}·"
            f"({vector(x)} − {vector(before)}) = {vector(value)}")
    return Formula(f"{_distance(snap, j)}; {where}: {rule}", value)


def unit_readout(snap: Mapping[str, Any], j: int,
                 names: Sequence[str] | None = None) -> str:
    """Unit ``j``: its weight vector, the inputs it wins (its hits and their names, from
    the last detailed snapshot), its U-matrix value and its D(j) to the last input."""
    weights = np.asarray(snap["weights"], dtype=float)
    parts = [f"{unit_place(snap, j)}: w{sub(j + 1)} = {vector(weights[j])}"]
    winners = snap.get("data_winners")
    if winners is not None:
        won = np.flatnonzero(np.asarray(winners) == j)
        text = f"wins {won.size or 'no'} input{'s' if won.size != 1 else ''}"
        labels = names if names is not None else snap.get("labels")
        if won.size and labels is not None:
            listed = [str(labels[i]) for i in won[:MOST_NAMES]]
            text += ": " + ", ".join(listed) + (", …" if won.size > MOST_NAMES else "")
        parts.append(text)
    u = snap.get("u_matrix")
    if u is not None and np.isfinite(np.asarray(u)[j]):
        parts.append(f"U-matrix {num(np.asarray(u)[j])}")
    if snap.get("distances") is not None:
        parts.append(f"D({j + 1}) = {num(np.asarray(snap['distances'])[j])}")
    return " · ".join(parts)


def pair_readout(snap: Mapping[str, Any], i: int, j: int) -> str:
    """The U-matrix's ingredient between neighbours ``i`` and ``j``: ‖w_i − w_j‖."""
    weights = np.asarray(snap["weights"], dtype=float)
    d = float(np.linalg.norm(weights[i] - weights[j]))
    return f"between units {i + 1} and {j + 1}: ‖w{sub(i + 1)} − w{sub(j + 1)}‖ = {num(d)}"


def history_readout(snap: Mapping[str, Any], row: int) -> str:
    """Row ``row`` of the per-epoch curves: α and R of that epoch, QE and TE after it."""
    epoch = int(np.asarray(snap["history_epoch"])[row])
    alpha = float(np.asarray(snap["history_learning_rate"])[row])
    radius = float(np.asarray(snap["history_radius"])[row])
    qe = float(np.asarray(snap["history_quantization_error"])[row])
    te = float(np.asarray(snap["history_topographic_error"])[row])
    return (f"epoch {epoch}: α = {short(alpha)}, R = {short(radius)} · after it "
            f"QE = {num(qe, 4)}, TE = {num(te)}")
