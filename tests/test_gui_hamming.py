"""Hamming net panel: Example 4.3's y_in and winners as drawn, the letters, pixel flips."""

import numpy as np
import pytest

from mechgui.app.panels.hamming import exemplar_labels, grid_shape, mosaic
from mechgui.engine.data import load_letters

from driving import wait_for

pytestmark = pytest.mark.gui

EXEMPLARS = np.array([[1, -1, -1, -1], [-1, -1, -1, 1]], dtype=float)
INPUTS = np.array([[1, 1, -1, -1], [1, -1, -1, -1], [-1, -1, -1, 1], [-1, -1, 1, 1]], float)
# Example 4.3: y_in for each input, and the winning unit (Y1, Y1, Y2, Y2).
Y_IN = [[3, 1], [4, 2], [2, 4], [1, 3]]
WINNERS = [0, 0, 1, 1]


@pytest.fixture
def panel(qtbot, window):
    panel = window.show_tab("hamming")
    yield panel
    assert panel.render_errors == []
    assert panel.runner.errors == []


def _bar_heights(item):
    return np.asarray(item.getData()[1], dtype=float)


def test_grid_shapes_and_labels():
    assert grid_shape(63) == (9, 7)
    assert grid_shape(25) == (5, 5)
    assert grid_shape(4) == (1, 4)
    assert grid_shape(10) == (1, 10)
    labels, patterns = load_letters()
    assert exemplar_labels(patterns) == labels  # D1 = D3 keeps its own name
    assert exemplar_labels(patterns[[2, 9]]) == ["C1", "C2"]
    assert exemplar_labels(EXEMPLARS) == ["e(1)", "e(2)"]
    image = mosaic(patterns, (9, 7), 7, gap_rows=2)
    assert image.dtype == np.float32 and image.shape == (3 * 9 + 2 * 2, 7 * 7 + 6)
    np.testing.assert_array_equal(image[11:20, 8:15], patterns[8].reshape(9, 7))  # B2
    assert np.isnan(image[9, 0]) and np.isnan(image[0, 7])


def test_example_4_3_step_by_step(qtbot, panel):
    panel.load_preset("fausett-4.3")
    wait_for(qtbot, panel, lambda s: s["step"] == 0)
    image = panel.mosaic_item.image
    np.testing.assert_array_equal(image[0], EXEMPLARS[0])
    np.testing.assert_array_equal(image[2], EXEMPLARS[1])
    assert panel.mosaic_item.levels is not None and list(panel.mosaic_item.levels) == [-1, 1]
    seen_y_in = []
    for step in range(14):
        if step:
            panel.step_once()
            wait_for(qtbot, panel, lambda s, k=step: s["step"] == k)
        snap = panel.snapshot
        i = snap["input_index"]
        np.testing.assert_array_equal(panel.input_item.image, INPUTS[i].reshape(1, 4))
        y_in = _bar_heights(panel.yin_bars)
        np.testing.assert_array_equal(y_in, snap["net_input"])
        np.testing.assert_array_equal(y_in, Y_IN[i])
        np.testing.assert_allclose(_bar_heights(panel.act_bars), snap["activations"])
        assert [lab.toPlainText() for lab in panel.yin_labels] == [f"{v:g}" for v in Y_IN[i]]
        if snap["iteration"] == 0:
            seen_y_in.append(list(y_in))
        if snap["winner"] is not None:
            assert snap["winner"] == WINNERS[i]
            xs, ys = panel.winner_bars.getData()
            np.testing.assert_array_equal(xs, [snap["winner"] + 0.5, snap["winner"] + 1.5])
            fx, fy = panel.winner_frame.getData()
            assert fy.min() < 2 * snap["winner"] < fy.max()  # frames the winner's strip
            assert f"e({snap['winner'] + 1}) wins" in panel.maxnet_plot.titleLabel.text
        else:
            assert len(panel.winner_bars.getData()[0] or []) == 0
    assert seen_y_in == Y_IN
    snap = panel.snapshot
    assert snap["status"] == "done" and list(snap["winners"]) == WINNERS
    text = panel.winners_label.text()
    for i, w in enumerate(WINNERS):
        assert f"x({i + 1}) → <b>e({w + 1})</b>" in text


def test_example_4_3_play_at_max_speed(qtbot, panel):
    panel.load_preset("fausett-4.3")
    panel.set_speed(0)
    panel.play()
    wait_for(qtbot, panel, lambda s: s["done"])
    assert panel.snapshot["step"] == 13
    assert list(panel.snapshot["winners"]) == WINNERS
    np.testing.assert_array_equal(_bar_heights(panel.yin_bars), Y_IN[3])


