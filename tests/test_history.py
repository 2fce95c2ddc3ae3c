"""The bounded history behind MaxNet's trajectory and the GAN's loss and metric histories."""

import math

import numpy as np
import pytest

from mechgui.engine.history import History


class _StrideTrajectory:
    """The MaxNet trajectory as it was before History: rows at steps 0, s, 2s, …, made room
    for (every 2s-th step kept) only when a row arrives at a full buffer."""

    def __init__(self, capacity, first):
        self.capacity, self.stride = capacity, 1
        self.steps, self.rows = [0], [np.array(first, dtype=float)]

    def add(self, step, row):
        if step % self.stride:
            return
        if len(self.steps) == self.capacity:
            keep = [i for i, s in enumerate(self.steps) if s % (2 * self.stride) == 0]
            self.steps = [self.steps[i] for i in keep]
            self.rows = [self.rows[i] for i in keep]
            self.stride *= 2
            if step % self.stride:
                return
        self.steps.append(step)
        self.rows.append(np.array(row, dtype=float))


class _WindowHistory:
    """The GAN history as it was before History: means over windows of ``window`` rows;
    at ``capacity`` rows, neighbours averaged pairwise and the window doubled."""

    def __init__(self, capacity):
        self.capacity, self.window = capacity, 1
        self.steps, self.rows, self.sum, self.count = [], [], None, 0

    def add(self, step, values):
        self.sum = list(values) if self.sum is None else [a + b for a, b in zip(self.sum, values)]
        self.count += 1
        if self.count >= self.window:
            self.steps.append(step)
            self.rows.append(tuple(s / self.count for s in self.sum))
            self.sum, self.count = None, 0
            if len(self.rows) >= self.capacity:
                pairs = len(self.rows) // 2
                self.steps = [self.steps[2 * i + 1] for i in range(pairs)]
                self.rows = [tuple((a + b) / 2 for a, b in zip(self.rows[2 * i], self.rows[2 * i + 1]))
                             for i in range(pairs)]
                self.window *= 2


@pytest.mark.parametrize("capacity", [2, 4, 8, 64])
def test_thinning_keeps_what_the_stride_trajectory_kept(capacity):
    """An odd capacity C + 1 keeps, after every step, the rows a trajectory of C kept."""
    rng = np.random.default_rng(capacity)
    first = rng.random(3)
    old = _StrideTrajectory(capacity, first)
    new = History(3, capacity + 1, "thin")
    new.add(0, first)
    for step in range(1, 40 * capacity):
        row = rng.random(3)
        old.add(step, row)
        new.add(step, row)
        np.testing.assert_array_equal(new.steps, old.steps)
        np.testing.assert_array_equal(new.rows, np.array(old.rows))
    assert new.count <= capacity + 1 and new.steps[0] == 0


@pytest.mark.parametrize("capacity", [2, 6, 16])
def test_averaging_gives_the_window_means_bit_for_bit(capacity):
    rng = np.random.default_rng(capacity)
    old, new = _WindowHistory(capacity), History(2, capacity, "mean")
    for step in range(1, 50 * capacity):
        values = (float(rng.normal()), math.nan if step % 7 == 0 else float(rng.random()))
        old.add(step, values)
        new.add(step, values)
        table = new.table(("a", "b"))
        np.testing.assert_array_equal(table["step"], old.steps)
        expected = np.array(old.rows, dtype=float).reshape(len(old.rows), 2)
        np.testing.assert_array_equal(table["a"], expected[:, 0])
        np.testing.assert_array_equal(table["b"], expected[:, 1])
        assert new.stride == old.window


def test_a_mean_row_is_the_mean_of_its_window():
    hist = History(1, 4, "mean")
    for step in range(1, 9):   # 8 rows: halved at 4, then windows of 2 …
        hist.add(step, (float(step),))
    assert hist.stride == 4 and list(hist.steps) == [4, 8]
    np.testing.assert_array_equal(hist.rows[:, 0], [2.5, 6.5])
    hist.add(9, (100.0,))      # an open window shows nothing yet
    assert list(hist.steps) == [4, 8]


def test_thinning_keeps_the_first_row_and_every_stride_th():
    hist = History(1, 5, "thin")
    for step in range(0, 5):   # full at 5 rows: halved to 0, 2, 4 (both ends kept)
        hist.add(step, (float(step),))
    assert hist.stride == 2 and list(hist.steps) == [0, 2, 4]
    for step in range(5, 11):  # 5 is skipped, 6 and 8 fill it again: 0, 4, 8; 10 is skipped
        hist.add(step, (float(step),))
    assert hist.stride == 4 and list(hist.steps) == [0, 4, 8]
    np.testing.assert_array_equal(hist.rows[:, 0], hist.steps)


def test_memory_stays_flat_and_tables_are_copies():
    hist = History(2, 16, "mean")
    for step in range(1, 100_000):
        hist.add(step, (1.0, float(step)))
    assert hist.count < 16 and hist._rows.shape == (16, 2)
    table = hist.table(("one", "step_value"))
    np.testing.assert_array_equal(table["one"], 1.0)
    table["one"][0] = 5.0
    assert hist.rows[0, 0] == 1.0


def test_bad_arguments():
    with pytest.raises(ValueError):
        History(1, 8, "median")
    with pytest.raises(ValueError):
        History(1, 1)
