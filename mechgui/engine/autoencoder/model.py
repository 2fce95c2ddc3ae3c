"""The autoencoder against the VAE, trained step by step on handwritten digits (the chapter 4
notes: "what we require", a continuous latent space, against "what we may inadvertently end
up with", clusters with gaps).  One step is one minibatch update (Adam)."""

from __future__ import annotations

import math
import warnings
from types import TracebackType
from typing import Any

import numpy as np
import torch

from ..base import RUNNING, Frozen, Progress, Simulation
from ..digit_classifier import classifier, digit_score
from ..digits import CLASSES, DIGITS_SHAPE, MNIST_SHAPE, load_digits, load_mnist
from ..history import History
from ..params import ParameterError, ParamSet
from .networks import Coder
from .params import AutoencoderParams

__all__ = ["DIVERGED", "DONE", "GRID_SIZE", "LATENT_POINTS", "PRIOR_SAMPLES", "Autoencoder"]

DONE, DIVERGED = "done", "diverged"
#: The codes drawn: all the data, or a fixed sample of this many images of a larger set.
LATENT_POINTS = 2000
#: Images decoded from the fixed noise batch z ~ N(0, I).
PRIOR_SAMPLES = 100
#: The decoded grid over the codes' first two dimensions: GRID_SIZE × GRID_SIZE images.
GRID_SIZE = 15
HISTORY_CAPACITY = 1024  # rows of the loss history; older rows are averaged pairwise
LOSS_COLUMNS = ("loss", "reconstruction_loss", "kl")


