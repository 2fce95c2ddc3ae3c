"""The main window: one tab per mechanism, menus, shortcuts, settings."""

from __future__ import annotations

import importlib
import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import to_jsonable

from mechgui.files import SaveError, write_atomically

from . import errors, exporters
from .interpreter import InterpreterTuning, settle_heap
from .panel import SimulationPanel
from .tabs import TABS, tab_names
from .theme import LECTURE, NORMAL, Theme, apply_ui_font
from .workspaces import Workspaces

__all__ = ["MainWindow", "TABS", "tab_names"]

class _LazyTab(QWidget):
    """Holds a panel, built the first time the tab is shown or asked for.

    Building late keeps start-up fast.  A tab shown for the first time builds in steps,
    one per turn of the event loop (its module, the panel's frame, then the plots part
    by part), so the window stays live and says it is preparing; asking for the panel
    (:meth:`build`) finishes whatever is left at once.
    """

    def __init__(self, target: str, title: str, window: "MainWindow") -> None:
        super().__init__()
        self._target = target
        self._title = title
        self._window = window
        self.panel: SimulationPanel | None = None
        self._placeholder: QLabel | None = None
        self._scheduled = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)

    def build(self) -> SimulationPanel:
        """The panel, whole."""
        panel = self._make(staged=False)
        panel.finish_building()
        return panel

    def frame(self) -> SimulationPanel:
        """The panel, whose plots may still be on their way (they follow in steps): enough
        for a command such as Play, which a key may give before the plots are there."""
        panel = self._make(staged=True)
        if not panel.built and not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self._build_part)
        return panel

    def _make(self, staged: bool) -> SimulationPanel:
        if self.panel is None:
            module, _, cls = self._target.partition(":")
            panel_class = getattr(importlib.import_module(module), cls)
            self.panel = panel_class(theme=self._window.theme, staged=staged)
            if self._placeholder is not None:
                self._placeholder.deleteLater()
                self._placeholder = None
            self.layout().addWidget(self.panel)
            self.panel.show()
            self._window._panel_built(self.panel)
        return self.panel

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.panel is None and not self._scheduled:
            self._scheduled = True
            self._placeholder = QLabel(f"Preparing the {self._title} tab…")
            self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.layout().addWidget(self._placeholder)
            self._placeholder.show()
            QTimer.singleShot(0, self._import_module)

    # the stages of a first showing, each in its own turn of the event loop
    @Slot()
    def _import_module(self) -> None:
        if self._window.closed:
            return
        importlib.import_module(self._target.partition(":")[0])
        QTimer.singleShot(0, self._build_frame)

    @Slot()
    def _build_frame(self) -> None:
        if self._window.closed:
            return
        self._make(staged=True)
        QTimer.singleShot(0, self._build_part)

    @Slot()
    def _build_part(self) -> None:
        if self._window.closed:
            return
        if self.panel is not None and not self.panel.build_a_part():
            QTimer.singleShot(0, self._build_part)
        elif self.panel is not None and self._window.tabs.currentWidget() is self:
            self._window._show_step(self.panel)


