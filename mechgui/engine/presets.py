"""Presets: named parameter sets stored as data in ``resources/presets/MODEL.json``.

A preset file maps a preset name to an object with ``title``, ``description``
(what the lecture shows with it), ``params``, and optionally ``seed`` and ``speed``
(steps per second to play it at, or ``"max"``)::

    {"fausett-4.1": {"title": "Example 4.1", "description": "...", "speed": 1,
                     "params": {"epsilon": 0.2, "activations": [0.2, 0.4, 0.6, 0.8]}}}

A malformed file is refused with one line naming the file, the preset and what is wrong.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .params import ParameterError
from .resources import resource_path

__all__ = ["Preset", "presets", "load_preset", "MAX_SPEED", "preset_from_entry"]

#: ``speed`` meaning "as fast as possible" (the JSON's ``"max"``).
MAX_SPEED = 0.0
#: Largest preset file read (a preset is a few lines; this bounds a hostile one).
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Preset:
    """One named configuration of a model, e.g. a worked example of the chapter 4 notes."""

    model: str
    name: str
    title: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    #: Steps per second to start playing at; None: the tab's own default.
    speed: float | None = None


def _malformed(where: str, what: str) -> ParameterError:
    return ParameterError("preset", where, f"malformed: {what}")


def preset_from_entry(model: str, name: str, entry: Any, where: str) -> Preset:
    """A :class:`Preset` from one entry of a preset file; ``where`` names it in errors."""
    if not isinstance(entry, dict):
        raise _malformed(where, "expected an object with title, description and params")
    title, description = entry.get("title", name), entry.get("description", "")
    if not isinstance(title, str) or not isinstance(description, str):
        raise _malformed(where, "title and description must be text")
    params = entry.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
        raise _malformed(where, "params must be an object of parameter values")
    seed = entry.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)
                             or not 0 <= seed < 2 ** 63):
        raise _malformed(where, "seed must be a whole number >= 0")
    speed = entry.get("speed")
    if speed == "max":
        speed = MAX_SPEED
    elif speed is not None and (isinstance(speed, bool) or not isinstance(speed, (int, float))
                                or not math.isfinite(speed) or speed <= 0 or speed > 1e6):
        raise _malformed(where, 'speed must be steps per second in (0, 1000000] or "max"')
    return Preset(model=model, name=name, title=title, description=description,
                  params=dict(params), seed=seed,
                  speed=None if speed is None else float(speed))


@lru_cache(maxsize=None)
def _load(model: str) -> dict[str, Preset]:
    path: Path = resource_path("presets", f"{model}.json")
    if not path.is_file():
        return {}
    where = path.name
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _malformed(where, f"larger than {MAX_FILE_BYTES} bytes")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _malformed(where, f"not readable JSON ({type(exc).__name__})") from None
    if not isinstance(raw, dict):
        raise _malformed(where, "expected an object mapping preset names to presets")
    return {name: preset_from_entry(model, name, entry, f"{where}: {name}")
            for name, entry in raw.items()}


def presets(model: str) -> dict[str, Preset]:
    """All presets of ``model``, in file order."""
    return dict(_load(model))


def load_preset(model: str, name: str) -> Preset:
    """The preset ``name`` of ``model``; unknown names raise :class:`ParameterError`."""
    available = _load(model)
    if name not in available:
        allowed = ("expected one of " + ", ".join(available)) if available else \
            f"model {model!r} has no presets"
        raise ParameterError("preset", name, allowed)
    return available[name]
