"""The GAN tab on the digits, driven through events: a digits preset picked from the preset
menu, Space trains and the grid of samples (with their nearest training images) follows the
snapshots, the histogram of the digits read, lecture mode with Ctrl+L, and a digit chosen for
the conditional GAN's grid."""


import numpy as np
import pytest
from PySide6.QtCore import Qt

from mechgui.app.panels.gan import PAGE_2D, PAGE_IMAGES, grid_columns, pair_mosaic
from mechgui.app.panels.gan.images import NEAREST_INK, PAIR_GAP
from mechgui.app.panels.gan.readout import CURVES_HINT

from driving import open_ready, pick, press, wait_for

pytestmark = pytest.mark.gui

SMALL = {"hidden_units": 16, "noise_dim": 4, "channels": 4}


@pytest.fixture
def panel(qtbot, window):
    panel = open_ready(qtbot, window, "gan")
    yield panel
    panel.pause()
    assert panel.render_errors == []


def _preset(qtbot, panel, name):
    """``name`` picked from the preset menu, made small for the test."""
    pick(qtbot, panel.preset_combo, name)
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and panel.preset_name == name
          and "image_shape" in s)
    panel.submit_params(**SMALL)
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and panel.form.params.hidden_units == 16)
    _refresh(qtbot, panel)


def _refresh(qtbot, panel):
    """A fresh snapshot of the engine, drawn."""
    before = panel.frames_drawn
    panel.runner.refresh()
    qtbot.waitUntil(lambda: panel.frames_drawn > before, timeout=20_000)


def test_pair_mosaic_puts_each_nearest_image_under_or_beside_its_sample():
    samples = np.zeros((6, 4))
    samples[:, 0] = 1.0                      # each sample: its first pixel inked
    nearest = np.zeros((6, 4))
    nearest[:, 3] = 1.0                      # each nearest image: its last pixel
    black, blue, paper = [0, 0, 0], list(NEAREST_INK), [255, 255, 255]
    under = pair_mosaic(samples, nearest, (2, 2), cols=3)
    assert under.shape == (2 * 5 + PAIR_GAP + 2, 3 * 2 + 2 + 2, 3) and under.dtype == np.ubyte
    beside = pair_mosaic(samples, nearest, (2, 2), cols=3, beside=True)
    assert beside.shape == (2 * 2 + 1 + 2, 3 * 5 + 2 * PAIR_GAP + 2, 3)
    for row in range(2):
        for col in range(3):
            top, left = 1 + row * (5 + PAIR_GAP), 1 + col * 3
            assert under[top, left].tolist() == black                 # the sample
            assert under[top + 4, left + 1].tolist() == blue          # its nearest, under it
            assert under[top + 1, left + 1].tolist() == paper
            top, left = 1 + row * 3, 1 + col * (5 + PAIR_GAP)
            assert beside[top, left].tolist() == black
            assert beside[top + 1, left + 4].tolist() == blue         # beside it
    alone = pair_mosaic(samples, None, (2, 2), cols=3)
    assert alone.shape == (2 * 3 + 1, 3 * 3 + 1, 3)
    assert grid_columns(100, rows_per_digit=True) == 10
    assert grid_columns(100, rows_per_digit=False) == 20


