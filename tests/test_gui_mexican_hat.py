"""Mexican Hat panel: Example 4.2's profiles as drawn, the drawn signal, the weights."""

import numpy as np
import pytest

from mechgui.app.panels.mexican_hat import (
    MAX_EARLIER,
    bump_signal,
    noisy_bump_signal,
    two_bumps_signal,
)
from mechgui.app.runner import live_runners
from mechgui.engine.mexican_hat import RECENT_PROFILES

pytestmark = pytest.mark.gui

SIGNAL = [0.0, 0.5, 0.8, 1.0, 0.8, 0.5, 0.0]
# Example 4.2 as printed (Step 4 at t = 1 and t = 2; the book rounds to two decimals).
T1 = [0.0, 0.38, 1.06, 1.16, 1.06, 0.38, 0.0]
T2 = [0.0, 0.39, 1.14, 1.66, 1.14, 0.39, 0.0]


@pytest.fixture
def panel(qtbot, window):
    panel = window.show_tab("mexican_hat")
    panel.window_ = window
    yield panel
    assert panel.render_errors == []
    assert panel.runner.errors == []


def _wait_step(qtbot, panel, step):
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot["step"] == step,
                    timeout=3000)


def test_example_4_2_profiles_as_drawn(qtbot, panel):
    panel.load_preset("fausett-4.2")
    _wait_step(qtbot, panel, 0)
    x, y = panel.current_curve.getData()
    np.testing.assert_array_equal(x, np.arange(1, 8))
    np.testing.assert_allclose(y, SIGNAL)

    panel.step_once()
    _wait_step(qtbot, panel, 1)
    _, y = panel.current_curve.getData()
    np.testing.assert_allclose(y, panel.snapshot["activations"])
    np.testing.assert_allclose(y, T1, atol=1e-9)
    _, y0 = panel.earlier_curves[0].getData()
    np.testing.assert_allclose(y0, SIGNAL)
    assert [label.toPlainText() for label in panel.value_labels] == \
        ["0", "0.38", "1.06", "1.16", "1.06", "0.38", "0"]

    panel.step_once()
    _wait_step(qtbot, panel, 2)
    snap = panel.snapshot
    assert snap["status"] == "done"
    _, y = panel.current_curve.getData()
    np.testing.assert_allclose(y, snap["activations"])
    np.testing.assert_allclose(y, T2, atol=0.011)  # the book prints 0.39 for 0.4
    # older steps drawn fainter, in order t = 0, 1
    for t in (0, 1):
        _, yt = panel.earlier_curves[t].getData()
        np.testing.assert_allclose(yt, snap["profiles"][t])
    alpha = [panel.earlier_curves[t].opts["pen"].color().alphaF() for t in (0, 1)]
    assert alpha[0] < alpha[1]
    assert panel.earlier_curves[2].getData()[0] is None or \
        len(panel.earlier_curves[2].getData()[0]) == 0
    assert "t = 2" in panel.profile_plot.titleLabel.text


def test_weights_stem_plot(qtbot, panel):
    panel.load_preset("fausett-4.2")
    _wait_step(qtbot, panel, 0)
    k = panel.weight_offsets
    np.testing.assert_array_equal(k, np.arange(-4, 5))
    np.testing.assert_allclose(panel.weight_values, [0, 0, -0.4, 0.6, 0.6, 0.6, -0.4, 0, 0])
    xs, ys = panel.coop_heads.getData()
    np.testing.assert_array_equal(xs, [-1, 0, 1])
    np.testing.assert_allclose(ys, 0.6)
    xs, ys = panel.comp_heads.getData()
    np.testing.assert_array_equal(xs, [-2, 2])
    np.testing.assert_allclose(ys, -0.4)
    xs, ys = panel.stems.getData()
    assert len(xs) == 2 * 9
    np.testing.assert_allclose(ys[1::2], panel.weight_values)
    # engine's own weights (k = −R2 … R2) are the middle of the stem plot
    np.testing.assert_allclose(panel.snapshot["weights"], panel.weight_values[2:-2])


