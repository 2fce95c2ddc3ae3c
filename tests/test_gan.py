"""The GAN engine: training on the toys, metrics against known answers, divergence, live
parameters, reproducibility and the CLI (model files: tests/test_modelfile.py)."""

import json
import math
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from mechgui.cli import main  # noqa: E402
from mechgui.engine import ParameterError, create, load_preset  # noqa: E402
from mechgui.engine.gan import GAN  # noqa: E402
from mechgui.engine.gan import passes as gan_passes  # noqa: E402
from mechgui.engine.gan import sampling  # noqa: E402
from mechgui.engine.gan.model import HISTORY_CAPACITY  # noqa: E402
from mechgui.engine.history import History  # noqa: E402
from mechgui.engine.gan.metrics import (LN2, js_divergence, mode_coverage,  # noqa: E402
                                        optimal_discriminator, wasserstein_1d)

SMALL = dict(hidden_layers=1, hidden_units=16, batch_size=64)


def from_preset(name, **changes):
    preset = load_preset("gan", name)
    return create("gan", seed=preset.seed, **{**preset.params, **changes})


def weights(sim):
    return {f"G.{k}": v.clone() for k, v in sim.G.state_dict().items()} | \
           {f"D.{k}": v.clone() for k, v in sim.D.state_dict().items()}


def same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# -- metrics -------------------------------------------------------------------
def test_js_is_zero_for_one_distribution_and_ln2_for_disjoint_ones():
    rng = np.random.default_rng(0)
    bounds = np.array([[-4.0, 4.0], [-4.0, 4.0]])
    a, b = rng.normal(size=(20_000, 2)), rng.normal(size=(20_000, 2))
    assert js_divergence(a, b, bounds, bins=20) < 0.01
    assert js_divergence(a, a, bounds, bins=20) == 0.0
    left = rng.uniform(-3, -1, size=(5000, 2))
    right = rng.uniform(1, 3, size=(5000, 2))
    assert js_divergence(left, right, bounds, bins=20) == pytest.approx(LN2, abs=1e-12)
    # Mass off the grid still counts (the "outside" bin): disjoint outside + inside is ln 2 too.
    assert js_divergence(left, right + 10, bounds, bins=20) == pytest.approx(LN2, abs=1e-12)


