"""The desktop application: a Qt window whose panels render engine snapshots.

PySide6 is imported before pyqtgraph so that pyqtgraph binds to it even when
another Qt binding is installed.
"""

import PySide6.QtCore  # noqa: F401  (must come before pyqtgraph)

from .launch import launch
from .main_window import TABS, MainWindow
from .runner import EngineRunner, live_runners

__all__ = ["MainWindow", "EngineRunner", "TABS", "launch", "live_runners"]
