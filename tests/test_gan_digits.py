"""The GAN on the 8 × 8 digits: the presets draw digits of (nearly) every kind, the conditional
GAN draws the digit asked for, snapshot keys and shapes, the convolutional pair, the same
passes, seeds and refusals as the 2-D GAN, model files and the command line."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from mechgui.cli import main  # noqa: E402
from mechgui.engine import ParameterError, create, load_preset  # noqa: E402
from mechgui.engine.digit_classifier import classifier, classify  # noqa: E402
from mechgui.engine.digits import load_digits  # noqa: E402
from mechgui.engine.gan import GAN  # noqa: E402
from mechgui.engine.gan.image_networks import ConvAsMatrix  # noqa: E402
from mechgui.engine.gan.image_frames import (GRID_SAMPLES, MEASURED_SAMPLES,  # noqa: E402
                                             REAL_SHOWN)
from mechgui.engine.gan.images import (CONFIDENT, class_probabilities,  # noqa: E402
                                       nearest_images, read_digits, to_pixels)
from mechgui.engine.metrics import measure, metrics_for  # noqa: E402

PIXELS = 64
#: A small digits GAN for the tests that need no trained one.
SMALL = dict(dataset="digits", hidden_layers=1, hidden_units=32, noise_dim=8, batch_size=32,
             channels=4)
SNAPSHOT_KEYS = {
    "model", "step", "status", "done", "detail", "detail_step", "dimension", "image_shape",
    "architecture", "conditional", "phase", "last_update", "loss_d", "loss_g", "d_output",
    "samples", "labels", "real", "real_labels", "d_updates", "g_updates", "diverged_step",
    "message", "device", "accuracy_real", "accuracy_fake", "class_histogram",
    "confident_share", "nearest", "nearest_distance", "nearest_labels", "metrics", "history",
    "metric_history", "loss_terms", "probe"}


def preset_run(name, **changes):
    """The preset trained for its run: the command line's length of a GAN run."""
    preset = load_preset("gan", name)
    sim = create("gan", seed=preset.seed, **{**preset.params, **changes})
    assert sim.step(GAN.run_limit) == GAN.run_limit
    return sim


@pytest.fixture(scope="module")
def mlp():
    torch.set_num_threads(1)  # as the window and the benchmark train: all cores but one
    return preset_run("digits-mlp")


@pytest.fixture(scope="module")
def cgan():
    torch.set_num_threads(1)
    return preset_run("digits-conditional")


def weights(sim):
    return {f"G.{k}": v.clone() for k, v in sim.G.state_dict().items()} | \
           {f"D.{k}": v.clone() for k, v in sim.D.state_dict().items()}


def same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# -- what the presets learn ----------------------------------------------------------
def test_the_digits_gan_draws_at_least_8_of_the_10_digits(mlp):
    snap = mlp.snapshot()
    metrics = snap["metrics"]
    assert metrics["modes_covered"] >= 8 and metrics["modes_total"] == 10
    # the classifier's labels of the grid (a batch of its own) cover 8 digits as well
    labels, confidence = classify(snap["samples"])
    assert len(set(labels[confidence >= CONFIDENT].tolist())) >= 8
    histogram = snap["class_histogram"]
    assert histogram.shape == (10,) and histogram.sum() == pytest.approx(1.0)
    assert np.sum(histogram >= 0.02) >= 8
    assert snap["confident_share"] > 0.3
    assert metrics["high_quality"] == pytest.approx(100 * snap["confident_share"])
    assert metrics["digit_score"] > 4 and metrics["conditional_accuracy"] is None
    # a sample is not a copy: its nearest training image differs from it
    assert np.all(snap["nearest_distance"] > 0.02)


def test_the_convolutional_pair_draws_at_least_8_of_the_10_digits():
    torch.set_num_threads(1)
    snap = preset_run("digits-conv").snapshot()
    assert snap["metrics"]["modes_covered"] >= 8 and snap["confident_share"] > 0.3


