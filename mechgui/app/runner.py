"""One generic runner that moves any engine simulation onto a QThread.

The GUI thread never runs a training step.  An :class:`EngineRunner` (living in
the GUI thread) owns a ``QThread`` and an :class:`EngineWorker` moved onto it.
Commands travel to the worker as queued signals (play, pause, step, run N
steps, reset, new parameters, speed, load a preset, call an engine method);
snapshots travel back through a one-slot :class:`Mailbox`:

* the worker takes a snapshot when a frame is due (at most ``max_fps`` a
  second, or at once after a single step, a reset or the end of a run) and puts
  it in the mailbox, *replacing* any snapshot the GUI has not yet taken;
* it emits ``frameReady`` only when the mailbox was empty, so however slow the
  GUI is, at most one notification and one snapshot are ever pending.

Drawing is paced: the view reports when a frame is drawn (:meth:`EngineRunner.frame_drawn`),
and the next frame comes no sooner than a multiple of the last one's cost, however
slow the machine.  For an engine that holds Python's interpreter lock while it
steps (``wait_for_drawing``), the engine also waits while a frame is drawn
(pyqtgraph calls into Python hundreds of times per frame, and each call would
otherwise queue for the lock behind the engine), and frames take at most half the
time, so the engine keeps the other half.  An engine that steps outside the lock
runs beside the GUI, and drawing may take up to 80 % of the GUI thread; it steps
up to the next frame in one call if it can, since each call ends by taking the
lock back, which can mean waiting a switch interval behind the GUI's drawing.

Stopping is cooperative: :meth:`EngineRunner.shutdown` sets a flag the worker
checks between steps, quits the thread's event loop and waits for it — never
``terminate()``.  Exceptions in the worker are caught and re-emitted to the GUI
as :attr:`EngineRunner.failed`.
"""

from __future__ import annotations

import math
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from mechgui.engine import ParameterError, ParamSet, Simulation

__all__ = ["EngineRunner", "EngineWorker", "Mailbox", "all_runners", "live_runners", "MAX_SPEED"]

#: Speed value meaning "as fast as possible".
MAX_SPEED = 0.0

_RUNNERS: "weakref.WeakSet[EngineRunner]" = weakref.WeakSet()


def all_runners() -> list["EngineRunner"]:
    """Every runner alive (the test suite checks them for engine errors)."""
    return list(_RUNNERS)


def live_runners() -> list["EngineRunner"]:
    """Runners whose thread is still running (the test suite fails on leftovers)."""
    return [r for r in list(_RUNNERS) if r.is_running()]


