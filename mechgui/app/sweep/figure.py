"""The picture of a sweep: a curve with its band over seeds, or a heat map with a colour scale.

:class:`SweepFigure` draws one metric of a :class:`~mechgui.explore.SweepResult` (redrawn
as rows stream in) and tells which run a click picked (:attr:`SweepFigure.pointPicked`).
:func:`save_png` draws the same figure without a window, for ``mechgui sweep --plot``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from mechgui.explore import SweepResult
from mechgui.explore.presets import Guide

from ..theme import (
    NORMAL,
    PALETTE,
    STATUS_COLOURS,
    Theme,
    apply_axis_theme,
    apply_plot_theme,
    color,
)
from ..widgets import RoomyAxis

__all__ = ["SweepFigure", "save_png", "tick_text"]

#: Most tick labels along a heat map's axis.
MAX_TICKS = 9
COLOUR_MAP = "viridis"
#: Room above the curves for the legend's row, as a share of the data's height.
HEADROOM = 0.14


def tick_text(value: Any) -> str:
    """A value as a tick label: four significant digits for a float."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _positions(values: Sequence[float], log: bool, targets: np.ndarray) -> np.ndarray:
    """Where ``targets`` fall between the cells of an axis with ``values`` (cell i at i)."""
    scale = np.log10 if log else np.asarray
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.interp(scale(np.asarray(targets, dtype=float)),
                         scale(np.asarray(values, dtype=float)), np.arange(len(values)),
                         left=np.nan, right=np.nan)


