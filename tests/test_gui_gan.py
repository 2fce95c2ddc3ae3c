"""GAN panel: the views show the snapshot's data, D-only/G-only steps, slow motion, files."""

import numpy as np
import pytest

from mechgui.app.panels.gan import (PAGE_1D, PAGE_2D, PAGE_CGAN, arrow_segments, heat_lut,
                                    manifold_lines)

pytestmark = pytest.mark.gui

SMALL = {"hidden_units": 16, "batch_size": 64}


@pytest.fixture
def panel(qtbot, window):
    panel = window.show_tab("gan")
    yield panel
    panel.pause()
    assert panel.render_errors == []


def _wait(qtbot, panel, test, timeout=20000):
    qtbot.waitUntil(lambda: panel.snapshot is not None and test(panel.snapshot), timeout=timeout)


def _small(qtbot, panel, preset, **extra):
    panel.load_preset(preset)
    panel.submit_params(**SMALL, **extra)
    _wait(qtbot, panel, lambda s: s["step"] == 0 and panel.form.params.hidden_units == 16)
    # the snapshot that follows the new parameters
    before = panel.frames_drawn
    panel.runner.refresh()
    qtbot.waitUntil(lambda: panel.frames_drawn > before, timeout=20000)


def _pos(item):
    x, y = item.getData()
    return np.column_stack([x, y])


def test_helpers():
    lut = heat_lut()
    assert lut.shape == (256, 3) and lut.dtype == np.ubyte
    assert lut[0].tolist() != lut[-1].tolist()
    m = np.arange(3 * 4 * 2, dtype=float).reshape(3, 4, 2)
    x, y, conn = manifold_lines(m)
    assert x.size == 3 * 4 + 4 * 3 and conn.sum() == 3 * 3 + 4 * 2
    np.testing.assert_array_equal(x[:4], m[0, :, 0])
    x, y, conn = manifold_lines(np.zeros((1, 101, 2)))
    assert x.size == 101 and conn.sum() == 100
    ax, ay = arrow_segments(np.zeros((2, 2)), np.array([[1.0, 0.0], [0.5, 0.0]]), reach=2.0)
    assert ax.size == 12
    assert (ax[1], ay[1]) == (2.0, 0.0) and ax[7] == pytest.approx(1.0)


