"""The GAN on images: the 8 × 8 handwritten digits as a target, and what is measured of the
images a generator draws (the chapter 4 notes: "We will try to generate digits by training a
GAN").

:class:`DigitsTarget` serves the 1,797 digits shipped with mechgui (pixels in [0, 1], the
networks see them in [−1, 1]) and, for the conditional GAN, each digit's label one-hot.
:func:`read_digits` is the image analogue of the 2-D targets' modes covered and high-quality
samples: the shipped digit classifier labels the generated images; the share of each class,
the share of confident samples and the classes covered are what a snapshot shows, so mode
collapse is seen as bars vanishing.  :func:`nearest_images` finds each generated image's
nearest training image (a memorisation check).  Both compute with torch on the engine's
threads (the classifier's own weights, applied as :mod:`..digit_classifier` does): numpy's
BLAS would start threads of its own for every product.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from ..digit_classifier import classifier, digit_score
from ..digits import CLASSES, DIGITS_SHAPE, load_digits
from .metrics import js_from_histograms
from .targets import Target

__all__ = ["CONFIDENT", "COVERED_SHARE", "DigitReading", "DigitsTarget", "class_probabilities",
           "nearest_images", "read_digits", "to_pixels"]

#: A generated image is a confident sample when the classifier gives its class at least this
#: probability.
CONFIDENT = 0.9
#: A class is covered when at least this share of the generated images are confident samples
#: of it (a tenth of its fair share of ten classes).
COVERED_SHARE = 0.01


class DigitsTarget(Target):
    """The 8 × 8 digits (1,797 images, 10 classes), drawn with replacement; for the
    conditional GAN with their labels one-hot."""

    def __init__(self, conditional: bool) -> None:
        pixels = DIGITS_SHAPE[0] * DIGITS_SHAPE[1]
        super().__init__("digits", pixels, np.tile([[0.0, 1.0]], (pixels, 1)),
                         shift=np.full(pixels, 0.5), scale=0.5)
        self.conditional = conditional
        self.condition_dim = CLASSES if conditional else 0
        self.image_shape = DIGITS_SHAPE
        images, labels = load_digits()
        #: The training images (read-only, rows of pixels in [0, 1]) and their labels.
        self.images, self.labels = images, labels
        #: Each class's share of the training images (the histogram a generator should match).
        self.class_shares = np.bincount(labels, minlength=CLASSES) / len(labels)

    def to(self, device: torch.device) -> DigitsTarget:
        super().to(device)
        self._images_t = torch.tensor(np.array(self.images), device=device)
        self._labels_t = torch.tensor(np.array(self.labels), device=device)
        self._eye = torch.eye(CLASSES, device=device)
        #: The training images as nearest_images takes them (float64, their squared norms).
        self.training = _Training(torch.tensor(np.array(self.images), dtype=torch.float64))
        return self

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        idx = torch.randint(len(self._images_t), (n,), generator=gen, device=self.device)
        return self._images_t[idx]

    def sample_pairs(self, n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Training pairs (image, its label one-hot)."""
        idx = torch.randint(len(self._images_t), (n,), generator=gen, device=self.device)
        return self._images_t[idx], self._eye[self._labels_t[idx]]

    def one_hot(self, labels: np.ndarray) -> torch.Tensor:
        """The conditions of ``labels`` (digits 0–9)."""
        return self._eye[torch.as_tensor(np.asarray(labels), device=self.device)]


def to_pixels(net_output: torch.Tensor) -> torch.Tensor:
    """Images in [0, 1] (float64 rows, on the CPU) from the networks' [−1, 1] coordinates; an
    MLP's output is linear, so it is clipped."""
    return (net_output.double() * 0.5 + 0.5).clamp_(0.0, 1.0).cpu()


@lru_cache(maxsize=1)
def _classifier_weights() -> tuple[torch.Tensor, ...]:
    c = classifier()
    return tuple(torch.tensor(np.array(w), dtype=torch.float64) for w in (c.w1, c.b1, c.w2, c.b2))


def class_probabilities(pixels: torch.Tensor) -> np.ndarray:
    """(n, 10) class probabilities of (n, 64) images in [0, 1] by the shipped digit
    classifier (its formula, :meth:`~..digit_classifier.DigitClassifier.probabilities`)."""
    w1, b1, w2, b2 = _classifier_weights()
    logits = torch.tanh(pixels.double() @ w1 + b1) @ w2 + b2
    return torch.softmax(logits, dim=1).numpy()


@dataclass(frozen=True)
class DigitReading:
    """What the classifier makes of a batch of generated images."""

    #: Each class's share of the batch (the classifier's best guess for every image).
    class_histogram: np.ndarray
    #: Share of the batch given its class with probability ≥ :data:`CONFIDENT`.
    confident_share: float
    #: Classes holding at least :data:`COVERED_SHARE` of the batch as confident samples.
    covered: int
    #: Jensen–Shannon divergence between the class histogram and the training images'.
    js_divergence: float
    #: exp of the mutual information between image and class (1 to 10; see digit_score).
    score: float
    #: The classifier's label of each image.
    labels: np.ndarray


def read_digits(probabilities: np.ndarray, class_shares: np.ndarray) -> DigitReading:
    """The reading of a batch of images from the classifier's ``probabilities`` (n × 10; see
    :func:`class_probabilities`), against the training images' ``class_shares``."""
    labels = probabilities.argmax(axis=1)
    confident = probabilities.max(axis=1) >= CONFIDENT
    n = max(len(probabilities), 1)
    histogram = np.bincount(labels, minlength=CLASSES) / n
    sure = np.bincount(labels[confident], minlength=CLASSES) / n
    return DigitReading(
        class_histogram=histogram, confident_share=float(confident.mean()),
        covered=int(np.sum(sure >= COVERED_SHARE)),
        js_divergence=js_from_histograms(np.asarray(class_shares, dtype=float), histogram),
        score=digit_score(probabilities), labels=labels)


class _Training:
    """Training images (float64 rows) and their squared norms, computed once."""

    def __init__(self, images: torch.Tensor) -> None:
        self.images = images
        self.norms = (images * images).sum(1)


def nearest_images(images: torch.Tensor | np.ndarray, training: _Training | np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``images``: the index of its nearest training image (Euclidean, over the
    pixels) and the root-mean-square pixel difference to it."""
    if not isinstance(training, _Training):
        training = _Training(torch.tensor(np.array(training), dtype=torch.float64))
    x = images.double() if isinstance(images, torch.Tensor) else \
        torch.tensor(np.array(images, dtype=np.float64))
    distance2 = (x * x).sum(1)[:, None] - 2.0 * x @ training.images.T + training.norms[None, :]
    best, index = distance2.min(dim=1)
    return index.numpy(), torch.sqrt(best.clamp_(min=0.0) / x.shape[1]).numpy()