def test_the_conditional_gan_draws_the_digit_asked_for(cgan):
    snap = cgan.snapshot()
    assert snap["metrics"]["conditional_accuracy"] >= 0.8
    # a row per digit: the classifier reads each row as its digit
    labels = classify(snap["samples"])[0]
    np.testing.assert_array_equal(snap["labels"], np.repeat(np.arange(10), 10))
    assert np.mean(labels == snap["labels"]) >= 0.8
    # asking for one digit fills the grid with it (a live change: the run goes on as it was)
    before = weights(cgan)
    for digit in (3, 8):
        assert cgan.set_params(digit=digit) is False
        grid = cgan.snapshot()
        assert np.all(grid["labels"] == digit)
        assert np.mean(classify(grid["samples"])[0] == digit) >= 0.8
    cgan.set_params(digit=None)
    assert same_weights(before, weights(cgan)) and cgan.step_count == GAN.run_limit


def test_the_preset_runs_are_the_command_lines():
    for name in ("digits-mlp", "digits-conv", "digits-conditional"):
        preset = load_preset("gan", name)
        params = GAN.Params.from_mapping(preset.params)
        assert params.dataset == "digits" and params.batch_size == 64
        assert "chapter 4 notes" in preset.title and preset.speed == 0.0


# -- snapshots ---------------------------------------------------------------------------
@pytest.mark.parametrize("architecture,conditional", [("mlp", False), ("conv", False),
                                                      ("mlp", True), ("conv", True)])
def test_snapshot_keys_and_shapes(architecture, conditional):
    sim = create("gan", seed=3, architecture=architecture, conditional=conditional, **SMALL)
    sim.step(3)
    snap = sim.snapshot()
    assert set(snap) == SNAPSHOT_KEYS
    assert snap["image_shape"] == (8, 8) and snap["dimension"] == PIXELS
    assert snap["architecture"] == architecture and snap["conditional"] == conditional
    samples = snap["samples"]
    assert samples.shape == (GRID_SAMPLES, PIXELS) and samples.min() >= 0 and samples.max() <= 1
    assert snap["real"].shape == (REAL_SHOWN, PIXELS)
    np.testing.assert_array_equal(np.sort(snap["real_labels"]), np.repeat(np.arange(10), 2))
    if conditional:
        np.testing.assert_array_equal(snap["labels"], np.repeat(np.arange(10), 10))
    else:
        assert snap["labels"] is None
    assert snap["nearest"].shape == (GRID_SAMPLES, PIXELS)
    assert snap["nearest_distance"].shape == snap["nearest_labels"].shape == (GRID_SAMPLES,)
    images, labels = load_digits()
    index, distance = nearest_images(samples, images)
    np.testing.assert_array_equal(snap["nearest"], images[index])
    np.testing.assert_allclose(snap["nearest_distance"], distance)
    np.testing.assert_array_equal(snap["nearest_labels"], labels[index])
    assert snap["class_histogram"].shape == (10,)
    assert 0 <= snap["accuracy_real"] <= 1 and 0 <= snap["accuracy_fake"] <= 1
    # the formula strip's numbers: the last losses, D's in parts where the pass gives them
    terms = snap["loss_terms"]
    assert terms["D"]["total"] == snap["loss_d"] and terms["G"]["total"] == snap["loss_g"]
    if architecture == "mlp":
        assert terms["D"]["real"] + terms["D"]["generated"] == pytest.approx(snap["loss_d"])
    assert snap["probe"] is None
    assert snap["history"]["step"].tolist() == [1, 2, 3]
    assert np.all(np.isfinite(snap["history"]["loss_d"]))
    assert set(snap["metrics"]) >= {"js_divergence", "modes_covered", "modes_total",
                                    "high_quality", "digit_score", "conditional_accuracy"}
    json.dumps(create("gan", seed=0, **SMALL).summary(snap))


