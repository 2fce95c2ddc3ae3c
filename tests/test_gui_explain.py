"""The explanations in the window, driven by real events: a click on a bar or a unit
selects it, → steps, and the strip under the plots shows the exact formula; Tab moves the
selection; the mouse reads out values; a teach step plays its stages."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from mechgui.app.explain import TeachPlayer
from mechgui.app.theme import LECTURE

from driving import open_ready

pytestmark = pytest.mark.gui

#: The small SOM of tests/test_explain.py: three units on a chain, three inputs.
CHAIN = {"dataset": "custom", "data": [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], "rows": 1,
         "cols": 3, "topology": "linear", "neighborhood": "hard", "radius": 1,
         "radius_decay": "constant", "learning_rate": 0.5, "learning_rate_decay": "constant",
         "order": "sequential", "initial_weights": [[0.2, 0.2], [0.5, 0.5], [0.8, 0.8]],
         "epochs": 10}


@pytest.fixture(autouse=True)
def quick_teach(monkeypatch):
    """Teach steps hold each stage for 30 ms instead of 1.6 s."""
    monkeypatch.setattr(TeachPlayer, "interval_ms", 30)


def ready(qtbot, window, tab, preset=None, params=None):
    """``tab`` shown, its engine ready, at step 0 of ``preset`` (or of ``params``)."""
    panel = open_ready(qtbot, window, tab)
    qtbot.waitUntil(lambda: panel.snapshot is not None, timeout=60_000)
    old = panel.snapshot
    if preset:
        panel.load_preset(preset)
    if params is not None:
        panel.load_params(panel.Params.from_mapping(params))
    qtbot.waitUntil(lambda: panel.snapshot is not old and panel.snapshot["step"] == 0)
    return panel


def canvas_point(plot, x, y):
    """The canvas of ``plot`` and the pixel where its data point (x, y) is drawn."""
    view = plot.scene().views()[0]
    point = view.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(x, y)))
    return view, point


def click(qtbot, plot, x, y):
    view, point = canvas_point(plot, x, y)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return view


def move_mouse(view, point):
    """A mouse move (no button held) to ``point`` of ``view``'s canvas, sent to the canvas
    as the window system hands it over (QTest's moves go through the one global cursor
    position, which the tests' windows share)."""
    viewport = view.viewport()
    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(point),
                        QPointF(viewport.mapToGlobal(point)), Qt.MouseButton.NoButton,
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def hover(qtbot, panel, plot, x, y, expected):
    view, point = canvas_point(plot, x, y)
    move_mouse(view, point)
    qtbot.waitUntil(lambda: panel.explain.readout_text() == expected, timeout=3000)
    assert panel.window().statusBar().currentMessage() == expected  # the status line


def step(qtbot, window, panel):
    start = panel.snapshot["step"]
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: panel.snapshot["step"] == start + 1)


def formula_is(qtbot, panel, text):
    qtbot.waitUntil(lambda: panel.explain.formula_text() == text, timeout=3000)


# -- MaxNet -------------------------------------------------------------------------------
def test_maxnet_click_a_bar_then_step_shows_its_update(window, qtbot):
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    before = np.array(panel.form.params.activations)
    view = click(qtbot, panel.bar_plot, 3.0, 0.3)
    assert panel.explain.selected == 2
    assert QApplication.focusWidget() is view  # the canvas takes the keys now
    np.testing.assert_array_equal(panel.form.params.activations, before)  # a click only selects
    formula_is(qtbot, panel, "The input signal: a₃(0) = 0.600")
    step(qtbot, window, panel)
    formula_is(qtbot, panel, "a₃(1) = f(a₃ − ε·Σₖ≠₃ aₖ) = "
                             "f(0.600 − 0.2·(0.200 + 0.400 + 0.800)) = 0.320")
    x, y = panel.explained.mark.outline.getData()
    assert (x.min(), x.max(), y.max()) == (2.5, 3.5, pytest.approx(0.32))  # bar 3 outlined
    step(qtbot, window, panel)  # the selection survives the frames
    formula_is(qtbot, panel, "a₃(2) = f(a₃ − ε·Σₖ≠₃ aₖ) = "
                             "f(0.320 − 0.2·(0.000 + 0.080 + 0.560)) = 0.192")


