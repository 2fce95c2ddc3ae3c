"""Start the window from the command line (``mechgui``, ``python -m mechgui``)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import Any

import shiboken6
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from mechgui.engine import ParameterError, load_preset

from . import errors
from .main_window import MainWindow, tab_names
from .runner import MAX_SPEED, stop_all

__all__ = ["launch"]

#: How long --screenshot waits for the engine before giving up (seconds).
SCREENSHOT_TIMEOUT = 300.0
#: The window must have drawn no new frame for this long before the picture is taken.
QUIET_SECONDS = 0.4


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
    opened = None
    if args.workspace:  # a file that cannot be read at all is refused before any window
        from mechgui.workspace import WorkspaceError, read_workspace

        try:
            opened = read_workspace(args.workspace)
        except WorkspaceError as exc:
            return _error(str(exc))
    if not _has_display():
        if not scripted:
            return _error("no display found: the window needs a screen (is DISPLAY set?). "
                          "Without one, 'mechgui --screenshot FILE.png' draws offscreen and "
                          "'mechgui run MODEL' runs headless.")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a screenshot needs no screen
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mechgui")
    app.setOrganizationName("mechgui")
    errors.install()  # a bug is logged and shown in a dialog, never a traceback
    window = MainWindow(lecture=True if args.lecture else None, restore=not scripted)
    if scripted:
        window.resize(1400, 860)
    if opened is not None:
        window.workspaces.apply(opened)
    panel = window.show_tab(args.tab) if args.tab else window.panel()
    select = getattr(args, "select", None)
    if select is not None:
        if panel.explain is None or panel.explain.formula is None:
            window.close()
            _release(window)
            return _error(f"--select is not allowed on the {panel.title} tab: it has no "
                          "elements to explain")
    if args.preset:
        panel.load_preset(args.preset)
    if select is not None:
        panel.explain.ask(select - 1)
    window.show()
    if args.steps:
        panel.set_speed(MAX_SPEED)
        panel.run_steps(args.steps)
    if not scripted:
        previous = _close_on_interrupt(window)
        app.exec()
        stop_all()  # an engine still loading when the window closed ends its last call
        _release(window, previous)
        return 0

    outcome = {"code": 1}
    target = args.steps or window.workspaces.steps_of(panel.model)
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
        if ready and select is not None and panel.explain.selected is None:
            count = panel.explain.count(snap)
            print(f"error: --select {select} is not allowed: the tab has {count} elements",
                  file=sys.stderr)
            outcome["code"] = 2
            timer.stop()
            window.close()
            app.quit()
        elif ready:
            timer.stop()
            app.processEvents()
            if window.grab().save(args.screenshot):
                print(f"saved {args.screenshot} (step {snap['step']}, {panel.badge()[1]})")
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
    previous = _close_on_interrupt(window)
    app.exec()
    stop_all()
    timer.timeout.disconnect(poll)
    _release(window, previous)
    return outcome["code"]


def _has_display() -> bool:
    """Whether a window can be shown: always on macOS and Windows; on other systems an X
    or Wayland display, or a Qt platform chosen by the user (offscreen, vnc …)."""
    if sys.platform in ("darwin", "win32") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _release(window: MainWindow, interrupt_handler: Any = None) -> None:
    """Delete the window now, while the application exists, and give Ctrl+C back to
    ``interrupt_handler`` (if given).  Left to Python (the Ctrl+C handler held it), the
    window was freed in the interpreter's teardown in no set order with Qt's own: a rare
    crash at exit."""
    if interrupt_handler is not None:
        signal.signal(signal.SIGINT, interrupt_handler)
    if shiboken6.isValid(window):
        shiboken6.delete(window)


def _close_on_interrupt(window: MainWindow) -> Any:
    """Ctrl+C in the terminal closes the window as Quit does (exit code 0); the handler
    it replaces.  Python runs signal handlers only between bytecodes: a timer lets it
    look every 200 ms."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return previous
