"""What a sweep is: one or two parameters over values, the rest held, metrics, repeats, seeds.

:func:`build_sweep` checks everything before a single run starts, with one
:class:`~mechgui.engine.ParameterError` per mistake (an unknown parameter, one that does
not apply, a bad range, an unknown metric), so the CLI and the window refuse the same
things with the same line.  An axis is written as the CLI's ``--vary`` takes it::

    epsilon=0.01:0.5:50        50 values from 0.01 to 0.5, evenly spaced
    learning_rate=1e-4:1e-1:7:log   7 values, evenly spaced on a log scale
    topology=rectangular,hexagonal  a list

Every run's seed is derived from the sweep's seed, the point's values and the repeat
(:func:`derive_seed`), so the numbers do not depend on who runs it or in what order.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mechgui.engine import ParameterError, ParamSet, params_class
from mechgui.engine.metrics import find_metric, metrics_for
from mechgui.engine.params import ArraySpec, NumberSpec, Spec, check_seed

from .inputs import InputMaker, maker_named, makers_for
from .task import Run

__all__ = [
    "MAX_AXES",
    "MAX_POINTS",
    "MAX_REPEATS",
    "MAX_RUNS",
    "VARY_FORMS",
    "Axis",
    "Sweep",
    "build_sweep",
    "derive_seed",
    "parse_vary",
]

VARY_FORMS = "expected KEY=START:STOP:N, KEY=START:STOP:N:log or KEY=v1,v2,…"
MAX_AXES = 2
#: Values on one axis, runs in one sweep, repeats of one point.
MAX_POINTS = 10_000
MAX_RUNS = 1_000_000
MAX_REPEATS = 10_000
MAX_STEPS = 10 ** 9
#: Significant digits a range's values keep (0.060000000000000005 becomes 0.06).
DIGITS = 12


@dataclass(frozen=True)
class Axis:
    """One varied parameter: its values, how each is written, and its scale."""

    name: str
    label: str
    values: tuple[Any, ...]
    texts: tuple[str, ...]
    scale: str  # "linear", "log" or "list"
    numeric: bool

    def __len__(self) -> int:
        return len(self.values)


def parse_vary(text: str) -> tuple[str, str]:
    """``"KEY=…"`` split into the key and the values' text."""
    if not isinstance(text, str):
        raise ParameterError("vary", text, VARY_FORMS)
    key, sep, raw = text.partition("=")
    if not sep or not key.strip() or not raw.strip():
        raise ParameterError("vary", text, VARY_FORMS)
    return key.strip(), raw.strip()


def _range_values(spec: NumberSpec, raw: str) -> tuple[list[Any], str]:
    parts = [p.strip() for p in raw.split(":")]
    log = len(parts) == 4 and parts[3].lower() == "log"
    if len(parts) not in (3, 4) or (len(parts) == 4 and not log):
        raise ParameterError(spec.name, raw, VARY_FORMS)
    start, stop = spec.parse(parts[0]), spec.parse(parts[1])
    if start is None or stop is None:
        raise ParameterError(spec.name, raw, "expected numbers for START and STOP")
    if not parts[2].isdigit() or not 1 <= int(parts[2]) <= MAX_POINTS:
        raise ParameterError(spec.name, raw, f"expected N, the number of values, in [1, {MAX_POINTS}]")
    n = int(parts[2])
    if log and (start <= 0 or stop <= 0):
        raise ParameterError(spec.name, raw, "expected START and STOP > 0 on a log scale")
    grid = np.geomspace(start, stop, n) if log else np.linspace(start, stop, n)
    if spec.integer:
        values = [int(v) for v in np.rint(grid)]
        if len(set(values)) < n:
            raise ParameterError(spec.name, raw, f"{n} values from {start} to {stop} repeat whole "
                                 "numbers; expected fewer values")
    else:
        values = [float(f"{v:.{DIGITS}g}") for v in grid]
        if len(set(values)) < n:
            raise ParameterError(spec.name, raw, "expected START and STOP apart")
    return [spec.coerce(v) for v in values], "log" if log else "linear"


def _list_values(spec: Spec, raw: str) -> list[Any]:
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items) or len(items) > MAX_POINTS:
        raise ParameterError(spec.name, raw, f"expected up to {MAX_POINTS} values separated by "
                             "commas, none empty")
    values = [spec.parse(item) for item in items]
    texts = [spec.format(v) for v in values]
    if len(set(texts)) < len(texts):
        raise ParameterError(spec.name, raw, "expected each value once")
    return values