def test_maxnet_tab_moves_the_selection_and_escape_clears_it(window, qtbot):
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    step(qtbot, window, panel)
    view = click(qtbot, panel.bar_plot, 3.0, 0.1)
    assert panel.explain.selected == 2
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert panel.explain.selected == 3
    formula_is(qtbot, panel, "a₄(1) = f(a₄ − ε·Σₖ≠₄ aₖ) = "
                             "f(0.800 − 0.2·(0.200 + 0.400 + 0.600)) = 0.560")
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # wraps around to node 1
    assert panel.explain.selected == 0
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert panel.explain.selected == 3
    assert QApplication.focusWidget() is view  # Tab stayed in the plot
    assert panel.explain.strip.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert panel.explain.selected is None and panel.explain.formula_text() == ""
    assert not panel.explain.strip.isVisible()  # the plots get their room back


def test_maxnet_formula_is_fresh_after_reset_and_a_new_epsilon(window, qtbot):
    from test_gui_app import type_into

    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    click(qtbot, panel.bar_plot, 4.0, 0.2)
    step(qtbot, window, panel)
    step(qtbot, window, panel)
    formula_is(qtbot, panel, "a₄(2) = f(a₄ − ε·Σₖ≠₄ aₖ) = "
                             "f(0.560 − 0.2·(0.000 + 0.080 + 0.320)) = 0.480")
    qtbot.keyClick(window, Qt.Key.Key_R)
    formula_is(qtbot, panel, "The input signal: a₄(0) = 0.800")
    type_into(qtbot, panel.form.editor("epsilon"), "0.1")
    qtbot.waitUntil(lambda: panel.snapshot["epsilon"] == 0.1)
    panel.activateWindow()
    step(qtbot, window, panel)
    formula_is(qtbot, panel, "a₄(1) = f(a₄ − ε·Σₖ≠₄ aₖ) = "
                             "f(0.800 − 0.1·(0.200 + 0.400 + 0.600)) = 0.680")
    assert f"{panel.snapshot['activations'][3]:.3f}" == "0.680"


def test_maxnet_hover_reads_out_bars_trajectories_and_epsilon(window, qtbot):
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    step(qtbot, window, panel)
    hover(qtbot, panel, panel.bar_plot, 4.0, 0.2, "node 4: a₄(1) = 0.560 · leading")
    hover(qtbot, panel, panel.bar_plot, 1.0, 0.2, "node 1: a₁(1) = 0.000 · out (inhibited to 0)")
    hover(qtbot, panel, panel.traj_plot, 1.0, 0.33, "node 3 at t = 1: a₃ = 0.320")
    hover(qtbot, panel, panel.gauge, 0.2, 0.5,
          "ε = 0.2, 1/m = 1/4 = 0.25: ε below 1/m: the largest input wins")
    assert panel.explain.readouts_written < 100  # one per frame at most, not one per event


def test_maxnet_teach_step_draws_the_inhibitions(window, qtbot):
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    seen = []

    def record(number, caption):
        heights = panel.explained.inhibition.opts["height"]
        seen.append((number, panel.drawn_activations().round(3).tolist(),
                     np.round(np.asarray(heights, float), 3).tolist()))

    panel.explained.teacher.stageShown.connect(record)
    qtbot.keyClick(window, Qt.Key.Key_T)
    with qtbot.waitSignal(panel.explained.teacher.finished, timeout=10_000):
        pass
    assert [s[0] for s in seen] == [1, 2, 3]
    assert seen[0][1:] == ([0.2, 0.4, 0.6, 0.8], [])  # a(0), nothing subtracted yet
    assert seen[1][1:] == ([0.2, 0.4, 0.6, 0.8], [0.36, 0.32, 0.28, 0.24])  # ε·Σ of the others
    assert seen[2][1:] == ([0.0, 0.08, 0.32, 0.56], [])  # a(1)
    captions = panel.explained.teacher.captions
    assert captions[1] == ("Teach step 2/3 · Each bar loses ε·Σ of the others (shaded): node 4 "
                           "loses 0.2·1.200 = 0.240, from 0.800 to 0.560.")
    assert panel.snapshot["step"] == 1 and panel.explain.strip.caption_text() == ""


