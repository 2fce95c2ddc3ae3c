"""Workspaces in the window: File ▸ Open workspace…, Save workspace as…, Recent workspaces,
a file dropped on the window, and the scenes of a lecture's workspace (View ▸ Next scene).

Reading happens off the GUI thread (a big file takes seconds to parse).  What a file holds
is applied to the tabs already built at once; a tab not yet built keeps its setup pending
and takes it when it is built (opening a workspace builds no tab), its view choices when
its plots are.  A setup with a step is replayed to it at full speed, then the tab's speed
is its own again.  Everything refused is said in one message.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from mechgui.engine import params_class, presets
from mechgui.files import SaveError
from mechgui.workspace import (
    Opened,
    Scene,
    TabSetup,
    Workspace,
    WorkspaceError,
    networks_name,
    read_workspace,
    save_workspace,
    setup_from_preset,
    userpresets,
)
from mechgui.workspace.replay import networks_path, save_networks

from .filetasks import FileReader
from .panel import CUSTOM, SimulationPanel
from .runner import MAX_SPEED, Failure
from .tabs import tab_names

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["MAX_LINES_SHOWN", "MAX_RECENT", "Workspaces"]

#: Workspaces the File menu remembers.
MAX_RECENT = 8
#: Refusals listed in the message at most (the rest are counted).
MAX_LINES_SHOWN = 20
FILTER = "mechgui workspace (*.toml);;All files (*)"


class _Replay(QObject):
    """Runs a tab to a workspace's step at full speed, then gives it back its own speed
    (once the run has stopped there, or was paused on the way).  Only what follows the
    setup's loading counts (frames of the run before it may still be on their way)."""

    def __init__(self, panel: SimulationPanel, steps: int, speed: float,
                 parent: QObject) -> None:
        super().__init__(parent)
        self.panel = panel
        self.steps = steps
        #: The tab's own speed, given back at the end; whether the replay still runs.
        self.speed = speed
        self.active = True
        self._loaded = self._played = False
        panel.runner.paramsApplied.connect(self._applied)
        panel.runner.playingChanged.connect(self._playing)
        panel.stateChanged.connect(self._check)
        panel.set_speed(MAX_SPEED)
        panel.run_steps(steps)

    @Slot(object)
    def _applied(self, _: Any) -> None:
        self._loaded = True

    @Slot(bool)
    def _playing(self, playing: bool) -> None:
        if self._loaded and playing:
            self._played = True
        elif self._played:
            self.finish(restore=True)

    @Slot()
    def _check(self) -> None:
        """A setup done at its start never plays: it has nothing to replay."""
        snap = self.panel.snapshot
        if self._loaded and not self._played and snap is not None and snap["done"] \
                and snap["step"] == 0 and not self.panel.runner.playing:
            self.finish(restore=True)

    def finish(self, restore: bool) -> None:
        if not self.active:
            return
        self.active = False
        self.panel.runner.paramsApplied.disconnect(self._applied)
        self.panel.runner.playingChanged.disconnect(self._playing)
        self.panel.stateChanged.disconnect(self._check)
        if restore:
            self.panel.set_speed(self.speed)


