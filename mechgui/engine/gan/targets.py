"""Target distributions p_data of the GAN: seeded samplers in torch, densities in numpy.

1-D: ``gaussian-1d`` N(μ, σ²) (the toy-GAN report's toy), ``mixture-1d``
½N(μ − 2σ, (σ/2)²) + ½N(μ + 2σ, (σ/2)²).  2-D: ``ring-8`` (8 Gaussians of σ = 0.05 on a circle of
radius 2), ``grid-25`` (25 Gaussians of σ = 0.05 on {−4, −2, 0, 2, 4}²),
``two-moons``, ``spiral`` and ``drawn`` (the user's points, sampled with
replacement).  ``rosenbrock`` is the conditional problem of the GAN seminar, see
:class:`RosenbrockTarget`; ``digits`` the 8 × 8 handwritten digits (:mod:`.images`).

Every target knows its ``bounds`` (the box the panel draws, also the grid of the
JS histogram), its mode ``centres`` and ``mode_std`` when it is a mixture, and a
``shift``/``scale`` that bring the data to roughly unit size for the networks.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .params import ROSENBROCK_PRIOR, TARGETS_1D, observation_window, rosenbrock, rosenbrock_probe

__all__ = ["Target", "RosenbrockTarget", "make_target", "rosenbrock", "TARGETS_1D"]

MODE_STD = 0.05


class Target:
    """A distribution p_data to imitate; ``sample`` draws from it with a torch generator."""

    conditional = False
    #: Columns of the condition beside a conditional target's samples (0: none).
    condition_dim = 0

    def __init__(self, name: str, dim: int, bounds: np.ndarray, *, centres: np.ndarray | None = None,
                 mode_std: float | None = None, shift: np.ndarray | None = None,
                 scale: float = 1.0) -> None:
        self.name = name
        self.dim = dim
        self.bounds = np.asarray(bounds, dtype=float).reshape(dim, 2)
        self.centres = None if centres is None else np.asarray(centres, dtype=float).reshape(-1, dim)
        self.mode_std = mode_std
        self.shift = np.zeros(dim) if shift is None else np.asarray(shift, dtype=float)
        self.scale = float(scale)
        self.device = torch.device("cpu")
        self._centres_t: torch.Tensor | None = None

    def to(self, device: torch.device) -> "Target":
        self.device = device
        if self.centres is not None:
            self._centres_t = torch.as_tensor(self.centres, dtype=torch.float32, device=device)
        return self

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def density(self, x: np.ndarray) -> np.ndarray | None:
        """p_data on the points ``x`` (1-D targets only; None where it has no closed form)."""
        return None

    def _mixture(self, n: int, std: float, gen: torch.Generator) -> torch.Tensor:
        assert self._centres_t is not None
        idx = torch.randint(len(self._centres_t), (n,), generator=gen, device=self.device)
        noise = torch.randn(n, self.dim, generator=gen, device=self.device)
        return self._centres_t[idx] + std * noise


def _normal_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


class Gaussian1D(Target):
    """N(μ, σ²) on the line."""

    def __init__(self, mean: float, std: float) -> None:
        half = max(5.0 * std, 1.0)
        super().__init__("gaussian-1d", 1, [[mean - half, mean + half]],
                         scale=max(abs(mean) + 2 * std, 1.0) / 2)
        self.mean, self.std = mean, std

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        return self.mean + self.std * torch.randn(n, 1, generator=gen, device=self.device)

    def density(self, x: np.ndarray) -> np.ndarray:
        return _normal_pdf(np.asarray(x, dtype=float), self.mean, self.std)


class Mixture1D(Target):
    """½ N(μ − 2σ, (σ/2)²) + ½ N(μ + 2σ, (σ/2)²): two modes 8 component-σ apart."""

    def __init__(self, mean: float, std: float) -> None:
        centres = np.array([[mean - 2 * std], [mean + 2 * std]])
        half = max(4.0 * std, 1.0)
        super().__init__("mixture-1d", 1, [[mean - half, mean + half]], centres=centres,
                         mode_std=std / 2, scale=max(abs(mean) + 3 * std, 1.0) / 2)

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        return self._mixture(n, self.mode_std, gen)

    def density(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return 0.5 * sum(_normal_pdf(x, c, self.mode_std) for c in self.centres[:, 0])


class Ring8(Target):
    """Eight Gaussians (σ = 0.05) evenly spaced on the circle of radius 2."""

    def __init__(self) -> None:
        angles = 2 * np.pi * np.arange(8) / 8
        centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
        super().__init__("ring-8", 2, [[-2.6, 2.6], [-2.6, 2.6]], centres=centres,
                         mode_std=MODE_STD, scale=1.0)

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        return self._mixture(n, self.mode_std, gen)


class Grid25(Target):
    """Twenty-five Gaussians (σ = 0.05) on the grid {−4, −2, 0, 2, 4}²."""

    def __init__(self) -> None:
        ticks = np.arange(-4.0, 4.1, 2.0)
        centres = np.array([[x, y] for x in ticks for y in ticks])
        super().__init__("grid-25", 2, [[-5.0, 5.0], [-5.0, 5.0]], centres=centres,
                         mode_std=MODE_STD, scale=2.0)

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        return self._mixture(n, self.mode_std, gen)


class TwoMoons(Target):
    """Two interleaved half circles of radius 1 (noise σ = 0.05), centred at the origin."""

    def __init__(self) -> None:
        super().__init__("two-moons", 2, [[-1.9, 1.9], [-1.4, 1.4]], scale=1.0)

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        t = math.pi * torch.rand(n, generator=gen, device=self.device)
        upper = torch.rand(n, generator=gen, device=self.device) < 0.5
        x = torch.where(upper, torch.cos(t), 1.0 - torch.cos(t)) - 0.5
        y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t)) - 0.25
        noise = 0.05 * torch.randn(n, 2, generator=gen, device=self.device)
        return torch.stack([x, y], dim=1) + noise


class Spiral(Target):
    """An Archimedean spiral r ∝ θ over one and a half turns (noise σ = 0.04)."""

    def __init__(self) -> None:
        super().__init__("spiral", 2, [[-1.3, 1.3], [-1.3, 1.3]], scale=1.0)

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        u = torch.sqrt(torch.rand(n, generator=gen, device=self.device))  # even along the arc
        theta = 3.0 * math.pi * u
        r = theta / (3.0 * math.pi)
        noise = 0.04 * torch.randn(n, 2, generator=gen, device=self.device)
        return torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1) + noise


class Drawn(Target):
    """The user's points (an empirical distribution), 1-D or 2-D."""

    def __init__(self, points: np.ndarray) -> None:
        points = np.array(points, dtype=float)
        dim = points.shape[1]
        low, high = points.min(axis=0), points.max(axis=0)
        half = max(float((high - low).max()) / 2, 1e-3)
        pad = 0.25 * half
        centre = (low + high) / 2
        bounds = np.column_stack([low - pad, high + pad])
        bounds = np.column_stack([np.minimum(bounds[:, 0], centre - pad),
                                  np.maximum(bounds[:, 1], centre + pad)])
        super().__init__("drawn", dim, bounds, shift=centre, scale=half)
        self.points = points

    def to(self, device: torch.device) -> "Drawn":
        super().to(device)
        self._points_t = torch.tensor(np.array(self.points), dtype=torch.float32, device=device)
        return self

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        idx = torch.randint(len(self._points_t), (n,), generator=gen, device=self.device)
        return self._points_t[idx]

    def density(self, x: np.ndarray) -> np.ndarray | None:
        if self.dim != 1:
            return None
        from .metrics import gaussian_kde_1d
        return gaussian_kde_1d(self.points[:, 0], x)


