"""ART1 with fast learning: a small example worked by hand, vigilance on the letters,
stability, and the parameters' limits."""

import numpy as np
import pytest

from mechgui.cli import main
from mechgui.engine import ParameterError, create, load_preset
from mechgui.engine.art1 import SWEEP_VIGILANCE, initial_weights, present
from mechgui.engine.data import load_letters


def preset(name, **changes):
    p = load_preset("art1", name)
    return create("art1", seed=p.seed, **{**p.params, **changes})


def steps(net, count):
    out = []
    for _ in range(count):
        net.step()
        out.append(net.snapshot())
    return out


def test_four_vectors_by_hand_at_vigilance_0_4():
    """n = 4, m = 3, L = 2, ρ = 0.4; b_ij(0) = 1/(1 + n) = 0.2, t_ji(0) = 1.

    Epoch 1
      s(1) = (1,1,0,0), |s| = 2: y = (.4, .4, .4), J = 1 (lowest index); x = s ∧ t1 = s,
             |x|/|s| = 1 ≥ .4: b1 = 2x/(1 + 2) = (.667, .667, 0, 0), t1 = (1,1,0,0).
      s(2) = (0,0,0,1), |s| = 1: y = (0, .2, .2), J = 2; ratio 1: b2 = 2x/(1 + 1) = (0,0,0,1),
             t2 = (0,0,0,1).
      s(3) = (1,0,0,0): y = (.667, 0, .2), J = 1; x = (1,0,0,0), ratio 1:
             b1 = (1,0,0,0), t1 = (1,0,0,0).
      s(4) = (0,0,1,1), |s| = 2: y = (0, 1, .4), J = 2; x = (0,0,0,1), ratio 1/2 ≥ .4:
             b2 = 2(0,0,0,1)/(1 + 1) = (0,0,0,1), t2 = (0,0,0,1): unchanged.
    Epoch 2: s(1) → J = 1 (y1 = 1, ratio .5), s(2) → 2, s(3) → 1, s(4) → 2: no weight
    changes, so training stops with two categories, {s(1), s(3)} with t1 = (1,0,0,0) and
    {s(2), s(4)} with t2 = (0,0,0,1); unit 3 is never used.
    """
    net = preset("four-vectors")
    snaps = steps(net, 8)
    nets = [[0.4, 0.4, 0.4], [0, 0.2, 0.2], [2 / 3, 0, 0.2], [0, 1, 0.4]]
    for snap, y in zip(snaps, nets):
        np.testing.assert_allclose(snap["net_input"], y, rtol=0, atol=1e-12)
    assert [s["category"] for s in snaps] == [0, 1, 0, 1, 0, 1, 0, 1]
    assert [s["changed"] for s in snaps] == [True, True, True, False] + [False] * 4
    assert [list(s["tried"]) for s in snaps] == [[0], [1], [0], [1]] * 2
    np.testing.assert_allclose(snaps[0]["bottom_up"][0], [2 / 3, 2 / 3, 0, 0], atol=1e-12)
    assert snaps[3]["tried_match"][0] == 0.5 and snaps[4]["tried_match"][0] == 0.5
    last = snaps[-1]
    assert last["status"] == "converged" and last["epoch"] == 2 and net.done
    np.testing.assert_array_equal(last["top_down"], [[1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 1, 1]])
    np.testing.assert_allclose(last["bottom_up"], [[1, 0, 0, 0], [0, 0, 0, 1], [0.2] * 4])
    assert list(last["assigned"]) == [0, 1, 0, 1] and last["categories"] == 2


def test_four_vectors_by_hand_at_vigilance_0_7():
    """The same with ρ = 0.7.  Epoch 1 as before up to s(4) = (0,0,1,1): J = 2 gives
    |x|/|s| = 1/2 < .7, reset; then y3 = .4 > y1 = 0, J = 3, ratio 1: b3 = 2(0,0,1,1)/3 =
    (0, 0, .667, .667), t3 = (0,0,1,1).  Epoch 2, s(1) = (1,1,0,0): y = (1, 0, 0); J = 1
    gives 1/2 < .7, reset; J = 2 (ties: lowest index) and J = 3 give 0, reset: every unit
    is inhibited and s(1) cannot be clustered.  s(2), s(3), s(4) go to 2, 1, 3 with no
    change: converged, three categories, s(1) in none."""
    snaps = steps(preset("four-vectors-strict"), 8)
    fourth, fifth = snaps[3], snaps[4]
    assert list(fourth["tried"]) == [1, 2] and list(fourth["tried_reset"]) == [True, False]
    np.testing.assert_allclose(fourth["tried_match"], [0.5, 1.0])
    np.testing.assert_allclose(fourth["bottom_up"][2], [0, 0, 2 / 3, 2 / 3], atol=1e-12)
    assert list(fifth["tried"]) == [0, 1, 2] and all(fifth["tried_reset"])
    np.testing.assert_allclose(fifth["tried_match"], [0.5, 0, 0])
    assert fifth["category"] is None and fifth["assigned"][0] == -1
    last = snaps[-1]
    assert last["status"] == "converged" and last["categories"] == 3
    assert list(last["assigned"]) == [-1, 1, 0, 2]


