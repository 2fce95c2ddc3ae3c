"""What the SOM tab explains: a unit's D(j) to the last input, whether it lies in the
winner's neighbourhood at radius R, and its move w_j ← w_j + α·h(d)·(x − w_j) with that
step's numbers (click a cell of the map or a unit in the input space, or Tab); the value
under the mouse on every plot (a unit's weights, hits and the inputs it wins, the
distance between two neighbours the U-matrix averages, the curves at an epoch); and the
teach step, one sample played in six stages drawn from the step's snapshot: the input;
every unit coloured by its distance; the winner; its neighbourhood at R on the map and
in the input space; the arrows α·h(d)·(x − w_j); the weights updated."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg

from mechgui.engine.explain.som import (
    history_readout,
    pair_readout,
    unit_formula,
    unit_readout,
)
from mechgui.engine.explain.text import num, short, sub, vector
from mechgui.engine.som import grid_distance

from ...explain import (Explainer, SelectionRing, TeachPlayer, nearest_within, teach_opening,
                        wait_for_step)
from ...theme import Theme, color
from ...widgets import DotsItem
from .matrix import LUT

if TYPE_CHECKING:
    from .panel import SOMPanel

__all__ = ["HINT", "MAX_ARROWS", "SOMExplanation"]

HINT = "Click a unit (or Tab) for its distance to x and its move w ← w + α(x − w)."
#: Learning units that get an arrow in a teach step at most (the rest move unmarked).
MAX_ARROWS = 80
#: How near (pixels) the mouse must be to a unit, or a point, in the input space.
NEAR_UNIT_PX = 14
NEAR_POINT_PX = 6
#: How close (cell widths) to the border between two cells the map reads out both.
BORDER = 0.16


def _units(snap: Mapping[str, Any]) -> int:
    return int(snap["rows"]) * int(snap["cols"])


class SOMExplanation:
    """The explainer of a :class:`~mechgui.app.panels.som.panel.SOMPanel`, its marks and
    its teach step."""

    def __init__(self, panel: SOMPanel) -> None:
        self.panel = panel
        e = self.explain = Explainer(panel, unit_formula, _units, HINT)
        e.watch(panel.space.plot, self._space_readout, self._space_pick)
        e.watch(panel.matrix.plot, self._matrix_readout, self._matrix_pick)
        e.watch(panel.map.plot, self._map_readout, self._map_pick)
        e.watch(panel.curves.schedule_plot, self._history_readout)
        e.watch(panel.curves.error_plot, self._history_readout)
        e.selectionChanged.connect(self._selection_changed)
        self.map_mark = SelectionRing(panel.map.plot)
        self.space_mark = SelectionRing(panel.space.plot)
        self.matrix_mark = SelectionRing(panel.matrix.plot)
        # a teach step's marks in the input space
        self.units_by_distance = pg.ScatterPlotItem(pxMode=True)
        self.neighbour_rings = pg.ScatterPlotItem(pxMode=True)
        self.winner_ring = pg.ScatterPlotItem(pxMode=True)
        self.input_star = DotsItem(symbol="star")
        self.arrow_shafts = pg.PlotCurveItem(connect="pairs")
        self.arrows: list[pg.ArrowItem] = []
        for z, item in enumerate((self.units_by_distance, self.arrow_shafts,
                                  self.neighbour_rings, self.winner_ring, self.input_star)):
            item.setZValue(40 + z)
            panel.space.plot.addItem(item, ignoreBounds=True)
        self.teacher = TeachPlayer(panel, e.set_caption, panel.render_errors)
        self._teach: tuple[int, int] | None = None  # (step taught from, its step)
        self._theme = panel.theme
        self._clear_teach_marks()

    # -- hooks of the panel ------------------------------------------------------------------
    def holds(self, snap: Mapping[str, Any]) -> bool:
        """Whether a teach step draws ``snap`` itself (the panel then leaves it alone).  A
        snapshot of another step (a reset, new parameters) ends the teach step."""
        if self._teach is None:
            return False
        start, target = self._teach
        step = int(snap["step"])
        if step == target:
            return True
        if step != start:
            self._teach = None
            pg.QtCore.QTimer.singleShot(0, self.teacher.stop)  # after this drawing
        return False

    def draw(self, snap: Mapping[str, Any]) -> None:
        """The selected unit's marks: its cell on the map, its weight vector."""
        j = self.explain.selected
        panel = self.panel
        if j is None or j >= _units(snap) or panel.map.layout is None \
                or j >= panel.map.layout.units:
            for mark in (self.map_mark, self.space_mark, self.matrix_mark):
                mark.hide()
            return
        corners = panel.map.layout.closed_outline(j)
        self.map_mark.show_outline(corners[:, 0], corners[:, 1])
        weights = np.asarray(snap["weights"], dtype=float)
        if weights.shape[1] == 2:
            self.space_mark.show_point(weights[j, 0], weights[j, 1])
            self.matrix_mark.hide()
        else:
            n, y = weights.shape[1], j + 1
            self.matrix_mark.show_outline([0.5, n + 0.5, n + 0.5, 0.5, 0.5],
                                          [y - .5, y - .5, y + .5, y + .5, y - .5])
            self.space_mark.hide()

    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        for mark in (self.map_mark, self.space_mark, self.matrix_mark):
            mark.restyle(theme)
        lecture = theme.name == "lecture"
        self.neighbour_rings.setPen(pg.mkPen(color("winner"), width=3 if lecture else 2))
        self.neighbour_rings.setBrush(pg.mkBrush(None))
        self.neighbour_rings.setSize(theme.symbol_size * 1.6)
        self.winner_ring.setPen(pg.mkPen(theme.foreground, width=4 if lecture else 2.5))
        self.winner_ring.setBrush(theme.brush("winner"))
        self.winner_ring.setSize(theme.symbol_size * 2.4)
        self.input_star.set_style(theme.symbol_size * 3, theme.brush("input"),
                                  pg.mkPen(theme.foreground, width=2 if lecture else 1))
        self.arrow_shafts.setPen(theme.pen("winner", theme.line_width))

    def _selection_changed(self, _: object) -> None:
        if self.panel.snapshot is not None:
            self.draw(self.panel.snapshot)

    # -- read-outs and picks -----------------------------------------------------------------
    def _unit_near(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        weights = np.asarray(snap["weights"], dtype=float)
        if weights.shape[1] != 2:
            return None
        return nearest_within(weights, x, y, self.panel.space.box, NEAR_UNIT_PX)

    def _space_pick(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        return None if self.panel.drawn.enabled else self._unit_near(snap, x, y)

    def _space_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        j = self._unit_near(snap, x, y)
        if j is not None:
            return unit_readout(snap, j)
        data = np.asarray(snap["data"])
        if data.shape[1] == 2 and len(data) <= 20_000:
            i = nearest_within(data, x, y, self.panel.space.box, NEAR_POINT_PX)
            if i is not None:
                text = f"input {i + 1} ({snap['labels'][i]}): x = {vector(data[i])}"
                winners = snap.get("data_winners")
                if winners is not None:
                    text += f" · won by unit {int(np.asarray(winners)[i]) + 1}"
                return text
        return f"(x₁, x₂) = ({num(x)}, {num(y)})"

    def _matrix_cell(self, snap: Mapping[str, Any], x: float, y: float
                     ) -> tuple[int, int] | None:
        weights = np.asarray(snap["weights"])
        j, i = round(y) - 1, round(x) - 1
        if 0 <= j < weights.shape[0] and 0 <= i < weights.shape[1]:
            return j, i
        return None

    def _matrix_pick(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        cell = self._matrix_cell(snap, x, y)
        return None if cell is None else cell[0]

    def _matrix_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        cell = self._matrix_cell(snap, x, y)
        if cell is None:
            return None
        j, i = cell
        w = float(np.asarray(snap["weights"])[j, i])
        return f"w{sub(j + 1)},{sub(i + 1)} = {num(w)} · " + unit_readout(snap, j)

    def _cells_near(self, x: float, y: float) -> tuple[int, int | None] | None:
        """The cell under (x, y) on the map, and its neighbour across a border close by."""
        layout = self.panel.map.layout
        if layout is None:
            return None
        d = np.hypot(layout.centres[:, 0] - x, layout.centres[:, 1] - y)
        order = np.argsort(d)[:2]
        first = int(order[0])
        if d[first] > 0.62:
            return None
        if len(order) < 2:
            return first, None
        second = int(order[1])
        near_border = d[second] - d[first] < BORDER
        neighbours = layout.topology != "none" and grid_distance(
            layout.rows, layout.cols, layout.topology, first, second) == 1
        return first, second if near_border and neighbours else None

    def _map_pick(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        cells = self._cells_near(x, y)
        return None if cells is None else cells[0]

    def _map_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        cells = self._cells_near(x, y)
        if cells is None:
            return None
        first, second = cells
        if second is not None:
            return pair_readout(snap, min(first, second), max(first, second))
        return unit_readout(snap, first)

    def _history_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        epochs = np.asarray(snap["history_epoch"], dtype=float)
        if not epochs.size:
            return None
        return history_readout(snap, int(np.argmin(np.abs(epochs - x))))

    # -- the teach step ----------------------------------------------------------------------
    def teach_step(self) -> None:
        """One sample played in stages (see the module's text)."""
        self.teacher.play(self._stages())

    def _stages(self) -> Iterator[str | None]:
        panel = self.panel
        snap = yield from teach_opening(
            panel, "The map has done its epochs: Reset (R), then teach a step again.")
        if snap is None:
            return
        start = int(snap["step"])
        self._teach = (start, start + 1)
        try:
            panel.ensure_started()
            panel.runner.step(1)  # one sample, whatever Step takes
            yield from wait_for_step(panel, start)
            snap = panel.snapshot
            if int(snap["step"]) == start + 1 and snap["weights_before"] is not None:
                yield from self._show_stages(snap)
        finally:
            self._teach = None
            self._clear_teach_marks()
            panel.redraw()

    def _show_stages(self, snap: Mapping[str, Any]) -> Iterator[str]:
        panel = self.panel
        before = np.asarray(snap["weights_before"], dtype=float)
        after = np.asarray(snap["weights"], dtype=float)
        x = np.asarray(snap["input"], dtype=float)
        d = np.asarray(snap["distances"], dtype=float)
        rates = np.asarray(snap["unit_rates"], dtype=float)
        winner = int(snap["winner"])
        learners = np.flatnonzero(rates > 0)
        flat = before.shape[1] == 2
        quiet = {"updated": np.empty(0, dtype=np.int64), "update_rates": np.empty(0),
                 "winner": None, "input": None}
        if flat:
            panel.space.draw({**snap, **quiet, "weights": before}, None)
            self.input_star.setData([x[0]], [x[1]])
        else:
            panel.matrix.draw(before, None)
        panel.map.winner_outline.setData([], [])
        panel.map.neighbour_outline.setData([], [])
        label = snap["labels"][int(snap["input_index"])]
        yield f"Teach step 1/6 · The input x = {vector(x)} (input {label}) is presented."

        panel.map.show_values(d, "distance D(j) to x")
        if flat:
            self._colour_units(before, d)
        yield (f"Teach step 2/6 · Every unit is coloured by its distance D(j) = ‖x − w_j‖² "
               f"to x (dark = near): from {num(d.min())} to {num(d.max())}.")

        corners = panel.map.layout.closed_outline(winner)
        panel.map.winner_outline.setData(corners[:, 0], corners[:, 1])
        if flat:
            self.winner_ring.setData([before[winner, 0]], [before[winner, 1]])
        yield (f"Teach step 3/6 · The winner J = {winner + 1}: the smallest distance, "
               f"D({winner + 1}) = {num(d[winner])}.")

        if 1 < learners.size:
            seg = panel.map.layout.outline_of(learners)
            panel.map.neighbour_outline.setData(seg[:, 0], seg[:, 1])
        if flat:
            self.neighbour_rings.setData(before[learners, 0], before[learners, 1])
        yield f"Teach step 4/6 · {self._neighbourhood_words(snap, learners.size)}"

        if flat:
            self._draw_arrows(before[learners], after[learners])
        yield (f"Teach step 5/6 · Each of them moves by α·h(d)·(x − w_j), α = "
               f"{short(snap['learning_rate'])}: the winner the most"
               + (", along the arrows." if flat else "."))

        self._clear_teach_marks()
        self._teach = None
        panel.redraw()
        yield (f"Teach step 6/6 · The weights are updated: w{sub(winner + 1)} "
               f"{vector(before[winner])} → {vector(after[winner])}.")

    @staticmethod
    def _neighbourhood_words(snap: Mapping[str, Any], count: int) -> str:
        radius = short(snap["radius"])
        if snap.get("membership") == "fuzzy":
            return (f"With fuzzy memberships every unit learns a little: the {count} units "
                    "with a rate above zero are ringed.")
        if snap["topology"] == "none":
            return "No topology: the winner alone learns (Example 4.5)."
        if snap.get("neighborhood") == "gaussian":
            return (f"Its neighbourhood at R = {radius}: the {count} units with "
                    "h = exp(−d²/2R²) above 0.001 learn, the nearer the more.")
        return (f"Its neighbourhood at R = {radius}: the {count} unit{'s' if count != 1 else ''}"
                f" with d(J, j) ≤ R learn with the full rate α.")

    def _colour_units(self, positions: np.ndarray, d: np.ndarray) -> None:
        span = float(d.max() - d.min()) or 1.0
        index = np.clip(((d - d.min()) / span * 255).astype(int), 0, 255)
        brushes = [pg.mkBrush(*LUT[k]) for k in index]
        self.units_by_distance.setData(positions[:, 0], positions[:, 1], brush=brushes,
                                       size=self._theme.symbol_size * 1.3,
                                       pen=pg.mkPen(self._theme.foreground, width=1))

    def _draw_arrows(self, start: np.ndarray, end: np.ndarray) -> None:
        moved = np.flatnonzero(np.abs(end - start).max(axis=1) > 0)[:MAX_ARROWS]
        pts = np.stack([start[moved], end[moved]], axis=1).reshape(-1, 2)
        self.arrow_shafts.setData(pts[:, 0], pts[:, 1])
        plot = self.panel.space.plot
        size = self._theme.symbol_size * 1.6
        for k in moved:
            dx, dy = end[k] - start[k]
            angle = float(np.degrees(np.arctan2(-dy, -dx)))  # (0°: the head points left)
            arrow = pg.ArrowItem(pos=(end[k, 0], end[k, 1]), angle=angle, headLen=size,
                                 tipAngle=35, brush=color("winner"), pen=None)
            arrow.setZValue(46)
            plot.addItem(arrow, ignoreBounds=True)
            self.arrows.append(arrow)

    def _clear_teach_marks(self) -> None:
        for item in (self.units_by_distance, self.neighbour_rings, self.winner_ring,
                     self.arrow_shafts, self.input_star):
            item.setData([], [])
        for arrow in self.arrows:
            self.panel.space.plot.removeItem(arrow)
        self.arrows = []
