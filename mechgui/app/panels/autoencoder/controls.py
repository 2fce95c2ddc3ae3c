"""The Autoencoder tab's own controls under the parameter form: the interpolation's digits,
what the latent plots show, and the MNIST file."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
)

from ..gan.controls import named

__all__ = ["AutoencoderControls"]


class AutoencoderControls(QGroupBox):
    """The widgets; the panel connects them to its commands."""

    def __init__(self) -> None:
        super().__init__("Latent space")
        grid = QGridLayout(self)
        hint = QLabel("Click or drag on the live run's codes to decode that point "
                      "(training pauses).")
        hint.setWordWrap(True)
        grid.addWidget(hint, 0, 0, 1, 4)
        grid.addWidget(QLabel("from"), 1, 0)
        self.from_combo = self._digits("interpolate-from", 3)
        grid.addWidget(self.from_combo, 1, 1)
        grid.addWidget(QLabel("to"), 1, 2)
        self.to_combo = self._digits("interpolate-to", 7)
        grid.addWidget(self.to_combo, 1, 3)
        self.interpolate_button = named(
            QPushButton("Interpolate"), "interpolate",
            "Decode the line between the two digits' mean codes (training pauses)")
        grid.addWidget(self.interpolate_button, 2, 0, 1, 4)
        self.prior_check = named(QCheckBox("N(0, I) samples on the codes"), "show-prior",
                                 "Mark the noise batch whose decoded images are shown as "
                                 "'samples from N(0, I)'")
        self.prior_check.setChecked(True)
        grid.addWidget(self.prior_check, 3, 0, 1, 4)
        self.grid_check = named(QCheckBox("decoder's map behind the codes"), "show-grid",
                                "Draw what the decoder makes of a grid of points behind "
                                "the codes (gaps between clusters decode to something too)")
        grid.addWidget(self.grid_check, 4, 0, 1, 4)
        self.mnist_button = named(QPushButton("MNIST file…"), "choose-mnist",
                                  "Train on MNIST from a file you have (IDX, gzipped or "
                                  "not, or an .npz with x_train and y_train)")
        grid.addWidget(self.mnist_button, 5, 0, 1, 2)
        self.mnist_label = QLabel("")
        self.mnist_label.setObjectName("mnist-file")
        self.mnist_label.setWordWrap(True)
        grid.addWidget(self.mnist_label, 5, 2, 1, 2)

    @staticmethod
    def _digits(name: str, value: int) -> QComboBox:
        combo = named(QComboBox(), name, "A digit: the interpolation runs between the "
                                         "mean codes of two digits")
        combo.addItems([str(d) for d in range(10)])
        combo.setCurrentIndex(value)
        return combo

    def digits(self) -> tuple[int, int]:
        return self.from_combo.currentIndex(), self.to_combo.currentIndex()
