"""The schedules α and R (planned: dashed; used: solid) and the quantization and
topographic errors after each epoch, each pair on one plot with two vertical axes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from mechgui.engine import ParamSet
from mechgui.engine.som import learning_rate_at, radius_at

from ...panel import SimulationPanel
from ...theme import Theme

__all__ = ["CurvesView"]

#: Epochs at which the planned schedules are evaluated, at most.
MAX_PLANNED_EPOCHS = 2000


def _twin(plot: pg.PlotItem, label: str) -> pg.ViewBox:
    """A second view box on ``plot``'s right axis (a curve with another scale)."""
    box = pg.ViewBox()
    box.setZValue(1000)  # above the plot's own (filled) view box
    plot.showAxis("right")
    plot.scene().addItem(box)
    plot.getAxis("right").linkToView(box)
    plot.getAxis("right").setLabel(label)
    box.setXLink(plot)
    box.setMouseEnabled(x=False, y=False)

    def sync() -> None:
        box.setGeometry(plot.getViewBox().sceneBoundingRect())
        box.linkedViewChanged(plot.getViewBox(), box.XAxis)

    plot.getViewBox().sigResized.connect(sync)
    return box


class CurvesView:
    """The two plots of curves under the input space and the map, in ``layout``."""

    def __init__(self, panel: SimulationPanel, layout: pg.GraphicsLayout) -> None:
        self.schedule_plot = panel.add_plot(None, "Schedules α, R", left="α", bottom="epoch")
        layout.addItem(self.schedule_plot, row=0, col=0)
        self.schedule_plot.setMouseEnabled(x=False, y=False)
        self.radius_box = _twin(self.schedule_plot, "R")
        # (bare curves: Qt caches what an item itself paints, and a PlotDataItem paints
        # nothing itself, its curve child does; the plans change only with the parameters)
        self.alpha_plan = pg.PlotCurveItem()
        self.alpha_plan.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.alpha_curve = pg.PlotDataItem()
        self.radius_plan = pg.PlotCurveItem()
        self.radius_plan.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.radius_curve = pg.PlotDataItem()
        self.schedule_plot.addItem(self.alpha_plan)
        self.schedule_plot.addItem(self.alpha_curve)
        self.radius_box.addItem(self.radius_plan)
        self.radius_box.addItem(self.radius_curve)
        self.epoch_line = pg.InfiniteLine(angle=90, movable=False)
        self.schedule_plot.addItem(self.epoch_line, ignoreBounds=True)
        legend = self.schedule_plot.addLegend(offset=(-10, 10))
        legend.addItem(self.alpha_curve, "α")
        legend.addItem(self.radius_curve, "R")

        self.error_plot = panel.add_plot(None, "Errors QE, TE", left="QE", bottom="epoch")
        layout.addItem(self.error_plot, row=0, col=1)
        self.error_plot.setMouseEnabled(x=False, y=False)
        self.te_box = _twin(self.error_plot, "TE")
        self.qe_curve = pg.PlotDataItem()
        self.te_curve = pg.PlotDataItem()
        self.error_plot.addItem(self.qe_curve)
        self.te_box.addItem(self.te_curve)
        self.te_box.setYRange(0, 1.02, padding=0)
        legend = self.error_plot.addLegend(offset=(-10, 10))
        legend.addItem(self.qe_curve, "QE")
        legend.addItem(self.te_curve, "TE")
        self._error_top = 0.0
        self._drawn: tuple | None = None  # (epochs recorded, initial QE) of the curves drawn

    def plan(self, params: ParamSet) -> None:
        """The planned schedules α and R of ``params``, and the epoch axes."""
        epochs = params.epochs
        e = np.unique(np.linspace(0, epochs - 1, min(epochs, MAX_PLANNED_EPOCHS)).astype(int))
        alpha = np.array([learning_rate_at(params, int(k)) for k in e])
        radius = np.array([radius_at(params, int(k)) for k in e])
        self.alpha_plan.setData(e + 1, alpha)
        self.radius_plan.setData(e + 1, radius)
        self.schedule_plot.setXRange(0.5, epochs + 0.5, padding=0.02)
        self.error_plot.setXRange(0.5, epochs + 0.5, padding=0.02)
        self.schedule_plot.setYRange(0, max(float(alpha.max()), 1e-9) * 1.08, padding=0)
        self.radius_box.setYRange(0, max(float(radius.max()), 1.0) * 1.08, padding=0)

    def restart(self) -> None:
        """The run started again: the error axis is fitted anew."""
        self._error_top = 0.0
        self._drawn = None

    def draw(self, snap: Mapping[str, Any]) -> None:
        """The schedules used and the errors so far (they change once an epoch)."""
        epochs = np.asarray(snap["history_epoch"], dtype=float)
        key = (epochs.size, float(snap["initial_quantization_error"]))
        if key == self._drawn:
            return
        self._drawn = key
        self.alpha_curve.setData(epochs, np.asarray(snap["history_learning_rate"]))
        self.radius_curve.setData(epochs, np.asarray(snap["history_radius"]))
        e0 = np.concatenate([[0.0], epochs])
        qe = np.concatenate([[snap["initial_quantization_error"]],
                             np.asarray(snap["history_quantization_error"])])
        te = np.concatenate([[snap["initial_topographic_error"]],
                             np.asarray(snap["history_topographic_error"])])
        self.qe_curve.setData(e0, qe)
        if snap["topology"] == "none":  # no neighbours: the error means nothing
            self.te_curve.setData([], [])
        else:
            self.te_curve.setData(e0, te)
        self.epoch_line.setValue(int(snap["epoch"]) + 1)
        top = float(np.nanmax(qe)) if qe.size else 1.0
        top = max(top, 1e-9) * 1.08
        if not (0.5 * self._error_top <= top <= self._error_top):  # rescale rarely: each
            self._error_top = top                                    # rescale re-lays the axis
            self.error_plot.setYRange(0, top, padding=0)

    def restyle(self, theme: Theme) -> None:
        # (axes, the right-hand ones included, and legends: apply_plot_theme)
        self.alpha_plan.setPen(theme.pen("primary", theme.thin_width, alpha=0.5,
                                         style=Qt.PenStyle.DashLine))
        self.alpha_curve.setPen(theme.pen("primary", theme.line_width))
        self.radius_plan.setPen(theme.pen("secondary", theme.thin_width, alpha=0.6,
                                          style=Qt.PenStyle.DashLine))
        self.radius_curve.setPen(theme.pen("secondary", theme.line_width))
        self.qe_curve.setPen(theme.pen("primary", theme.line_width))
        self.te_curve.setPen(theme.pen("winner", theme.line_width))
        self.epoch_line.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DotLine))
