"""A lecturer's walk through the window, as a person does it: keys go to whatever has the
keyboard, presets are picked from their menu with the mouse, and every wait runs the event
loop.  Nothing here calls a panel's play() or step_once(): the assertions are what a person
sees (step counter, badge, tick labels, exit code)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel

from mechgui.app.main_window import TABS
from mechgui.app.panel import SimulationPanel
from mechgui.app.transport import BADGES, speed_label
from mechgui.engine import presets
from driving import pick, press
from terminal import hears_ctrl_c

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier




def open_tab(qtbot, window, index: int):
    press(qtbot, window, getattr(Qt.Key, f"Key_{index + 1}"), CTRL)
    panel = window.panel()
    assert window.current_name() == TABS[index][0]
    qtbot.waitUntil(panel.transport.play_button.isEnabled, timeout=60_000)  # engine ready
    return panel


def pick_preset(qtbot, panel, name: str) -> None:
    """Open the preset menu with the mouse and click the preset's entry."""
    pick(qtbot, panel.preset_combo, name)


def shown_step(panel) -> int:
    return int(panel.transport.step_label.text().split()[-1])


def badge(panel) -> str:
    return panel.transport.badge.text()


def test_every_preset_of_every_tab_from_its_menu_with_the_keys(window, qtbot):
    """Open each tab with Ctrl+N, pick each preset from its menu, then → steps, R resets,
    Space plays and pauses; the counter, the badge and the status bar say the same."""
    for index, (model, _, _) in enumerate(TABS):
        panel = open_tab(qtbot, window, index)
        for name, preset in presets(model).items():
            pick_preset(qtbot, panel, name)
            qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot["step"] == 0
                            and panel.preset_name == name, timeout=30_000)
            assert badge(panel) == "ready" and shown_step(panel) == 0
            if preset.speed is not None:
                assert panel.transport.speed_label.text() == speed_label(preset.speed)
            press(qtbot, window, Qt.Key.Key_Right)
            qtbot.waitUntil(lambda: shown_step(panel) >= 1, timeout=30_000)
            assert badge(panel) in ("paused", "converged ✓", "done ✓", "tie ✗", "all zero ✗")
            press(qtbot, window, Qt.Key.Key_R)
            qtbot.waitUntil(lambda: shown_step(panel) == 0, timeout=30_000)
            assert badge(panel) == "ready"
        press(qtbot, window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: shown_step(panel) >= 1 or panel.snapshot["done"], timeout=30_000)
        press(qtbot, window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: not panel.runner.playing)
        qtbot.waitUntil(lambda: badge(panel) != "running")
        assert window.step_status.text().endswith(f"step {shown_step(panel)} · {badge(panel)}")


def test_enter_in_a_field_hands_the_keyboard_back_to_the_simulation(window, qtbot):
    panel = open_tab(qtbot, window, 0)
    pick_preset(qtbot, panel, "fausett-4.1")
    field = panel.form.editor("epsilon")
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is field
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(field, "0.1")
    press(qtbot, window, Qt.Key.Key_Return)
    assert panel.form.params.epsilon == 0.1 and field.text() == "0.1"
    assert QApplication.focusWidget() is not field
    press(qtbot, window, Qt.Key.Key_Right)  # a step, not a character in the field
    qtbot.waitUntil(lambda: shown_step(panel) == 1)
    press(qtbot, window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: shown_step(panel) == 0)
    assert field.text() == "0.1"
    # Escape gives up what was typed, and the keyboard too
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "junk")
    press(qtbot, window, Qt.Key.Key_Escape)
    assert field.text() == "0.1" and panel.form.error_text("epsilon") == ""
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.snapshot["done"] or panel.runner.playing)


