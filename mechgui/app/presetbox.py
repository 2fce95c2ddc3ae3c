"""The side bar's preset box: a menu of a tab's presets (and "(custom)") and the chosen
one's description."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from mechgui.engine.presets import Preset

from .widgets import fit_menu

__all__ = ["CUSTOM", "PresetBox"]

CUSTOM = "(custom)"


class PresetBox(QGroupBox):
    """``combo`` lists the presets by title (their CLI names in the tooltips), then CUSTOM;
    ``description`` says what the one shown does."""

    def __init__(self, presets: Mapping[str, Preset], parent: QWidget | None = None) -> None:
        super().__init__("Preset", parent)
        layout = QVBoxLayout(self)
        self.combo = QComboBox()
        self.combo.setObjectName("preset-combo")
        for preset in presets.values():
            self.combo.addItem(preset.title, preset.name)
            self.combo.setItemData(self.combo.count() - 1, f"{preset.title} — {preset.name}",
                                   Qt.ItemDataRole.ToolTipRole)
        self.combo.addItem(CUSTOM, CUSTOM)
        self.combo.setToolTip("Load a worked example or a lecture scenario")
        # a long preset title must not widen the side bar beyond the window
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(16)
        layout.addWidget(self.combo)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("preset-description")
        layout.addWidget(self.description)

    def show_preset(self, name: str, preset: Preset | None) -> None:
        """Show ``name`` chosen (``preset`` its preset, None for CUSTOM), loading nothing."""
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(self.combo.findData(name))
        self.combo.blockSignals(False)
        self.describe(preset)

    def describe(self, preset: Preset | None) -> None:
        self.description.setText(preset.description if preset else
                                 "Your own parameters: edit them below.")

    def fit_menu(self) -> None:
        """The open menu is as wide as its longest title (the closed box may shorten it)."""
        fit_menu(self.combo)
