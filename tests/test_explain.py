"""The explanations' formulas: for every tab, the right-hand side each formula shows is the
engine's new value after the step (to the digits shown), and no formula shows the numbers
of an earlier state after a reset or a parameter change."""

import re

import numpy as np
import pytest

from mechgui.engine import create, load_preset
from mechgui.engine.explain import formula
from mechgui.engine.explain.hamming import pixel_readout, unit_readout
from mechgui.engine.explain.maxnet import node_readout, trajectory_readout
from mechgui.engine.explain.mexican_hat import unit_readout as profile_readout
from mechgui.engine.explain.mexican_hat import weight_readout
from mechgui.engine.explain.som import history_readout, pair_readout
from mechgui.engine.explain.som import unit_readout as som_unit_readout
from mechgui.engine.explain.text import num, vector

#: A small SOM whose every number is known: three units on a chain, three inputs.
CHAIN = {"dataset": "custom", "data": [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], "rows": 1,
         "cols": 3, "topology": "linear", "neighborhood": "hard", "radius": 1,
         "radius_decay": "constant", "learning_rate": 0.5, "learning_rate_decay": "constant",
         "order": "sequential", "initial_weights": [[0.2, 0.2], [0.5, 0.5], [0.8, 0.8]],
         "epochs": 10}


def shown_value(text: str) -> str:
    """The right-hand side a formula ends with."""
    return text.rsplit(" = ", 1)[1] if " stays " not in text else text.rsplit(" stays ", 1)[1]


def from_preset(model: str, name: str, **changes):
    preset = load_preset(model, name)
    return create(model, seed=preset.seed, **{**preset.params, **changes})


# -- MaxNet -------------------------------------------------------------------------------
def test_maxnet_example_4_1_as_the_issue_writes_it():
    net = create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    assert formula("maxnet", net.snapshot(), 2).text == "The input signal: a₃(0) = 0.600"
    net.step()
    assert formula("maxnet", net.snapshot(), 2).text == \
        "a₃(1) = f(a₃ − ε·Σₖ≠₃ aₖ) = f(0.600 − 0.2·(0.200 + 0.400 + 0.800)) = 0.320"
    net.step()  # node 2 goes below 0: the formula shows what f cuts
    assert formula("maxnet", net.snapshot(), 1).text == \
        "a₂(2) = f(a₂ − ε·Σₖ≠₂ aₖ) = f(0.080 − 0.2·(0.000 + 0.320 + 0.560)) = f(−0.096) = 0.000"


@pytest.mark.parametrize("preset", ["fausett-4.1", "close-call", "epsilon-too-large"])
def test_maxnet_every_node_every_step_shows_the_engines_new_value(preset):
    net = from_preset("maxnet", preset)
    steps = 0
    while not net.done and steps < 40:
        net.step()
        steps += 1
        snap = net.snapshot()
        for j, a in enumerate(snap["activations"]):
            shown = formula("maxnet", snap, j)
            assert shown_value(shown.text) == num(a)
            assert shown.value == pytest.approx(a, abs=1e-12)


def test_maxnet_many_nodes_gives_the_sum_not_its_terms():
    net = create("maxnet", epsilon=0.01, activations=np.linspace(0.1, 0.9, 20))
    net.step()
    snap = net.snapshot()
    text = formula("maxnet", snap, 19).text
    others = np.linspace(0.1, 0.9, 20)[:19].sum()
    assert text.startswith("Σ over the 19 other nodes: a₂₀(1) = ")
    assert f"0.01·{num(others)})" in text and shown_value(text) == num(snap["activations"][19])


