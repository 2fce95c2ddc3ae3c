"""The strip above the GAN tab's pages: Step D, Step G and slow motion with D's and G's update
counts; a banner saying which network the last update trained (from the snapshot's
``last_update`` and ``phase``); and a readout of the last losses, D's accuracy and metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from ...theme import Theme
from .controls import named
from .geometry import number

__all__ = ["TopBar", "banner_text", "readout_text"]

#: Banner colours by what the last update trained (white text on each).
_COLOURS = {"none": "#5A6270", "D": "#0072B2", "G": "#C24E00", "D and G": "#00694D"}


def banner_text(last_update: str, phase: str, pretrained: bool = False) -> tuple[str, str]:
    """The banner's words and colour for the snapshot's ``last_update`` and ``phase``
    (``pretrained``: D was trained alone before step 0, see ``pretrain_d``)."""
    if last_update == "D":
        text = "D trained, G frozen"
        if phase == "D pass done":
            text += " — G's pass next"
    elif last_update == "G":
        text = "G trained, D frozen"
    elif last_update == "D and G":
        text = "D trained (G frozen), then G (D frozen)"
    elif pretrained:
        text = "Start: D pre-trained on the initial G"
    else:
        text = "Start: nothing trained yet"
    return text, _COLOURS.get(last_update, _COLOURS["none"])


def readout_text(snap: Mapping[str, Any]) -> str:
    """The last losses, D's accuracy and the metrics; "–" where there is no value yet."""
    m = snap["metrics"]
    parts = [f"loss D {number(snap['loss_d'])} · G {number(snap['loss_g'])}",
             (f"accuracy {number(snap['accuracy_real'], '.2f')} / "
              f"{number(snap['accuracy_fake'], '.2f')}")]
    if "image_shape" in snap:   # the digits: what the classifier reads in the samples
        # (no line break between a number and its per cent sign)
        parts += [f"digits {m['modes_covered']}/{m['modes_total']}",
                  f"confident {number(m['high_quality'], '.0f')}\u00a0%"]
        if m.get("conditional_accuracy") is not None:
            parts.append(f"asked digit drawn "
                         f"{number(100 * m['conditional_accuracy'], '.0f')}\u00a0%")
        return "  ·  ".join(parts)
    parts.append(f"JS {number(m['js_divergence'])}")
    if m.get("modes_total"):
        parts.append(f"modes {m['modes_covered']}/{m['modes_total']}")
    if "pushforward_w1" in m:
        parts.append(f"W₁(M(G), y) {number(m['pushforward_w1'], '.1f')}")
    if snap["dimension"] == 1 and "generated_mean" in snap:
        parts.append(f"μ {number(snap['generated_mean'], '.2f')} "
                     f"σ {number(snap['generated_std'], '.2f')}")
    return "  ·  ".join(parts)


class TopBar(QWidget):
    """Three rows: the buttons with D's and G's update counts; the banner; the readout."""

    def __init__(self) -> None:
        super().__init__()
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        top = QHBoxLayout()
        self.step_d_button = named(QPushButton("Step D"), "step-d",
                                   "Update the discriminator alone (G frozen)")
        self.step_g_button = named(QPushButton("Step G"), "step-g",
                                   "Update the generator alone (D frozen)")
        self.slow_check = named(QCheckBox("Slow motion (two passes)"), "slow-motion",
                                "Step and Play show pass 1 (train D, G frozen) and pass 2 "
                                "(train G, D frozen) one after the other")
        for w in (self.step_d_button, self.step_g_button, self.slow_check):
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            top.addWidget(w)
        top.addStretch(1)
        self.counts_label = named(QLabel(), "gan-updates",
                                  "How many updates D and G have had since the start (Step D "
                                  "and Step G count too; an iteration makes k of D and one of G)")
        top.addWidget(self.counts_label)
        col.addLayout(top)

        self.phase_label = QLabel()
        self.phase_label.setObjectName("gan-phase")
        self.phase_label.setWordWrap(True)
        col.addWidget(self.phase_label)

        self.readout = named(QLabel(""), "gan-readout",
                             "The last updates' losses; the share of real data and of generated "
                             "samples D classified right; the Jensen–Shannon divergence of the "
                             "samples from the data (digits: how many digits the classifier "
                             "reads in the samples, and the share it reads confidently)")
        # changing numbers must not re-layout the window: the label never asks for room,
        # it is given the lines its text needs (see _fit_readout)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.readout.setWordWrap(True)
        col.addWidget(self.readout)
        self._shown: tuple[str, str] | None = None
        self._size = 12
        self._lines = 0  # the readout's lines
        self.phase_label.setText(banner_text("none", "start")[0])

    def show_state(self, snap: Mapping[str, Any], pretrained: bool = False) -> None:
        """The banner and the counts for ``snap``."""
        text, colour = banner_text(str(snap["last_update"]), str(snap["phase"]), pretrained)
        self.phase_label.setText(text)
        self.counts_label.setText(f"updates: D {snap['d_updates']} · G {snap['g_updates']}")
        if (colour, text) != self._shown:
            self._shown = (colour, text)
            self._paint(colour)

    def show_readout(self, snap: Mapping[str, Any]) -> None:
        text = readout_text(snap)
        if text != self.readout.text():
            self.readout.setText(text)
            self._fit_readout(grow_only=True)

    def _fit_readout(self, grow_only: bool = False) -> None:
        """One line for the readout, or two where its text needs them; while the numbers
        change it only grows (a label that jumped between heights would shake the page)."""
        label = self.readout
        metrics = QFontMetrics(label.font())
        lines = 1 if metrics.horizontalAdvance(label.text()) <= label.width() - 4 else 2
        if lines != self._lines and not (grow_only and lines < self._lines):
            self._lines = lines
            label.setFixedHeight(lines * metrics.lineSpacing() + 4)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_readout()

    def _paint(self, colour: str) -> None:
        self.phase_label.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border-radius: 5px; "
            f"padding: 3px 10px; font-weight: bold; font-size: {self._size}pt; }}")

    def restyle(self, theme: Theme) -> None:
        font = self.readout.font()
        font.setPointSize(theme.font_size)
        self.readout.setFont(font)
        self._lines = 0
        self._fit_readout()
        font = self.counts_label.font()
        font.setPointSize(theme.font_size)
        font.setBold(True)
        self.counts_label.setFont(font)
        self._size = theme.title_size + 1
        self._paint(self._shown[0] if self._shown else _COLOURS["none"])
