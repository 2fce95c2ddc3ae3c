"""The autoencoder against the VAE: the chapter 4 notes' claims as numbers after each preset's
training, the engine's calls, its snapshots, determinism, live changes, MNIST and the CLI."""

import gzip
import json
import math
import re
import struct
import time

import numpy as np
import pytest
import torch

from mechgui.cli import main
from mechgui.engine import ParameterError, create, load_preset, params_class, presets
from mechgui.engine.autoencoder import model as ae_model
from mechgui.engine.digit_classifier import classify

PIXELS = 64
SNAPSHOT_KEYS = {
    "model", "step", "status", "done", "detail", "detail_step", "variational", "latent_dim",
    "image_shape", "dataset", "beta", "loss", "reconstruction_loss", "kl", "epoch", "message",
    "labels", "inputs", "input_labels", "prior_points", "latent", "posterior_variance",
    "class_means", "reconstructions", "prior_samples", "prior_labels", "prior_confidence",
    "digit_score", "decoded_grid", "grid_extent", "history"}


def preset_run(name, steps=None):
    preset = load_preset("autoencoder", name)
    sim = create("autoencoder", seed=preset.seed, **preset.params)
    began = time.perf_counter()
    sim.step(steps or sim.params.steps)
    return sim, time.perf_counter() - began


@pytest.fixture(scope="module")
def trained():
    """The two presets of the comparison, trained once for the module: (sim, seconds)."""
    torch.set_num_threads(1)  # as the window and the benchmark train: all cores but one
    return {name: preset_run(name) for name in ("ae-digits", "vae-digits")}


def test_the_presets_train_to_done_within_a_minute(trained):
    for name, (sim, seconds) in trained.items():
        assert sim.status == "done" and sim.step_count == 3000, name
        assert seconds < 60, f"{name} took {seconds:.0f} s"
    assert set(presets("autoencoder")) >= {"ae-digits", "vae-digits", "vae-beta-4"}


def test_snapshot_keys(trained):
    snap = trained["vae-digits"][0].snapshot()
    assert set(snap) == SNAPSHOT_KEYS
    assert snap["latent"].shape == (1797, 2) and snap["labels"].shape == (1797,)
    assert snap["inputs"].shape == (10, PIXELS) and snap["reconstructions"].shape == (10, PIXELS)
    np.testing.assert_array_equal(snap["input_labels"], np.arange(10))  # one per digit
    assert snap["prior_samples"].shape == (ae_model.PRIOR_SAMPLES, PIXELS)
    assert snap["decoded_grid"].shape == (ae_model.GRID_SIZE ** 2, PIXELS)
    assert snap["class_means"].shape == (10, 2) and snap["image_shape"] == (8, 8)
    history = snap["history"]
    assert set(history) == {"step", "loss", "reconstruction_loss", "kl"}
    assert len(history["step"]) <= ae_model.HISTORY_CAPACITY and history["step"][-1] == 3000
    for key in ("reconstructions", "prior_samples", "decoded_grid"):
        assert snap[key].min() >= 0 and snap[key].max() <= 1
    assert math.isclose(snap["loss"], snap["reconstruction_loss"] + snap["kl"], rel_tol=1e-5)


def test_the_vae_codes_have_mean_0_and_variance_1(trained):
    """The KL term pulls the codes' distribution, the mixture of the N(μ, σ²) over the data,
    towards N(0, I): per dimension its mean mean(μ) → 0 and its variance var(μ) + mean(σ²)
    → 1.  Tolerances: 1,797 codes estimate a variance to about ±3 %; the rest allows for a
    model trained 3,000 steps, not to convergence (seeds 0–3 give 0.98–1.07)."""
    snap = trained["vae-digits"][0].snapshot()
    mu, variance = snap["latent"], snap["posterior_variance"]
    assert np.all(np.abs(mu.mean(axis=0)) < 0.15)
    total = mu.var(axis=0) + variance
    assert np.all((total > 0.85) & (total < 1.2)), total
    assert np.all(mu.var(axis=0) > 0.7)  # the codes, not the noise, carry the spread
    # the plain autoencoder's codes go wherever suits the decoder
    ae = trained["ae-digits"][0].snapshot()["latent"]
    assert np.all(ae.var(axis=0) > 4)


