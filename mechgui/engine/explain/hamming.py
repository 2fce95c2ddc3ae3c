"""Hamming net (Example 4.3): an output unit's net input y_in,j = n/2 + x·e(j)/2 when an
input is presented, then its MaxNet updates; the read-outs of the bars and the pixels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .maxnet import maxnet_rule
from .text import Formula, num, sub

__all__ = ["exemplar", "net_input_formula", "pixel_readout", "unit_formula", "unit_readout"]


def exemplar(snap: Mapping[str, Any], j: int) -> np.ndarray:
    """e(j), from the weights W = e/2 of the snapshot (halving a ±1 is exact)."""
    return 2.0 * np.asarray(snap["weights"], dtype=float)[:, j]


def _integer(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def _operand(value: float) -> str:
    """A number inside a sum: a negative one in parentheses, "4/2 + (−2)/2"."""
    return f"({_integer(value)})" if value < 0 else _integer(value)


def net_input_formula(snap: Mapping[str, Any], j: int) -> Formula:
    """y_in,j = n/2 + x·e(j)/2 (Step 2), with x·e(j) = Σ_i x_i e_i(j)."""
    x = np.asarray(snap["input"], dtype=float)
    e = exemplar(snap, j)
    n = x.size
    dot = float(x @ e)
    value = n / 2 + dot / 2
    agree = int(np.count_nonzero(x == e))
    s = sub(j + 1)
    text = (f"Y{s} agrees with x in {agree} of {n} components: y{s}(0) = y_in,{s} = "
            f"n/2 + x·e({j + 1})/2 = {n}/2 + {_operand(dot)}/2 = {_integer(value)}")
    return Formula(text, value)


def unit_formula(snap: Mapping[str, Any], j: int) -> Formula:
    """Output unit ``j``: its net input when the input was just presented, else the last
    MaxNet iteration's update."""
    previous = snap.get("previous_activations")
    if previous is None:
        return net_input_formula(snap, j)
    return maxnet_rule("y", j, int(snap["iteration"]), previous, float(snap["step_epsilon"]),
                       "units")


def unit_readout(snap: Mapping[str, Any], j: int, name: str) -> str:
    """Output unit ``j`` (exemplar ``name``): its similarity and its MaxNet activation."""
    y_in = float(np.asarray(snap["net_input"])[j])
    a = float(np.asarray(snap["activations"])[j])
    n = np.asarray(snap["input"]).size
    s = sub(j + 1)
    state = " · the winner" if snap.get("winner") == j else ""
    return (f"{name}: y_in,{s} = {_integer(y_in)} of n = {n} (Hamming distance "
            f"{_integer(n - y_in)}) · y{s}(t = {snap['iteration']}) = {num(a)}{state}")


def pixel_readout(snap: Mapping[str, Any], component: int, where: str, j: int, name: str,
                  on_input: bool) -> str:
    """Pixel ``component`` (at ``where``, e.g. "row 3, col 4") of the input and of exemplar
    ``j`` (called ``name``): the one under the cursor first (the input's if ``on_input``)."""
    xi = "+1" if float(np.asarray(snap["input"])[component]) > 0 else "−1"
    ei = "+1" if exemplar(snap, j)[component] > 0 else "−1"
    same = "agree" if ei == xi else "differ"
    if on_input:
        return f"input x, {where}: {xi} · {name} there: {ei} ({same})"
    return f"{name}, {where}: {ei} · input x there: {xi} ({same})"
