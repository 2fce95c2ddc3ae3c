"""How numbers and symbols are written in the explanations (plain Unicode text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["MOST_TERMS", "Formula", "num", "short", "signed", "sub", "terms", "vector"]

#: Terms of a sum written out at most (beyond, the sum alone and how many terms it has).
MOST_TERMS = 6
#: Components of a vector written out at most (beyond, the first ones and "…").
MOST_COMPONENTS = 4

_SUBSCRIPT = str.maketrans("0123456789-+", "₀₁₂₃₄₅₆₇₈₉₋₊")


@dataclass(frozen=True)
class Formula:
    """One line explaining an element: ``text`` ends with the right-hand side's value as
    shown; ``value`` is that right-hand side, computed from the numbers the text shows
    (a float, a vector, or None where the line states a value without computing it)."""

    text: str
    value: Any = None


def sub(index: Any) -> str:
    """``index`` as subscript digits: 3 → "₃", 12 → "₁₂"."""
    return str(index).translate(_SUBSCRIPT)


def num(value: float, digits: int = 3) -> str:
    """A value with ``digits`` decimals and a true minus sign (−0.000 shown as 0.000)."""
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    text = f"{value:.{digits}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def short(value: float) -> str:
    """A parameter as typed (ε = 0.2, α = 0.6): up to four significant digits."""
    return f"{float(value):.4g}".replace("-", "−")


def signed(value: float, text: str) -> str:
    """`` + text`` or `` − text`` for a term whose coefficient is ``value``."""
    return f" − {text}" if value < 0 else f" + {text}"


def vector(values: Sequence[float], digits: int = 3) -> str:
    """"(0.200, 0.600)"; a long vector shows its first components and "…"."""
    values = np.asarray(values, dtype=float).ravel()
    shown = [num(v, digits) for v in values[:MOST_COMPONENTS]]
    if values.size > MOST_COMPONENTS:
        shown.append("…")
    return "(" + ", ".join(shown) + ")"


def terms(values: Sequence[float], digits: int = 3) -> str | None:
    """"0.200 + 0.400 + 0.800" for a short sum; None for one too long to write out."""
    values = np.asarray(values, dtype=float).ravel()
    if values.size > MOST_TERMS:
        return None
    if not values.size:
        return "0"
    return " + ".join(num(v, digits) for v in values)
