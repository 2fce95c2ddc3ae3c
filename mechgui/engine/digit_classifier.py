"""A small digit classifier for the 8 × 8 digits, to judge generated images (numpy only).

A one-hidden-layer perceptron, 64 pixels → 32 tanh units → 10 softmax outputs, trained once
by ``scripts/train_digit_classifier.py`` (full-batch Adam with weight decay, seeded) on 80 %
of the digits and shipped as ``resources/data/digit_classifier.npz`` with its accuracy on the
other 20 % (:func:`held_out_split`).  Shipped rather than trained at first use: the same
weights everywhere, nothing written to the user's folders, no start-up cost.

>>> from mechgui.engine.digits import load_digits
>>> images, labels = load_digits()
>>> guesses, confidences = classify(images[:3])
>>> guesses.tolist()
[0, 1, 2]

:func:`digit_score` summarises a batch of generated images: exp of the mutual information
between image and class (the Inception score, with this classifier), from 1 (one digit, or
no confident guess) to 10 (confident guesses spread evenly over the ten digits).
"""

from __future__ import annotations

from functools import lru_cache
from os import PathLike

import numpy as np

from .digits import CLASSES, DIGITS_SHAPE
from .resources import resource_path

__all__ = [
    "CLASSIFIER_FILE",
    "DigitClassifier",
    "classifier",
    "classify",
    "digit_score",
    "held_out_split",
    "train_classifier",
]

CLASSIFIER_FILE = "digit_classifier.npz"
_PIXELS = DIGITS_SHAPE[0] * DIGITS_SHAPE[1]
_WEIGHTS = ("w1", "b1", "w2", "b2")


class DigitClassifier:
    """The perceptron's weights and what it says of images."""

    def __init__(self, w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, b2: np.ndarray,
                 held_out_accuracy: float = float("nan")) -> None:
        self.w1, self.b1, self.w2, self.b2 = (np.asarray(a, dtype=np.float32)
                                              for a in (w1, b1, w2, b2))
        if self.w1.shape[0] != _PIXELS or self.w2.shape != (self.w1.shape[1], CLASSES) \
                or self.b1.shape != (self.w1.shape[1],) or self.b2.shape != (CLASSES,):
            raise ValueError("classifier weights of the wrong shapes")
        #: Share of the held-out digits it classifies right (from the training script).
        self.held_out_accuracy = float(held_out_accuracy)

    @classmethod
    def load(cls, path: str | PathLike[str] | None = None) -> DigitClassifier:
        """The weights in ``path`` (by default the shipped file)."""
        with np.load(path or resource_path("data", CLASSIFIER_FILE), allow_pickle=False) as f:
            return cls(*(f[name] for name in _WEIGHTS),
                       held_out_accuracy=float(f["held_out_accuracy"]))

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything :meth:`load` reads (for ``np.savez``)."""
        return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2,
                "held_out_accuracy": np.float64(self.held_out_accuracy)}

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """(n, 10) class probabilities of (n, 64) images with pixels in [0, 1]."""
        x = np.asarray(images)
        if x.ndim != 2 or x.shape[1] != _PIXELS or x.dtype.kind not in "fiu":
            raise ValueError(f"expected (n, {_PIXELS}) images of 8 × 8 pixels, "
                             f"got an array of shape {x.shape}")
        x = x.astype(np.float32, copy=False)
        if not np.all(np.isfinite(x)):
            raise ValueError("images with a non-finite pixel")
        logits = np.tanh(x @ self.w1 + self.b1) @ self.w2 + self.b2
        return _softmax(logits)

    def classify(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The digit each image most looks like, and the probability given to it."""
        p = self.probabilities(images)
        labels = p.argmax(axis=1)
        return labels, p[np.arange(len(p)), labels]


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


@lru_cache(maxsize=1)
def classifier() -> DigitClassifier:
    """The shipped classifier (read once)."""
    return DigitClassifier.load()


def classify(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(labels, confidences)`` of (n, 64) images in [0, 1], by the shipped classifier."""
    return classifier().classify(images)


def digit_score(probabilities: np.ndarray) -> float:
    """exp(H(mean p) − mean H(p)) of (n, 10) class probabilities: 1 to 10."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1.0)
    if p.ndim != 2 or not len(p):
        return float("nan")
    mean = p.mean(axis=0)
    entropy_of_mean = -(mean * np.log(mean)).sum()
    mean_entropy = -(p * np.log(p)).sum(axis=1).mean()
    return float(np.exp(entropy_of_mean - mean_entropy))


def held_out_split(labels: np.ndarray, share: float = 0.2, seed: int = 0) -> np.ndarray:
    """A boolean mask of the held-out images: ``share`` of each class, drawn from ``seed``."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    held = np.zeros(len(labels), dtype=bool)
    for c in range(CLASSES):
        members = np.flatnonzero(labels == c)
        rng.shuffle(members)
        held[members[:round(share * len(members))]] = True
    return held


def train_classifier(images: np.ndarray, labels: np.ndarray, *, hidden: int = 32,
                     weight_decay: float = 1e-3, iterations: int = 2000, rate: float = 0.01,
                     seed: int = 0) -> DigitClassifier:
    """The perceptron trained on ``images`` by full-batch Adam on the cross-entropy plus
    ``weight_decay``/2 · ‖W‖² (float64, from ``seed``: the same weights every time)."""
    x = np.asarray(images, dtype=np.float64)
    targets = np.eye(CLASSES)[np.asarray(labels)]
    rng = np.random.default_rng(seed)
    params = [rng.normal(0.0, 1.0 / np.sqrt(_PIXELS), (_PIXELS, hidden)), np.zeros(hidden),
              rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, CLASSES)), np.zeros(CLASSES)]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    for t in range(1, iterations + 1):
        w1, b1, w2, b2 = params
        h = np.tanh(x @ w1 + b1)
        g = (_softmax(h @ w2 + b2) - targets) / len(x)
        gh = (g @ w2.T) * (1.0 - h ** 2)
        grads = [x.T @ gh + weight_decay * w1, gh.sum(0), h.T @ g + weight_decay * w2, g.sum(0)]
        for p, grad, m, v in zip(params, grads, first, second):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad ** 2
            p -= rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return DigitClassifier(*params)