def test_maxnet_teach_labels_stay_clear_in_lecture_mode(window, qtbot):
    """On a projector the inhibition of node 1 (0.360, more than its 0.200) stands on the
    axis inside the plot, and the tallest bar's value stays clear of the "t = 0" corner."""
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.lecture_mode)
    seen = {}

    def record(number, caption):
        if number == 2:
            box = panel.bar_plot.getViewBox().sceneBoundingRect()
            seen["inside"] = [box.contains(label.sceneBoundingRect())
                              for label in panel.explained.inhibition_labels]
            seen["corner clear"] = not panel.time_label.sceneBoundingRect().intersects(
                panel.value_labels[-1].sceneBoundingRect())

    panel.explained.teacher.stageShown.connect(record)
    qtbot.keyClick(window, Qt.Key.Key_T)
    with qtbot.waitSignal(panel.explained.teacher.finished, timeout=10_000):
        pass
    assert seen == {"inside": [True] * 4, "corner clear": True}


def test_reset_during_a_teach_step_ends_it(window, qtbot, monkeypatch):
    """R while a teach step shows the inhibitions of step 1: the caption and the shading
    go at once, and the bars show a(0) again."""
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")

    def hold(number, caption):
        if number == 2:  # stage 2 stays on screen until the reset
            monkeypatch.setattr(TeachPlayer, "interval_ms", 60_000)

    panel.explained.teacher.stageShown.connect(hold)
    qtbot.keyClick(window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: len(panel.explained.teacher.captions) == 2)
    assert len(panel.explained.inhibition.opts["height"]) == 4
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: not panel.explained.teacher.active)
    assert panel.explain.strip.caption_text() == ""
    assert len(panel.explained.inhibition.opts["height"]) == 0
    qtbot.waitUntil(lambda: panel.snapshot["step"] == 0
                    and panel.drawn_activations().tolist() == [0.2, 0.4, 0.6, 0.8])


# -- SOM -----------------------------------------------------------------------------------
def som_chain(qtbot, window):
    panel = ready(qtbot, window, "som", params=CHAIN)
    qtbot.waitUntil(lambda: panel.snapshot["cols"] == 3 and panel.map.layout is not None
                    and panel.map.layout.units == 3)
    return panel


def test_som_click_a_cell_step_and_hover_a_unit(window, qtbot):
    panel = som_chain(qtbot, window)
    centres = panel.map.layout.centres
    click(qtbot, panel.map.plot, *centres[1])
    assert panel.explain.selected == 1
    formula_is(qtbot, panel, "No input presented yet: w₂ = (0.500, 0.500)")
    step(qtbot, window, panel)
    formula_is(qtbot, panel, "D(2) = ‖x − w₂‖² = 0.500; J = 1, d(J, 2) = 1 ≤ R = 1: in the "
                             "neighbourhood: w₂ ← w₂ + α·(x − w₂) = (0.500, 0.500) + "
                             "0.5·((0.000, 0.000) − (0.500, 0.500)) = (0.250, 0.250)")
    qtbot.waitUntil(lambda: panel.snapshot["detail"])
    hover(qtbot, panel, panel.space.plot, 0.25, 0.25,
          "unit 2: w₂ = (0.250, 0.250) · wins 1 input: 3 · U-matrix 0.495 · D(2) = 0.500")
    x, y = panel.explained.space_mark.ring.getData()
    assert (x[0], y[0]) == (0.25, 0.25)  # the selected unit ringed in the input space
    left, right = centres[0], centres[1]
    hover(qtbot, panel, panel.map.plot, (left[0] + right[0]) / 2 + 0.02, left[1],
          "between units 1 and 2: ‖w₁ − w₂‖ = 0.212")
    hover(qtbot, panel, panel.map.plot, *centres[2],
          "unit 3: w₃ = (0.800, 0.800) · wins 1 input: 2 · U-matrix 0.778 · D(3) = 1.280")


