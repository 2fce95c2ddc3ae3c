"""Workspaces in the window, driven as a user does: File ▸ Open workspace… (Ctrl+O) and a
file dropped on the window; the tabs, parameters, lecture mode and view toggles as saved;
saving and reopening in a new window gives the same frames; refusals in one message; the
lecture's scenes with Page Down; the user's presets in the preset menu."""

import os
from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog
from test_workspace import identical

from mechgui.app import MainWindow
from mechgui.app.userpresets import YOURS
from mechgui.engine import params_class, presets
from mechgui.engine.resources import resource_path
from mechgui.workspace import (
    TabSetup,
    Workspace,
    save_workspace,
    setup_from_preset,
    userpresets,
)
from mechgui.workspace.views import GAN_LAYERS, SOM_COLOURINGS, VIEW_CHOICES, check_view

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def own_presets(tmp_path, monkeypatch):
    monkeypatch.setenv(userpresets.ENVIRONMENT, str(tmp_path / "presets"))


@pytest.fixture
def second_window(qtbot, tmp_path):
    """Another window, as a second start of the app (its own settings)."""
    made = []

    def make():
        settings = QSettings(str(tmp_path / f"settings-{len(made)}.ini"),
                             QSettings.Format.IniFormat)
        main = MainWindow(settings=settings)
        qtbot.addWidget(main)
        main.show()
        qtbot.waitExposed(main)
        main.activateWindow()  # keys go to it
        qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
        made.append(main)
        return main

    yield make
    for main in made:
        main.close()


def settled(panel, step):
    """The tab has stopped at ``step`` (a replay ends paused there)."""
    return lambda: (panel.snapshot is not None and panel.snapshot["step"] == step
                    and not panel.runner.playing)


def a_workspace(path):
    """MaxNet with its own activations, the SOM's Example 4.7 to step 21 with view choices,
    the GAN with layers off; lecture mode; the SOM tab shown."""
    maxnet = TabSetup("maxnet", params_class("maxnet").from_mapping(
        {"epsilon": 0.15, "activations": [0.1, 0.9, 0.3]}), speed=5)
    som = replace(setup_from_preset("som", "fausett-4.7"), steps=21,
                  view={"colouring": "hit count", "labels": False, "trace": False})
    gan = replace(setup_from_preset("gan", "ring-8"), view={
        "layers": {"arrows": False, "heatmap": False}, "updates_per_press": 7})
    save_workspace(path, Workspace(tabs={"maxnet": maxnet, "som": som, "gan": gan},
                                   active_tab="som", lecture=True))
    return path


def test_open_by_the_menu_applies_every_tab_as_saved(qtbot, window, tmp_path, monkeypatch):
    path = a_workspace(tmp_path / "class.toml")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.workspaces.opened, timeout=20000):
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.workspaces.last_message is None  # nothing refused
    assert window.lecture_mode and window.current_name() == "som"
    assert "gan" not in {p.model for p in window.built_panels()}  # not built by opening

    maxnet = window.panel("maxnet")
    qtbot.waitUntil(lambda: maxnet.snapshot is not None
                    and list(maxnet.snapshot["activations"]) == [0.1, 0.9, 0.3])
    assert maxnet.form.params.epsilon == 0.15 and maxnet.transport.speed == 5

    som = window.panel("som")
    qtbot.waitUntil(settled(som, 21), timeout=30000)
    assert som.preset_name == "fausett-4.7" and som.seed == 1
    qtbot.waitUntil(lambda: som.transport.speed == 2)  # its own speed again after the replay
    assert som.controls.colouring.currentText() == "hit count"
    assert not som.controls.labels_check.isChecked() and not som.controls.trace_check.isChecked()
    assert som.controls.glyphs_check.isChecked()

    gan = window.show_tab("gan")  # built now: the setup waited for it
    assert gan.preset_name == "ring-8"
    assert not gan.controls.layer_checks["arrows"].isChecked()
    assert not gan.plane.items["arrows"].isVisible() and not gan.plane.items["heatmap"].isVisible()
    assert gan.plane.items["real"].isVisible()
    assert gan.controls.updates_spin.value() == 7
    qtbot.waitUntil(lambda: gan.snapshot is not None, timeout=60000)  # its engine loaded
    assert window.workspaces.recent()[0] == str(path.resolve())

    # the GAN trained a little, saved with its networks beside the workspace, opened again
    gan.run_steps(3)
    qtbot.waitUntil(settled(gan, 3), timeout=60000)
    trained = gan.snapshot
    window.workspaces.networks_action.trigger()
    with qtbot.waitSignal(window.workspaces.saved, timeout=30000):
        window.workspaces.save_to(tmp_path / "trained.toml")
    assert (tmp_path / "trained.gan.pt").is_file()
    assert 'networks = "trained.gan.pt"' in (tmp_path / "trained.toml").read_text()
    gan.reset()
    qtbot.waitUntil(settled(gan, 0), timeout=30000)
    with qtbot.waitSignal(window.workspaces.opened, timeout=20000):
        window.workspaces.open_file(tmp_path / "trained.toml")
    qtbot.waitUntil(lambda: "Model loaded from trained.gan.pt (step 3)" in gan.message.text(),
                    timeout=30000)
    qtbot.waitUntil(settled(gan, 3), timeout=30000)
    assert gan.snapshot["g_updates"] == trained["g_updates"]
    assert gan.snapshot["samples"].tobytes() == trained["samples"].tobytes()


