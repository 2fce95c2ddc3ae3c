"""The ART1 tab: binary patterns finding (or founding) their categories.

Each category's prototype (its top-down weights t_J) as a tile with the inputs it holds,
the current input s, the search of this presentation (the units tried in order, their match
ratios |s ∧ t_J| / |s| against the vigilance ρ, the resets, the unit that learns) and the
number of categories against ρ (computed for every ρ when the inputs change), with a slider
over ρ in the side panel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParamSet

from ..panel import SimulationPanel
from ..theme import Theme
from ..widgets import set_stretch
from .art1_explain import ART1Explanation
from .competitive import (
    TileView,
    bars,
    frame_pens,
    info_label,
    set_bars,
    style_curve,
    style_texts,
    wrap_names,
)

__all__ = ["ART1Panel"]

#: Tried units up to which each bar of the search carries its match ratio.
MAX_RATIO_LABELS = 12
#: Match ratios from which a bar's label is written inside it (white), not above.
INSIDE_LABEL = 0.25
#: Positions of the vigilance slider (ρ = position / SLIDER_STEPS).
SLIDER_STEPS = 100


class ART1Panel(SimulationPanel):
    """Category prototypes, the input, the search and categories against ρ."""

    model = "art1"
    default_speed = 2
    hidden_params = ("inputs",)

    def init_state(self) -> None:
        self._inputs: np.ndarray | None = None  # the snapshot's inputs shown (new on a reset)
        self._ratio_labels: list[pg.TextItem] = []
        self._key: tuple | None = None  # (inputs, units) the tiles are laid out for

    # -- view ------------------------------------------------------------------------
    def build_view(self) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        self.graphics = pg.GraphicsLayoutWidget()
        col.addWidget(self.graphics, 1)
        self.info = info_label("art1-info")
        col.addWidget(self.info)
        top = self.graphics.addLayout(row=0, col=0)
        bottom = self.graphics.addLayout(row=1, col=0)
        self.categories = TileView(self, "Categories: prototypes t<sub>J</sub> and their inputs",
                                   ("winner", "reset"))
        top.addItem(self.categories.plot, row=0, col=0)
        self.input_tile = TileView(self, "Input s")
        top.addItem(self.input_tile.plot, row=0, col=1)
        top.layout.setColumnStretchFactor(0, 4)
        top.layout.setColumnStretchFactor(1, 1)
        self.search_plot = self.add_plot(None, "Search", left="|s ∧ t<sub>J</sub>| / |s|",
                                         bottom="unit tried")
        bottom.addItem(self.search_plot, row=0, col=0)
        self.search_plot.setMouseEnabled(x=False, y=False)
        self.search_plot.setYRange(0, 1.12, padding=0)
        self.search_bars = bars(self.search_plot)
        self.rho_line = pg.InfiniteLine(angle=0, movable=False)
        self.search_plot.addItem(self.rho_line, ignoreBounds=True)
        self.search_plot.showAxis("right")  # ρ named on it, where no bar can hide it
        self.sweep_plot = self.add_plot(None, "Categories against ρ", left="categories",
                                        bottom="vigilance ρ")
        bottom.addItem(self.sweep_plot, row=0, col=1)
        bottom.layout.setColumnStretchFactor(0, 3)
        bottom.layout.setColumnStretchFactor(1, 2)
        self.sweep_plot.setMouseEnabled(x=False, y=False)
        self.sweep_curve = pg.PlotDataItem(symbol="o")
        self.sweep_now = pg.ScatterPlotItem(symbol="o")
        self.sweep_line = pg.InfiniteLine(angle=90, movable=False)
        for item in (self.sweep_curve, self.sweep_line, self.sweep_now):
            self.sweep_plot.addItem(item)
        self.sweep_plot.setXRange(0, 1, padding=0.04)
        set_stretch(self.graphics, rows=(3, 2))
        self.explain = ART1Explanation(self).explain  # read-outs under the mouse
        return holder

    def build_controls(self) -> QWidget:
        box = QGroupBox("Vigilance")
        col = QVBoxLayout(box)
        row = QHBoxLayout()
        self.vigilance_slider = QSlider(Qt.Orientation.Horizontal)
        self.vigilance_slider.setObjectName("vigilance-slider")
        self.vigilance_slider.setRange(1, SLIDER_STEPS)
        self.vigilance_slider.setPageStep(5)
        self.vigilance_slider.setToolTip("ρ: drag (or ↑ ↓, Page Up/Down) to retrain with "
                                         "another vigilance")
        self.vigilance_value = QLabel()
        self.vigilance_value.setMinimumWidth(70)
        row.addWidget(self.vigilance_slider, 1)
        row.addWidget(self.vigilance_value)
        col.addLayout(row)
        hint = QLabel("Higher ρ: an input must match a prototype more closely, so there are "
                      "more categories. The curve on the right shows how many for every ρ.")
        hint.setWordWrap(True)
        col.addWidget(hint)
        self.vigilance_slider.valueChanged.connect(self._slider_moved)
        self.vigilance_slider.sliderReleased.connect(self._slider_released)
        return box

    # -- the slider ----------------------------------------------------------------------
    @Slot(int)
    def _slider_moved(self, position: int) -> None:
        self.vigilance_value.setText(f"ρ = {position / SLIDER_STEPS:.2f}")
        if not self.vigilance_slider.isSliderDown():  # keys, clicks on the groove
            self.set_vigilance(position / SLIDER_STEPS)

    @Slot()
    def _slider_released(self) -> None:
        self.set_vigilance(self.vigilance_slider.value() / SLIDER_STEPS)

    def set_vigilance(self, rho: float) -> bool:
        """Retrain with vigilance ``rho`` (the form's field follows)."""
        if abs(rho - self.form.params.vigilance) < 1e-12:
            return True
        return self.submit_params(vigilance=rho)

    def on_params(self, params: ParamSet) -> None:
        position = round(params.vigilance * SLIDER_STEPS)
        self.vigilance_slider.blockSignals(True)
        self.vigilance_slider.setValue(max(1, position))
        self.vigilance_slider.blockSignals(False)
        self.vigilance_value.setText(f"ρ = {params.vigilance:.2f}")

    # -- what the snapshot brings --------------------------------------------------------
    def _follow(self, snap: Mapping[str, Any]) -> None:
        inputs = snap["inputs"]
        m = len(snap["committed"])
        key = (id(inputs), m, max(1, int(snap["categories"])))
        if inputs is self._inputs and key == self._key:
            return
        self._inputs, self._key = inputs, key
        self._layout_tiles(snap)
        sweep = snap["sweep_vigilance"]
        if sweep is not None:
            self.sweep_curve.setData(sweep, snap["sweep_categories"])
            top = float(np.max(snap["sweep_categories"]))
        else:
            self.sweep_curve.setData([], [])
            top = float(min(m, len(inputs)))
        self.sweep_plot.setYRange(0, max(top, 1.0) * 1.08, padding=0)

    def _layout_tiles(self, snap: Mapping[str, Any]) -> None:
        inputs = snap["inputs"]
        # room for the categories there are: the tiles grow when there are few
        capacity = max(1, int(snap["categories"]))
        lines = self.categories.label_lines_for(3)  # the unit, then the inputs it holds
        self.categories.set_layout(capacity, inputs.shape[1], label_lines=lines,
                                   columns=7 if capacity == 21 else None)
        self.input_tile.set_layout(1, inputs.shape[1])

    # -- rendering ----------------------------------------------------------------------
    def render(self, snap: Mapping[str, Any]) -> None:
        self._follow(snap)
        labels = snap["labels"]
        units = np.flatnonzero(np.asarray(snap["committed"]))
        assigned = np.asarray(snap["assigned"])
        per_line = self.categories.names_per_line(labels[0] if labels else "A1")
        strips = self.categories.strips
        texts = []
        for j in units:
            held = [labels[i] for i in np.flatnonzero(assigned == j)]
            texts.append(f"{j + 1}: " + " ".join(held) if strips else
                         f"{j + 1}\n" + wrap_names(held, per_line,
                                                   self.categories.label_lines - 1))
        self.categories.show(np.asarray(snap["top_down"])[units], texts)
        where = {int(u): k for k, u in enumerate(units)}
        category = snap["category"]
        tried = [int(u) for u in snap["tried"]]
        resets = [where[u] for u, r in zip(tried, snap["tried_reset"]) if r and u in where]
        self.categories.frame("winner", [where[category]] if category in where else [])
        self.categories.frame("reset", resets)
        self._draw_input(snap)
        self._draw_search(snap, tried)
        rho = float(snap["vigilance"])
        self.sweep_line.setValue(rho)
        self.sweep_now.setData([rho], [snap["categories"]])
        self.set_title(self.sweep_plot, f"{snap['categories']} categories")
        i = snap["input_index"]
        epoch = snap["step_epoch"] or 1
        text = (f"epoch {epoch} · ρ = {rho:g} · {snap['categories']} categories of at most "
                f"{len(snap['committed'])} · inputs that changed a weight this epoch: "
                f"{snap['changed_this_epoch']}")
        if i is not None:
            text = f"s = {labels[i]}: {self._search_words(snap, tried)} · " + text
        if text != self.info.text():
            self.info.setText(text)

    def _draw_input(self, snap: Mapping[str, Any]) -> None:
        i = snap["input_index"]
        if i is None:
            self.input_tile.show(np.empty((0, snap["inputs"].shape[1])))
            self.set_title(self.input_tile.plot, "Input s")
            return
        s = np.asarray(snap["input"])
        self.input_tile.show(s[None, :])
        self.set_title(self.input_tile.plot, f"s = {snap['labels'][i]}, |s| = {int(s.sum())}")

    def _draw_search(self, snap: Mapping[str, Any], tried: list[int]) -> None:
        ratios = np.asarray(snap["tried_match"], dtype=float)
        resets = np.asarray(snap["tried_reset"], dtype=bool)
        k = len(tried)
        set_bars(self.search_bars, ratios,
                 [self.theme.brush("warning" if r else "accent", 0.85) for r in resets])
        self.search_plot.setXRange(0.4, max(k, 3) + 0.6, padding=0)
        lecture = self.theme.name == "lecture"
        every = max(1, -(-k // (6 if lecture else 12)))
        self.search_plot.getAxis("bottom").setTicks(
            [[(n + 1, f"J={u + 1}") for n, u in enumerate(tried) if n % every == 0]])
        while len(self._ratio_labels) < min(k, MAX_RATIO_LABELS):
            label = pg.TextItem(anchor=(0.5, 0))
            self.search_plot.addItem(label)
            self._ratio_labels.append(label)
            style_texts([label], self.theme, bold=True)
        for n, label in enumerate(self._ratio_labels):
            if n < k:
                # inside its bar, under the top (clear of the ρ line); above a short bar
                inside = ratios[n] >= INSIDE_LABEL
                label.setAnchor((0.5, 0.0 if inside else 1.0))
                label.setColor("#FFFFFF" if inside else self.theme.foreground)
                label.setText(f"{ratios[n]:.2f}")
                label.setPos(n + 1, ratios[n])
            else:
                label.setText("")
        rho = float(snap["vigilance"])
        self.rho_line.setValue(rho)
        self.search_plot.getAxis("right").setTicks([[(rho, f"ρ = {rho:g}")]])
        title = "Search" if snap["input_index"] is None else _short_search(snap)
        self.set_title(self.search_plot, title)

    @staticmethod
    def _search_words(snap: Mapping[str, Any], tried: list[int]) -> str:
        resets = int(np.sum(snap["tried_reset"]))
        head = f"{resets} reset{'s' if resets != 1 else ''}, " if resets else ""
        if snap["category"] is None:
            return f"all {resets} units reset: not clustered"
        return head + f"unit {snap['category'] + 1} learns"

    # -- theme --------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        pens = frame_pens(theme)
        self.categories.restyle(theme, {role: pens[role] for role in ("winner", "reset")})
        self.input_tile.restyle(theme, {})
        self.rho_line.setPen(theme.pen("winner", theme.line_width, style=Qt.PenStyle.DashLine))
        style_texts(self._ratio_labels, theme, bold=True)
        style_curve(self.sweep_curve, self.sweep_now, theme)
        self.sweep_line.setPen(theme.pen("winner", theme.thin_width, style=Qt.PenStyle.DashLine))
        if self._inputs is not None and self.snapshot is not None:
            self._layout_tiles(self.snapshot)  # more room for the labels' bigger font


def _short_search(snap: Mapping[str, Any]) -> str:
    """The search in a few words, for the plot's title."""
    resets = int(np.sum(snap["tried_reset"]))
    if snap["category"] is None:
        return f"all {resets} units reset"
    learns = f"J = {snap['category'] + 1} learns"
    return f"{resets} reset{'s' if resets != 1 else ''}, {learns}" if resets else learns
