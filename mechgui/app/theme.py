"""Look of the plots: a normal desk theme and a lecture theme for projectors.

Both use a light background (projectors wash out dark ones) and the Okabe–Ito
palette, which stays distinguishable for colour-blind students.  Lecture mode
enlarges fonts, lines and markers so that the back row can read them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from .widgets import fit_title

__all__ = ["Theme", "NORMAL", "LECTURE", "PALETTE", "STATUS_COLOURS", "color", "apply_plot_theme",
           "apply_legend_theme", "apply_axis_theme", "plain_ticks"]

#: Okabe–Ito colours: black, orange, sky blue, bluish green, yellow, blue, vermillion, purple.
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")

#: Named roles used by every panel.
ROLES = {
    "primary": "#0072B2",    # ordinary data (bars, curves)
    "winner": "#D55E00",     # the unit that wins, the current step
    "accent": "#009E73",     # references (targets, optimal values)
    "muted": "#8C8C8C",      # earlier steps, grid lines
    "warning": "#B35900",
    "input": "#CC79A7",      # the current input
    "secondary": "#E69F00",
}

#: Background colour of the status badge per engine status.
STATUS_COLOURS = {
    "ready": "#5A6270",
    "running": "#0072B2",
    "playing": "#0072B2",
    "converged": "#007A5A",
    "done": "#007A5A",
    "all_zero": "#B03A00",
    "tie": "#B35900",
    "max_steps": "#B35900",
    "diverged": "#B03A00",
}


def color(role: str, alpha: float = 1.0) -> QColor:
    """The colour of a role (or any colour name), with an alpha between 0 and 1."""
    c = QColor(ROLES.get(role, role))
    c.setAlphaF(max(0.0, min(1.0, alpha)))
    return c


@dataclass(frozen=True)
class Theme:
    """Sizes and colours shared by all plots."""

    name: str
    font_size: int          # axis labels, legends (points)
    tick_size: int          # tick labels (points)
    title_size: int         # plot titles (points)
    ui_font_size: int       # widgets (points); 0 keeps the platform's size
    line_width: float       # main curves (pixels)
    thin_width: float       # secondary curves
    symbol_size: int        # scatter markers
    legend_size: int = 9    # legend entries (points): legends sit inside small plots
    background: str = "#FFFFFF"
    foreground: str = "#1A1A1A"

    def pen(self, role: str = "primary", width: float | None = None, alpha: float = 1.0,
            style=None) -> pg.QtGui.QPen:
        pen = pg.mkPen(color(role, alpha), width=self.line_width if width is None else width)
        if style is not None:
            pen.setStyle(style)
        pen.setCosmetic(True)
        return pen

    def brush(self, role: str = "primary", alpha: float = 1.0) -> pg.QtGui.QBrush:
        return pg.mkBrush(color(role, alpha))

    def title(self, text: str) -> str:
        return f'<span style="font-size:{self.title_size}pt; color:{self.foreground}">{text}</span>'


NORMAL = Theme("normal", font_size=10, tick_size=9, title_size=11, ui_font_size=0,
               line_width=2.0, thin_width=1.2, symbol_size=7)
LECTURE = Theme("lecture", font_size=18, tick_size=16, title_size=20, ui_font_size=16,
                line_width=4.5, thin_width=2.5, symbol_size=14, legend_size=13)

pg.setConfigOptions(antialias=True, background=NORMAL.background, foreground=NORMAL.foreground)


def apply_plot_theme(plot: pg.PlotItem, theme: Theme, title: str | None = None) -> None:
    """Background, axes, fonts and title of one plot.

    The title never widens the plot: one too long for the plot's width is shortened
    (see :class:`~mechgui.app.widgets.FittedTitle`), in every theme and every panel.
    """
    fit_title(plot)
    vb = plot.getViewBox()
    vb.setBackgroundColor(theme.background)
    for name in ("left", "bottom", "right", "top"):
        apply_axis_theme(plot.getAxis(name), theme)
    if title is not None:
        plot.setTitle(title, size=f"{theme.title_size}pt", color=theme.foreground)
    if plot.legend is not None:
        apply_legend_theme(plot.legend, theme)


def apply_legend_theme(legend: pg.LegendItem, theme: Theme) -> None:
    """Text size and colour of a legend's entries, those there and those added later."""
    legend.setLabelTextSize(f"{theme.legend_size}pt")  # for entries added later
    legend.setLabelTextColor(theme.foreground)
    legend.setBrush(pg.mkBrush(255, 255, 255, 210))  # readable over the curves
    for _, label in legend.items:  # and the ones already there
        label.setText(label.text, size=f"{theme.legend_size}pt", color=theme.foreground)
    legend.updateSize()


def apply_axis_theme(axis: pg.AxisItem, theme: Theme) -> None:
    """Pen, fonts, label and plain ticks of one axis (a plot's, or a colour bar's)."""
    axis.setPen(pg.mkPen(theme.foreground, width=1.5 if theme.name == "lecture" else 1))
    axis.setTextPen(pg.mkPen(theme.foreground))
    axis.setTickFont(_font(theme.tick_size))
    axis.setStyle(maxTickLevel=0)  # major ticks only: readable from the back row
    axis.label.setFont(_font(theme.font_size))
    if axis.labelText:
        axis.setLabel(axis.labelText, units=axis.labelUnits,
                      **{"font-size": f"{theme.font_size}pt", "color": theme.foreground})
    plain_ticks(axis)  # setLabel forgets the ranges allowed a prefix


def plain_ticks(axis: pg.AxisItem) -> None:
    """Ticks that show the data's own values: no SI prefix, whatever the range.

    In pyqtgraph 0.14 ``enableAutoSIPrefix(False)`` alone keeps the scale computed at
    that moment (0.5 shown as 500 if the range then lay in (0, 1]) for good; with no
    range allowed to take a prefix the scale it keeps is 1.
    """
    if axis.getSIPrefixEnableRanges() != ():
        axis.setSIPrefixEnableRanges(())
    if axis.autoSIPrefix or axis.autoSIPrefixScale != 1.0:
        axis.enableAutoSIPrefix(False)


def _font(points: int) -> QFont:
    font = QFont()
    font.setPointSize(points)
    return font


_default_ui_font: QFont | None = None


def apply_ui_font(theme: Theme) -> None:
    """Enlarge (or restore) the widgets' font for lecture mode."""
    global _default_ui_font
    app = QApplication.instance()
    if app is None:
        return
    if _default_ui_font is None:
        _default_ui_font = QFont(app.font())
    font = QFont(_default_ui_font)
    if theme.ui_font_size:
        font.setPointSize(theme.ui_font_size)
    app.setFont(font)