def test_a_file_dropped_on_the_window_opens(qtbot, window, tmp_path):
    path = tmp_path / "dropped.toml"
    save_workspace(path, Workspace(tabs={"maxnet": setup_from_preset("maxnet", "close-call")},
                                   active_tab="maxnet", lecture=False))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    where = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(where.toPoint(), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(where, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.workspaces.opened, timeout=20000):
        QApplication.sendEvent(window, drop)
    panel = window.panel("maxnet")
    qtbot.waitUntil(lambda: panel.preset_name == "close-call")
    close_call = params_class("maxnet").from_mapping(presets("maxnet")["close-call"].params)
    assert panel.form.params.changed(close_call) == []
    assert not window.lecture_mode


def test_saved_then_reopened_in_a_new_window_gives_the_same_frames(
        qtbot, window, second_window, tmp_path, monkeypatch):
    som = window.show_tab("som")
    som.load_preset("fausett-4.7")
    som.set_speed(0)
    som.run_steps(42)
    qtbot.waitUntil(settled(som, 42), timeout=30000)
    som.set_speed(30)
    som.set_colouring("component 3")
    som.controls.glyphs_check.setChecked(False)
    window.show_tab("maxnet").load_preset("exact-tie")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # lecture mode
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # the SOM tab
    path = tmp_path / "saved.toml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.workspaces.saved, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    text = path.read_text(encoding="utf-8")
    assert 'active_tab = "som"' in text and "lecture = true" in text and "steps = 42" in text

    other = second_window()
    assert not other.lecture_mode
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(other.workspaces.opened, timeout=20000):
        qtbot.keyClick(other, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    again = other.panel("som")
    qtbot.waitUntil(settled(again, 42), timeout=30000)
    identical(again.snapshot, som.snapshot)  # the very frame, bit for bit
    assert other.lecture_mode and other.current_name() == "som"
    qtbot.waitUntil(lambda: again.transport.speed == 30)
    assert again.controls.colouring.currentText() == "component 3"
    assert not again.controls.glyphs_check.isChecked()
    assert other.panel("maxnet").preset_name == "exact-tie"


def test_what_is_refused_is_said_in_one_message_and_the_rest_opens(qtbot, window, tmp_path):
    path = tmp_path / "edited.toml"
    path.write_text('format = "mechgui-workspace"\nversion = 1\nactive_tab = "maxnet"\n'
                    '[tabs.maxnet.params]\nepsilon = 0.3\nactivations = [0.2, 0.6]\n'
                    'max_steps = -4\n'
                    '[tabs.perceptron]\nseed = 1\n'
                    '[tabs.som]\npreset = "fausett-4.4"\n[tabs.som.view]\ncolouring = "sepia"\n',
                    encoding="utf-8")
    with qtbot.waitSignal(window.workspaces.opened, timeout=20000):
        window.workspaces.open_file(path)
    box = window.workspaces.last_message
    assert box is not None and box.isVisible()
    assert box.text().startswith("Opened edited.toml, except what follows.  A value refused")
    lines = box.informativeText().splitlines()
    assert lines == [
        ("• tabs.perceptron: unknown tab (known: maxnet, mexican_hat, hamming, som, gan, lvq, "
        "counterpropagation, art1, autoencoder)"),
        "• tabs.maxnet.params: max_steps=-4 is not allowed: expected an integer in [1, 10000000]",
        ("• tabs.som.view: colouring = 'sepia' is not allowed: expected one of U-matrix, hit "
        "count, quantization error, or component k (k from 1 to 1000)")]
    box.close()
    panel = window.panel("maxnet")
    qtbot.waitUntil(lambda: panel.snapshot is not None
                    and list(panel.snapshot["activations"]) == [0.2, 0.6])

    path.write_bytes(b'format = "mechgui-workspace"\nversion = 1\n[tabs.maxnet.par')
    window.workspaces.open_file(path)
    qtbot.waitUntil(lambda: window.workspaces.last_message is not box
                    and window.workspaces.last_message.isVisible(), timeout=20000)
    box = window.workspaces.last_message
    assert box.text().startswith("Nothing was opened: edited.toml is not a readable workspace "
                                 "(cut short, or not TOML)")
    box.close()
    assert list(panel.form.params.activations) == [0.2, 0.6]  # left as it was


def test_a_failed_save_says_so_and_leaves_the_old_file(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "kept.toml"
    path.write_text("# my old workspace\n", encoding="utf-8")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    box = window.workspaces.last_message
    assert box is not None and box.isVisible()
    assert box.text().startswith("Nothing was saved: could not write") and \
        "No space left on device" in box.text()
    box.close()
    assert path.read_text(encoding="utf-8") == "# my old workspace\n"
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".kept.toml")]


def test_the_lecture_workspace_goes_scene_by_scene_with_page_down(qtbot, window):
    with qtbot.waitSignal(window.workspaces.opened, timeout=20000):
        window.workspaces.open_file(resource_path("workspaces", "chapter4-lecture.toml"))
    assert window.lecture_mode and window.current_name() == "maxnet"
    assert window.workspaces.scene == 1
    shown = []
    for _ in range(4):
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
        shown.append(window.current_name())
    assert shown == ["mexican_hat", "hamming", "som", "som"]
    som = window.panel("som")
    qtbot.waitUntil(lambda: som.preset_name == "fausett-4.7")
    assert som.controls.granularity.currentData() == "epoch"
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: som.preset_name == "fausett-4.4")
    assert window.workspaces.scene == 4
    assert "Scene 4 of 6" in window.statusBar().currentMessage()


