"""Forward-only counterpropagation: the two phases' updates, the staircase refining with
more cluster units, the letters as a lookup table."""

import numpy as np
import pytest

from mechgui.cli import main
from mechgui.engine import ParameterError, create, load_preset
from mechgui.engine.counterpropagation import CURVE_POINTS


def preset(name, seed=None, **changes):
    p = load_preset("counterpropagation", name)
    return create("counterpropagation", seed=p.seed if seed is None else seed,
                  **{**p.params, **changes})


def trained(name, **changes):
    net = preset(name, **changes)
    net.step(net.run_limit)
    assert net.done
    return net.snapshot()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_error_of_1_over_x_falls_as_cluster_units_are_added(seed):
    """Measured: the mean |staircase − 1/x| over [0.1, 10] after both phases, for 4, 8 and
    16 cluster units (each seed: its own training x and initial clusters)."""
    errors = [trained("reciprocal-8", units=m, data_seed=seed, seed=seed)["error"]
              for m in (4, 8, 16)]
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[2] < 0.8 * errors[0]


def test_phase_1_moves_the_winner_toward_x_and_leaves_the_outputs_at_zero():
    net = preset("reciprocal-4", alpha=0.5)
    for _ in range(5):
        net.step()
        snap = net.snapshot()
        j, x = snap["winner"], snap["input"]
        v_old = snap["cluster_before"]
        # the winner was the nearest cluster unit before the update
        others = np.delete(np.arange(4), j)
        before = np.array(snap["cluster_weights"])
        before[j] = v_old
        assert np.all(np.abs(before[others] - x) >= np.abs(v_old - x))
        np.testing.assert_allclose(snap["cluster_weights"][j], v_old + 0.5 * (x - v_old),
                                   rtol=0, atol=1e-15)
        assert snap["step_phase"] == 1 and snap["step_alpha"] == 0.5
    assert np.all(snap["outstar_weights"] == 0)


def test_phase_2_teaches_the_outstar_and_keeps_the_clusters():
    net = preset("reciprocal-4", beta=0.3, alpha_phase2=0.0)
    per_epoch = net.snapshot()["samples_per_epoch"]
    net.step(10 * per_epoch)
    snap = net.snapshot()
    assert snap["phase"] == 2 and snap["epoch"] == 0 and snap["step_phase"] == 1
    clusters = np.array(snap["cluster_weights"])
    net.step()
    snap = net.snapshot()
    j, y = snap["winner"], snap["target"]
    w_old = snap["outstar_before"]
    assert snap["step_phase"] == 2 and snap["step_beta"] == 0.3
    np.testing.assert_allclose(snap["outstar_weights"][j], w_old + 0.3 * (y - w_old),
                               rtol=0, atol=1e-15)
    np.testing.assert_array_equal(snap["cluster_weights"], clusters)  # α₂ = 0
    assert y == pytest.approx(1 / snap["input"])


def test_the_staircase_has_one_step_per_unit_at_most():
    snap = trained("reciprocal-8")
    assert snap["curve_x"].size == snap["curve_y"].size == CURVE_POINTS
    assert len(np.unique(snap["curve_y"])) <= 8
    # each step is its unit's outstar weight, at the x its cluster unit wins
    np.testing.assert_array_equal(np.unique(snap["curve_y"]),
                                  np.unique(snap["outstar_weights"][:, 0][
                                      np.unique(snap["data_winners"])]))
    assert snap["error"] == pytest.approx(np.mean(np.abs(snap["curve_y"] - 1 / snap["curve_x"])))
    assert snap["history_epoch"][-1] == 20 and list(snap["history_phase"][[0, -1]]) == [1, 2]


def test_sine_and_letters_as_a_lookup_table():
    assert trained("sine-10")["error"] < 0.15
    snap = trained("letters-21")
    assert snap["lookup_accuracy"] == 1.0 and snap["curve_y"] is None
    assert list(snap["output_names"]) == ["A", "B", "C", "D", "E", "J", "K"]
    np.testing.assert_array_equal(np.argmax(snap["net_outputs"], axis=1), snap["classes"])
    # a unit of its own per letter (D1 and D3 are the same pattern: they share one)
    assert len(set(snap["data_winners"].tolist())) == 20
    labels = list(snap["labels"])
    assert snap["data_winners"][labels.index("D1")] == snap["data_winners"][labels.index("D3")]
    few = trained("letters-7")
    assert few["lookup_accuracy"] < 1.0
    assert few["targets"].min() == -1  # bipolar codes


def test_snapshots_are_immutable():
    net = preset("reciprocal-4")
    net.step(3)
    snap = net.snapshot()
    with pytest.raises(ValueError):
        snap["cluster_weights"][0, 0] = 1.0
    before = snap["cluster_weights"].copy()
    net.step(50)
    np.testing.assert_array_equal(snap["cluster_weights"], before)


@pytest.mark.parametrize("changes, name", [
    ({"units": 0}, "units"),
    ({"units": 30, "dataset": "letters-onehot"}, "units"),
    ({"beta": 0}, "beta"),
    ({"alpha_phase2": 1.5}, "alpha_phase2"),
    ({"dataset": "cosine"}, "dataset"),
])
def test_bad_parameters_give_one_error_naming_them(changes, name):
    with pytest.raises(ParameterError) as info:
        create("counterpropagation", **changes)
    assert info.value.name == name and "\n" not in str(info.value)


def test_cli(capsys):
    assert main(["run", "counterpropagation", "--preset", "letters-21", "--steps", "2"]) == 0
    assert "A1" in capsys.readouterr().out
    assert main(["run", "counterpropagation", "--set", "units=30", "--set",
                 "dataset=letters-onehot"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