def test_the_grid_is_g_of_a_fixed_noise_batch_and_frames_do_not_change_the_run():
    a, b = create("gan", seed=8, **SMALL), create("gan", seed=8, **SMALL)
    first = a.snapshot()["samples"]
    np.testing.assert_array_equal(a.snapshot()["samples"], first)  # the same noise each time
    with torch.no_grad():
        np.testing.assert_allclose(first, to_pixels(a.G(a._z_grid)), atol=1e-12)
    for _ in range(4):
        a.step(2)
        a.snapshot()
        b.step(2)
    assert same_weights(weights(a), weights(b))
    assert not np.array_equal(a.snapshot()["samples"], first)


def test_the_classifier_reads_the_training_digits_and_one_digit_is_mode_collapse():
    images, labels = load_digits()
    probabilities = class_probabilities(torch.tensor(np.array(images)))
    np.testing.assert_allclose(probabilities, classifier().probabilities(images), atol=1e-5)
    shares = np.bincount(labels) / len(labels)
    reading = read_digits(probabilities, shares)
    assert reading.covered == 10 and reading.confident_share > 0.9
    assert reading.js_divergence < 0.01
    collapsed = read_digits(probabilities[labels == 7], shares)
    assert collapsed.covered == 1 and collapsed.class_histogram[7] > 0.9
    assert collapsed.js_divergence > 0.5 and collapsed.score < 1.5
    index, distance = nearest_images(images[:5], images)
    np.testing.assert_array_equal(index, np.arange(5))
    np.testing.assert_allclose(distance, 0.0, atol=1e-6)


# -- the same game as the 2-D GAN -------------------------------------------------------------
@pytest.mark.parametrize("loss", ["minimax", "non-saturating", "least-squares", "wgan-gp"])
@pytest.mark.parametrize("architecture", ["mlp", "conv"])
def test_every_loss_trains_both_architectures(loss, architecture):
    sim = create("gan", seed=1, loss=loss, architecture=architecture, k=2, conditional=True,
                 **SMALL)
    before = weights(sim)
    assert sim.step(3) == 3
    snap = sim.snapshot()
    assert snap["status"] == "running" and snap["d_updates"] == 6 and snap["g_updates"] == 3
    assert np.isfinite(snap["loss_d"]) and np.isfinite(snap["loss_g"])
    after = weights(sim)
    unchanged = {k for k in before if torch.equal(before[k], after[k])}
    # the critic's output bias is no part of the Wasserstein loss: it gets no gradient
    last_bias = list(sim.D.state_dict())[-1]
    assert unchanged == ({f"D.{last_bias}"} if loss == "wgan-gp" else set())


