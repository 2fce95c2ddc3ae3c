"""The extended SOMs' data sets: seeded 2-D Gaussian clusters (numpy only, no numba).

``elongated``
    two long, thin Gaussian clusters at different angles (standard deviations 0.16
    along and 0.022 across): a hyper-circle unit (the standard SOM) covers one of them
    only with several units in a row, a hyper-ellipse unit (``distance=ellipse``) alone;
``overlapping``
    three round Gaussian clusters (standard deviation 0.1) whose tails overlap: the
    inputs between them belong a little to each (``membership=fuzzy``).

:data:`SOM_CLUSTERS` gives each cluster's centre, standard deviations and angle, so that a
test or a view can compare what the map learned with the clusters' true covariances
(:func:`cluster_covariances`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["SOM_CLOUDS", "SOM_CLUSTERS", "cluster_covariances", "make_clusters"]

#: The data sets of this module (2-D, drawn from ``points`` and ``data_seed``).
SOM_CLOUDS: tuple[str, ...] = ("elongated", "overlapping")

#: Per data set, its clusters: (centre x, centre y, std along, std across, angle in degrees).
SOM_CLUSTERS: dict[str, tuple[tuple[float, float, float, float, float], ...]] = {
    "elongated": ((0.30, 0.62, 0.16, 0.022, 35.0), (0.70, 0.38, 0.16, 0.022, -50.0)),
    "overlapping": ((0.32, 0.35, 0.10, 0.10, 0.0), (0.68, 0.36, 0.10, 0.10, 0.0),
                    (0.50, 0.66, 0.10, 0.10, 0.0)),
}


def _rotation(degrees: float) -> np.ndarray:
    a = math.radians(degrees)
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


def cluster_covariances(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The clusters' centres (k × 2) and covariance matrices (k × 2 × 2)."""
    specs = SOM_CLUSTERS[name]
    centres = np.array([[s[0], s[1]] for s in specs])
    covs = []
    for _, _, along, across, angle in specs:
        r = _rotation(angle)
        covs.append(r @ np.diag([along ** 2, across ** 2]) @ r.T)
    return centres, np.array(covs)


def make_clusters(name: str, points: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``points`` inputs of the data set ``name`` (cluster k gets every k-th point) in a
    seeded random order, and the cluster each one was drawn from."""
    specs = SOM_CLUSTERS[name]
    rng = np.random.default_rng(seed)
    which = np.arange(points) % len(specs)
    data = np.empty((points, 2))
    for k, (cx, cy, along, across, angle) in enumerate(specs):
        rows = which == k
        local = rng.normal(0.0, 1.0, (int(rows.sum()), 2)) * [along, across]
        data[rows] = [cx, cy] + local @ _rotation(angle).T
    order = rng.permutation(points)
    return data[order], which[order]
