"""What the GAN's snapshot says to explain its numbers (``loss_terms``, ``probe``) and the
formulas the GAN tab writes with them: the parts of each loss against autograd on the same
batch, the formulas' right-hand sides against the engine's reported losses to the digits
shown, D at a chosen point, and no stale numbers after a reset or a parameter change."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from mechgui.engine import create  # noqa: E402
from mechgui.engine.gan.explain import set_probe  # noqa: E402
from mechgui.app.panels.gan.formulas import (d_loss_formula, g_loss_formula,  # noqa: E402
                                             loss_lines, probe_lines, total_of)

SMALL = dict(hidden_layers=1, hidden_units=16, batch_size=64)
LOSSES = ["minimax", "non-saturating", "least-squares", "wgan-gp"]
softplus = torch.nn.functional.softplus


def _reference_d_parts(sim):
    """The parts of L_D of the next D update, by autograd's forward on the batch the update
    will draw (the real samples', the generated ones', WGAN-GP's penalty or None)."""
    n = sim.params.batch_size
    real, c = sim._real_batch(n)
    with torch.no_grad():
        fake = sim.G(sim._g_in(sim._train_noise(n), c))
        out_real, out_fake = sim.D(real), sim.D(fake)
    loss = sim.params.loss
    if loss in ("minimax", "non-saturating"):   # −log D(x), −log(1 − D(G(z)))
        return float(softplus(-out_real).mean()), float(softplus(out_fake).mean()), None
    if loss == "least-squares":
        return (float(0.5 * ((out_real - 1) ** 2).mean()), float(0.5 * (out_fake ** 2).mean()),
                None)
    # WGAN-GP: the penalty at points between real and generated samples (the same draws)
    alpha = torch.rand(n, 1, generator=sim.gen)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    grad, = torch.autograd.grad(sim.D(mixed).sum(), mixed)
    penalty = sim.params.gp_weight * float(((grad.norm(dim=1) - 1) ** 2).mean())
    return float(-out_real.mean()), float(out_fake.mean()), penalty


def _shown_numbers(formula):
    """The numbers of ``form = parts = total``: each part with its sign, and the total."""
    *_, rhs, total = formula.split(" = ")
    parts, sign = [], 1.0
    for token in rhs.split():
        if token == "+":
            sign = 1.0
        elif token == "−":
            sign = -1.0
        else:
            parts.append(sign * float(token.replace("−", "-")))
            sign = 1.0
    return parts, float(total.replace("−", "-"))


@pytest.mark.parametrize("loss", LOSSES)
def test_the_parts_of_d_loss_are_autograds_on_the_batch_and_sum_to_the_reported_loss(loss):
    fast, slow = create("gan", seed=4, loss=loss, **SMALL), create("gan", seed=4, loss=loss,
                                                                   **SMALL)
    for _ in range(3):
        real, generated, penalty = _reference_d_parts(slow)
        assert fast._d_update()  # on the same batch (and WGAN-GP's same draws)
        with torch.no_grad():    # the next reference with the updated D
            slow.D.load_state_dict(fast.D.state_dict())
        terms = fast.snapshot()["loss_terms"]["D"]
        assert terms["loss"] == loss and terms["batch_size"] == 64
        assert terms["real"] == pytest.approx(real, rel=1e-5, abs=1e-6)
        assert terms["generated"] == pytest.approx(generated, rel=1e-5, abs=1e-6)
        if penalty is None:
            assert terms["penalty"] is None
        else:
            assert terms["penalty"] == pytest.approx(penalty, rel=1e-4, abs=1e-6)
        parts = real + generated + (penalty or 0.0)
        assert terms["total"] == fast.loss_d == pytest.approx(parts, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("loss", LOSSES)
def test_the_formulas_right_hand_sides_are_the_engines_losses_after_a_step(loss):
    sim = create("gan", seed=2, loss=loss, **SMALL)
    sim.step(7)
    snap = sim.snapshot()
    d_text = d_loss_formula(snap["loss_terms"]["D"])
    g_text = g_loss_formula(snap["loss_terms"]["G"])
    # the total is the reported loss, to the digits shown; the parts add up to it
    assert d_text.endswith(" = " + f"{snap['loss_d']:.3f}".replace("-", "−"))
    assert g_text == g_text.rsplit(" = ", 1)[0] + " = " + f"{snap['loss_g']:.3f}".replace("-", "−")
    parts, total = _shown_numbers(d_text)
    assert len(parts) == (3 if loss == "wgan-gp" else 2)
    assert sum(parts) == pytest.approx(total, abs=0.0015 * len(parts))
    assert total == pytest.approx(snap["loss_d"], abs=5e-4)
    # the form is the loss's own
    form = {"minimax": "L_G = (1/m) Σ log(1 − D(G(zᵢ)))",
            "non-saturating": "L_G = −(1/m) Σ log D(G(zᵢ))",
            "least-squares": "L_G = (1/2m) Σ (D(G(zᵢ)) − 1)²",
            "wgan-gp": "L_G = −(1/m) Σ C(G(zᵢ))"}[loss]
    assert g_text.startswith(form + " = ")


def test_the_whole_iterations_record_the_parts_of_the_last_d_update():
    """Steps run compiled in one call (``passes.train``): the parts are the last D update's
    as in single passes."""
    whole, by_passes = create("gan", seed=6, k=2, **SMALL), create("gan", seed=6, k=2, **SMALL)
    assert whole.step(40) == 40
    assert by_passes._step_by_passes(40) == 40
    a, b = whole.snapshot()["loss_terms"], by_passes.snapshot()["loss_terms"]
    assert a["D"]["real"] == b["D"]["real"] and a["D"]["generated"] == b["D"]["generated"]
    assert a["D"]["real"] + a["D"]["generated"] == pytest.approx(a["D"]["total"], rel=1e-6)


def test_a_formula_written_exactly():
    terms = {"loss": "non-saturating", "batch_size": 256, "gp_weight": 10.0, "total": 1.3125,
             "real": 0.5121, "generated": 0.8004, "penalty": None}
    assert d_loss_formula(terms) == ("L_D = −(1/m) Σ log D(xᵢ) − (1/m) Σ log(1 − D(G(zᵢ))) "
                                     "= 0.512 + 0.800 = 1.312")
    wgan = dict(terms, loss="wgan-gp", real=-0.25, generated=0.125, penalty=1.5, total=1.375)
    assert d_loss_formula(wgan).endswith(" = −0.250 + 0.125 + 1.500 = 1.375")
    assert total_of([0.614, -0.3]) == "0.614 − 0.300"
    assert _shown_numbers("L = a − b = 0.614 − 0.300 = 0.314") == ([0.614, -0.3], 0.314)
    assert d_loss_formula(dict(terms, total=math.nan)).endswith("   (no update of D yet)")


def test_numbers_are_fresh_after_a_reset_and_a_parameter_change():
    sim = create("gan", seed=1, **SMALL)
    sim.step(5)
    before = sim.snapshot()
    params = sim.params
    # a reset: no numbers until the next update, and the formula says so
    sim.reset()
    snap = sim.snapshot()
    assert all(math.isnan(snap["loss_terms"][n]["total"]) for n in ("D", "G"))
    lines = loss_lines(snap, params)
    assert lines == ["L_D = −(1/m) Σ log D(xᵢ) − (1/m) Σ log(1 − D(G(zᵢ)))   (no update of D yet)",
                     "L_G = −(1/m) Σ log D(G(zᵢ))   (no update of G yet)"]
    sim.step(5)
    assert sim.snapshot()["loss_terms"]["D"]["total"] == before["loss_terms"]["D"]["total"]
    # a live change of the loss: the numbers are still the last updates', and say under what
    sim.set_params(loss="minimax", batch_size=32)
    snap = sim.snapshot()
    assert snap["loss_terms"]["G"]["loss"] == "non-saturating"
    lines = loss_lines(snap, sim.params)
    assert lines[1].endswith(" — G's last update ran under the non-saturating loss, m = 64")
    assert lines[1].startswith("L_G = −(1/m) Σ log D(G(zᵢ)) = ")
    # Step D alone: D's formula is new, G's is still the old loss's
    sim.step_discriminator(1)
    snap = sim.snapshot()
    d, g = snap["loss_terms"]["D"], snap["loss_terms"]["G"]
    assert (d["loss"], d["batch_size"], g["loss"]) == ("minimax", 32, "non-saturating")
    assert d["total"] == snap["loss_d"] and d["total"] != before["loss_terms"]["D"]["total"]
    lines = loss_lines(snap, sim.params)
    assert " — " not in lines[0] and " — " in lines[1]
    sim.step(1)
    snap = sim.snapshot()
    lines = loss_lines(snap, sim.params)
    assert lines[1] == f"L_G = (1/m) Σ log(1 − D(G(zᵢ))) = {snap['loss_g']:.3f}".replace("-", "−")
    # a structural change resets: no numbers of the old networks
    sim.set_params(hidden_units=8)
    assert math.isnan(sim.snapshot()["loss_terms"]["D"]["real"])


@pytest.mark.parametrize("loss", LOSSES)
def test_d_at_a_chosen_point_and_its_terms_there(loss):
    sim = create("gan", seed=3, loss=loss, dataset="two-moons", **SMALL)
    sim.step(10)
    assert sim.snapshot()["probe"] is None
    point = (0.25, -0.4)
    assert set_probe(sim, point) == point
    probe = sim.snapshot()["probe"]
    x = sim._to_net(torch.tensor([point], dtype=torch.float32)).requires_grad_(True)
    out = sim.D(x)
    shown = out.detach()
    assert probe["point"] == point
    assert probe["output"] == pytest.approx(float(shown), rel=1e-5, abs=1e-6)
    value = float(torch.sigmoid(shown)) if loss in ("minimax", "non-saturating") else float(shown)
    assert probe["value"] == pytest.approx(value, rel=1e-5, abs=1e-6)
    g_term = {"minimax": -softplus(out), "non-saturating": softplus(-out),
              "least-squares": 0.5 * (out - 1) ** 2, "wgan-gp": -out}[loss].sum()
    assert probe["g_term"] == pytest.approx(float(g_term.detach()), rel=1e-5, abs=1e-6)
    real_term = {"minimax": softplus(-out), "non-saturating": softplus(-out),
                 "least-squares": 0.5 * (out - 1) ** 2, "wgan-gp": -out}[loss]
    assert probe["as_real"] == pytest.approx(float(real_term.detach()), rel=1e-5, abs=1e-6)
    grad, = torch.autograd.grad(g_term, x)
    np.testing.assert_allclose(probe["push"], (-grad[0] / sim._scale).numpy(), rtol=1e-4,
                               atol=1e-6)
    # the formula shows the snapshot's numbers
    first = probe_lines(probe, loss)[0]
    assert f"{probe['value']:.3f}".replace("-", "−") in first
    assert first.startswith("C(x) at x = (0.25, −0.40)" if loss == "wgan-gp"
                            else "D(x) at x = (0.25, −0.40)")
    # kept through a reset (the user's choice), evaluated with the new networks
    sim.reset()
    fresh = sim.snapshot()["probe"]
    assert fresh["point"] == point and fresh["output"] != probe["output"]
    assert set_probe(sim, None) is None and sim.snapshot()["probe"] is None
    with pytest.raises(ValueError):
        set_probe(sim, (1.0,))
    with pytest.raises(ValueError):
        set_probe(sim, (math.nan, 0.0))


def test_a_saved_model_keeps_its_losses_and_the_point(tmp_path):
    sim = create("gan", seed=3, **SMALL)
    sim.step(4)
    set_probe(sim, (1.0, 1.0))
    saved = sim.snapshot()
    path = sim.save(tmp_path / "m.pt")
    assert torch.load(path, weights_only=True)["training"]["last"].shape == (4,)
    sim.step(3)
    sim.load(path)
    snap = sim.snapshot()
    d = snap["loss_terms"]["D"]
    assert d["total"] == saved["loss_d"] and math.isnan(d["real"])  # parts are not in files
    assert d_loss_formula(d).endswith(" = " + f"{saved['loss_d']:.3f}")
    assert snap["probe"]["point"] == (1.0, 1.0)
    assert snap["probe"]["output"] == saved["probe"]["output"]
