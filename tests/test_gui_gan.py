"""GAN panel: the views show the snapshot's data, D-only/G-only steps, slow motion, files,
the form's parameters that apply, keys beside the data, redrawing on detailed frames."""

import os
from types import MappingProxyType

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt

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
    _refresh(qtbot, panel)  # the snapshot that follows the new parameters


def _refresh(qtbot, panel):
    """A fresh snapshot of the engine, drawn."""
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
    plane, curves = panel.plane, panel.curves
    assert panel.stack.currentIndex() == PAGE_2D
    np.testing.assert_allclose(_pos(plane.fake_item), snap["samples"])
    np.testing.assert_allclose(_pos(plane.real_item), snap["real"])
    image = plane.heat_item.image
    assert image.dtype == np.float32
    np.testing.assert_allclose(image, snap["d_grid"], rtol=1e-6)
    assert list(plane.heat_item.levels) == [0.0, 1.0]
    mx, my, conn = manifold_lines(snap["manifold"])
    np.testing.assert_allclose(plane.manifold_item.getData()[0], mx)
    assert plane.arrow_item.getData()[0].size == 6 * 256
    np.testing.assert_allclose(plane.arrow_item.getData()[0][0], snap["samples"][0, 0])
    # curves follow the decimated history
    np.testing.assert_allclose(curves.loss_d_curve.getData()[1], snap["history"]["loss_d"])
    np.testing.assert_allclose(curves.acc_real_curve.getData()[1],
                               snap["history"]["accuracy_real"])
    np.testing.assert_allclose(curves.js_curve.getData()[1],
                               snap["metric_history"]["js_divergence"])
    d_line = curves.refs["D"]
    assert d_line.value() == pytest.approx(2 * np.log(2)) and d_line.isVisible()
    ticks = curves.loss_plot.getAxis("right")._tickLevels[0]
    assert [text for _, text in ticks] == ["2 log 2", "log 2"]  # named beside the plot
    # toggling layers (clicks on the check boxes)
    checks = panel.controls.layer_checks
    for key, item in plane.items.items():
        qtbot.mouseClick(checks[key], Qt.MouseButton.LeftButton)
        assert not item.isVisible()
        qtbot.mouseClick(checks[key], Qt.MouseButton.LeftButton)
        assert item.isVisible()
    panel.set_layer_visible("real", False)
    assert not checks["real"].isChecked() and not plane.real_item.isVisible()
    assert "real data" not in plane.key.text()


