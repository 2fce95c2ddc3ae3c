"""Shared plot pieces: the dots item (one pre-rendered dot stamped per point)."""

import numpy as np
import pyqtgraph as pg
import pytest
from pyqtgraph.exporters import CSVExporter

from mechgui.app.widgets import DotsItem

pytestmark = pytest.mark.gui


def test_dots_are_drawn_where_they_are_as_opaque_as_asked(qtbot, tmp_path):
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(300, 300)
    dots = DotsItem(name="dots")
    dots.set_style(12, pg.mkBrush(255, 0, 0))
    plot.addItem(dots)
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    plot.getPlotItem().hideAxis("left")
    plot.getPlotItem().hideAxis("bottom")
    dots.setData([2.0, 8.0], [2.0, 8.0], opacity=[1.0, 0.5])
    x, y = dots.getData()
    np.testing.assert_array_equal(np.column_stack([x, y]), [[2, 2], [8, 8]])
    np.testing.assert_array_equal(dots.opacities(), [1.0, 0.5])
    plot.show()
    qtbot.waitExposed(plot)

    image = plot.grab().toImage()
    view = plot.getPlotItem().getViewBox()

    def colour_at(px: float, py: float) -> tuple[int, int, int]:
        pos = plot.mapFromScene(view.mapViewToScene(pg.Point(px, py)))
        c = image.pixelColor(pos.x(), pos.y())
        return c.red(), c.green(), c.blue()

    assert colour_at(2, 2) == (255, 0, 0)  # opaque red on white
    r, g, b = colour_at(8, 8)
    assert r == 255 and 110 <= g <= 145 and g == b  # half-transparent red: pink
    assert colour_at(5, 5) == (255, 255, 255)  # nothing between them
    # the bounds include half a dot around the points (Qt repaints within them)
    rect = dots.boundingRect()
    assert rect.left() < 2 and rect.right() > 8
    # the CSV export lists the points, as for pyqtgraph's own data items
    CSVExporter(plot.getPlotItem()).export(str(tmp_path / "dots.csv"))
    lines = (tmp_path / "dots.csv").read_text().splitlines()
    assert lines[0] == "dots_x,dots_y" and len(lines) == 3
    # no points: nothing to paint, and empty bounds
    dots.setData([], [])
    assert dots.boundingRect().isEmpty()
    # another symbol, with an outline: a blue star ringed in black
    star = DotsItem(symbol="star")
    star.set_style(30, pg.mkBrush(0, 0, 255), pg.mkPen(0, 0, 0, width=2))
    plot.addItem(star)
    star.setData([5.0], [5.0])
    qtbot.wait(20)
    image = plot.grab().toImage()
    assert colour_at(5, 5) == (0, 0, 255)
    row = [colour_at(5 + dx / 10, 5) for dx in range(0, 40)]  # from the centre rightwards
    assert any(max(c) < 90 for c in row)  # crosses the outline
    assert row[-1] == (255, 255, 255)


def test_a_roomy_axis_spaces_its_labels_so_they_never_touch(qtbot):
    from PySide6.QtGui import QFont, QFontMetrics

    from mechgui.app.widgets import RoomyAxis

    axis = RoomyAxis("bottom")
    font = QFont()
    font.setPointSize(16)  # lecture mode's tick size
    axis.setTickFont(font)
    metrics = QFontMetrics(font)
    for size in (120, 230, 400, 900):
        spacing, values = axis.tickValues(1, 2000, size)[0]
        pixels = spacing * size / 1999
        widest = max(metrics.horizontalAdvance(t) for t in axis.tickStrings(values, 1, spacing))
        assert pixels >= widest, (size, spacing, values)
    plain = pg.AxisItem("bottom")
    plain.setTickFont(font)
    assert plain.tickValues(1, 2000, 230)[0][0] < axis.tickValues(1, 2000, 230)[0][0]
    # a vertical axis: the values stand at least a line of text apart (the SOM's short
    # schedule plots in lecture mode had 0 … 1.0 in steps of 0.2 on 90 pixels)
    for side in ("left", "right"):
        axis = RoomyAxis(side)
        axis.setTickFont(font)
        for size in (60, 90, 150, 400):
            spacing, values = axis.tickValues(0, 1, size)[0]
            assert spacing * size >= metrics.height(), (side, size, spacing)
    plain = pg.AxisItem("right")
    plain.setTickFont(font)
    assert plain.tickValues(0, 1, 90)[0][0] * 90 < metrics.height()


def test_a_levels_axis_moves_names_apart_that_would_overlap(qtbot):
    """The losses' right axis on a short lecture-mode plot whose range reaches far above
    the equilibrium: "2 log 2" and "log 2" stand closer than their text is high; drawn,
    they no longer overlap."""
    from PySide6.QtGui import QFont, QImage, QPainter

    from mechgui.app.widgets import LevelsAxis

    plot = pg.PlotWidget(axisItems={"right": LevelsAxis("right")})
    qtbot.addWidget(plot)
    item = plot.getPlotItem()
    item.showAxis("right")
    axis = item.getAxis("right")
    font = QFont()
    font.setPointSize(16)
    axis.setTickFont(font)
    axis.setTicks([[(1.386, "2 log 2"), (0.693, "log 2")]])
    plot.resize(300, 110)
    plot.setYRange(0.0, 8.0, padding=0)
    plot.show()
    qtbot.waitExposed(plot)
    image = QImage(10, 10, QImage.Format.Format_ARGB32)

    def names(of_axis):
        """The names ``of_axis`` draws (once it has grown as wide as they are)."""
        painter = QPainter(image)
        try:
            return of_axis.generateDrawSpecs(painter)[2]
        finally:
            painter.end()

    def both_drawn():
        plot.grab()  # a paint: the axis takes the width of its text
        return len(names(axis)) == 2

    qtbot.waitUntil(both_drawn)
    upper, lower = sorted((rect for rect, _, _ in names(axis)), key=lambda r: r.top())
    assert upper.bottom() <= lower.top() + 1e-6
    # the overlap it mends: pyqtgraph's own drawing of the same axis
    painter = QPainter(image)
    try:
        plain = pg.AxisItem.generateDrawSpecs(axis, painter)[2]
    finally:
        painter.end()
    upper, lower = sorted((rect for rect, _, _ in plain), key=lambda r: r.top())
    assert upper.bottom() > lower.top()
