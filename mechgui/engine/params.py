"""Parameters declared once, validated in one place.

Every mechanism declares its parameters as a frozen dataclass deriving from
:class:`ParamSet`, each field made by one of the declaration helpers below
(:func:`Float`, :func:`Int`, :func:`Choice`, :func:`Flag`, :func:`Vector`,
:func:`Matrix`).  A declaration carries the default, the bounds or choices and
a one-line help text.  The same declaration

* validates and coerces a value (:meth:`Spec.coerce`),
* parses the text a user typed on the command line or in a form
  (:meth:`Spec.parse`), and
* describes what is allowed, for error messages and tooltips.

So the API, the CLI and the GUI refuse a bad value with the same message::

    >>> from mechgui.engine.maxnet import MaxNetParams
    >>> MaxNetParams(epsilon=-1)
    Traceback (most recent call last):
    ...
    mechgui.engine.params.ParameterError: epsilon=-1 is not allowed: expected a number in (0, 1]

The conversion rule (the same for every declaration; :mod:`.values` applies it):

* **Numbers** are ``int``, ``float`` or numpy integer or floating scalars, finite; an integer
  parameter takes an integer, or a float with no fractional part, within 64 bits.  Never a
  bool, a complex number, a ``Fraction`` or ``Decimal``, a string (text goes through
  ``parse``), bytes, a 0-d array or a list.  Negative zero becomes zero.
* **Text for a number** (``parse``, the CLI's ``--set``, a form's field): ASCII digits with an
  optional sign (``+`` or ``-``), decimal point and exponent, spaces around it allowed, at
  most 100 characters: ``2``, ``+0.5``, ``-.25``, ``1e-3``.  No underscores, no other
  digits than 0-9, no ``nan`` or ``inf`` (``1e999``, beyond a float, is refused too).
* **Vectors** are lists, tuples, ranges or 1-D numpy arrays of numbers as above; **matrices**
  lists or tuples of such rows, all of the same length, or 2-D numpy arrays.  A numpy array
  must have an integer or floating dtype (not bool, complex, object or text).  Never bytes, a
  string taken as a sequence of characters, dicts, sets, generators or other iterables, and
  no nesting deeper than the declaration's.  At most 10,000,000 numbers in one value; sizes
  (``len``, shapes) are checked before anything is copied, so refusing a big value is cheap.
* **Text for a vector or matrix**: numbers as above separated by commas and/or spaces, matrix
  rows by ``;`` or new lines (blank rows are skipped); an empty component (``1,,2`` or a
  trailing comma) is refused; at most 32 characters per number the value may hold.
* **Choices** are one of the declared strings, exactly (text: spaces around it allowed);
  **flags** ``True``/``False`` (or numpy bools), the integers 0 and 1, or the text
  true/false, yes/no, on/off, 1/0.  ``None`` (or the text ``auto``/``none``) only where the
  declaration is optional.

A refusal is one :class:`ParameterError` whose message names the parameter, shows the value
briefly (:func:`.values.show`: the first few elements of a big one) and says what is allowed;
its cost does not grow with the size of the value refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .values import (CHARS_PER_NUMBER, MAX_ARRAY_SIZE, MAX_NUMBER_TEXT, Refused,
                     array_from_text, number_from_text, real_array, real_number)
from .values import show as _show

__all__ = [
    "ParameterError",
    "Spec",
    "NumberSpec",
    "ChoiceSpec",
    "FlagSpec",
    "ArraySpec",
    "ParamSet",
    "Float",
    "Int",
    "Choice",
    "Flag",
    "Vector",
    "Matrix",
    "SEED",
    "check_seed",
]


def _num(x: float) -> str:
    """Format a bound without noise: 1.0 -> '1', 0.25 -> '0.25'."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def _key(name: Any) -> str:
    """A parameter's name for a message (an unknown one, as given, can be anything)."""
    return name if isinstance(name, str) and len(name) <= 40 and name.isprintable() \
        else _show(name, 40)


