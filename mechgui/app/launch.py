"""Start the window from the command line (``mechgui``, ``python -m mechgui``)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from PySide6.QtWidgets import QApplication

from mechgui.engine import ParameterError, load_preset

from .main_window import MainWindow, tab_names
from .runner import MAX_SPEED

__all__ = ["launch", "settle_heap", "tune_interpreter", "GuiThreadCollector", "SWITCH_INTERVAL"]

#: Seconds a thread may hold Python's interpreter lock while another waits for it
#: (Python's default is 5 ms).  An engine whose steps run outside the lock takes it
#: back after each call; with 1 ms it waits less behind the GUI thread's drawing code
#: (the GAN's training beside the window measured about a quarter faster).
SWITCH_INTERVAL = 0.001
#: How long --screenshot waits for the engine before giving up (seconds).
SCREENSHOT_TIMEOUT = 300.0
#: The window must have drawn no new frame for this long before the picture is taken.
QUIET_SECONDS = 0.4


def settle_heap() -> None:
    """Move every object alive now (modules, widgets, plots) out of the garbage
    collector's sight, so that its occasional full collections scan only what
    was made since and cannot pause the window for tens of milliseconds."""
    gc.collect()
    gc.freeze()


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collector, run on the GUI thread only.

    An automatic collection runs on whichever thread happens to allocate: on the
    engine thread it could free a widget or a plot item that became garbage (a
    pyqtgraph menu, an item a panel replaced) and delete its Qt object off the GUI
    thread, which Qt does not allow.  This switches the automatic collector off and
    does its work from a timer on the GUI thread, by the collector's thresholds.
    A full collection (or the first after a burst of new objects, such as a tab
    importing torch) ends with :func:`gc.freeze`, as :func:`settle_heap` does at
    start-up: what survived it is long-lived, and later full collections, which
    hold the GUI thread, then scan only what came since.  :meth:`stop` switches the
    automatic collector back on.
    """

    #: New objects since the last collection that count as a burst, not a frame's worth.
    BURST = 50_000

    def __init__(self, parent: QObject, interval_ms: int = 20) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)
        self._was_enabled = gc.isenabled()
        gc.disable()

    @Slot()
    def collect(self) -> None:
        """The collection the automatic collector would have made by now, if any."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] < thresholds[0]:
            return
        if counts[0] >= self.BURST or counts[2] >= thresholds[2]:
            settle_heap()
        else:
            gc.collect(1 if counts[1] >= thresholds[1] else 0)

    def stop(self) -> None:
        """Stop collecting; the automatic collector is as it was before this one started."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def tune_interpreter(parent: QObject) -> Callable[[], None]:
    """Set Python up as the app runs beside its window, once the window is built: the
    heap settled (:func:`settle_heap`), garbage collected on the GUI thread only
    (:class:`GuiThreadCollector`, a child of ``parent``) and a :data:`SWITCH_INTERVAL`
    switch interval.  Returns the function that undoes the last two (for a benchmark
    or a test that opens a window among other work)."""
    settle_heap()
    collector = GuiThreadCollector(parent)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)

    def undo() -> None:
        collector.stop()
        sys.setswitchinterval(previous)

    return undo


def _saved_tab() -> str:
    """The tab the window will open on (the one shown when it was last closed)."""
    saved = QSettings("mechgui", "mechgui").value("tab")
    return saved if isinstance(saved, str) and saved in tab_names() else tab_names()[0]


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def launch(args: argparse.Namespace) -> int:
    """Show the window; with ``--screenshot`` save a PNG after ``--steps`` and exit."""
    scripted = args.screenshot is not None
    # Bad arguments are refused before any window (or display) is needed.
    if args.tab is not None and args.tab not in tab_names():
        return _error(str(ParameterError("--tab", args.tab,
                                         "expected one of " + ", ".join(tab_names()))))
    if args.preset:
        tab = args.tab or (tab_names()[0] if scripted else _saved_tab())
        try:
            load_preset(tab, args.preset)
        except ParameterError as exc:
            return _error(str(exc))
    if scripted and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a screenshot needs no screen
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mechgui")
    app.setOrganizationName("mechgui")
    window = MainWindow(lecture=True if args.lecture else None, restore=not scripted)
    if scripted:
        window.resize(1400, 860)
    panel = window.show_tab(args.tab) if args.tab else window.panel()
    if args.preset:
        panel.load_preset(args.preset)
    window.show()
    tune_interpreter(app)
    if args.steps:
        panel.set_speed(MAX_SPEED)
        panel.run_steps(args.steps)
    if not scripted:
        return app.exec()

    outcome = {"code": 1}
    target = args.steps or 0
    started = time.monotonic()
    state = {"frames": -1, "since": time.monotonic()}

    def poll() -> None:
        snap = panel.snapshot
        now = time.monotonic()
        if panel.frames_drawn != state["frames"]:
            state["frames"], state["since"] = panel.frames_drawn, now
        ready = (snap is not None and not panel.runner.playing
                 and (snap["step"] >= target or snap["done"])
                 and now - state["since"] >= QUIET_SECONDS)
        if ready:
            timer.stop()
            app.processEvents()
            if window.grab().save(args.screenshot):
                print(f"saved {args.screenshot} (step {snap['step']}, {snap['status']})")
                outcome["code"] = 0
            else:
                print(f"error: could not write {args.screenshot}", file=sys.stderr)
            window.close()
            app.quit()
        elif now - started > SCREENSHOT_TIMEOUT:
            timer.stop()
            print("error: the engine did not finish before the screenshot timeout",
                  file=sys.stderr)
            window.close()
            app.quit()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    app.exec()
    return outcome["code"]
