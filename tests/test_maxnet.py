"""MaxNet: Example 4.1 step by step, and the three ways a lecture shows it failing."""

import numpy as np
import pytest

from mechgui.engine import ParameterError, create
from mechgui.engine.maxnet import MaxNet, maxnet_update

# Example 4.1 as printed (the book rounds to three decimals).
EXAMPLE_4_1 = [
    [0.2, 0.4, 0.6, 0.8],
    [0.0, 0.08, 0.32, 0.56],
    [0.0, 0.0, 0.192, 0.48],
    [0.0, 0.0, 0.096, 0.442],
    [0.0, 0.0, 0.008, 0.422],
    [0.0, 0.0, 0.0, 0.421],
]


def test_example_4_1_every_row():
    net = create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    for t, row in enumerate(EXAMPLE_4_1):
        snap = net.snapshot()
        assert snap["step"] == t
        np.testing.assert_allclose(snap["activations"], row, atol=5e-4)
        net.step()
    snap = net.snapshot()
    assert snap["status"] == "converged" and snap["winner"] == 3 and snap["step"] == 5
    assert snap["done"] is True


def test_example_4_1_exact_values():
    # Unrounded: a4(3) = 0.48 − 0.2·0.192 = 0.4416; a4(5) = 0.4224 − 0.2·0.00768 = 0.420864.
    net = create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    net.step(3)
    assert net.snapshot()["activations"][3] == pytest.approx(0.4416)
    net.step(2)
    assert net.snapshot()["activations"][3] == pytest.approx(0.420864)


def test_stepping_after_done_changes_nothing():
    net = create("maxnet")
    assert net.step(100) == 5
    assert net.step() == 0
    assert net.snapshot()["step"] == 5


def test_epsilon_at_least_one_over_m_warns_and_can_kill_every_node():
    net = create("maxnet", epsilon=0.5, activations=[0.9, 1.0, 0.95, 0.85])
    assert "1/m" in net.snapshot()["warning"]
    net.step(10)
    snap = net.snapshot()
    assert snap["status"] == "all_zero"
    assert snap["winner"] is None
    assert np.all(snap["activations"] == 0)


def test_no_warning_below_one_over_m():
    assert create("maxnet", epsilon=0.249).snapshot()["warning"] is None


def test_exact_tie_is_detected_instead_of_iterating_for_ever():
    net = create("maxnet", epsilon=0.2, activations=[0.5, 0.8, 0.8, 0.1], max_steps=10_000)
    net.step(10_000)
    snap = net.snapshot()
    assert snap["status"] == "tie"
    assert snap["step"] == 2
    assert list(snap["leaders"]) == [1, 2]


def test_step_cap():
    net = create("maxnet", epsilon=0.001, activations=[1.0, 0.999], max_steps=7)
    net.step(100)
    assert net.snapshot()["status"] == "max_steps"
    assert net.step_count == 7


def test_raising_the_step_cap_live_resumes_the_run():
    net = create("maxnet", epsilon=0.01, activations=[1.0, 0.9], max_steps=3)
    net.step(10)
    assert net.status == "max_steps"
    assert net.set_params(max_steps=1000) is False  # live: no reset
    assert net.status == "running" and net.step_count == 3
    net.step(1000)
    assert net.status == "converged" and net.snapshot()["winner"] == 0


def test_changing_epsilon_is_live_and_changing_inputs_resets():
    net = create("maxnet")
    net.step(2)
    assert net.set_params(epsilon=0.1) is False
    assert net.step_count == 2
    assert net.set_params(activations=[0.1, 0.2]) is True
    assert net.step_count == 0


def test_invalid_change_keeps_the_last_good_state():
    net = create("maxnet")
    net.step(2)
    before = net.snapshot()
    with pytest.raises(ParameterError, match="epsilon"):
        net.set_params(epsilon=1.5)
    after = net.snapshot()
    assert after["step"] == 2 and net.params.epsilon == 0.2
    np.testing.assert_array_equal(before["activations"], after["activations"])


def test_snapshot_is_an_independent_read_only_copy():
    net = create("maxnet")
    snap = net.snapshot()
    with pytest.raises(ValueError):
        snap["activations"][0] = 5.0
    with pytest.raises(TypeError):
        snap["step"] = 3  # type: ignore[index]
    net.step()
    assert snap["activations"][0] == 0.2


def test_update_is_the_matrix_form_of_the_seed():
    a = np.array([0.3, 0.1, 0.7, 0.2, 0.4])
    eps = 0.15
    weights = np.full((5, 5), -eps) + np.eye(5) * (1 + eps)
    np.testing.assert_allclose(maxnet_update(a, eps), np.maximum(weights @ a, 0))


def test_thousands_of_nodes_converge():
    rng = np.random.default_rng(0)
    net = MaxNet(epsilon=1 / 2000, activations=rng.random(1000), max_steps=10_000)
    net.step(100_000)
    snap = net.snapshot()
    assert snap["status"] == "converged"
    assert snap["winner"] == int(np.argmax(net.params.activations))


def test_trajectory_follows_the_strongest_nodes_and_stays_bounded():
    net = create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    net.step(5)
    snap = net.snapshot()
    assert list(snap["tracked"]) == [3, 2, 1, 0]
    assert list(snap["trajectory_steps"]) == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(snap["trajectory"][:, 0], [0.8, 0.56, 0.48, 0.442, 0.422, 0.421],
                               atol=5e-4)
    long = create("maxnet", epsilon=1e-9, activations=np.linspace(0.5, 0.6, 30),
                  max_steps=1_000_000)
    long.step(20_000)
    snap = long.snapshot()
    steps = snap["trajectory_steps"]
    assert len(steps) <= 4097 and steps[0] == 0 and steps[-1] == 20_000
    assert np.all(np.diff(steps) > 0) and snap["trajectory"].shape == (len(steps), 12)
    np.testing.assert_array_equal(snap["trajectory"][-1], snap["activations"][snap["tracked"]])