def test_som_click_a_unit_in_the_input_space_and_tab(window, qtbot):
    panel = som_chain(qtbot, window)
    view = click(qtbot, panel.space.plot, 0.8, 0.8)
    assert panel.explain.selected == 2
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert panel.explain.selected == 0
    formula_is(qtbot, panel, "No input presented yet: w₁ = (0.200, 0.200)")
    corners = panel.map.layout.closed_outline(0)
    np.testing.assert_allclose(np.column_stack(panel.explained.map_mark.outline.getData()),
                               corners)


def test_som_teach_step_plays_six_stages_from_the_snapshot(window, qtbot):
    panel = som_chain(qtbot, window)
    step(qtbot, window, panel)  # the next input is x = (1, 1): unit 3 wins, 2 and 3 learn
    seen = {}

    def record(number, caption):
        e = panel.explained
        seen[number] = {
            "star": tuple(np.column_stack(e.input_star.getData()).ravel()),
            "colouring": panel.map.value_range.split(" ")[0],
            "winner": e.winner_ring.getData()[0].tolist(),
            "rings": len(e.neighbour_rings.getData()[0]),
            "arrows": len(e.arrows),
            "lattice": np.round(panel.space.lattice_item.getData()[0], 3).tolist(),
        }

    panel.explained.teacher.stageShown.connect(record)
    qtbot.mouseClick(panel.teach_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.explained.teacher.finished, timeout=10_000):
        pass
    captions = panel.explained.teacher.captions
    assert captions == [
        "Teach step 1/6 · The input x = (1.000, 1.000) (input 2) is presented.",
        ("Teach step 2/6 · Every unit is coloured by its distance D(j) = ‖x − w_j‖² to x "
        "(dark = near): from 0.080 to 1.620."),
        "Teach step 3/6 · The winner J = 3: the smallest distance, D(3) = 0.080.",
        ("Teach step 4/6 · Its neighbourhood at R = 1: the 2 units with d(J, j) ≤ R learn "
        "with the full rate α."),
        ("Teach step 5/6 · Each of them moves by α·h(d)·(x − w_j), α = 0.5: the winner the "
        "most, along the arrows."),
        "Teach step 6/6 · The weights are updated: w₃ (0.800, 0.800) → (0.900, 0.900)."]
    assert seen[1]["star"] == (1.0, 1.0) and seen[1]["lattice"] == [0.1, 0.25, 0.25, 0.8]
    assert seen[2]["colouring"] == "distance" and seen[3]["winner"] == [0.8]
    assert seen[4]["rings"] == 2 and seen[5]["arrows"] == 2
    assert seen[6]["arrows"] == 0 and seen[6]["lattice"] == [0.1, 0.625, 0.625, 0.9]
    assert panel.snapshot["step"] == 2


# -- Mexican Hat and Hamming net ------------------------------------------------------------
def test_mexican_hat_click_a_unit_and_step(window, qtbot):
    panel = ready(qtbot, window, "mexican_hat", "fausett-4.2")
    click(qtbot, panel.profile_plot, 4.0, 1.0)
    assert panel.explain.selected == 3
    step(qtbot, window, panel)
    formula_is(qtbot, panel, "x₄(1) = f(C1·Σ[|k|≤1] x₄₊ₖ + C2·Σ[1<|k|≤2] x₄₊ₖ) = "
                             "f(0.6·(0.800 + 1.000 + 0.800) − 0.4·(0.500 + 0.500)) = 1.160")
    assert panel.explained.near.getRegion() == (2.5, 5.5)  # the units summed with C1
    assert panel.explained.far.getRegion() == (1.5, 6.5)  # … and out to R2
    hover(qtbot, panel, panel.weight_plot, -2.0, -0.3,
          "w₋₂ = C2 = −0.4: competition (1 < |k| ≤ R2 = 2)")
    hover(qtbot, panel, panel.profile_plot, 4.0, 0.5, "unit 4: x₄(1) = 1.160 · x₄(0) = 1.000")


