"""The conversion rule of :mod:`.params`: which Python values are numbers, vectors and
matrices, converted in time and memory bounded by the declaration, and a short rendering of
any value for a message.

Knows nothing of parameters: a function here raises :class:`Refused` and the declaration
that called it raises its :class:`~.params.ParameterError`.  The rule itself is written out
in the docstring of :mod:`.params`.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from typing import Any

import numpy as np

__all__ = ["Refused", "is_real", "real_number", "number_from_text", "real_array",
           "array_from_text", "show", "MAX_ARRAY_SIZE", "MAX_NUMBER_TEXT", "CHARS_PER_NUMBER"]

#: At most this many numbers in one vector or matrix, whatever its declared rows and columns.
MAX_ARRAY_SIZE = 10_000_000
#: Text for one number: at most this many characters.
MAX_NUMBER_TEXT = 100
#: Text for a vector or matrix: at most this many characters per number it may hold.
CHARS_PER_NUMBER = 32
#: The integers an integer parameter may take at all (its bounds narrow them further).
INT64 = (-2 ** 63, 2 ** 63 - 1)

_REAL_TYPES = (int, float, np.integer, np.floating)
_SEQUENCES = (list, tuple, range)
# ASCII only: no underscores, no unicode digits, no nan or inf.
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


class Refused(Exception):
    """The value does not follow the rule; the declaration names what is allowed."""


def is_real(value: Any) -> bool:
    """An int, a float or a numpy integer or floating scalar (never a bool)."""
    return isinstance(value, _REAL_TYPES) and not isinstance(value, bool)


def real_number(value: Any, integer: bool) -> int | float:
    """``value`` as a finite float, or an int within 64 bits when ``integer`` (a float with
    no fractional part counts), else :class:`Refused`.  Negative zero becomes zero."""
    if not is_real(value):
        raise Refused
    if isinstance(value, (int, np.integer)):
        x = int(value)  # exact, however large: compared with the bounds as it is
        if integer:
            if not INT64[0] <= x <= INT64[1]:
                raise Refused
            return x
        try:
            return float(x)
        except OverflowError:
            raise Refused from None
    with np.errstate(all="ignore"):
        f = float(value)  # a numpy long double beyond a float's range becomes inf
    if not math.isfinite(f) or (integer and not f.is_integer()):
        raise Refused
    return real_number(int(f), True) if integer else f + 0.0


def number_from_text(text: str, integer: bool) -> int | float:
    """The number written in ``text`` (ASCII digits, an optional sign, point and exponent)."""
    if len(text) > MAX_NUMBER_TEXT:
        raise Refused
    text = text.strip()
    if integer and _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if _NUMBER_TEXT.fullmatch(text):
        return float(text)  # "1e999" gives inf: refused with the value
    raise Refused


def _length(value: Any) -> int:
    try:
        return len(value)
    except OverflowError:  # range(10**20)
        raise Refused from None


def _row(value: Any, limit: int) -> Any:
    """One row (or a vector): a list, tuple, range or 1-D numpy array of reals, at most
    ``limit`` long; returned as it is, checked."""
    if isinstance(value, np.ndarray):
        if value.ndim != 1 or value.dtype.kind not in "iuf" or value.shape[0] > limit:
            raise Refused
        return value
    if not isinstance(value, _SEQUENCES) or _length(value) > limit:
        raise Refused
    if not isinstance(value, range):
        for x in value:
            if type(x) is not float and type(x) is not int and not is_real(x):
                raise Refused
    return value


def real_array(value: Any, ndim: int, max_rows: int, max_cols: int,
               max_size: int = MAX_ARRAY_SIZE) -> np.ndarray:
    """``value`` as a new float64 array of ``ndim`` dimensions, or :class:`Refused`.

    Sizes are checked (``len``, shapes) before anything is copied: at most ``max_rows``
    rows (the length of a vector), ``max_cols`` columns and ``max_size`` numbers.
    """
    if isinstance(value, np.ndarray):
        if value.ndim != ndim or value.dtype.kind not in "iuf" or value.size > max_size \
                or value.shape[0] > max_rows or (ndim == 2 and value.shape[1] > max_cols):
            raise Refused
        rows = value
    elif ndim == 1:
        rows = _row(value, min(max_rows, max_size))
    else:
        if not isinstance(value, _SEQUENCES) or _length(value) > max_rows:
            raise Refused
        rows, width = [], None
        for row in value:
            row = _row(row, max_cols)
            if width is None:
                width = _length(row)
                if width * _length(value) > max_size:
                    raise Refused
            elif _length(row) != width:  # ragged
                raise Refused
            rows.append(row)
        if not rows:
            return np.empty((0, 0))
    try:
        with np.errstate(all="ignore"):
            arr = np.array(rows, dtype=np.float64)
    except (OverflowError, ValueError, TypeError):  # an int beyond a float's range
        raise Refused from None
    if arr.ndim != ndim:
        raise Refused
    np.add(arr, 0.0, out=arr)  # negative zero becomes zero
    return arr


def array_from_text(text: str, ndim: int, max_chars: int) -> list:
    """The numbers of ``text``: components separated by commas and/or spaces, matrix rows
    by ``;`` or new lines (blank rows skipped); an empty component (``1,,2``) is refused."""
    if len(text) > max_chars:
        raise Refused
    rows = []
    for line in text.replace("\n", ";").split(";"):
        if not line.strip():
            continue
        row = []
        for piece in line.split(","):
            tokens = piece.split()
            if not tokens:
                raise Refused
            for token in tokens:
                if not _NUMBER_TEXT.fullmatch(token):
                    raise Refused
                row.append(float(token))
        rows.append(row)
    if ndim == 1:
        if len(rows) != 1:
            raise Refused
        return rows[0]
    return rows


# -- showing a value briefly ----------------------------------------------------------------
SHOW_WIDTH = 60
_ITEMS = 4


def show(value: Any, width: int = SHOW_WIDTH) -> str:
    """A short rendering of a user's value for a message, at most ``width`` characters,
    costing the same for ten numbers or ten million (only the first few are looked at)."""
    if isinstance(value, str):
        cut = value[:width + 1]
        text = repr(cut) if not cut or any(c in cut for c in " ,;=") or not cut.isprintable() \
            else cut
    else:
        try:
            text = _render(value, 3)
        except Exception:  # a value whose repr fails still gets a message
            text = f"<{type(value).__name__}>"
    return text if len(text) <= width else text[:width - 3] + "..."


def _render(value: Any, depth: int) -> str:
    if isinstance(value, str):
        return repr(value[:SHOW_WIDTH + 1])
    if isinstance(value, (bytes, bytearray)):
        return repr(bytes(value[:SHOW_WIDTH + 1]))
    if isinstance(value, np.bool_):
        return repr(bool(value))
    if value is None or isinstance(value, (bool, range, complex, np.complexfloating)):
        return repr(value)
    if isinstance(value, (int, np.integer)):
        x = int(value)
        if abs(x) < 10 ** 30:
            return str(x)
        return f"<an integer of about {int(x.bit_length() * math.log10(2)) + 1} digits>"
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"array({_render(value[()], depth)})"
        if value.size > 2 * _ITEMS or value.ndim > 2:
            return f"<array of shape {value.shape}, dtype {value.dtype}>"
        return _sequence(list(value), "[", "]", depth)
    if isinstance(value, (list, tuple)):
        return _sequence(value, *("[]" if isinstance(value, list) else "()"), depth)
    if isinstance(value, dict):
        if depth <= 0:
            return "{…}"
        items = [f"{_render(k, depth - 1)}: {_render(v, depth - 1)}"
                 for k, v in itertools.islice(value.items(), _ITEMS)]
        return "{" + ", ".join(items) + (", …" if len(value) > _ITEMS else "") + "}"
    if isinstance(value, (set, frozenset)):
        if depth <= 0:
            return "{…}"
        items = [_render(v, depth - 1) for v in itertools.islice(value, _ITEMS)]
        return "{" + ", ".join(items) + (", …" if len(value) > _ITEMS else "") + "}"
    if isinstance(value, numbers.Number):  # Fraction, Decimal: short unless absurd
        return str(value)[:SHOW_WIDTH + 1]
    return f"<{type(value).__name__}>"


def _sequence(value: list | tuple, opening: str, closing: str, depth: int) -> str:
    if depth <= 0:
        return opening + "…" + closing
    items = [_render(v, depth - 1) for v in value[:_ITEMS]]
    if len(value) > _ITEMS:
        items.append(f"… {len(value)} items")
    return opening + ", ".join(items) + closing