def test_a_refused_value_keeps_its_message_while_another_field_is_edited(window, qtbot):
    panel = open_tab(qtbot, window, 1)  # the Mexican Hat: R1 and R2
    r1, x_max = panel.form.editor("r1"), panel.form.editor("x_max")
    qtbot.mouseClick(r1, Qt.MouseButton.LeftButton)
    qtbot.keyClick(r1, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(r1, "-3")
    press(qtbot, window, Qt.Key.Key_Return)
    message = panel.form.error_text("r1")
    assert message.startswith("R1 (cooperation radius) = -3 is not allowed")  # its label
    assert r1.text() == "-3" and panel.form.params.r1 == 1  # nothing changed silently
    qtbot.mouseClick(x_max, Qt.MouseButton.LeftButton)
    qtbot.keyClick(x_max, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(x_max, "3")
    press(qtbot, window, Qt.Key.Key_Return)
    assert panel.form.params.x_max == 3.0
    assert panel.form.error_text("r1") == message and r1.text() == "-3"


def test_the_wheel_over_the_side_panel_scrolls_and_changes_no_field(window, qtbot):
    panel = open_tab(qtbot, window, 3)  # the SOM: a long form
    before = panel.form.params
    for name in ("epochs", "topology", "radius"):
        editor = panel.form.editor(name)
        assert not editor.hasFocus()
        pos = editor.rect().center()
        qtbot.mouseMove(editor, pos)
        event_target = editor
        from PySide6.QtCore import QPoint, QPointF
        from PySide6.QtGui import QWheelEvent
        wheel = QWheelEvent(QPointF(pos), QPointF(editor.mapToGlobal(pos)), QPoint(0, 0),
                            QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(event_target, wheel)
    assert not panel.form.params.changed(before)


def drawn_ticks(axis: pg.AxisItem) -> list[tuple[float, str]]:
    """The tick values an axis shows and the text drawn for them."""
    low, high = sorted(axis.range)
    size = axis.width() if axis.orientation in ("top", "bottom") else axis.height()
    shown = []
    for spacing, values in axis.tickValues(low, high, max(size, 1.0)):
        strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        shown += list(zip(values, strings))
    return shown


def assert_ticks_show_the_data(window) -> None:
    checked = 0
    for panel in window.built_panels():
        for plot in panel.plots():
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                if not axis.isVisible() or axis._tickLevels is not None:
                    continue  # hidden, or ticks of its own (node numbers, letters)
                for value, text in drawn_ticks(axis):
                    assert float(text.replace("−", "-")) == pytest.approx(value, abs=1e-6 +
                                                                          abs(value) * 1e-3), \
                        (panel.model, name, value, text)
                    checked += 1
    assert checked > 20


def test_lecture_mode_ticks_show_the_datas_own_values_however_often_toggled(window, qtbot):
    maxnet = open_tab(qtbot, window, 0)
    pick_preset(qtbot, maxnet, "fausett-4.1")
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: shown_step(maxnet) == 3)
    som = open_tab(qtbot, window, 3)
    pick_preset(qtbot, som, "square-10x10")
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: shown_step(som) > 600, timeout=30_000)
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not som.runner.playing)
    for on in (True, False, True, False):
        press(qtbot, window, Qt.Key.Key_L, CTRL)
        assert window.lecture_mode is on
        qtbot.wait(50)  # a repaint, as on a screen
        assert_ticks_show_the_data(window)
        badge_label = som.transport.badge
        bold = QFont(badge_label.font())
        bold.setBold(True)
        widest = max(QFontMetrics(bold).horizontalAdvance(text) for text in BADGES)
        assert badge_label.width() >= widest + 20  # the words and the style sheet's padding
    bars = maxnet.bar_plot.getAxis("left")
    assert max(v for v, _ in drawn_ticks(bars)) <= 1.0  # 0.56 stands against 0–1, not 0–1000


def test_the_side_panel_shows_every_control_whole_for_every_preset_in_both_modes(
        window, qtbot):
    """The side panel scrolls only up and down, so a control wider than it would be cut at
    its right edge (the GAN's digit chooser and its 'updates per Step D / Step G' row were,
    in both modes): every preset's form and controls fit its width."""
    window.resize(1280, 800)
    for index, (model, _, _) in enumerate(TABS):
        panel = open_tab(qtbot, window, index)
        for on in (False, True):
            if window.lecture_mode is not on:
                press(qtbot, window, Qt.Key.Key_L, CTRL)
            for name in presets(model):
                panel.load_preset(name)
                qtbot.waitUntil(lambda: panel.side_scroll.viewport().width() > 0)
                content = panel.side_scroll.widget().minimumSizeHint().width()
                room = panel.side_scroll.viewport().width()
                assert content <= room, (model, name, on, content, room)


def test_a_tab_first_opened_in_lecture_mode_has_lecture_sized_legends(window, qtbot):
    """Ctrl+L, then the SOM and Mexican Hat tabs opened for the first time: their legends
    (added after their plots took the theme) read at lecture size, not at 9 points."""
    from mechgui.app.theme import LECTURE

    press(qtbot, window, Qt.Key.Key_L, CTRL)
    assert window.lecture_mode
    sizes = []
    for index in (1, 3):  # Mexican Hat, Kohonen SOM
        panel = open_tab(qtbot, window, index)
        for plot, _ in panel._plots:
            if plot.legend is not None:
                sizes += [label.opts["size"] for _, label in plot.legend.items]
    assert len(sizes) >= 4 and set(sizes) == {f"{LECTURE.legend_size}pt"}, sizes


