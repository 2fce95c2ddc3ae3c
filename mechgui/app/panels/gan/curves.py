"""The curves under the pages, from the engine's decimated ``history`` and ``metric_history``
(flat in memory however long the run): the losses with their values at the equilibrium
(dotted, named on the right axis), D's accuracy, and the metrics (on the digits: the
classifier's reading of the samples).  Drawn on detailed frames; a key under each plot names
the curves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from mechgui.engine import ParamSet

from ...panel import SimulationPanel
from ...theme import Theme
from ...widgets import LevelsAxis
from .geometry import AxisRange, equilibrium_lines
from .items import HALVES, Key, entry, show_curve

__all__ = ["CurvesView"]

#: The colour of each network's curves and equilibrium lines.
_ROLES = {"D": "primary", "G": "winner", "V": "accent"}


class CurvesView:
    """Losses, accuracy and metrics side by side (``graphics``), a key under each."""

    def __init__(self, panel: SimulationPanel) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        # (the x axes are the training steps, as the transport bar counts them; the key
        # sits where their label would)
        self.loss_plot = panel.add_plot(self.graphics, "Losses", row=0, col=0)
        self.acc_plot = panel.add_plot(self.graphics, "D's accuracy", row=0, col=1)
        self.metric_plot = panel.add_plot(self.graphics, "Metrics", row=0, col=2)
        self.keys = [Key() for _ in range(3)]
        for col, (plot, key) in enumerate(zip(self.plots(), self.keys)):
            plot.setMouseEnabled(x=False, y=False)
            self.graphics.addItem(key, row=1, col=col)
        self.acc_plot.setXLink(self.loss_plot)
        self.metric_plot.setXLink(self.loss_plot)
        self.loss_plot.setAxisItems({"right": LevelsAxis("right")})
        self.loss_plot.showAxis("right")  # names the equilibrium values
        self.loss_d_curve = pg.PlotDataItem()
        self.loss_g_curve = pg.PlotDataItem()
        self.value_curve = pg.PlotDataItem()  # V = −(D's loss), under the minimax loss
        #: The dotted equilibrium lines, by whose loss they are.
        self.refs = {whose: pg.InfiniteLine(angle=0, movable=False) for whose in _ROLES}
        for line in self.refs.values():
            self.loss_plot.addItem(line, ignoreBounds=True)
        self.loss_plot.addItem(self.loss_d_curve)
        self.loss_plot.addItem(self.loss_g_curve)
        self.acc_real_curve = pg.PlotDataItem()
        self.acc_fake_curve = pg.PlotDataItem()
        self.acc_half = pg.InfiniteLine(pos=0.5, angle=0, movable=False)
        self.acc_plot.addItem(self.acc_half, ignoreBounds=True)
        self.acc_plot.addItem(self.acc_real_curve)
        self.acc_plot.addItem(self.acc_fake_curve)
        self.acc_plot.setYRange(-0.02, 1.02, padding=0)
        for plot in (self.acc_plot, self.metric_plot):  # shares: few ticks, readable when low
            plot.getAxis("left").setTicks(HALVES)
        self.js_curve = pg.PlotDataItem()
        self.modes_curve = pg.PlotDataItem()     # only for targets with modes
        self.quality_curve = pg.PlotDataItem()
        self.metric_plot.addItem(self.js_curve)
        self.metric_plot.setYRange(-0.02, 1.02, padding=0)
        self._theme = panel.theme
        self._minimax = False
        self._modes = False
        self._images = False  # the metrics are the digits' (the keys say so)
        self._x_right = 0.0
        self._loss_range = AxisRange()

    def plots(self) -> list[pg.PlotItem]:
        return [self.loss_plot, self.acc_plot, self.metric_plot]

    # -- parameters ----------------------------------------------------------------------
    def plan(self, params: ParamSet) -> None:
        """The equilibrium lines of ``params.loss``, and V's curve under the minimax loss."""
        lines = equilibrium_lines(params.loss)
        shown = {whose for whose, _, _ in lines}
        for whose, value, _ in lines:
            self.refs[whose].setValue(value)
        for whose, line in self.refs.items():
            line.setVisible(whose in shown)
        self.loss_plot.getAxis("right").setTicks([[(value, text) for _, value, text in lines]])
        minimax = params.loss == "minimax"
        if minimax != self._minimax:
            if minimax:
                self.loss_plot.addItem(self.value_curve)
            else:
                self.loss_plot.removeItem(self.value_curve)
            self._minimax = minimax
        self._loss_range = AxisRange()
        self._show_keys()

    def restart(self) -> None:
        self._x_right = 0.0
        self._loss_range = AxisRange()

    # -- drawing -------------------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any]) -> None:
        """The histories of a detailed snapshot."""
        h = snap["history"]
        steps = np.asarray(h["step"], dtype=float)
        loss_d = np.asarray(h["loss_d"], dtype=float)
        loss_g = np.asarray(h["loss_g"], dtype=float)
        show_curve(self.loss_d_curve, steps, loss_d)
        show_curve(self.loss_g_curve, steps, loss_g)
        values = [loss_d, loss_g]
        if self._minimax:
            show_curve(self.value_curve, steps, -loss_d)
            values.append(-loss_d)
        show_curve(self.acc_real_curve, steps, h["accuracy_real"])
        show_curve(self.acc_fake_curve, steps, h["accuracy_fake"])
        self._fit_losses(np.concatenate(values) if steps.size else np.empty(0))

        m = snap["metric_history"]
        msteps = np.asarray(m["step"], dtype=float)
        show_curve(self.js_curve, msteps, m["js_divergence"])
        total = snap["metrics"].get("modes_total")
        images = "image_shape" in snap
        if bool(total) != self._modes:
            self._modes = bool(total)
            for item in (self.modes_curve, self.quality_curve):
                if total:
                    self.metric_plot.addItem(item)
                else:
                    self.metric_plot.removeItem(item)
            self._show_keys()
        if images != self._images:
            self._images = images
            self._show_keys()
        if total:
            show_curve(self.modes_curve, msteps,
                       np.asarray(m["modes_covered"], dtype=float) / float(total))
            show_curve(self.quality_curve, msteps,
                       np.asarray(m["high_quality"], dtype=float) / 100.0)

        last = max(float(steps[-1]) if steps.size else 0.0,
                   float(msteps[-1]) if msteps.size else 0.0, float(snap["step"]))
        right = max(last, 10.0)
        if right > self._x_right or right < 0.5 * self._x_right:
            self._x_right = right * 1.5 if right > 10 else right
            self.loss_plot.setXRange(0, self._x_right, padding=0.02)

    def _fit_losses(self, data: np.ndarray) -> None:
        """Room for the losses and their equilibrium lines (for the lines alone at first)."""
        values = [float(line.value()) for line in self.refs.values() if line.isVisible()]
        data = data[np.isfinite(data)]
        if data.size:
            values += [float(data.min()), float(data.max())]
        if not values:
            return
        rng = self._loss_range.fit(min(values), max(values))
        if rng is not None:
            self.loss_plot.setYRange(*rng, padding=0)

    # -- keys and theme ------------------------------------------------------------------
    def _show_keys(self) -> None:
        theme = self._theme
        losses = [entry("line", "primary", "D"), entry("line", "winner", "G")]
        if self._minimax:
            losses.append(entry("line", "accent", "V = −D's"))
        losses.append(entry("dots", "muted", "equilibrium"))
        if self._images:
            metrics = [entry("line", "primary", "JS of the digits read"),
                       entry("line", "secondary", "digits covered"),
                       entry("line", "accent", "confident")]
        else:
            metrics = [entry("line", "primary", "JS divergence")]
            if self._modes:
                metrics += [entry("line", "secondary", "modes covered"),
                            entry("line", "accent", "near a mode")]
        self.keys[0].set_entries(losses, theme)
        self.keys[1].set_entries([entry("line", "accent", "on real data"),
                                  entry("line", "winner", "on generated")], theme)
        self.keys[2].set_entries(metrics, theme)

    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        self.acc_half.setPen(theme.pen("muted", theme.thin_width, style=Qt.PenStyle.DotLine))
        for whose, line in self.refs.items():
            line.setPen(theme.pen(_ROLES[whose], theme.thin_width, alpha=0.7,
                                  style=Qt.PenStyle.DotLine))
        # The histories are long, jagged polylines: in the normal theme 1-pixel lines
        # without antialiasing (Qt's fast path: a third of the cost of painting them
        # smooth and 1.5 px wide); lecture mode keeps them thick and smooth.
        lecture = theme.name == "lecture"
        for plot in self.plots():  # the steps' numbers in big type need more room
            plot.getAxis("bottom").setTickDensity(0.5 if lecture else 1.0)
        wide = theme.line_width * 0.75 if lecture else 1.0
        thin = theme.thin_width if lecture else 1.0
        for curve, role, width in ((self.loss_d_curve, "primary", wide),
                                   (self.loss_g_curve, "winner", wide),
                                   (self.value_curve, "accent", thin),
                                   (self.acc_real_curve, "accent", wide),
                                   (self.acc_fake_curve, "winner", wide),
                                   (self.js_curve, "primary", wide),
                                   (self.modes_curve, "secondary", wide),
                                   (self.quality_curve, "accent", thin)):
            curve.setPen(theme.pen(role, width))
            curve.opts["antialias"] = lecture
            curve.curve.opts["antialias"] = lecture
        self._show_keys()