def test_letters_noisy(qtbot, panel):
    panel.load_preset("letters-noisy")
    panel.set_speed(0)
    panel.play()
    wait_for(qtbot, panel, lambda s: s["done"])
    snap = panel.snapshot
    assert list(snap["winners"]) == [0, 9, 20]
    labels, patterns = load_letters()
    assert [t.toPlainText() for t in panel.tile_labels] == labels
    assert "x(2) → <b>C2</b>" in panel.winners_label.text()
    assert "x(3) → <b>K3</b>" in panel.winners_label.text()
    image = panel.mosaic_item.image
    gap = panel._gap
    assert image.shape == (3 * 9 + 2 * gap, 7 * 7 + 6)
    np.testing.assert_array_equal(image[:9, :7], patterns[0].reshape(9, 7))
    np.testing.assert_array_equal(panel.input_item.image, np.reshape(snap["input"], (9, 7)))
    np.testing.assert_array_equal(_bar_heights(panel.yin_bars), snap["net_input"])
    xs, _ = panel.winner_bars.getData()
    np.testing.assert_array_equal(xs, [20.5, 21.5])
    fx, fy = panel.winner_frame.getData()  # K3: last tile of the third row
    assert fx.min() < 6 * 8 < fx.max() and fy.min() < 2 * (9 + gap) < fy.max()
    ticks = panel.yin_plot.getAxis("bottom")._tickLevels[0]
    assert [t[1] for t in ticks] == labels


def test_flip_pixel_changes_the_input(qtbot, panel):
    panel.load_preset("fausett-4.3")
    wait_for(qtbot, panel, lambda s: s["step"] == 0)
    assert panel.flip_pixel(0, 1)
    expected = INPUTS.copy()
    expected[0, 1] = -1
    np.testing.assert_array_equal(panel.form.params.inputs, expected)
    wait_for(qtbot, panel, lambda s: np.array_equal(s["input"], expected[0]))
    np.testing.assert_array_equal(panel.input_item.image, expected[:1])
    np.testing.assert_array_equal(_bar_heights(panel.yin_bars), [4, 2])
    assert not panel.flip_pixel(1, 0)  # outside a 1 × 4 grid


def test_click_and_paint_on_the_input_grid(qtbot, panel):
    panel.load_preset("letters-noisy")
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["input"].size == 63)
    before = np.array(panel.form.params.inputs)
    box = panel.input_box
    box.sigDraw.emit(3.5, 2.5)  # pixel row 2, column 3: flips
    box.sigDrawFinished.emit()
    after = np.array(panel.form.params.inputs)
    assert after[0, 2 * 7 + 3] == -before[0, 2 * 7 + 3]
    assert np.count_nonzero(after != before) == 1
    wait_for(qtbot, panel, lambda s: np.array_equal(s["input"], after[0]))
    np.testing.assert_array_equal(panel.input_item.image, after[0].reshape(9, 7))
    # a drag paints the value of the first pixel it flipped
    value = -after[0, 0]
    for x in (0.5, 1.5, 2.5):
        box.sigDraw.emit(x, 0.5)
    box.sigDrawFinished.emit()
    np.testing.assert_array_equal(panel.form.params.inputs[0, :3], [value] * 3)


def test_make_noisy_input(qtbot, panel):
    panel.load_preset("letters-noisy")
    wait_for(qtbot, panel, lambda s: s["input"].size == 63)
    assert panel.noise_slider.maximum() == 63
    panel.exemplar_combo.setCurrentIndex(9)
    assert panel.exemplar_combo.currentText() == "C2"
    panel.set_noise(6)
    assert panel.make_noisy_input()
    inputs = np.asarray(panel.form.params.inputs)
    _, patterns = load_letters()
    assert inputs.shape == (1, 63)
    assert np.count_nonzero(inputs[0] != patterns[9]) == 6
    panel.set_speed(0)
    panel.play()
    wait_for(qtbot, panel, lambda s: s["done"] and np.array_equal(s["input"], inputs[0]))
    snap = panel.snapshot
    assert snap["net_input"][9] == 63 - 6
    assert list(snap["winners"]) == [int(np.argmax(snap["net_input"]))]


def test_lecture_mode(qtbot, window, panel):
    panel.load_preset("letters-noisy")
    wait_for(qtbot, panel, lambda s: s["input"].size == 63)
    window.set_lecture_mode(True)
    assert panel.tile_labels[0].textItem.font().pointSize() == panel.theme.tick_size
    ticks = panel.yin_plot.getAxis("bottom")._tickLevels[0]
    assert len(ticks) < 21  # thinned out so the big labels do not overlap
    window.set_lecture_mode(False)
    assert len(panel.yin_plot.getAxis("bottom")._tickLevels[0]) == 21
