"""Guards against Qt binding releases that break pyqtgraph's painting.

PySide6 6.12.0 on Python 3.11 decrements None's reference count in
``QPainter.drawLine(QPointF, QPointF)``: every pyqtgraph plot then aborts with
"Fatal Python error: none_dealloc" after a few hundred repaints.  These tests
catch such a release before a lecturer does.
"""

import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter

pytestmark = pytest.mark.gui


def test_drawline_with_points_keeps_none_alive(qapp):
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for i in range(2000):
            painter.drawLine(QPointF(0, i % 64), QPointF(63, (i * 7) % 64))
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # A correct binding leaves None's count alone (allow a little noise from the loop).
    assert after >= before - 50, f"None lost {before - after} references in 2000 drawLine calls"


def test_a_plot_survives_thousands_of_repaints(tmp_path):
    """Repaint a real pyqtgraph plot 3000 times, axes regenerated each time, in a subprocess
    (a broken binding aborts the interpreter, which must fail this test, not the suite)."""
    code = textwrap.dedent("""
        import os
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        import PySide6.QtCore
        import numpy as np
        import pyqtgraph as pg
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        widget = pg.PlotWidget()
        widget.resize(240, 160)
        widget.show()
        curve = widget.plot(pen=pg.mkPen("b", width=2))
        x = np.linspace(0, 1, 50)
        for i in range(3000):
            curve.setData(x, np.sin(x * 6 + i * 0.1))
            widget.setXRange(0, 1 + (i % 7) * 0.1, padding=0)  # new ticks: axes redraw lines
            widget.viewport().repaint()
        print("ok", i + 1)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"plot repaint loop died:\n{result.stderr[-2000:]}"
    assert result.stdout.strip() == "ok 3000"