def test_the_vae_samples_from_the_prior_are_digits_and_the_autoencoders_are_not_all(trained):
    """The chapter's point: decoded samples of N(0, I) are digits of every kind for the VAE;
    for the plain autoencoder N(0, I) covers a corner of its codes, and its samples are a few
    digits only.  (Its samples are as sharp as the VAE's: their mean confidence is no lower,
    so the test measures the digit score, the Inception score with the digit classifier.)"""
    vae = trained["vae-digits"][0].snapshot()
    ae = trained["ae-digits"][0].snapshot()
    found = {name: len(set(s["prior_labels"].tolist())) for name, s in (("vae", vae), ("ae", ae))}
    assert found["vae"] >= 9 and found["ae"] <= 8, found
    assert vae["digit_score"] >= ae["digit_score"] + 1.5, (vae["digit_score"], ae["digit_score"])
    assert vae["digit_score"] >= 4.0 and np.mean(vae["prior_confidence"]) >= 0.7
    labels, confidences = classify(vae["prior_samples"])
    np.testing.assert_array_equal(labels, vae["prior_labels"])
    np.testing.assert_allclose(confidences, vae["prior_confidence"], rtol=1e-6)


def test_decode_and_interpolate(trained):
    """Vector arithmetic in the VAE's code: a digit's mean code decodes to that digit, and
    the line between two means morphs one digit into the other.  A 2-D code cannot keep all
    ten digits apart: one or two mean codes fall where a neighbour's codes are (at seed 0
    the 8s' mean decodes to a 2 and the 9s' to a 3; other seeds mix the 1, 5 or 8)."""
    sim = trained["vae-digits"][0]
    means = sim.class_means()
    np.testing.assert_allclose(means, sim.snapshot()["class_means"], atol=1e-6)
    own = classify(sim.decode(means))[0] == np.arange(10)
    assert own.sum() >= 8, own
    line = sim.interpolate(3, 7, 7)
    assert line.shape == (7, PIXELS) and line.min() >= 0 and line.max() <= 1
    np.testing.assert_allclose(line[[0, -1]], sim.decode(means[[3, 7]]), atol=1e-6)
    labels = classify(line)[0].tolist()
    assert labels[0] == 3 and labels[-1] == 7, labels  # from a 3 to a 7
    steps = np.abs(np.diff(line, axis=0)).sum(axis=1)
    assert np.all(steps > 0.05 * steps.sum() / 6), steps  # every image a step of the morph
    np.testing.assert_allclose(sim.decode([0.5, -0.25]), sim.decode(np.array([[0.5, -0.25]])))
    codes = sim.encode(sim.snapshot()["inputs"])
    np.testing.assert_allclose(codes, sim.snapshot()["latent"][sim.chosen.numpy()], atol=1e-5)
    for bad in ([1, 2, 3], [[np.nan, 0]], "abc", np.zeros((0, 2)), [[1e40, 0]]):
        with pytest.raises(ValueError) as info:
            sim.decode(bad)
        assert "\n" not in str(info.value)
    for args in ((3, 10), (-1, 2), (3, 8, 1), (3.5, 8), (True, 2)):
        with pytest.raises(ValueError):
            sim.interpolate(*args)


def test_the_same_seed_gives_the_same_run():
    def run(seed):
        sim = create("autoencoder", seed=seed, hidden_units=16)
        sim.step(40)
        return sim.snapshot()

    a, b, c = run(5), run(5), run(6)
    np.testing.assert_array_equal(a["latent"], b["latent"])
    np.testing.assert_array_equal(a["history"]["loss"], b["history"]["loss"])
    np.testing.assert_array_equal(a["prior_points"], b["prior_points"])
    assert not np.array_equal(a["latent"], c["latent"])


def test_costly_keys_only_when_asked():
    sim = create("autoencoder", seed=1, hidden_units=8)
    first = sim.snapshot()
    sim.step(5)
    plain = sim.snapshot(detail=False)
    assert plain["latent"] is first["latent"] and plain["detail_step"] == 0
    assert plain["step"] == 5 and not math.isnan(plain["loss"])
    assert sim.snapshot()["detail_step"] == 5