def test_drawing_the_signal_restarts_from_it(qtbot, panel):
    panel.load_preset("fausett-4.2")
    _wait_step(qtbot, panel, 0)
    box = panel.signal_box
    box.sigDraw.emit(1.0, 0.9)
    box.sigDraw.emit(4.2, 0.3)  # skips units 2 and 3: they are filled in along the line
    box.sigDraw.emit(7.4, -0.5)  # clipped at 0
    _, live = panel.signal_bars.getData()
    np.testing.assert_allclose(live[:4], [0.9, 0.7, 0.5, 0.3])
    box.sigDrawFinished.emit()
    drawn = np.asarray(panel.form.params.signal)
    assert drawn[0] == pytest.approx(0.9) and drawn[3] == pytest.approx(0.3)
    assert drawn[6] == 0.0
    assert panel.preset_name == "(custom)"
    qtbot.waitUntil(lambda: panel.snapshot is not None and
                    np.allclose(panel.snapshot["profiles"][0], drawn), timeout=3000)
    _, bars = panel.signal_bars.getData()
    np.testing.assert_allclose(bars, drawn)
    _, y = panel.current_curve.getData()
    np.testing.assert_allclose(y, drawn)


def test_signal_buttons_build_signals_of_length_n(qtbot, panel):
    panel.unit_count.setValue(31)
    assert panel.single_bump()
    s = np.asarray(panel.form.params.signal)
    assert s.size == 31 and s.argmax() == 15 and s.max() == pytest.approx(1.0)
    assert panel.two_bumps()
    s = np.asarray(panel.form.params.signal)
    assert s[:15].max() == pytest.approx(1.0, abs=0.01)
    assert s[16:].max() == pytest.approx(0.7, abs=0.01)
    assert panel.noisy_bump()
    s = np.asarray(panel.form.params.signal)
    assert s.size == 31 and s.min() >= 0
    assert panel.unit_count.value() == 31
    qtbot.waitUntil(lambda: panel.snapshot is not None and
                    np.allclose(panel.snapshot["profiles"][0], s), timeout=3000)


def test_signal_shapes():
    assert bump_signal(7).argmax() == 3
    two = two_bumps_signal(41)
    assert two[:20].max() == pytest.approx(1.0, abs=0.01)
    assert two[21:].max() == pytest.approx(0.7, abs=0.01)
    noisy = noisy_bump_signal(41, np.random.default_rng(0))
    assert noisy.shape == (41,) and noisy.min() >= 0


def test_play_at_max_speed_to_the_end(qtbot, panel):
    panel.load_preset("two-bumps")
    panel.set_speed(0)
    panel.play()
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot["step"] == 12,
                    timeout=4000)
    snap = panel.snapshot
    _, y = panel.current_curve.getData()
    np.testing.assert_allclose(y, snap["activations"])
    for i, curve in enumerate(panel.earlier_curves):
        _, yi = curve.getData()
        np.testing.assert_allclose(yi, snap["profiles"][12 - MAX_EARLIER + i])
    assert panel.value_labels == []  # 41 units: no value labels


