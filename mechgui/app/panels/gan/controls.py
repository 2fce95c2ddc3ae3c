"""The GAN tab's own controls under the parameter form: the 2-D page's layers, how many
updates one press of Step D / Step G makes, drawing a target, and model files."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import (QCheckBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QSpinBox, QWidget)

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
        updates.addWidget(QLabel("updates per Step D / Step G"))
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

    def set_drawing(self, on: bool) -> None:
        """Show the draw button pressed (``on``) or not, without its signal."""
        self.draw_button.blockSignals(True)
        self.draw_button.setChecked(on)
        self.draw_button.blockSignals(False)
        self.draw_button.setText("Train on drawing" if on else "Draw target")