def test_d_only_and_g_only_steps(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    snap0 = panel.snapshot
    panel.step_discriminator(3)
    _wait(qtbot, panel, lambda s: s["d_updates"] == snap0["d_updates"] + 3)
    snap1 = panel.snapshot
    assert snap1["g_updates"] == snap0["g_updates"] and snap1["step"] == snap0["step"]
    np.testing.assert_array_equal(snap1["samples"], snap0["samples"])  # G untouched
    assert not np.array_equal(snap1["d_grid"], snap0["d_grid"])
    np.testing.assert_allclose(_pos(panel.plane.fake_item), snap1["samples"])
    panel.step_generator(2)
    _wait(qtbot, panel, lambda s: s["g_updates"] == snap1["g_updates"] + 2)
    snap2 = panel.snapshot
    assert snap2["d_updates"] == snap1["d_updates"]
    np.testing.assert_array_equal(snap2["d_grid"], snap1["d_grid"])  # D untouched
    assert not np.array_equal(snap2["samples"], snap1["samples"])
    assert panel.top.counts_label.text() == "updates: D 3 · G 2"


def test_slow_motion_shows_the_two_passes(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    banner = panel.top.phase_label
    assert "nothing trained" in banner.text()
    panel.top.slow_check.setChecked(True)
    panel.step_once()
    _wait(qtbot, panel, lambda s: s["phase"] == "D pass done")
    assert panel.snapshot["step"] == 0 and banner.text() == "D trained, G frozen — G's pass next"
    panel.step_once()
    _wait(qtbot, panel, lambda s: s["phase"] == "G pass done")
    assert panel.snapshot["step"] == 1 and banner.text() == "G trained, D frozen"
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
    panel.top.slow_check.setChecked(False)


def test_1d_view(qtbot, panel):
    _small(qtbot, panel, "gaussian-1d-toy", pretrain_steps=20)
    assert panel.top.phase_label.text() == "Start: D pre-trained on the initial G"
    panel.run_steps(10)
    _wait(qtbot, panel, lambda s: s["step"] >= 10 and s["dimension"] == 1
          and not panel.runner.playing)
    snap = panel.snapshot
    assert panel.stack.currentIndex() == PAGE_1D
    line = panel.line
    np.testing.assert_allclose(line.d_curve.getData()[1], snap["d_line"])
    np.testing.assert_allclose(line.d_star_curve.getData()[1], snap["d_star_line"])
    np.testing.assert_allclose(line.target_curve.getData()[1], snap["target_density"])
    np.testing.assert_allclose(line.hist_real.getData()[1], snap["hist_real"])
    np.testing.assert_allclose(line.hist_fake.getData()[1], snap["hist_fake"])


def test_cgan_view(qtbot, panel):
    _small(qtbot, panel, "rosenbrock-cgan", hidden_layers=1)
    panel.run_steps(5)
    _wait(qtbot, panel, lambda s: s["step"] >= 5 and "observations" in s
          and not panel.runner.playing)
    snap = panel.snapshot
    assert panel.stack.currentIndex() == PAGE_CGAN
    cgan = panel.cgan
    np.testing.assert_allclose(_pos(cgan.fake_item), snap["samples"])
    np.testing.assert_allclose(_pos(cgan.posterior_item), snap["real"])
    edges, h_obs = cgan.obs_hist.getData()
    width = edges[1] - edges[0]
    assert h_obs.sum() * width == pytest.approx(1.0)
    assert cgan.push_hist.getData()[1].sum() * width == pytest.approx(1.0)


def test_draw_target(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    plane, button = panel.plane, panel.controls.draw_button
    assert not plane.drawn_item.isVisible()  # nothing drawn yet: no layer to paint
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert plane.box.drawing_enabled and button.text() == "Train on drawing"
    rng = np.random.default_rng(0)
    pts = np.vstack([rng.normal([1, 1], 0.1, (50, 2)), rng.normal([-1, 0], 0.1, (50, 2))])
    panel.add_drawn_points(pts)
    np.testing.assert_allclose(_pos(plane.drawn_item), pts)
    assert plane.drawn_item.isVisible()
    # a click on the plane adds a small spray around the mouse
    view = plane.graphics
    at = view.mapFromScene(plane.box.mapViewToScene(QPointF(0.0, 0.0)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert len(panel.drawn_points()) == 100 + 6
    assert np.abs(panel.drawn_points()[100:]).max() < 1.0
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not plane.box.drawing_enabled and button.text() == "Draw target"
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
    _wait(qtbot, panel, lambda s: s["step"] == saved["step"]
          and s["d_updates"] == saved["d_updates"])
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
    _refresh(qtbot, panel)
    assert panel.snapshot["step"] == before["step"]
    np.testing.assert_array_equal(panel.snapshot["samples"], before["samples"])
    panel.clear_message()
    panel.load_model(tmp_path / "missing.pt")
    qtbot.waitUntil(lambda: "Could not load" in panel.message.text(), timeout=20000)
    assert "cannot be read (No such file or directory)" in panel.message.text()


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
    _refresh(qtbot, panel)
    np.testing.assert_array_equal(panel.snapshot["samples"], before["samples"])


def test_a_hostile_model_file_while_playing_gives_one_line_and_the_run_plays_on(
        qtbot, panel, tmp_path):
    """A wrong-sized optimiser state loaded and the next step wrote out of bounds (the app
    died); a seed of -1 replaced the seed before the refusal; a huge step broke every frame."""
    import torch

    _small(qtbot, panel, "ring-8")
    panel.run_steps(3)  # Adam has a state
    _wait(qtbot, panel, lambda s: s["step"] >= 3 and not panel.runner.playing)
    path = tmp_path / "model.pt"
    panel.save_model(path)
    qtbot.waitUntil(lambda: "saved" in panel.message.text(), timeout=20000)
    hostile = {}
    for name, edit in (("exp_avg", lambda r: r["optimizer_d"]["state"][0].update(
                           exp_avg=torch.zeros(1))),
                       ("seed", lambda r: r.update(seed=-1)),
                       ("step", lambda r: r.update(step=10 ** 30)),
                       ("eps", lambda r: r["optimizer_g"]["param_groups"][0].update(eps="abc"))):
        record = torch.load(path, weights_only=True)
        edit(record)
        hostile[name] = tmp_path / f"{name}.pt"
        torch.save(record, hostile[name])
    pipe = tmp_path / "pipe.pt"
    if hasattr(os, "mkfifo"):
        os.mkfifo(pipe)
        hostile["pipe"] = pipe
    panel.set_speed(100)
    panel.play()
    for name, bad in hostile.items():
        _wait(qtbot, panel, lambda s: panel.runner.playing)
        step = panel.snapshot["step"]
        panel.clear_message()
        panel.load_model(bad)
        qtbot.waitUntil(lambda: "Could not load" in panel.message.text(), timeout=20000)
        text = panel.message.text()
        assert "nothing was changed" in text and bad.name in text and "\n" not in text, text
        assert "engine stopped" not in text and (name in text or name == "pipe"), text
        _wait(qtbot, panel, lambda s, step=step: s["step"] > step + 2)  # the run plays on
    panel.pause()
    assert panel.runner.errors == []  # refusals, not bugs
    panel.reset()  # the session's seed is still sound
    _wait(qtbot, panel, lambda s: s["step"] == 0)


# -- what a lecturer met on a real screen ------------------------------------------------
def _click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_every_kind_of_step_shows_what_it_trained_and_moves_the_counts(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    top = panel.top
    spin = panel.controls.updates_spin
    spin.selectAll()
    qtbot.keyClicks(spin, "3")  # updates per press of Step D / Step G
    assert spin.value() == 3
    assert top.phase_label.text() == "Start: nothing trained yet"
    assert top.counts_label.text() == "updates: D 0 · G 0"

    def after(button, d, g, step, banner):
        _click(qtbot, button)
        _wait(qtbot, panel, lambda s: (s["d_updates"], s["g_updates"]) == (d, g))
        qtbot.waitUntil(lambda: top.counts_label.text() == f"updates: D {d} · G {g}")
        assert top.phase_label.text() == banner
        assert panel.snapshot["step"] == step
        assert panel.transport.step_label.text() == f"step {step}"

    assert panel.badge()[1] == "ready"
    after(top.step_d_button, 3, 0, 0, "D trained, G frozen")
    assert panel.badge()[1] == "paused"  # D has been trained: not "ready" any more
    after(top.step_g_button, 3, 3, 0, "G trained, D frozen")
    after(panel.transport.step_button, 4, 4, 1, "D trained (G frozen), then G (D frozen)")
    _click(qtbot, top.slow_check)
    after(panel.transport.step_button, 5, 4, 1, "D trained, G frozen — G's pass next")
    after(panel.transport.step_button, 5, 5, 2, "G trained, D frozen")
    after(top.step_d_button, 8, 5, 2, "D trained, G frozen")
    _click(qtbot, top.slow_check)


def test_the_form_shows_only_the_parameters_that_apply(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    form = panel.form
    assert form.params.loss == "non-saturating" and form.params.optimizer == "adam"
    hidden = ("mean", "std", "gp_weight", "obs_mean", "obs_std", "obs_truncation",
              "pretrain_steps", "data")
    assert [name for name in hidden if form.is_shown(name)] == []
    assert all(form.is_shown(name) for name in ("loss", "lr_d", "k", "adam_beta1", "noise"))
    combo = form.editor("loss")
    combo.setFocus()
    qtbot.keyClick(combo, "w")  # the first loss starting with w: wgan-gp
    qtbot.waitUntil(lambda: form.params.loss == "wgan-gp")
    assert form.is_shown("gp_weight")
    form.submit("dataset", "gaussian-1d")
    assert form.is_shown("mean") and form.is_shown("std") and not form.is_shown("obs_mean")
    form.submit("optimizer", "sgd")
    assert not form.is_shown("adam_beta1")


def _overlaps(key, plot):
    return key.sceneBoundingRect().intersects(plot.getViewBox().sceneBoundingRect())


@pytest.mark.parametrize("lecture", [False, True])
def test_keys_sit_beside_the_data_and_d_fills_the_plane(qtbot, window, lecture):
    window.set_lecture_mode(lecture)
    panel = window.show_tab("gan")
    pages = [("ring-8", panel.plane, [(panel.plane.key, panel.plane.plot)]),
             ("gaussian-1d-toy", panel.line, [(panel.line.density_key, panel.line.density_plot),
                                             (panel.line.d_key, panel.line.d_plot)]),
             ("rosenbrock-cgan", panel.cgan, [(panel.cgan.posterior_key, panel.cgan.posterior_plot),
                                              (panel.cgan.push_key, panel.cgan.push_plot)])]
    for preset, view, keys in pages:
        _small(qtbot, panel, preset, hidden_layers=1)
        qtbot.waitUntil(lambda page=view: panel.stack.currentWidget() is page.graphics)
        keys += list(zip(panel.curves.keys, panel.curves.plots()))
        qtbot.waitUntil(lambda shown=keys: all(key.isVisible() and key.size().height() > 0
                                               for key, _ in shown))
        for key, plot in keys:
            assert not _overlaps(key, plot), (preset, key.text())
            assert key.text()  # it names the items
        # no legend or caption inside a plot any more
        assert all(plot.legend is None for plot in panel.plots())
        assert not [item for plot in panel.plots() for item in plot.getViewBox().addedItems
                    if isinstance(item, pg.TextItem)]
        # nothing cut off at the right of its own view (the 2-D page is narrower than the
        # curves: the model overview stands beside it)
        assert not [key for key, _ in keys if key.mapRectToScene(key.boundingRect()).right()
                    > key.scene().views()[0].width() + 1]
    panel.pause()
    # the 2-D page: D's map covers the whole plane shown, and a circle stays round
    _small(qtbot, panel, "ring-8")
    plane = panel.plane

    def fills():
        assert plane.heat_item.image is not None
        heat = plane.heat_item.mapRectToView(plane.heat_item.boundingRect())
        shown = plane.box.viewRect()
        assert heat.adjusted(-1e-6, -1e-6, 1e-6, 1e-6).contains(shown), (heat, shown)
        sx, sy = plane.box.viewPixelSize()
        assert sx == pytest.approx(sy, rel=0.03)  # as many pixels per unit across as up

    qtbot.waitUntil(fills)
    assert panel.render_errors == []
    window.set_lecture_mode(False)


def test_the_readout_shows_no_nan_before_the_first_update(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    snap = panel.snapshot
    assert snap["step"] == 0 and np.isnan(snap["loss_d"])
    text = panel.top.readout.text()
    assert "nan" not in text.lower() and "loss D – · G –" in text
    panel.step_once()
    _wait(qtbot, panel, lambda s: s["step"] == 1)
    qtbot.waitUntil(lambda: "loss D –" not in panel.top.readout.text())
    assert "nan" not in panel.top.readout.text().lower()


def test_costly_parts_are_drawn_on_detailed_frames_only(qtbot, panel):
    _small(qtbot, panel, "ring-8")
    snap = panel.snapshot
    plane = panel.plane
    shown = np.array(plane.heat_item.image)
    other = dict(snap)
    other["d_grid"] = np.zeros_like(snap["d_grid"])
    other["samples"] = snap["samples"] + 0.5
    other["detail"] = False  # a frame between two detailed ones: D's map is not redrawn
    panel.render(MappingProxyType(other))
    np.testing.assert_array_equal(plane.heat_item.image, shown)
    np.testing.assert_allclose(_pos(plane.fake_item), other["samples"])  # cheap: every frame
    other["detail"] = True
    panel.render(MappingProxyType(other))
    assert not plane.heat_item.image.any()
    # a layer shown again is drawn from the snapshot on the screen, detailed or not
    qtbot.mouseClick(panel.controls.layer_checks["heatmap"], Qt.MouseButton.LeftButton)
    panel.render(MappingProxyType(dict(other, detail=False, d_grid=np.ones_like(shown))))
    assert not plane.heat_item.isVisible()
    qtbot.mouseClick(panel.controls.layer_checks["heatmap"], Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(plane.heat_item.image, snap["d_grid"])
