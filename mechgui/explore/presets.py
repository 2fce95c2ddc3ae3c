"""Sweep presets: whole sweeps that answer the course's questions, stored as data.

``resources/sweeps/MODEL.json`` maps a name to a sweep: ``title``, ``description``, an
optional model ``preset`` to start from, ``params`` held (model or input-maker
parameters), ``vary`` (one or two ``--vary`` texts), ``metrics``, ``repeats``, ``steps``,
``seed``, and optional ``guides``, curves drawn over the plot (each a ``label``, ``x`` and
``y``: MaxNet's ε = 1/m; with ``y`` empty, a vertical line at each ``x``).  Their names differ from the model's own presets, so the CLI's
``--preset`` takes either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from mechgui.engine import ParameterError, load_preset
from mechgui.engine.resources import resource_path

from .spec import Sweep, build_sweep

__all__ = ["Guide", "SweepPreset", "load_sweep_preset", "sweep_presets"]

MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Guide:
    """A curve drawn over a sweep's plot, e.g. ε = 1/m (no ``y``: vertical lines at ``x``)."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]


@dataclass(frozen=True)
class SweepPreset:
    """A named sweep of one model (see the module's description of the file)."""

    model: str
    name: str
    title: str
    description: str
    vary: tuple[str, ...]
    preset: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    metrics: tuple[str, ...] = ()
    repeats: int = 1
    steps: int | None = None
    seed: int = 0
    guides: tuple[Guide, ...] = ()

    def held(self) -> dict[str, Any]:
        """The parameters held: the model preset's, then this sweep's own."""
        base = dict(load_preset(self.model, self.preset).params) if self.preset else {}
        base.update(self.params)
        return base

    def build(self, *, sets: Mapping[str, Any] | None = None, vary: Sequence[str] = (),
              metrics: Sequence[str] = (), repeats: Any = None, steps: Any = None,
              seed: Any = None) -> Sweep:
        """The sweep, with any of its settings replaced (the CLI's flags win)."""
        return build_sweep(self.model, params=self.held(), sets=sets, vary=vary or self.vary,
                           metrics=metrics or self.metrics,
                           repeats=self.repeats if repeats is None else repeats,
                           steps=self.steps if steps is None else steps,
                           seed=self.seed if seed is None else seed)


def _malformed(where: str, what: str) -> ParameterError:
    return ParameterError("sweep preset", where, f"malformed: {what}")


def _texts(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _malformed(where, f"{key} must be a list of texts")
    return tuple(value)


def _guides(raw: Any, where: str) -> tuple[Guide, ...]:
    if not isinstance(raw, list):
        raise _malformed(where, "guides must be a list")
    return tuple(_guide(item, where) for item in raw)


def _guide(raw: Any, where: str) -> Guide:
    try:
        guide = Guide(str(raw["label"]), tuple(map(float, raw["x"])), tuple(map(float, raw["y"])))
    except (KeyError, TypeError, ValueError):
        raise _malformed(where, "guide must have a label and lists x and y of numbers") from None
    if guide.y and len(guide.x) != len(guide.y):
        raise _malformed(where, "guide's x and y must be as long (or y empty: vertical lines)")
    return guide


def _entry(model: str, name: str, entry: Any, where: str) -> SweepPreset:
    if not isinstance(entry, dict):
        raise _malformed(where, "expected an object with title, description and vary")
    numbers = {key: entry.get(key, default) for key, default in
               (("repeats", 1), ("steps", None), ("seed", 0))}
    for key, value in numbers.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _malformed(where, f"{key} must be a whole number")
    params = entry.get("params", {})
    if not isinstance(params, dict):
        raise _malformed(where, "params must be an object of parameter values")
    return SweepPreset(model, name, str(entry.get("title", name)),
                       str(entry.get("description", "")), _texts(entry, "vary", where),
                       entry.get("preset"), dict(params), _texts(entry, "metrics", where),
                       guides=_guides(entry.get("guides", []), where), **numbers)


@cache
def _load(model: str) -> dict[str, SweepPreset]:
    path = resource_path("sweeps", f"{model}.json")
    if not path.is_file():
        return {}
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _malformed(path.name, f"larger than {MAX_FILE_BYTES} bytes")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _malformed(path.name, f"not readable JSON ({type(exc).__name__})") from None
    if not isinstance(raw, dict):
        raise _malformed(path.name, "expected an object mapping names to sweeps")
    return {name: _entry(model, name, entry, f"{path.name}: {name}") for name, entry in raw.items()}


def sweep_presets(model: str) -> dict[str, SweepPreset]:
    """The sweep presets of ``model``, in file order (none for most models)."""
    return dict(_load(model))


def load_sweep_preset(model: str, name: str) -> SweepPreset:
    """The sweep preset ``name`` of ``model``; an unknown name raises :class:`ParameterError`."""
    found = _load(model)
    if name not in found:
        raise ParameterError("preset", name, "expected one of " + ", ".join(found)
                             if found else f"model {model} has no sweep presets")
    return found[name]