class ParameterError(ValueError):
    """A parameter value that is not allowed.

    The message names the parameter, the value given and what is allowed, e.g.
    ``epsilon=1.5 is not allowed: expected a number in (0, 1]``.
    """

    def __init__(self, name: str, value: Any, allowed: str) -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{_key(name)}={_show(value)} is not allowed: {allowed}")

    def labelled(self, label: str) -> str:
        """The message with the parameter's label for a person in place of its key
        (a form shows this; the CLI and the API keep the key)."""
        return f"{label} = {_show(self.value)} is not allowed: {self.allowed}"


@dataclass(frozen=True)
class Spec:
    """Declaration of one parameter: default, help and what is allowed."""

    default: Any
    help: str
    label: str = ""
    #: May change while a simulation runs, without a reset.
    live: bool = False
    #: ``None`` is accepted and means "automatic" (the help says what that is).
    optional: bool = False
    name: str = ""
    #: When the parameter matters: pairs (other parameter, the values under which this one
    #: applies), all of which must hold; empty: always.  Forms show only what applies;
    #: every value is still validated and accepted whatever the others.
    applies: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    # -- the three faces of a declaration -----------------------------------
    def coerce(self, value: Any) -> Any:
        """Return ``value`` in canonical form or raise :class:`ParameterError`."""
        if value is None or _is_auto(value, ("none", "auto")):
            if self.optional:
                return None
            raise self.error(value)
        return self._coerce(value)

    def parse(self, text: str) -> Any:
        """Parse a value typed by a user (CLI ``--set`` or a GUI field)."""
        if not isinstance(text, str):
            return self.coerce(text)
        if len(text) > self._max_text():
            raise self.error(text)
        if self.optional and _is_auto(text, ("", "none", "auto")):
            return None
        try:
            return self.coerce(self._parse(text.strip()))
        except (ParameterError, Refused):
            raise self.error(text) from None  # name the text the user typed

    def format(self, value: Any) -> str:
        """The inverse of :meth:`parse`: text a user can edit."""
        if value is None:
            return "auto"
        return self._format(value)

    def allowed(self) -> str:
        text = self._allowed()
        return text + (", or auto" if self.optional else "")

    def error(self, value: Any) -> ParameterError:
        return ParameterError(self.name, value, self.allowed())

    def applies_text(self) -> str:
        """When the parameter applies, for people ('' when always)."""
        return " and ".join(f"{key} is {' or '.join(map(str, values))}"
                            for key, values in self.applies)

    def to_json(self, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value.tolist()
        return value

    @property
    def display_name(self) -> str:
        return self.label or self.name.replace("_", " ")

    # -- for subclasses -------------------------------------------------------
    def _coerce(self, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _parse(self, text: str) -> Any:
        return text

    def _format(self, value: Any) -> str:
        return str(value)

    def _allowed(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _max_text(self) -> int:
        """The longest text :meth:`parse` reads (longer is refused unread)."""
        return 1000


def _is_auto(value: Any, words: tuple[str, ...]) -> bool:
    """Whether ``value`` is text meaning "automatic" (a long text is not even looked at)."""
    return isinstance(value, str) and len(value) <= 16 and value.strip().lower() in words


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f"{'>' if low_open else '>='} {_num(low)}"
    if low is None:
        return f"{'<' if high_open else '<='} {_num(high)}"
    return f"in {'(' if low_open else '['}{_num(low)}, {_num(high)}{')' if high_open else ']'}"


def _in_interval(x: float, low, high, low_open, high_open) -> bool:
    if low is not None and (x < low or (low_open and x == low)):
        return False
    if high is not None and (x > high or (high_open and x == high)):
        return False
    return True


@dataclass(frozen=True)
class NumberSpec(Spec):
    """A real or integer number with optional (open or closed) bounds."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    integer: bool = False
    #: Suggested increment for a spin box.
    step: float | None = None
    #: Number of decimals a form shows.
    decimals: int = 4

    def _coerce(self, value: Any) -> Any:
        try:
            x = real_number(value, self.integer)
        except Refused:
            raise self.error(value) from None
        if not _in_interval(x, self.low, self.high, self.low_open, self.high_open):
            raise self.error(value)
        return x

    def _parse(self, text: str) -> Any:
        return number_from_text(text, self.integer)

    def _max_text(self) -> int:
        return MAX_NUMBER_TEXT

    def _format(self, value: Any) -> str:
        return str(value) if self.integer else _num(float(value))

    def _allowed(self) -> str:
        kind = "an integer" if self.integer else "a number"
        bounds = _interval(self.low, self.high, self.low_open, self.high_open)
        return f"expected {kind}" + (f" {bounds}" if bounds else "")


@dataclass(frozen=True)
class ChoiceSpec(Spec):
    """One of a fixed set of strings."""

    choices: tuple[str, ...] = ()

    def coerce(self, value: Any) -> Any:
        # A declared choice is a value even when it reads "none" (the SOM's topology).
        if isinstance(value, str) and value in self.choices:
            return value
        return super().coerce(value)

    def _coerce(self, value: Any) -> Any:
        if not isinstance(value, str) or value not in self.choices:
            raise self.error(value)
        return value

    def _allowed(self) -> str:
        return "expected one of " + ", ".join(self.choices)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class FlagSpec(Spec):
    """A boolean switch."""

    def _coerce(self, value: Any) -> Any:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, np.integer)) and value in (0, 1):
            return bool(value)
        raise self.error(value)

    def _parse(self, text: str) -> Any:
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise self.error(text)

    def _format(self, value: Any) -> str:
        return "true" if value else "false"

    def _allowed(self) -> str:
        return "expected true or false"


@dataclass(frozen=True)
class ArraySpec(Spec):
    """A vector (``ndim == 1``) or a matrix (``ndim == 2``) of numbers.

    Text form: components separated by commas (or spaces), matrix rows by ``;``,
    e.g. ``"1,-1,-1,-1; -1,-1,-1,1"``.  The value is a read-only float array.
    """

    ndim: int = 1
    min_len: int = 1
    max_len: int | None = None
    #: Only for matrices: bounds on the number of columns.
    min_cols: int = 1
    max_cols: int | None = None
    low: float | None = None
    high: float | None = None
    #: If given, every component must be one of these (e.g. bipolar: (-1, 1)).
    values: tuple[float, ...] | None = None
    #: The value's dtype (always float64: the conversion rule makes every value a float array).
    dtype: str = "float64"
    #: At most this many numbers in all (rows × columns), whatever the two bounds allow.
    max_size: int = MAX_ARRAY_SIZE

    def _coerce(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.parse(value)
        try:
            arr = real_array(value, self.ndim, self.max_len or self.max_size,
                             self.max_cols or self.max_size, self.max_size)
        except Refused:
            raise self.error(value) from None
        if arr.shape[0] < self.min_len or (self.ndim == 2 and arr.shape[1] < self.min_cols):
            raise self.error(value)
        if not np.all(np.isfinite(arr)):
            raise self.error(value)
        if self.values is not None and not np.all(np.isin(arr, self.values)):
            raise self.error(value)
        if not all(_in_interval(x, self.low, self.high, False, False) for x in (arr.min(), arr.max())):
            raise self.error(value)
        arr.setflags(write=False)
        return arr

    def _parse(self, text: str) -> Any:
        return array_from_text(text, self.ndim, self._max_text())

    def _max_text(self) -> int:
        return CHARS_PER_NUMBER * self._size_limit()

    def _size_limit(self) -> int:
        rows, cols = self.max_len or self.max_size, self.max_cols or self.max_size
        return min(rows * (cols if self.ndim == 2 else 1), self.max_size)

    def _format(self, value: Any) -> str:
        arr = np.asarray(value)
        fmt = (lambda x: _num(float(x)))
        if arr.ndim == 1:
            return ", ".join(fmt(x) for x in arr)
        return "; ".join(", ".join(fmt(x) for x in row) for row in arr)

    def _allowed(self) -> str:
        # The total is named where it, not rows × columns, is the limit that binds.
        total = f", at most {self.max_size} numbers" if self._size_limit() == self.max_size else ""
        if self.ndim == 1:
            size = f"{self.min_len} to {self.max_len}" if self.max_len else f"at least {self.min_len}"
            what = f"expected a comma-separated vector of {size}{total} "
        else:
            rows = f"{self.min_len}-{self.max_len}" if self.max_len else f"{self.min_len}+"
            cols = f"{self.min_cols}-{self.max_cols}" if self.max_cols else f"{self.min_cols}+"
            what = f"expected a matrix ({rows} rows of {cols} columns{total}; rows separated by ';') of "
        if self.values is not None:
            what += "components from {" + ", ".join(_num(float(v)) for v in self.values) + "}"
        else:
            bounds = _interval(self.low, self.high, False, False)
            what += "finite numbers" + (f" {bounds}" if bounds else "")
        kind = "a list, tuple, range or 1-D numpy array" if self.ndim == 1 else \
            "a 2-D numpy array or a list of equal rows"
        return what + f" (text, or {kind} of real numbers)"


# ---------------------------------------------------------------------------
# Declaration helpers: each returns a dataclass field carrying its Spec.
# ---------------------------------------------------------------------------
Applies = Mapping[str, Sequence[Any]] | None


def _field(spec: Spec, applies: Applies = None) -> Any:
    if applies:
        spec = dataclasses.replace(spec, applies=tuple((k, tuple(v)) for k, v in applies.items()))
    default = spec.default
    if isinstance(spec, ArraySpec) and default is not None:
        return dataclasses.field(
            default_factory=lambda: spec.coerce(default), metadata={"spec": spec}
        )
    return dataclasses.field(default=default, metadata={"spec": spec})


def Float(default: float | None, help: str, *, low: float | None = None, high: float | None = None,
          low_open: bool = False, high_open: bool = False, step: float | None = None,
          decimals: int = 4, label: str = "", live: bool = False, optional: bool = False,
          applies: Applies = None) -> Any:
    """Declare a real-valued parameter."""
    return _field(NumberSpec(default, help, label, live, optional, low=low, high=high,
                             low_open=low_open, high_open=high_open, step=step, decimals=decimals),
                  applies)


def Int(default: int | None, help: str, *, low: int | None = None, high: int | None = None,
        label: str = "", live: bool = False, optional: bool = False,
        applies: Applies = None) -> Any:
    """Declare an integer parameter."""
    return _field(NumberSpec(default, help, label, live, optional, low=low, high=high,
                             integer=True, step=1, decimals=0), applies)


def Choice(default: str, choices: Sequence[str], help: str, *, label: str = "",
           live: bool = False, applies: Applies = None) -> Any:
    """Declare a parameter taking one of several named values."""
    return _field(ChoiceSpec(default, help, label, live, choices=tuple(choices)), applies)


def Flag(default: bool, help: str, *, label: str = "", live: bool = False,
         applies: Applies = None) -> Any:
    """Declare a boolean parameter."""
    return _field(FlagSpec(default, help, label, live), applies)


def Vector(default: Sequence[float] | None, help: str, *, min_len: int = 1,
           max_len: int | None = None, low: float | None = None, high: float | None = None,
           values: Sequence[float] | None = None, label: str = "", live: bool = False,
           optional: bool = False, applies: Applies = None) -> Any:
    """Declare a vector parameter (text form ``"0.2, 0.4, 0.6"``)."""
    return _field(ArraySpec(default, help, label, live, optional, ndim=1, min_len=min_len,
                            max_len=max_len, low=low, high=high,
                            values=tuple(values) if values is not None else None), applies)


def Matrix(default: Sequence[Sequence[float]] | None, help: str, *, min_rows: int = 1,
           max_rows: int | None = None, min_cols: int = 1, max_cols: int | None = None,
           low: float | None = None, high: float | None = None,
           values: Sequence[float] | None = None, label: str = "", live: bool = False,
           optional: bool = False, applies: Applies = None) -> Any:
    """Declare a matrix parameter (text form ``"1,-1; -1,1"``)."""
    return _field(ArraySpec(default, help, label, live, optional, ndim=2, min_len=min_rows,
                            max_len=max_rows, min_cols=min_cols, max_cols=max_cols, low=low,
                            high=high, values=tuple(values) if values is not None else None),
                  applies)


#: The random seed, declared like any parameter (API, CLI and files refuse the same
#: values with the same message); None draws a fresh one.
SEED = NumberSpec(None, "random seed: the same seed gives the same run; auto draws one",
                  label="seed", optional=True, name="seed", low=0, high=2 ** 63 - 1,
                  integer=True, step=1, decimals=0)


def check_seed(value: Any) -> int | None:
    """``value`` as a seed, or :class:`ParameterError` naming the seed."""
    return SEED.parse(value) if isinstance(value, str) else SEED.coerce(value)


# ---------------------------------------------------------------------------
class ParamSet:
    """Base of a mechanism's parameter dataclass.

    Subclasses are ``@dataclass(frozen=True, eq=False)`` whose fields are made
    with the declaration helpers.  Construction validates every field and then
    the cross-field rules in :meth:`check`; an instance is therefore always valid.
    """

    _spec_cache: ClassVar[dict[type, tuple[Spec, ...]]] = {}

    def __post_init__(self) -> None:
        for spec in self.specs():
            object.__setattr__(self, spec.name, spec.coerce(getattr(self, spec.name)))
        self.check()

    def check(self) -> None:
        """Cross-parameter rules; raise :class:`ParameterError` naming one parameter."""

    # -- introspection -------------------------------------------------------
    @classmethod
    def specs(cls) -> tuple[Spec, ...]:
        """The declarations, in field order, each knowing its own name."""
        cached = ParamSet._spec_cache.get(cls)
        if cached is None:
            cached = tuple(
                dataclasses.replace(f.metadata["spec"], name=f.name)
                for f in dataclasses.fields(cls)  # type: ignore[arg-type]
                if "spec" in f.metadata
            )
            ParamSet._spec_cache[cls] = cached
        return cached

    @classmethod
    def spec(cls, name: str, value: Any = "…") -> Spec:
        """The declaration of ``name``; an unknown name raises :class:`ParameterError`."""
        for s in cls.specs():
            if s.name == name:
                return s
        raise ParameterError(name, value, "unknown parameter; known: " + ", ".join(cls.names()))

    @classmethod
    def names(cls) -> list[str]:
        return [s.name for s in cls.specs()]

    def applies(self, name: str) -> bool:
        """Whether parameter ``name`` matters under the other values (see :attr:`Spec.applies`)."""
        return all(getattr(self, key) in values for key, values in self.spec(name).applies)

    # -- building ------------------------------------------------------------
    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None = None, **more: Any):
        """Build from a mapping whose values may be Python objects or text."""
        merged = {**(values or {}), **more}
        kwargs = {}
        for name, value in merged.items():
            spec = cls.spec(name, value)
            kwargs[name] = spec.parse(value) if isinstance(value, str) else spec.coerce(value)
        return cls(**kwargs)

    def replace(self, **changes: Any):
        """A new, validated parameter set; ``self`` is left as it was."""
        current = {s.name: getattr(self, s.name) for s in self.specs()}
        for name, value in changes.items():
            spec = self.spec(name, value)
            current[name] = spec.parse(value) if isinstance(value, str) else spec.coerce(value)
        return type(self)(**current)

    def changed(self, other: "ParamSet") -> list[str]:
        """Names whose values differ between ``self`` and ``other``."""
        out = []
        for s in self.specs():
            a, b = getattr(self, s.name), getattr(other, s.name)
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                same = (a is None) == (b is None) and (
                    a is None or (np.shape(a) == np.shape(b) and np.array_equal(a, b))
                )
            else:
                same = a == b
            if not same:
                out.append(s.name)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable values (arrays become nested lists)."""
        return {s.name: s.to_json(getattr(self, s.name)) for s in self.specs()}

    def __repr__(self) -> str:
        inner = ", ".join(f"{s.name}={s.format(getattr(self, s.name))}" for s in self.specs())
        return f"{type(self).__name__}({inner})"
