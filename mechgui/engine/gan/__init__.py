"""The GAN engine (torch): ``mechgui.engine.gan:GAN``.

Importing this package imports torch; the other models never do.
"""

from .engine import DIVERGED, GAN, GANParams, ModelFileError
from .metrics import js_divergence, mode_coverage, optimal_discriminator

__all__ = ["GAN", "GANParams", "DIVERGED", "ModelFileError", "js_divergence", "mode_coverage",
           "optimal_discriminator"]
