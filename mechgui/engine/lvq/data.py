"""LVQ's labelled data: 2-D Gaussian classes (seeded), Fausett's five vectors, the letters."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data import LETTER_COLS, LETTER_ROWS, load_letters

__all__ = [
    "CLOUDS",
    "LVQ_DATASETS",
    "class_sizes",
    "labelled_cloud",
    "lvq_dataset",
    "lvq_dimension",
]

#: Labelled 2-D clouds (seeded), then the data sets of the course material.
CLOUDS: tuple[str, ...] = ("three-gaussians", "two-gaussians", "xor")
LVQ_DATASETS: tuple[str, ...] = CLOUDS + ("fausett-five", "letters")
#: Fausett's LVQ example: five vectors of two classes (the first of each class starts a prototype).
FIVE_VECTORS = np.array([[1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 1, 1, 0]],
                        dtype=float)
FIVE_CLASSES = np.array([0, 1, 1, 0, 1])

# class centres and spreads of the clouds (points per class; xor: two blobs per class)
_CLOUD_SPECS = {
    "two-gaussians": ([[0.3, 0.35]], [[0.7, 0.65]], 0.07),
    "three-gaussians": ([[0.25, 0.3]], [[0.72, 0.32]], [[0.6, 0.55]], 0.09),
    "xor": ([[0.25, 0.25], [0.75, 0.75]], [[0.25, 0.75], [0.75, 0.25]], 0.08),
}


def class_sizes(p: Any) -> tuple[int, int]:
    """(number of classes, size of the smallest class) of a named data set."""
    if p.dataset == "letters":
        return 7, 3
    if p.dataset == "fausett-five":
        return 2, 2
    return len(_CLOUD_SPECS[p.dataset]) - 1, p.points


def lvq_dimension(name: str) -> int:
    """Input dimension of a named data set."""
    return {"letters": LETTER_ROWS * LETTER_COLS, "fausett-five": 4}.get(name, 2)


def labelled_cloud(name: str, points: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``points`` vectors per class of the 2-D cloud ``name`` and their class indices, in a
    seeded random order."""
    *classes, spread = _CLOUD_SPECS[name]
    rng = np.random.default_rng(seed)
    data, target = [], []
    for k, centres in enumerate(classes):
        centres = np.asarray(centres)
        which = np.arange(points) % len(centres)
        data.append(centres[which] + rng.normal(0.0, spread, (points, 2)))
        target.append(np.full(points, k))
    order = rng.permutation(points * len(classes))
    return np.concatenate(data)[order], np.concatenate(target)[order]


def lvq_dataset(p: Any) -> dict[str, Any]:
    """``data``, ``targets`` (class indices 0 … K−1), ``classes`` (their names), ``labels``
    (a name per vector) and ``input_shape`` ((9, 7) for the letters, else None)."""
    shape, labels = None, None
    if p.dataset == "custom":
        values, targets = np.unique(p.targets, return_inverse=True)
        data, classes = np.array(p.data, dtype=float), [f"{v:g}" for v in values]
    elif p.dataset == "letters":
        labels, data = load_letters(bipolar=False)
        classes = sorted({name[0] for name in labels}, key=[n[0] for n in labels].index)
        targets = np.array([classes.index(name[0]) for name in labels])
        shape = (LETTER_ROWS, LETTER_COLS)
    elif p.dataset == "fausett-five":
        data, targets, classes = FIVE_VECTORS.copy(), FIVE_CLASSES.copy(), ["1", "2"]
    else:
        data, targets = labelled_cloud(p.dataset, p.points, p.data_seed)
        classes = [str(k + 1) for k in range(int(targets.max()) + 1)]
    if labels is None:
        labels = [f"x({i + 1})" for i in range(len(data))]
    return {"data": data, "targets": np.asarray(targets, dtype=np.int64),
            "classes": tuple(classes), "labels": tuple(labels), "input_shape": shape}