def make_axis(spec: Spec, raw: str) -> Axis:
    """The axis ``raw`` describes for the parameter declared by ``spec``."""
    if isinstance(spec, ArraySpec):
        raise ParameterError(spec.name, raw, "a vector or matrix cannot be varied; expected a "
                             "number, choice or flag parameter")
    numeric = isinstance(spec, NumberSpec)
    if ":" in raw:
        if not numeric:
            raise ParameterError(spec.name, raw, "expected a list of values v1,v2,… (a range "
                                 "needs a number parameter)")
        values, scale = _range_values(spec, raw)
    else:
        values, scale = _list_values(spec, raw), "list"
    if numeric and any(v is None for v in values):
        numeric = False
    return Axis(spec.name, spec.display_name, tuple(values),
                tuple(spec.format(v) for v in values), scale, numeric)


def derive_seed(seed: int, point: Sequence[tuple[str, str]], repeat: int) -> int:
    """A run's seed from the sweep's seed, the point (names and values as written) and the
    repeat: the same everywhere (no Python hash randomisation), in [0, 2**63)."""
    text = "|".join([str(seed), *(f"{key}={value}" for key, value in point), str(repeat)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


@dataclass(frozen=True)
class Sweep:
    """A checked sweep: :meth:`run` gives the :class:`~.task.Run` of any point and repeat."""

    model: str
    base: ParamSet
    axes: tuple[Axis, ...]
    metrics: tuple[str, ...]
    repeats: int = 1
    steps: int | None = None
    seed: int = 0
    maker: InputMaker | None = None
    maker_values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(axis) for axis in self.axes)

    @property
    def total(self) -> int:
        """Runs in all: points × repeats."""
        return math.prod(self.shape) * self.repeats

    def points(self) -> Iterator[tuple[int, ...]]:
        """Every point's index (one per axis), in row-major order."""
        return itertools.product(*(range(n) for n in self.shape))

    def runs(self) -> Iterator[Run]:
        """Every run, point by point, each point's repeats together."""
        for index in self.points():
            for repeat in range(self.repeats):
                yield self.run(index, repeat)

    def point_values(self, index: Sequence[int]) -> dict[str, Any]:
        return {axis.name: axis.values[i] for axis, i in zip(self.axes, index)}

    def point_text(self, index: Sequence[int]) -> str:
        return ", ".join(f"{axis.name}={axis.texts[i]}" for axis, i in zip(self.axes, index))

    def seed_of(self, index: Sequence[int], repeat: int) -> int:
        point = [(axis.name, axis.texts[i]) for axis, i in zip(self.axes, index)]
        return derive_seed(self.seed, point, repeat)

    def params_of(self, index: Sequence[int], repeat: int) -> tuple[ParamSet, int]:
        """The full parameters and the seed of one run, as a tab or a script replays it."""
        seed = self.seed_of(index, repeat)
        return _point_params(self, self.point_values(index), seed), seed

    def run(self, index: Sequence[int], repeat: int) -> Run:
        params, seed = self.params_of(index, repeat)
        values = {s.name: getattr(params, s.name) for s in params.specs()}
        return Run(self.model, values, seed, self.steps, self.metrics, tuple(index), repeat)

    def describe(self) -> str:
        """One line for people: what varies, how often, with which seed."""
        axes = " × ".join(f"{a.name} ({len(a)} values)" for a in self.axes)
        plural = "s" if self.repeats != 1 else ""
        return (f"{self.model} sweep over {axes}, {self.repeats} repeat{plural}, "
                f"{self.total} runs, seed {self.seed}")


def _point_params(sweep: Sweep, point: Mapping[str, Any], seed: int) -> ParamSet:
    """The base with the point's model values and, with a maker, the inputs it draws."""
    changes = {k: v for k, v in point.items() if k in sweep.base.names()}
    if sweep.maker is not None:
        mine = {**sweep.maker_values, **{k: v for k, v in point.items() if k not in changes}}
        changes.update(sweep.maker.make(mine, seed))
    return sweep.base.replace(**changes)


def _known(model: str) -> str:
    names = params_class(model).names() + [n for m in makers_for(model) for n in m.names()]
    return "unknown parameter; known: " + ", ".join(names)


def _split(model: str, maker: InputMaker | None, values: Mapping[str, Any]
           ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``values`` split into the model's parameters and the maker's (unknown ones refused)."""
    params = params_class(model)
    own, made = {}, {}
    for key, value in values.items():
        if key in params.names():
            if maker is not None and key in maker.makes:
                raise ParameterError(key, value, f"drawn for each run from {', '.join(maker.names())} "
                                     f"({maker.title}); expected it not set as well")
            own[key] = value
        elif maker is not None and key in maker.names():
            made[key] = value
        else:
            raise ParameterError(key, value, _known(model))
    return own, made


def _check_applies(sweep: Sweep, raws: Mapping[str, str]) -> None:
    """Each point's parameters are valid, and every varied model parameter applies there."""
    model_axes = [a for a in sweep.axes if a.name in sweep.base.names()]
    for index in sweep.points():
        point = sweep.point_values(index)
        try:
            params = _point_params(sweep, point, 0)
        except ParameterError as exc:
            raise ParameterError(exc.name, exc.value,
                                 f"{exc.allowed} (at {sweep.point_text(index)})") from None
        for axis in model_axes:
            if not params.applies(axis.name):
                spec = params.spec(axis.name)
                held = ", ".join(f"{key} is {getattr(params, key)}" for key, _ in spec.applies)
                raise ParameterError(axis.name, raws[axis.name],
                                     f"does not apply here ({held}): it applies only when "
                                     f"{spec.applies_text()}")


def _metric_names(model: str, names: Sequence[str]) -> tuple[str, ...]:
    if not names:
        declared = metrics_for(model)
        if not declared:
            raise ParameterError("model", model, "declares no metrics, so it cannot be swept")
        return tuple(m.name for m in declared)
    return tuple(dict.fromkeys(find_metric(model, name).name for name in names))


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.isdigit() else value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or \
            not low <= value <= high:
        raise ParameterError(name, value, f"expected an integer in [{low}, {high}]")
    return int(value)


def build_sweep(model: str, *, params: Mapping[str, Any] | None = None,
                sets: Mapping[str, Any] | None = None, vary: Sequence[str] = (),
                metrics: Sequence[str] = (), repeats: Any = 1, steps: Any = None,
                seed: Any = 0) -> Sweep:
    """A checked :class:`Sweep` of ``model``: ``params`` held (a preset's or a tab's;
    values an input maker draws are left to it), ``sets`` over them (text or values),
    the ``vary`` axes (one or two), ``metrics`` (default: all), ``repeats`` per point,
    ``steps`` per run (None: until done) and the sweep's ``seed`` (None or "auto":
    drawn, and shown).  Raises :class:`ParameterError`."""
    cls = params_class(model)
    if not vary:
        raise ParameterError("vary", "", "expected one or two parameters to vary, " + VARY_FORMS)
    if len(vary) > MAX_AXES:
        raise ParameterError("vary", ", ".join(map(str, vary)),
                             f"expected at most {MAX_AXES} parameters to vary")
    raws = dict(parse_vary(text) for text in vary)
    if len(raws) < len(vary):
        raise ParameterError("vary", ", ".join(vary), "expected each parameter varied once")
    maker = maker_named(model, [*(params or {}), *(sets or {}), *raws])
    held = {k: v for k, v in (params or {}).items()  # a preset's or a tab's: the maker
            if maker is None or k not in maker.makes}  # draws what it makes afresh
    held.update(sets or {})  # but what the user sets, it must not make
    own, made = _split(model, maker, held)
    _split(model, maker, raws)  # the varied names: known, and not made by the maker
    axes = tuple(make_axis((maker.params if maker and key in maker.names() else cls).spec(key),
                           raw) for key, raw in raws.items())
    if maker is not None:
        made = {k: v for k, v in maker.params.from_mapping(made).to_dict().items()}
        own.update(maker.make(made, 0))
    base = cls.from_mapping(own)
    seed = check_seed(seed)
    sweep = Sweep(model, base, axes, _metric_names(model, metrics),
                  _whole("repeats", repeats, 1, MAX_REPEATS),
                  None if steps is None else _whole("steps", steps, 1, MAX_STEPS),
                  secrets.randbits(62) if seed is None else seed, maker, made)
    if sweep.total > MAX_RUNS:
        raise ParameterError("repeats", sweep.repeats, f"the sweep would make {sweep.total} "
                             f"runs; expected at most {MAX_RUNS}")
    _check_applies(sweep, raws)
    return sweep
