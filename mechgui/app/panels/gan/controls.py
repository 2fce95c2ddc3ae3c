"""The GAN tab's own controls under the parameter form: the 2-D page's layers, how many
updates one press of Step D / Step G makes, drawing a target, the digit the conditional
GAN's grid draws, and model files."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QSpinBox, QWidget)

from mechgui.engine import ParamSet
from mechgui.engine.digits import CLASSES
from mechgui.engine.gan.params import IMAGE_DATASETS

from .plane import LAYERS

__all__ = ["GANControls", "named"]

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tip: str) -> W:
    """``widget`` with its object name (tests and style sheets find it) and tooltip."""
    widget.setObjectName(name)
    widget.setToolTip(tip)
    return widget


class GANControls(QGroupBox):
    """The widgets; the panel connects them to its commands."""

    def __init__(self) -> None:
        super().__init__("Training and view")
        grid = QGridLayout(self)
        grid.addWidget(QLabel("Layers of the 2-D view:"), 0, 0, 1, 2)
        #: The layers' check boxes by key (see :data:`~.plane.LAYERS`).
        self.layer_checks: dict[str, QCheckBox] = {}
        for i, (key, text) in enumerate(LAYERS):
            check = QCheckBox(text)
            check.setObjectName(f"layer-{key}")
            check.setChecked(True)
            grid.addWidget(check, 1 + i // 2, i % 2)
            self.layer_checks[key] = check
        row = 1 + (len(LAYERS) + 1) // 2

        updates = QHBoxLayout()
        updates_label = QLabel("updates per Step D / Step G")
        updates_label.setWordWrap(True)  # the side panel's width decides, not the text
        updates.addWidget(updates_label, 1)
        self.updates_spin = named(QSpinBox(), "updates-per-press",
                                  "How many updates one press of Step D / Step G makes")
        self.updates_spin.setRange(1, 1000)
        self.updates_spin.setValue(10)
        updates.addWidget(self.updates_spin)
        grid.addLayout(updates, row, 0, 1, 2)

        self.draw_button = named(QPushButton("Draw target"), "draw-target",
                                 "Draw the target distribution with the mouse; press again "
                                 "to train on it")
        self.draw_button.setCheckable(True)
        self.clear_drawing_button = named(QPushButton("Clear drawing"), "clear-drawing",
                                          "Remove the points drawn so far")
        grid.addWidget(self.draw_button, row + 1, 0)
        grid.addWidget(self.clear_drawing_button, row + 1, 1)

        self.save_button = named(QPushButton("Save model…"), "save-model",
                                 "Save the networks, optimisers and parameters")
        self.load_button = named(QPushButton("Load model…"), "load-model",
                                 "Load a saved model and its parameters (nothing in the "
                                 "file is ever run)")
        grid.addWidget(self.save_button, row + 2, 0)
        grid.addWidget(self.load_button, row + 2, 1)

        digit = QHBoxLayout()
        self.digit_label = QLabel("Digit the grid draws")
        self.digit_label.setWordWrap(True)
        digit.addWidget(self.digit_label, 1)
        self.digit_combo = named(QComboBox(), "grid-digit",
                                 "The conditional GAN's sample grid: a row per digit, or one "
                                 "digit in every cell (G is given that label)")
        self.digit_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.digit_combo.setMinimumContentsLength(10)
        self.digit_combo.addItem("every digit, a row each", None)
        for c in range(CLASSES):
            self.digit_combo.addItem(str(c), c)
        digit.addWidget(self.digit_combo, 1)
        grid.addLayout(digit, row + 3, 0, 1, 2)
        #: The widgets of the 2-D and 1-D pages (they do nothing for images).
        self.plane_widgets: list[QWidget] = [*self.layer_checks.values(), self.draw_button,
                                             self.clear_drawing_button]

    def show_params(self, params: ParamSet) -> None:
        """The digit chooser for ``params`` (enabled for the conditional GAN on the digits);
        the plane's widgets disabled for images."""
        conditional = params.applies("digit")
        self.digit_combo.setEnabled(conditional)
        self.digit_label.setEnabled(conditional)
        index = self.digit_combo.findData(params.digit) if params.digit is not None else 0
        if self.digit_combo.currentIndex() != index:
            self.digit_combo.blockSignals(True)
            self.digit_combo.setCurrentIndex(index)
            self.digit_combo.blockSignals(False)
        images = params.dataset in IMAGE_DATASETS
        for widget in self.plane_widgets:
            widget.setEnabled(not images)

    def set_drawing(self, on: bool) -> None:
        """Show the draw button pressed (``on``) or not, without its signal."""
        self.draw_button.blockSignals(True)
        self.draw_button.setChecked(on)
        self.draw_button.blockSignals(False)
        self.draw_button.setText("Train on drawing" if on else "Draw target")
