"""Measures of how close the generator is to the target (numpy only).

* :func:`js_divergence` — the Jensen–Shannon divergence of the GAN seminar,
  JSD(p‖q) = ½ KL(p‖m) + ½ KL(q‖m) with m = (p + q)/2, estimated from two
  samples by one shared grid histogram.  Both histograms are normalised over
  the same bins, and a bin for "outside the grid" keeps the mass that falls off
  it, so JSD is 0 for equal histograms and ln 2 for disjoint ones.
* :func:`optimal_discriminator` — D*(x) = p_data(x) / (p_data(x) + p_g(x))
  (the GAN seminar, equation 7).
* :func:`mode_coverage` — modes covered and high-quality samples, as VEEGAN and
  PacGAN define them: a sample is high-quality if it lies within 3σ of its
  nearest mode; a mode is covered if it is the nearest mode of at least one
  high-quality sample.
* :func:`gaussian_kde_1d` — a density estimate of generated 1-D samples.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "LN2",
    "histogram",
    "js_divergence",
    "js_from_histograms",
    "optimal_discriminator",
    "mode_coverage",
    "gaussian_kde_1d",
    "wasserstein_1d",
]

LN2 = math.log(2.0)


def histogram(samples: np.ndarray, bounds: np.ndarray, bins: int) -> np.ndarray:
    """Normalised counts of ``samples`` (n, d) on a ``bins``^d grid over ``bounds`` (d, 2).

    The last entry is the share of samples outside the grid, so the result
    (``bins**d + 1`` entries) sums to 1 for any non-empty sample.
    """
    samples = np.asarray(samples, dtype=float)
    if samples.ndim == 1:
        samples = samples[:, None]
    bounds = np.asarray(bounds, dtype=float).reshape(-1, 2)
    dim = bounds.shape[0]
    low, high = bounds[:, 0], bounds[:, 1]
    cell = (samples - low) * (bins / (high - low))
    finite_cell = np.isfinite(cell)
    finite = np.all(finite_cell, axis=1)
    # clipped first: a finite value beyond int64 would cast to nonsense (and warn)
    idx = np.floor(np.clip(np.where(finite_cell, cell, -1.0), -1.0, bins + 1.0)).astype(np.int64)
    # The upper edge belongs to the grid (as does a rounding error's width beyond it).
    idx[(idx == bins) & (cell <= bins * (1 + 1e-5) + 1e-8)] = bins - 1
    inside = finite & np.all((idx >= 0) & (idx < bins), axis=1)
    flat = np.ravel_multi_index(tuple(idx[inside].T), (bins,) * dim) if inside.any() else \
        np.empty(0, dtype=np.int64)
    counts = np.bincount(flat, minlength=bins ** dim).astype(float)
    counts = np.append(counts, float(len(samples) - inside.sum()))
    total = counts.sum()
    return counts / total if total > 0 else counts


def _kl_to_mixture(p: np.ndarray, m: np.ndarray) -> float:
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / m[mask])))


def js_divergence(real: np.ndarray, fake: np.ndarray, bounds: np.ndarray, bins: int = 20) -> float:
    """JSD between two samples by a shared grid histogram, in nats (0 … ln 2).

    ``bounds`` is (d, 2): the grid's low and high edge per dimension.  Both
    histograms use the same bins (plus one "outside" bin) and are each
    normalised to sum 1 before m = (p + q)/2 is formed.
    """
    return js_from_histograms(histogram(real, bounds, bins), histogram(fake, bounds, bins))


def js_from_histograms(p: np.ndarray, q: np.ndarray) -> float:
    """JSD of two normalised histograms over the same bins (see :func:`histogram`), in nats."""
    if p.sum() == 0 or q.sum() == 0:
        return float("nan")
    m = 0.5 * (p + q)
    jsd = 0.5 * _kl_to_mixture(p, m) + 0.5 * _kl_to_mixture(q, m)
    return float(min(max(jsd, 0.0), LN2))


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)); ½ where both densities vanish."""
    p_data = np.asarray(p_data, dtype=float)
    p_g = np.asarray(p_g, dtype=float)
    total = p_data + p_g
    positive = total > 0
    return np.where(positive, p_data / np.where(positive, total, 1.0), 0.5)


def mode_coverage(samples: np.ndarray, centres: np.ndarray, std: float
                  ) -> tuple[int, float, np.ndarray]:
    """``(modes covered, % high-quality samples, covered mask)``.

    A sample is high-quality when it lies within 3σ (Euclidean) of its nearest
    centre; a mode is covered when it is the nearest centre of at least one
    high-quality sample (VEEGAN, PacGAN).
    """
    samples = np.asarray(samples, dtype=float)
    centres = np.asarray(centres, dtype=float)
    if samples.ndim == 1:
        samples = samples[:, None]
    if centres.ndim == 1:
        centres = centres[:, None]
    if len(samples) == 0:
        return 0, 0.0, np.zeros(len(centres), dtype=bool)
    diff = samples[:, None, :] - centres[None, :, :]
    dist2 = np.einsum("ijk,ijk->ij", diff, diff)
    nearest = np.argmin(dist2, axis=1)
    good = np.sqrt(np.take_along_axis(dist2, nearest[:, None], axis=1)[:, 0]) <= 3.0 * std
    covered = np.zeros(len(centres), dtype=bool)
    covered[nearest[good]] = True
    return int(covered.sum()), float(100.0 * good.mean()), covered


def gaussian_kde_1d(samples: np.ndarray, x: np.ndarray, bandwidth: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate of 1-D ``samples`` on the points ``x``.

    The bandwidth defaults to Scott's rule, 1.06 σ̂ n^(-1/5) (floored so a
    collapsed generator still gives a finite, narrow peak).
    """
    samples = np.asarray(samples, dtype=float).ravel()
    samples = samples[np.isfinite(samples)]
    x = np.asarray(x, dtype=float)
    if samples.size == 0:
        return np.zeros_like(x)
    if bandwidth is None:
        spread = float(np.std(samples))
        span = float(x.max() - x.min()) if x.size > 1 else 1.0
        bandwidth = max(1.06 * spread * samples.size ** -0.2, 1e-3 * max(span, 1e-12))
    u = (x[:, None] - samples[None, :]) / bandwidth
    return np.exp(-0.5 * u * u).sum(axis=1) / (samples.size * bandwidth * math.sqrt(2 * math.pi))


def wasserstein_1d(a: np.ndarray, b: np.ndarray) -> float:
    """W1 distance between two 1-D samples: the mean gap between matched quantiles."""
    a = np.sort(np.asarray(a, dtype=float).ravel())
    b = np.sort(np.asarray(b, dtype=float).ravel())
    q = (np.arange(256) + 0.5) / 256
    return float(np.mean(np.abs(np.quantile(a, q) - np.quantile(b, q))))