def test_more_vigilance_never_fewer_categories_on_the_letters():
    counts = []
    for rho in (0.3, 0.6, 0.9):
        net = create("art1", dataset="letters", vigilance=rho, max_clusters=25)
        net.step(net.run_limit)
        snap = net.snapshot()
        assert snap["status"] == "converged"
        assert np.all(snap["assigned"] >= 0)  # 25 units are enough for every letter
        counts.append(snap["categories"])
        sweep = dict(zip(np.round(snap["sweep_vigilance"], 2), snap["sweep_categories"]))
        assert sweep[rho] == snap["categories"]
    assert counts[0] <= counts[1] <= counts[2], counts
    assert counts == [7, 10, 20]


@pytest.mark.parametrize("rho", [0.2, 0.45, 0.7, 0.95])
def test_a_pattern_presented_twice_lands_in_the_same_category(rho):
    _, letters = load_letters(bipolar=False)
    twice = np.repeat(letters, 2, axis=0)  # A1, A1, B1, B1, …
    net = create("art1", dataset="custom", inputs=twice, vigilance=rho, max_clusters=25)
    for _ in range(2 * len(twice)):  # two epochs
        net.step()
        first = net.snapshot()["category"]
        net.step()
        assert net.snapshot()["category"] == first
        if net.done:
            break


def test_once_converged_every_input_finds_its_category_again():
    net = create("art1", dataset="letters", vigilance=0.5)
    net.step(net.run_limit)
    snap = net.snapshot()
    bottom_up, top_down = np.array(snap["bottom_up"]), np.array(snap["top_down"])
    for i, s in enumerate(snap["inputs"]):
        result = present(s, bottom_up, top_down, 0.5, 2.0)
        assert result["category"] == snap["assigned"][i] and not result["changed"]


def test_fast_learning_weights():
    b, t = initial_weights(3, 5)
    np.testing.assert_allclose(b, 1 / 6)
    s = np.array([1, 0, 1, 1, 0.0])
    result = present(s, b, t, 0.9, 3.0)
    assert result["category"] == 0
    np.testing.assert_allclose(b[0], 3 * s / (3 - 1 + 3))
    np.testing.assert_array_equal(t[0], s)


def test_snapshots_are_immutable_and_the_sweep_is_shared():
    net = preset("letters-0.6")
    first = net.snapshot()
    net.step(5)
    snap = net.snapshot()
    assert snap["sweep_categories"] is first["sweep_categories"]
    assert snap["inputs"] is first["inputs"]
    with pytest.raises(ValueError):
        snap["top_down"][0, 0] = 0
    assert list(SWEEP_VIGILANCE[[0, -1]]) == [0.05, 1.0]


@pytest.mark.parametrize("changes, name", [
    ({"vigilance": 0}, "vigilance"),
    ({"vigilance": 1.2}, "vigilance"),
    ({"L": 1}, "L"),
    ({"max_clusters": 0}, "max_clusters"),
    ({"dataset": "custom"}, "inputs"),
    ({"dataset": "custom", "inputs": [[1, 0], [0, 0]]}, "inputs"),
    ({"dataset": "custom", "inputs": [[1, 2]]}, "inputs"),
    ({"inputs": [[1, 0]]}, "inputs"),
])
def test_bad_parameters_give_one_error_naming_them(changes, name):
    with pytest.raises(ParameterError) as info:
        create("art1", **changes)
    assert info.value.name == name and "\n" not in str(info.value)


def test_cli(capsys):
    assert main(["run", "art1", "--preset", "four-vectors-strict"]) == 0
    out = capsys.readouterr().out
    assert "1✗ 2✗ 3✗" in out and "converged after 8 steps" in out
    assert main(["run", "art1", "--set", "vigilance=0"]) == 2
    assert capsys.readouterr().err.strip().startswith("error: vigilance=0 is not allowed")
