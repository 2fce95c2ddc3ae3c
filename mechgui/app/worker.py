"""What runs on an engine thread: the :class:`EngineWorker` stepping a simulation, paced by
a :class:`~.pacing.Pacer`, and the messages it sends back (frames through a one-slot
:class:`Mailbox`, typed outcomes: a call's value, a :class:`Failure`)."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from mechgui.engine import ParamSet, Simulation

from .pacing import Pacer, Pacing

__all__ = ["EngineWorker", "Failure", "Call", "Mailbox", "DRAWING_WAIT_SECONDS"]

#: Longest the engine waits for the GUI to finish drawing a frame before it steps anyway
#: (for an engine that holds the interpreter lock: drawing would otherwise queue for it).
DRAWING_WAIT_SECONDS = 0.03


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

    def __init__(self, factory: Callable[[], Simulation], mailbox: Mailbox,
                 stop: threading.Event, drawing_done: threading.Event, pacing: Pacing) -> None:
        super().__init__()
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

    # -- commands -----------------------------------------------------------------------
    @Slot()
    def play(self) -> None:
        if self.sim is None or self.sim.done:
            self._publish()
            return
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
        self._set_playing(False)
        if self.sim is not None:
            self._attempt("reset", self.sim.reset, seed)
        self._publish()

    @Slot(float)
    def setSpeed(self, steps_per_second: float) -> None:
        self.pacer.set_speed(steps_per_second, time.perf_counter())
        self._set_timer_interval()

    @Slot(object)
    def setParams(self, params: ParamSet) -> None:
        """Adopt parameters validated on the GUI thread; a change that resets pauses."""
        if self.sim is not None:
            self._attempt("apply the parameters", self._apply_params, params, by_user=True)
        self._publish()

    def _apply_params(self, params: ParamSet) -> None:
        assert self.sim is not None
        if self.sim.set_params(params):
            self._set_playing(False)
        self.pacer.restart(time.perf_counter())
        self._fit_pacing()
        self.paramsApplied.emit(self.sim.params)

    @Slot(object, object)
    def load(self, params: ParamSet, seed: Any) -> None:
        """Replace all parameters and reset (a preset)."""
        self._set_playing(False)
        if self.sim is not None:
            self._attempt("load the preset", self._load, params, seed, by_user=True)
        self._publish()

    def _load(self, params: ParamSet, seed: Any) -> None:
        assert self.sim is not None
        if not self.sim.set_params(params) or seed is not None:
            self.sim.reset(seed)
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

    # -- errors -------------------------------------------------------------------------
    def _attempt(self, action: str, function: Callable[..., Any], *args: Any,
                 by_user: bool = False, token: int | None = None, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)``, or :data:`_FAILED` after reporting its exception."""
        try:
            return function(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure goes to the GUI, typed
            self._set_playing(False)
            details = traceback.format_exc()
            exc.__traceback__ = None  # no engine frames kept alive in the GUI thread
            self.errored.emit(Failure(exc, action, by_user and isinstance(exc, ValueError),
                                      details, token))
            return _FAILED


_FAILED = object()
