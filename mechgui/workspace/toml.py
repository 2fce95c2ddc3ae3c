"""TOML for workspaces: reading with the standard library's parser (``tomllib``; ``tomli``, the
same parser, before Python 3.11), writing with :func:`dumps`, a small emitter for what a
workspace holds.

:func:`dumps` writes tables of text, booleans, whole numbers, floats and arrays of them
(arrays of arrays for matrices, one row a line), sub-tables and arrays of tables.  Floats
are written with ``repr``, which reads back as the very same float; whole numbers stay
whole.  TOML has no null: a caller writes what ``None`` means in words (``"auto"``).
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["TOMLDecodeError", "dumps", "loads"]

TOMLDecodeError = tomllib.TOMLDecodeError
#: Width an array's line is kept to, when it is written over several lines.
LINE_WIDTH = 88
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def loads(text: str) -> dict[str, Any]:
    """A TOML document as a dict; :data:`TOMLDecodeError` if it is not TOML."""
    return tomllib.loads(text)


def dumps(document: Mapping[str, Any], header: str = "") -> str:
    """``document`` as TOML text, after ``header`` (comment lines, each starting with '#')."""
    lines = [header.rstrip("\n")] if header else []
    _table(document, (), lines, array_item=False)
    return "\n".join(lines).strip("\n") + "\n"


def _table(table: Mapping[str, Any], path: tuple[str, ...], lines: list[str],
           array_item: bool) -> None:
    """``table``'s own keys under its header, then its sub-tables and arrays of tables."""
    plain = [(k, v) for k, v in table.items() if not _is_table(v) and not _is_tables(v)]
    if path and (plain or array_item or len(plain) == len(table)):  # else implied by its own
        lines.append("")
        name = ".".join(_key(part) for part in path)
        lines.append(f"[[{name}]]" if array_item else f"[{name}]")
    for key, value in plain:
        lines.append(f"{_key(key)} = {_value(value, len(key) + 3)}")
    for key, value in table.items():
        if _is_table(value):
            _table(value, (*path, key), lines, array_item=False)
        elif _is_tables(value):
            for item in value:
                _table(item, (*path, key), lines, array_item=True)


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_tables(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and \
        all(isinstance(item, Mapping) for item in value)


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"a TOML key must be text, not {type(key).__name__}")
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0xD800 <= ord(char) <= 0xDFFF:
            raise ValueError("text that is not valid Unicode cannot be written")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _float(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(float(x))


def _value(value: Any, indent: int = 0) -> str:
    """One value as TOML; an array too long for a line is written over several."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _float(float(value))
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return _array(value, indent)
    raise TypeError(f"a {type(value).__name__} cannot be written as TOML")


def _array(items: Sequence[Any], indent: int) -> str:
    parts = [_value(item, 4) for item in items]
    inline = "[" + ", ".join(parts) + "]"
    if indent + len(inline) <= LINE_WIDTH and "\n" not in inline:
        return inline
    if any(isinstance(item, (list, tuple, np.ndarray)) for item in items):
        rows = parts  # a matrix: one row a line
    else:  # numbers packed into lines of LINE_WIDTH
        rows, line = [], []
        for part in parts:
            if line and 4 + len(", ".join([*line, part])) + 1 > LINE_WIDTH:
                rows.append(", ".join(line))
                line = []
            line.append(part)
        rows.append(", ".join(line))
    return "[\n" + "".join(f"    {row},\n" for row in rows) + "]"
