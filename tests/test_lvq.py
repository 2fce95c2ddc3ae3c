"""LVQ1 and LVQ2.1: single updates worked out by hand, the window rule, accuracy, limits."""

import numpy as np
import pytest

from mechgui.cli import main
from mechgui.engine import ParameterError, create, load_preset
from mechgui.engine.lvq import HISTORY_ROWS, LVQ, REGION_GRID, lvq21_ratio


def preset(name, **changes):
    p = load_preset("lvq", name)
    return create("lvq", seed=p.seed, **{**p.params, **changes})


def test_fausett_five_vectors_three_steps_by_hand():
    """Fausett's LVQ example: w1 = (1,1,0,0) of class 1, w2 = (0,0,0,1) of class 2, α = .1.

    1. x = (0,0,1,1), class 2: ‖x − w1‖² = 4, ‖x − w2‖² = 1, J = 2, right: toward,
       w2 = (0,0,0,1) + .1 (0,0,1,0) = (0, 0, .1, 1).
    2. x = (1,0,0,0), class 1: ‖x − w1‖² = 1, ‖x − w2‖² = 1.01 + 1 = 2.01 … J = 1, right:
       w1 = (1,1,0,0) + .1 (0,−1,0,0) = (1, .9, 0, 0).
    3. x = (0,1,1,0), class 2: ‖x − w1‖² = 1 + .01 + 1 = 2.01, ‖x − w2‖² = 1 + .81 + 1 = 2.81,
       J = 1, wrong: away, w1 = (1,.9,0,0) − .1 (−1, .1, 1, 0) = (1.1, .89, −.1, 0).
    """
    net = preset("fausett-five")
    snap = net.snapshot()
    np.testing.assert_array_equal(snap["prototypes"], [[1, 1, 0, 0], [0, 0, 0, 1]])
    assert list(snap["training"]) == [2, 3, 4] and list(snap["prototype_sources"]) == [0, 1]
    expected = [
        (1, +1, [[1, 1, 0, 0], [0, 0, 0.1, 1]], [4, 1]),
        (0, +1, [[1, 0.9, 0, 0], [0, 0, 0.1, 1]], [1, 2.01]),
        (0, -1, [[1.1, 0.89, -0.1, 0], [0, 0, 0.1, 1]], [2.01, 2.81]),
    ]
    for step, (winner, sign, weights, squared) in enumerate(expected, start=1):
        net.step()
        snap = net.snapshot()
        assert snap["winner"] == winner and list(snap["moved"]) == [winner]
        assert list(snap["move_signs"]) == [sign]
        np.testing.assert_allclose(snap["prototypes"], weights, rtol=0, atol=1e-12)
        np.testing.assert_allclose(snap["distances"] ** 2, squared, rtol=0, atol=1e-12)
        assert snap["step_learning_rate"] == 0.1 and snap["step_epoch"] == 1
    assert "moves away from x" in snap["rule"]
    assert snap["epoch"] == 1 and snap["learning_rate"] == pytest.approx(0.09)  # linear decay


def two_prototypes(x, target, classes=(0, 1), window=0.3, third=None):
    """One LVQ2.1 step on x: w1 = (0, 0) of class classes[0], w2 = (1, 0) of classes[1]."""
    protos = [[0.0, 0.0], [1.0, 0.0]] + ([third[0]] if third else [])
    labels = list(classes) + ([third[1]] if third else [])
    net = create("lvq", dataset="custom", data=[x, [9.0, 9.0]], targets=[target, 1 - target],
                 variant="lvq2.1", window=window, initial_prototypes=protos,
                 prototype_classes=labels, learning_rate=0.1, order="sequential")
    net.step()
    return net.snapshot()


