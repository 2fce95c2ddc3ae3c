"""The encoder and the decoder (MLPs, seeded), the reparameterisation trick and the loss.

The plain autoencoder codes an image x as z = E(x); the VAE's encoder gives μ(x) and
log σ²(x), and the code is sampled as z = μ + σ·ε with ε ~ N(0, I) (the reparameterisation
trick: the noise is an input, so the gradient flows through μ and σ).  The decoder gives
the logits of the pixels, D(z).  Per image, averaged over the minibatch:

    reconstruction = − Σ_pixels [x log x̂ + (1 − x) log(1 − x̂)],   x̂ = sigmoid(D(z))
    KL             = ½ Σ_i (μ_i² + σ_i² − log σ_i² − 1)           (KL(N(μ, σ²) ‖ N(0, I)))
    loss           = reconstruction + β · KL                        (the VAE; the AE: β·KL absent)
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ..gan.networks import build_mlp, init_mlp
from .params import AutoencoderParams

__all__ = ["LOG_VARIANCE_LIMITS", "Coder"]

#: log σ² is kept in this range: σ from e⁻⁸ to e⁴ (a β = 0 run drives σ to zero).
LOG_VARIANCE_LIMITS = (-16.0, 8.0)


class Coder:
    """Encoder and decoder of one run, built and initialised from ``gen`` (encoder first)."""

    def __init__(self, p: AutoencoderParams, pixels: int, gen: torch.Generator) -> None:
        self.variational = p.variational
        self.latent_dim = p.latent_dim
        outputs = p.latent_dim * (2 if p.variational else 1)
        self.encoder = build_mlp(pixels, outputs, p.hidden_layers, p.hidden_units, p.activation)
        self.decoder = build_mlp(p.latent_dim, pixels, p.hidden_layers, p.hidden_units,
                                 p.activation)
        init_mlp(self.encoder, gen)
        init_mlp(self.decoder, gen)

    def parameters(self) -> list[nn.Parameter]:
        return [*self.encoder.parameters(), *self.decoder.parameters()]

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(μ, log σ²) for the VAE; (z, None) for the plain autoencoder."""
        h = self.encoder(x)
        if not self.variational:
            return h, None
        d = self.latent_dim
        return h[:, :d], h[:, d:].clamp(*LOG_VARIANCE_LIMITS)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images (pixels in [0, 1]) from codes."""
        return torch.sigmoid(self.decoder(z))

    def losses(self, x: torch.Tensor, gen: torch.Generator, beta: float
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(loss, reconstruction, KL) of the minibatch ``x``, each per image; KL is None for
        the plain autoencoder.  The VAE's noise ε is drawn from ``gen``."""
        mu, log_var = self.encode(x)
        n = x.shape[0]
        if log_var is None:
            z, kl = mu, None
        else:
            eps = torch.randn(mu.shape, generator=gen, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * log_var) * eps
            kl = 0.5 * (mu * mu + log_var.exp() - log_var - 1.0).sum() / n
        reconstruction = F.binary_cross_entropy_with_logits(self.decoder(z), x,
                                                            reduction="sum") / n
        loss = reconstruction if kl is None else reconstruction + beta * kl
        return loss, reconstruction, kl