def test_hamming_click_a_tile_hover_a_pixel_and_teach(window, qtbot):
    panel = ready(qtbot, window, "hamming", "fausett-4.3")
    click(qtbot, panel.mosaic_plot, 1.5, 2.5)  # a pixel of e(2)'s strip
    assert panel.explain.selected == 1
    formula_is(qtbot, panel, "Y₂ agrees with x in 1 of 4 components: y₂(0) = y_in,₂ = "
                             "n/2 + x·e(2)/2 = 4/2 + (−2)/2 = 1")
    hover(qtbot, panel, panel.input_plot, 1.5, 0.5,
          "input x, component 2: +1 · e(2) there: −1 (differ)")
    hover(qtbot, panel, panel.yin_plot, 1.0, 1.0,
          "e(1): y_in,₁ = 3 of n = 4 (Hamming distance 1) · y₁(t = 0) = 3.000")
    empty = []

    def record(number, caption):
        x = panel.yin_bars.getData()[0]
        empty.append(0 if x is None else len(x))

    panel.explained.teacher.stageShown.connect(record)
    qtbot.keyClick(window, Qt.Key.Key_T)
    with qtbot.waitSignal(panel.explained.teacher.finished, timeout=10_000):
        pass
    assert panel.explained.teacher.captions == [
        ("Teach step · The input x(1) is presented to the similarity layer: each unit Y_j "
        "compares it with its exemplar e(j)."),
        ("Teach step · Similarity layer: y_in,j = n/2 + x·e(j)/2 counts the components x "
        "shares with e(j); the most, 3 of 4, with e(1)."),
        ("Teach step · MaxNet round t = 1: each y_j loses ε·Σ of the others (ε = 0.2); 2 units "
        "above 0, the strongest e(1) at 2.800."),
        ("Teach step · MaxNet round t = 2: each y_j loses ε·Σ of the others (ε = 0.2); 1 unit "
        "above 0, the strongest e(1) at 2.720."),
        "Teach step · e(1) wins: x(1) is nearest to exemplar e(1) in Hamming distance."]
    assert empty[0] == 0 and empty[1] > 0  # the similarity layer appears in the second stage
    formula_is(qtbot, panel, "y₂(2) = f(y₂ − ε·Σₖ≠₂ yₖ) = f(0.400 − 0.2·(2.800)) = "
                             "f(−0.160) = 0.000")


def test_the_strip_follows_lecture_mode(window, qtbot):
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    click(qtbot, panel.bar_plot, 2.0, 0.1)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.lecture_mode)
    strip = panel.explain.strip
    assert strip.formula.font().pointSize() == LECTURE.font_size + 1
    formula_is(qtbot, panel, "The input signal: a₂(0) = 0.400")
    assert strip.formula.height() >= strip.formula.fontMetrics().lineSpacing()
    image = window.grab()  # the strip is part of the window's picture
    assert not image.isNull() and strip.isVisible()


