"""A monkey at the window: random keys, clicks, drags, wheel turns, preset loads, tab switches
and invalid text in the forms, on every tab, while the engines run.  It fails on any exception
on any thread, an event-loop stall over a second, or a thread left behind at close.

The seed is fixed; ``MECHGUI_MONKEY_SECONDS`` sets how long it plays (45 s by default, the CI's
budget; longer for a soak by hand) and ``MECHGUI_MONKEY_SEED`` another seed.
"""

from __future__ import annotations

import os
import random
import time

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QLineEdit,
                               QPlainTextEdit, QWidget)

import pyqtgraph as pg
from mechgui.app.panel import SimulationPanel
from stallmeter import StallMeter

pytestmark = pytest.mark.gui

SECONDS = float(os.environ.get("MECHGUI_MONKEY_SECONDS", "45"))
SEED = int(os.environ.get("MECHGUI_MONKEY_SEED", "20261202"))
CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier
#: Keys a lecturer might press; never those that open a file dialog or quit.
KEYS = [(Qt.Key.Key_Space, NONE)] * 6 + [(Qt.Key.Key_Right, NONE)] * 6 + \
    [(Qt.Key.Key_R, NONE)] * 3 + [(getattr(Qt.Key, f"Key_{i}"), CTRL) for i in range(1, 10)] + \
    [(Qt.Key.Key_L, CTRL), (Qt.Key.Key_F11, NONE), (Qt.Key.Key_Up, NONE), (Qt.Key.Key_Down, NONE),
     (Qt.Key.Key_Return, NONE), (Qt.Key.Key_Escape, NONE), (Qt.Key.Key_Tab, NONE),
     (Qt.Key.Key_PageUp, NONE), (Qt.Key.Key_Delete, NONE), (Qt.Key.Key_A, NONE),
     (Qt.Key.Key_0, NONE), (Qt.Key.Key_Minus, NONE), (Qt.Key.Key_Period, NONE)]
JUNK = ["-3", "1e999", "nan", "", "0", "abc", "1, 2, x", "1;2", "99999999999999999999", "-0",
        "0.5", "2", "1e-9", "  7 ", "inf", "1,2;3"]


def safe_widgets(panel: QWidget) -> list[QWidget]:
    """Widgets of the panel a click may land on: not the buttons that open a file dialog
    (their text ends with "…")."""
    found = []
    for widget in panel.findChildren(QWidget):
        if not widget.isVisible() or not widget.isEnabled() or widget.width() < 4:
            continue
        if isinstance(widget, QAbstractButton) and widget.text().endswith("…"):
            continue
        found.append(widget)
    return found


def test_a_monkey_breaks_nothing_on_any_tab(window, qtbot):
    rng = random.Random(SEED)
    watch = StallMeter()  # less the time other processes held both cores
    watch.start()
    deadline = time.perf_counter() + SECONDS
    actions = 0
    slow = []
    try:
        while time.perf_counter() < deadline:
            # a tab shown for the first time is built in steps: until it is, only keys
            panel = window.tabs.currentWidget().findChild(SimulationPanel)
            ready = panel is not None and panel.built
            act = rng.random() if ready else 0.0
            what = None
            began = time.perf_counter()
            if act < 0.35:
                key, modifier = rng.choice(KEYS)
                what = (key, modifier)
                qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)
            elif act < 0.55:
                widgets = safe_widgets(panel)
                if widgets:
                    widget = rng.choice(widgets)
                    pos = QPoint(rng.randrange(widget.width()), rng.randrange(widget.height()))
                    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
            elif act < 0.65:
                views = [v for v in panel.findChildren(pg.GraphicsView) if v.isVisible()]
                if views:
                    view = rng.choice(views).viewport()
                    start = QPoint(rng.randrange(view.width()), rng.randrange(view.height()))
                    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
                    for _ in range(rng.randrange(1, 6)):
                        qtbot.mouseMove(view, QPoint(rng.randrange(view.width()),
                                                     rng.randrange(view.height())))
                    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton,
                                       pos=QPoint(rng.randrange(view.width()),
                                                  rng.randrange(view.height())))
            elif act < 0.72:
                widgets = safe_widgets(panel)
                if widgets:
                    widget = rng.choice(widgets)
                    centre = QPointF(widget.width() / 2, widget.height() / 2)
                    wheel = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())),
                                        QPoint(0, 0), QPoint(0, rng.choice([-240, -120, 120])),
                                        Qt.MouseButton.NoButton, NONE,
                                        Qt.ScrollPhase.NoScrollPhase, False)
                    QApplication.sendEvent(widget, wheel)
            elif act < 0.82:
                combo: QComboBox = panel.preset_combo
                combo.setFocus()
                qtbot.keyClick(combo, rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up]))
                combo.clearFocus()
            else:
                fields = [f for kind in (QLineEdit, QPlainTextEdit)
                          for f in panel.form.findChildren(kind) if f.isVisible() and f.isEnabled()]
                if fields:
                    field = rng.choice(fields)
                    qtbot.mouseClick(field.viewport() if isinstance(field, QPlainTextEdit)
                                     else field, Qt.MouseButton.LeftButton)
                    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
                    qtbot.keyClicks(field, rng.choice(JUNK))
                    qtbot.keyClick(field, Qt.Key.Key_Return,
                                   CTRL if isinstance(field, QPlainTextEdit) else NONE)
            actions += 1
            took = time.perf_counter() - began
            if took > 0.3:
                slow.append((round(took, 2), window.current_name(), round(act, 3), what))
            if rng.random() < 0.2:  # now and then, let frames come as a person would wait
                wait_until = time.perf_counter() + rng.uniform(0.05, 0.4)
                qtbot.waitUntil(lambda: time.perf_counter() >= wait_until)
            else:
                QApplication.processEvents()
    finally:
        watch.stop()
    assert actions > 100
    assert watch.longest < 1.0, (f"the event loop stalled for {watch.longest:.2f} s "
                                f"(raw {watch.longest_raw:.2f} s) {slow}")
    assert window.errors.reports == [], window.errors.reports
    for panel in window.built_panels():
        assert panel.runner.errors == [] and panel.render_errors == []
