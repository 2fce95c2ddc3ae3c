"""One runner that moves any simulation onto a QThread.

The GUI thread never runs a step.  An :class:`EngineRunner` (in the GUI thread) owns a
``QThread`` and an :class:`~.worker.EngineWorker` moved onto it.  Commands travel to the worker
as queued signals; snapshots come back through a one-slot :class:`Mailbox` (a new one
replaces one not yet drawn, so however slow the GUI, one frame at most waits).  How
many steps a call takes and when a frame is due is the :class:`~.pacing.Pacer`'s
business.  Outcomes are typed: a call's return value (:attr:`EngineRunner.returned`)
and a :class:`Failure` carrying the exception object (:attr:`EngineRunner.errored`).
Stopping is cooperative (a flag checked between calls; never ``terminate()``); a long
reset checks it too, and gives way to any newer command (:attr:`EngineRunner.preparing`
shows how far it is, :attr:`EngineRunner.cancelled` says it was stopped).
"""

from __future__ import annotations

import atexit
import functools
import itertools
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from mechgui.engine import ParamSet, Simulation

from .pacing import MAX_SPEED, Pacing
from .worker import Call, Commands, EngineWorker, Failure, Mailbox

__all__ = ["EngineRunner", "EngineWorker", "Mailbox", "Failure", "all_runners", "live_runners",
           "stop_all", "MAX_SPEED"]

_RUNNERS: "weakref.WeakSet[EngineRunner]" = weakref.WeakSet()
_tokens = itertools.count(1)
#: Every engine thread started and not yet seen finished, with its stop flags: a QThread
#: destroyed while it runs aborts the process, so none is let go before it has finished,
#: even when its runner (or the whole window) is gone.
#: The worker stays with its thread: it is freed (on the GUI thread) once the thread has
#: finished and nothing else holds it, never deleted on the engine thread as it ends.
_THREADS: dict[QThread, tuple[threading.Event, threading.Event, QObject]] = {}


def _request_stop(thread: QThread) -> None:
    """Ask ``thread``'s engine to stop after its current call, and its loop to end."""
    stop, drawing_done, _ = _THREADS.get(thread, (None, None, None))
    if stop is not None:
        stop.set()
        drawing_done.set()
    if shiboken6.isValid(thread):  # at exit Qt may have deleted it already
        thread.quit()


def stop_all(timeout_ms: int | None = None) -> bool:
    """Stop every engine thread and wait for them (at the app's exit); True when all
    have finished.  ``None`` waits as long as it takes (each call is short)."""
    for thread in list(_THREADS):
        _request_stop(thread)
    finished = True
    for thread in list(_THREADS):
        if not shiboken6.isValid(thread):
            _THREADS.pop(thread, None)
        elif thread.wait() if timeout_ms is None else thread.wait(timeout_ms):
            _THREADS.pop(thread, None)
        else:
            finished = False
    return finished


# Python's finalizers (weakref.finalize) must hook into the exit before stop_all does, so
# that they run after it: an engine thread still importing a library (torch) when a script
# ends finishes first; a finalizer it creates would otherwise miss the exit and run in the
# interpreter's teardown, among cleared modules.
weakref.finalize(stop_all, lambda: None)
atexit.register(stop_all)  # a script that ends without closing its window exits cleanly


def all_runners() -> list["EngineRunner"]:
    """Every runner alive (the test suite checks them for engine errors)."""
    return list(_RUNNERS)


def live_runners() -> list["EngineRunner"]:
    """Runners whose thread is still running (the test suite fails on leftovers)."""
    return [r for r in list(_RUNNERS) if r.is_running()]


