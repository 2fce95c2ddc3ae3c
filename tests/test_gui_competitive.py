"""The LVQ, counterpropagation and ART1 tabs, driven through events: presets picked from
their menu with the mouse, → steps, R resets, Space plays and pauses, Ctrl+L switches
lecture mode; what is drawn is checked against the snapshot it was drawn from."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from driving import open_ready, press
from test_walkthrough import CTRL, pick_preset

from mechgui.app.theme import LECTURE, NORMAL
from mechgui.engine import presets

pytestmark = pytest.mark.gui

MODELS = ("lvq", "counterpropagation", "art1")


def at_step(panel, step):
    return lambda: panel.snapshot is not None and panel.snapshot["step"] == step


def tile(view, j):
    return np.asarray(view.tile_image(j), dtype=float)


def glyph(row, shape):
    return np.asarray(row, dtype=np.float32).astype(float).reshape(shape)


def heights(bar_item):
    return np.asarray(bar_item.opts["height"], dtype=float)


# -- what each tab draws, against its snapshot ---------------------------------------------
def drawn_lvq(panel):
    snap = panel.snapshot
    w = np.asarray(snap["prototypes"])
    if w.shape[1] == 2:
        xs, ys = panel.proto_item.getData()
        np.testing.assert_array_equal(np.column_stack([xs, ys]), w)
        data, wrong = snap["data"], np.asarray(snap["misclassified"], dtype=int)
        np.testing.assert_array_equal(panel.wrong_item.getData()[0], data[wrong, 0])
        assert panel.region_item.image.shape[:2] == snap["region"].shape
    else:
        shape = panel.protos.shape
        for j in range(len(w)):
            np.testing.assert_array_equal(tile(panel.protos, j), glyph(w[j], shape))
        for i in (0, len(snap["data"]) - 1):
            np.testing.assert_array_equal(tile(panel.samples, i), glyph(snap["data"][i], shape))
    title = panel.accuracy_plot.titleLabel.text
    assert f"Accuracy {100 * snap['accuracy']:.1f} %" in title
    if snap["distances"] is not None:
        np.testing.assert_array_equal(heights(panel.distance_bars), snap["distances"])


def drawn_counterpropagation(panel):
    snap = panel.snapshot
    v, w = np.asarray(snap["cluster_weights"]), np.asarray(snap["outstar_weights"])
    if snap["function"] is not None:
        np.testing.assert_array_equal(panel.rug_item.getData()[0], v[:, 0])
        x, y = panel.staircase.getData()
        np.testing.assert_array_equal(x, snap["curve_x"])
        np.testing.assert_array_equal(y, snap["curve_y"])
    else:
        for j in range(len(v)):
            np.testing.assert_array_equal(tile(panel.clusters, j), glyph(v[j], (9, 7)))
        np.testing.assert_array_equal(panel.outstar_item.image, w.astype(np.float32))
    np.testing.assert_array_equal(heights(panel.wins_bars), snap["wins"])
    assert f"Error {snap['error']:.4g}" in panel.error_plot.titleLabel.text
    # phase 1 does not change the outputs: its progress is the clusters' QE, drawn beside
    np.testing.assert_array_equal(panel.qe_curve.getData()[1],
                                  [snap["initial_quantization_error"],
                                   *snap["history_quantization_error"]])


def drawn_art1(panel):
    snap = panel.snapshot
    units = np.flatnonzero(snap["committed"])
    shape = panel.categories.shape
    for k, j in enumerate(units):
        np.testing.assert_array_equal(tile(panel.categories, k), glyph(snap["top_down"][j], shape))
    np.testing.assert_array_equal(heights(panel.search_bars), snap["tried_match"])
    shown = [label.toPlainText() for label in panel._ratio_labels[:len(snap["tried_match"])]]
    assert shown == [f"{r:.2f}" for r in snap["tried_match"]][:len(shown)]
    xs, ys = panel.sweep_now.getData()
    assert (xs[0], ys[0]) == (snap["vigilance"], snap["categories"])
    if snap["category"] is not None:
        assert panel.categories.framed("winner") == [list(units).index(snap["category"])]


DRAWN = {"lvq": drawn_lvq, "counterpropagation": drawn_counterpropagation, "art1": drawn_art1}


@pytest.mark.parametrize("model", MODELS)
def test_every_preset_from_its_menu_then_step_reset_and_play(window, qtbot, model):
    panel = open_ready(qtbot, window, model)
    drawn = DRAWN[model]
    for name in presets(model):
        pick_preset(qtbot, panel, name)
        qtbot.waitUntil(lambda n=name: at_step(panel, 0)() and panel.preset_name == n,
                        timeout=30_000)
        drawn(panel)
        press(qtbot, window, Qt.Key.Key_Right)
        qtbot.waitUntil(at_step(panel, 1), timeout=30_000)
        drawn(panel)
        press(qtbot, window, Qt.Key.Key_Right)
        qtbot.waitUntil(at_step(panel, 2), timeout=30_000)
        drawn(panel)
        press(qtbot, window, Qt.Key.Key_R)
        qtbot.waitUntil(at_step(panel, 0), timeout=30_000)
        assert panel.transport.badge.text() == "ready"
        drawn(panel)
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.runner.playing)
    qtbot.waitUntil(lambda: panel.snapshot["step"] >= 2, timeout=30_000)
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not panel.runner.playing)
    qtbot.waitUntil(lambda: panel.transport.badge.text() == "paused")
    drawn(panel)
    assert panel.render_errors == []


def test_lvq_moves_as_drawn(window, qtbot):
    panel = open_ready(qtbot, window, "lvq")
    pick_preset(qtbot, panel, "fausett-five")
    qtbot.waitUntil(at_step(panel, 0))
    for step in (1, 2, 3):
        press(qtbot, window, Qt.Key.Key_Right)
        qtbot.waitUntil(at_step(panel, step))
    snap = panel.snapshot
    assert list(snap["moved"]) == [0] and list(snap["move_signs"]) == [-1]
    assert panel.protos.framed("away") == [0] and panel.protos.framed("toward") == []
    assert panel.samples.framed("input") == [4]
    assert "moves away from x" in panel.info.text()
    np.testing.assert_allclose(tile(panel.protos, 0), [[1.1, 0.89, -0.1, 0]], atol=1e-6)
    assert [t.toPlainText() for t in panel.protos.numbers[:4]] == ["1.1", "0.89", "-0.1", "0"]
    # on the plane: a line from x to each prototype that moved
    pick_preset(qtbot, panel, "three-gaussians")
    qtbot.waitUntil(lambda: at_step(panel, 0)() and panel.snapshot["data"].shape[1] == 2)
    press(qtbot, window, Qt.Key.Key_Right)
    qtbot.waitUntil(at_step(panel, 1))
    snap = panel.snapshot
    item = panel.toward_lines if snap["move_signs"][0] > 0 else panel.away_lines
    xs, ys = item.getData()
    np.testing.assert_array_equal([xs[0], ys[0]], snap["input"])
    np.testing.assert_array_equal([xs[1], ys[1]], snap["moved_to"][0])
    np.testing.assert_array_equal(np.column_stack(panel.current_item.getData())[0], snap["input"])


def test_art1_vigilance_slider_retrains_and_the_categories_grow(window, qtbot):
    panel = open_ready(qtbot, window, "art1")
    pick_preset(qtbot, panel, "letters-0.3")
    qtbot.waitUntil(lambda: at_step(panel, 0)() and panel.snapshot["vigilance"] == 0.3)
    slider = panel.vigilance_slider
    assert slider.value() == 30
    counts = []
    for target in (0.3, 0.6, 0.9):
        slider.setFocus()  # (→ and ← are the window's: Step; ↑ and ↓ move the slider)
        for _ in range(round(target * 100) - slider.value()):
            qtbot.keyClick(slider, Qt.Key.Key_Up)
        qtbot.waitUntil(lambda t=target: panel.snapshot["vigilance"] == t, timeout=30_000)
        assert panel.form.params.vigilance == target
        assert panel.vigilance_value.text() == f"ρ = {target:.2f}"
        panel.set_speed(0)
        window.activateWindow()
        press(qtbot, window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: panel.snapshot["done"], timeout=30_000)
        qtbot.waitUntil(lambda: not panel.runner.playing)
        drawn_art1(panel)
        counts.append(panel.snapshot["categories"])
        assert panel.sweep_plot.titleLabel.text == f"{counts[-1]} categories"
    assert counts == [7, 10, 20]


@pytest.mark.parametrize("model, name", [("lvq", "letters"), ("lvq", "three-gaussians"),
                                         ("counterpropagation", "letters-7"),
                                         ("counterpropagation", "reciprocal-8"),
                                         ("art1", "letters-0.6")])
def test_lecture_mode_on_and_off_with_data_on_the_plots(window, qtbot, model, name):
    panel = open_ready(qtbot, window, model)
    pick_preset(qtbot, panel, name)
    qtbot.waitUntil(at_step(panel, 0))
    panel.set_speed(0)
    panel.run_steps(150)
    qtbot.waitUntil(lambda: panel.snapshot["step"] >= 150 or panel.snapshot["done"],
                    timeout=30_000)
    qtbot.waitUntil(lambda: not panel.runner.playing)
    for theme in (LECTURE, NORMAL):
        press(qtbot, window, Qt.Key.Key_L, CTRL)
        qtbot.waitUntil(lambda t=theme: panel.theme is t)
        DRAWN[model](panel)
        plot = panel.plots()[0]
        assert plot.getAxis("bottom").style["tickFont"].pointSize() == theme.tick_size
        tiles = {"lvq": "protos", "counterpropagation": "clusters", "art1": "categories"}
        labels = getattr(panel, tiles[model]).labels
        if labels:
            assert labels[0].textItem.font().pointSize() == theme.tick_size
    assert panel.render_errors == []
