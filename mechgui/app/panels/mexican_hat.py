"""Mexican Hat panel: activation profiles (Fig. 4.3), the drawn signal and the weights.

The big plot shows the profile x(t) at the current step, thick with markers
(and, for a few units, its values as in Example 4.2's tables) over the earlier
steps in fainter colours (older = fainter).  Below it the external signal s
sits on a :class:`~mechgui.app.widgets.DrawViewBox`, so the student can draw s
with the mouse, next to a stem plot of the interconnection weights w_k (C1
within R1, C2 out to R2, zero beyond; Fig. 4.2).
"""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParamSet

from ..explain import stacked, teach_box
from ..panel import SimulationPanel
from ..theme import Theme, color
from ..widgets import DrawViewBox, bar_edges, count_row, set_stretch
from .mexican_hat_explain import MexicanHatExplanation

__all__ = ["MexicanHatPanel", "bump_signal", "two_bumps_signal", "noisy_bump_signal"]

#: Earlier profiles drawn at most (the newest ones; older ones are left out).
MAX_EARLIER = 12
#: Units up to which the current profile carries its values as text.
MAX_VALUE_LABELS = 16
#: Units up to which every unit gets its own tick.
MAX_UNIT_TICKS = 30
#: Weight offsets labelled at most in lecture mode (big tick labels need room).
MAX_LECTURE_OFFSET_LABELS = 8

#: Titles of the lower plots, and their short forms for lecture mode's big font (the
#: long ones would be cut off beside the side bar).
SIGNAL_TITLE = "External signal s — draw it with the mouse"
SIGNAL_TITLE_SHORT = "External signal s (draw it)"
WEIGHT_TITLE = "Weights w<sub>k</sub> to X<sub>i+k</sub>"
WEIGHT_TITLE_SHORT = "Weights w<sub>k</sub>"


# -- signal shapes (the buttons) ----------------------------------------------------------
def _gauss(n: int, centre: float, width: float) -> np.ndarray:
    i = np.arange(n, dtype=float)
    return np.exp(-0.5 * ((i - centre) / width) ** 2)


def _width(n: int) -> float:
    return max(0.8, n / 8.0)


def bump_signal(n: int) -> np.ndarray:
    """One smooth bump of height 1 in the middle of n units."""
    return np.round(_gauss(n, (n - 1) / 2, _width(n)), 3)


def two_bumps_signal(n: int) -> np.ndarray:
    """Two bumps, of heights 1.0 (left) and 0.7 (right)."""
    w = _width(n) * 0.6
    s = np.maximum(_gauss(n, (n - 1) * 0.3, w), 0.7 * _gauss(n, (n - 1) * 0.7, w))
    return np.round(s, 3)


def noisy_bump_signal(n: int, rng: np.random.Generator, noise: float = 0.12) -> np.ndarray:
    """A bump of height 0.75 plus Gaussian noise, clipped at 0."""
    s = 0.75 * _gauss(n, (n - 1) / 2, _width(n)) + rng.normal(0.0, noise, n)
    return np.round(np.clip(s, 0.0, None), 3)


