"""What a GAN snapshot shows: fixed batches of noise and data, drawn once per run; the cheap
views of every snapshot; and the costly detail (D's map, G's noise grid, densities,
metrics, histories) of a detailed one."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..base import Frozen
from ..history import History
from . import explain, passes
from .metrics import (gaussian_kde_1d, histogram, js_divergence, js_from_histograms,
                      mode_coverage, optimal_discriminator, wasserstein_1d)
from .params import D_OUTPUTS, GANParams
from .passes import FastMLP
from .targets import RosenbrockTarget, Target, rosenbrock

__all__ = ["FrameViews", "VIS_SAMPLES", "ARROW_SAMPLES", "LOSS_COLUMNS", "METRIC_COLUMNS",
           "history_table", "nan_if_none"]

VIS_SAMPLES = 2048      # fixed noise / data points shown and measured in every snapshot
ARROW_SAMPLES = 256     # the first generated points carry a gradient arrow
GRID_2D = 64            # D is drawn on GRID_2D × GRID_2D points
LINE_1D = 256           # … or on LINE_1D points in 1-D
MANIFOLD_2D = 21        # G on a MANIFOLD_2D² grid of noise points (noise_dim ≥ 2)
MANIFOLD_1D = 101       # … or a line of noise points (noise_dim = 1)
JS_BINS_2D, JS_BINS_1D = 20, 50
HIST_BINS = 40
#: The columns of the snapshot's ``history`` and ``metric_history``.
LOSS_COLUMNS = ("loss_d", "loss_g", "accuracy_real", "accuracy_fake")
METRIC_COLUMNS = ("js_divergence", "modes_covered", "high_quality")


class FrameViews:
    """Mixed into :class:`~.model.GAN`: :meth:`_snapshot` and :meth:`_snapshot_detail`.

    Uses the host's networks (``_fast_g``, ``_fast_d``), ``target``, ``dim``,
    ``conditional``, ``device``, ``_loss_code``, the coordinates of :class:`.Sampling`,
    the counters and the histories ``_history`` / ``_metric_history``.
    """

    #: Computed by :meth:`_snapshot_detail` (which keys depends on the dataset).
    detail_keys = ("accuracy_real", "accuracy_fake", "manifold", "metrics", "history",
                   "metric_history", "grid_x", "grid_y", "d_grid", "x_line", "d_line",
                   "d_star_line", "target_density", "generated_density", "hist_edges",
                   "hist_real", "hist_fake", "generated_mean", "generated_std", "observations",
                   "pushforward", "condition_value")

    params: GANParams
    target: Target
    dim: int
    conditional: bool
    device: torch.device
    last_update: str
    _fast_g: FastMLP
    _fast_d: FastMLP
    _history: History
    _metric_history: History

    def _prepare_visuals(self, rng: np.random.Generator) -> None:
        """Fixed noise and data shown every frame (a separate stream: frames never change the run)."""
        gen = torch.Generator(device=self.device)
        gen.manual_seed(int(rng.integers(0, 2 ** 62)))
        self._z_vis = self._noise(VIS_SAMPLES, gen)
        if self.conditional:
            target: RosenbrockTarget = self.target  # type: ignore[assignment]
            self._obs_vis = target.observations(VIS_SAMPLES, rng)
            self._c_vis = torch.as_tensor(target.condition(self._obs_vis), dtype=torch.float32,
                                          device=self.device)
            self._real_vis = target.reference_posterior(VIS_SAMPLES, rng)
        else:
            self._c_vis = None
            self._real_vis = self.target.sample(VIS_SAMPLES, gen).cpu().numpy().astype(float)
        self._real_vis_frozen = Frozen(self._real_vis)  # every frame shows the same batch
        bounds = self.target.bounds
        if self.dim == 1:
            self._line = np.linspace(bounds[0, 0], bounds[0, 1], LINE_1D)
            self._grid_points = torch.as_tensor(self._line[:, None], dtype=torch.float32,
                                                device=self.device)
            self._target_density = self.target.density(self._line)
        else:
            gx = np.linspace(bounds[0, 0], bounds[0, 1], GRID_2D)
            gy = np.linspace(bounds[1, 0], bounds[1, 1], GRID_2D)
            self._grid_x, self._grid_y = gx, gy
            xx, yy = np.meshgrid(gx, gy)  # row = y, column = x
            pts = np.column_stack([xx.ravel(), yy.ravel()])
            self._grid_points = torch.as_tensor(pts, dtype=torch.float32, device=self.device)
        self._manifold_z = self._noise_grid()
        self._real_histogram: np.ndarray | None = None
        self._metric_version: tuple[Any, ...] | None = None
        self._grid_points_net = self._to_net(self._grid_points)
        self._real_vis_net = self._to_net(torch.as_tensor(self._real_vis, dtype=torch.float32,
                                                          device=self.device))

    def _noise_grid(self) -> torch.Tensor:
        """Noise points on a line (noise_dim = 1) or a grid in the first two dimensions."""
        reach = 2.0 if self.params.noise == "gaussian" else 1.0
        nd = self.params.noise_dim
        if nd == 1:
            z = torch.linspace(-reach, reach, MANIFOLD_1D).reshape(-1, 1)
        else:
            t = torch.linspace(-reach, reach, MANIFOLD_2D)
            a, b = torch.meshgrid(t, t, indexing="ij")
            z = torch.zeros(MANIFOLD_2D * MANIFOLD_2D, nd)
            z[:, 0], z[:, 1] = b.reshape(-1), a.reshape(-1)
        return z.to(self.device)

    # -- every snapshot ----------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        """The cheap views, from the fixed noise batch: ``samples`` (VIS_SAMPLES × d, G(z)
        in data coordinates) and ``real``; ``gradients``: −∂L_G/∂x at
        ``samples[:ARROW_SAMPLES]`` (one sample's share of G's loss); ``loss_d``,
        ``loss_g`` (of the last updates, nan before the first); the ``phase`` of the
        iteration; ``last_update``, which networks the last call that trained updated
        ("none", "D", "G" or "D and G"); the counters ``d_updates``, ``g_updates``;
        divergence; ``loss_terms`` (the last losses in their parts) and ``probe`` (D at
        the point :attr:`probe_point`, or None), see :mod:`.explain`."""
        with torch.no_grad():  # the training pass's own forward/backward, in one call
            fake_net, samples_t, gradients_t = passes.frame_views(
                self._fast_g, self._fast_d, self._z_vis, self._c_vis, self._loss_code,
                ARROW_SAMPLES, self.dim, self._scale, self._shift)
        samples = samples_t.numpy()
        self._frame_fake = (fake_net, samples)   # for _snapshot_detail, right after
        return {
            **self._training_keys(),
            "samples": samples,
            "real": self._real_vis_frozen,
            "gradients": gradients_t.numpy(),
            "bounds": self.target.bounds,
        }

    def _training_keys(self) -> dict[str, Any]:
        """The keys of every frame, whatever the target: the data's dimension, the phase,
        the losses (and their parts, see :mod:`.explain`), the update counters, the
        divergence and the device."""
        return {
            "dimension": self.dim,
            "phase": self.phase,
            "last_update": self.last_update,
            "loss_d": self.loss_d,
            "loss_g": self.loss_g,
            "d_output": D_OUTPUTS[self.params.loss],
            "d_updates": self.d_updates,
            "g_updates": self.g_updates,
            "diverged_step": self.diverged_step,
            "message": self.message,
            "device": self.device.type,
            **explain.frame_keys(self),
        }

    # -- detailed snapshots ------------------------------------------------------
    def _snapshot_detail(self) -> dict[str, Any]:
        """``accuracy_real``, ``accuracy_fake`` (D on the fixed batches); ``manifold`` (G on
        a grid of noise points); ``d_grid`` on ``grid_x`` × ``grid_y`` (2-D) or ``d_line``
        on ``x_line`` with D*, the densities and histograms (1-D); ``metrics``; the cGAN's
        ``observations`` and ``pushforward`` = M(G(z | y)); and ``history`` /
        ``metric_history`` (flat in memory however long the run)."""
        p = self.params
        fake_net, samples = self._frame_fake
        c_mid = None
        if self.conditional:
            c_mid = torch.as_tensor(self.target.condition([p.obs_mean]), dtype=torch.float32,
                                    device=self.device)
        with torch.no_grad():  # D's and G's passes, in one call
            accuracy, d_grid, manifold = passes.detail_views(
                self._fast_g, self._fast_d, self._real_vis_net, fake_net, self._c_vis,
                self._grid_points_net, self._manifold_z, c_mid, self._loss_code, self._scale,
                self._shift)
        accuracy_real, accuracy_fake = accuracy.tolist()
        keys: dict[str, Any] = {"accuracy_real": accuracy_real,
                                "accuracy_fake": accuracy_fake,
                                "manifold": self._manifold_array(manifold.numpy())}
        if self.dim == 1:
            keys.update(self._one_d_extras(samples[:, 0], d_grid.numpy().ravel()))
        else:
            keys["grid_x"] = self._grid_x
            keys["grid_y"] = self._grid_y
            keys["d_grid"] = d_grid.numpy().reshape(GRID_2D, GRID_2D)
        metrics = self._metrics(samples)
        if self.conditional:
            pushed = rosenbrock(samples)
            keys["observations"] = np.array(self._obs_vis)
            keys["pushforward"] = pushed
            keys["condition_value"] = p.obs_mean
            metrics["pushforward_w1"] = wasserstein_1d(pushed, self._obs_vis)
            low, high = self.target.obs_range  # type: ignore[attr-defined]
            span = high - low
            metrics["pushforward_js"] = js_divergence(self._obs_vis, pushed,
                                                      np.array([[low - span, high + span]]), bins=30)
        keys["metrics"] = metrics
        version = (self.step_count, self.d_updates, self.g_updates, self.params)
        if version != self._metric_version:  # one row per state of the networks
            self._metric_version = version
            self._metric_history.add(self.step_count, (metrics["js_divergence"],
                                                       nan_if_none(metrics["modes_covered"]),
                                                       nan_if_none(metrics["high_quality"])))
        self._flush_history()
        keys["history"] = history_table(self._history, LOSS_COLUMNS)
        keys["metric_history"] = history_table(self._metric_history, METRIC_COLUMNS)
        return keys

    def _manifold_array(self, arr: np.ndarray) -> np.ndarray:
        if self.params.noise_dim == 1:
            return arr.reshape(1, MANIFOLD_1D, self.dim)
        return arr.reshape(MANIFOLD_2D, MANIFOLD_2D, self.dim)

    def _one_d_extras(self, fake: np.ndarray, d_line: np.ndarray) -> dict[str, Any]:
        line = self._line
        generated = gaussian_kde_1d(fake, line)
        target = self._target_density
        if target is None:
            target = gaussian_kde_1d(self._real_vis[:, 0], line)
        d_star = optimal_discriminator(target, generated)
        edges = np.linspace(line[0], line[-1], HIST_BINS + 1)
        hist_real, _ = np.histogram(self._real_vis[:, 0], bins=edges, density=True)
        hist_fake, _ = np.histogram(np.clip(fake, edges[0], edges[-1]), bins=edges)
        hist_fake = hist_fake / max(len(fake), 1) / np.diff(edges)
        weight = 0.5 * (target + generated)
        distance = None
        if self.params.loss != "wgan-gp" and weight.sum() > 0:
            distance = float(np.sum(np.abs(d_line - d_star) * weight) / weight.sum())
        self._d_star_distance = distance
        return {
            "x_line": line,
            "d_line": d_line.astype(float),
            "d_star_line": d_star,
            "target_density": np.asarray(target, dtype=float),
            "generated_density": generated,
            "hist_edges": edges,
            "hist_real": hist_real.astype(float),
            "hist_fake": hist_fake.astype(float),
            "generated_mean": float(np.mean(fake)),
            "generated_std": float(np.std(fake)),
        }

    def _metrics(self, samples: np.ndarray) -> dict[str, Any]:
        bins = JS_BINS_1D if self.dim == 1 else JS_BINS_2D
        if self._real_histogram is None:  # the real batch is fixed: its histogram too
            self._real_histogram = histogram(self._real_vis, self.target.bounds, bins)
        metrics: dict[str, Any] = {
            "js_divergence": js_from_histograms(self._real_histogram,
                                                histogram(samples, self.target.bounds, bins)),
            "modes_covered": None,
            "modes_total": None,
            "high_quality": None,
        }
        if self.target.centres is not None:
            covered, quality, _ = mode_coverage(samples, self.target.centres, self.target.mode_std)
            metrics.update(modes_covered=covered, modes_total=len(self.target.centres),
                           high_quality=quality)
        if self.dim == 1:
            metrics["d_star_distance"] = self._d_star_distance
        return metrics

    def summary(self, snap) -> dict[str, str]:
        m = snap["metrics"]
        row = {
            "loss_d": f"{snap['loss_d']:.4f}",
            "loss_g": f"{snap['loss_g']:.4f}",
            "acc real/fake": f"{snap['accuracy_real']:.2f}/{snap['accuracy_fake']:.2f}",
            "JS": f"{m['js_divergence']:.4f}",
        }
        if m.get("modes_covered") is not None:
            row["modes"] = f"{m['modes_covered']}/{m['modes_total']}"
            row["high quality"] = f"{m['high_quality']:.1f}%"
        if snap["dimension"] == 1:
            row["mean/std"] = f"{snap['generated_mean']:.3f}/{snap['generated_std']:.3f}"
        if "pushforward_w1" in m:
            row["W1(M(G), y)"] = f"{m['pushforward_w1']:.1f}"
        return row


def history_table(history: History, names: tuple[str, ...]) -> dict[str, Any]:
    """A history's columns by name, its ``step`` and its ``window`` (steps per row)."""
    return {**history.table(names), "window": np.int64(history.stride)}


def nan_if_none(value: Any) -> float:
    return math.nan if value is None else float(value)