def test_the_digits_preset_from_the_menu_plays_with_space_and_the_grid_follows(qtbot, window,
                                                                             panel):
    _preset(qtbot, panel, "digits-mlp")
    assert panel.stack.currentIndex() == PAGE_IMAGES
    images = panel.images
    shown = np.array(images.samples_item.image)
    snap = panel.snapshot
    np.testing.assert_array_equal(images.samples, snap["samples"])
    np.testing.assert_array_equal(images.nearest, snap["nearest"])
    np.testing.assert_array_equal(images.bars.opts["height"], snap["class_histogram"])
    # the 2-D page's widgets do nothing here; the digit chooser is for the conditional GAN
    assert not panel.controls.draw_button.isEnabled()
    assert not panel.controls.digit_combo.isEnabled()
    assert not panel.form.is_shown("channels") and panel.form.is_shown("architecture")
    press(qtbot, window, Qt.Key.Key_Space)
    wait_for(qtbot, panel, lambda s: s["step"] >= 30)
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not panel.runner.playing)
    _refresh(qtbot, panel)
    snap = panel.snapshot
    np.testing.assert_array_equal(images.samples, snap["samples"])
    assert not np.array_equal(np.array(images.samples_item.image), shown)  # the digits moved
    cols = grid_columns(len(snap["samples"]), rows_per_digit=False)
    np.testing.assert_array_equal(images.samples_item.image,
                                  pair_mosaic(snap["samples"], snap["nearest"], (8, 8), cols))
    assert "under it: its nearest training image" in images.samples_key.text()
    np.testing.assert_array_equal(images.real_item.image,
                                  pair_mosaic(np.asarray(snap["real"]), None, (8, 8), 10))
    assert panel.explainer.strip.hover_label.text() == CURVES_HINT  # no plane to click here
    readout = panel.top.readout.text()
    assert "digits " in readout and "confident" in readout and "nan" not in readout.lower()
    assert "digits covered" in panel.curves.keys[2].text()
    assert "confident " in images.hist_key.text()
    # back to the plane for the ring
    pick(qtbot, panel.preset_combo, "ring-8")
    wait_for(qtbot, panel, lambda s: "image_shape" not in s)
    qtbot.waitUntil(lambda: panel.stack.currentIndex() == PAGE_2D)
    assert panel.controls.draw_button.isEnabled()


def test_lecture_mode_restyles_the_digits_page(qtbot, window, panel):
    _preset(qtbot, panel, "digits-conv")
    images = panel.images
    normal_pen = images.real_share.opts["pen"].widthF()
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.lecture_mode)
    assert images.real_share.opts["pen"].widthF() > normal_pen
    assert "lecture" == panel.theme.name
    panel.step_once()
    wait_for(qtbot, panel, lambda s: s["step"] == 1)
    _refresh(qtbot, panel)
    np.testing.assert_array_equal(images.samples, panel.snapshot["samples"])
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.lecture_mode)
    assert images.real_share.opts["pen"].widthF() == normal_pen


def test_choosing_a_digit_makes_the_conditional_grid_draw_it(qtbot, window, panel):
    _preset(qtbot, panel, "digits-conditional")
    images = panel.images
    combo = panel.controls.digit_combo
    assert combo.isEnabled() and combo.currentData() is None
    snap = panel.snapshot
    np.testing.assert_array_equal(snap["labels"], np.repeat(np.arange(10), 10))
    axis = images.samples_plot.getAxis("left")
    assert axis.isVisible() and [t for _, t in axis._tickLevels[0]] == [str(d) for d in range(10)]
    pick(qtbot, combo, 7)
    wait_for(qtbot, panel, lambda s: s["labels"] is not None and np.all(s["labels"] == 7))
    assert panel.form.params.digit == 7 and panel.snapshot["step"] == 0  # no reset
    assert "the digit 7" in images.samples_plot.titleLabel.text
    assert not images.samples_plot.getAxis("left").isVisible()
    # the grid keeps drawing the 7 while training goes on
    press(qtbot, window, Qt.Key.Key_Space)
    wait_for(qtbot, panel, lambda s: s["step"] >= 10)
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not panel.runner.playing)
    _refresh(qtbot, panel)
    assert np.all(panel.snapshot["labels"] == 7)
    np.testing.assert_array_equal(images.samples, panel.snapshot["samples"])
    combo.setFocus()
    press(qtbot, window, Qt.Key.Key_Home)  # back to a row per digit, from the keyboard
    wait_for(qtbot, panel, lambda s: len(set(s["labels"].tolist())) == 10)
    assert panel.form.params.digit is None
