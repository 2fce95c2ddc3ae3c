"""Mexican Hat: Example 4.2 at t = 1 and t = 2."""

import numpy as np
import pytest

from mechgui.engine import ParameterError, create
from mechgui.engine.mexican_hat import interconnection_weights


def test_example_4_2_t1_exact():
    net = create("mexican_hat")  # the defaults are Example 4.2
    net.step()
    # Step 3 (t = 1) before the ramp: -0.2, 0.38, 1.06, 1.16, 1.06, 0.38, -0.2; Step 4 clips.
    np.testing.assert_allclose(net.snapshot()["activations"],
                               [0.0, 0.38, 1.06, 1.16, 1.06, 0.38, 0.0], atol=1e-12)


def test_example_4_2_t2_follows_the_formula():
    net = create("mexican_hat")
    net.step(5)
    snap = net.snapshot()
    assert snap["status"] == "done" and snap["step"] == 2
    # The book prints x = (0.0, 0.39, 1.14, 1.66, 1.14, 0.39, 0.0).  Its own Step 3 gives
    # x2 = 0.6(0.0) + 0.6(0.38) + 0.6(1.06) − 0.4(1.16) = 0.400, not 0.39 (a rounding slip
    # in the book, repeated for x6): we follow the formula.
    expected = [0.0, 0.40, 1.136, 1.664, 1.136, 0.40, 0.0]
    np.testing.assert_allclose(snap["activations"], expected, atol=1e-12)
    np.testing.assert_allclose(snap["activations"][[2, 3, 4]], [1.14, 1.66, 1.14], atol=0.005)
    assert snap["profiles"].shape == (3, 7)
    np.testing.assert_allclose(snap["profiles"][0], [0.0, 0.5, 0.8, 1.0, 0.8, 0.5, 0.0])


def test_units_beyond_the_ends_contribute_nothing():
    # x1 = 0.6 x1 + 0.6 x2 − 0.4 x3 (no terms for x_-1, x_0): Example 4.2's formula for x_1.
    net = create("mexican_hat", signal=[1.0, 0.0, 0.0, 0.0, 0.0], x_max=10)
    net.step()
    np.testing.assert_allclose(net.snapshot()["activations"], [0.6, 0.6, 0.0, 0.0, 0.0])


def test_weights_follow_fig_4_2():
    np.testing.assert_allclose(interconnection_weights(1, 3, 0.6, -0.4),
                               [-0.4, -0.4, 0.6, 0.6, 0.6, -0.4, -0.4])


def test_ramp_ceiling():
    net = create("mexican_hat", signal=[5.0, 5.0, 5.0], x_max=2.0, t_max=1)
    net.step()
    assert net.snapshot()["activations"].max() == 2.0


def test_r2_must_exceed_r1():
    with pytest.raises(ParameterError, match=r"r2=2 .*greater than r1 = 2"):
        create("mexican_hat", r1=2, r2=2)


def test_a_fixed_point_is_reported_as_converged():
    net = create("mexican_hat", signal=[0.0, 0.0, 0.0], t_max=100)
    net.step(100)
    assert net.snapshot()["status"] == "converged"
    assert net.step_count == 1