def test_maxnet_a_live_epsilon_explains_the_step_with_the_epsilon_it_used():
    net = create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    net.step()
    net.set_params(epsilon=0.1)  # live: no reset; the step shown was taken with 0.2
    snap = net.snapshot()
    assert "0.2·(" in formula("maxnet", snap, 3).text
    assert shown_value(formula("maxnet", snap, 3).text) == num(snap["activations"][3])
    net.step()
    snap = net.snapshot()
    text = formula("maxnet", snap, 3).text
    assert "f(0.560 − 0.1·(0.000 + 0.080 + 0.320))" in text
    assert shown_value(text) == num(snap["activations"][3]) == "0.520"


def test_maxnet_no_stale_numbers_after_a_reset_or_new_inputs():
    net = create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    net.step(3)
    net.reset()
    assert formula("maxnet", net.snapshot(), 3).text == "The input signal: a₄(0) = 0.800"
    net.set_params(activations=[0.5, 0.3, 0.9, 0.1])  # not live: the net starts again
    assert formula("maxnet", net.snapshot(), 3).text == "The input signal: a₄(0) = 0.100"
    net.step()
    snap = net.snapshot()
    assert formula("maxnet", snap, 2).text == \
        "a₃(1) = f(a₃ − ε·Σₖ≠₃ aₖ) = f(0.900 − 0.2·(0.500 + 0.300 + 0.100)) = 0.720"


def test_maxnet_readouts():
    net = create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    net.step(2)
    snap = net.snapshot()
    assert node_readout(snap, 3) == "node 4: a₄(2) = 0.480 · leading"
    assert node_readout(snap, 0) == "node 1: a₁(2) = 0.000 · out (inhibited to 0)"
    assert trajectory_readout(snap, 0, 1) == "node 4 at t = 1: a₄ = 0.560"
    net.step(3)
    assert node_readout(net.snapshot(), 3) == "node 4: a₄(5) = 0.421 · the winner"


# -- Mexican Hat ---------------------------------------------------------------------------
def test_mexican_hat_example_4_2_with_its_two_sums():
    net = create("mexican_hat")  # Example 4.2
    assert formula("mexican_hat", net.snapshot(), 3).text == \
        "The external signal: x₄(0) = s₄ = 1.000"
    net.step()
    assert formula("mexican_hat", net.snapshot(), 3).text == (
        "x₄(1) = f(C1·Σ[|k|≤1] x₄₊ₖ + C2·Σ[1<|k|≤2] x₄₊ₖ) = "
        "f(0.6·(0.800 + 1.000 + 0.800) − 0.4·(0.500 + 0.500)) = 1.160")
    # unit 1 has no neighbours on its left: its sums have fewer terms (Example 4.2's x_1)
    assert formula("mexican_hat", net.snapshot(), 0).text == (
        "Clamped at 0: x₁(1) = f(C1·Σ[|k|≤1] x₁₊ₖ + C2·Σ[1<|k|≤2] x₁₊ₖ) = "
        "f(0.6·(0.000 + 0.500) − 0.4·(0.800)) = f(−0.020) = 0.000")


@pytest.mark.parametrize("preset", ["fausett-4.2", "single-bump", "two-bumps", "noisy-bump"])
def test_mexican_hat_every_unit_shows_the_engines_new_value(preset):
    net = from_preset("mexican_hat", preset, t_max=6)
    for _ in range(6):
        net.step()
        snap = net.snapshot()
        for i, x in enumerate(snap["activations"]):
            shown = formula("mexican_hat", snap, i)
            assert shown_value(shown.text) == num(x)
            assert shown.value == pytest.approx(x, abs=1e-9)


def test_mexican_hat_the_clamp_at_x_max():
    net = create("mexican_hat", x_max=1.1)
    net.step()
    text = formula("mexican_hat", net.snapshot(), 3).text
    assert text.startswith("Clamped at x_max = 1.1: x₄(1) = ")
    assert text.endswith("= f(1.160) = 1.100")


