"""A vector (SVG) exporter for plots that works with current Qt releases.

pyqtgraph 0.14's SVG exporter post-processes the SVG that Qt writes and fails
on the path syntax of Qt 6.11 ("not enough values to unpack").  This exporter
lets Qt's own SVG generator write the file unchanged, and takes the broken one's
place in every plot's Export dialog (right-click → Export…).
"""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.exporters import Exporter, SVGExporter
from pyqtgraph.parametertree import Parameter
from PySide6.QtCore import QRect, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator

__all__ = ["QtSVGExporter", "install"]


class QtSVGExporter(Exporter):
    """Scalable vector graphics of a plot, written by :class:`QSvgGenerator`."""

    Name = "Scalable Vector Graphics (SVG)"
    allowCopy = False

    def __init__(self, item) -> None:
        super().__init__(item)
        self.params = Parameter.create(name="params", type="group", children=[])

    def parameters(self) -> Parameter:
        return self.params

    def export(self, fileName: str | None = None, toBytes: bool = False, copy: bool = False):
        if fileName is None:
            self.fileSaveDialog(filter=["*.svg"])
            return None
        source = self.getSourceRect()
        width, height = max(1, int(source.width())), max(1, int(source.height()))
        generator = QSvgGenerator()
        generator.setFileName(str(fileName))
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRect(0, 0, width, height))
        generator.setTitle("mechgui plot")
        painter = QPainter(generator)
        try:
            self.setExportMode(True, {"antialias": True, "background": pg.mkColor("w"),
                                      "painter": painter})
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self.getScene().render(painter, QRectF(0, 0, width, height), QRectF(source))
        finally:
            self.setExportMode(False)
            painter.end()
        return None


def install() -> None:
    """Offer :class:`QtSVGExporter` instead of pyqtgraph's SVG exporter (idempotent)."""
    exporters = Exporter.Exporters
    if SVGExporter in exporters:
        exporters.remove(SVGExporter)
    if QtSVGExporter not in exporters:
        exporters.append(QtSVGExporter)
