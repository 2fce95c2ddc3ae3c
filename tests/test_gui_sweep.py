"""The sweep view, driven through events: Run, Cancel midway (no worker process or thread
left), a click on a point or a cell that loads that run into the tab, whose own run then
gives the swept metric."""

import multiprocessing
import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from mechgui.app.theme import LECTURE, NORMAL
from mechgui.engine.metrics import measure, metrics_for
from mechgui.explore.task import advance

from driving import open_ready

pytestmark = pytest.mark.gui


def open_view(qtbot, window, tab):
    """The tab shown, then Run ▸ Sweep… by its shortcut."""
    panel = open_ready(qtbot, window, tab)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    view = panel._sweep_view
    qtbot.waitExposed(view)
    return panel, view


def type_into(qtbot, widget, text):
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def choose(qtbot, combo, data):
    """Pick the item holding ``data`` with the keyboard: Home, then ↓ to it."""
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.findData(data)):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data


def set_axis(qtbot, editor, name, start=None, stop=None, count=None, listed=None):
    """Choose the parameter with the keyboard, then type the range or list."""
    choose(qtbot, editor.name, name)
    if listed is not None:
        type_into(qtbot, editor.listed, listed)
    else:
        type_into(qtbot, editor.start, start)
        type_into(qtbot, editor.stop, stop)
        type_into(qtbot, editor.count.lineEdit(), str(count))


def run_and_wait(qtbot, view, timeout=60000):
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert view.run is not None, view.status.text()
    qtbot.waitUntil(lambda: not view.running and view.run_button.isEnabled(), timeout=timeout)


def click_at(qtbot, figure, x, y):
    """A left click on the figure at the plot's view coordinates (x, y)."""
    scene = figure.plot.getViewBox().mapViewToScene(QPointF(x, y))
    where = figure.mapFromScene(scene)
    qtbot.mouseClick(figure.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(where.x(), where.y()))


def replay(qtbot, panel, steps):
    """The tab's own simulation run to done (or ``steps``) and measured, on its engine thread."""
    got = []
    metrics = metrics_for(panel.model)
    panel.call_engine(lambda sim: (advance(sim, steps), sim.seed, measure(sim, metrics)),
                      on_return=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=20000)
    return got[0][1], got[0][2]


def children():
    return {p.pid for p in multiprocessing.active_children()}


def test_a_one_parameter_sweep_and_a_click_that_replays_a_point(qtbot, window):
    panel, view = open_view(qtbot, window, "som")  # Example 4.4: two units, no topology
    set_axis(qtbot, view.axes[0], "learning_rate", "0.1", "0.9", 5)
    type_into(qtbot, view.repeats.lineEdit(), "3")
    choose(qtbot, view.metric_box, "quantization_error")
    run_and_wait(qtbot, view)
    result = view.run.result
    assert result.complete and len(result) == 15
    assert "Done: 15 runs" in view.status.text() and view.png_button.isEnabled()
    assert view.figure.metric_name == "quantization_error"
    # a click on one run's dot: the 4th learning rate, the repeat whose value it shows
    values = result.values("quantization_error")
    index, repeat = (3,), int(np.argmax(values[3]))
    click_at(qtbot, view.figure, 0.7, values[3, repeat])
    params, seed = view.run.sweep.params_of(index, repeat)
    qtbot.waitUntil(lambda: panel.form.params.learning_rate == pytest.approx(0.7))
    assert panel.form.params.epochs == params.epochs and panel.preset_name == "(custom)"
    tab_seed, metrics = replay(qtbot, panel, None)
    assert tab_seed == seed == result.rows[3 * 3 + repeat].seed
    assert metrics["quantization_error"] == values[3, repeat]
    assert "Loaded learning_rate = 0.7" in view.status.text()


def test_a_two_parameter_heat_map_and_a_cell_loaded_into_the_tab(qtbot, window, tmp_path):
    panel, view = open_view(qtbot, window, "maxnet")
    set_axis(qtbot, view.axes[0], "m", "3", "5", 3)  # random inputs, m nodes
    set_axis(qtbot, view.axes[1], "epsilon", "0.1", "0.45", 4)
    choose(qtbot, view.metric_box, "largest_won")
    run_and_wait(qtbot, view)
    assert view.run.result.complete and view.figure.colour_bar is not None
    image = next(i for i in view.figure.plot.items if i.__class__.__name__ == "ImageItem")
    assert image.image.shape == (4, 3)  # rows: ε, columns: m
    click_at(qtbot, view.figure, 2, 0)  # m = 5, ε = 0.1
    qtbot.waitUntil(lambda: panel.form.params.activations.size == 5)
    assert panel.form.params.epsilon == pytest.approx(0.1)
    index, repeat = view.figure.selected
    params, seed = view.run.sweep.params_of(index, repeat)
    np.testing.assert_array_equal(panel.form.params.activations, params.activations)
    tab_seed, metrics = replay(qtbot, panel, None)
    row = next(r for r in view.run.result.rows if r.index == index and r.repeat == repeat)
    assert tab_seed == seed and metrics == dict(row.metrics)
    assert view.export_png(str(tmp_path / "map.png"))
    view.export_csv(str(tmp_path / "rows.csv"))
    assert (tmp_path / "rows.csv").read_text().splitlines()[0] == \
        "m,epsilon,repeat,seed,steps,status,largest_won"
    # lecture mode, switched on from the main window's menu, reaches the open sweep view too
    window.lecture_action.trigger()
    assert window.lecture_mode and view.figure.theme is LECTURE
    assert view.figure.title.opts["size"] == f"{LECTURE.title_size}pt"
    assert view.figure.colour_bar is not None and view.figure.selected == (index, repeat)
    window.lecture_action.trigger()
    assert view.figure.title.opts["size"] == f"{NORMAL.title_size}pt"


def test_cancel_midway_leaves_no_process_or_thread(qtbot, window):
    panel, view = open_view(qtbot, window, "som")
    set_axis(qtbot, view.axes[0], "epochs", "20000", "60000", 5)
    type_into(qtbot, view.repeats.lineEdit(), "4")
    threads, processes = set(threading.enumerate()), children()
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.run.done >= 1, timeout=60000)
    assert panel.transport.play_button.isEnabled()  # the tab goes on meanwhile
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.running and view.run_button.isEnabled(), timeout=20000)
    assert view.run.cancelled and 0 < view.run.done < view.run.total == 20
    assert view.status.text().startswith(f"Cancelled: {view.run.done} of 20 runs")
    qtbot.waitUntil(lambda: children() <= processes and set(threading.enumerate()) <= threads)


def test_a_parameter_that_does_not_apply_is_refused_in_words(qtbot, window):
    _, view = open_view(qtbot, window, "som")  # topology none: no neighbourhood
    set_axis(qtbot, view.axes[0], "radius", "0.5", "2", 3)
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert view.run is None and not view.cancel_button.isEnabled()
    assert "does not apply here (topology is none)" in view.status.text()


def test_closing_the_window_stops_a_sweep(qtbot, window):
    _, view = open_view(qtbot, window, "som")
    set_axis(qtbot, view.axes[0], "epochs", "40000", "80000", 3)
    type_into(qtbot, view.repeats.lineEdit(), "4")
    processes = children()
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert view.running
    window.close()
    assert not view.isVisible() and view.run.cancelled
    assert view.shutdown() and children() <= processes
