"""The GAN (torch): ``mechgui.engine.gan:GAN``, its parameters ``…gan.params:GANParams``.

Importing this package does not import torch: :class:`GAN` and the names that need
torch are loaded on first use (PEP 562), so a window can build the parameter form
without waiting for torch.

``params``     the parameters and the names they choose from (no torch)
``model``      the GAN class: reset, the two passes, steps, divergence, live changes
``networks``   the MLPs, their seeded initialisation, the device, the optimisers
``passes``     the training passes' interface (compiled with TorchScript or not)
``compiled``   the passes' arithmetic, written for TorchScript
``sampling``   noise and real samples, drawn in pools
``frames``     what a snapshot shows: cheap views and costly detail
``explain``    the last losses in their parts and D at a chosen point (``probe``)
``modelfile``  save and load
``targets``    the target distributions; ``metrics`` the measures of fit (numpy)
``images``     the digits as a target, the classifier's reading of the samples, nearest images
``image_networks``, ``image_passes``, ``image_frames``  the convolutional pair, its passes
               (autograd), and what a snapshot of images shows
"""

from __future__ import annotations

import importlib
from typing import Any

from .metrics import js_divergence, mode_coverage, optimal_discriminator
from .params import GANParams

__all__ = ["GAN", "GANParams", "DIVERGED", "ModelFileError", "js_divergence", "mode_coverage",
           "optimal_discriminator", "use_training_threads"]

_LAZY = {"GAN": ".model", "DIVERGED": ".model", "ModelFileError": ".modelfile",
         "use_training_threads": ".networks"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
