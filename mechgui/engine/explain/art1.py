"""ART1: the read-outs of a category, a trial of the search and the categories against ρ."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .text import num, short

__all__ = ["MOST_NAMES", "category_readout", "sweep_readout", "trial_readout"]

#: Inputs listed at most in a category's read-out.
MOST_NAMES = 8


def category_readout(snap: Mapping[str, Any], unit: int) -> str:
    """Category ``unit``: the size of its prototype t_J and the inputs it holds."""
    t = np.asarray(snap["top_down"])[unit]
    held = np.flatnonzero(np.asarray(snap["assigned"]) == unit)
    names = [str(snap["labels"][i]) for i in held[:MOST_NAMES]]
    listed = ", ".join(names) + (", …" if held.size > MOST_NAMES else "")
    return (f"category J = {unit + 1}: |t_J| = {int(np.count_nonzero(t))} · holds "
            f"{held.size} input{'s' if held.size != 1 else ''}" + (f": {listed}" if names else ""))


def trial_readout(snap: Mapping[str, Any], n: int) -> str:
    """The ``n``-th category the search of the last input tried (0-based): its net input,
    its match |s ∧ t_J| / |s| against ρ, and whether it was reset or learned."""
    unit = int(np.asarray(snap["tried"])[n])
    match = float(np.asarray(snap["tried_match"])[n])
    rho = float(snap["vigilance"])
    reset = bool(np.asarray(snap["tried_reset"])[n])
    verdict = f"< ρ = {short(rho)}: reset" if reset else f"≥ ρ = {short(rho)}: it learns"
    return (f"try {n + 1}: J = {unit + 1}, y_J = {num(np.asarray(snap['tried_net'])[n])}, "
            f"|s ∧ t_J| / |s| = {num(match)} {verdict}")


def sweep_readout(snap: Mapping[str, Any], rho: float) -> str | None:
    """The categories the sweep found at the ρ nearest ``rho``."""
    sweep = snap.get("sweep_vigilance")
    if sweep is None or not len(sweep):
        return None
    k = int(np.argmin(np.abs(np.asarray(sweep, dtype=float) - rho)))
    count = int(np.asarray(snap["sweep_categories"])[k])
    return f"ρ = {short(float(sweep[k]))}: {count} categories"