class SweepFigure(pg.GraphicsLayoutWidget):
    """One metric of a sweep: over one axis, the mean of the seeds with their band (lowest
    to highest) and every run as a dot; over two, a heat map of the mean.  A left click
    emits ``pointPicked((index, repeat))``: the point (or cell) and its repeat nearest
    the value clicked."""

    pointPicked = Signal(object)

    def __init__(self, parent: QWidget | None = None, theme: Theme = NORMAL) -> None:
        super().__init__(parent)
        self.setObjectName("sweep-figure")
        self.theme = theme
        #: The title, above the plot and its colour scale alike.
        self.title = self.addLabel("", row=0, col=0, colspan=2)
        self.plot = self.addPlot(row=1, col=0, axisItems={"bottom": RoomyAxis("bottom")})
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.colour_bar: pg.ColorBarItem | None = None
        self.result: SweepResult | None = None
        self.metric_name = ""
        self.guides: tuple[Guide, ...] = ()
        self.selected: tuple[tuple[int, ...], int] | None = None
        self._x: np.ndarray = np.empty(0)
        self.scene().sigMouseClicked.connect(self._clicked)

    # -- drawing -------------------------------------------------------------------------------
    def show_result(self, result: SweepResult, metric: str | None = None,
                    guides: Sequence[Guide] = ()) -> None:
        """Draw ``metric`` (default: the sweep's first) of ``result``; call again as rows come."""
        self.result = result
        self.metric_name = metric or result.sweep.metrics[0]
        self.guides = tuple(guides)
        self.redraw()

    def redraw(self) -> None:
        result = self.result
        if result is None:
            return
        self.plot.clear()
        if self.plot.legend is not None:
            self.plot.legend.clear()
        if len(result.sweep.axes) == 1:
            self._draw_curve(result)
        else:
            self._draw_heat_map(result)
        metric = result.metric(self.metric_name)
        better = {True: " (higher is better)", False: " (lower is better)"}.get(
            None if metric.categorical else metric.higher_is_better, "")
        apply_plot_theme(self.plot, self.theme)
        self.title.setText(metric.label + better, size=f"{self.theme.title_size}pt",
                           color=self.theme.foreground)
        self._draw_selection()

    def _draw_curve(self, result: SweepResult) -> None:
        axis = result.sweep.axes[0]
        metric = result.metric(self.metric_name)
        log = axis.scale == "log"
        x = np.asarray(axis.values, dtype=float) if axis.numeric else np.arange(len(axis))
        self._x = np.log10(x) if log else x
        self.plot.setLogMode(x=log, y=False)
        self.plot.setLabel("bottom", axis.label)
        bottom = self.plot.getAxis("bottom")
        bottom.setTicks(None if axis.numeric else [list(enumerate(axis.texts))])
        legend = self.plot.addLegend(offset=(-10, 4))
        if metric.categorical:
            self.plot.setLabel("left", "share of runs")
            for k, category in enumerate(metric.categories):
                share = result.summary(self.metric_name, category).mean
                if not np.any(share > 0):
                    continue
                colour = STATUS_COLOURS.get(category, PALETTE[(k + 1) % len(PALETTE)])
                self.plot.addItem(pg.PlotDataItem(
                    x, share, pen=pg.mkPen(colour, width=self.theme.line_width), symbol="o",
                    symbolSize=self.theme.symbol_size, symbolBrush=colour, symbolPen=None,
                    name=category))
        else:
            self._draw_numeric(result, x, metric.axis_label())
        pen = pg.mkPen(color("winner"), width=1.5, style=Qt.PenStyle.DashLine)
        for guide in self.guides:
            if guide.y:
                self.plot.addItem(pg.PlotDataItem(list(guide.x), list(guide.y), name=guide.label,
                                                  pen=pen))
                continue
            for x in guide.x:  # vertical lines, labelled at the top
                self.plot.addItem(pg.InfiniteLine(math.log10(x) if log else x, angle=90, pen=pen,
                                                  label=guide.label, labelOpts={
                                                      "position": 0.93, "color": color("winner"),
                                                      "fill": (255, 255, 255, 200)}))
        legend.setColumnCount(max(1, len(legend.items)))  # one row, over the headroom
        # the range now, not at the next paint: a click right after a redraw lands true
        box = self.plot.getViewBox()
        box.autoRange(padding=0.04)
        low, high = (-0.02, 1.02) if metric.categorical else box.viewRange()[1]
        box.setYRange(low, high + HEADROOM * (high - low), padding=0)

    def _draw_numeric(self, result: SweepResult, x: np.ndarray, label: str) -> None:
        summary = result.summary(self.metric_name)
        values = result.values(self.metric_name)
        self.plot.setLabel("left", label)
        ok = np.isfinite(summary.mean)
        repeats = result.sweep.repeats
        if repeats > 1 and ok.sum() > 1:
            low = pg.PlotDataItem(x[ok], summary.low[ok], pen=pg.mkPen(color("primary", 0.4)))
            high = pg.PlotDataItem(x[ok], summary.high[ok], pen=pg.mkPen(color("primary", 0.4)))
            band = pg.FillBetweenItem(low, high, brush=pg.mkBrush(color("primary", 0.18)))
            for item in (band, low, high):
                self.plot.addItem(item)
            # (a FillBetweenItem cannot be a legend's sample: a thick pale line stands for it)
            sample = pg.PlotDataItem(pen=pg.mkPen(color("primary", 0.3), width=10))
            self.plot.legend.addItem(sample, f"lowest to highest of {repeats} seeds")
        dots_x = np.repeat(x, repeats)
        flat = values.reshape(-1)
        finite = np.isfinite(flat)
        self.plot.addItem(pg.ScatterPlotItem(dots_x[finite], flat[finite], size=5, pen=None,
                                             brush=pg.mkBrush(color("muted", 0.7)),
                                             name="one run"))
        self.plot.addItem(pg.PlotDataItem(
            x[ok], summary.mean[ok], pen=pg.mkPen(color("primary"), width=self.theme.line_width),
            symbol="o", symbolSize=self.theme.symbol_size, symbolBrush=color("primary"),
            symbolPen=None, name="mean" if repeats > 1 else "value"))

    def _draw_heat_map(self, result: SweepResult) -> None:
        first, second = result.sweep.axes
        metric = result.metric(self.metric_name)
        summary = result.summary(self.metric_name)
        self.plot.setLogMode(x=False, y=False)
        image = pg.ImageItem(axisOrder="row-major")
        grid = summary.mean.T.astype(np.float32)  # rows: the second axis, upwards
        finite = grid[np.isfinite(grid)]
        if metric.categorical:
            levels = (0.0, 1.0)
        elif finite.size:
            levels = (float(finite.min()), float(finite.max()))
            if levels[0] == levels[1]:
                levels = (levels[0] - 0.5, levels[1] + 0.5)
        else:
            levels = (0.0, 1.0)
        image.setImage(grid, levels=levels, autoLevels=False)
        image.setRect(QRectF(-0.5, -0.5, len(first), len(second)))
        self.plot.addItem(image)
        self._cell_ticks(self.plot.getAxis("bottom"), first)
        self._cell_ticks(self.plot.getAxis("left"), second)
        self.plot.setLabel("bottom", first.label)
        self.plot.setLabel("left", second.label)
        self.plot.setRange(xRange=(-0.5, len(first) - 0.5), yRange=(-0.5, len(second) - 0.5),
                           padding=0.02)
        self._colour_scale(image, levels, summary.label)
        for k, guide in enumerate(self.guides):
            gx = _positions(first.values, first.scale == "log", np.asarray(guide.x))
            if not guide.y:  # vertical lines
                gx = np.repeat(gx, 2)
                gy = np.tile([-0.5, len(second) - 0.5], len(guide.x))
            else:
                gy = _positions(second.values, second.scale == "log", np.asarray(guide.y))
            keep = np.isfinite(gx) & np.isfinite(gy)
            connect = "all" if guide.y else "pairs"
            for pen in (pg.mkPen("#FFFFFF", width=4),  # a white edge: seen on any colour
                        pg.mkPen("#000000", width=2, style=Qt.PenStyle.DashLine)):
                self.plot.addItem(pg.PlotDataItem(gx[keep], gy[keep], connect=connect, pen=pen))
            if keep.any():
                share = (0.25 + 0.35 * k) % 1.0  # labels of neighbouring curves apart
                at = np.flatnonzero(keep)[int(np.count_nonzero(keep) * share)]
                text = pg.TextItem(guide.label, color="#000000", anchor=(0, 1),
                                   fill=pg.mkBrush(255, 255, 255, 210))
                text.setPos(gx[at], gy[at])
                self.plot.addItem(text)

    def _colour_scale(self, image: pg.ImageItem, levels: tuple[float, float], label: str) -> None:
        if self.colour_bar is None:
            self.colour_bar = pg.ColorBarItem(values=levels, colorMap=pg.colormap.get(COLOUR_MAP),
                                              interactive=False, width=16)
            self.addItem(self.colour_bar, row=1, col=1)
        bar = self.colour_bar
        bar.setLevels(levels)
        bar.setImageItem(image)
        bar.axis.setLabel(label)
        apply_axis_theme(bar.axis, self.theme)

    @staticmethod
    def _cell_ticks(axis: pg.AxisItem, sweep_axis: Any) -> None:
        n = len(sweep_axis)
        every = max(1, math.ceil(n / MAX_TICKS))
        axis.setTicks([[(i, tick_text(sweep_axis.values[i])) for i in range(0, n, every)]])

    # -- picking a run ---------------------------------------------------------------------
    def select(self, index: tuple[int, ...], repeat: int) -> None:
        """Mark one run (the one loaded into the tab)."""
        self.selected = (tuple(index), repeat)
        self._draw_selection()

    def _draw_selection(self) -> None:
        if self.selected is None or self.result is None:
            return
        index, repeat = self.selected
        if len(index) == 1:
            axis = self.result.sweep.axes[0]
            x = float(axis.values[index[0]]) if axis.numeric else float(index[0])
            metric = self.result.metric(self.metric_name)
            row = self.result.row(index, repeat)
            if metric.categorical:  # on the curve of the run's own outcome
                category = row.metrics.get(self.metric_name) if row else None
                y = float(self.result.summary(self.metric_name, category).mean[index])
            else:
                value = self.result.values(self.metric_name)[index + (repeat,)]
                y = float(value) if np.isfinite(value) else 0.0
        else:  # a cell: its outline, white under orange (seen on any colour)
            i, j = index
            xs, ys = [i - .5, i + .5, i + .5, i - .5, i - .5], [j - .5, j - .5, j + .5, j + .5, j - .5]
            for pen in (pg.mkPen("#FFFFFF", width=5), pg.mkPen(color("winner"), width=2.5)):
                self.plot.addItem(pg.PlotDataItem(xs, ys, pen=pen))
            return
        ring = pg.ScatterPlotItem([x], [y], size=18, brush=None, symbol="o",
                                  pen=pg.mkPen(color("winner"), width=3))
        self.plot.addItem(ring)

    def _clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.result is None or \
                not self.plot.sceneBoundingRect().contains(event.scenePos()):
            return
        where = self.plot.getViewBox().mapSceneToView(event.scenePos())
        picked = self.pick(where.x(), where.y())
        if picked is not None:
            self.select(*picked)
            self.pointPicked.emit(picked)

    def pick(self, x: float, y: float) -> tuple[tuple[int, ...], int] | None:
        """The finished run nearest the view coordinates (x, y), or None."""
        result = self.result
        if result is None or not len(result):
            return None
        shape = result.sweep.shape
        if len(shape) == 2:
            index = (round(x), round(y))
            if not (0 <= index[0] < shape[0] and 0 <= index[1] < shape[1]):
                return None
            target = float(result.summary(self.metric_name).mean[index])
        else:
            index = (int(np.argmin(np.abs(self._x - x))),)
            target = y
        metric = result.metric(self.metric_name)
        category = None
        if metric.categorical and len(shape) == 1:
            category, target = self._nearest_category(index, y), 1.0
        repeat = result.nearest_repeat(self.metric_name, index, target, category)
        return None if repeat is None else (index, repeat)

    def _nearest_category(self, index: tuple[int, ...], y: float) -> str:
        """The category whose share at ``index`` is drawn nearest ``y``."""
        metric = self.result.metric(self.metric_name)
        shares = [(abs(self.result.summary(self.metric_name, c).mean[index] - y), c)
                  for c in metric.categories
                  if np.nan_to_num(self.result.summary(self.metric_name, c).mean[index]) > 0]
        return min(shares)[1] if shares else metric.categories[0]

    def save_png(self, path: str) -> bool:
        """The figure as a PNG file; False if it could not be written."""
        return self.grab().save(path, "PNG")


_app: QApplication | None = None


def _application() -> QApplication:
    """The running application, or one on the offscreen platform (no display needed)."""
    global _app
    app = QApplication.instance()
    if app is None:
        _app = app = QApplication(["mechgui", "-platform", "offscreen"])
    return app  # type: ignore[return-value]


def save_png(result: SweepResult, path: str, metric: str | None = None,
             guides: Sequence[Guide] = (), size: tuple[int, int] = (960, 600)) -> None:
    """Draw ``metric`` of ``result`` into the PNG file ``path``, without a window (raises
    OSError if it cannot be written)."""
    app = _application()
    figure = SweepFigure()
    figure.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    figure.resize(*size)
    figure.show_result(result, metric, guides)
    figure.show()
    app.processEvents()
    saved = figure.save_png(path)
    figure.close()
    figure.deleteLater()
    app.processEvents()
    if not saved:
        raise OSError(f"could not write {path}")
