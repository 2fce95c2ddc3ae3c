"""The GAN tab explains what it shows: the model overview lights the network each kind of
step trains and switches the plane's layers, Tab walks its parts (in lecture mode too, and
a screenshot shows the selection), the status line reads the plane and the curves under the
mouse, and a click on the plane puts D at that point in the formula (exact strings)."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from mechgui.app.panels.gan.formulas import NODE_KEYS, NODE_LAYERS
from mechgui.app.theme import LECTURE, NORMAL

pytestmark = pytest.mark.gui

SMALL = {"hidden_units": 16, "batch_size": 64}
D_BLUE, G_ORANGE, GREY, RING = "#0072B2", "#C24E00", "#E6E6E6", "#CC79A7"


@pytest.fixture
def panel(qtbot, window):
    panel = window.show_tab("gan")
    yield panel
    panel.pause()
    assert panel.render_errors == []


def _ready(qtbot, panel, steps=0):
    """The ring of 8 with small networks, after ``steps`` iterations, drawn and paused."""
    panel.load_preset("ring-8")
    panel.submit_params(**SMALL)
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot["step"] == 0
                    and panel.form.params.hidden_units == 16, timeout=90000)
    if steps:
        panel.run_steps(steps)
        qtbot.waitUntil(lambda: panel.snapshot["step"] >= steps and not panel.runner.playing,
                        timeout=30000)
    before = panel.frames_drawn
    panel.runner.refresh()
    qtbot.waitUntil(lambda: panel.frames_drawn > before, timeout=20000)


def _fmt(value, spec=".3f"):
    return format(float(value), spec).replace("-", "−")


def _click(qtbot, widget, pos=None):
    if pos is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def _near(colour, name, tolerance=40):
    want = QColor(name)
    return max(abs(colour.red() - want.red()), abs(colour.green() - want.green()),
               abs(colour.blue() - want.blue())) <= tolerance


def _fill(overview, node):
    """The colour a part of the overview is painted in (left of its text)."""
    image = overview.grab().toImage()
    rect = overview.node_rect(node)
    return image.pixelColor(int(rect.left() + rect.width() * 0.18), int(rect.center().y()))


def test_the_overview_lights_what_slow_motion_and_the_step_buttons_train(qtbot, panel):
    _ready(qtbot, panel)
    overview, top = panel.explainer.overview, panel.top
    assert overview.isVisible()
    assert (overview.lit(), overview.frozen()) == ((), ())
    assert overview.state_words() == "nothing trained yet"

    def shows(lit, frozen, words):
        qtbot.waitUntil(lambda: (overview.lit(), overview.frozen()) == (lit, frozen),
                        timeout=20000)
        assert overview.state_words() == words

    _click(qtbot, top.step_d_button)
    shows(("D", "loss_d"), ("G", "loss_g"), "D trained · G frozen")
    assert _near(_fill(overview, "D"), D_BLUE) and _near(_fill(overview, "G"), GREY)
    _click(qtbot, top.step_g_button)
    shows(("G", "loss_g"), ("D", "loss_d"), "G trained · D frozen")
    assert _near(_fill(overview, "G"), G_ORANGE) and _near(_fill(overview, "D"), GREY)
    # slow motion: pass 1 trains D (G frozen), pass 2 trains G (D frozen)
    _click(qtbot, top.slow_check)
    step = panel.transport.step_button
    _click(qtbot, step)
    qtbot.waitUntil(lambda: panel.snapshot["phase"] == "D pass done", timeout=20000)
    shows(("D", "loss_d"), ("G", "loss_g"), "D trained · G frozen")
    _click(qtbot, step)
    qtbot.waitUntil(lambda: panel.snapshot["step"] == 1, timeout=20000)
    shows(("G", "loss_g"), ("D", "loss_d"), "G trained · D frozen")
    _click(qtbot, top.slow_check)
    # a whole iteration trains both, one after the other: nothing frozen
    _click(qtbot, step)
    qtbot.waitUntil(lambda: panel.snapshot["step"] == 2, timeout=20000)
    shows(("D", "loss_d", "G", "loss_g"), (), "D, then G trained")
    assert _near(_fill(overview, "D"), D_BLUE) and _near(_fill(overview, "G"), G_ORANGE)
    # a reset: nothing trained yet
    _click(qtbot, panel.transport.reset_button)
    shows((), (), "nothing trained yet")


def test_clicking_a_part_of_the_overview_shows_or_hides_its_layer(qtbot, panel):
    _ready(qtbot, panel)
    overview, plane = panel.explainer.overview, panel.plane
    checks = panel.controls.layer_checks
    assert NODE_LAYERS == {"z": "manifold", "G(z)": "generated", "x": "real",
                           "D(x)": "heatmap", "loss_g": "arrows"}
    for node, layer in NODE_LAYERS.items():
        centre = overview.node_rect(node).center().toPoint()
        _click(qtbot, overview, centre)
        assert overview.selected == node
        assert not plane.items[layer].isVisible() and not checks[layer].isChecked()
        assert not overview.layers_shown[layer]
        _click(qtbot, overview, centre)
        assert plane.items[layer].isVisible() and checks[layer].isChecked()
        assert overview.layers_shown[layer]
    # a part without a layer is selected only, and the strip says what it is
    _click(qtbot, overview, overview.node_rect("G").center().toPoint())
    assert overview.selected == "G"
    assert all(item.isVisible() for item in plane.items.values())
    assert panel.explainer.strip.formula_text() == (
        "G, the generator: z ↦ G(z), 2 hidden layers of 16 relu units\n"
        "trained in pass 2 (D frozen): descends L_G · 0 updates so far")
    # the side bar's check boxes switch the overview's parts too
    _click(qtbot, checks["real"])
    assert not overview.layers_shown["real"] and not plane.real_item.isVisible()
    _click(qtbot, checks["real"])
    assert overview.layers_shown["real"]


@pytest.mark.parametrize("lecture", [False, True])
def test_tab_walks_the_parts_in_lecture_mode_and_a_screenshot_shows_the_selection(
        qtbot, window, lecture):
    window.set_lecture_mode(lecture)
    panel = window.show_tab("gan")
    _ready(qtbot, panel, steps=3)
    overview, strip = panel.explainer.overview, panel.explainer.strip
    theme = LECTURE if lecture else NORMAL
    assert strip.formula_label.font().pointSize() == theme.legend_size + 1  # as the keys
    # a click beside the parts gives the overview the keyboard, selecting nothing
    _click(qtbot, overview, QPoint(2, overview.height() - 2))
    assert overview.hasFocus() and overview.selected is None
    seen = []
    for _ in NODE_KEYS:
        qtbot.keyClick(overview, Qt.Key.Key_Tab)
        seen.append(overview.selected)
    assert seen == list(NODE_KEYS)
    snap = panel.snapshot
    assert strip.formula_text().split("\n")[0] == (
        f"L_G = −(1/m) Σ log D(G(zᵢ)) = {_fmt(snap['loss_g'])}   (m = 64)")
    qtbot.keyClick(overview, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert overview.selected == "loss_d"
    assert strip.formula_text().split("\n")[0].endswith(f" = {_fmt(snap['loss_d'])}   (m = 64)")
    # Return switches the selected part's layer; Escape clears the selection
    for _ in range(4):
        qtbot.keyClick(overview, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert overview.selected == "G(z)"
    qtbot.keyClick(overview, Qt.Key.Key_Return)
    assert not panel.plane.fake_item.isVisible()
    qtbot.keyClick(overview, Qt.Key.Key_Return)
    assert panel.plane.fake_item.isVisible()
    # the window's picture shows the selection ring around the part
    ring = overview.node_rect("G(z)")
    grow = (3.5 if lecture else 2.5) + 1.5
    at = overview.mapTo(window, QPointF(ring.left() - grow, ring.center().y()).toPoint())
    assert _near(window.grab().toImage().pixelColor(at), RING, tolerance=60)
    qtbot.keyClick(overview, Qt.Key.Key_Escape)
    assert overview.selected is None
    assert strip.formula_text().startswith("L_D = ")
    # past the last part, Tab leaves the overview for the next widget
    for _ in NODE_KEYS:
        qtbot.keyClick(overview, Qt.Key.Key_Tab)
    assert overview.selected == NODE_KEYS[-1]
    qtbot.keyClick(overview, Qt.Key.Key_Tab)
    assert overview.selected is None and QApplication.focusWidget() is not overview
    window.set_lecture_mode(False)


def _nearest(points, x, y):
    points = np.asarray(points)
    return points[int(np.argmin((points[:, 0] - x) ** 2 + (points[:, 1] - y) ** 2))]


def test_hovering_the_plane_and_a_curve_shows_their_values(qtbot, panel):
    _ready(qtbot, panel, steps=6)
    snap = panel.snapshot
    plane, strip = panel.plane, panel.explainer.strip
    view, box = plane.graphics, plane.box
    gx, gy = np.asarray(snap["grid_x"]), np.asarray(snap["grid_y"])
    i, j = 40, 22
    at = view.mapFromScene(box.mapViewToScene(QPointF(gx[j], gy[i])))
    qtbot.mouseMove(view.viewport(), at)
    qtbot.waitUntil(lambda: strip.hover_text().startswith("D("), timeout=10000)
    under = box.mapSceneToView(view.mapToScene(at))  # the point under the mouse
    x, y = under.x(), under.y()
    assert (int(np.argmin(np.abs(gy - y))), int(np.argmin(np.abs(gx - x)))) == (i, j)
    real, fake = _nearest(snap["real"], x, y), _nearest(snap["samples"], x, y)
    assert strip.hover_text() == (
        f"D({_fmt(gx[j], '.2f')}, {_fmt(gy[i], '.2f')}) = {_fmt(snap['d_grid'][i, j])}  ·  "
        f"nearest real ({_fmt(real[0], '.2f')}, {_fmt(real[1], '.2f')})  ·  "
        f"nearest generated ({_fmt(fake[0], '.2f')}, {_fmt(fake[1], '.2f')})")
    # the status line sits under the plots: it covers none of them
    top_left = strip.mapTo(panel, QPoint(0, 0))
    for graphics in (view, panel.curves.graphics):
        corner = graphics.mapTo(panel, QPoint(0, graphics.height()))
        assert top_left.y() >= corner.y()
    # a curve: its values at the recorded step nearest the mouse
    curves = panel.curves
    loss_box = curves.loss_plot.getViewBox()
    at = curves.graphics.mapFromScene(loss_box.mapViewToScene(QPointF(4.0, 1.0)))
    qtbot.mouseMove(curves.graphics.viewport(), at)
    qtbot.waitUntil(lambda: strip.hover_text().startswith("Losses at step"), timeout=10000)
    step = loss_box.mapSceneToView(curves.graphics.mapToScene(at)).x()
    h = snap["history"]
    row = int(np.argmin(np.abs(np.asarray(h["step"]) - step)))
    assert strip.hover_text() == (f"Losses at step {h['step'][row]}: D {_fmt(h['loss_d'][row])}"
                                  f" · G {_fmt(h['loss_g'][row])}")


def test_clicking_the_plane_puts_d_at_that_point_in_the_formula(qtbot, panel):
    _ready(qtbot, panel, steps=4)
    plane, explainer = panel.plane, panel.explainer
    strip, view = explainer.strip, plane.graphics
    at = view.mapFromScene(plane.box.mapViewToScene(QPointF(0.5, -1.0)))
    _click(qtbot, view.viewport(), at)
    point = explainer.point
    assert point == pytest.approx((0.5, -1.0), abs=0.05)
    assert explainer.overview.selected == "D(x)" and explainer.marker.isVisible()

    def shown(step):
        qtbot.waitUntil(lambda: panel.snapshot["step"] == step
                        and panel.snapshot["probe"] is not None
                        and panel.snapshot["probe"]["point"] == point, timeout=20000)
        probe = panel.snapshot["probe"]
        first = (f"D(x) at x = ({_fmt(point[0], '.2f')}, {_fmt(point[1], '.2f')}): "
                 f"D(x) = σ(ℓ(x)) = σ({_fmt(probe['output'])}) = {_fmt(probe['value'])}")
        qtbot.waitUntil(lambda: strip.formula_text().split("\n")[0] == first, timeout=10000)
        assert strip.formula_text().split("\n")[1].startswith(
            f"one sample there adds to L_D: real −log D(x) = {_fmt(probe['as_real'])}, "
            f"generated −log(1 − D(x)) = {_fmt(probe['as_generated'])};  "
            f"to L_G: −log D(x) = {_fmt(probe['g_term'])}, which pushes it by (")
        return probe

    before = shown(4)
    # the next step's networks: the formula follows
    _click(qtbot, panel.transport.step_button)
    after = shown(5)
    assert after["output"] != before["output"]
    # a reset keeps the point; the losses' formula has no numbers of the old run
    _click(qtbot, panel.transport.reset_button)
    shown(0)
    explainer.overview.select(None)
    assert strip.formula_text() == (
        "L_D = −(1/m) Σ log D(xᵢ) − (1/m) Σ log(1 − D(G(zᵢ)))   (no update of D yet)\n"
        "L_G = −(1/m) Σ log D(G(zᵢ))   (no update of G yet)")
    # a click while the run plays: the point changes and the run plays on
    panel.play()
    qtbot.waitUntil(lambda: panel.runner.playing, timeout=10000)
    at = view.mapFromScene(plane.box.mapViewToScene(QPointF(-1.0, 1.0)))
    _click(qtbot, view.viewport(), at)
    other = explainer.point
    qtbot.waitUntil(lambda: panel.snapshot["probe"] is not None
                    and panel.snapshot["probe"]["point"] == other
                    and panel.runner.playing, timeout=20000)
    panel.pause()
