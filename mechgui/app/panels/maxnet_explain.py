"""What the MaxNet tab explains: a node's update of Example 4.1 with the last step's
numbers (click a bar, or Tab), the values under the mouse on each plot, and a teach step
that shows one update in three stages (the activations before it; each node's
inhibition ε·Σ_{k≠j} a_k drawn as the part of its bar it loses; the cut at 0)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer

from mechgui.engine.explain.maxnet import node_formula, node_readout, trajectory_readout
from mechgui.engine.explain.text import num, short, sub

from ..explain import Explainer, SelectionRing, TeachPlayer, teach_opening, wait_for_step
from ..theme import Theme, color

if TYPE_CHECKING:
    from .maxnet import MaxNetPanel

__all__ = ["HINT", "MAX_INHIBITION_LABELS", "MaxNetExplanation"]

HINT = "Click a node's bar (or Tab) for its update rule with this step's numbers."
#: Nodes up to which a teach step writes each node's inhibition beside its bar.
MAX_INHIBITION_LABELS = 16


def _count(snap: Mapping[str, Any]) -> int:
    return int(np.asarray(snap["activations"]).size)


class MaxNetExplanation:
    """The explainer of a :class:`~mechgui.app.panels.maxnet.MaxNetPanel` and its marks."""

    def __init__(self, panel: MaxNetPanel) -> None:
        self.panel = panel
        self.explain = Explainer(panel, node_formula, _count, HINT)
        self.explain.watch(panel.bar_plot, self._bar_readout, self._node_at)
        self.explain.watch(panel.traj_plot, self._trajectory_readout)
        self.explain.watch(panel.gauge, self._gauge_readout)
        self.explain.selectionChanged.connect(self._selection_changed)
        self.mark = SelectionRing(panel.bar_plot)
        # a teach step's inhibitions: the part of each bar the step takes away
        self.inhibition = pg.BarGraphItem(x=[], height=[], width=0.62, y0=[])
        self.inhibition.setZValue(20)
        panel.bar_plot.addItem(self.inhibition)
        self.inhibition_labels: list[pg.TextItem] = []
        self.teacher = TeachPlayer(panel, self.explain.set_caption, panel.render_errors)
        self._teach: tuple[int, int] | None = None  # (step taught from, its step), while shown
        self._before = False  # whether the bars show the activations before the taught step

    # -- hooks of the panel ------------------------------------------------------------------
    def bars_for(self, snap: Mapping[str, Any]) -> tuple[np.ndarray, bool]:
        """The activations to draw for ``snap`` and whether they are a teach step's
        "before" (the step's snapshot drawn with the activations it started from).  A
        snapshot of another step (a reset, new parameters) ends the teach step."""
        a = np.asarray(snap["activations"], dtype=float)
        if self._teach is None:
            return a, False
        start, target = self._teach
        step = int(snap["step"])
        if step == target and self._before and snap["previous_activations"] is not None:
            return np.asarray(snap["previous_activations"], dtype=float), True
        if step not in (start, target):
            self._teach = None
            QTimer.singleShot(0, self.teacher.stop)  # after this drawing, not inside it
        return a, False

    def draw(self, snap: Mapping[str, Any], shown: np.ndarray) -> None:
        """The selected node's outline around its bar as drawn (``shown``)."""
        j = self.explain.selected
        if j is None or j >= shown.size:
            self.mark.hide()
            return
        left, right, top = j + 0.5, j + 1.5, float(shown[j])
        self.mark.show_outline([left, right, right, left, left], [0, 0, top, top, 0])

    def restyle(self, theme: Theme) -> None:
        self.mark.restyle(theme)
        self.inhibition.setOpts(brush=pg.mkBrush(color("warning", 0.55)),
                                pen=pg.mkPen(color("warning"), width=2 if theme.name ==
                                             "lecture" else 1))
        for label in self.inhibition_labels:
            self._style_label(label, theme)

    def _selection_changed(self, _: object) -> None:
        snap = self.panel.snapshot
        if snap is not None:
            self.draw(snap, self.panel.drawn_activations())

    # -- read-outs ---------------------------------------------------------------------------
    def _node_at(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        j = round(x) - 1
        return j if 0 <= j < _count(snap) else None

    def _bar_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        j = self._node_at(snap, x, y)
        return None if j is None else node_readout(snap, j)

    def _trajectory_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        steps = np.asarray(snap["trajectory_steps"], dtype=float)
        rows = np.asarray(snap["trajectory"], dtype=float)
        if not steps.size or rows.ndim != 2 or not rows.shape[1]:
            return None
        row = int(np.argmin(np.abs(steps - x)))
        curve = int(np.argmin(np.abs(rows[row] - y)))
        return trajectory_readout(snap, curve, row)

    def _gauge_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        m = _count(snap)
        epsilon = float(snap["epsilon"])
        verdict = "below 1/m: the largest input wins" if epsilon < 1.0 / m else \
            "not below 1/m: every node may be driven to 0"
        return f"ε = {short(epsilon)}, 1/m = 1/{m} = {1.0 / m:.4g}: ε {verdict}"

    # -- the teach step ----------------------------------------------------------------------
    def teach_step(self) -> None:
        """Play one step in stages (see the module's text)."""
        self.teacher.play(self._stages())

    def _stages(self) -> Iterator[str | None]:
        panel = self.panel
        snap = yield from teach_opening(
            panel, "The net has stopped: Reset (R), then teach a step again.")
        if snap is None:
            return
        start = int(snap["step"])
        self._teach, self._before = (start, start + 1), True
        try:
            panel.step_once()
            yield from wait_for_step(panel, start)
            yield from self._show_step(panel.snapshot, start)
        finally:
            self._teach, self._before = None, False
            self._show_inhibition(None, None)
            if panel.snapshot is not None:
                panel.redraw()

    def _show_step(self, snap: Mapping[str, Any], start: int) -> Iterator[str]:
        panel = self.panel
        if int(snap["step"]) != start + 1 or snap["previous_activations"] is None:
            return
        before = np.asarray(snap["previous_activations"], dtype=float)
        epsilon = float(snap["step_epsilon"])
        t = start + 1
        panel.redraw()
        yield (f"Teach step 1/3 · a({start}): the activations before step {t}. Each node "
               f"will be inhibited by ε = {short(epsilon)} times the sum of all the others.")
        others = before.sum() - before
        taken = epsilon * others
        self._show_inhibition(before, taken)
        j = self.explain.selected
        j = int(np.argmax(before)) if j is None or j >= before.size else j
        yield (f"Teach step 2/3 · Each bar loses ε·Σ of the others (shaded): node {j + 1} "
               f"loses {short(epsilon)}·{num(others[j])} = {num(taken[j])}, from "
               f"{num(before[j])} to {num(before[j] - taken[j])}.")
        self._show_inhibition(None, None)
        self._before = False
        panel.redraw()
        a = np.asarray(snap["activations"], dtype=float)
        left = int(np.count_nonzero(a > 0))
        yield (f"Teach step 3/3 · f(x) = max(x, 0): a{sub(j + 1)}({t}) = {num(a[j])}; what "
               f"fell below 0 is 0 now, {left} node{'s' if left != 1 else ''} left.")

    def _show_inhibition(self, before: np.ndarray | None, taken: np.ndarray | None) -> None:
        """Each node's inhibition as a shaded piece of its bar (None: none shown)."""
        plot = self.panel.bar_plot
        for label in self.inhibition_labels:
            plot.removeItem(label)
        self.inhibition_labels = []
        if before is None or taken is None:
            self.inhibition.setOpts(x=[], height=[], y0=[])
            return
        x = np.arange(1, before.size + 1, dtype=float)
        self.inhibition.setOpts(x=x, height=taken, y0=before - taken)
        if before.size <= MAX_INHIBITION_LABELS:
            for j in range(before.size):
                # Centred on the shaded piece, or standing on the axis where the piece
                # reaches below 0 (the plot shows none of that part).
                low = before[j] - taken[j]
                label = pg.TextItem(f"−{num(taken[j])}",
                                    anchor=(0.5, 0.5) if low >= 0 else (0.5, 1.0))
                label.setPos(j + 1, before[j] - taken[j] / 2 if low >= 0 else 0.0)
                label.setZValue(30)
                self._style_label(label, self.panel.theme)
                plot.addItem(label)
                self.inhibition_labels.append(label)

    @staticmethod
    def _style_label(label: pg.TextItem, theme: Theme) -> None:
        label.setColor("#FFFFFF")
        label.fill = pg.mkBrush(120, 50, 0, 200)
        font = label.textItem.font()
        font.setPointSize(theme.tick_size)
        font.setBold(True)
        label.setFont(font)
