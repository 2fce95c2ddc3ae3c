"""Where the GAN's batches come from: noise z ~ p_z and real samples, drawn from the run's
generator in large pools, and the change to the networks' coordinates."""

from __future__ import annotations

import torch

from .params import GANParams
from .passes import Pools, joined
from .targets import Target

__all__ = ["Sampling", "POOL_ROWS"]

#: Real samples / noise rows drawn at once from the run's generator.  Every refill (a few
#: tensor operations in Python) retakes Python's lock, which can mean waiting behind a
#: window's drawing code: pools are large, so refills are rare.
POOL_ROWS = 65536


class Sampling:
    """Mixed into :class:`~.model.GAN`: the sample pools and the coordinates.

    Uses the host's ``params``, ``target``, ``dim``, ``conditional``, ``device``, ``gen``
    (the run's generator), ``_shift``, ``_scale`` and ``_identity_coords``.
    """

    params: GANParams
    target: Target
    dim: int
    conditional: bool
    device: torch.device
    gen: torch.Generator

    def _clear_pools(self) -> None:
        self._real_pool: tuple[torch.Tensor, torch.Tensor | None] | None = None
        self._real_at = 0
        self._noise_pool: torch.Tensor | None = None
        self._noise_at = 0

    def _noise(self, n: int, gen: torch.Generator | None = None) -> torch.Tensor:
        """n rows of noise from p_z, from ``gen`` (default: the run's generator)."""
        gen = self.gen if gen is None else gen
        shape = (n, self.params.noise_dim)
        if self.params.noise == "gaussian":
            return torch.randn(shape, generator=gen, device=self.device)
        return torch.rand(shape, generator=gen, device=self.device) * 2.0 - 1.0

    # -- coordinates -----------------------------------------------------------
    def _to_net(self, x: torch.Tensor) -> torch.Tensor:
        """Data coordinates to the networks' (the way back, x·scale + shift, is part of
        the frame passes)."""
        if self._identity_coords:
            return x
        return (x - self._shift) / self._scale

    # G's input (noise z) and D's (samples x), each beside the cGAN's conditions c if any.
    _g_in = staticmethod(joined)
    _d_in = staticmethod(joined)

    # -- the pools -------------------------------------------------------------
    def _refill_real(self, n: int) -> None:
        """A fresh pool of real samples (network coordinates) and, for the cGAN, conditions."""
        rows = max(POOL_ROWS, n)
        if self.conditional:
            x, c = self.target.sample_pairs(rows, self.gen)  # type: ignore[attr-defined]
            self._real_pool = (self._to_net(x), c)
        else:
            self._real_pool = (self._to_net(self.target.sample(rows, self.gen)), None)
        self._real_at = 0

    def _refill_noise(self, n: int) -> None:
        """A fresh pool of training noise z ~ p_z."""
        self._noise_pool = self._noise(max(POOL_ROWS, n))
        self._noise_at = 0

    def _real_batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """n real samples (network coordinates) and, for the cGAN, their conditions c(M(x))."""
        if self._real_pool is None or self._real_at + n > len(self._real_pool[0]):
            self._refill_real(n)
        at = self._real_at
        self._real_at = at + n
        x, c = self._real_pool
        return x[at:at + n], (None if c is None else c[at:at + n])

    def _train_noise(self, n: int) -> torch.Tensor:
        """n rows of training noise z ~ p_z."""
        if self._noise_pool is None or self._noise_at + n > len(self._noise_pool):
            self._refill_noise(n)
        at = self._noise_at
        self._noise_at = at + n
        return self._noise_pool[at:at + n]

    def _pools(self) -> Pools:
        """The pools as the whole-iteration pass takes them (empty ones before the first draw)."""
        if self._real_pool is None:
            real = torch.empty(0, self.dim, device=self.device)
            conditions = torch.empty(0, self.target.condition_dim, device=self.device) \
                if self.conditional else None
        else:
            real, conditions = self._real_pool
        noise = self._noise_pool
        if noise is None:
            noise = torch.empty(0, self.params.noise_dim, device=self.device)
        return Pools(real, conditions, noise)

