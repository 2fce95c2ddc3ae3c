"""Start-up and the first opening of each tab, against a bare Qt + pyqtgraph window.

    python benchmarks/startup.py [--runs N]

Prints, for each tab remembered from the last session, the time from launching the
process to the window's first paint, as a ratio to a bare window (QApplication, one
pyqtgraph plot) launched the same way in the same run (target ≤ 2×); then, for each tab
opened for the first time from a running window, the longest stall of the event loop
until its engine is ready and the time that took (target: no stall over 400 ms).
Each figure is the median of ``--runs`` fresh processes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
window = pg.PlotWidget()
"""

MECHGUI = """
import sys
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
QSettings("mechgui", "mechgui").setValue("tab", sys.argv[1])
from mechgui.app import MainWindow
window = MainWindow()
"""

FIRST_PAINT = """
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("drawn", flush=True)
            app.quit()
        return False
painted = Painted()
for widget in [window, *window.findChildren(QObject)]:
    if hasattr(widget, "installEventFilter") and hasattr(widget, "isWidgetType") \\
            and widget.isWidgetType():
        widget.installEventFilter(painted)
window.resize(1280, 800)
window.show()
app.exec()
"""

FIRST_OPEN = """
import sys, time
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
QSettings("mechgui", "mechgui").setValue("tab", "maxnet")
from mechgui.app import MainWindow
from mechgui.app.tabs import tab_names
window = MainWindow()
window.resize(1280, 800)
window.show()
gaps, last, start = [], [0.0], 0.0
def tick():
    now = time.perf_counter()
    if last[0]:
        gaps.append(now - last[0])
    last[0] = now
timer = QTimer()
timer.timeout.connect(tick)
def open_tab():
    global start
    start = time.perf_counter()
    gaps.clear()  # the ticks before count for nothing; the opening itself counts
    window.tabs.setCurrentIndex(tab_names().index(sys.argv[1]))  # as a click on the tab
    def poll():
        panel = next((p for p in window.built_panels() if p.model == sys.argv[1]), None)
        if panel and panel.built and panel.runner.is_ready:
            timer.stop()
            print(f"{max(gaps, default=0.0):.4f} {time.perf_counter() - start:.4f}", flush=True)
            window.close()
            app.quit()
        else:
            QTimer.singleShot(5, poll)
    poll()
timer.start(10)  # ticking before the tab opens, so that building it counts as a stall
QTimer.singleShot(500, open_tab)
app.exec()
"""


def launch(code: str, *args: str, config: str) -> tuple[float, str]:
    """Seconds from launching a fresh interpreter on ``code`` to its first line, and the line."""
    env = dict(os.environ, XDG_CONFIG_HOME=config, PYTHONPATH=str(ROOT))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = proc.stdout.readline().strip()
    took = time.perf_counter() - start
    proc.wait(timeout=120)
    return took, line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from mechgui.app.main_window import tab_names

    with tempfile.TemporaryDirectory() as config:
        print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
        bare, tabs = [], {name: [] for name in tab_names()}
        for _ in range(args.runs):  # alternate, so that a drifting machine weighs on all alike
            bare.append(launch(BARE + FIRST_PAINT, config=config)[0])
            for name in tabs:
                tabs[name].append(launch(MECHGUI + FIRST_PAINT, name, config=config)[0])
        reference = statistics.median(bare)
        print(f"bare Qt + pyqtgraph window drawn after {reference:.2f} s")
        for name, times in tabs.items():
            took = statistics.median(times)
            print(f"  mechgui, {name:11s} remembered: {took:.2f} s = {took / reference:.2f}x "
                  f"(target <= 2x)")
        print("first opening of a tab (median of longest event-loop stall; time to ready):")
        for name in tab_names():
            stalls, ready = [], []
            for _ in range(args.runs):
                stall, seconds = map(float, launch(FIRST_OPEN, name, config=config)[1].split())
                stalls.append(stall)
                ready.append(seconds)
            print(f"  {name:11s} longest stall {1000 * statistics.median(stalls):4.0f} ms "
                  f"(worst {1000 * max(stalls):4.0f} ms; target <= 400), "
                  f"ready after {statistics.median(ready):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