def test_mexican_hat_no_stale_numbers_after_new_weights():
    net = create("mexican_hat")
    net.step()
    net.set_params(c1=0.5)  # resets: t = 0 again
    assert formula("mexican_hat", net.snapshot(), 3).text == \
        "The external signal: x₄(0) = s₄ = 1.000"
    net.step()
    snap = net.snapshot()
    text = formula("mexican_hat", snap, 3).text
    assert "f(0.5·(0.800 + 1.000 + 0.800) − 0.4·(0.500 + 0.500))" in text
    assert shown_value(text) == num(snap["activations"][3]) == "0.900"


def test_mexican_hat_readouts():
    net = create("mexican_hat")
    net.step(2)
    snap = net.snapshot()
    assert profile_readout(snap, 3) == "unit 4: x₄(2) = 1.664 · x₄(1) = 1.160 · x₄(0) = 1.000"
    assert weight_readout(snap, -2) == "w₋₂ = C2 = −0.4: competition (1 < |k| ≤ R2 = 2)"
    assert weight_readout(snap, 0) == "w₀ = C1 = 0.6: cooperation (|k| ≤ R1 = 1)"
    assert weight_readout(snap, 3) == "w₃ = 0: beyond R2 = 2, no connection"


# -- Hamming net ---------------------------------------------------------------------------
def test_hamming_example_4_3_net_input_then_maxnet():
    net = create("hamming")  # Example 4.3
    snap = net.snapshot()
    assert formula("hamming", snap, 0).text == ("Y₁ agrees with x in 3 of 4 components: "
                                                "y₁(0) = y_in,₁ = n/2 + x·e(1)/2 = 4/2 + 2/2 = 3")
    assert formula("hamming", snap, 1).text == ("Y₂ agrees with x in 1 of 4 components: "
                                                "y₂(0) = y_in,₂ = n/2 + x·e(2)/2 = 4/2 + (−2)/2 = 1")
    net.step()
    assert formula("hamming", net.snapshot(), 1).text == \
        "y₂(1) = f(y₂ − ε·Σₖ≠₂ yₖ) = f(1.000 − 0.25·(3.000)) = 0.250"


@pytest.mark.parametrize("preset", ["fausett-4.3", "letters-noisy"])
def test_hamming_every_unit_every_step_shows_the_engines_new_value(preset):
    net = from_preset("hamming", preset)
    for _ in range(60):
        if net.done:
            break
        net.step()
        snap = net.snapshot()
        fresh = snap["previous_activations"] is None
        for j, a in enumerate(snap["activations"]):
            shown = formula("hamming", snap, j)
            assert shown_value(shown.text) == (f"{a:g}" if fresh else num(a))
            assert shown.value == pytest.approx(a, abs=1e-12)


def test_hamming_a_live_epsilon_and_a_new_input_are_never_stale():
    net = create("hamming")
    net.step()
    net.set_params(epsilon=0.1)  # live: the next iteration uses it
    net.step()
    snap = net.snapshot()
    assert formula("hamming", snap, 0).text == \
        "y₁(2) = f(y₁ − ε·Σₖ≠₁ yₖ) = f(2.750 − 0.1·(0.250)) = 2.725"
    assert num(snap["activations"][0]) == "2.725"
    net.set_params(inputs=[[-1, -1, -1, 1]])  # resets on the new input
    assert formula("hamming", net.snapshot(), 1).text.endswith("= 4/2 + 4/2 = 4")


def test_hamming_readouts():
    net = create("hamming")
    net.step()
    snap = net.snapshot()
    assert unit_readout(snap, 0, "e(1)") == \
        "e(1): y_in,₁ = 3 of n = 4 (Hamming distance 1) · y₁(t = 1) = 2.750"
    assert pixel_readout(snap, 1, "component 2", 0, "e(1)", False) == \
        "e(1), component 2: −1 · input x there: +1 (differ)"
    assert pixel_readout(snap, 0, "component 1", 0, "e(1)", True) == \
        "input x, component 1: +1 · e(1) there: +1 (agree)"


