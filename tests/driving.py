"""Driving the window as a person does, for the GUI tests: keys to whatever has the
keyboard, menus opened and chosen from with the mouse, and waits that run the event loop."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def press(qtbot, window, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
    """A key pressed on the keyboard: it goes to the widget that has the keyboard."""
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def pick(qtbot, combo: QComboBox, data: Any) -> str:
    """Open ``combo``'s menu with the mouse and click the entry holding ``data``; the
    entry's text.  The open menu must show every entry whole."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    opened = time.monotonic()  # a click too soon after opening the menu is not a choice
    qtbot.waitUntil(lambda: time.monotonic() - opened > 0.6)
    index = view.model().index(combo.findData(data), 0)
    view.scrollTo(index)
    title = combo.itemText(index.row())
    widest = max(range(combo.count()),
                 key=lambda i: view.fontMetrics().horizontalAdvance(combo.itemText(i)))
    assert view.viewport().width() >= view.fontMetrics().horizontalAdvance(
        combo.itemText(widest)), combo.itemText(widest)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: not view.isVisible())
    return title


def open_ready(qtbot, window, tab: str):
    """The panel of ``tab``, shown, once its engine is ready (Play enabled)."""
    panel = window.show_tab(tab)
    qtbot.waitUntil(panel.transport.play_button.isEnabled, timeout=60_000)
    return panel


def wait_for(qtbot, panel, test: Callable[[Mapping[str, Any]], bool],
             timeout: int = 30_000) -> None:
    """Run the event loop until the panel's snapshot passes ``test``."""
    qtbot.waitUntil(lambda: panel.snapshot is not None and test(panel.snapshot),
                    timeout=timeout)
