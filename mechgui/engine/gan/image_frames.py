"""What a snapshot of the digits GAN shows: a grid of samples from a fixed noise batch (the
class watches the same digits form; the conditional GAN's grid has a row per digit, or the
digit asked for), a few real digits, and in detailed snapshots D's accuracy on real and
generated images, the classifier's reading of the samples (class histogram, confident share,
classes covered) and each grid image's nearest training image."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..base import Frozen
from ..digits import CLASSES
from ..history import History
from . import passes
from .compiled import joined
from .frames import LOSS_COLUMNS, METRIC_COLUMNS, history_table, nan_if_none
from .images import DigitsTarget, class_probabilities, nearest_images, read_digits, to_pixels
from .params import GANParams

__all__ = [
    "GRID_COLUMNS",
    "GRID_SAMPLES",
    "MEASURED_SAMPLES",
    "REAL_MEASURED",
    "REAL_SHOWN",
    "ImageViews",
]

#: The sample grid: GRID_SAMPLES images, GRID_COLUMNS to a row (the cGAN's rows: a digit each).
GRID_SAMPLES, GRID_COLUMNS = 100, 10
#: Images generated from a second fixed noise batch for the classifier's reading and D's
#: accuracy (the cGAN's: as many of each digit).
MEASURED_SAMPLES = 500
#: Real images shown (two of each digit) and real images D's accuracy is measured on.
REAL_SHOWN, REAL_MEASURED = 20, 250


class ImageViews:
    """Mixed into :class:`~.model.GAN` before :class:`~.frames.FrameViews`: the snapshots of
    an image target (``self.images``); any other target's are FrameViews'."""

    #: Computed by :meth:`_snapshot_detail` for images.
    image_detail_keys = ("class_histogram", "confident_share", "nearest", "nearest_distance",
                         "nearest_labels")

    params: GANParams
    target: DigitsTarget
    images: bool
    conditional: bool
    device: torch.device
    G: torch.nn.Module
    D: torch.nn.Module
    _history: History
    _metric_history: History

    def _prepare_visuals(self, rng: np.random.Generator) -> None:
        """Fixed noise and real images shown every frame (a separate stream: frames never
        change the run)."""
        if not self.images:
            super()._prepare_visuals(rng)  # type: ignore[misc]
            return
        gen = torch.Generator(device=self.device)
        gen.manual_seed(int(rng.integers(0, 2 ** 62)))
        target = self.target
        self._z_grid = self._noise(GRID_SAMPLES, gen)
        # the cGAN's rows: the same GRID_COLUMNS noise vectors for every digit
        self._z_rows = self._noise(GRID_COLUMNS, gen).repeat(CLASSES, 1)
        self._row_labels = np.repeat(np.arange(CLASSES), GRID_COLUMNS)
        self._z_measured = self._noise(MEASURED_SAMPLES, gen)
        self._measured_labels = np.arange(MEASURED_SAMPLES) % CLASSES
        labels = target.labels
        shown = np.concatenate([rng.choice(np.flatnonzero(labels == c), REAL_SHOWN // CLASSES,
                                           replace=False) for c in range(CLASSES)])
        self._real_shown = Frozen(target.images[shown])
        self._real_shown_labels = Frozen(labels[shown])
        measured = rng.choice(len(labels), REAL_MEASURED, replace=False)
        self._real_measured = self._to_net(torch.as_tensor(target.images[measured],
                                                           device=self.device))
        if self.conditional:
            self._c_measured = target.one_hot(self._measured_labels)
            self._c_real_measured = target.one_hot(labels[measured])
        else:
            self._c_measured = self._c_real_measured = None
        self._metric_version: tuple[Any, ...] | None = None

    def _grid_inputs(self) -> tuple[torch.Tensor, torch.Tensor | None, np.ndarray | None]:
        """The grid's noise, conditions and labels: the digit asked for (``digit``) in every
        cell, or a row per digit; none for a GAN without labels."""
        if not self.conditional:
            return self._z_grid, None, None
        digit = self.params.digit
        labels = self._row_labels if digit is None else np.full(GRID_SAMPLES, digit)
        z = self._z_rows if digit is None else self._z_grid
        return z, self.target.one_hot(labels), labels

    # -- every snapshot ----------------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        """The cheap views: ``samples`` (GRID_SAMPLES rows of pixels in [0, 1], G of the
        fixed noise batch), ``image_shape``, ``labels`` (the digit each sample was asked
        for; None without labels), ``real`` and ``real_labels`` (a few training images);
        the losses, phase, counters, divergence and ``loss_terms`` as for any target (D's
        parts are nan where the convolutional pair's autograd pass computes only the sum)."""
        if not self.images:
            return super()._snapshot()  # type: ignore[misc]
        z, c, labels = self._grid_inputs()
        with torch.no_grad():
            pixels = to_pixels(self.G(joined(z, c)))
        self._frame_samples = pixels   # for _snapshot_detail, right after
        samples = pixels.numpy()
        p = self.params
        return {
            **self._training_keys(),  # type: ignore[attr-defined]
            "image_shape": self.target.image_shape,
            "architecture": p.architecture,
            "conditional": self.conditional,
            "samples": samples,
            "labels": labels,
            "real": self._real_shown,
            "real_labels": self._real_shown_labels,
        }

    # -- detailed snapshots --------------------------------------------------------------
    def _snapshot_detail(self) -> dict[str, Any]:
        """``accuracy_real``, ``accuracy_fake`` (D on REAL_MEASURED real images and on
        MEASURED_SAMPLES generated ones); the classifier's reading of those generated:
        ``class_histogram`` (each digit's share), ``confident_share``; ``nearest`` (the
        training image nearest to each grid sample), ``nearest_distance`` (its RMS pixel
        difference) and ``nearest_labels``; ``metrics`` (the JS divergence of the class
        histograms, digits covered as ``modes_covered`` of ``modes_total``, the confident
        share in % as ``high_quality``, ``digit_score``, ``conditional_accuracy``: the share
        of the cGAN's samples read as the digit asked for); ``history``, ``metric_history``."""
        if not self.images:
            return super()._snapshot_detail()  # type: ignore[misc]
        target = self.target
        with torch.no_grad():
            fake = self.G(joined(self._z_measured, self._c_measured))
            out_real = self.D(joined(self._real_measured, self._c_real_measured))
            out_fake = self.D(joined(fake, self._c_measured))
            level = passes.threshold(out_real, out_fake, self._loss_code)
            accuracy_real = float((out_real > level).float().mean())
            accuracy_fake = float((out_fake <= level).float().mean())
        reading = read_digits(class_probabilities(to_pixels(fake)), target.class_shares)
        index, distance = nearest_images(self._frame_samples, target.training)
        metrics: dict[str, Any] = {
            "js_divergence": reading.js_divergence,
            "modes_covered": reading.covered,
            "modes_total": CLASSES,
            "high_quality": 100.0 * reading.confident_share,
            "digit_score": reading.score,
            "conditional_accuracy": float(np.mean(reading.labels == self._measured_labels))
            if self.conditional else None,
            "nearest_distance": float(distance.mean()),
        }
        version = (self.step_count, self.d_updates, self.g_updates, self.params)
        if version != self._metric_version:  # one row per state of the networks
            self._metric_version = version
            self._metric_history.add(self.step_count, (metrics["js_divergence"],
                                                       nan_if_none(metrics["modes_covered"]),
                                                       nan_if_none(metrics["high_quality"])))
        self._flush_history()
        return {
            "accuracy_real": accuracy_real,
            "accuracy_fake": accuracy_fake,
            "class_histogram": reading.class_histogram,
            "confident_share": reading.confident_share,
            "nearest": target.images[index],
            "nearest_distance": distance,
            "nearest_labels": target.labels[index],
            "metrics": metrics,
            "history": history_table(self._history, LOSS_COLUMNS),
            "metric_history": history_table(self._metric_history, METRIC_COLUMNS),
        }

    def summary(self, snap) -> dict[str, str]:
        if not self.images:
            return super().summary(snap)  # type: ignore[misc]
        m = snap["metrics"]
        row = {
            "loss_d": f"{snap['loss_d']:.4f}",
            "loss_g": f"{snap['loss_g']:.4f}",
            "acc real/fake": f"{snap['accuracy_real']:.2f}/{snap['accuracy_fake']:.2f}",
            "digits": f"{m['modes_covered']}/{m['modes_total']}",
            "confident": f"{m['high_quality']:.1f}%",
            "JS classes": f"{m['js_divergence']:.4f}",
        }
        if m["conditional_accuracy"] is not None:
            row["asked digit"] = f"{100 * m['conditional_accuracy']:.1f}%"
        return row