def test_select_from_the_command_line(tmp_path):
    from test_gui_app import _run

    out = tmp_path / "explained.png"
    result = _run("--tab", "maxnet", "--preset", "fausett-4.1", "--steps", "1", "--select", "3",
                  "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    assert "step 1" in result.stdout and out.stat().st_size > 10_000
    result = _run("--tab", "maxnet", "--preset", "fausett-4.1", "--select", "9",
                  "--screenshot", str(out))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == ["error: --select 9 is not allowed: the tab has 4 elements"]


def test_a_selection_asked_before_a_preset_survives_the_tabs_defaults(window, qtbot):
    """--select 45 with a 10 × 10 preset on the SOM tab, whose defaults have 2 units: the
    defaults' snapshot, drawn first, cleared the selection, and the screenshot run said
    '--select 45 is not allowed: the tab has 100 elements' (1 run in 2)."""
    panel = window.show_tab("som")
    qtbot.waitUntil(lambda: panel.snapshot is not None, timeout=60_000)
    defaults = panel.snapshot
    assert panel.explain.count(defaults) < 45
    panel.explain.ask(44)
    panel.explain.show(defaults)  # the defaults drawn again: too few units to select
    assert panel.explain.selected is None
    panel.load_preset("square-hexagonal")
    qtbot.waitUntil(lambda: panel.snapshot is not defaults and panel.snapshot["step"] == 0)
    qtbot.waitUntil(lambda: panel.explain.selected == 44)
    assert "w₄₅ = (" in panel.explain.formula_text()  # unit 45's weights
    panel.explain.select(None)  # a selection of the user's own ends the asking
    panel.explain.show(panel.snapshot)
    assert panel.explain.selected is None


def test_the_other_competitive_tabs_read_out_under_the_mouse(window, qtbot):
    from mechgui.engine.explain.art1 import trial_readout
    from mechgui.engine.explain.counterpropagation import unit_readout as cp_unit
    from mechgui.engine.explain.lvq import prototype_readout

    panel = ready(qtbot, window, "lvq", "three-gaussians")
    w = panel.snapshot["prototypes"]
    hover(qtbot, panel, panel.plane, w[1, 0], w[1, 1], prototype_readout(panel.snapshot, 1))
    assert panel.explain.selected is None  # read-outs only: nothing to select
    panel = ready(qtbot, window, "art1", "four-vectors")
    step(qtbot, window, panel)
    hover(qtbot, panel, panel.search_plot, 1.0, 0.5,
          "try 1: J = 1, y_J = 0.400, |s ∧ t_J| / |s| = 1.000 ≥ ρ = 0.4: it learns")
    assert panel.explain.readout_text() == trial_readout(panel.snapshot, 0)
    panel = ready(qtbot, window, "counterpropagation", "reciprocal-8")
    step(qtbot, window, panel)
    hover(qtbot, panel, panel.wins_plot, 3.0, 0.2, cp_unit(panel.snapshot, 2))


def test_a_burst_of_mouse_moves_reaches_pyqtgraph_thinned_but_ending_where_the_mouse_is(
        window, qtbot):
    panel = ready(qtbot, window, "maxnet", "fausett-4.1")
    view, _ = canvas_point(panel.bar_plot, 1.0, 0.1)
    throttle = next(t for t in panel.explain.throttles if t.viewport is view.viewport())
    passed = throttle.passed
    points = [canvas_point(panel.bar_plot, 1.0 + 3.0 * k / 29, 0.1)[1] for k in range(30)]
    for point in points:
        move_mouse(view, point)
    assert throttle.passed - passed < 10 and throttle.held > 0  # most of the burst held back
    qtbot.waitUntil(lambda: panel.explain.readout_text() == "node 4: a₄(0) = 0.800 · leading")
    last = view.mapToScene(points[-1])
    qtbot.waitUntil(lambda: view.scene().lastHoverEvent is not None
                    and view.scene().lastHoverEvent.scenePos() == last)  # the last move, too


def test_the_autoencoder_reads_out_a_code(window, qtbot):
    from mechgui.engine.explain.autoencoder import code_readout

    panel = ready(qtbot, window, "autoencoder", "vae-digits")
    panel.run_steps(30)
    qtbot.waitUntil(lambda: panel.snapshot["step"] >= 30 and not panel.runner.playing
                    and panel.snapshot["detail"], timeout=60_000)
    plot = panel.latent["vae"].plot
    view = plot.scene().views()[0]

    ranges = []

    def isolated_code_in_sight():
        """A code of the last snapshot drawn, far from the others and inside the plot as
        shown, or None; None too while the plot's range still moves (it follows the codes
        a little later, at a paint: a point mapped before would be another code after)."""
        run = panel.runs["vae"]
        z = np.asarray(run["latent"], dtype=float)[:, :2]
        box = plot.getViewBox()
        ranges.append(box.viewRange())
        if len(ranges) < 3 or not ranges[-1] == ranges[-2] == ranges[-3]:
            return None
        shown = (box.sceneBoundingRect() & view.mapToScene(view.viewport().rect())
                 .boundingRect()).adjusted(10, 10, -10, -10)
        inside = [i for i in range(len(z))
                  if shown.contains(box.mapViewToScene(QPointF(z[i, 0], z[i, 1])))]
        if not inside:
            return None
        gaps = np.hypot(*(z[inside, None, :] - z[None, :, :]).transpose(2, 0, 1))
        gaps[np.arange(len(inside)), inside] = np.inf
        return run, inside[int(np.argmax(gaps.min(axis=1)))]

    qtbot.waitUntil(lambda: isolated_code_in_sight() is not None, timeout=10_000)
    run, i = isolated_code_in_sight()
    z = run["latent"][i]
    hover(qtbot, panel, plot, z[0], z[1], code_readout(run, i))
