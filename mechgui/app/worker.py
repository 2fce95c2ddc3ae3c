"""What runs on an engine thread: the :class:`EngineWorker` stepping a simulation, paced by
a :class:`~.pacing.Pacer`, and the messages it sends back (frames through a one-slot
:class:`Mailbox`, typed outcomes: a call's value, a :class:`Failure`).

A reset that takes long (a SOM over a million inputs, a GAN's pre-training) runs with a
progress callback (see :class:`~mechgui.engine.base.Cancelled`): the worker shows how
far it is (:attr:`EngineWorker.preparing`) and stops it, leaving the simulation as it
was, as soon as the thread is asked to stop or a newer command waits (:class:`Commands`).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from mechgui.engine import ParamSet, Simulation
from mechgui.engine.base import Cancelled

from .pacing import Pacer, Pacing

__all__ = ["EngineWorker", "Failure", "Call", "Mailbox", "Commands", "DRAWING_WAIT_SECONDS"]

#: Longest the engine waits for the GUI to finish drawing a frame before it steps anyway
#: (for an engine that holds the interpreter lock: drawing would otherwise queue for it).
DRAWING_WAIT_SECONDS = 0.03
#: A long reset shows its progress once it has taken this long (seconds) …
PROGRESS_AFTER = 0.2
#: … and then at most this often.
PROGRESS_EVERY = 0.1


@dataclass(frozen=True)
class Failure:
    """An exception raised on the engine thread.

    ``by_user`` is True for a ``ValueError`` (a :class:`~mechgui.engine.ParameterError`,
    a file that does not fit) raised while doing what the user asked with their input:
    theirs to fix.  Anything else is a bug; ``details`` holds its traceback.
    """

    error: BaseException
    action: str
    by_user: bool
    details: str
    token: int | None = None

    def __str__(self) -> str:
        return str(self.error) or type(self.error).__name__


@dataclass(frozen=True)
class Call:
    token: int
    function: Callable[..., Any]
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


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


class Commands:
    """How many of the commands that stop a long reset (Pause, Reset, new parameters, a
    preset) the GUI thread has sent (:meth:`sent_one`) and the engine thread has begun
    (:meth:`begin`): while one waits, a long reset gives way to it.  Play, Step and calls
    wait for the reset instead.  Each counter has one writer: no lock is needed."""

    def __init__(self) -> None:
        self.sent = 0
        self.begun = 0

    def sent_one(self) -> int:
        """Count a command sent (GUI thread); return its number."""
        self.sent += 1
        return self.sent

    def begin(self) -> None:
        """Count a command begun (engine thread)."""
        self.begun += 1

    def waiting(self) -> bool:
        return self.sent > self.begun


class EngineWorker(QObject):
    """Runs a :class:`Simulation` on the engine thread; every slot here runs there."""

    frameReady = Signal()
    ready = Signal(int)              # the simulation is built; the thread's id in the system
    playingChanged = Signal(bool)
    paramsApplied = Signal(object)   # the ParamSet now in force
    paramsReplaced = Signal(object)  # a call changed the parameters (e.g. a loaded model)
    returned = Signal(int, object)   # a call's token and return value
    errored = Signal(object)         # a Failure
    drawingWait = Signal(bool)       # whether the engine waits while a frame is drawn
    preparing = Signal(object)       # a long reset's fraction done; None once it has ended
    cancelled = Signal(object, int)  # parameters in force after a cancelled reset; the
                                     # number of the command it was part of

    def __init__(self, factory: Callable[[], Simulation], mailbox: Mailbox,
                 stop: threading.Event, drawing_done: threading.Event, pacing: Pacing,
                 commands: Commands | None = None) -> None:
        super().__init__()
        self._commands = commands if commands is not None else Commands()
        self._progress_due = 0.0
        self._progress_shown = False
        self._factory = factory
        self._mailbox = mailbox
        self._stop = stop
        self._drawing_done = drawing_done
        self._base_pacing = pacing
        self.pacer = Pacer(pacing)
        self.sim: Simulation | None = None
        self._timer: QTimer | None = None
        self._playing = False
        self._target_step: int | None = None
        self._waits_for_drawing = True

    # -- life cycle -------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """First slot run on the engine thread: build the simulation there."""
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._attempt("build the simulation", self._create)

    def _create(self) -> None:
        self.sim = self._factory()
        self._fit_pacing()
        self.ready.emit(threading.get_native_id())
        self.paramsApplied.emit(self.sim.params)
        self._publish()

    @Slot()
    def finish(self) -> None:
        """The thread is ending: its timer stops here (a timer is stopped on its own thread;
        the worker itself is freed later, on the GUI thread)."""
        if self._timer is not None:
            self._timer.stop()

    # -- commands (those that stop a long reset are counted as begun: see Commands) ------
    @Slot()
    def play(self) -> None:
        self._play()

    def _play(self) -> None:
        if self.sim is None or self.sim.done:
            self._publish()
            return
        self._set_playing(True)

    @Slot()
    def pause(self) -> None:
        self._commands.begin()
        self._pause()

    def _pause(self) -> None:
        self._set_playing(False)
        self._publish()

    @Slot()
    def toggle(self) -> None:
        if self._playing:
            self._pause()
        else:
            self._play()

    @Slot(int)
    def step(self, n: int) -> None:
        """Advance ``n`` steps at once (the Step button), then show the result."""
        self._set_playing(False)
        if self.sim is not None:
            self._attempt("step", self._advance, max(1, n))
        self._publish()

    @Slot(int)
    def runSteps(self, n: int) -> None:
        """Play until ``n`` more steps are done (or the run ends), then pause."""
        if self.sim is None:
            return
        if n <= 0 or self.sim.done:
            self._publish()
            return
        self._set_playing(True)
        self._target_step = self.sim.step_count + n

    @Slot(object)
    def reset(self, seed: Any = None) -> None:
        self._commands.begin()
        self._set_playing(False)
        if self.sim is not None:
            self._prepare("reset", self.sim.reset, seed, progress=self._keep_going)
        self._publish()

    @Slot(float)
    def setSpeed(self, steps_per_second: float) -> None:
        self.pacer.set_speed(steps_per_second, time.perf_counter())
        self._set_timer_interval()

    @Slot(object)
    def setParams(self, params: ParamSet) -> None:
        """Adopt parameters validated on the GUI thread; a change that resets pauses."""
        self._commands.begin()
        if self.sim is not None:
            self._prepare("apply the parameters", self._apply_params, params, by_user=True)
        self._publish()

    def _apply_params(self, params: ParamSet) -> None:
        assert self.sim is not None
        if self.sim.set_params(params, progress=self._keep_going):
            self._set_playing(False)
        self.pacer.restart(time.perf_counter())
        self._fit_pacing()
        self.paramsApplied.emit(self.sim.params)

    @Slot(object, object)
    def load(self, params: ParamSet, seed: Any) -> None:
        """Replace all parameters and reset (a preset)."""
        self._commands.begin()
        self._set_playing(False)
        if self.sim is not None:
            self._prepare("load the preset", self._load, params, seed, by_user=True)
        self._publish()

    def _load(self, params: ParamSet, seed: Any) -> None:
        assert self.sim is not None
        if not self.sim.set_params(params, progress=self._keep_going) or seed is not None:
            self.sim.reset(seed, progress=self._keep_going)
        self._fit_pacing()
        self.paramsApplied.emit(self.sim.params)

    @Slot(object)
    def call(self, call: Call) -> None:
        """Run ``call.function(simulation, *args, **kwargs)``; its value goes back as
        :attr:`returned`, an exception as :attr:`errored`."""
        self._set_playing(False)
        if self.sim is not None:
            before = self.sim.params
            name = getattr(call.function, "__name__", "call")
            outcome = self._attempt(name, call.function, self.sim, *call.args, by_user=True,
                                    token=call.token, **call.kwargs)
            if outcome is not _FAILED:
                self.returned.emit(call.token, outcome)
            if self.sim.params is not before:
                self._fit_pacing()
                self.paramsReplaced.emit(self.sim.params)
        self._publish()

    @Slot()
    def refresh(self) -> None:
        self._publish()

    @Slot(float)
    def frameDrawn(self, seconds: float) -> None:
        self.pacer.frame_drawn(seconds)

    # -- playing ------------------------------------------------------------------------
    def _set_playing(self, playing: bool) -> None:
        self._target_step = None
        if playing == self._playing:
            return
        self._playing = playing
        if self._timer is not None:
            if playing:
                self.pacer.restart(time.perf_counter())
                self._set_timer_interval()
                self._timer.start()
            else:
                self._timer.stop()
        self.playingChanged.emit(playing)

    def _set_timer_interval(self) -> None:
        if self._timer is not None:
            self._timer.setInterval(round(self.pacer.tick_seconds() * 1000))

    def _fit_pacing(self) -> None:
        """Pace for the kind of engine the parameters make (it may change with them)."""
        assert self.sim is not None
        base = self._base_pacing
        releases = bool(self.sim.steps_release_gil)
        self.pacer.use(Pacing.for_engine(releases, base.max_fps, base.detail_rate))
        if releases == self._waits_for_drawing:
            self._waits_for_drawing = not releases
            self.drawingWait.emit(self._waits_for_drawing)

    def _advance(self, n: int) -> int:
        """Take ``n`` steps (or fewer if the run ends), checking the stop flag between calls."""
        assert self.sim is not None
        taken = 0
        while taken < n and not self._stop.is_set() and not self.sim.done:
            got = self._timed_call(min(self.pacer.call_size(), n - taken))
            if got == 0:
                break
            taken += got
        return taken

    def _timed_call(self, steps: int) -> int:
        assert self.sim is not None
        began = time.perf_counter()
        got = self.sim.step(steps)
        self.pacer.record_call(got, time.perf_counter() - began)
        return got

    @Slot()
    def _tick(self) -> None:
        if not self._playing or self.sim is None or self._stop.is_set():
            return
        if self._attempt("step", self._run_slice) is _FAILED:
            self._set_playing(False)
            return
        reached = self._target_step is not None and self.sim.step_count >= self._target_step
        if self.sim.done or reached:
            self._set_playing(False)
            self._publish()
        elif self.pacer.frame_due(time.perf_counter()):
            self._publish(detail=self.pacer.wants_detail(time.perf_counter()))

    def _run_slice(self) -> None:
        """Calls to the simulation until the pacer ends the slice."""
        assert self.sim is not None
        start = time.perf_counter()
        taken = 0
        while not self._stop.is_set() and not self.sim.done:
            remaining = None if self._target_step is None else \
                self._target_step - self.sim.step_count
            steps = self.pacer.next_call(time.perf_counter(), start, taken, remaining)
            if steps <= 0:
                break
            if self._waits_for_drawing and not self._drawing_done.is_set():
                self._drawing_done.wait(DRAWING_WAIT_SECONDS)
            got = self._timed_call(steps)
            if got == 0:
                break
            taken += got

    def _publish(self, detail: bool = True) -> None:
        if self.sim is None:
            return
        began = time.perf_counter()
        snap = self._attempt("take a snapshot", self.sim.snapshot, detail=detail)
        if snap is _FAILED:
            return
        self.pacer.frame_taken(began, detail)
        if self._mailbox.put(snap):
            self.frameReady.emit()

    # -- long resets ----------------------------------------------------------------------
    def _prepare(self, action: str, function: Callable[..., Any], *args: Any,
                 **kwargs: Any) -> Any:
        """:meth:`_attempt` for what may reset at length (``function`` hands
        :meth:`_keep_going` to the simulation): its progress shown, once it takes a while."""
        self._progress_due = time.perf_counter() + PROGRESS_AFTER
        self._progress_shown = False
        try:
            return self._attempt(action, function, *args, **kwargs)
        finally:
            if self._progress_shown:
                self.preparing.emit(None)

    def _keep_going(self, fraction: float) -> bool:
        """A long reset's progress callback: False (stop) once the thread is to stop or a
        newer command waits; else True, after showing ``fraction`` if it is time to."""
        if self._stop.is_set() or self._commands.waiting():
            return False
        now = time.perf_counter()
        if now >= self._progress_due:
            self._progress_due = now + PROGRESS_EVERY
            self._progress_shown = True
            self.preparing.emit(fraction)
        return True

    # -- errors -------------------------------------------------------------------------
    def _attempt(self, action: str, function: Callable[..., Any], *args: Any,
                 by_user: bool = False, token: int | None = None, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)``, or :data:`_FAILED` after reporting its exception
        (a reset cancelled is no failure: the parameters in force go back)."""
        try:
            return function(*args, **kwargs)
        except Cancelled:
            assert self.sim is not None
            self.cancelled.emit(self.sim.params, self._commands.begun)
            return _FAILED
        except Exception as exc:  # noqa: BLE001 - every failure goes to the GUI, typed
            self._set_playing(False)
            details = traceback.format_exc()
            exc.__traceback__ = None  # no engine frames kept alive in the GUI thread
            self.errored.emit(Failure(exc, action, by_user and isinstance(exc, ValueError),
                                      details, token))
            return _FAILED


_FAILED = object()