class Mailbox:
    """A one-slot, thread-safe box holding the newest undrawn snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: Any = None

    def put(self, item: Any) -> bool:
        """Store ``item`` (dropping an older one); True if the box was empty."""
        with self._lock:
            was_empty = self._item is None
            self._item = item
            return was_empty

    def take(self) -> Any:
        with self._lock:
            item, self._item = self._item, None
            return item


class EngineWorker(QObject):
    """Runs a :class:`Simulation` on the engine thread; every slot here runs there."""

    frameReady = Signal()
    playingChanged = Signal(bool)
    paramsApplied = Signal(object)  # the ParamSet now in force
    failed = Signal(str)            # an exception (a traceback): a bug
    refused = Signal(str)           # a ValueError from an invoked method: the user's to fix
    paramsReplaced = Signal(object)  # an invoked method changed the parameters

    #: Wall time one timer tick may spend stepping before it yields to commands.
    slice_seconds = 0.012
    #: The same for an engine that steps outside the interpreter lock: a tick then runs
    #: up to the next frame (commands wait at most this long), in one call if it can.
    free_slice_seconds = 0.05
    #: Such a slice ends early rather than make another call for less than this share
    #: of it, and the frame then comes that much early.
    free_slack = 0.25
    #: Longest wait for the GUI thread to go idle before stepping anyway.
    gui_wait_seconds = 0.03

    def __init__(self, factory: Callable[[], Simulation], mailbox: Mailbox,
                 stop_flag: threading.Event, max_fps: float,
                 gui_idle: threading.Event | None = None) -> None:
        super().__init__()
        self._factory = factory
        self._mailbox = mailbox
        self._stop = stop_flag
        self._gui_idle = gui_idle if gui_idle is not None else threading.Event()
        if gui_idle is None:
            self._gui_idle.set()
        self._min_frame_interval = 1.0 / max_fps
        #: Seconds between frames: 1/max_fps, or longer when the GUI needs more time to
        #: draw (set from the GUI thread by EngineRunner; a float is swapped atomically).
        self.frame_interval = self._min_frame_interval
        self.sim: Simulation | None = None
        #: The engine thread's id in the operating system (for diagnostics).
        self.native_thread_id: int | None = None
        #: Whether the simulation's steps run outside the interpreter lock, as of the last
        #: frame (it may change with the parameters; a bool is swapped atomically).
        self.steps_release_gil = False
        self._timer: QTimer | None = None
        self._playing = False
        self._speed = MAX_SPEED
        self._target_step: int | None = None
        self._clock_start = 0.0
        self._clock_steps = 0
        self._last_frame = 0.0
        self._chunk = 1
        self._step_seconds: float | None = None  # a step's wall time, for steps outside the lock
        self._unpublished = 0

    # -- life cycle --------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """First slot run on the engine thread: build the simulation there."""
        self.native_thread_id = threading.get_native_id()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._guarded(self._create)

    def _create(self) -> None:
        self.sim = self._factory()
        self.paramsApplied.emit(self.sim.params)
        self._publish()

    @Slot()
    def finish(self) -> None:
        """Stop the timer; called on the engine thread just before it quits."""
        if self._timer is not None:
            self._timer.stop()
        self._playing = False

    # -- commands ------------------------------------------------------------------
    @Slot()
    def play(self) -> None:
        if self.sim is None or self.sim.done:
            self._publish()
            return
        self._target_step = None
        self._set_playing(True)

    @Slot()
    def pause(self) -> None:
        self._set_playing(False)
        self._publish()

    @Slot()
    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    @Slot(int)
    def step(self, n: int) -> None:
        """Advance ``n`` steps at once (the Step button), then show the result."""
        self._set_playing(False)
        if self.sim is not None:
            self._guarded(self._advance, max(1, n))
        self._publish()

    @Slot(int)
    def runSteps(self, n: int) -> None:
        """Play until ``n`` more steps are done (or the run ends), then pause."""
        if self.sim is None:
            return
        self._target_step = self.sim.step_count + max(0, n)
        if n <= 0 or self.sim.done:
            self._publish()
            return
        self._set_playing(True, keep_target=True)

    @Slot(object)
    def reset(self, seed: Any = None) -> None:
        self._set_playing(False)
        if self.sim is not None:
            self._guarded(self.sim.reset, seed)
        self._publish()

    @Slot(float)
    def setSpeed(self, steps_per_second: float) -> None:
        self._speed = max(0.0, float(steps_per_second))
        self._restart_clock()

    @Slot(object)
    def setParams(self, params: Any) -> None:
        """Adopt validated parameters (a ParamSet or a mapping of changes)."""
        if self.sim is None:
            return

        def apply() -> None:
            assert self.sim is not None
            was_playing = self._playing
            if isinstance(params, ParamSet):
                reset = self.sim.set_params(params)
            else:
                reset = self.sim.set_params(**dict(params))
            if reset:
                self._set_playing(False)
            elif was_playing:
                self._restart_clock()
            self.paramsApplied.emit(self.sim.params)

        try:
            apply()
        except ParameterError as exc:  # should not happen: the GUI validates first
            self.failed.emit(str(exc))
        except Exception:  # noqa: BLE001 - routed to the GUI
            self._report()
        self._publish()

    @Slot(object, object)
    def load(self, params: Any, seed: Any) -> None:
        """Replace all parameters and reset (a preset)."""
        self._set_playing(False)
        if self.sim is None:
            return

        def apply() -> None:
            assert self.sim is not None
            if not self.sim.set_params(params):
                self.sim.reset(seed)
            elif seed is not None:
                self.sim.reset(seed)
            self.paramsApplied.emit(self.sim.params)

        self._guarded(apply)
        self._publish()

    @Slot(str, object)
    def invoke(self, method: str, kwargs: Any) -> None:
        """Call an engine method by name (e.g. the GAN's ``step_discriminator``).

        A ``ValueError`` (a bad file, a refused value) is the user's to fix, not a
        bug: its message goes to :attr:`refused` and the engine carries on.
        """
        self._set_playing(False)
        if self.sim is not None:
            before = self.sim.params
            try:
                getattr(self.sim, method)(**dict(kwargs or {}))
                if self.sim.params is not before:  # e.g. a loaded model brought its own
                    self.paramsReplaced.emit(self.sim.params)
            except ValueError as exc:
                self.refused.emit(str(exc))
            except Exception:  # noqa: BLE001 - routed to the GUI
                self._report()
        self._publish()

    @Slot()
    def refresh(self) -> None:
        self._publish()

    # -- the loop ------------------------------------------------------------------
    def _set_playing(self, playing: bool, keep_target: bool = False) -> None:
        if not keep_target:
            self._target_step = None
        if playing == self._playing:
            return
        self._playing = playing
        if self._timer is not None:
            if playing:
                self._restart_clock()
                self._timer.start()
            else:
                self._timer.stop()
        self.playingChanged.emit(playing)

    def _restart_clock(self) -> None:
        self._clock_start = time.perf_counter()
        self._clock_steps = 0
        self._step_seconds = None  # new parameters may step at another pace: measure again
        if self._timer is not None:
            interval = 0 if self._speed == MAX_SPEED else int(min(16, 1000 / self._speed / 2))
            self._timer.setInterval(interval)

    def _advance(self, n: int) -> int:
        """Take up to ``n`` steps in chunks, checking the stop flag between them."""
        assert self.sim is not None
        taken = 0
        while taken < n and not self._stop.is_set() and not self.sim.done:
            done_now = self.sim.step(min(self._chunk, n - taken))
            if done_now == 0:
                break
            taken += done_now
        return taken

    @Slot()
    def _tick(self) -> None:
        if not self._playing or self.sim is None or self._stop.is_set():
            return
        try:
            self._run_slice()
        except Exception:  # noqa: BLE001 - routed to the GUI
            self._set_playing(False)
            self._report()
            return
        now = time.perf_counter()
        finished = self.sim.done or (self._target_step is not None
                                     and self.sim.step_count >= self._target_step)
        if finished:
            self._target_step = None
            self._set_playing(False)
            self._publish()
        elif self._unpublished and now >= self._next_frame_at():
            # A frame that shows several steps is one among many: a model may reuse its
            # costly views.  Played slowly enough for a frame per step, each is exact.
            self._publish(full=self._unpublished == 1)

    def _next_frame_at(self) -> float:
        """When the next frame may be taken: a little before it is due, or up to
        :attr:`free_slack` of the interval before for steps outside the lock."""
        early = self.free_slack if self.steps_release_gil else 0.05
        return self._last_frame + self.frame_interval * (1.0 - early)

    def _run_slice(self) -> None:
        assert self.sim is not None
        start = time.perf_counter()
        free = self.steps_release_gil
        # End the slice when the next frame is due, so frames keep their rate.
        budget = min(self.free_slice_seconds if free else self.slice_seconds,
                     max(0.002, self._last_frame + self.frame_interval - start))
        limit = None
        if self._speed != MAX_SPEED:
            due = int((start - self._clock_start) * self._speed) - self._clock_steps
            if due <= 0:
                return
            limit = due
        if self._target_step is not None:
            remaining = self._target_step - self.sim.step_count
            limit = remaining if limit is None else min(limit, remaining)
        taken = 0
        while not self._stop.is_set() and not self.sim.done:
            chunk = self._chunk
            if free and self._step_seconds is not None:
                # Fill the rest of the slice in one call: each call ends by taking the
                # interpreter lock back, which can mean waiting a switch interval behind
                # the GUI thread's drawing code.
                left = budget - (time.perf_counter() - start)
                if taken and left < self.free_slack * budget:
                    break  # near enough: the frame is taken now, without another call
                chunk = max(1, min(1 << 16, math.ceil(left / self._step_seconds)))
            want = chunk if limit is None else min(chunk, limit - taken)
            if want <= 0:
                break
            # While the view draws a frame, wait for it instead of competing for the
            # interpreter lock; after a short while go on anyway, so that a view that
            # never reports back cannot stop the engine.
            if not self._gui_idle.is_set():
                self._gui_idle.wait(self.gui_wait_seconds)
            t0 = time.perf_counter()
            got = self.sim.step(want)
            taken += got
            elapsed = time.perf_counter() - t0
            if got:
                per_step = elapsed / got
                self._step_seconds = (per_step if self._step_seconds is None
                                      else 0.7 * self._step_seconds + 0.3 * per_step)
            # Grow or shrink the chunk (for Step N, and for steps under the lock while
            # playing) so one call takes 0.5 to 4 ms, or 4 to 16 ms outside the lock.
            # Only a call of a whole chunk may grow it: calls the speed cuts short are
            # quick however large the chunk, which would otherwise grow without bound and
            # stall the engine in one huge call once the speed goes up.
            low, high = (0.004, 0.016) if free else (0.0005, 0.004)
            if elapsed < low and want >= self._chunk and self._chunk < 1 << 16:
                self._chunk *= 2
            elif elapsed > high and self._chunk > 1:
                self._chunk //= 2
            if got == 0 or time.perf_counter() - start >= budget:
                break
        self._clock_steps += taken
        self._unpublished += taken

    def _publish(self, full: bool = True) -> None:
        if self.sim is None:
            return
        began = time.perf_counter()
        try:
            snap = self.sim.snapshot(full=full)
        except Exception:  # noqa: BLE001 - routed to the GUI
            self._report()
            return
        self._last_frame = began  # frames are paced start to start: the snapshot is part of one
        self._unpublished = 0
        self.steps_release_gil = bool(self.sim.steps_release_gil)
        if self._mailbox.put(snap):
            self.frameReady.emit()

    # -- errors --------------------------------------------------------------------
    def _guarded(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception:  # noqa: BLE001 - routed to the GUI
            self._set_playing(False)
            self._report()
            return None

    def _report(self) -> None:
        self.failed.emit(traceback.format_exc())


class EngineRunner(QObject):
    """GUI-side handle of one simulation running on its own thread.

    Signals: ``snapshotReady(object)`` with each frame to draw,
    ``playingChanged(bool)``, ``paramsApplied(object)`` (the parameters in force
    on the engine thread), ``failed(str)`` (an exception there: a bug) and
    ``refused(str)`` (an invoked method refused its input, e.g. a bad file) and
    ``paramsReplaced(object)`` (an invoked method changed the parameters, e.g.
    loading a saved model).
    """

    snapshotReady = Signal(object)
    playingChanged = Signal(bool)
    paramsApplied = Signal(object)
    failed = Signal(str)
    refused = Signal(str)
    paramsReplaced = Signal(object)

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
    _cmdInvoke = Signal(str, object)
    _cmdRefresh = Signal()
    _cmdFinish = Signal()

    def __init__(self, factory: Callable[[], Simulation], parent: QObject | None = None,
                 max_fps: float = 60.0, name: str = "engine") -> None:
        super().__init__(parent)
        self._mailbox = Mailbox()
        self._stop = threading.Event()
        # Cleared while the view draws a frame; see frame_drawn().
        self._gui_idle = threading.Event()
        self._gui_idle.set()
        #: If True, each frame pauses the engine until the view calls frame_drawn()
        #: (right for engines that hold the interpreter lock while they step); None
        #: (the default): so for an engine whose steps hold the lock, as it reports.
        self.wait_for_drawing: bool | None = None
        self._thread = QThread()
        self._thread.setObjectName(f"mechgui-{name}")
        self._worker = EngineWorker(factory, self._mailbox, self._stop, max_fps, self._gui_idle)
        self._worker.moveToThread(self._thread)
        self._playing = False
        self._frame_started: float | None = None
        self._frame_cost = 0.0
        self.last_snapshot: Mapping[str, Any] | None = None
        self.frames_received = 0
        self.errors: list[str] = []

        w = self._worker
        self._thread.started.connect(w.start)
        self._thread.finished.connect(w.deleteLater)
        w.frameReady.connect(self._on_frame_ready)
        w.playingChanged.connect(self._on_playing)
        w.paramsApplied.connect(self.paramsApplied)
        w.failed.connect(self._on_failed)
        w.refused.connect(self.refused)
        w.paramsReplaced.connect(self.paramsReplaced)
        for signal, slot in ((self._cmdPlay, w.play), (self._cmdPause, w.pause),
                             (self._cmdToggle, w.toggle), (self._cmdStep, w.step),
                             (self._cmdRunSteps, w.runSteps), (self._cmdReset, w.reset),
                             (self._cmdSpeed, w.setSpeed), (self._cmdParams, w.setParams),
                             (self._cmdLoad, w.load), (self._cmdInvoke, w.invoke),
                             (self._cmdRefresh, w.refresh), (self._cmdFinish, w.finish)):
            signal.connect(slot)
        _RUNNERS.add(self)

    # -- commands (call from the GUI thread) -----------------------------------------
    def start(self) -> None:
        if not self._thread.isRunning() and not self._stop.is_set():
            self._thread.start()

    def play(self) -> None:
        self._cmdPlay.emit()

    def pause(self) -> None:
        self._cmdPause.emit()

    def toggle(self) -> None:
        self._cmdToggle.emit()

    def step(self, n: int = 1) -> None:
        self._cmdStep.emit(int(n))

    def run_steps(self, n: int) -> None:
        self._cmdRunSteps.emit(int(n))

    def reset(self, seed: int | None = None) -> None:
        self._cmdReset.emit(seed)

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; :data:`MAX_SPEED` (0) runs as fast as possible."""
        self._cmdSpeed.emit(float(steps_per_second))

    def set_params(self, params: ParamSet | Mapping[str, Any]) -> None:
        self._cmdParams.emit(params)

    def load(self, params: ParamSet, seed: int | None = None) -> None:
        self._cmdLoad.emit(params, seed)

    def invoke(self, method: str, **kwargs: Any) -> None:
        self._cmdInvoke.emit(method, kwargs)

    def refresh(self) -> None:
        self._cmdRefresh.emit()

    @property
    def engine_thread_id(self) -> int | None:
        """The engine thread's id in the operating system, once started (diagnostics)."""
        return self._worker.native_thread_id

    @property
    def waits_for_drawing(self) -> bool:
        """Whether the engine pauses while a frame is drawn (see :attr:`wait_for_drawing`)."""
        if self.wait_for_drawing is not None:
            return self.wait_for_drawing
        return not self._worker.steps_release_gil

    @property
    def playing(self) -> bool:
        return self._playing

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop the engine thread cleanly; True once it has finished."""
        self._stop.set()
        self._gui_idle.set()
        if self._thread.isRunning():
            self._cmdFinish.emit()
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                return False
        return True

    # -- drawing ---------------------------------------------------------------------
    def frame_drawn(self) -> None:
        """The view has drawn the last frame: the engine may step again.

        With ``wait_for_drawing`` the engine waits until then (see
        :attr:`EngineWorker.gui_wait_seconds`).  The time the frame took sets the
        frame rate: the next one comes no sooner than twice that (1.25 times for
        an engine that runs beside the GUI, outside the interpreter lock).
        """
        if self._frame_started is not None:
            cost = time.perf_counter() - self._frame_started
            self._frame_started = None
            self._frame_cost = 0.7 * self._frame_cost + 0.3 * cost
            # An engine that waits while a frame is drawn must get at least half the
            # time; one that runs beside the GUI (outside the GIL) loses nothing, so
            # the GUI thread may then spend up to 80 % of its time drawing.
            share = 2.0 if self.waits_for_drawing else 1.25
            self._worker.frame_interval = max(self._worker._min_frame_interval,
                                              share * self._frame_cost)
        self._gui_idle.set()

    # -- from the worker -------------------------------------------------------------
    @Slot()
    def _on_frame_ready(self) -> None:
        snap = self._mailbox.take()
        if snap is None:
            return
        self.last_snapshot = snap
        self.frames_received += 1
        self._frame_started = time.perf_counter()
        if self.waits_for_drawing:
            self._gui_idle.clear()
        self.snapshotReady.emit(snap)

    @Slot(bool)
    def _on_playing(self, playing: bool) -> None:
        self._playing = playing
        self.playingChanged.emit(playing)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.errors.append(message)
        self.failed.emit(message)
