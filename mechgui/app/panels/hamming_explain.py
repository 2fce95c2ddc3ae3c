"""What the Hamming net tab explains: an output unit's net input y_in,j = n/2 + x·e(j)/2
when an input is presented, then its MaxNet updates with each iteration's numbers (click
a bar or an exemplar's tile, or Tab); a pixel of an exemplar beside the same pixel of the
input; and the teach step: one input through the net, the input alone, then the
similarity layer, then the MaxNet rounds one by one until a unit wins."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mechgui.engine.explain.hamming import pixel_readout, unit_formula, unit_readout
from mechgui.engine.explain.text import num, short

from ..explain import Explainer, SelectionRing, TeachPlayer, teach_opening, wait_for_step
from ..theme import Theme

if TYPE_CHECKING:
    from .hamming import HammingPanel

__all__ = ["HINT", "HammingExplanation"]

HINT = "Click an exemplar's bar or tile (or Tab) for its net input and MaxNet updates."
#: Gap between tiles of the mosaic (pixels), as :mod:`.hamming` lays them out.
TILE_GAP = 1


def _count(snap: Mapping[str, Any]) -> int:
    return int(np.asarray(snap["net_input"]).size)


class HammingExplanation:
    """The explainer of a :class:`~mechgui.app.panels.hamming.HammingPanel`."""

    def __init__(self, panel: HammingPanel) -> None:
        self.panel = panel
        e = self.explain = Explainer(panel, unit_formula, _count, HINT)
        e.watch(panel.yin_plot, self._bar_readout, self._bar_at)
        e.watch(panel.maxnet_plot, self._bar_readout, self._bar_at)
        e.watch(panel.mosaic_plot, self._tile_readout, self._tile_pick)
        e.watch(panel.input_plot, self._input_readout)
        e.selectionChanged.connect(self._selection_changed)
        self.marks = [SelectionRing(plot) for plot in
                      (panel.yin_plot, panel.maxnet_plot, panel.mosaic_plot)]
        self.teacher = TeachPlayer(panel, e.set_caption, panel.render_errors)

    def name(self, j: int) -> str:
        labels = self.panel._labels
        return labels[j] if j < len(labels) else f"e({j + 1})"

    # -- marks -------------------------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any]) -> None:
        """The selected unit's bars outlined, and a frame around its exemplar's tile."""
        j = self.explain.selected
        if j is None or j >= _count(snap):
            for mark in self.marks:
                mark.hide()
            return
        left, right = j + 0.5, j + 1.5
        for mark, values in ((self.marks[0], snap["net_input"]),
                             (self.marks[1], snap["activations"])):
            top = float(np.asarray(values)[j])
            mark.show_outline([left, right, right, left, left], [0, 0, top, top, 0])
        xs, ys = self.panel._frame(j)
        pad = 0.18
        self.marks[2].show_outline(xs + pad * np.array([-1, 1, 1, -1, -1]),
                                   ys + pad * np.array([-1, -1, 1, 1, -1]))

    def restyle(self, theme: Theme) -> None:
        for mark in self.marks:
            mark.restyle(theme)

    def _selection_changed(self, _: object) -> None:
        if self.panel.snapshot is not None:
            self.draw(self.panel.snapshot)

    # -- read-outs ---------------------------------------------------------------------------
    def _bar_at(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        j = round(x) - 1
        return j if 0 <= j < _count(snap) else None

    def _bar_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        j = self._bar_at(snap, x, y)
        return None if j is None else unit_readout(snap, j, self.name(j))

    def _tile_at(self, snap: Mapping[str, Any], x: float, y: float
                 ) -> tuple[int, int, int, int] | None:
        """(exemplar, component, row, col) of the mosaic's pixel at (x, y)."""
        panel = self.panel
        rows, cols = panel._shape
        pitch_x, pitch_y = cols + TILE_GAP, rows + panel._gap
        c, r = math.floor(x / pitch_x), math.floor(y / pitch_y)
        col, row = math.floor(x - c * pitch_x), math.floor(y - r * pitch_y)
        j = r * panel._columns + c
        if not (0 <= c < panel._columns and 0 <= j < _count(snap) and 0 <= row < rows
                and 0 <= col < cols):
            return None
        return j, row * cols + col, row, col

    def _tile_pick(self, snap: Mapping[str, Any], x: float, y: float) -> int | None:
        tile = self._tile_at(snap, x, y)
        return None if tile is None else tile[0]

    def _where(self, row: int, col: int) -> str:
        rows, _ = self.panel._shape
        return f"component {col + 1}" if rows == 1 else f"pixel row {row + 1}, col {col + 1}"

    def _tile_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        tile = self._tile_at(snap, x, y)
        if tile is None:
            return None
        j, component, row, col = tile
        return pixel_readout(snap, component, self._where(row, col), j, self.name(j), False)

    def _input_readout(self, snap: Mapping[str, Any], x: float, y: float) -> str | None:
        rows, cols = self.panel._shape
        row, col = math.floor(y), math.floor(x)
        if not (0 <= row < rows and 0 <= col < cols):
            return None
        j = self.explain.selected
        if j is None or j >= _count(snap):
            a = np.asarray(snap["activations"], dtype=float)
            j = int(snap["winner"]) if snap["winner"] is not None else int(np.argmax(a))
        return pixel_readout(snap, row * cols + col, self._where(row, col), j, self.name(j),
                             True)

    # -- the teach step ----------------------------------------------------------------------
    def teach_step(self) -> None:
        """One input through the net in stages (see the module's text)."""
        self.teacher.play(self._stages())

    def _step(self) -> Iterator[None]:
        """One engine step; yields (waits) until its snapshot is drawn."""
        panel = self.panel
        start = int(panel.snapshot["step"])
        panel.step_once()
        yield from wait_for_step(panel, start)

    def _stages(self) -> Iterator[str | None]:
        panel = self.panel
        snap = yield from teach_opening(
            panel, "Every input is classified: Reset (R), then teach an input again.")
        if snap is None:
            return
        if snap["maxnet_status"] != "running":  # settled: the next step presents the next
            yield from self._step()
            snap = panel.snapshot
        k = int(snap["input_index"]) + 1
        if int(snap["iteration"]) == 0:
            try:
                for item in (panel.yin_bars, panel.yin_best, panel.act_bars,
                             panel.leader_bars, panel.winner_bars):
                    item.setData([], [])
                yield (f"Teach step · The input x({k}) is presented to the similarity layer: "
                       "each unit Y_j compares it with its exemplar e(j).")
            finally:
                panel.redraw()
            y_in = np.asarray(snap["net_input"], dtype=float)
            best = int(np.argmax(y_in))
            yield (f"Teach step · Similarity layer: y_in,j = n/2 + x·e(j)/2 counts the "
                   f"components x shares with e(j); the most, {y_in[best]:g} of "
                   f"{np.asarray(snap['input']).size}, with {self.name(best)}.")
        while panel.snapshot["maxnet_status"] == "running":
            yield from self._step()
            snap = panel.snapshot
            a = np.asarray(snap["activations"], dtype=float)
            left = int(np.count_nonzero(a > 0))
            yield (f"Teach step · MaxNet round t = {snap['iteration']}: each y_j loses "
                   f"ε·Σ of the others (ε = {short(snap['step_epsilon'])}); "
                   f"{left} unit{'s' if left != 1 else ''} above 0, the strongest "
                   f"{self.name(int(np.argmax(a)))} at {num(a.max())}.")
        winner = panel.snapshot["winner"]
        if winner is not None:
            yield (f"Teach step · {self.name(winner)} wins: x({k}) is nearest to exemplar "
                   f"{self.name(winner)} in Hamming distance.")
        else:
            yield (f"Teach step · No winner for x({k}): the MaxNet ended "
                   f"{panel.snapshot['maxnet_status'].replace('_', ' ')}.")
