"""Helpers the competitive-learning models (LVQ, counterpropagation, ART1) share."""

from __future__ import annotations

import numpy as np

__all__ = ["EpochSteps", "epoch_order", "nearest"]


def epoch_order(rng: np.random.Generator, rows: np.ndarray, order: str) -> np.ndarray:
    """The rows to present in the coming epoch: in data order, or a fresh permutation."""
    return rng.permutation(rows) if order == "shuffled" else rows.copy()


def nearest(points: np.ndarray, prototypes: np.ndarray) -> np.ndarray:
    """Index of the nearest prototype of each row of ``points``."""
    d = (points * points).sum(1)[:, None] - 2 * points @ prototypes.T \
        + (prototypes * prototypes).sum(1)[None, :]
    return np.argmin(d, axis=1)


class EpochSteps:
    """For a simulation whose step presents the next row of ``order``: ``epoch`` counts the
    epochs completed, ``position`` the rows shown in this one; after its last row,
    ``_end_epoch`` (epoch and position already moved on) draws the next order."""

    epoch: int
    position: int
    order: np.ndarray

    def _advance(self) -> None:
        """The row at ``position`` has been presented."""
        self.position += 1
        if self.position >= len(self.order):
            self.epoch += 1
            self.position = 0
            self._end_epoch()

    def _end_epoch(self) -> None:  # pragma: no cover - every model has its own
        raise NotImplementedError
