"""The autoencoder against the VAE (torch): ``mechgui.engine.autoencoder:Autoencoder``, its
parameters ``…autoencoder.params:AutoencoderParams``.

Importing this package does not import torch: :class:`Autoencoder` loads on first use
(PEP 562), so a window builds the form without waiting for torch.

``params``    the parameters (no torch)
``networks``  the encoder, the decoder, the reparameterisation trick and the loss
``model``     the simulation: one step is one minibatch update; snapshots, decode, interpolate
"""

from __future__ import annotations

import importlib
from typing import Any

from .params import AutoencoderParams

__all__ = ["Autoencoder", "AutoencoderParams"]


def __getattr__(name: str) -> Any:
    if name == "Autoencoder":
        value = importlib.import_module(".model", __name__).Autoencoder
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