class Workspaces(QObject):
    """The window's workspaces (see the module's text); :attr:`opened` and :attr:`saved`
    say when a file has been applied or written."""

    opened = Signal(object)  # the Opened applied
    saved = Signal(object)  # the Path written

    def __init__(self, window: MainWindow, file_menu: QMenu, view_menu: QMenu) -> None:
        super().__init__(window)
        self._window = window
        self._pending: dict[str, tuple[TabSetup, Path]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._replays: dict[str, _Replay] = {}
        self._steps: dict[str, int] = {}
        self.scenes: tuple[Scene, ...] = ()
        self.scene = 0
        #: The last message shown (for tests), and the last file opened or saved.
        self.last_message: QMessageBox | None = None
        self.current: Path | None = None
        self._reader = FileReader(self)
        self._reader.returned.connect(self._read)
        self._reader.failed.connect(self._unreadable)
        if not os.environ.get(userpresets.ENVIRONMENT):
            userpresets.use_folder(QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.AppDataLocation))
        self._build_menus(file_menu, view_menu)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    # -- menus ------------------------------------------------------------------------------
    def _build_menus(self, file_menu: QMenu, view_menu: QMenu) -> None:
        first = file_menu.actions()[0] if file_menu.actions() else None
        window = self._window

        def add(text: str, slot: Any, keys: Any = None, tip: str = "",
                menu: QMenu = file_menu) -> QAction:
            action = QAction(text, window)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            window.addAction(action)
            if menu is file_menu:
                file_menu.insertAction(first, action)
            else:
                menu.addAction(action)
            return action

        self.open_action = add("Open workspace…", self.choose_and_open, "Ctrl+O",
                               "Open a saved setup of every tab")
        self.recent_menu = QMenu("Recent workspaces", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.insertMenu(first, self.recent_menu)
        self.save_action = add("Save workspace as…", self.choose_and_save, "Ctrl+Shift+W",
                               "Save every tab's setup, the tab shown and lecture mode")
        self.networks_action = add("Keep the GAN's trained networks in workspaces",
                                   self._networks_toggled,
                                   tip="Save the GAN's networks beside the workspace (NAME.gan.pt)")
        self.networks_action.setCheckable(True)
        self.networks_action.setChecked(_bool(window.settings.value("workspaceNetworks", False)))
        file_menu.insertSeparator(first)
        from .userpresets import PresetActions  # the user's presets, in the same menu

        self.presets = PresetActions(window, add)
        file_menu.insertSeparator(first)
        view_menu.addSeparator()
        self.next_action = add("Next scene", self.next_scene, Qt.Key.Key_PageDown,
                               "The workspace's next demonstration", menu=view_menu)
        self.previous_action = add("Previous scene", self.previous_scene, Qt.Key.Key_PageUp,
                                   menu=view_menu)
        self._show_scene_actions()

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent()
        for path in paths:
            action = menu.addAction(Path(path).name)
            action.setStatusTip(path)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        if not paths:
            menu.addAction("(none yet)").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear the list").triggered.connect(self._clear_recent)

    def recent(self) -> list[str]:
        """The workspaces opened or saved last, the newest first."""
        value = self._window.settings.value("recentWorkspaces", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [p for p in items if isinstance(p, str) and p][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        text = str(path.resolve())
        items = [text] + [p for p in self.recent() if p != text]
        self._window.settings.setValue("recentWorkspaces", items[:MAX_RECENT])

    @Slot()
    def _clear_recent(self) -> None:
        self._window.settings.setValue("recentWorkspaces", [])

    @Slot(bool)
    def _networks_toggled(self, on: bool) -> None:
        self._window.settings.setValue("workspaceNetworks", on)

    # -- opening -----------------------------------------------------------------------------
    @Slot()
    def choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, "Open workspace", "", FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str | os.PathLike) -> None:
        """Read ``path`` off the GUI thread, then apply it (:attr:`opened`) or say why not."""
        self._window.statusBar().showMessage(f"Opening {Path(path).name} …")
        self._reader.start(read_workspace, os.fspath(path))

    @Slot(object)
    def _read(self, opened: Opened) -> None:
        self.apply(opened)

    @Slot(object)
    def _unreadable(self, error: BaseException) -> None:
        why = str(error) if isinstance(error, (WorkspaceError, OSError)) else \
            f"{type(error).__name__}: {error}"
        self._window.statusBar().clearMessage()
        self.tell("Nothing opened", f"Nothing was opened: {why}", [])

    def apply(self, opened: Opened) -> None:
        """Apply a workspace read: every tab it has a setup for, lecture mode, the tab (or
        scene) shown; then one message with whatever was refused."""
        workspace, window = opened.workspace, self._window
        lines = [str(r) for r in opened.refused]
        for model in workspace.models():
            setup = workspace.setup_for(model)
            assert setup is not None
            if setup.networks is not None and not networks_path(opened.folder,
                                                                setup.networks).is_file():
                lines.append(f"tabs.{model}: the networks file {setup.networks} is not beside "
                             "the workspace: the run is replayed from its start instead")
                setup = _without_networks(setup)
            self._use(setup, opened.folder)
        if workspace.lecture is not None:
            window.set_lecture_mode(workspace.lecture)
        self.current = opened.path
        self.scenes, self.scene = workspace.scenes, workspace.scene or 0
        self._show_scene_actions()
        if workspace.active_tab is not None:
            self._show_tab(workspace.active_tab)
        elif self.scenes:  # the first scene (its tab has its setup already, if its own)
            first = self.scenes[0].setup
            self.go_to_scene(1, use=workspace.setup_for(first.model) is not first)
        self._remember(opened.path)
        window.statusBar().showMessage(f"Opened {opened.path.name}", 8000)
        if lines:
            self.tell("Workspace opened in part",
                      f"Opened {opened.path.name}, except what follows.  A value refused "
                      "gives way to its preset's or its default; a tab refused is left as "
                      "it was.", lines)
        self.opened.emit(opened)

    def _use(self, setup: TabSetup, folder: Path) -> None:
        """Apply ``setup`` to its tab now, or when the tab is built."""
        panel = self._built(setup.model)
        if panel is None:
            self._pending[setup.model] = (setup, folder)
        else:
            self._apply(panel, setup, folder)

    def panel_built(self, panel: SimulationPanel) -> None:
        """A tab was built (its frame): its pending setup, the user's presets."""
        panel.plotsBuilt.connect(self._plots_built)
        self.presets.add_to(panel)
        pending = self._pending.pop(panel.model, None)
        if pending is not None:
            self._apply(panel, *pending)

    def _apply(self, panel: SimulationPanel, setup: TabSetup, folder: Path) -> None:
        old = self._replays.pop(panel.model, None)
        if old is not None:
            old.finish(restore=False)
        shown = panel.presets.get(setup.preset or "")
        same = shown is not None and not panel.Params.from_mapping(shown.params).changed(
            setup.params)
        panel.load_params(setup.params, setup.seed, preset=setup.preset if same else CUSTOM)
        speed = panel.transport.speed if setup.speed is None else setup.speed
        panel.set_speed(speed)
        self._steps[panel.model] = setup.steps or 0
        if setup.networks is not None:
            panel.load_model(networks_path(folder, setup.networks))  # the GAN tab
        elif setup.steps:
            self._replays[panel.model] = _Replay(panel, setup.steps, speed, self)
        if setup.view:
            self._views[panel.model] = dict(setup.view)
            if panel.built:
                self._plots_built(panel)

    @Slot()
    def _plots_built(self, panel: SimulationPanel | None = None) -> None:
        panel = panel if panel is not None else self.sender()
        view = self._views.pop(panel.model, None)
        if view:
            panel.load_view_state(view)

    def steps_of(self, model: str) -> int:
        """The step the last workspace runs ``model``'s tab to (0: none)."""
        return self._steps.get(model, 0)

    def _built(self, model: str) -> SimulationPanel | None:
        return next((p for p in self._window.built_panels() if p.model == model), None)

    def _show_tab(self, model: str) -> None:
        self._window.tabs.setCurrentIndex(tab_names().index(model))  # as a click on it

    # -- scenes ------------------------------------------------------------------------------
    def _show_scene_actions(self) -> None:
        self.next_action.setEnabled(self.scene < len(self.scenes))
        self.previous_action.setEnabled(self.scene > 1)

    @Slot()
    def next_scene(self) -> None:
        if self.scene < len(self.scenes):
            self.go_to_scene(self.scene + 1)

    @Slot()
    def previous_scene(self) -> None:
        if self.scene > 1:
            self.go_to_scene(self.scene - 1)

    def go_to_scene(self, number: int, use: bool = True) -> None:
        """Show scene ``number`` (1 = the first): its setup in its tab (``use``)."""
        scene = self.scenes[number - 1]
        self.scene = number
        folder = self.current.parent if self.current is not None else Path()
        if use:
            self._use(scene.setup, folder)
        self._show_tab(scene.setup.model)
        self._show_scene_actions()
        title = scene.title or scene.setup.preset or scene.setup.model
        self._window.statusBar().showMessage(
            f"Scene {number} of {len(self.scenes)}: {title}", 8000)

    # -- saving ------------------------------------------------------------------------------
    @Slot()
    def choose_and_save(self) -> None:
        start = str(self.current) if self.current is not None else "workspace.toml"
        path, _ = QFileDialog.getSaveFileName(self._window, "Save workspace", start, FILTER)
        if path:
            self.save_to(path)

    def save_to(self, path: str | os.PathLike) -> None:
        """Write the window's workspace to ``path`` (the GAN's networks first, beside it, if
        the File menu says to keep them); :attr:`saved` once written, a message if not."""
        target = Path(path)
        workspace = self.current_workspace(target.parent)
        gan = self._built("gan")
        if not (self.networks_action.isChecked() and gan is not None
                and gan.snapshot is not None and gan.snapshot["step"] > 0):
            self._write(target, workspace)
            return
        name = networks_name(target)

        def written(_: Any) -> None:
            setup = workspace.tabs["gan"]
            self._write(target, workspace.with_tab(replace(setup, networks=name)))

        def failed(failure: Failure) -> None:
            self.tell("Not saved", f"Nothing was saved: {failure}", [])

        gan.call_engine(save_networks, os.fspath(networks_path(target.parent, name)),
                        on_return=written, on_error=failed)

    def _write(self, path: Path, workspace: Workspace) -> None:
        try:
            save_workspace(path, workspace)
        except SaveError as exc:
            self.tell("Not saved", f"Nothing was saved: {exc}.", [])
            return
        self.current = path
        self._remember(path)
        self._window.statusBar().showMessage(f"Saved {path.name}", 5000)
        self.saved.emit(path)

    def current_workspace(self, folder: Path | None = None) -> Workspace:
        """Every tab's setup as it stands (``folder``: where the workspace goes; a pending
        setup's networks elsewhere are left out, its step replayed instead)."""
        tabs = {name: self._setup_of(name, folder) for name in tab_names()}
        return Workspace(tabs=tabs, active_tab=self._window.current_name(),
                         lecture=self._window.lecture_mode, scenes=self.scenes,
                         scene=self.scene or None)

    def _setup_of(self, model: str, folder: Path | None) -> TabSetup:
        panel = self._built(model)
        if panel is None:
            if model in self._pending:
                setup, where = self._pending[model]
                same = folder is not None and where.resolve() == folder.resolve()
                return setup if same or setup.networks is None else _without_networks(setup)
            first = next(iter(presets(model)), None)
            return setup_from_preset(model, first) if first else \
                TabSetup(model, params_class(model)())
        step = int(panel.snapshot["step"]) if panel.snapshot is not None else 0
        preset = panel.preset_name if panel.preset_name != CUSTOM else None
        replay = self._replays.get(model)
        speed = replay.speed if replay is not None and replay.active else panel.transport.speed
        return TabSetup(model, panel.form.params, preset=preset, seed=panel.seed, speed=speed,
                        steps=step or None, view=panel.view_state())

    # -- messages and drops ------------------------------------------------------------------
    def tell(self, title: str, text: str, lines: list[str]) -> None:
        """One message (window-modal; the window's event loop goes on)."""
        icon = QMessageBox.Icon.Warning
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Close, self._window)
        box.setObjectName("workspace-message")
        if lines:
            shown = lines[:MAX_LINES_SHOWN]
            more = len(lines) - len(shown)
            box.setInformativeText("\n".join(f"• {line}" for line in shown) +
                                   (f"\n… and {more} more" if more else ""))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            files = _local_files(event)
            if files:
                event.acceptProposedAction()
                if kind == QEvent.Type.Drop:
                    self.open_file(files[0])
                return True
        return False

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        return self._reader.shutdown(timeout_ms)


def _local_files(event: Any) -> list[str]:
    data = event.mimeData()
    if data is None or not data.hasUrls():
        return []
    return [url.toLocalFile() for url in data.urls() if url.isLocalFile()]


def _without_networks(setup: TabSetup) -> TabSetup:
    return replace(setup, networks=None)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
