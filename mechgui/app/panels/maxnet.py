"""MaxNet panel: the competition of Example 4.1 as bars, trajectories and the ε gauge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParamSet
from mechgui.engine.maxnet import TRACKED_NODES

from ..explain import stacked, teach_box
from ..panel import SimulationPanel
from ..theme import Theme, color
from ..widgets import DrawViewBox, bar_edges, count_row, set_stretch, warning_banner
from .maxnet_explain import MaxNetExplanation

__all__ = ["MaxNetPanel"]

#: Nodes whose trajectories are drawn (the engine follows the strongest at t = 0).
MAX_TRAJECTORIES = TRACKED_NODES
#: Points per trajectory drawn at most (a long run is thinned out evenly for drawing).
MAX_TRAJECTORY_POINTS = 300
#: Trajectories with more points than this are drawn thin and without markers.
MARKERS_UP_TO = 60
#: Nodes up to which activations are drawn as filled bars (beyond: thin stems).
MAX_FILLED_BARS = 150
#: Nodes up to which each bar carries its value as text.
MAX_VALUE_LABELS = 16


class MaxNetPanel(SimulationPanel):
    """Bars of a_j(t) with the winner highlighted, a_j against t, and ε against 1/m."""

    model = "maxnet"
    default_speed = 2

    def init_state(self) -> None:
        self._gauge_state: tuple[float, int] | None = None  # what the ε gauge shows
        self._dragged: np.ndarray | None = None  # activations while a bar is dragged
        self._rng = np.random.default_rng()
        self._bar_top = 1.0  # the tallest initial activation

    # -- view ----------------------------------------------------------------------
    def build_view(self) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        self.warning_label = warning_banner("epsilon-warning")
        col.addWidget(self.warning_label)
        self.graphics = pg.GraphicsLayoutWidget()
        col.addWidget(self.graphics, 1)

        self.bar_box = DrawViewBox(click_draws=False)  # a click selects the node
        self.bar_plot = self.add_plot(self.graphics, "Activations a<sub>j</sub>(t)", row=0, col=0,
                                      colspan=2, left="a<sub>j</sub>", bottom="node j",
                                      view_box=self.bar_box)
        self.bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="activation",
                                    antialias=False)
        self.leader_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="leader")
        self.winner_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, name="winner")
        self.stems = pg.PlotDataItem(stepMode="center", antialias=False, name="activation")
        self.stems.setDownsampling(auto=True, method="peak")
        self.stems.setClipToView(True)
        for item in (self.bars, self.stems, self.leader_bars, self.winner_bars):
            self.bar_plot.addItem(item)
        self.value_labels: list[pg.TextItem] = []
        # The step as text inside the plot: changing a plot's title would re-layout it.
        self.time_label = pg.TextItem(anchor=(1, 0))
        self.bar_plot.addItem(self.time_label, ignoreBounds=True)
        self.bar_box.sigResized.connect(self._fit_bar_range)
        self.bar_box.sigRangeChanged.connect(self._pin_time_label)
        self.bar_box.sigDraw.connect(self._drag_bar)
        self.bar_box.sigDrawFinished.connect(self._drag_done)

        self.traj_plot = self.add_plot(self.graphics, "a<sub>j</sub> against the iteration t",
                                       row=1, col=0, left="a<sub>j</sub>", bottom="iteration t")
        self.traj_plot.setMouseEnabled(x=False, y=False)
        self.traj_curves: list[pg.PlotDataItem] = []
        self.traj_note = pg.TextItem(anchor=(1, 0))
        self.traj_plot.addItem(self.traj_note, ignoreBounds=True)

        self.gauge = self.add_plot(self.graphics, "ε against 1/m", row=1, col=1, bottom="ε")
        self.gauge.hideAxis("left")
        self.gauge.setMouseEnabled(x=False, y=False)
        self.gauge.setYRange(0, 1, padding=0)
        self.bad_region = pg.LinearRegionItem(orientation="vertical", movable=False,
                                              brush=pg.mkBrush(213, 94, 0, 45),
                                              pen=pg.mkPen(None))
        self.gauge.addItem(self.bad_region)
        self.limit_line = pg.InfiniteLine(angle=90, movable=False)
        self.gauge.addItem(self.limit_line)
        self.limit_text = pg.TextItem(anchor=(0, 1))
        self.gauge.addItem(self.limit_text)
        self.epsilon_marker = pg.ScatterPlotItem(symbol="t1")
        self.gauge.addItem(self.epsilon_marker)
        self.epsilon_text = pg.TextItem(anchor=(0.5, 0))
        self.gauge.addItem(self.epsilon_text)
        set_stretch(self.graphics, rows=(3, 2), cols=(3, 2))
        self.explained = MaxNetExplanation(self)
        self.explain = self.explained.explain
        return holder

    def build_controls(self) -> QWidget:
        teach, self.teach_button = teach_box(
            "a node's bar", "Play one step in stages: the activations before it, each node's "
                            "inhibition ε·Σ of the others, then the cut at 0")
        self.teach_button.clicked.connect(self.teach_step)
        return stacked(self._input_controls(), teach)

    @Slot()
    def teach_step(self) -> None:
        """One step played in stages (see :mod:`.maxnet_explain`)."""
        if self.built:
            self.explained.teach_step()

    def _input_controls(self) -> QWidget:
        box = QGroupBox("Inputs")
        col = QVBoxLayout(box)
        row, self.node_count = count_row("nodes", "node-count", 5000, 10,
                                         "How many nodes the random inputs have (up to 5000)")
        self.random_button = QPushButton("Random inputs")
        self.random_button.setObjectName("random-inputs")
        self.random_button.setToolTip("Uniform random initial activations in [0, 1)")
        self.random_button.clicked.connect(self.random_inputs)
        row.addWidget(self.random_button)
        col.addLayout(row)
        self.tie_button = QPushButton("Make an exact tie")
        self.tie_button.setObjectName("make-tie")
        self.tie_button.setToolTip("Give the runner-up the leader's value: no winner can emerge")
        self.tie_button.clicked.connect(self.make_tie)
        col.addWidget(self.tie_button)
        hint = QLabel("Drag a bar up or down to set that node's initial activation.")
        hint.setWordWrap(True)
        col.addWidget(hint)
        return box

    # -- controls -------------------------------------------------------------------
    @Slot()
    def random_inputs(self) -> None:
        """Random activations for the chosen node count; ε kept below 1/m if needed."""
        m = self.node_count.value()
        values = np.round(self._rng.uniform(0.0, 1.0, m), 3)
        changes: dict[str, Any] = {"activations": values}
        epsilon = self.form.params.epsilon
        if epsilon >= 1.0 / m:
            changes["epsilon"] = round(0.5 / m, 6)
        if self.submit_params(**changes) and "epsilon" in changes:
            self.show_message(f"ε set to 1/(2m) = {changes['epsilon']:g} so that {m} nodes can "
                              f"compete (the previous ε = {epsilon:g} was ≥ 1/m).")

    @Slot()
    def make_tie(self) -> None:
        values = np.array(self.form.params.activations, dtype=float)
        order = np.argsort(values)
        values[order[-2]] = values[order[-1]]
        self.submit_params(activations=values)

    @Slot(float, float)
    def _drag_bar(self, x: float, y: float) -> None:
        if self._dragged is None:
            self._dragged = np.array(self.form.params.activations, dtype=float)
        node = int(round(x)) - 1
        if 0 <= node < self._dragged.size:
            self._dragged[node] = round(max(0.0, y), 3)
            self._set_bars(self._dragged)

    @Slot()
    def _drag_done(self) -> None:
        if self._dragged is not None:
            values, self._dragged = self._dragged, None
            self.submit_params(activations=values)

    # -- rendering ----------------------------------------------------------------------
    def _set_bars(self, values: np.ndarray) -> None:
        """Filled bars for a lecture-sized net; thin stems (cheap to paint) for a big one."""
        m = values.size
        if m <= MAX_FILLED_BARS:
            self.bars.setData(bar_edges(m), values)
            self.stems.setData([], [])
        else:
            # a skyline (one polyline, thinned to the plot's pixels, peaks kept):
            # individual bars would be narrower than a pixel anyway
            self.bars.setData([], [])
            self.stems.setData(bar_edges(m), values)

    def drawn_activations(self) -> np.ndarray:
        """The activations as drawn (bars or stems), for tests and CSV export."""
        x, y = self.bars.getData()
        if y is not None and len(y):
            return np.asarray(y)
        x, y = self.stems.getData()
        return np.asarray(y) if y is not None else np.empty(0)

    def on_params(self, params: ParamSet) -> None:
        initial = np.asarray(params.activations, dtype=float)
        m = initial.size
        top = float(initial.max()) if m else 1.0
        self.bar_plot.setXRange(0.5, m + 0.5, padding=0.01)
        self._bar_top = max(top, 1e-9)
        self.traj_plot.setYRange(0, max(top, 1e-9) * 1.05, padding=0)
        ticks = [(j + 1, f"{j + 1}") for j in range(m)] if m <= 30 else None
        self.bar_plot.getAxis("bottom").setTicks([ticks] if ticks else None)
        for label in self.value_labels:
            self.bar_plot.removeItem(label)
        self.value_labels = []
        if m <= MAX_VALUE_LABELS:
            for _ in range(m):
                label = pg.TextItem(anchor=(0.5, 1), color=self.theme.foreground)
                self._size_value_label(label)
                self.bar_plot.addItem(label)
                self.value_labels.append(label)
        self._fit_bar_range()
        tracked = np.argsort(-initial, kind="stable")[:MAX_TRAJECTORIES]
        for curve in self.traj_curves:
            self.traj_plot.removeItem(curve)
        self.traj_curves = []
        for node in tracked:
            curve = pg.PlotDataItem(name=f"node {node + 1}")
            self.traj_plot.addItem(curve)
            self.traj_curves.append(curve)
        self.traj_note.setText("" if m <= MAX_TRAJECTORIES else
                               f"the {MAX_TRAJECTORIES} strongest of {m} nodes")
        self._style_trajectories()
        self._traj_right = 0.0
        self._update_gauge(params.epsilon, m)

    def _fit_bar_range(self) -> None:
        """Room above the tallest bar for its value label, clear of the "t = …" label in the
        corner: their heights in pixels, whatever the font and the plot's height."""
        headroom = 1.12
        height = self.bar_box.height()
        if self.value_labels:
            needed = (self.value_labels[0].textItem.boundingRect().height()
                      + self.time_label.textItem.boundingRect().height() + 4)
            if height > 2 * needed:  # else the plot is too small to keep them apart
                headroom = max(headroom, height / (height - needed))
        self.bar_plot.setYRange(0, self._bar_top * headroom, padding=0)

    def _pin_time_label(self) -> None:
        (x0, x1), (y0, y1) = self.bar_plot.viewRange()
        self.time_label.setPos(x1, y1)  # the top right corner

    def _update_gauge(self, epsilon: float, m: int) -> None:
        if (epsilon, m) == self._gauge_state:
            return  # unchanged: re-setting ranges would cost a re-layout per frame
        self._gauge_state = (epsilon, m)
        limit = 1.0 / m
        right = max(2 * limit, 1.25 * epsilon)
        self.gauge.setXRange(0, right, padding=0.02)
        self.bad_region.setRegion((limit, right * 1.1))
        self.limit_line.setValue(limit)
        self.limit_text.setText(f"1/m = {limit:.4g}")
        self.limit_text.setPos(limit, 0.02)
        self.epsilon_marker.setData([epsilon], [0.55])
        self.epsilon_text.setText(f"ε = {epsilon:g}")
        self.epsilon_text.setPos(epsilon, 0.98)

    def render(self, snap: Mapping[str, Any]) -> None:
        a, before = self.explained.bars_for(snap)  # a teach step may show a(t − 1)
        m = a.size
        edges = bar_edges(m)
        if self._dragged is None:
            self._set_bars(a)
        leaders = np.asarray(snap["leaders"] if not before else [], dtype=int)
        winner = None if before else snap["winner"]
        if winner is not None:
            self.winner_bars.setData(edges[[winner, winner + 1]], a[[winner]])
            self.leader_bars.setData([], [])
        else:
            self.winner_bars.setData([], [])
            if 0 < leaders.size < m:
                lead = np.zeros(m)
                lead[leaders] = a[leaders]
                self.leader_bars.setData(edges, lead)
            else:
                self.leader_bars.setData([], [])
        for j, label in enumerate(self.value_labels[:m]):
            label.setText(f"{a[j]:.3f}")
            label.setPos(j + 1, a[j])
            label.setColor(color("winner") if j == winner else pg.mkColor(self.theme.foreground))
        self.time_label.setText(f"t = {snap['step'] - before}")

        trajectory = np.asarray(snap["trajectory"], dtype=float)
        tracked = np.asarray(snap["tracked"], dtype=int)
        if trajectory.ndim == 2 and trajectory.shape[1] == len(self.traj_curves):
            steps = np.asarray(snap["trajectory_steps"], dtype=float)
            if steps.size > MAX_TRAJECTORY_POINTS:  # a long run: draw an even subset
                keep = np.linspace(0, steps.size - 1, MAX_TRAJECTORY_POINTS).astype(int)
                steps, trajectory = steps[keep], trajectory[keep]
            if (steps.size > MARKERS_UP_TO) != self._styled_long:
                self._style_trajectories(steps.size)
            for k, curve in enumerate(self.traj_curves):
                curve.setData(steps, trajectory[:, k], name=f"node {tracked[k] + 1}",
                              skipFiniteCheck=True)
            right = max(float(steps[-1]), 5.0)
            if right > self._traj_right or right < 0.5 * self._traj_right:
                # widen in steps of ×1.5, so the axis is not rescaled every frame
                self._traj_right = right if right <= 5 else right * 1.5
                self.traj_plot.setXRange(0, self._traj_right, padding=0.02)
                vr = self.traj_plot.viewRange()
                self.traj_note.setPos(vr[0][1], vr[1][1])

        self._update_gauge(float(snap["epsilon"]), m)
        warning = snap.get("warning")
        if warning:
            self.warning_label.setText("⚠ " + warning)
            self.warning_label.show()
        else:
            self.warning_label.hide()
        self.explained.draw(snap, a)

    # -- theme --------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        outline = pg.mkPen(theme.background, width=1)
        self.bars.setPen(outline)
        self.bars.setBrush(theme.brush("primary", 0.85))
        self.stems.setPen(pg.mkPen(color("primary"), width=1))
        self._styled_long = False
        self.leader_bars.setPen(outline)
        self.leader_bars.setBrush(theme.brush("secondary"))
        self.winner_bars.setPen(outline)
        self.winner_bars.setBrush(theme.brush("winner"))
        self.limit_line.setPen(theme.pen("warning", theme.line_width))
        self.epsilon_marker.setSize(theme.symbol_size * 2)
        self.epsilon_marker.setBrush(theme.brush("primary"))
        self.epsilon_marker.setPen(pg.mkPen(theme.foreground))
        for item in (self.limit_text, self.epsilon_text, self.traj_note, self.time_label):
            item.setColor(theme.foreground)
            font = item.textItem.font()
            font.setPointSize(theme.font_size)
            item.setFont(font)
        for label in self.value_labels:
            self._size_value_label(label)
        self._style_trajectories()
        self._fit_bar_range()
        self.explained.restyle(theme)

    def _size_value_label(self, label: pg.TextItem) -> None:
        font = label.textItem.font()
        font.setPointSize(self.theme.tick_size)
        label.setFont(font)

    def _style_trajectories(self, points: int = 0) -> None:
        """Thick lines and markers for a lecture-sized run; thin lines for long ones
        (wide antialiased polylines are the most expensive thing to paint)."""
        palette = ("primary", "secondary", "accent", "input", "#56B4E9", "#000000")
        long_run = points > MARKERS_UP_TO
        self._styled_long = long_run
        for rank, curve in enumerate(self.traj_curves):
            role = "winner" if rank == 0 else palette[(rank - 1) % len(palette)]
            if long_run:  # a 1-pixel pen is drawn by the fast path of Qt's raster engine
                width = 1.0 if self.theme.name == "normal" else self.theme.thin_width
            else:
                width = self.theme.line_width if rank < 2 else self.theme.thin_width
            curve.setPen(self.theme.pen(role, width))
            curve.setSymbol("o" if len(self.traj_curves) <= 6 and not long_run else None)
            curve.setSymbolSize(self.theme.symbol_size)
            curve.setSymbolBrush(self.theme.brush(role))
            curve.setSymbolPen(None)
