"""Explaining what a tab shows: each model's update rule for one element, written out with
the numbers of the last step, and the read-out of a value under the cursor.

Qt-free and pure: every function takes a snapshot (whose keys carry the operands of the
last step: the previous activations, the ε or α that step used, …) and returns text.
Nothing is recomputed differently from the engine: a :class:`Formula`'s right-hand side
is the rule evaluated on the numbers it shows, and the tests check it against the
engine's own new value.

    from mechgui.engine.explain import formula
    formula("maxnet", snap, 2).text
    # 'a₃(1) = f(a₃ − ε·Σₖ≠₃ aₖ) = f(0.600 − 0.2·(0.200 + 0.400 + 0.800)) = 0.320'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import hamming, maxnet, mexican_hat, som
from .text import Formula

__all__ = ["FORMULAS", "Formula", "formula"]

#: Each model's formula for element ``j`` (a node, a unit, an output unit).
FORMULAS: dict[str, Callable[[Mapping[str, Any], int], Formula]] = {
    "maxnet": maxnet.node_formula,
    "mexican_hat": mexican_hat.unit_formula,
    "hamming": hamming.unit_formula,
    "som": som.unit_formula,
}


def formula(model: str, snap: Mapping[str, Any], element: int) -> Formula:
    """The update rule of ``element`` (0-based) of ``model`` with the numbers of ``snap``."""
    return FORMULAS[model](snap, element)
