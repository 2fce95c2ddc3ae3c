"""Hamming net: Example 4.3, and the letters of Fig. 4.9 as exemplars."""

import numpy as np
import pytest

from mechgui.engine import ParameterError, create, load_preset
from mechgui.engine.data import load_letters
from mechgui.engine.hamming import hamming_net_input

E = np.array([[1, -1, -1, -1], [-1, -1, -1, 1]])
INPUTS = np.array([[1, 1, -1, -1], [1, -1, -1, -1], [-1, -1, -1, 1], [-1, -1, 1, 1]])


def test_example_4_3_weights_and_biases():
    snap = create("hamming").snapshot()
    np.testing.assert_array_equal(snap["weights"], [[.5, -.5], [-.5, -.5], [-.5, -.5], [-.5, .5]])
    np.testing.assert_array_equal(snap["biases"], [2, 2])


@pytest.mark.parametrize("x, y_in", [
    (INPUTS[0], [3, 1]),  # agrees with e(1) in 3 components, with e(2) in 1
    (INPUTS[1], [4, 2]),
    (INPUTS[2], [2, 4]),
    (INPUTS[3], [1, 3]),
])
def test_example_4_3_net_inputs(x, y_in):
    np.testing.assert_array_equal(hamming_net_input(x, E), y_in)


def test_example_4_3_run_assigns_y1_y1_y2_y2():
    net = create("hamming", exemplars=E, inputs=INPUTS, epsilon=0.2)
    seen = []
    while not net.done:
        snap = net.snapshot()
        if snap["iteration"] == 0:
            seen.append(list(snap["net_input"]))
        net.step()
    snap = net.snapshot()
    assert seen == [[3, 1], [4, 2], [2, 4], [1, 3]]
    assert list(snap["winners"]) == [0, 0, 1, 1]
    assert snap["status"] == "done"


def test_first_input_maxnet_iterations():
    # y(0) = (3, 1), ε = 0.2: y(1) = (3 − 0.2·1, 1 − 0.2·3) = (2.8, 0.4);
    # y(2) = (2.8 − 0.2·0.4, f(0.4 − 0.2·2.8)) = (2.72, 0).
    net = create("hamming", epsilon=0.2)
    net.step()
    np.testing.assert_allclose(net.snapshot()["activations"], [2.8, 0.4])
    net.step()
    snap = net.snapshot()
    np.testing.assert_allclose(snap["activations"], [2.72, 0.0])
    assert snap["winner"] == 0 and snap["maxnet_status"] == "converged"


def test_automatic_epsilon_is_below_one_over_m():
    net = create("hamming")
    assert net.snapshot()["epsilon"] == pytest.approx(0.25)
    assert net.snapshot()["warning"] is None


def test_inputs_must_match_exemplar_length():
    with pytest.raises(ParameterError, match="inputs=.*4 components"):
        create("hamming", exemplars=E, inputs=[[1, -1, 1]])


def test_non_bipolar_values_are_refused():
    with pytest.raises(ParameterError, match=r"exemplars=.*\{-1, 1\}"):
        create("hamming", exemplars="1,0,1,1; -1,1,1,1")


def test_noisy_letters_find_their_letter():
    preset = load_preset("hamming", "letters-noisy")
    net = create("hamming", **preset.params)
    net.step(10_000)
    labels, _ = load_letters()
    assert net.status == "done"
    assert [labels[w] for w in net.snapshot()["winners"]] == ["A1", "C2", "K3"]


def test_clean_letters_are_their_own_nearest_exemplar():
    labels, patterns = load_letters()
    # D3 equals D1 in the book, so those two tie; every other letter wins itself.
    distinct = [i for i, name in enumerate(labels) if name not in ("D1", "D3")]
    net = create("hamming", exemplars=patterns, inputs=patterns[distinct], epsilon=0.04)
    net.step(100_000)
    assert list(net.snapshot()["winners"]) == distinct