def test_a_long_run_draws_the_last_profiles_of_the_few_the_engine_keeps(qtbot, panel):
    """Past t = RECENT_PROFILES the snapshot holds the signal and the recent profiles
    only: the plot still shows x(t) over the dozen steps before it, the signal below."""
    signal = np.round(np.random.default_rng(5).random(30), 3)
    assert panel.submit_params(signal=signal, c1=0.3, c2=-0.2, x_max=100, t_max=40)
    _wait_step(qtbot, panel, 0)
    panel.set_speed(0)
    panel.play()
    qtbot.waitUntil(lambda: panel.snapshot["step"] == 40 and not panel.runner.playing,
                    timeout=5000)
    snap = panel.snapshot
    steps = list(snap["profile_steps"])
    assert len(steps) == RECENT_PROFILES + 1 and steps[0] == 0 and steps[-1] == 40
    for i, curve in enumerate(panel.earlier_curves):
        _, y = curve.getData()
        np.testing.assert_array_equal(y, snap["profiles"][steps.index(28 + i)])
    _, y = panel.current_curve.getData()
    np.testing.assert_array_equal(y, snap["activations"])
    _, bars = panel.signal_bars.getData()
    np.testing.assert_array_equal(bars, signal)
    labels = [label.text for _, label in panel.legend.items]
    assert labels == ["t = 40 (current)", "t = 28…39 (older = fainter)"]


def test_lecture_mode_thickens_lines(qtbot, panel):
    panel.load_preset("fausett-4.2")
    _wait_step(qtbot, panel, 0)
    thin = panel.current_curve.opts["pen"].widthF()
    panel.window_.set_lecture_mode(True)
    assert panel.current_curve.opts["pen"].widthF() > thin
    assert panel.value_labels[0].textItem.font().pointSize() == panel.theme.tick_size
    panel.window_.set_lecture_mode(False)


def test_lecture_titles_do_not_push_the_plots_off_the_window(qtbot, panel):
    """At 20 pt the long titles are wider than their plots: they must not widen the grid."""
    window = panel.window_
    window.resize(1400, 860)
    window.set_lecture_mode(True)
    panel.load_preset("two-bumps")
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot["step"] == 0
                    and len(panel.snapshot["activations"]) == 41, timeout=3000)
    panel.step_once()
    _wait_step(qtbot, panel, 1)
    qtbot.wait(50)  # let the layout settle
    view = panel.graphics
    visible = view.viewport().width()
    for plot in (panel.profile_plot, panel.signal_plot, panel.weight_plot):
        right = view.mapFromScene(plot.sceneBoundingRect().topRight()).x()
        assert right <= visible + 1, f"{plot.titleLabel.text!r} ends at {right} > {visible}"
        title = plot.titleLabel
        assert title.minimumWidth() <= plot.getViewBox().width() + 1
        assert title.isVisible()
        assert not title.shortened, title.item.toPlainText()  # lecture titles fit whole
    assert panel.weight_plot.titleLabel.text.startswith("Weights w<sub>k</sub>")
    assert panel.signal_plot.titleLabel.text.startswith("External signal s")
    assert "t = 1" in panel.profile_plot.titleLabel.text
    window.set_lecture_mode(False)
    assert "draw it with the mouse" in panel.signal_plot.titleLabel.text


def test_a_title_too_long_for_its_plot_is_shortened(qtbot, panel):
    window = panel.window_
    window.resize(1400, 860)
    window.set_lecture_mode(True)
    qtbot.wait(50)
    plot = panel.weight_plot
    long_title = "Weights w<sub>k</sub> to X<sub>i+k</sub>, " + "and a long tail " * 6
    panel.set_title(plot, long_title)
    qtbot.wait(50)
    title = plot.titleLabel
    assert title.text == long_title  # the whole title is kept ...
    assert title.shortened and title.item.toPlainText().endswith("…")  # ... and shown cut
    assert title.item.toPlainText().startswith("Weights wk to")
    assert "and a long tail" in title.toolTip()
    assert title.item.boundingRect().width() <= title.size().width() + 1
    view = panel.graphics  # the grid still fits the window
    assert view.mapFromScene(plot.sceneBoundingRect().topRight()).x() <= \
        view.viewport().width() + 1
    panel.set_title(plot, "Weights")
    qtbot.wait(50)
    assert not title.shortened and title.item.toPlainText() == "Weights"
    assert title.toolTip() == ""
    window.set_lecture_mode(False)


def test_no_runner_left(qtbot):
    assert live_runners() == []