def test_the_conv_passes_equal_autograd_and_the_optimiser():
    """The convolutional pair's updates are those of the 2-D GAN's reference (autograd and
    ``optimizer.step()``), losses and accuracies included."""
    settings = dict(SMALL, architecture="conv", conditional=True, lr_d=0.01, lr_g=0.01)
    fast, slow = create("gan", seed=5, **settings), create("gan", seed=5, **settings)
    n = fast.params.batch_size
    for _ in range(3):
        assert fast._d_update()
        real, c = slow._real_batch(n)
        with torch.no_grad():
            fake = slow.G(slow._g_in(slow._train_noise(n), c))
        out = slow.D(slow._d_in(torch.cat([real, fake]), torch.cat([c, c])))
        loss = slow._d_loss(out[:n], out[n:], real, fake, c)
        for q, g in zip(slow.D.parameters(), torch.autograd.grad(loss, list(slow.D.parameters()))):
            q.grad = g
        slow.opt_d.step()
        assert fast.loss_d == pytest.approx(loss.item(), rel=1e-6)
        assert fast.accuracy_real == pytest.approx(float((out[:n] > 0).float().mean()))
        assert fast._g_update()
        c = slow._real_batch(n)[1]
        fake = slow.G(slow._g_in(slow._train_noise(n), c))
        loss = torch.nn.functional.softplus(-slow.D(slow._d_in(fake, c))).mean()
        for q, g in zip(slow.G.parameters(), torch.autograd.grad(loss, list(slow.G.parameters()))):
            q.grad = g
        slow.opt_g.step()
        assert fast.loss_g == pytest.approx(loss.item(), rel=1e-6)
        for key, value in weights(slow).items():
            torch.testing.assert_close(weights(fast)[key], value, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("transposed,channels_in,size,labels", [
    (False, 1, 8, 0), (False, 1, 8, 10), (False, 3, 4, 0), (True, 6, 2, 0), (True, 3, 4, 0)])
def test_a_layer_of_the_conv_pair_is_torchs_convolution(transposed, channels_in, size, labels):
    """Kernel 4, stride 2, padding 1, as ``nn.Conv2d`` or ``nn.ConvTranspose2d`` computes it
    with the same weights (the label columns as constant maps), gradients included."""
    torch.manual_seed(7)
    layer = ConvAsMatrix(channels_in, 5, size, transposed=transposed, labels=labels)
    maps = channels_in + labels
    torch_layer = (torch.nn.ConvTranspose2d(maps, 5, 4, 2, 1) if transposed
                   else torch.nn.Conv2d(maps, 5, 4, 2, 1))
    with torch.no_grad():
        layer.weight.normal_()
        layer.bias.normal_()
        torch_layer.weight.copy_(layer.weight)
        torch_layer.bias.copy_(layer.bias)
    x = torch.rand(6, channels_in * size * size)
    label = torch.eye(10)[torch.arange(6) % 10][:, :labels]
    constant = label[:, :, None, None].expand(6, labels, size, size)
    expected = torch_layer(torch.cat([x.view(6, channels_in, size, size), constant], 1))
    got = layer(torch.cat([x, label], 1))
    torch.testing.assert_close(got, expected.flatten(1), rtol=1e-5, atol=1e-5)
    got.square().sum().backward()
    expected.square().sum().backward()
    torch.testing.assert_close(layer.weight.grad, torch_layer.weight.grad, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(layer.bias.grad, torch_layer.bias.grad, rtol=1e-4, atol=1e-4)


def test_slow_motion_and_single_network_steps_on_the_conv_pair():
    sim = create("gan", seed=2, architecture="conv", k=3, **SMALL)
    g_before = {k: v.clone() for k, v in sim.G.state_dict().items()}
    assert sim.step_phase() == "D pass done" and sim.d_updates == 3 and sim.step_count == 0
    assert all(torch.equal(v, sim.G.state_dict()[k]) for k, v in g_before.items())
    assert sim.step_phase() == "G pass done" and sim.step_count == 1 and sim.g_updates == 1
    assert sim.step_discriminator(2) == 2 and sim.step_generator(1) == 1
    assert (sim.d_updates, sim.g_updates, sim.step_count) == (5, 2, 1)
    assert not sim.steps_release_gil


def test_the_same_seed_gives_the_same_run():
    for architecture in ("mlp", "conv"):
        a = create("gan", seed=11, architecture=architecture, **SMALL)
        b = create("gan", seed=11, architecture=architecture, **SMALL)
        other = create("gan", seed=12, architecture=architecture, **SMALL)
        for sim in (a, b, other):
            sim.step(5)
        assert same_weights(weights(a), weights(b))
        assert not same_weights(weights(a), weights(other))
        np.testing.assert_array_equal(a.snapshot()["samples"], b.snapshot()["samples"])


def test_a_nan_in_a_batch_stops_the_conv_run_before_the_update():
    sim = create("gan", seed=2, architecture="conv", **SMALL)
    sim.step(3)
    before = weights(sim)
    sim._real_pool[0][sim._real_at + 1, 5] = float("nan")
    assert sim.step(5) == 0
    snap = sim.snapshot()
    assert snap["status"] == "diverged" and "discriminator" in snap["message"]
    assert same_weights(before, weights(sim))


def test_model_files_keep_a_digits_gan(tmp_path):
    for architecture in ("mlp", "conv"):
        sim = create("gan", seed=4, architecture=architecture, conditional=True, **SMALL)
        sim.step(4)
        path = sim.save(tmp_path / f"{architecture}.pt")
        sim.step(3)
        expected = weights(sim)
        other = create("gan", seed=0)  # a 2-D GAN takes the file's parameters
        assert other.load(path).architecture == architecture
        assert other.step_count == 4
        other.step(3)
        assert same_weights(expected, weights(other))


# -- parameters, metrics, the command line -------------------------------------------------------
@pytest.mark.parametrize("changes,name,says", [
    (dict(architecture="conv"), "architecture",
     "expected mlp: the convolutional nets are for images (dataset digits)"),
    (dict(dataset="digits", architecture="cnn"), "architecture", "expected one of mlp, conv"),
    (dict(dataset="digits", architecture="conv", channels=1), "channels",
     "expected an integer in [2, 128]"),
    (dict(dataset="digits", conditional="maybe"), "conditional", "expected true or false"),
    (dict(dataset="digits", conditional=True, digit=10), "digit",
     "expected an integer in [0, 9], or auto"),
    (dict(dataset="digits", digit="3.5"), "digit", "expected an integer in [0, 9], or auto"),
    (dict(dataset="digit"), "dataset", "expected one of gaussian-1d, "),
])
def test_every_bad_value_is_one_line(changes, name, says):
    with pytest.raises(ParameterError) as info:
        create("gan", **changes)
    message = str(info.value)
    assert info.value.name == name and says in message and "\n" not in message


def test_the_form_shows_only_what_applies():
    params = GAN.Params
    ring, digits = params(), params(dataset="digits")
    assert not any(ring.applies(n) for n in ("architecture", "channels", "conditional", "digit"))
    assert ring.applies("hidden_layers") and ring.applies("hidden_units")
    assert digits.applies("architecture") and digits.applies("conditional")
    assert not digits.applies("channels") and not digits.applies("digit")
    conv = digits.replace(architecture="conv", conditional=True)
    assert conv.applies("channels") and conv.applies("digit")
    assert not conv.applies("hidden_layers") and not conv.applies("hidden_units")


def test_the_image_metrics_for_sweeps():
    names = {m.name for m in metrics_for("gan")}
    assert {"digit_score", "conditional_accuracy", "modes_covered", "high_quality"} <= names
    sim = create("gan", seed=0, conditional=True, **SMALL)
    sim.step(2)
    values = measure(sim, metrics_for("gan"))
    assert values["modes_covered"] is not None and 0 <= values["high_quality"] <= 100
    assert 1 <= values["digit_score"] <= 10 and 0 <= values["conditional_accuracy"] <= 1
    assert values["pushforward_w1"] is None and values["d_star_distance"] is None
    ring = create("gan", seed=0, hidden_units=8, batch_size=16)
    ring.step(1)
    assert measure(ring, metrics_for("gan"))["digit_score"] is None


def test_the_command_line(capsys):
    assert main(["run", "gan", "--set", "dataset=digits", "--set", "hidden_units=16",
                 "--steps", "2", "--seed", "1", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    first, frame = record["frames"][0], record["frames"][-1]
    assert record["model"] == "gan" and frame["step"] == 2
    assert first["image_shape"] == [8, 8]  # (written once: later frames share it)
    assert np.asarray(frame["samples"]).shape == (GRID_SAMPLES, PIXELS)
    assert len(frame["class_histogram"]) == 10
    assert main(["run", "gan", "--preset", "digits-conditional", "--set", "hidden_units=16",
                 "--steps", "2"]) == 0
    out = capsys.readouterr().out
    assert "digits" in out and "confident" in out and "asked digit" in out


def test_the_measured_batch_has_as_many_of_each_digit():
    sim = create("gan", seed=0, conditional=True, **SMALL)
    assert np.bincount(sim._measured_labels).tolist() == [MEASURED_SAMPLES // 10] * 10
    labels = sim._c_measured.argmax(1).numpy()
    np.testing.assert_array_equal(labels, sim._measured_labels)