class EngineRunner(QObject):
    """GUI-side handle of one simulation running on its own thread.

    Signals: ``snapshotReady(object)`` with each frame to draw, ``ready()`` once the
    simulation is built, ``playingChanged(bool)``, ``paramsApplied(object)`` (the
    parameters in force on the engine thread), ``paramsReplaced(object)`` (a call changed
    them), ``returned(object, object)`` (a call's token and value), ``errored(object)``
    (a :class:`Failure`), ``preparing(object)`` (a long reset's fraction done, then None)
    and ``cancelled(object)`` (a long reset gave way to a newer command: the parameters
    still in force, or None when newer ones are on their way).
    """

    snapshotReady = Signal(object)
    ready = Signal()
    playingChanged = Signal(bool)
    paramsApplied = Signal(object)
    paramsReplaced = Signal(object)
    returned = Signal(int, object)
    errored = Signal(object)
    preparing = Signal(object)
    cancelled = Signal(object)

    # Commands, queued to the worker's slots on the engine thread.
    _cmdPlay = Signal()
    _cmdPause = Signal()
    _cmdToggle = Signal()
    _cmdStep = Signal(int)
    _cmdRunSteps = Signal(int)
    _cmdReset = Signal(object)
    _cmdSpeed = Signal(float)
    _cmdParams = Signal(object)
    _cmdLoad = Signal(object, object)
    _cmdCall = Signal(object)
    _cmdRefresh = Signal()
    _cmdFrameDrawn = Signal(float)

    def __init__(self, factory: Callable[[], Simulation], parent: QObject | None = None,
                 max_fps: float = 60.0, detail_rate: float = 5.0, name: str = "engine") -> None:
        super().__init__(parent)
        self._mailbox = Mailbox()
        self._stop = threading.Event()
        # Cleared while the view draws a frame (for engines that hold the interpreter lock).
        self._drawing_done = threading.Event()
        self._drawing_done.set()
        self._thread = QThread()
        self._thread.setObjectName(f"mechgui-{name}")
        self._commands = Commands()
        self._params_sent = 0  # the number of the last command that sent parameters
        self._worker = EngineWorker(factory, self._mailbox, self._stop, self._drawing_done,
                                    Pacing(max_fps=max_fps, detail_rate=detail_rate),
                                    self._commands)
        self._worker.moveToThread(self._thread)
        self._playing = False
        self._is_ready = False
        self._waits_for_drawing = True
        #: The engine thread's id in the operating system, once it is ready (diagnostics).
        self.engine_thread_id: int | None = None
        self._frame_started: float | None = None
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None,
                                         Callable[[Failure], None] | None]] = {}
        self.last_snapshot: Mapping[str, Any] | None = None
        self.frames_received = 0
        #: Bugs reported by the engine thread (the test suite fails on any).
        self.errors: list[Failure] = []

        w = self._worker
        self._thread.started.connect(w.start)
        self._thread.finished.connect(w.finish)
        # The runner going (its panel deleted) stops the thread; _THREADS keeps it alive.
        self.destroyed.connect(functools.partial(_request_stop, self._thread))
        w.frameReady.connect(self._on_frame_ready)
        w.ready.connect(self._on_ready)
        w.drawingWait.connect(self._on_drawing_wait)
        w.playingChanged.connect(self._on_playing)
        w.paramsApplied.connect(self.paramsApplied)
        w.paramsReplaced.connect(self.paramsReplaced)
        w.returned.connect(self._on_returned)
        w.errored.connect(self._on_errored)
        w.preparing.connect(self.preparing)
        w.cancelled.connect(self._on_cancelled)
        for signal, slot in ((self._cmdPlay, w.play), (self._cmdPause, w.pause),
                             (self._cmdToggle, w.toggle), (self._cmdStep, w.step),
                             (self._cmdRunSteps, w.runSteps), (self._cmdReset, w.reset),
                             (self._cmdSpeed, w.setSpeed), (self._cmdParams, w.setParams),
                             (self._cmdLoad, w.load), (self._cmdCall, w.call),
                             (self._cmdRefresh, w.refresh), (self._cmdFrameDrawn, w.frameDrawn)):
            signal.connect(slot)
        _RUNNERS.add(self)

    # -- commands (call from the GUI thread) -------------------------------------------
    def start(self) -> None:
        if not self._thread.isRunning() and not self._stop.is_set():
            _THREADS[self._thread] = (self._stop, self._drawing_done, self._worker)
            self._thread.start()

    # Pause, reset, set_params and load are counted: a long reset gives way to them.
    # Play, step, run_steps and calls wait for it to end.
    def play(self) -> None:
        self._cmdPlay.emit()

    def pause(self) -> None:
        self._commands.sent_one()
        self._cmdPause.emit()

    def toggle(self) -> None:
        self._cmdToggle.emit()

    def step(self, n: int = 1) -> None:
        self._cmdStep.emit(int(n))

    def run_steps(self, n: int) -> None:
        self._cmdRunSteps.emit(int(n))

    def reset(self, seed: int | None = None) -> None:
        self._commands.sent_one()
        self._cmdReset.emit(seed)

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; :data:`MAX_SPEED` (0) runs as fast as possible."""
        self._cmdSpeed.emit(float(steps_per_second))

    def set_params(self, params: ParamSet) -> None:
        self._params_sent = self._commands.sent_one()
        self._cmdParams.emit(params)

    def load(self, params: ParamSet, seed: int | None = None) -> None:
        self._params_sent = self._commands.sent_one()
        self._cmdLoad.emit(params, seed)

    def call(self, function: Callable[..., Any], *args: Any,
             on_return: Callable[[Any], None] | None = None,
             on_error: Callable[[Failure], None] | None = None, **kwargs: Any) -> int:
        """Run ``function(simulation, *args, **kwargs)`` on the engine thread.

        ``on_return`` gets the value and ``on_error`` the :class:`Failure`, both on the
        GUI thread; without ``on_error`` a failure goes to :attr:`errored`.  Returns the
        call's token (as :attr:`returned` and :attr:`Failure.token` carry it).
        """
        token = next(_tokens)
        self._callbacks[token] = (on_return, on_error)
        self._cmdCall.emit(Call(token, function, args, dict(kwargs)))
        return token

    def refresh(self) -> None:
        self._cmdRefresh.emit()

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def is_ready(self) -> bool:
        """True once the simulation is built on the engine thread."""
        return self._is_ready

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def request_stop(self) -> None:
        """Ask the engine thread to stop after its current call; does not wait."""
        self._stop.set()
        self._drawing_done.set()
        self._thread.quit()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop the engine thread cooperatively; True once it has finished (else it goes
        on to the end of its current call, and :func:`stop_all` waits for it)."""
        self.request_stop()
        if self._thread.isRunning() and not self._thread.wait(timeout_ms):
            return False
        _THREADS.pop(self._thread, None)
        return True

    # -- drawing -------------------------------------------------------------------------
    def frame_drawn(self) -> None:
        """The view has drawn the last frame: its cost paces the next ones, and an engine
        that waits while frames are drawn may step again."""
        if self._frame_started is not None:
            self._cmdFrameDrawn.emit(time.perf_counter() - self._frame_started)
            self._frame_started = None
        self._drawing_done.set()

    # -- from the worker -----------------------------------------------------------------
    @Slot()
    def _on_frame_ready(self) -> None:
        snap = self._mailbox.take()
        if snap is None:
            return
        self.last_snapshot = snap
        self.frames_received += 1
        self._frame_started = time.perf_counter()
        if self._waits_for_drawing:
            self._drawing_done.clear()
        self.snapshotReady.emit(snap)

    @Slot(bool)
    def _on_drawing_wait(self, waits: bool) -> None:
        self._waits_for_drawing = waits

    @Slot(int)
    def _on_ready(self, thread_id: int) -> None:
        self.engine_thread_id = thread_id
        self._is_ready = True
        self.ready.emit()

    @Slot(bool)
    def _on_playing(self, playing: bool) -> None:
        self._playing = playing
        self.playingChanged.emit(playing)

    @Slot(int, object)
    def _on_returned(self, token: int, value: Any) -> None:
        on_return, _ = self._callbacks.pop(token, (None, None))
        if on_return is not None:
            on_return(value)
        self.returned.emit(token, value)

    @Slot(object, int)
    def _on_cancelled(self, params: ParamSet, command: int) -> None:
        self.cancelled.emit(None if self._params_sent > command else params)

    @Slot(object)
    def _on_errored(self, failure: Failure) -> None:
        _, on_error = self._callbacks.pop(failure.token, (None, None)) \
            if failure.token is not None else (None, None)
        if not failure.by_user:
            self.errors.append(failure)
        if on_error is not None:
            on_error(failure)
        else:
            self.errored.emit(failure)