def test_a_sample_far_beyond_any_integer_counts_outside_without_a_warning():
    from mechgui.engine.gan.metrics import histogram

    bounds = np.array([[-4.0, 4.0], [-4.0, 4.0]])
    samples = np.array([[0.0, 0.0], [1e300, 0.0], [-1e300, 1e300], [np.inf, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the cast of 1e300 to int64 warned (a fuzz test met it)
        counts = histogram(samples, bounds, bins=4)
    assert counts.sum() == pytest.approx(1.0) and counts[-1] == pytest.approx(0.75)


def test_js_matches_a_closed_form_value():
    # U[0, 2] against U[1, 3]: half of each is shared, so JSD = ½ ln 2.
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 2, 200_000)
    q = rng.uniform(1, 3, 200_000)
    assert js_divergence(p, q, np.array([[0.0, 3.0]]), bins=30) == pytest.approx(0.5 * LN2, abs=0.005)


def test_optimal_discriminator_on_known_densities():
    x = np.linspace(-5, 5, 2001)
    p = np.exp(-0.5 * x ** 2) / math.sqrt(2 * math.pi)
    q = np.exp(-0.5 * (x - 1) ** 2) / math.sqrt(2 * math.pi)
    d_star = optimal_discriminator(p, q)
    np.testing.assert_allclose(d_star, 1 / (1 + np.exp(x - 0.5)), rtol=1e-9)
    np.testing.assert_allclose(optimal_discriminator(p, p), 0.5)
    # V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g) (the GAN seminar).
    dx = x[1] - x[0]
    value = np.sum(p * np.log(d_star) + q * np.log(1 - d_star)) * dx
    m = (p + q) / 2
    jsd = 0.5 * np.sum(p * np.log(p / m)) * dx + 0.5 * np.sum(q * np.log(q / m)) * dx
    assert value == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-4)  # tails beyond ±5 cut off
    assert optimal_discriminator(np.zeros(3), np.zeros(3)) == pytest.approx(0.5)


def test_mode_coverage_counts_modes_and_high_quality_samples():
    centres = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    samples = np.array([[0.0, 0.1], [2.05, 0.0], [1.0, 1.0], [0.0, 0.14]])
    covered, quality, mask = mode_coverage(samples, centres, std=0.05)
    assert covered == 2 and mask.tolist() == [True, True, False]
    assert quality == pytest.approx(75.0)  # all but [1, 1] lie within 3σ = .15 of a mode
    covered, quality, _ = mode_coverage(samples, centres, std=0.02)
    assert covered == 1 and quality == pytest.approx(25.0)


def test_wasserstein_1d():
    a = np.linspace(0, 1, 1001)
    assert wasserstein_1d(a, a + 0.25) == pytest.approx(0.25, abs=1e-9)


# -- training ------------------------------------------------------------------
# Each trained model is trained once per module and checked by the tests that need it.
@pytest.fixture(scope="module")
def toy_1d():
    """Seed 004's toy after 2000 iterations (it meets the 10 % targets by then, with margin)."""
    sim = from_preset("gaussian-1d-toy")
    sim.step(2000)
    return sim, sim.snapshot()


@pytest.fixture(scope="module")
def cgan():
    """The Rosenbrock cGAN after 2400 iterations."""
    sim = from_preset("rosenbrock-cgan")
    sim.step(2400)
    return sim, sim.snapshot()


def test_gaussian_1d_toy_learns_mean_and_std(toy_1d):
    sim, snap = toy_1d
    mean, std = sim.params.mean, sim.params.std
    assert abs(snap["generated_mean"] - mean) < 0.1 * std
    assert abs(snap["generated_std"] - std) < 0.1 * std
    assert snap["metrics"]["js_divergence"] < 0.1
    assert snap["metrics"]["d_star_distance"] < 0.15


def test_one_d_snapshot_curves(toy_1d):
    _, snap = toy_1d
    for key in ("x_line", "d_line", "d_star_line", "target_density", "generated_density"):
        assert snap[key].shape == (256,)
    assert snap["hist_edges"].shape == (41,) and snap["hist_real"].shape == (40,)
    assert snap["history"]["step"][-1] == 2000 and np.all(np.isfinite(snap["history"]["loss_d"]))


def test_ring_of_8_covers_at_least_7_modes_with_the_defaults():
    sim = create("gan", seed=1)
    assert sim.params.dataset == "ring-8"
    sim.step(1000)
    metrics = sim.snapshot()["metrics"]
    assert metrics["modes_total"] == 8
    assert metrics["modes_covered"] >= 7
    assert metrics["high_quality"] > 50


def test_conditional_gan_push_forward_reproduces_the_observations(cgan):
    """Measure: JSD of M(G(z | y)) against the observations y on a shared 30-bin histogram
    over [mean − 3 t σ, mean + 3 t σ] (t = truncation), and W1 in units of σ_obs."""
    sim, snap = cgan
    pushed, observed = snap["pushforward"], snap["observations"]
    assert pushed.shape == observed.shape == (2048,)
    assert snap["samples"].shape == (2048, 2)
    assert snap["metrics"]["pushforward_js"] < 0.15
    assert snap["metrics"]["pushforward_w1"] < 1.0 * sim.params.obs_std


def test_conditional_gan_samples_lie_in_the_prior_box(cgan):
    _, snap = cgan
    box = snap["bounds"]
    inside = np.all((snap["samples"] >= box[:, 0] - 0.5) & (snap["samples"] <= box[:, 1] + 0.5), axis=1)
    assert inside.mean() > 0.95


# -- divergence ----------------------------------------------------------------
@pytest.fixture(params=["compiled", "uncompiled"])
def passes(request, monkeypatch):
    """Run the test with the TorchScript passes, then with the same functions uncompiled."""
    if request.param == "uncompiled":
        monkeypatch.setattr(gan_passes, "COMPILE", False)
    assert (gan_passes.function("train") is gan_passes.compiled.train) == \
        (request.param == "uncompiled" or gan_passes.scripted("train") is None)
    return request.param


@pytest.mark.parametrize("network", ["generator", "discriminator"])
def test_nan_in_a_batch_stops_the_run_and_keeps_the_last_finite_state(passes, network):
    sim = create("gan", seed=2, **SMALL)
    sim.step(7)
    n = sim.params.batch_size
    before = weights(sim)
    # Step 8 takes real rows and noise rows from here for D, then the next noise rows for G.
    if network == "generator":
        sim._noise_pool[sim._noise_at + n + 5] = math.nan
    else:
        sim._real_pool[0][sim._real_at + 5] = math.nan
    taken = sim.step(10)
    snap = sim.snapshot()
    assert taken == 0
    assert snap["status"] == "diverged" and snap["done"]
    assert snap["diverged_step"] == 8 and snap["step"] == 7
    assert "step 8" in snap["message"] and network in snap["message"]
    assert math.isfinite(snap["loss_d"]) and math.isfinite(snap["loss_g"])
    after = weights(sim)
    # The update that met the NaN was not applied; before G's, D's pass of step 8 was.
    assert all(torch.equal(before[k], after[k]) for k in before if k.startswith("G."))
    d_same = all(torch.equal(before[k], after[k]) for k in before if k.startswith("D."))
    assert d_same == (network == "discriminator")
    assert all(torch.isfinite(v).all() for v in after.values())
    assert sim.step(1) == 0


def test_huge_learning_rate_diverges_and_weights_stay_finite():
    sim = create("gan", seed=0, optimizer="sgd", lr_d=10.0, lr_g=10.0, loss="least-squares",
                 **SMALL)
    sim.step(500)
    snap = sim.snapshot()
    assert snap["status"] == "diverged"
    assert all(torch.isfinite(v).all() for v in weights(sim).values())
    assert np.all(np.isfinite(snap["samples"]))


# -- the hand-written training pass against autograd ----------------------------
def _reference_d_update(sim):
    """One D update as autograd and the optimiser's own ``step()`` compute it."""
    n = sim.params.batch_size
    real, c = sim._real_batch(n)
    with torch.no_grad():
        fake = sim.G(sim._g_in(sim._train_noise(n), c))
    out = sim.D(sim._d_in(torch.cat([real, fake]), None if c is None else torch.cat([c, c])))
    loss = sim._d_loss(out[:n], out[n:], real, fake, c)
    grads = torch.autograd.grad(loss, list(sim.D.parameters()))
    for q, g in zip(sim.D.parameters(), grads):
        q.grad = g.clone()
    sim.opt_d.step()
    out = out.detach()
    called_real = out > sim._threshold(out[:n], out[n:])
    return float(loss.detach()), float(called_real[:n].float().mean()), \
        1.0 - float(called_real[n:].float().mean())


def _reference_g_loss(loss, out_fake):
    """G's losses as autograd sees them (the chapter 4 notes; Goodfellow; Mao et al.; WGAN)."""
    softplus = torch.nn.functional.softplus
    return {"minimax": lambda: -softplus(out_fake).mean(),          # log(1 − D(G(z)))
            "non-saturating": lambda: softplus(-out_fake).mean(),    # −log D(G(z))
            "least-squares": lambda: 0.5 * ((out_fake - 1.0) ** 2).mean(),
            "wgan-gp": lambda: -out_fake.mean()}[loss]()


def _reference_g_update(sim):
    n = sim.params.batch_size
    c = sim._real_batch(n)[1] if sim.conditional else None
    fake = sim.G(sim._g_in(sim._train_noise(n), c))
    loss = _reference_g_loss(sim.params.loss, sim.D(sim._d_in(fake, c)))
    grads = torch.autograd.grad(loss, list(sim.G.parameters()))
    for q, g in zip(sim.G.parameters(), grads):
        q.grad = g.clone()
    sim.opt_g.step()
    return float(loss.detach())


@pytest.mark.parametrize("loss", ["minimax", "non-saturating", "least-squares"])
@pytest.mark.parametrize("optimizer,dataset,activation", [
    ("adam", "ring-8", "relu"), ("sgd", "gaussian-1d", "leaky-relu"),
    ("adam", "rosenbrock", "tanh")])
def test_training_pass_equals_autograd_and_the_optimiser(passes, loss, optimizer, dataset,
                                                         activation):
    """The engine's own forward/backward and optimiser call give what autograd and
    ``optimizer.step()`` give, update after update (losses included)."""
    settings = dict(loss=loss, optimizer=optimizer, dataset=dataset, activation=activation,
                    lr_d=0.01, lr_g=0.01, **SMALL)
    fast, slow = create("gan", seed=5, **settings), create("gan", seed=5, **settings)
    assert same_weights(weights(fast), weights(slow))
    for _ in range(4):
        assert fast._d_update() and fast._g_update()
        (loss_d, accuracy_real, accuracy_fake), loss_g = \
            _reference_d_update(slow), _reference_g_update(slow)
        assert fast.loss_d == pytest.approx(loss_d, rel=1e-5, abs=1e-6)
        assert (fast.accuracy_real, fast.accuracy_fake) == \
            pytest.approx((accuracy_real, accuracy_fake), abs=1e-6)
        assert fast.loss_g == pytest.approx(loss_g, rel=1e-5, abs=1e-6)
    a, b = weights(fast), weights(slow)
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-4, atol=1e-6, msg=key)
    if optimizer == "adam":  # the step counts the optimisers' state keeps (and saves)
        for opt in (fast.opt_d, fast.opt_g):
            assert [float(s["step"]) for s in opt.state_dict()["state"].values()] == [4.0] * 4


