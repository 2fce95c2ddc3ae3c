"""Presets: named parameter sets stored as data in ``resources/presets/MODEL.json``.

A preset file maps a preset name to an object with ``title``, ``description``
(what the lecture shows with it), ``params`` and optionally ``seed``::

    {"fausett-4.1": {"title": "Example 4.1", "description": "...",
                     "params": {"epsilon": 0.2, "activations": [0.2, 0.4, 0.6, 0.8]}}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .params import ParameterError
from .resources import resource_path

__all__ = ["Preset", "presets", "load_preset"]


@dataclass(frozen=True)
class Preset:
    """One named configuration of a model, e.g. a worked example of the seed."""

    model: str
    name: str
    title: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None


@lru_cache(maxsize=None)
def _load(model: str) -> dict[str, Preset]:
    path: Path = resource_path("presets", f"{model}.json")
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: Preset(model=model, name=name, title=entry.get("title", name),
                     description=entry.get("description", ""),
                     params=dict(entry.get("params", {})), seed=entry.get("seed"))
        for name, entry in raw.items()
    }


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