def test_2d_layers_show_the_snapshot(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    panel.run_steps(20)
    _wait(qtbot, panel, lambda s: s["step"] >= 20 and not panel.runner.playing)
    assert panel.frames_drawn > 0
    snap = panel.snapshot
    assert panel.stack.currentIndex() == PAGE_2D
    np.testing.assert_allclose(_pos(panel.fake_item), snap["samples"])
    np.testing.assert_allclose(_pos(panel.real_item), snap["real"])
    image = panel.heat_item.image
    assert image.dtype == np.float32
    np.testing.assert_allclose(image, snap["d_grid"], rtol=1e-6)
    assert list(panel.heat_item.levels) == [0.0, 1.0]
    mx, my, conn = manifold_lines(snap["manifold"])
    np.testing.assert_allclose(panel.manifold_item.getData()[0], mx)
    assert panel.arrow_item.getData()[0].size == 6 * 256
    np.testing.assert_allclose(panel.arrow_item.getData()[0][0], snap["samples"][0, 0])
    # curves follow the decimated history
    np.testing.assert_allclose(panel.loss_d_curve.getData()[1], snap["history"]["loss_d"])
    np.testing.assert_allclose(panel.acc_real_curve.getData()[1],
                               snap["history"]["accuracy_real"])
    np.testing.assert_allclose(panel.js_curve.getData()[1],
                               snap["metric_history"]["js_divergence"])
    assert panel.d_ref.value() == pytest.approx(2 * np.log(2)) and panel.d_ref.isVisible()
    # toggling layers
    for key, item in panel.layer_items.items():
        panel.layer_checks[key].setChecked(False)
        assert not item.isVisible()
        panel.layer_checks[key].setChecked(True)
        assert item.isVisible()
    panel.set_layer_visible("real", False)
    assert not panel.layer_checks["real"].isChecked() and not panel.real_item.isVisible()


def test_d_only_and_g_only_steps(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    snap0 = panel.snapshot
    panel.step_discriminator(3)
    _wait(qtbot, panel, lambda s: s["d_updates"] == snap0["d_updates"] + 3)
    snap1 = panel.snapshot
    assert snap1["g_updates"] == snap0["g_updates"] and snap1["step"] == snap0["step"]
    np.testing.assert_array_equal(snap1["samples"], snap0["samples"])  # G untouched
    assert not np.array_equal(snap1["d_grid"], snap0["d_grid"])
    np.testing.assert_allclose(_pos(panel.fake_item), snap1["samples"])
    panel.step_generator(2)
    _wait(qtbot, panel, lambda s: s["g_updates"] == snap1["g_updates"] + 2)
    snap2 = panel.snapshot
    assert snap2["d_updates"] == snap1["d_updates"]
    np.testing.assert_array_equal(snap2["d_grid"], snap1["d_grid"])  # D untouched
    assert not np.array_equal(snap2["samples"], snap1["samples"])
    assert "updates 3/2" in panel.readout.text() or "3/2" in panel.readout.text()


def test_slow_motion_shows_the_two_passes(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    assert "start" in panel.phase_label.text()
    panel.slow_check.setChecked(True)
    panel.step_once()
    _wait(qtbot, panel, lambda s: s["phase"] == "D pass done")
    assert panel.snapshot["step"] == 0 and "D pass done" in panel.phase_label.text()
    panel.step_once()
    _wait(qtbot, panel, lambda s: s["phase"] == "G pass done")
    assert panel.snapshot["step"] == 1 and "G pass done" in panel.phase_label.text()
    # Play in slow motion alternates the passes on a timer
    seen = []
    panel.transport.set_speed(10)
    panel.toggle_play()
    assert panel.transport.play_button.isChecked()
    qtbot.waitUntil(lambda: (seen.append(panel.snapshot["phase"]) or True)
                    and panel.snapshot["step"] >= 2, timeout=20000)
    panel.toggle_play()
    assert not panel.transport.play_button.isChecked()
    assert "D pass done" in seen
    panel.slow_check.setChecked(False)


def test_1d_view(qtbot, panel):
    _small(qtbot, panel, "gaussian-1d-toy", pretrain_steps=20)
    panel.run_steps(10)
    _wait(qtbot, panel, lambda s: s["step"] >= 10 and s["dimension"] == 1
          and not panel.runner.playing)
    snap = panel.snapshot
    assert panel.stack.currentIndex() == PAGE_1D
    np.testing.assert_allclose(panel.d_curve.getData()[1], snap["d_line"])
    np.testing.assert_allclose(panel.d_star_curve.getData()[1], snap["d_star_line"])
    np.testing.assert_allclose(panel.target_curve.getData()[1], snap["target_density"])
    np.testing.assert_allclose(panel.hist_real.getData()[1], snap["hist_real"])
    np.testing.assert_allclose(panel.hist_fake.getData()[1], snap["hist_fake"])


def test_cgan_view(qtbot, panel):
    _small(qtbot, panel, "rosenbrock-cgan", hidden_layers=1)
    panel.run_steps(5)
    _wait(qtbot, panel, lambda s: s["step"] >= 5 and "observations" in s
          and not panel.runner.playing)
    snap = panel.snapshot
    assert panel.stack.currentIndex() == PAGE_CGAN
    np.testing.assert_allclose(_pos(panel.cgan_fake_item), snap["samples"])
    np.testing.assert_allclose(_pos(panel.posterior_item), snap["real"])
    edges, h_obs = panel.obs_hist.getData()
    width = edges[1] - edges[0]
    assert h_obs.sum() * width == pytest.approx(1.0)
    assert panel.push_hist.getData()[1].sum() * width == pytest.approx(1.0)


def test_draw_target(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    assert not panel.drawn_item.isVisible()  # nothing drawn yet: no layer to paint
    panel.draw_button.setChecked(True)
    assert panel.draw_box_2d.drawing_enabled
    rng = np.random.default_rng(0)
    pts = np.vstack([rng.normal([1, 1], 0.1, (50, 2)), rng.normal([-1, 0], 0.1, (50, 2))])
    panel.add_drawn_points(pts)
    np.testing.assert_allclose(_pos(panel.drawn_item), pts)
    assert panel.drawn_item.isVisible()
    panel._draw_point(0.0, 0.0)  # a mouse position adds a small spray
    assert len(panel.drawn_points()) == 100 + 6
    panel.draw_button.setChecked(False)
    assert not panel.draw_box_2d.drawing_enabled
    assert panel.form.params.dataset == "drawn" and panel.form.params.data.shape == (106, 2)
    _wait(qtbot, panel, lambda s: s["step"] == 0 and len(s["real"]) > 0
          and float(np.abs(s["real"]).max()) < 3)


def test_save_and_load_round_trip(qtbot, panel, tmp_path):
    _small(qtbot, panel, "ring-8")
    panel.run_steps(15)
    _wait(qtbot, panel, lambda s: s["step"] >= 15 and not panel.runner.playing)
    saved = panel.snapshot
    path = tmp_path / "model.pt"
    panel.save_model(path)
    qtbot.waitUntil(lambda: "saved" in panel.message.text(), timeout=20000)
    assert path.exists()
    # change the session: other parameters, more steps
    panel.submit_params(hidden_units=8)
    _wait(qtbot, panel, lambda s: s["step"] == 0)
    panel.run_steps(3)
    _wait(qtbot, panel, lambda s: s["step"] >= 3 and not panel.runner.playing)
    panel.load_model(path)
    _wait(qtbot, panel, lambda s: s["step"] == saved["step"] and s["d_updates"] == 0)
    qtbot.waitUntil(lambda: "loaded" in panel.message.text(), timeout=5000)
    assert panel.form.params.hidden_units == 16  # the session's parameters came back
    np.testing.assert_allclose(panel.snapshot["samples"], saved["samples"], rtol=1e-5)
    np.testing.assert_allclose(panel.snapshot["d_grid"], saved["d_grid"], rtol=1e-5)


def test_junk_file_gives_a_clear_message(qtbot, panel, tmp_path):
    _small(qtbot, panel, "ring-8")
    panel.run_steps(5)
    _wait(qtbot, panel, lambda s: s["step"] >= 5 and not panel.runner.playing)
    before = panel.snapshot
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"this is not a model" * 10)
    panel.load_model(junk)
    qtbot.waitUntil(lambda: "Could not load" in panel.message.text(), timeout=20000)
    text = panel.message.text()
    assert "not a mechgui GAN model file" in text and "Traceback" not in text
    assert "engine stopped" not in text
    assert panel.runner.errors == []  # a refusal, not a bug
    panel.runner.refresh()
    qtbot.wait(200)
    assert panel.snapshot["step"] == before["step"]
    np.testing.assert_array_equal(panel.snapshot["samples"], before["samples"])
    panel.load_model(tmp_path / "missing.pt")
    assert "is not a file" in panel.message.text()


class _Boom:
    def __reduce__(self):
        import os
        return (os.system, ("touch PWNED_BY_PICKLE",))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_files_that_do_not_fit(qtbot, panel, tmp_path, monkeypatch):
    import pickle

    import torch

    monkeypatch.chdir(tmp_path)
    _small(qtbot, panel, "ring-8")
    before = panel.snapshot
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"format": "mechgui-gan", "x": _Boom()}))
    torch_evil = tmp_path / "evil2.pt"
    torch.save({"format": "mechgui-gan", "x": _Boom()}, torch_evil)
    wrong = tmp_path / "wrong.pt"
    path = tmp_path / "model.pt"
    panel.save_model(path)
    qtbot.waitUntil(lambda: "saved" in panel.message.text(), timeout=20000)
    record = torch.load(path, weights_only=True)
    record["generator"]["0.weight"] = torch.zeros(3, 3)
    torch.save(record, wrong)
    for bad in (evil, torch_evil, wrong):
        panel.clear_message()
        panel.load_model(bad)
        qtbot.waitUntil(lambda: "Could not load" in panel.message.text(), timeout=20000)
        assert bad.name in panel.message.text()
    assert "shape" in panel.message.text() and "engine stopped" not in panel.message.text()
    assert not (tmp_path / "PWNED_BY_PICKLE").exists()
    assert panel.runner.errors == []  # refused cleanly, not an engine crash
    panel.runner.refresh()
    qtbot.wait(200)
    np.testing.assert_array_equal(panel.snapshot["samples"], before["samples"])
