"""The user's own presets in the window: File ▸ Save tab as preset… keeps the tab's setup
under a title, in its preset menu from then on (and for ``mechgui run --preset``); File ▸
Export preset as workspace… writes any preset of the tab as a workspace file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog

from mechgui.engine import ParameterError, Preset
from mechgui.files import SaveError
from mechgui.workspace import Workspace, save_workspace, setup_from_preset, userpresets

from .panel import SimulationPanel

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["YOURS", "PresetActions"]

#: After the title of a user's preset in the menu.
YOURS = " (yours)"


class PresetActions(QObject):
    """The two File menu entries, and the user's presets in each tab's preset menu."""

    def __init__(self, window: MainWindow, add: Callable[..., Any]) -> None:
        super().__init__(window)
        self._window = window
        self.save_action = add("Save tab as preset…", self.choose_and_save_preset,
                               tip="Keep this tab's parameters, seed and speed under a title "
                                   "of your own, in its preset menu")
        self.export_action = add("Export preset as workspace…", self.choose_and_export,
                                 tip="Write one of this tab's presets as a workspace file")

    # -- the preset menus ------------------------------------------------------------------
    def add_to(self, panel: SimulationPanel) -> None:
        """Put the user's presets of ``panel``'s model in its preset menu (once built)."""
        found, problems = userpresets.user_presets(panel.model)
        for preset in found.values():
            self._show(panel, preset)
        if problems:
            panel.show_message("; ".join(problems), error=True)

    def _show(self, panel: SimulationPanel, preset: Preset) -> None:
        combo = panel.preset_combo
        index = combo.findData(preset.name)
        if index < 0:
            index = combo.count() - 1  # before "(custom)"
            combo.insertItem(index, preset.title + YOURS, preset.name)
        else:
            combo.setItemText(index, preset.title + YOURS)
        combo.setItemData(index, f"Your preset — {preset.name}",
                          Qt.ItemDataRole.ToolTipRole)
        panel.presets[preset.name] = preset

    # -- saving one ---------------------------------------------------------------------------
    @Slot()
    def choose_and_save_preset(self) -> None:
        panel = self._window.panel()
        title, ok = QInputDialog.getText(self._window, "Save tab as preset",
                                         f"A title for this setup of the {panel.title} tab:")
        if ok and title.strip():
            self.save_preset(panel, title)

    def save_preset(self, panel: SimulationPanel, title: str) -> Preset | None:
        """Save ``panel``'s setup as the user's preset ``title``, shown in its menu."""
        try:
            preset = userpresets.save_user_preset(
                panel.model, title, panel.form.params, seed=panel.seed,
                speed=panel.transport.speed,
                description=f"Your own setup of the {panel.title} tab.")
        except (ParameterError, SaveError) as exc:
            panel.show_message(f"The preset was not saved: {exc}", error=True)
            return None
        self._show(panel, preset)
        panel._show_preset(preset.name)  # chosen in the menu, nothing reloaded
        self._window.statusBar().showMessage(
            f"Saved your preset “{preset.title}” ({preset.name}) in "
            f"{userpresets.presets_folder()}", 8000)
        return preset

    # -- exporting one ------------------------------------------------------------------------
    @Slot()
    def choose_and_export(self) -> None:
        panel = self._window.panel()
        names = list(panel.presets)
        titles = [panel.preset_combo.itemText(panel.preset_combo.findData(n)) for n in names]
        if not names:
            return
        current = names.index(panel.preset_name) if panel.preset_name in names else 0
        title, ok = QInputDialog.getItem(self._window, "Export preset as workspace",
                                         f"Preset of the {panel.title} tab:", titles, current,
                                         False)
        if not ok or title not in titles:
            return
        name = names[titles.index(title)]
        path, _ = QFileDialog.getSaveFileName(self._window, "Export preset as workspace",
                                              f"{name}.toml",
                                              "mechgui workspace (*.toml);;All files (*)")
        if path:
            self.export(panel.model, name, path)

    def export(self, model: str, name: str, path: str) -> bool:
        """Write preset ``name`` of ``model`` as a workspace at ``path``."""
        try:
            save_workspace(path, Workspace(tabs={model: setup_from_preset(model, name)},
                                           active_tab=model))
        except (SaveError, ParameterError) as exc:
            self._window.workspaces.tell("Not saved", f"Nothing was saved: {exc}.", [])
            return False
        self._window.statusBar().showMessage(f"Exported {name} to {Path(path).name}", 5000)
        return True