class RosenbrockTarget(Target):
    """The stochastic inverse problem of the GAN seminar (Parikh et al. 2020), Fig. 5–6.

    Parameters x = (x₁, x₂) come from a uniform prior q_X on the box
    [−2, 2] × [−1, 3]; the model is y = M(x) (Rosenbrock).  The cGAN learns
    G(z | y) and D(x | y) from pairs (x, M(x)), x ~ q_X.  Observations y follow a
    Gaussian N(obs_mean, obs_std²) truncated to obs_mean ± obs_truncation·obs_std
    (the seminar names the mean, 350; the box, the spread and the truncation are
    this program's choice, as the seminar gives none).

    The condition fed to both networks is c(y) = (log(1 + y) − a)/b, standardised
    over the prior's push-forward.  :meth:`reference_posterior` draws the
    distribution P_X = ∫ p(x | y) P_Y(y) dy the cGAN should produce, by
    importance resampling of the prior with weights P_Y(M(x)) / p_M(M(x)) (a window holding
    too few of the prior sample's model values is refused by :class:`~.params.GANParams`).
    """

    conditional = True
    condition_dim = 1
    PRIOR = ROSENBROCK_PRIOR

    def __init__(self, obs_mean: float, obs_std: float, obs_truncation: float) -> None:
        super().__init__("rosenbrock", 2, self.PRIOR, shift=self.PRIOR.mean(axis=1), scale=2.0)
        self.obs_mean, self.obs_std, self.obs_truncation = obs_mean, obs_std, obs_truncation
        probe = rosenbrock_probe()[0]
        logy = np.log1p(rosenbrock(probe))
        self.cond_shift = float(logy.mean())
        self.cond_scale = float(logy.std())
        self._probe = probe

    @property
    def obs_range(self) -> tuple[float, float]:
        return observation_window(self.obs_mean, self.obs_std, self.obs_truncation)

    def to(self, device: torch.device) -> "RosenbrockTarget":
        super().to(device)
        self._low = torch.as_tensor(self.PRIOR[:, 0], dtype=torch.float32, device=device)
        self._width = torch.as_tensor(self.PRIOR[:, 1] - self.PRIOR[:, 0], dtype=torch.float32,
                                      device=device)
        return self

    def condition(self, y):
        """c(y): the standardised log-observation the networks see."""
        if isinstance(y, torch.Tensor):
            return ((torch.log1p(y) - self.cond_shift) / self.cond_scale).reshape(-1, 1)
        return ((np.log1p(np.asarray(y, dtype=float)) - self.cond_shift) / self.cond_scale).reshape(-1, 1)

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """x ~ q_X, the prior."""
        return self._low + self._width * torch.rand(n, 2, generator=gen, device=self.device)

    def sample_pairs(self, n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Training pairs (x, c(M(x))) with x from the prior."""
        x = self.sample(n, gen)
        return x, self.condition(rosenbrock(x))

    def observations(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n draws of y from the truncated Gaussian P_Y (by rejection)."""
        low, high = self.obs_range
        out = np.empty(0)
        while out.size < n:
            y = rng.normal(self.obs_mean, self.obs_std, 2 * n + 16)
            out = np.concatenate([out, y[(y >= low) & (y <= high)]])
        return out[:n]

    def observation_density(self, y: np.ndarray) -> np.ndarray:
        low, high = self.obs_range
        y = np.asarray(y, dtype=float)
        z = (np.array([low, high]) - self.obs_mean) / self.obs_std
        mass = 0.5 * (math.erf(z[1] / math.sqrt(2)) - math.erf(z[0] / math.sqrt(2)))
        pdf = _normal_pdf(y, self.obs_mean, self.obs_std) / max(mass, 1e-300)
        return np.where((y >= low) & (y <= high), pdf, 0.0)

    def reference_posterior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n draws of x from P_X = ∫ p(x | y) P_Y(y) dy (importance resampling of the prior)."""
        y = rosenbrock(self._probe)
        low, high = self.obs_range
        edges = np.linspace(low, high, 41)
        counts, _ = np.histogram(y, bins=edges)
        p_m = counts / (len(y) * np.diff(edges))  # push-forward density of the prior on the range
        which = np.clip(np.searchsorted(edges, y, side="right") - 1, 0, len(counts) - 1)
        inside = (y >= low) & (y <= high)
        weights = np.where(inside, self.observation_density(y) / np.maximum(p_m[which], 1e-300), 0.0)
        total = weights.sum()
        if not total > 0:
            raise ValueError(f"no model value of the prior sample lies in the observation window "
                             f"[{low:g}, {high:g}]: the reference posterior is undefined")
        weights /= total
        idx = rng.choice(len(y), size=n, p=weights)
        return self._probe[idx]


def make_target(params) -> Target:
    """The target a parameter set asks for."""
    name = params.dataset
    if name == "gaussian-1d":
        return Gaussian1D(params.mean, params.std)
    if name == "mixture-1d":
        return Mixture1D(params.mean, params.std)
    if name == "ring-8":
        return Ring8()
    if name == "grid-25":
        return Grid25()
    if name == "two-moons":
        return TwoMoons()
    if name == "spiral":
        return Spiral()
    if name == "drawn":
        return Drawn(params.data)
    if name == "rosenbrock":
        return RosenbrockTarget(params.obs_mean, params.obs_std, params.obs_truncation)
    if name == "digits":
        from .images import DigitsTarget  # it builds on this module

        return DigitsTarget(params.conditional)
    raise ValueError(f"unknown dataset {name!r}")