class MexicanHatPanel(SimulationPanel):
    """Profiles x(t) over t (Fig. 4.3), the external signal s, and the weights w_k."""

    model = "mexican_hat"
    default_speed = 2

    # -- view ------------------------------------------------------------------------
    def build_view(self) -> Generator[None, None, QWidget]:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        self.graphics = pg.GraphicsLayoutWidget()
        col.addWidget(self.graphics, 1)

        # profiles x(t)
        self.profile_plot = self.add_plot(self.graphics, "Activation profile x<sub>i</sub>(t)",
                                          row=0, col=0, colspan=2, left="x<sub>i</sub>",
                                          bottom="unit i")
        self.profile_plot.setMouseEnabled(x=False, y=False)
        self.legend = self.profile_plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.ceiling = pg.InfiniteLine(angle=0, movable=False)
        self.profile_plot.addItem(self.ceiling, ignoreBounds=True)
        self.ceiling_text = pg.TextItem(anchor=(0, 1))
        self.profile_plot.addItem(self.ceiling_text, ignoreBounds=True)
        self.earlier_curves: list[pg.PlotDataItem] = []
        for _ in range(MAX_EARLIER):
            curve = pg.PlotDataItem()
            self.profile_plot.addItem(curve)
            self.earlier_curves.append(curve)
        self.current_curve = pg.PlotDataItem(name="current")
        self.profile_plot.addItem(self.current_curve)
        self.value_labels: list[pg.TextItem] = []
        self._legend_key: tuple = ()

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        # external signal s (drawn with the mouse)
        self.signal_box = DrawViewBox()
        self.signal_plot = self.add_plot(self.graphics, SIGNAL_TITLE,
                                         row=1, col=0, left="s<sub>i</sub>", bottom="unit i",
                                         view_box=self.signal_box)
        self.signal_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="signal")
        self.signal_plot.addItem(self.signal_bars)
        self.signal_box.sigDraw.connect(self._draw_signal)
        self.signal_box.sigDrawFinished.connect(self._draw_done)
        self._drawn: np.ndarray | None = None
        self._last_drawn: tuple[int, float] | None = None

        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        # weights w_k
        self.weight_plot = self.add_plot(self.graphics, WEIGHT_TITLE,
                                         row=1, col=1, left="w<sub>k</sub>", bottom="offset k")
        self.weight_plot.setMouseEnabled(x=False, y=False)
        self.zero_line = pg.InfiniteLine(angle=0, pos=0, movable=False)
        self.weight_plot.addItem(self.zero_line, ignoreBounds=True)
        self.stems = pg.PlotDataItem(connect="pairs", name="stems")
        self.weight_plot.addItem(self.stems)
        self.coop_heads = pg.ScatterPlotItem(name="C1 (cooperation)")
        self.comp_heads = pg.ScatterPlotItem(name="C2 (competition)")
        self.zero_heads = pg.ScatterPlotItem(name="zero")
        for item in (self.coop_heads, self.comp_heads, self.zero_heads):
            self.weight_plot.addItem(item)
        self.c1_text = pg.TextItem(anchor=(0.5, 1))
        self.c2_text = pg.TextItem(anchor=(0.5, 0))
        self.weight_plot.addItem(self.c1_text, ignoreBounds=True)
        self.weight_plot.addItem(self.c2_text, ignoreBounds=True)

        set_stretch(self.graphics, rows=(3, 2), cols=(3, 2))
        self.explained = MexicanHatExplanation(self)
        self.explain = self.explained.explain
        return holder

    def build_controls(self) -> QWidget:
        box = QGroupBox("External signal")
        col = QVBoxLayout(box)
        row, self.unit_count = count_row("units n", "unit-count", 10_000, 7,
                                         "Length of the signals the buttons below build",
                                         stretch=1)
        col.addLayout(row)
        self.bump_button = QPushButton("Single bump")
        self.bump_button.setObjectName("signal-bump")
        self.bump_button.setToolTip("One smooth bump of height 1 in the middle")
        self.bump_button.clicked.connect(self.single_bump)
        self.two_button = QPushButton("Two bumps (1.0 and 0.7)")
        self.two_button.setObjectName("signal-two-bumps")
        self.two_button.setToolTip("Two bumps of different height: the lower one is suppressed")
        self.two_button.clicked.connect(self.two_bumps)
        self.noisy_button = QPushButton("Noisy bump")
        self.noisy_button.setObjectName("signal-noisy-bump")
        self.noisy_button.setToolTip("A bump with random noise added: contrast enhancement "
                                     "removes the noise")
        self.noisy_button.clicked.connect(self.noisy_bump)
        for b in (self.bump_button, self.two_button, self.noisy_button):
            col.addWidget(b)
        hint = QLabel("Draw s with the left mouse button on the “External signal” plot; "
                      "the net restarts from the drawn signal when you let go.")
        hint.setWordWrap(True)
        col.addWidget(hint)
        self._rng = np.random.default_rng(4_2)
        return stacked(box, teach_box("a unit of the profile", None)[0])

    # -- controls -------------------------------------------------------------------------
    @Slot()
    def single_bump(self) -> bool:
        return self.submit_params(signal=bump_signal(self.unit_count.value()))

    @Slot()
    def two_bumps(self) -> bool:
        return self.submit_params(signal=two_bumps_signal(self.unit_count.value()))

    @Slot()
    def noisy_bump(self) -> bool:
        return self.submit_params(signal=noisy_bump_signal(self.unit_count.value(), self._rng))

    @Slot(float, float)
    def _draw_signal(self, x: float, y: float) -> None:
        if self._drawn is None:
            self._drawn = np.array(self.form.params.signal, dtype=float)
            self._last_drawn = None
        n = self._drawn.size
        unit = int(round(x)) - 1
        top = self.signal_box.viewRange()[1][1]
        value = round(float(np.clip(y, 0.0, max(top, 0.0))), 3)
        if not 0 <= unit < n:
            self._last_drawn = None
            return
        if self._last_drawn is not None and abs(self._last_drawn[0] - unit) > 1:
            # a fast stroke skips units: fill them in along the straight line
            u0, v0 = self._last_drawn
            lo, hi = sorted((u0, unit))
            for u in range(lo + 1, hi):
                frac = (u - u0) / (unit - u0)
                self._drawn[u] = round(v0 + frac * (value - v0), 3)
        self._drawn[unit] = value
        self._last_drawn = (unit, value)
        self.signal_bars.setData(bar_edges(n), self._drawn)

    @Slot()
    def _draw_done(self) -> None:
        if self._drawn is not None:
            values, self._drawn = self._drawn, None
            self._last_drawn = None
            self.submit_params(signal=values)

    # -- rendering ----------------------------------------------------------------------
    def on_params(self, params: ParamSet) -> None:
        s = np.asarray(params.signal, dtype=float)
        n = s.size
        self.unit_count.blockSignals(True)
        self.unit_count.setValue(n)
        self.unit_count.blockSignals(False)
        self._signal_top = max(float(s.max()), 1e-9)
        low = min(0.0, float(s.min()))
        for plot in (self.profile_plot, self.signal_plot):
            plot.setXRange(0.5, n + 0.5, padding=0.01)
            ticks = [(i + 1, str(i + 1)) for i in range(n)] if n <= MAX_UNIT_TICKS else None
            plot.getAxis("bottom").setTicks([ticks] if ticks else None)
        self.signal_plot.setYRange(low, max(1.0, self._signal_top) * 1.15, padding=0)
        self._profile_low = low
        self._fix_profile_range(self._signal_top)
        self.ceiling.setValue(params.x_max)
        self.ceiling_text.setText(f"x_max = {params.x_max:g}")
        self.ceiling_text.setPos(0.6, params.x_max)
        self.signal_bars.setData(bar_edges(n), s)

        for label in self.value_labels:
            self.profile_plot.removeItem(label)
        self.value_labels = []
        if n <= MAX_VALUE_LABELS:
            for _ in range(n):
                label = pg.TextItem(anchor=(0.5, 1.15), color=self.theme.foreground)
                self.profile_plot.addItem(label)
                self.value_labels.append(label)
            self._style_labels()

        # weights: C1 for |k| ≤ R1, C2 for R1 < |k| ≤ R2, zero beyond, for k = −(R2+2) … R2+2
        reach = params.r2 + 2
        k = np.arange(-reach, reach + 1)
        w = np.where(np.abs(k) <= params.r1, params.c1,
                     np.where(np.abs(k) <= params.r2, params.c2, 0.0)).astype(float)
        self.weight_offsets, self.weight_values = k, w
        xs = np.repeat(k.astype(float), 2)
        ys = np.column_stack([np.zeros_like(w), w]).ravel()
        self.stems.setData(xs, ys)
        coop = np.abs(k) <= params.r1
        comp = (np.abs(k) > params.r1) & (np.abs(k) <= params.r2)
        zero = np.abs(k) > params.r2
        self.coop_heads.setData(k[coop].astype(float), w[coop])
        self.comp_heads.setData(k[comp].astype(float), w[comp])
        self.zero_heads.setData(k[zero].astype(float), w[zero])
        span = max(abs(params.c1), abs(params.c2))
        self.weight_plot.setXRange(-reach - 0.7, reach + 0.7, padding=0)
        lecture = self.theme.name == "lecture"
        room = 0.6 if lecture else 0.35
        self.weight_plot.setYRange(min(params.c2, 0) - room * span,
                                   max(params.c1, 0) + room * span, padding=0)
        every = math.ceil(k.size / MAX_LECTURE_OFFSET_LABELS) if lecture else 1
        wt = [(int(v), str(int(v))) for v in k if v % every == 0] if k.size <= 25 else None
        self.weight_plot.getAxis("bottom").setTicks([wt] if wt else None)
        self.weight_plot.getAxis("left").setTicks(
            [[(params.c2, f"{params.c2:g}"), (0.0, "0"), (params.c1, f"{params.c1:g}")]])
        self.c1_text.setText(f"C1 = {params.c1:g}" if lecture else
                             f"C1 = {params.c1:g}  (|k| ≤ {params.r1})")
        self.c1_text.setPos(0, params.c1 + 0.05 * span)
        self.c2_text.setText(f"C2 = {params.c2:g}" if lecture else
                             f"C2 = {params.c2:g}  ({params.r1} < |k| ≤ {params.r2})")
        self.c2_text.setPos(0, params.c2 - 0.05 * span)

    def _fix_profile_range(self, top_seen: float) -> None:
        x_max = float(self.form.params.x_max)
        top = max(self._signal_top, top_seen)
        if x_max <= 4 * max(top, 1e-9):
            top = max(top, x_max)  # show the ceiling when it is within reach
        span = top - self._profile_low
        labels = 0.16 if self.value_labels else 0.08
        self.profile_plot.setYRange(self._profile_low, top + span * labels, padding=0)
        self._profile_top = top

    def render(self, snap: Mapping[str, Any]) -> None:
        profiles = np.asarray(snap["profiles"], dtype=float)
        if profiles.ndim != 2 or profiles.shape[0] == 0:
            return
        x = profiles[-1]
        n = x.size
        t = int(snap["step"])
        units = np.arange(1, n + 1, dtype=float)
        self.current_curve.setData(units, x)
        # the engine keeps the signal (t = 0) and the last steps: draw the newest of those
        earlier = profiles[:-1][-MAX_EARLIER:]
        count = earlier.shape[0]
        first_t = int(snap["profile_steps"][-1 - count]) if count else t
        for i, curve in enumerate(self.earlier_curves):
            if i < count:
                curve.setData(units, earlier[i])
                age = count - i  # 1 = the step just before the current one
                alpha = max(0.18, 0.75 * (1 - (age - 1) / max(count, 1)))
                curve.setPen(self.theme.pen("primary", self.theme.thin_width, alpha))
                curve.setSymbol("o" if n <= 60 else None)
                curve.setSymbolSize(max(3, self.theme.symbol_size - 2))
                curve.setSymbolBrush(self.theme.brush("primary", alpha))
                curve.setSymbolPen(None)
            else:
                curve.setData([], [])
        self._update_legend(t, first_t, count)
        for i, label in enumerate(self.value_labels[:n]):
            label.setText(f"{x[i]:.3g}")
            label.setPos(i + 1, x[i])
        top_seen = float(profiles.max())
        if top_seen > self._profile_top * 1.0001:
            self._fix_profile_range(top_seen)
        status = str(snap["status"])
        tail = {"done": " (done)", "converged": " (converged)"}.get(status, "")
        self.set_title(self.profile_plot, f"Activation profile x<sub>i</sub>(t) at t = {t}{tail}")
        if self._drawn is None:
            self.signal_bars.setData(bar_edges(n), profiles[0])
        self.explained.draw(snap)

    def _update_legend(self, t: int, first_t: int, count: int) -> None:
        key = (t, first_t, count, self.theme.name)
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        self.legend.addItem(self.current_curve, f"t = {t} (current)")
        if count == 0:
            return
        if count <= 3:
            for i in reversed(range(count)):
                self.legend.addItem(self.earlier_curves[i], f"t = {first_t + i}")
        else:
            self.legend.addItem(self.earlier_curves[count - 1],
                                f"t = {first_t}…{t - 1} (older = fainter)")

    # -- theme ----------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        lecture = theme.name == "lecture"
        self.set_title(self.signal_plot, SIGNAL_TITLE_SHORT if lecture else SIGNAL_TITLE)
        self.set_title(self.weight_plot, WEIGHT_TITLE_SHORT if lecture else WEIGHT_TITLE)
        self.current_curve.setPen(theme.pen("winner", theme.line_width * 1.3))
        self.current_curve.setSymbol("o")
        self.current_curve.setSymbolSize(theme.symbol_size + 2)
        self.current_curve.setSymbolBrush(theme.brush("winner"))
        self.current_curve.setSymbolPen(pg.mkPen(theme.background, width=1))
        self.ceiling.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DashLine))
        self.signal_bars.setPen(pg.mkPen(theme.background, width=1))
        self.signal_bars.setBrush(theme.brush("input", 0.8))
        self.zero_line.setPen(pg.mkPen(theme.foreground, width=1))
        self.stems.setPen(theme.pen("muted", theme.line_width))
        size = theme.symbol_size + 3
        for item, role in ((self.coop_heads, "accent"), (self.comp_heads, "winner"),
                           (self.zero_heads, "muted")):
            item.setSize(size)
            item.setBrush(theme.brush(role))
            item.setPen(pg.mkPen(theme.background, width=1))
        for item, role in ((self.ceiling_text, "muted"), (self.c1_text, "accent"),
                           (self.c2_text, "winner")):
            item.setColor(color(role) if role != "muted" else pg.mkColor(theme.foreground))
            font = item.textItem.font()
            font.setPointSize(theme.font_size)
            item.setFont(font)
        self._legend_key = ()
        self._style_labels()
        self.explained.restyle(theme)
        if hasattr(self, "weight_offsets"):  # re-place the texts for the new font sizes
            self.on_params(self.form.params)

    def _style_labels(self) -> None:
        for label in self.value_labels:
            label.setColor(color("winner"))
            font = label.textItem.font()
            font.setPointSize(self.theme.tick_size)
            font.setBold(True)
            label.setFont(font)