def test_live_changes_keep_the_networks():
    sim = create("autoencoder", seed=2, hidden_units=8, steps=10)
    sim.step(4)
    weights = [p.detach().clone() for p in sim.coder.parameters()]
    assert not sim.set_params(learning_rate=0.01, beta=2.0, batch_size=32, steps=3)
    assert sim.step_count == 4 and sim.status == "done"  # 4 ≥ 3 steps: done
    assert all(torch.equal(a, b) for a, b in zip(weights, sim.coder.parameters()))
    assert sim.optimizer.param_groups[0]["lr"] == 0.01
    sim.set_params(steps=6)
    assert sim.status == "running" and sim.step(10) == 2 and sim.status == "done"
    assert sim.set_params(latent_dim=3)  # a new architecture: a new run
    assert sim.step_count == 0 and sim.snapshot()["latent"].shape[1] == 3


def test_a_non_finite_loss_stops_the_run_before_the_update():
    sim = create("autoencoder", seed=3, hidden_units=8)
    sim.step(2)
    weights = [p.detach().clone() for p in sim.coder.parameters()]
    sim.data = torch.full_like(sim.data, float("nan"))
    assert sim.step(5) == 0 and sim.status == "diverged" and sim.step_count == 2
    assert "non-finite loss at step 3" in sim.snapshot()["message"]
    assert all(torch.equal(a, b) for a, b in zip(weights, sim.coder.parameters()))


def test_the_plain_autoencoder_has_no_kl_term():
    sim = create("autoencoder", seed=0, variational=False, hidden_units=8)
    sim.step(3)
    snap = sim.snapshot()
    assert math.isnan(snap["kl"]) and snap["posterior_variance"] is None
    assert snap["loss"] == snap["reconstruction_loss"] and snap["beta"] == 0.0
    assert sim.summary(snap)["KL"] == "nan"


def test_beta_4_the_kl_term_wins():
    """The preset's "what if": with β = 4 the codes carry nothing (KL → 0) and every sample
    is the same blurred digit, as the notes say of a loss that is only KL."""
    sim, _ = preset_run("vae-beta-4", steps=500)
    snap = sim.snapshot()
    assert snap["kl"] < 0.05 and snap["digit_score"] < 1.3
    assert np.all(snap["latent"].var(axis=0) < 0.01)


def _npz(path, n=30, seed=0):
    rng = np.random.default_rng(seed)
    np.savez(path, x_train=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
             y_train=np.arange(n) % 10)
    return path


def test_mnist_from_a_users_file(tmp_path, monkeypatch):
    monkeypatch.setattr(ae_model, "LATENT_POINTS", 12)
    path = _npz(tmp_path / "mnist.npz")
    sim = create("autoencoder", seed=0, dataset="mnist", data=str(path), hidden_units=8,
                 batch_size=8)
    assert sim.step(3) == 3
    snap = sim.snapshot()
    assert snap["image_shape"] == (28, 28) and snap["latent"].shape == (12, 2)
    assert snap["inputs"].shape == (10, 784) and snap["prior_samples"].shape[1] == 784
    assert snap["prior_labels"] is None and math.isnan(snap["digit_score"])
    assert sim.decode([0, 0]).shape == (1, 784)


