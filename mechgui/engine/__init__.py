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
from dataclasses import dataclass
from typing import Any

from .base import Simulation, freeze, to_jsonable
from .params import ParameterError, ParamSet
from .presets import Preset, load_preset, presets

__all__ = [
    "MODELS",
    "Model",
    "ParameterError",
    "ParamSet",
    "Preset",
    "Simulation",
    "create",
    "freeze",
    "load_preset",
    "model_class",
    "model_title",
    "params_class",
    "presets",
    "to_jsonable",
]

@dataclass(frozen=True)
class Model:
    """A registry entry: where a mechanism's simulation and its parameters live.

    ``params`` names a module that imports neither torch nor numba, so that a window
    can build a form for a model without waiting for its engine's libraries.
    """

    name: str
    title: str
    simulation: str  # "module:Class"
    params: str      # "module:Class"
    #: Where its metrics are declared ("module:NAME" of a tuple of Metric), or "" if none.
    metrics: str = ""


#: Registry: model name -> entry (modules are imported on first use).
MODELS: dict[str, Model] = {m.name: m for m in (
    Model("maxnet", "MaxNet", "mechgui.engine.maxnet:MaxNet", "mechgui.engine.maxnet:MaxNetParams",
          "mechgui.engine.maxnet:METRICS"),
    Model("mexican_hat", "Mexican Hat", "mechgui.engine.mexican_hat:MexicanHat",
          "mechgui.engine.mexican_hat:MexicanHatParams", "mechgui.engine.mexican_hat:METRICS"),
    Model("hamming", "Hamming net", "mechgui.engine.hamming:HammingNet",
          "mechgui.engine.hamming:HammingParams", "mechgui.engine.hamming:METRICS"),
    Model("som", "Kohonen SOM", "mechgui.engine.som:SOM", "mechgui.engine.som.params:SOMParams",
          "mechgui.engine.som.metrics:METRICS"),
    Model("gan", "GAN", "mechgui.engine.gan:GAN", "mechgui.engine.gan.params:GANParams",
          "mechgui.engine.gan.measures:METRICS"),
    Model("lvq", "LVQ", "mechgui.engine.lvq:LVQ", "mechgui.engine.lvq.params:LVQParams",
          "mechgui.engine.lvq.params:METRICS"),
    Model("counterpropagation", "Counterpropagation",
          "mechgui.engine.counterpropagation:Counterpropagation",
          "mechgui.engine.counterpropagation:CounterpropagationParams",
          "mechgui.engine.counterpropagation:METRICS"),
    Model("art1", "ART1", "mechgui.engine.art1:ART1", "mechgui.engine.art1:ART1Params",
          "mechgui.engine.art1:METRICS"),
    Model("autoencoder", "Autoencoder", "mechgui.engine.autoencoder:Autoencoder",
          "mechgui.engine.autoencoder.params:AutoencoderParams",
          "mechgui.engine.autoencoder.params:METRICS"),
)}


def _entry(model: Any) -> Model:
    try:
        return MODELS[model]
    except (KeyError, TypeError):
        raise ParameterError("model", model, "expected one of " + ", ".join(MODELS)) from None


def _load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def model_class(model: str) -> type[Simulation]:
    """The :class:`Simulation` subclass registered under ``model`` (imports its engine)."""
    return _load(_entry(model).simulation)


def params_class(model: str) -> type[ParamSet]:
    """The parameter declarations of ``model``, without importing its engine."""
    return _load(_entry(model).params)


def model_title(model: str) -> str:
    """The model's name for people, e.g. "Kohonen SOM"."""
    return _entry(model).title


def create(model: str, *, seed: int | None = None, **params: Any) -> Simulation:
    """Build any mechanism by name; invalid parameters raise :class:`ParameterError`.

    Values may be Python objects or the text forms the CLI accepts
    (``"0.2,0.4"`` for a vector, ``"1,-1;-1,1"`` for a matrix).
    """
    cls = model_class(model)
    return cls(cls.Params.from_mapping(params), seed=seed)