def test_lvq21_moves_both_inside_the_window():
    """x = (.4, 0) of class 1: d1 = .4 (w1, class 0, wrong), d2 = .6 (w2, right);
    min(d1/d2, d2/d1) = 2/3 > (1 − .3)/(1 + .3) = .538…: w1 moves away, to
    (0, 0) − .1 (.4, 0) = (−.04, 0); w2 toward, to (1, 0) + .1 (−.6, 0) = (.94, 0)."""
    snap = two_prototypes([0.4, 0.0], 1)
    assert snap["winner"] == 0 and snap["runner_up"] == 1
    assert snap["window_ratio"] == pytest.approx(2 / 3, abs=1e-15) and snap["in_window"]
    assert list(snap["moved"]) == [0, 1] and list(snap["move_signs"]) == [-1, 1]
    np.testing.assert_allclose(snap["prototypes"], [[-0.04, 0], [0.94, 0]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(snap["moved_from"], [[0, 0], [1, 0]])
    # the right one nearer: x = (.6, 0) of class 0, w1 right (.6), w2 wrong (.4)
    snap = two_prototypes([0.6, 0.0], 0)
    assert snap["winner"] == 1 and list(snap["move_signs"]) == [-1, 1]
    np.testing.assert_allclose(snap["prototypes"], [[0.06, 0], [1.04, 0]], rtol=0, atol=1e-15)


def test_lvq21_outside_the_window_or_both_alike_nothing_moves():
    # d1/d2 = .1/.9 = .111 < .538: outside
    snap = two_prototypes([0.1, 0.0], 1)
    assert not snap["in_window"] and snap["moved"].size == 0
    np.testing.assert_array_equal(snap["prototypes"], [[0, 0], [1, 0]])
    assert "outside the window" in snap["rule"]
    # on the border: .25/.75 = 1/3 = (1 − .5)/(1 + .5) is not "> (1 − w)/(1 + w)"
    snap = two_prototypes([0.25, 0.0], 1, window=0.5)
    assert snap["window_ratio"] == (1 - 0.5) / (1 + 0.5) and not snap["in_window"]
    assert snap["moved"].size == 0
    # in the window but both nearest of class 1 while x is of class 0: no move
    snap = two_prototypes([0.75, 0.0], 0, third=([0.5, 0.05], 1))
    assert {snap["winner"], snap["runner_up"]} == {1, 2} and snap["in_window"]
    assert snap["moved"].size == 0 and "not one right and one wrong" in snap["rule"]


def test_window_ratio():
    assert lvq21_ratio(0.4, 0.6) == lvq21_ratio(0.6, 0.4) == pytest.approx(2 / 3)
    assert lvq21_ratio(0.0, 0.0) == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("variant", ["lvq1", "lvq2.1"])
def test_accuracy_on_a_separable_set_at_least_95_percent(seed, variant):
    net = create("lvq", dataset="two-gaussians", points=100, data_seed=seed, variant=variant,
                 prototypes_per_class=2 if variant == "lvq2.1" else 1, epochs=10, seed=seed)
    net.step(net.run_limit)
    snap = net.snapshot()
    assert snap["status"] == "done"
    assert snap["accuracy"] >= 0.95
    assert snap["history_accuracy"][-1] == snap["accuracy"]


def test_letters_one_prototype_per_class_from_font_1():
    net = preset("letters")
    snap = net.snapshot()
    assert snap["classes"] == ("A", "B", "C", "D", "E", "J", "K")
    assert [snap["labels"][i] for i in snap["prototype_sources"]] == \
        ["A1", "B1", "C1", "D1", "E1", "J1", "K1"]
    np.testing.assert_array_equal(snap["prototypes"], snap["data"][:7])
    assert snap["samples_per_epoch"] == 14 and snap["input_shape"] == (9, 7)
    net.step(net.run_limit)
    assert net.snapshot()["accuracy"] == 1.0


def test_three_classes_regions_and_presets_run():
    net = preset("three-gaussians")
    snap = net.snapshot()
    assert snap["region"].shape == (REGION_GRID, REGION_GRID)
    assert set(np.unique(snap["region"])) == {0, 1, 2}
    np.testing.assert_array_equal(snap["region"], snap["prototype_classes"][snap["region_units"]])
    net.step(net.run_limit)
    snap = net.snapshot()
    assert 0.9 <= snap["accuracy"] < 1.0  # the overlapping pair keeps some points wrong
    assert len(snap["misclassified"]) == round((1 - snap["accuracy"]) * len(snap["data"]))
    xor = preset("xor")
    xor.step(xor.run_limit)
    one = preset("xor", prototypes_per_class=1)
    one.step(one.run_limit)
    assert xor.snapshot()["accuracy"] > 0.95
    assert one.snapshot()["accuracy"] < 0.7


def test_snapshots_are_immutable_and_bounded():
    net = preset("fausett-five", epochs=6000, learning_rate_decay="constant")
    net.step(3 * 5000)
    snap = net.snapshot()
    assert len(snap["history_epoch"]) <= HISTORY_ROWS
    for key in ("prototypes", "distances", "history_accuracy", "data"):
        with pytest.raises(ValueError):
            snap[key][0] = 1
    with pytest.raises(TypeError):
        snap["winner"] = 3
    before = snap["prototypes"].copy()
    net.step(3)
    np.testing.assert_array_equal(snap["prototypes"], before)


def test_more_epochs_live_resume_a_finished_run():
    net = preset("fausett-five", epochs=1)
    net.step(10)
    assert net.done and net.step_count == 3
    assert not net.set_params(epochs=2)
    assert not net.done
    net.step(10)
    assert net.step_count == 6


@pytest.mark.parametrize("changes, name", [
    ({"window": 1}, "window"),
    ({"variant": "lvq3"}, "variant"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"dataset": "letters", "prototypes_per_class": 3}, "prototypes_per_class"),
    ({"dataset": "custom"}, "data"),
    ({"dataset": "custom", "data": [[0, 0], [1, 1]], "targets": [0, 0]}, "targets"),
    ({"dataset": "custom", "data": [[0, 0], [1, 1]], "targets": [0, 1.5]}, "targets"),
    ({"data": [[0, 0], [1, 1]]}, "data"),
    ({"initial_prototypes": [[0, 0], [1, 1]]}, "prototype_classes"),
    ({"initial_prototypes": [[0, 0], [1, 1]], "prototype_classes": [1, 9]}, "prototype_classes"),
    ({"initial_prototypes": [[0, 0, 0], [1, 1, 1]], "prototype_classes": [1, 2]},
     "initial_prototypes"),
])
def test_bad_parameters_give_one_error_naming_them(changes, name):
    with pytest.raises(ParameterError) as info:
        create("lvq", **changes)
    assert info.value.name == name and "\n" not in str(info.value)


def test_cli_runs_lvq_and_refuses_a_bad_window(capsys):
    assert main(["run", "lvq", "--preset", "fausett-five", "--steps", "3"]) == 0
    out = capsys.readouterr().out
    assert "x(5)" in out and "1−" in out
    assert main(["run", "lvq", "--set", "window=2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: window=2 is not allowed: expected a number in (0, 1)"]


def test_is_registered():
    assert isinstance(create("lvq"), LVQ)