@pytest.mark.parametrize("loss", ["minimax", "non-saturating", "least-squares", "wgan-gp"])
@pytest.mark.parametrize("dataset", ["ring-8", "rosenbrock"])
def test_snapshot_gradient_arrows_equal_autograd(loss, dataset):
    """The arrows are −∂(one sample's L_G)/∂x at each generated point, in data coordinates."""
    sim = create("gan", seed=3, loss=loss, dataset=dataset, **SMALL)
    sim.step(20)
    snap = sim.snapshot()
    c = sim._c_vis
    with torch.no_grad():
        fake = sim.G(sim._g_in(sim._z_vis, c))
    x = fake[:256].clone().requires_grad_(True)
    c = None if c is None else c[:256]
    grad, = torch.autograd.grad(_reference_g_loss(loss, sim.D(sim._d_in(x, c))) * len(x), x)
    expected = (-grad[:, :sim.dim] / sim._scale).numpy()
    np.testing.assert_allclose(snap["gradients"], expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(snap["samples"], (fake * sim._scale + sim._shift).numpy(),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("settings", [
    dict(dataset="ring-8", loss="non-saturating", k=2),
    dict(dataset="rosenbrock", loss="least-squares", optimizer="sgd"),
    dict(dataset="gaussian-1d", loss="minimax", noise_dim=1, activation="leaky-relu")])
def test_whole_iterations_equal_passes_one_by_one(passes, settings, monkeypatch):
    """train() (pools refilled mid-run, a checkpoint, the history buffer flushed) gives
    what the passes called one by one give, to the bit."""
    monkeypatch.setattr(sampling, "POOL_ROWS", 4096)  # refills every few dozen iterations
    refills = []
    refill_noise = GAN._refill_noise

    def counted_refill(self, n):
        refills.append(n)
        refill_noise(self, n)

    monkeypatch.setattr(GAN, "_refill_noise", counted_refill)
    whole = create("gan", seed=6, **{**SMALL, **settings})
    by_passes = create("gan", seed=6, **{**SMALL, **settings})
    assert whole.step(300) == 300
    assert len(refills) > 5
    assert by_passes._step_by_passes(300) == 300
    assert same_weights(weights(whole), weights(by_passes))
    a, b = whole.snapshot(), by_passes.snapshot()
    for key in ("loss_d", "loss_g", "accuracy_real", "accuracy_fake"):
        assert a[key] == b[key]
    for key in ("step", "loss_d", "loss_g", "accuracy_real", "accuracy_fake"):
        np.testing.assert_array_equal(a["history"][key], b["history"][key])
    assert whole._checkpoint["step"] == by_passes._checkpoint["step"] == 256
    for network in ("generator", "discriminator"):
        for key, saved in whole._checkpoint[network].items():
            assert torch.equal(saved, by_passes._checkpoint[network][key])
    assert (whole.d_updates, whole.g_updates) == (by_passes.d_updates, by_passes.g_updates)


def test_checkpoint_holds_the_weights_of_its_step():
    """Every CHECKPOINT_EVERY steps the weights are copied (into the checkpoint's own
    tensors, not views of the live ones); a later step leaves the copy as it was."""
    sim = create("gan", seed=2, **SMALL)
    sim.step(256)
    at_256 = weights(sim)
    sim.step(40)
    saved = {f"G.{k}": v for k, v in sim._checkpoint["generator"].items()}
    saved.update({f"D.{k}": v for k, v in sim._checkpoint["discriminator"].items()})
    assert sim._checkpoint["step"] == 256
    assert same_weights(saved, at_256)
    assert not same_weights(saved, weights(sim))


def test_compiled_passes_equal_the_uncompiled_functions(monkeypatch):
    """TorchScript runs the same operations: the same run, to the bit."""
    if not hasattr(torch.jit, "script"):
        pytest.skip("no TorchScript in this torch: the engine uses the uncompiled functions")
    assert gan_passes.scripted("train") is not None  # TorchScript compiles them here
    assert all(gan_passes.function(name) is gan_passes.scripted(name)
               for name in gan_passes.OPERATIONS)
    runs = {}
    for dataset, loss in (("rosenbrock", "non-saturating"), ("gaussian-1d", "wgan-gp"),
                          ("ring-8", "least-squares")):
        settings = dict(dataset=dataset, loss=loss, k=2, **SMALL)
        if dataset == "gaussian-1d":
            settings["noise_dim"] = 1
        fast = create("gan", seed=8, **settings)
        fast.step(150)
        runs[dataset] = settings, fast, fast.snapshot()
    monkeypatch.setattr(gan_passes, "COMPILE", False)
    assert not any(gan_passes.function(name) is gan_passes.scripted(name)
                   for name in gan_passes.OPERATIONS)
    for settings, fast, frame in runs.values():
        plain = create("gan", seed=8, **settings)
        plain.step(150)
        assert same_weights(weights(fast), weights(plain))
        assert fast.loss_d == plain.loss_d and fast.loss_g == plain.loss_g
        plain_frame = plain.snapshot()  # the frame's passes, compiled and not
        keys = [key for key, value in frame.items() if isinstance(value, (float, np.ndarray))]
        assert {"samples", "gradients", "manifold", "accuracy_real", "accuracy_fake"} <= set(keys)
        for key in keys:
            np.testing.assert_array_equal(frame[key], plain_frame[key], err_msg=key)


def test_plain_snapshots_reuse_the_costly_views_and_detailed_ones_recompute(monkeypatch):
    sim = create("gan", seed=0, **SMALL)
    sim.step(3)
    first = sim.snapshot()
    assert first["detail_step"] == 3 and first["detail"]
    sim.step(2)

    def no_clock(*_):
        raise AssertionError("the engine read the clock")

    for name in ("perf_counter", "monotonic", "time"):  # reuse is by request, not by time
        monkeypatch.setattr(time, name, no_clock)
    quick = sim.snapshot(detail=False)
    assert quick["step"] == 5 and quick["detail_step"] == 3 and not quick["detail"]
    np.testing.assert_array_equal(quick["d_grid"], first["d_grid"])
    # … the same read-only copy, not copied again for every frame
    assert quick["d_grid"] is first["d_grid"] and not quick["d_grid"].flags.writeable
    assert quick["history"]["loss_d"] is first["history"]["loss_d"]
    assert quick["loss_d"] == sim.loss_d         # losses and samples are always current
    assert quick["history"]["step"][-1] == 3
    exact = sim.snapshot()
    assert exact["detail_step"] == 5 and not np.array_equal(exact["d_grid"], first["d_grid"])
    np.testing.assert_array_equal(exact["samples"], quick["samples"])
    assert list(exact["metric_history"]["step"]) == [3, 5]
    sim.set_params(loss="least-squares")           # new parameters: never reused
    scored = sim.snapshot(detail=False)
    assert scored["d_output"] == "score" and scored["detail_step"] == 5 and scored["detail"]
    assert not np.array_equal(scored["d_grid"], exact["d_grid"])   # D's raw score, not σ
    # D alone changes without a step: a detailed snapshot shows the new D
    sim.step_discriminator(1)
    assert sim.snapshot(detail=False)["d_grid"] is scored["d_grid"]
    fresh = sim.snapshot()
    assert fresh["detail_step"] == 5 and not np.array_equal(fresh["d_grid"], scored["d_grid"])
    # one metric row per state of the networks, however often it is shown
    assert list(sim.snapshot()["metric_history"]["step"]) == [3, 5, 5, 5]


# -- live and structural changes ----------------------------------------------
def test_live_changes_keep_the_networks():
    sim = create("gan", seed=4, **SMALL)
    sim.step(10)
    before = weights(sim)
    assert sim.set_params(lr_d=5e-4, lr_g=2e-4, k=3, loss="wgan-gp", batch_size=32) is False
    assert same_weights(before, weights(sim))
    assert sim.step_count == 10
    assert sim.opt_d.param_groups[0]["lr"] == 5e-4 and sim.opt_g.param_groups[0]["lr"] == 2e-4
    assert sim.set_params(optimizer="sgd") is False
    assert isinstance(sim.opt_d, torch.optim.SGD) and same_weights(before, weights(sim))
    sim.step(3)
    assert sim.step_count == 13 and sim.d_updates == 10 + 9


def test_structural_changes_reset():
    sim = create("gan", seed=4, **SMALL)
    sim.step(10)
    assert sim.set_params(hidden_units=8) is True
    assert sim.step_count == 0
    assert sim.G[0].weight.shape == (8, 2)
    assert sim.set_params(noise_dim=3) is True and sim.G[0].weight.shape == (8, 3)


def test_bad_parameters_are_refused():
    with pytest.raises(ParameterError) as info:
        create("gan", dataset="drawn")
    assert info.value.name == "data"
    with pytest.raises(ParameterError):
        create("gan", hidden_layers=6)
    with pytest.raises(ParameterError):
        create("gan", loss="hinge")


def test_drawn_points_1d_and_2d():
    pts = [[0, 0], [1, 1], [2, 0], [1, -1]]
    sim = create("gan", seed=0, dataset="drawn", data=pts, **SMALL)
    sim.step(5)
    snap = sim.snapshot()
    assert snap["dimension"] == 2 and snap["d_grid"].shape == (64, 64)
    sim = create("gan", seed=0, dataset="drawn", data="0; 1; 1.5; 4", **SMALL)
    sim.step(5)
    snap = sim.snapshot()
    assert snap["dimension"] == 1 and snap["samples"].shape == (2048, 1)


@pytest.mark.parametrize("dataset", ["mixture-1d", "grid-25", "two-moons", "spiral"])
def test_every_dataset_runs(dataset):
    sim = create("gan", seed=0, dataset=dataset, **SMALL)
    sim.step(3)
    snap = sim.snapshot()
    assert np.all(np.isfinite(snap["samples"])) and snap["step"] == 3


# -- snapshot, phases, single-network steps -----------------------------------
def test_snapshot_contents_and_shapes():
    sim = create("gan", seed=0, **SMALL)
    sim.step(2)
    snap = sim.snapshot()
    assert snap["samples"].shape == snap["real"].shape == (2048, 2)
    assert snap["gradients"].shape == (256, 2)   # at the first 256 samples
    assert snap["d_grid"].shape == (64, 64) and snap["grid_x"].shape == snap["grid_y"].shape == (64,)
    assert snap["manifold"].shape == (21, 21, 2)
    assert 0 <= snap["accuracy_real"] <= 1 and 0 <= snap["accuracy_fake"] <= 1
    assert np.all((snap["d_grid"] >= 0) & (snap["d_grid"] <= 1))
    assert set(snap["metrics"]) >= {"js_divergence", "modes_covered", "high_quality"}
    assert list(snap["history"]["step"]) == [1, 2]
    json.dumps(__import__("mechgui.engine", fromlist=["to_jsonable"]).to_jsonable(snap))
    one = create("gan", seed=0, noise_dim=1, **SMALL).snapshot()
    assert one["manifold"].shape == (1, 101, 2)


def test_step_never_draws_frames(monkeypatch):
    sim = create("gan", seed=0, **SMALL)

    def boom(*_):
        raise AssertionError("step() computed a frame")

    monkeypatch.setattr(sim, "_snapshot", boom)
    monkeypatch.setattr(sim, "_one_d_extras", boom)
    monkeypatch.setattr(sim, "_metrics", boom)
    assert sim.step(20) == 20


def test_snapshots_do_not_change_the_run():
    a = create("gan", seed=5, **SMALL)
    b = create("gan", seed=5, **SMALL)
    for _ in range(4):
        a.step(5)
        a.snapshot()
    b.step(20)
    assert same_weights(weights(a), weights(b))


def test_same_seed_same_run_and_other_seed_other_run():
    a, b, c = (create("gan", seed=s, **SMALL) for s in (7, 7, 8))
    for sim in (a, b, c):
        sim.step(25)
    sa, sb, sc = a.snapshot(), b.snapshot(), c.snapshot()
    np.testing.assert_array_equal(sa["samples"], sb["samples"])
    assert sa["loss_d"] == sb["loss_d"]
    assert not np.array_equal(sa["samples"], sc["samples"])
    a.reset()
    a.step(25)
    np.testing.assert_array_equal(a.snapshot()["samples"], sa["samples"])


def test_slow_motion_phases_and_single_network_steps():
    sim = create("gan", seed=0, k=2, **SMALL)
    assert sim.snapshot()["phase"] == "start"
    g_before = {k: v.clone() for k, v in sim.G.state_dict().items()}
    assert sim.step_phase() == "D pass done"
    assert sim.step_count == 0 and sim.d_updates == 2 and sim.g_updates == 0
    assert all(torch.equal(v, sim.G.state_dict()[k]) for k, v in g_before.items())
    assert sim.step_phase() == "G pass done"
    assert sim.step_count == 1 and sim.g_updates == 1
    sim.step_phase()
    sim.step(1)  # finishes the started iteration with its G pass
    assert sim.step_count == 2 and sim.d_updates == 4 and sim.g_updates == 2
    d_before = {k: v.clone() for k, v in sim.D.state_dict().items()}
    assert sim.step_generator(3) == 3 and sim.g_updates == 5
    assert all(torch.equal(v, sim.D.state_dict()[k]) for k, v in d_before.items())
    assert sim.step_discriminator(2) == 2 and sim.d_updates == 6
    assert sim.step_count == 2


@pytest.mark.parametrize("loss", ["non-saturating", "wgan-gp"])  # whole iterations, by passes
def test_last_update_says_which_networks_the_last_call_trained(loss):
    sim = create("gan", seed=0, k=2, loss=loss, **SMALL)
    assert sim.snapshot()["last_update"] == "none"
    for call, expected in ((lambda: sim.step_discriminator(3), "D"),
                           (lambda: sim.step_generator(1), "G"),
                           (lambda: sim.step(2), "D and G"),
                           (sim.step_phase, "D"),       # pass 1 of slow motion
                           (sim.step_phase, "G"),       # pass 2 finishes the iteration
                           (lambda: sim.step_discriminator(1), "D"),
                           (lambda: sim.step(1), "D and G")):
        call()
        assert sim.snapshot()["last_update"] == expected
    sim.reset()
    assert sim.snapshot()["last_update"] == "none"


def test_history_stays_flat():
    hist = History(2, HISTORY_CAPACITY, "mean")
    for step in range(1, 10 * HISTORY_CAPACITY + 1):
        hist.add(step, (float(step), 1.0))
    table = {**hist.table(("a", "b")), "window": hist.stride}
    assert len(table["step"]) < HISTORY_CAPACITY
    assert table["step"][-1] <= 10 * HISTORY_CAPACITY
    assert np.all(np.diff(table["step"]) > 0)
    np.testing.assert_allclose(table["b"], 1.0)
    # each row is the mean of its window
    w = int(table["window"])
    assert table["a"][0] == pytest.approx((1 + w) / 2)


def test_pretraining_makes_d_accurate_at_step_0():
    plain = create("gan", seed=0, dataset="gaussian-1d", mean=3.0, **SMALL)
    trained = create("gan", seed=0, dataset="gaussian-1d", mean=3.0, pretrain_d=True,
                     pretrain_steps=200, **SMALL)
    acc = lambda s: (s["accuracy_real"] + s["accuracy_fake"]) / 2  # noqa: E731
    assert trained.step_count == 0
    assert acc(trained.snapshot()) > 0.8
    assert acc(trained.snapshot()) > acc(plain.snapshot()) + 0.15


# Save and load: tests/test_modelfile.py.


# -- CLI -------------------------------------------------------------------------
def test_cli_json_run(capsys):
    assert main(["run", "gan", "--set", "dataset=ring-8", "--set", "hidden_units=16",
                 "--steps", "40", "--every", "20", "--json", "--seed", "1"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert [f["step"] for f in record["frames"]] == [0, 20, 40]
    assert record["params"]["dataset"] == "ring-8"
    assert len(record["frames"][-1]["samples"]) == 2048


def test_cli_table_and_presets(capsys):
    assert main(["run", "gan", "--preset", "ring-8", "--set", "hidden_units=8", "--steps", "10",
                 "--every", "5"]) == 0
    out = capsys.readouterr().out
    assert "loss_d" in out and "modes" in out and "status: running after 10 steps" in out
    for name in ("gaussian-1d-toy", "ring-8", "grid-25", "wgan-gp-ring", "rosenbrock-cgan"):
        preset = load_preset("gan", name)
        GAN.Params.from_mapping(preset.params)


# -- imports and switches ----------------------------------------------------------
def _python(code, **env):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_parameters_and_package_import_without_torch():
    """A window builds the GAN's form on its GUI thread: no torch for that."""
    assert _python("import sys, mechgui.engine.gan.params, mechgui.engine.gan as g\n"
                   "from mechgui.engine import params_class\n"
                   "g.GANParams(); params_class('gan')(dataset='gaussian-1d').dimension\n"
                   "print('torch' in sys.modules)") == "False"


def test_compilation_switch_from_the_environment():
    code = ("from mechgui.engine import create\n"
            "from mechgui.engine.gan import passes\n"
            "sim = create('gan', seed=0, hidden_layers=1, hidden_units=8, batch_size=16)\n"
            "sim.step(3)\n"
            "print(passes.COMPILE, passes.function('train') is passes.compiled.train,"
            " sim.steps_release_gil)")
    assert _python(code, MECHGUI_GAN_COMPILED="0") == "False True False"
    if gan_passes.scripted("train") is not None:
        assert _python(code, MECHGUI_GAN_COMPILED="1") == "True False True"