def test_a_tabs_setup_saved_as_the_users_preset_and_exported(
        qtbot, window, second_window, tmp_path, monkeypatch):
    panel = window.panel("maxnet")
    assert panel.submit_params(activations=[0.5, 0.49, 0.1], epsilon=0.25)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("A near tie", True))
    window.workspaces.presets.save_action.trigger()
    combo = panel.preset_combo
    assert combo.findText("A near tie" + YOURS) >= 0 and panel.preset_name == "a-near-tie"
    assert (tmp_path / "presets" / "maxnet.json").is_file()

    other = second_window()  # a new start: the preset is in the menu there too
    mine = other.panel("maxnet")
    index = mine.preset_combo.findText("A near tie" + YOURS)
    assert index >= 0
    mine.preset_combo.setCurrentIndex(index)  # chosen from the menu: loads it
    qtbot.waitUntil(lambda: mine.snapshot is not None
                    and list(mine.snapshot["activations"]) == [0.5, 0.49, 0.1])
    assert mine.form.params.epsilon == 0.25

    path = tmp_path / "near-tie.toml"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("A near tie" + YOURS, True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    other.workspaces.presets.export_action.trigger()
    from mechgui.workspace import read_workspace

    setup = read_workspace(path).workspace.tabs["maxnet"]
    assert setup.preset == "a-near-tie" and list(setup.params.activations) == [0.5, 0.49, 0.1]


def test_each_tabs_view_choices_are_the_declared_ones(qtbot):
    """What a tab's view_state gives is what the workspace declares and checks."""
    from mechgui.app.panels.autoencoder import AutoencoderPanel
    from mechgui.app.panels.gan import GANPanel
    from mechgui.app.panels.gan.plane import LAYERS
    from mechgui.app.panels.maxnet import MaxNetPanel
    from mechgui.app.panels.som import SOMPanel
    from mechgui.app.panels.som.map import COLOURINGS

    assert tuple(key for key, _ in LAYERS) == GAN_LAYERS and COLOURINGS == SOM_COLOURINGS
    for cls in (SOMPanel, GANPanel, AutoencoderPanel, MaxNetPanel):
        panel = cls()
        qtbot.addWidget(panel)
        if cls is SOMPanel:
            panel.controls.colouring.addItem("U-matrix")
            panel.set_colouring("U-matrix")
        state = panel.view_state()
        accepted, refused = check_view(panel.model, state)
        assert refused == [] and accepted == state
        assert set(state) == set(VIEW_CHOICES.get(panel.model, {}))
        panel.load_view_state(state)  # and takes them back
        assert panel.view_state() == state
        assert panel.shutdown()


def test_mechgui_workspace_file_opens_it_from_the_command_line(tmp_path):
    """``mechgui FILE``: the workspace's tab, run to its step (here drawn offscreen)."""
    import subprocess
    import sys

    path = tmp_path / "three.toml"
    save_workspace(path, Workspace(tabs={"maxnet": replace(
        setup_from_preset("maxnet", "fausett-4.1"), steps=3)}, active_tab="maxnet",
        lecture=True))
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "mechgui", *args], capture_output=True,
                              text=True, timeout=120, env=env, check=False)

    out = tmp_path / "shot.png"
    result = run(str(path), "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    assert "(step 3, paused)" in result.stdout and out.stat().st_size > 10_000
    path.write_text("[tabs.maxnet\n", encoding="utf-8")
    result = run(str(path), "--screenshot", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith("error: three.toml is not a readable workspace")
    assert len(result.stderr.strip().splitlines()) == 1