def test_the_first_opening_of_a_tab_shows_it_preparing_and_space_starts_it_when_ready(
        window, qtbot):
    """The tab's place says it is preparing at once, then its frame comes (the plots being
    prepared), then the plots; a Space pressed meanwhile starts the run once it can."""
    press(qtbot, window, Qt.Key.Key_5, CTRL)
    tab = window.tabs.currentWidget()
    assert window.current_name() == "gan"
    shown = [label.text() for label in tab.findChildren(QLabel) if label.isVisibleTo(window)]
    assert "Preparing the GAN tab…" in shown and "preparing" in window.step_status.text()
    qtbot.waitUntil(lambda: tab.findChild(SimulationPanel) is not None)
    panel = tab.findChild(SimulationPanel)
    if not panel.built:  # the frame is there before all of its plots
        assert panel.transport.isVisibleTo(window)
    if not panel.runner.is_ready:  # a cold start: the engine's libraries still load
        assert badge(panel) == "preparing…"
        assert not panel.transport.play_button.isEnabled()
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.built and panel.snapshot is not None
                    and shown_step(panel) > 0, timeout=60_000)
    assert window.panel() is panel
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not panel.runner.playing)


def test_a_tab_shown_while_its_plots_are_built_takes_lecture_mode_and_draws(window, qtbot):
    """Lecture mode switched on while a tab is being built reaches its plots; frames that
    came meanwhile are drawn once the plots are there."""
    press(qtbot, window, Qt.Key.Key_4, CTRL)
    tab = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: tab.findChild(SimulationPanel) is not None)
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    panel = tab.findChild(SimulationPanel)
    qtbot.waitUntil(lambda: panel.built and panel.snapshot is not None, timeout=60_000)
    assert panel.theme.name == "lecture"
    title_size = panel.plots()[0].titleLabel.opts.get("size")
    assert title_size == f"{panel.theme.title_size}pt"
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    assert panel.plots()[0].titleLabel.opts.get("size") == f"{panel.theme.title_size}pt"
    assert panel.theme.name == "normal"


QUIT_SCRIPT = textwrap.dedent("""
    import os, sys
    from PySide6.QtCore import QTimer, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel
    import mechgui.app.launch as launch
    from mechgui.app.main_window import MainWindow

    show = MainWindow.show
    def show_then_act(self):
        show(self)
        self.activateWindow()
        keys = [k for k in sys.argv[2].split(",") if k]
        def act():
            if keys:
                key = keys.pop(0)
                if key == "quit":
                    QTest.keyClick(self, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
                    return
                if key.startswith("ctrl+"):
                    QTest.keyClick(self, getattr(Qt.Key, "Key_" + key[5:]),
                                   Qt.KeyboardModifier.ControlModifier)
                else:
                    QTest.keyClick(self, getattr(Qt.Key, "Key_" + key))
                QTimer.singleShot(int(sys.argv[1]), act)
        QTimer.singleShot(int(sys.argv[1]), act)
        print("shown", flush=True)
    MainWindow.show = show_then_act
    from mechgui.cli import main
    sys.exit(main([]))
""")


@pytest.mark.parametrize("delay_ms, keys", [
    (1, "ctrl+5,quit"),             # during the GAN tab's first load
    (300, "ctrl+4,Space,quit"),     # the SOM playing flat out? (the preset's own speed)
    (600, "ctrl+5,Space,quit"),     # the GAN training
    (50, "ctrl+2,Right,Right,quit"),
], ids=["first-load", "som-playing", "gan-playing", "mexican-hat"])
def test_quit_at_any_moment_ends_with_code_0_and_no_thread(tmp_path, delay_ms, keys):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", QUIT_SCRIPT, str(delay_ms), keys],
                         capture_output=True, text=True, timeout=90, env=env)
    assert out.returncode == 0, out.stderr
    assert "QThread" not in out.stderr and "Traceback" not in out.stderr, out.stderr


def test_ctrl_c_in_the_terminal_closes_the_window_with_code_0(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", QUIT_SCRIPT, "200", "ctrl+5,Space"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=hears_ctrl_c)
    assert proc.stdout.readline().strip() == "shown"
    time.sleep(1.5)  # the GAN loading or training
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "QThread" not in stderr and "Traceback" not in stderr, stderr