# -- SOM -----------------------------------------------------------------------------------
def test_som_chain_step_by_step():
    som = create("som", **CHAIN)
    assert formula("som", som.snapshot(), 1).text == \
        "No input presented yet: w₂ = (0.500, 0.500)"
    som.step()
    snap = som.snapshot()
    assert [formula("som", snap, j).text for j in range(3)] == [
        ("D(1) = ‖x − w₁‖² = 0.080, the smallest: J = 1; the winner learns with the full "
         "rate: w₁ ← w₁ + α·(x − w₁) = (0.200, 0.200) + 0.5·((0.000, 0.000) − (0.200, 0.200))"
         " = (0.100, 0.100)"),
        ("D(2) = ‖x − w₂‖² = 0.500; J = 1, d(J, 2) = 1 ≤ R = 1: in the neighbourhood: "
         "w₂ ← w₂ + α·(x − w₂) = (0.500, 0.500) + 0.5·((0.000, 0.000) − (0.500, 0.500)) "
         "= (0.250, 0.250)"),
        ("D(3) = ‖x − w₃‖² = 1.280; J = 1, d(J, 3) = 2 > R = 1: outside the neighbourhood: "
         "w₃ stays (0.800, 0.800)")]
    assert som_unit_readout(snap, 1) == \
        "unit 2: w₂ = (0.250, 0.250) · wins 1 input: 3 · U-matrix 0.495 · D(2) = 0.500"
    assert pair_readout(snap, 0, 1) == "between units 1 and 2: ‖w₁ − w₂‖ = 0.212"


def test_som_example_4_4_first_input():
    som = from_preset("som", "fausett-4.4")
    som.step()
    assert formula("som", som.snapshot(), 1).text == (
        "D(2) = ‖x − w₂‖² = 0.980, the smallest: J = 2; the winner learns with the full rate: "
        "w₂ ← w₂ + α·(x − w₂) = (0.800, 0.400, 0.700, 0.300) + 0.6·((1.000, 1.000, 0.000, "
        "0.000) − (0.800, 0.400, 0.700, 0.300)) = (0.920, 0.760, 0.280, 0.120)")
    assert formula("som", som.snapshot(), 0).text.endswith(
        "no topology: only the winner J = 2 learns: w₁ stays (0.200, 0.600, 0.500, 0.900)")


@pytest.mark.parametrize("preset", ["fausett-4.4", "fausett-4.6", "fausett-4.7", "square-10x10",
                                    "square-hexagonal", "ellipse-2", "overlapping-fuzzy"])
def test_som_every_unit_shows_the_engines_new_weights(preset):
    som = from_preset("som", preset)
    for steps in (1, 7, 40):  # the last of several inputs trained in one call, too
        som.step(steps)
        snap = som.snapshot()
        for j, w in enumerate(snap["weights"]):
            shown = formula("som", snap, j)
            assert shown_value(shown.text) == vector(w)
            np.testing.assert_allclose(shown.value, w, atol=1e-12)


def test_som_a_live_learning_rate_is_never_stale():
    som = create("som", **CHAIN)
    som.step()
    som.set_params(learning_rate=0.25)  # live: from the next input on
    som.step()
    snap = som.snapshot()
    assert formula("som", snap, 1).text.endswith(
        "w₂ ← w₂ + α·(x − w₂) = (0.250, 0.250) + 0.25·((1.000, 1.000) − (0.250, 0.250)) "
        "= (0.438, 0.438)")
    assert vector(snap["weights"][1]) == "(0.438, 0.438)"
    som.reset()
    assert formula("som", som.snapshot(), 1).text == \
        "No input presented yet: w₂ = (0.500, 0.500)"


def test_som_gaussian_neighbourhood_names_h():
    som = from_preset("som", "square-10x10")
    som.step()
    snap = som.snapshot()
    j = int((snap["winner"] + 1) % 100)
    text = formula("som", snap, j).text
    assert re.search(r"R = 5: h = exp\(−d²/2R²\) = 0\.\d{3}: w.* ← .* \+ α·h·\(x − w", text)
    assert shown_value(text) == vector(snap["weights"][j])


