"""Unexpected errors (bugs) in the window: written to a log file and shown in a dialog with
what happened, a "copy details" button and where the log is; never a traceback on a
lecturer's screen or in their terminal."""

from __future__ import annotations

import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mechgui.logfile import LOG, log_path, open_log

__all__ = ["ErrorReporter", "log_file", "install", "use", "report_bug", "reporter"]

_log = LOG


def log_file() -> Path:
    """The log's path (see :func:`mechgui.logfile.log_path`)."""
    return log_path()


def _open_log() -> Path | None:
    """Attach the rotating log file (once); None if it cannot be written."""
    return open_log(log_file())


class ErrorReporter(QObject):
    """Collects bugs from any thread and shows them on the GUI thread, one dialog at a time
    (errors that come while it is open are logged and counted, not stacked)."""

    _arrived = Signal(str, str)
    #: Every report (summary, details), for tests and diagnostics.
    reported = Signal(str, str)

    #: Whether reports open a dialog (the test suite turns this off).
    DIALOGS = True

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = _open_log()
        self.show_dialog = self.DIALOGS
        self._open = False
        self._missed = 0
        self._box: QMessageBox | None = None
        self._arrived.connect(self._show)
        self.reports: list[tuple[str, str]] = []

    def report(self, summary: str, details: str) -> None:
        """A bug: ``summary`` for people, ``details`` (a traceback) for the log. Any thread."""
        _log.error("%s\n%s", summary, details)
        self._arrived.emit(summary, details)

    def report_exception(self, error: BaseException, what: str) -> None:
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.report(f"{what}: {type(error).__name__}: {error}", details)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        self.reports.append((summary, details))
        self.reported.emit(summary, details)
        if not self.show_dialog:
            return
        if self._open:
            self._missed += 1
            return
        self._open = True
        QTimer.singleShot(0, lambda: self._dialog(summary, details))

    def _dialog(self, summary: str, details: str) -> None:
        parent = QApplication.activeWindow()
        box = QMessageBox(parent if isinstance(parent, QWidget) else None)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("mechgui: something went wrong")
        where = f"The details are in {self.log_path}." if self.log_path else \
            "The details could not be written to a log file."
        box.setText(f"mechgui met an error it did not expect:\n\n{summary}\n\n"
                    f"The window keeps working; the simulation may have stopped. {where}")
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        copy.clicked.disconnect()  # the button copies and leaves the dialog open
        copy.clicked.connect(lambda: QApplication.clipboard().setText(f"{summary}\n\n{details}"))
        box.finished.connect(self._closed)
        self._box = box  # kept while it is shown (without a parent nothing else keeps it)
        box.open()

    @Slot()
    def _closed(self) -> None:
        self._open = False
        self._missed = 0
        self._box = None


_reporter: ErrorReporter | None = None


def use(reporter: ErrorReporter | None) -> None:
    """Make ``reporter`` the one :func:`report_bug` reaches (the main window's)."""
    global _reporter
    _reporter = reporter


def report_bug(summary: str, details: str) -> None:
    """A bug anywhere in the window: to the reporter in use, else to standard error."""
    if _reporter is not None:
        _reporter.report(summary, details)
    else:
        print(f"{summary}\n{details}", file=sys.stderr)


def install() -> None:
    """Route exceptions nobody caught — in Qt slots, on the GUI thread, on other threads —
    to the reporter in use instead of the terminal (the app does this; tests do not)."""

    def hook(kind: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        report_bug(f"{kind.__name__}: {error}", "".join(traceback.format_exception(kind, error, tb)))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def reporter() -> ErrorReporter | None:
    """The reporter installed for this process, if any."""
    return _reporter