class Autoencoder(Simulation):
    """A plain autoencoder or a VAE (``variational``) trained on the digits or MNIST.

    Snapshot keys, beside ``model``, ``step``, ``status``, ``done``: ``variational``,
    ``latent_dim``, ``image_shape``, ``dataset``, ``beta``, the last step's ``loss``,
    ``reconstruction_loss`` and ``kl`` (per image; ``kl`` is nan for the plain autoencoder
    and everything nan before the first step), ``epoch`` (passes over the data), ``labels``
    (of the codes drawn), ``inputs`` and ``input_labels`` (one chosen image per digit),
    ``prior_points`` (the fixed noise batch), ``message``; and, recomputed only in detailed
    snapshots (:attr:`detail_keys`), see :meth:`_snapshot_detail`.
    """

    name = "autoencoder"
    title = "Autoencoder"
    Params = AutoencoderParams
    run_limit = 100_000
    detail_keys = ("latent", "posterior_variance", "class_means", "reconstructions",
                   "prior_samples", "prior_labels", "prior_confidence", "digit_score",
                   "decoded_grid", "grid_extent", "history")

    # -- building --------------------------------------------------------------------------
    def _reset(self) -> None:
        p = self.params
        if p.dataset == "digits":
            images, labels = load_digits()
            self.image_shape = DIGITS_SHAPE
        else:
            images, labels = load_mnist(p.data)
            self.image_shape = MNIST_SHAPE
        seed_bits = self.rng.integers(0, 2 ** 62, size=2)
        self.gen = torch.Generator().manual_seed(int(seed_bits[0]))
        with warnings.catch_warnings():  # read-only, and never written: shared, not copied
            warnings.simplefilter("ignore", UserWarning)
            self.data = torch.from_numpy(images)
        self.coder = Coder(p, images.shape[1], self.gen)
        self.optimizer = _adam(self.coder.parameters(), p.learning_rate)
        self.order = torch.randperm(len(images), generator=self.gen)
        self.position = 0
        self.samples_seen = 0
        self.message = ""
        self.last = (math.nan, math.nan, math.nan)
        self.history = History(len(LOSS_COLUMNS), HISTORY_CAPACITY, "mean")
        self._choose_views(labels, np.random.default_rng(int(seed_bits[1])))

    def _choose_views(self, labels: np.ndarray, rng: np.random.Generator) -> None:
        """The fixed images the snapshots show: the codes drawn, one input per digit, the
        noise batch."""
        n = len(labels)
        shown = np.arange(n) if n <= LATENT_POINTS else \
            np.sort(rng.choice(n, LATENT_POINTS, replace=False))
        self.shown = torch.from_numpy(shown)
        self.shown_labels = labels[shown]
        chosen = [int(rng.choice(np.flatnonzero(labels == c)))
                  for c in range(CLASSES) if np.any(labels == c)]
        self.chosen = torch.tensor(chosen, dtype=torch.long)
        noise = rng.standard_normal((PRIOR_SAMPLES, self.params.latent_dim))
        self.prior_noise = torch.from_numpy(noise.astype(np.float32))
        self._frozen = {"labels": Frozen(self.shown_labels),
                        "inputs": Frozen(self.data[self.chosen].numpy()),
                        "input_labels": Frozen(labels[chosen]),
                        "prior_points": Frozen(noise.astype(np.float32))}

    # -- training --------------------------------------------------------------------------
    def _step(self) -> None:
        p = self.params
        n = len(self.data)
        size = min(p.batch_size, n)
        if self.position + size > n:
            self.order = torch.randperm(n, generator=self.gen)
            self.position = 0
        batch = self.data.index_select(0, self.order[self.position:self.position + size])
        self.position += size
        loss, reconstruction, kl = self.coder.losses(batch, self.gen, p.beta)
        if kl is None:  # the loss is the reconstruction: one number to read
            value = loss.item()
            values = [value, value, math.nan]
        else:
            values = [loss.item(), reconstruction.item(), kl.item()]
        if not math.isfinite(values[0]):
            self.status = DIVERGED
            self.message = (f"non-finite loss at step {self.step_count + 1}: the networks are "
                            f"kept as after step {self.step_count}; lower the learning rate")
            return
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.samples_seen += size
        self.last = tuple(values)
        self.history.add(self.step_count + 1, values)
        if self.step_count + 1 >= p.steps:
            self.status = DONE

    # -- a user's file that cannot be read leaves the run as it was -----------------------
    def reset(self, seed: int | None = None, *, progress: Progress | None = None) -> None:
        """As :meth:`Simulation.reset`; if the data cannot be read (a user's MNIST file that
        broke since it was checked), :class:`ParameterError` and the run as it was."""
        with _Kept(self):
            super().reset(seed, progress=progress)

    def set_params(self, params: ParamSet | None = None, *, progress: Progress | None = None,
                   **changes: Any) -> bool:
        """As :meth:`Simulation.set_params`; new data that cannot be read (an MNIST file whose
        headers are right but whose pixels are not) is refused with :class:`ParameterError`
        and the run goes on with its parameters and networks as they were."""
        with _Kept(self):
            return super().set_params(params, progress=progress, **changes)

    def step(self, n: int = 1) -> int:
        """Advance up to ``n`` minibatch updates; a diverged one is not counted."""
        taken = 0
        while taken < n and not self.done:
            self._step()
            if self.status == DIVERGED:
                break
            self.step_count += 1
            taken += 1
        return taken

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        """The learning rate, batch size, β and the number of steps change in place."""
        for group in self.optimizer.param_groups:
            group["lr"] = self.params.learning_rate
        if self.status in (RUNNING, DONE):
            self.status = DONE if self.step_count >= self.params.steps else RUNNING

    # -- what the tab asks for ---------------------------------------------------------------
    def encode(self, images: Any) -> np.ndarray:
        """The codes of (n, pixels) images in [0, 1] (for the VAE, the means μ)."""
        x = _matrix(images, self.data.shape[1], "images")
        with torch.inference_mode():
            return self.coder.encode(torch.from_numpy(x))[0].numpy()

    def decode(self, points: Any) -> np.ndarray:
        """(n, pixels) images in [0, 1] decoded from (n, latent_dim) codes (or one code)."""
        z = _matrix(points, self.params.latent_dim, "points")
        with torch.inference_mode():
            return self.coder.decode(torch.from_numpy(z)).numpy()

    def class_means(self) -> np.ndarray:
        """(10, latent_dim): the mean code of each digit over the codes drawn (nan for a
        digit absent from them)."""
        with torch.inference_mode():
            latent = self.coder.encode(self.data.index_select(0, self.shown))[0].numpy()
        return _class_means(latent, self.shown_labels)

    def interpolate(self, class_a: int, class_b: int, steps: int = 10) -> np.ndarray:
        """(steps, pixels): images decoded along the line from the mean code of digit
        ``class_a`` to that of ``class_b`` (vector arithmetic in the latent space)."""
        for name, value, low, high in (("class_a", class_a, 0, CLASSES - 1),
                                       ("class_b", class_b, 0, CLASSES - 1),
                                       ("steps", steps, 2, 100)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                    or not low <= value <= high:
                raise ValueError(f"{name}={value!r}: expected a whole number from {low} to {high}")
        means = self.class_means()
        if not np.all(np.isfinite(means[[class_a, class_b]])):
            raise ValueError("no code of that digit is drawn: choose another")
        t = np.linspace(0.0, 1.0, int(steps), dtype=np.float32)[:, None]
        return self.decode((1.0 - t) * means[class_a] + t * means[class_b])

    # -- snapshots ----------------------------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        p = self.params
        loss, reconstruction, kl = self.last
        return {"variational": p.variational, "latent_dim": p.latent_dim,
                "image_shape": self.image_shape, "dataset": p.dataset,
                "beta": p.beta if p.variational else 0.0, "loss": loss,
                "reconstruction_loss": reconstruction, "kl": kl,
                "epoch": self.samples_seen / len(self.data), "message": self.message,
                **self._frozen}

    def _snapshot_detail(self) -> dict[str, Any]:
        """The detailed keys (:meth:`_compute_detail`), computed once per state of the
        networks: snapshots taken while the run waits (after each call of the tab's, a point
        decoded while dragging) share the same frozen arrays, so nothing is redrawn."""
        key = (self.step_count, self.params, self.coder, self.data)
        cached = self.__dict__.get("_detail_cache")
        if cached is None or cached[0][0] != key[0] \
                or any(a is not b for a, b in zip(cached[0][1:], key[1:])):
            cached = (key, {name: Frozen(value) for name, value in self._compute_detail().items()})
            self._detail_cache = cached
        return dict(cached[1])

    def _compute_detail(self) -> dict[str, Any]:
        """``latent`` (codes drawn; the VAE's means μ), ``posterior_variance`` (the VAE's σ²
        per dimension, averaged over them; None for the AE), ``class_means``,
        ``reconstructions`` (of ``inputs``, from their codes; the VAE's from μ),
        ``prior_samples`` (decoded ``prior_points``), the classifier's ``prior_labels``,
        ``prior_confidence`` and ``digit_score`` (8 × 8 digits only; else None and nan),
        ``decoded_grid`` (GRID_SIZE² images over ``grid_extent`` ((x0, x1), (y0, y1)) of the
        first two dimensions, the others 0; None for a 1-D code) and ``history``."""
        with torch.inference_mode():
            mu, log_var = self.coder.encode(self.data.index_select(0, self.shown))
            latent = mu.numpy()
            inputs = self.data.index_select(0, self.chosen)
            reconstructions = self.coder.decode(self.coder.encode(inputs)[0]).numpy()
            prior = self.coder.decode(self.prior_noise).numpy()
            variance = None if log_var is None else log_var.exp().mean(0).numpy()
        grid, extent = self._decoded_grid(latent)
        labels = confidence = None
        score = math.nan
        if self.image_shape == DIGITS_SHAPE:
            probabilities = classifier().probabilities(prior)
            labels = probabilities.argmax(axis=1)
            confidence = probabilities.max(axis=1)
            score = digit_score(probabilities)
        return {"latent": latent, "posterior_variance": variance,
                "class_means": _class_means(latent, self.shown_labels),
                "reconstructions": reconstructions, "prior_samples": prior,
                "prior_labels": labels, "prior_confidence": confidence, "digit_score": score,
                "decoded_grid": grid, "grid_extent": extent,
                "history": self.history.table(LOSS_COLUMNS)}

    def _decoded_grid(self, latent: np.ndarray) -> tuple[np.ndarray | None, Any]:
        """The grid over the finite codes (None for a 1-D code, or when none is finite: a
        diverged run's snapshot still shows what it can)."""
        if latent.shape[1] < 2:
            return None, None
        plane = latent[:, :2][np.all(np.isfinite(latent[:, :2]), axis=1)]
        if not len(plane):
            return None, None
        low, high = plane.min(axis=0), plane.max(axis=0)
        pad = np.maximum(0.05 * (high - low), 1e-3)
        low, high = low - pad, high + pad
        # the centres of GRID_SIZE equal cells covering the extent (row 0 at the bottom)
        xs = low[0] + (np.arange(GRID_SIZE) + 0.5) * (high[0] - low[0]) / GRID_SIZE
        ys = low[1] + (np.arange(GRID_SIZE) + 0.5) * (high[1] - low[1]) / GRID_SIZE
        points = np.zeros((GRID_SIZE * GRID_SIZE, latent.shape[1]), dtype=np.float32)
        points[:, 0] = np.tile(xs, GRID_SIZE)
        points[:, 1] = np.repeat(ys, GRID_SIZE)
        with torch.inference_mode():
            grid = self.coder.decode(torch.from_numpy(points)).numpy()
        return grid, ((float(low[0]), float(high[0])), (float(low[1]), float(high[1])))

    def summary(self, snap: Any) -> dict[str, str]:
        return {"loss": f"{snap['loss']:.3f}", "reconstruction": f"{snap['reconstruction_loss']:.3f}",
                "KL": f"{snap['kl']:.3f}", "epoch": f"{snap['epoch']:.2f}"}


class _Kept:
    """While a reset that reads the data runs: the simulation's attributes as they were,
    put back if the data are refused (a reset builds its state anew, so a shallow copy
    restores it, as :class:`~mechgui.engine.base.Simulation` does for a cancelled one)."""

    def __init__(self, sim: Autoencoder) -> None:
        self.sim = sim
        self.saved: dict[str, Any] = {}

    def __enter__(self) -> None:
        self.saved = dict(self.sim.__dict__)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is not None and issubclass(kind, ParameterError) and "coder" in self.saved:
            self.sim.__dict__.clear()
            self.sim.__dict__.update(self.saved)


def _adam(parameters: list[torch.nn.Parameter], lr: float) -> torch.optim.Adam:
    """Adam with the fused kernel where it is supported, else foreach."""
    try:
        return torch.optim.Adam(parameters, lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(parameters, lr=lr, foreach=True)


def _class_means(latent: np.ndarray, labels: np.ndarray) -> np.ndarray:
    means = np.full((CLASSES, latent.shape[1]), np.nan, dtype=np.float32)
    for c in range(CLASSES):
        members = latent[labels == c]
        if len(members):
            means[c] = members.mean(axis=0)
    return means


def _matrix(values: Any, width: int, name: str) -> np.ndarray:
    """``values`` as a float32 (n, width) array of finite numbers, n from 1 to 100,000."""
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: expected numbers, an (n, {width}) array") from None
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != width or not 1 <= len(array) <= 100_000 \
            or not np.all(np.abs(array) <= _LARGEST):
        raise ValueError(f"{name}: expected an (n, {width}) array of finite numbers of at "
                         f"most {_LARGEST:g} in size, got shape {array.shape}")
    return array.astype(np.float32)


#: The largest size of a code or pixel the networks take (float32's range, with room).
_LARGEST = 1e30