def test_som_history_readout():
    som = create("som", **CHAIN)
    som.step(6)
    snap = som.snapshot()
    assert history_readout(snap, 1) == (
        f"epoch 2: α = 0.5, R = 1 · after it QE = {num(snap['history_quantization_error'][1], 4)}"
        f", TE = {num(snap['history_topographic_error'][1])}")


# -- read-outs of the other competitive tabs -------------------------------------------------
def test_lvq_readouts():
    from mechgui.engine.explain.lvq import (
        accuracy_readout,
        prototype_readout,
        sample_readout,
    )

    net = from_preset("lvq", "fausett-five")
    assert prototype_readout(net.snapshot(), 0) == \
        "prototype 1 (class 1): w₁ = (1.000, 1.000, 0.000, 0.000)"
    net.step()
    snap = net.snapshot()
    assert prototype_readout(snap, 1) == ("prototype 2 (class 2): w₂ = (0.000, 0.000, 0.100, "
                                          "1.000) · ‖x − w₂‖ = 1.000 · the winner")
    assert sample_readout(snap, 2) == \
        "input x(3), class 2: x = (0.000, 0.000, 1.000, 1.000) → class 2 ✓"
    assert accuracy_readout(snap, 0.2) == "accuracy 80.0 % before training"


def test_art1_readouts():
    from mechgui.engine.explain.art1 import (
        category_readout,
        sweep_readout,
        trial_readout,
    )

    net = from_preset("art1", "four-vectors")
    net.step(4)
    snap = net.snapshot()
    assert trial_readout(snap, 0) == \
        "try 1: J = 2, y_J = 1.000, |s ∧ t_J| / |s| = 0.500 ≥ ρ = 0.4: it learns"
    assert category_readout(snap, 0) == "category J = 1: |t_J| = 1 · holds 2 inputs: s(1), s(3)"
    assert sweep_readout(snap, 0.52) == "ρ = 0.5: 2 categories"


def test_counterpropagation_readouts():
    from mechgui.engine.explain.counterpropagation import (
        error_readout,
        output_readout,
        unit_readout,
    )

    net = from_preset("counterpropagation", "reciprocal-8")
    net.step(200)
    snap = net.snapshot()
    v, w = snap["cluster_weights"][0, 0], snap["outstar_weights"][0, 0]
    assert unit_readout(snap, 0) == \
        f"unit 1: v₁ = {num(v)}, w₁ = {num(w)} · wins {snap['wins'][0]}"
    k = int(np.argmin(np.abs(snap["curve_x"] - 0.5)))
    assert output_readout(snap, 0.5) == (f"x = {num(snap['curve_x'][k])}: the net gives y = "
                                         f"{num(snap['curve_y'][k])}, y = 1/x = "
                                         f"{num(snap['curve_target'][k])}")
    assert error_readout(snap, 0).startswith("before training: mean |error| = ")


def test_autoencoder_readouts():
    from mechgui.engine.explain.autoencoder import code_readout, loss_readout

    net = from_preset("autoencoder", "vae-digits")
    net.step(20)
    snap = net.snapshot()
    z = snap["latent"][0]
    assert code_readout(snap, 0) == \
        f"VAE (β = 1), image 1, a {snap['labels'][0]}: z = {vector(z)}"
    history = snap["history"]
    k = int(np.flatnonzero(np.asarray(history["step"]) == 10)[0])
    assert loss_readout(snap, 10.2) == (
        f"VAE (β = 1) at step 10: reconstruction {num(history['reconstruction_loss'][k], 2)}, "
        f"KL {num(history['kl'][k], 2)}, loss {num(history['loss'][k], 2)} (nats per image)")
