"""Reading a user's file off the GUI thread: one :class:`FileReader` per panel runs one
reading at a time on a worker thread of its own pool, tells its progress and hands back
the value or the exception as typed signals on the GUI thread.

A new reading cancels the one before (its outcome is never delivered); :meth:`shutdown`
cancels and waits.  The function read runs with a ``progress`` callback that raises
:class:`Cancelled` once its reading is cancelled, so a long reading stops at its next
report.  The pool is never destroyed while a reading runs: its owner waits for it on
shutdown, and Qt's pool waits for its threads when it goes.
"""

from __future__ import annotations

import atexit
import itertools
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

__all__ = ["FileReader", "Cancelled", "live_readers", "wait_all"]

_READERS: "weakref.WeakSet[FileReader]" = weakref.WeakSet()
_tokens = itertools.count(1)


class Cancelled(Exception):
    """Raised in a reading's ``progress`` callback once the reading is cancelled."""


class _Relay(QObject):
    """Carries a reading's news from its worker thread to the GUI thread (it lives there,
    so these signals are queued).  Without a parent: the reading keeps it alive."""

    progressed = Signal(int, float)
    returned = Signal(int, object)
    failed = Signal(int, object)


class FileReader(QObject):
    """Runs ``function(*args, progress=…)`` on a worker thread, one reading at a time.

    Signals (GUI thread, for the current reading only): ``progressed(float)`` with the
    share done, ``returned(object)`` with the value, ``failed(object)`` with the exception.
    """

    progressed = Signal(float)
    returned = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progressed)
        self._relay.returned.connect(self._on_returned)
        self._relay.failed.connect(self._on_failed)
        self._token = 0
        self._cancel: threading.Event | None = None
        _READERS.add(self)

    @property
    def busy(self) -> bool:
        """True from :meth:`start` until the reading's outcome is delivered or cancelled."""
        return self._cancel is not None

    def start(self, function: Callable[..., Any], *args: Any) -> None:
        """Read with ``function(*args, progress=callback)``, cancelling a reading before."""
        self.cancel()
        token = self._token = next(_tokens)
        cancel = self._cancel = threading.Event()
        relay = self._relay

        def report(share: float) -> None:
            if cancel.is_set():
                raise Cancelled
            relay.progressed.emit(token, float(share))

        def run() -> None:
            try:
                value = function(*args, progress=report)
            except Cancelled:
                return
            except Exception as exc:  # noqa: BLE001 - every outcome goes back, typed
                exc.__traceback__ = None  # no worker frames kept alive on the GUI thread
                relay.failed.emit(token, exc)
                return
            relay.returned.emit(token, value)

        self._pool.start(run)

    def cancel(self) -> None:
        """Cancel the current reading: it stops at its next report, its outcome unsaid."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the worker thread to be idle; True once it is."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Cancel and wait; True once no reading runs."""
        self.cancel()
        return self.wait(timeout_ms)

    def running(self) -> bool:
        """True while a reading (perhaps a cancelled one) still runs on the worker thread."""
        return self._pool.activeThreadCount() > 0

    # -- from the worker thread, queued ---------------------------------------------------
    @Slot(int, float)
    def _on_progressed(self, token: int, share: float) -> None:
        if token == self._token and self.busy:
            self.progressed.emit(share)

    @Slot(int, object)
    def _on_returned(self, token: int, value: Any) -> None:
        if token == self._token and self.busy:
            self._cancel = None
            self.returned.emit(value)

    @Slot(int, object)
    def _on_failed(self, token: int, error: BaseException) -> None:
        if token == self._token and self.busy:
            self._cancel = None
            self.failed.emit(error)


def live_readers() -> list[FileReader]:
    """Readers whose worker thread still runs a reading (the test suite fails on them)."""
    return [reader for reader in list(_READERS) if reader.running()]


def wait_all(timeout_ms: int = 5000) -> bool:
    """Cancel every reading and wait for them (at exit, when Qt may have gone already)."""
    done = True
    for reader in list(_READERS):
        try:
            done = reader.shutdown(timeout_ms) and done
        except RuntimeError:  # its pool was deleted: nothing runs there
            pass
    return done


atexit.register(wait_all)