class MainWindow(QMainWindow):
    """mechgui's window.  ``MainWindow()`` works without arguments (tests, embedding)."""

    def __init__(self, settings: QSettings | None = None, lecture: bool | None = None,
                 restore: bool = True) -> None:
        super().__init__()
        exporters.install()
        #: Garbage collected on the GUI thread only, and a short switch interval, while open.
        self._tuning = InterpreterTuning(self)
        #: Bugs (in an engine, in drawing) are logged and shown in a dialog, not a traceback.
        self.errors = errors.ErrorReporter(self)
        errors.use(self.errors)
        #: Whether the window has been closed.
        self.closed = False
        #: Save geometry, tab and lecture mode on close (off for scripted screenshots).
        self.persist = restore
        self.setWindowTitle("mechgui — mechanism-based neural networks")
        self.settings = settings if settings is not None else QSettings("mechgui", "mechgui")
        saved_lecture = _bool(self.settings.value("lecture", False)) if restore else False
        self.theme: Theme = LECTURE if (saved_lecture if lecture is None else lecture) else NORMAL
        apply_ui_font(self.theme)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self._lazy: dict[str, _LazyTab] = {}
        for name, title, target in TABS:
            tab = _LazyTab(target, title, self)
            self._lazy[name] = tab
            self.tabs.addTab(tab, title)
        self.setCentralWidget(self.tabs)
        self.step_status = QLabel()
        self.statusBar().addPermanentWidget(self.step_status)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._build_menus()

        self.resize(1280, 800)
        if restore:
            geometry = self.settings.value("geometry")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
            last = self.settings.value("tab")
            if isinstance(last, str) and last in self._lazy:
                self.tabs.setCurrentWidget(self._lazy[last])
        self.lecture_action.setChecked(self.theme is LECTURE)
        settle_heap()  # the window is built: what lives now lives long

    # -- public ----------------------------------------------------------------------
    def panel(self, name: str | None = None) -> SimulationPanel:
        """The panel of tab ``name`` (the current tab by default), built if needed."""
        if name is None:
            name = self.current_name()
        return self._lazy[name].build()

    def built_panels(self) -> list[SimulationPanel]:
        return [t.panel for t in self._lazy.values() if t.panel is not None]

    def current_name(self) -> str:
        widget = self.tabs.currentWidget()
        return next(n for n, t in self._lazy.items() if t is widget)

    def show_tab(self, name: str) -> SimulationPanel:
        """Show tab ``name`` and return its panel, built whole."""
        self.tabs.setCurrentWidget(self._lazy[name])
        return self.panel(name)

    def _open_tab(self, name: str) -> None:
        """Show tab ``name`` as a click on it does (a first showing builds in steps)."""
        self.tabs.setCurrentWidget(self._lazy[name])

    def set_lecture_mode(self, on: bool) -> None:
        """Lecture mode on or off: the tab shown is restyled now, the others when shown."""
        if self.lecture_action.isChecked() != on:
            self.lecture_action.setChecked(on)  # its toggled signal comes back here
            return
        self.theme = LECTURE if on else NORMAL
        apply_ui_font(self.theme)
        shown = self._lazy[self.current_name()].panel
        for panel in self.built_panels():
            panel.set_theme(self.theme, now=panel is shown)
            sweep_view = getattr(panel, "_sweep_view", None)
            if sweep_view is not None:
                sweep_view.set_theme(self.theme)

    @property
    def lecture_mode(self) -> bool:
        return self.theme is LECTURE

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop every engine thread (cooperatively; never terminate()); True when all have
        finished within ``timeout_ms``.  One that has not (a first load still importing
        its libraries) ends on its own, and the app waits for it before exiting."""
        panels = self.built_panels()
        for panel in panels:
            panel.runner.request_stop()
        return all([panel.shutdown(timeout_ms) for panel in panels])

    # -- menus -------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, checkable: bool = False,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
        (action.toggled if checkable else action.triggered).connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work in full screen, without the menu bar
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "Export plot…", self._export_plot, "Ctrl+E",
                     tip="Save a plot of this tab as PNG, SVG or CSV")
        self._action(file, "Save snapshot as JSON…", self._save_snapshot, "Ctrl+S",
                     tip="The engine's current state, as the CLI's --json prints it")
        self._action(file, "Save window image…", self._save_window_image, "Ctrl+Shift+S")
        file.addSeparator()
        quit_action = self._action(file, "Quit", self.close, "Ctrl+Q")
        # also the platform's own keys, where it has any (the offscreen platform has none)
        quit_action.setShortcuts(list(dict.fromkeys(
            [QKeySequence("Ctrl+Q"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)])))

        run = bar.addMenu("&Run")
        self.play_action = self._action(run, "Play / Pause", self._play, Qt.Key.Key_Space)
        self._action(run, "Step", self._step, Qt.Key.Key_Right)
        self._action(run, "Reset", self._reset, Qt.Key.Key_R)
        run.addSeparator()
        self.sweep_action = self._action(
            run, "Sweep…", lambda _=False: importlib.import_module(
                "mechgui.app.sweep.view").open_sweep_view(self), "Ctrl+Shift+X",
            tip="Vary one or two of this tab's parameters over many runs, in the background")

        view = bar.addMenu("&View")
        self.lecture_action = self._action(view, "Lecture mode", self.set_lecture_mode, "Ctrl+L",
                                           checkable=True,
                                           tip="Large fonts, thick lines, high contrast")
        self._action(view, "Full screen", self._toggle_full_screen, Qt.Key.Key_F11)
        view.addSeparator()
        for i, (name, title, _) in enumerate(TABS):
            self._action(view, title, lambda _=False, n=name: self._open_tab(n),
                         f"Ctrl+{i + 1}" if i < 9 else None)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "Keyboard shortcuts", self._show_shortcuts, "F1")
        self._action(help_menu, "About mechgui", self._about)
        #: Open and save workspaces, the user's presets, a workspace's scenes.
        self.workspaces = Workspaces(self, file, view)

    # -- slots --------------------------------------------------------------------------
    # Space, → and R act at once, even on a tab whose plots are still being built
    @Slot()
    def _play(self) -> None:
        self._lazy[self.current_name()].frame().toggle_play()

    @Slot()
    def _step(self) -> None:
        self._lazy[self.current_name()].frame().step_once()

    @Slot()
    def _reset(self) -> None:
        self._lazy[self.current_name()].frame().reset()

    @Slot()
    def _toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        """A tab shown: its step and badge in the status bar (a tab shown for the first
        time builds in steps, and says so meanwhile)."""
        tab = self._lazy[self.current_name()]
        if tab.panel is not None and tab.panel.built:
            self._show_step(tab.panel)
        else:
            self.step_status.setText(f"{tab._title} · preparing…")

    def _panel_built(self, panel: SimulationPanel) -> None:
        panel.stateChanged.connect(self._step_changed)  # with each frame: step and badge
        self.workspaces.panel_built(panel)  # a workspace's setup waiting for it, if any

    @Slot()
    def _step_changed(self, *_: Any) -> None:
        current = self._lazy[self.current_name()].panel
        if current is not None:
            self._show_step(current)

    def _show_step(self, panel: SimulationPanel) -> None:
        """The status bar repeats the tab's step counter and badge, word for word."""
        step = panel.snapshot["step"] if panel.snapshot is not None else 0
        self.step_status.setText(f"{panel.title} · step {step} · {panel.badge()[1]}")

    @Slot()
    def _export_plot(self) -> None:
        panel = self.panel()
        plots = panel.plots()
        if not plots:
            return
        plot = plots[0]
        scene = plot.scene()
        if scene is not None:
            scene.showExportDialog()

    @Slot()
    def _save_snapshot(self) -> None:
        panel = self.panel()
        if panel.snapshot is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save snapshot", f"{panel.model}.json",
                                              "JSON (*.json)")
        if path:
            data = {"model": panel.model, "params": panel.form.params.to_dict(),
                    "snapshot": to_jsonable(panel.snapshot)}
            self._save(path, json.dumps(data, indent=1))

    @Slot()
    def _save_window_image(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save window image", "mechgui.png",
                                              "PNG (*.png)")
        if path and not self.grab().save(path):
            self._save_failed(f"could not write {path}")

    def _save(self, path: str, text: str) -> bool:
        """Write a file the user chose; a failure says so, and an old file stays as it was."""
        try:
            write_atomically(path, text)
        except SaveError as exc:
            self._save_failed(str(exc))
            return False
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _save_failed(self, reason: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Not saved", f"Nothing was saved: {reason}.",
                          QMessageBox.StandardButton.Close, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal, and the window's event loop goes on
        self.last_warning = box

    @Slot()
    def _show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", (
            "Space\tplay / pause\n→\tone step\nR\treset\nT\tteach step\n"
            "Tab\tnext element of the plot clicked (its formula)\nCtrl+1…5\tswitch tabs\n"
            "Ctrl+L\tlecture mode\nF11\tfull screen\nCtrl+E\texport a plot\n"
            "Ctrl+O\topen a workspace\nPage Down / Up\tits next / previous scene\n"
            "Ctrl+S\tsave the snapshot as JSON\nCtrl+Q\tquit\n\n"
            "Right-click any plot for its own menu (export PNG/SVG/CSV, zoom)."))

    @Slot()
    def _about(self) -> None:
        from mechgui import __version__
        QMessageBox.about(self, "About mechgui", (
            f"<b>mechgui {__version__}</b><br>A visual simulator of the mechanism-based neural "
            "networks of chapter 4: MaxNet, Mexican Hat, Hamming net, Kohonen maps and GANs."))

    # -- life cycle ---------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("tab", self.current_name())
            self.settings.setValue("lecture", self.lecture_mode)
            self.settings.sync()
        self.closed = True  # a tab still being built stops building
        self.hide()  # gone at once, even while an engine finishes its last call
        self.shutdown()
        self._tuning.undo()
        if errors.reporter() is self.errors:
            errors.use(None)
        super().closeEvent(event)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
