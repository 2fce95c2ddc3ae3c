"""The view choices a workspace keeps for each tab (the SOM's colouring, the GAN's layers …),
declared here so that a file's are checked when it is read, in one place with the rest, and
a tab only ever receives choices it can take.  The tabs' ``view_state`` and
``load_view_state`` use the same names (a test holds them to it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["GAN_LAYERS", "SOM_COLOURINGS", "VIEW_CHOICES", "check_view"]

#: The SOM map's colourings besides "component k" (k = 1 … :data:`MAX_COMPONENT`).
SOM_COLOURINGS = ("U-matrix", "hit count", "quantization error")
MAX_COMPONENT = 1000
#: The GAN's 2-D layers, by key.
GAN_LAYERS = ("heatmap", "real", "generated", "manifold", "arrows")


class Refused(ValueError):
    """A view choice that is not allowed; the message says what is."""


@dataclass(frozen=True)
class _Switch:
    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise Refused("expected true or false")
        return value


@dataclass(frozen=True)
class _Whole:
    low: int
    high: int

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) \
                or not self.low <= value <= self.high:
            raise Refused(f"expected a whole number in [{self.low}, {self.high}]")
        return value


@dataclass(frozen=True)
class _OneOf:
    values: tuple[str, ...]

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.values:
            raise Refused("expected one of " + ", ".join(self.values))
        return value


@dataclass(frozen=True)
class _Colouring:
    def check(self, value: Any) -> str:
        if isinstance(value, str):
            match = re.fullmatch(r"component ([1-9][0-9]{0,3})", value)
            if value in SOM_COLOURINGS or (match and int(match[1]) <= MAX_COMPONENT):
                return value
        raise Refused("expected one of " + ", ".join(SOM_COLOURINGS) +
                      f", or component k (k from 1 to {MAX_COMPONENT})")


@dataclass(frozen=True)
class _Switches:
    keys: tuple[str, ...]

    def check(self, value: Any) -> dict[str, bool]:
        if not isinstance(value, Mapping):
            raise Refused("expected a table of true or false for " + ", ".join(self.keys))
        unknown = [k for k in value if k not in self.keys]
        if unknown or not all(isinstance(v, bool) for v in value.values()):
            raise Refused("expected true or false for some of " + ", ".join(self.keys))
        return dict(value)


#: Each tab's view choices: name -> what is allowed.  A tab not listed has none.
VIEW_CHOICES: dict[str, dict[str, Any]] = {
    "som": {"step": _OneOf(("sample", "epoch")), "colouring": _Colouring(),
            "labels": _Switch(), "glyphs": _Switch(), "trace": _Switch()},
    "gan": {"layers": _Switches(GAN_LAYERS), "updates_per_press": _Whole(1, 1000)},
    "autoencoder": {"prior_samples": _Switch(), "decoder_map": _Switch(),
                    "interpolate_from": _Whole(0, 9), "interpolate_to": _Whole(0, 9)},
}


def check_view(model: str, raw: Any) -> tuple[dict[str, Any], list[str]]:
    """The choices of ``raw`` that ``model``'s tab takes, and a line for each refused one."""
    if not isinstance(raw, Mapping):
        return {}, ["expected a table of view choices"]
    known = VIEW_CHOICES.get(model, {})
    accepted: dict[str, Any] = {}
    refused: list[str] = []
    for key, value in raw.items():
        if key not in known:
            names = ", ".join(known) if known else "none"
            refused.append(f"{key}: not a view choice of this tab (it has: {names})")
            continue
        try:
            accepted[key] = known[key].check(value)
        except Refused as exc:
            refused.append(f"{key} = {_brief(value)} is not allowed: {exc}")
    return accepted, refused


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"