def test_bad_data_is_refused_in_one_line(tmp_path, capsys):
    with pytest.raises(ParameterError, match="^data=None is not allowed: expected the path"):
        create("autoencoder", dataset="mnist")
    path = tmp_path / "train-images-idx3-ubyte.gz"
    pixels = np.random.default_rng(0).integers(0, 256, 5 * 784, dtype=np.uint8).tobytes()
    body = struct.pack(">IIII", 0x803, 5, 28, 28) + pixels  # random: ~4 KB compressed
    path.write_bytes(gzip.compress(body)[:-40])  # its header reads, its pixels do not
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(struct.pack(">II", 0x801, 5) + bytes(5)))
    params = params_class("autoencoder")(dataset="mnist", data=str(path))
    assert params.data == str(path)  # the cheap check passes: headers only
    for argv, says in ((["--set", "dataset=mnist", "--set", f"data={path}"],
                        ("data=.* is not allowed: train-images-idx3-ubyte.gz: not a readable "
                         "gzip file")),
                       (["--set", f"data={tmp_path}/nothing.npz"], "data="),
                       (["--set", "beta=-1"], "beta=-1 is not allowed"),
                       (["--set", "latent_dim=0"], "latent_dim=0 is not allowed"),
                       (["--set", "dataset=cifar"], "dataset=cifar is not allowed")):
        assert main(["run", "autoencoder", "--steps", "1", *argv]) == 2
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert captured.out == "" and len(lines) == 1, lines
        assert re.match("error: " + says, lines[0]), lines
    # a file broken within its header is refused by the parameter itself, in one line
    broken = tmp_path / "t10k-images-idx3-ubyte.gz"
    broken.write_bytes(gzip.compress(struct.pack(">IIII", 0x803, 5, 28, 28))[:-12])
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(struct.pack(">II", 0x801, 5) + bytes(5)))
    with pytest.raises(ParameterError, match="^data=.* is not allowed: t10k-images-idx3-ubyte"
                                             ".gz: not a readable gzip file") as info:
        params_class("autoencoder").from_mapping({"dataset": "mnist", "data": str(broken)})
    assert "\n" not in str(info.value)


def _broken_gz(folder):
    """MNIST IDX files whose headers read and whose pixels do not (a truncated download)."""
    path = folder / "train-images-idx3-ubyte.gz"
    pixels = np.random.default_rng(0).integers(0, 256, 5 * 784, dtype=np.uint8).tobytes()
    path.write_bytes(gzip.compress(struct.pack(">IIII", 0x803, 5, 28, 28) + pixels)[:-40])
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(struct.pack(">II", 0x801, 5) + bytes(5)))
    return path


def test_data_that_cannot_be_read_leave_the_run_as_it_was(tmp_path):
    sim = create("autoencoder", seed=0, hidden_units=8)
    sim.step(3)
    before = sim.snapshot()
    weights = [p.detach().clone() for p in sim.coder.parameters()]
    path = _broken_gz(tmp_path)
    with pytest.raises(ParameterError, match="^data=.*not a readable gzip file"):
        sim.set_params(dataset="mnist", data=str(path))
    assert sim.params.dataset == "digits" and sim.params.data is None
    assert sim.step_count == 3 and sim.status == "running"
    assert all(torch.equal(a, b) for a, b in zip(weights, sim.coder.parameters()))
    np.testing.assert_array_equal(sim.snapshot()["latent"], before["latent"])
    assert sim.step(2) == 2 and sim.snapshot()["image_shape"] == (8, 8)
    # a file that breaks after the run began: Reset says so, and the run stays
    good = _npz(tmp_path / "mnist.npz")
    sim.set_params(dataset="mnist", data=str(good), batch_size=8)
    sim.step(2)
    good.write_bytes(good.read_bytes()[:200])
    with pytest.raises(ParameterError, match="^data=.*mnist.npz"):
        sim.reset()
    assert sim.step_count == 2 and sim.snapshot()["image_shape"] == (28, 28)


def test_the_command_line(capsys):
    assert main(["run", "autoencoder", "--steps", "2", "--set", "hidden_units=8",
                 "--seed", "4", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["model"] == "autoencoder" and [f["step"] for f in record["frames"]] == [0, 1, 2]
    assert record["frames"][0]["loss"] is None and record["frames"][-1]["loss"] > 0
    assert main(["run", "autoencoder", "--steps", "1", "--set", "variational=false",
                 "--set", "hidden_units=8"]) == 0
    assert "reconstruction" in capsys.readouterr().out


def test_the_parameters_load_without_torch(python):
    code = ("import sys\nfrom mechgui.engine import params_class\n"
            "params_class('autoencoder')().to_dict()\n"
            "import mechgui.engine.digits, mechgui.engine.digit_classifier\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in "
            "('torch', 'numba', 'PySide6')))\n")
    assert python(code).strip() == ""
