"""mechgui's numeric engine: pure numpy/torch, no Qt.

>>> from mechgui import engine
>>> net = engine.create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
>>> net.step(5)
5
>>> round(net.snapshot()["activations"][3], 3)
0.421

Models are looked up by name (:data:`MODELS`) and imported on first use, so
creating a MaxNet never imports torch.
"""

from __future__ import annotations

import importlib
from typing import Any

from .base import Simulation, freeze, to_jsonable
from .params import ParameterError, ParamSet
from .presets import Preset, load_preset, presets

__all__ = [
    "MODELS",
    "ParameterError",
    "ParamSet",
    "Preset",
    "Simulation",
    "create",
    "freeze",
    "load_preset",
    "model_class",
    "presets",
    "to_jsonable",
]

#: Registry: model name -> "module:Class" (imported lazily).
MODELS: dict[str, str] = {
    "maxnet": "mechgui.engine.maxnet:MaxNet",
    "mexican_hat": "mechgui.engine.mexican_hat:MexicanHat",
    "hamming": "mechgui.engine.hamming:HammingNet",
    "som": "mechgui.engine.som:SOM",
    "gan": "mechgui.engine.gan:GAN",
}


def _unknown_model(model: Any) -> ParameterError:
    return ParameterError("model", model, "expected one of " + ", ".join(MODELS))


def model_class(model: str) -> type[Simulation]:
    """The :class:`Simulation` subclass registered under ``model``."""
    try:
        target = MODELS[model]
    except (KeyError, TypeError):
        raise _unknown_model(model) from None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)


def create(model: str, *, seed: int | None = None, **params: Any) -> Simulation:
    """Build any mechanism by name; invalid parameters raise :class:`ParameterError`.

    Values may be Python objects or the text forms the CLI accepts
    (``"0.2,0.4"`` for a vector, ``"1,-1;-1,1"`` for a matrix).
    """
    cls = model_class(model)
    return cls(cls.Params.from_mapping(params), seed=seed)
