"""How many steps an engine takes per call and when a frame is due: pure, no Qt, no threads.

The engine thread asks a :class:`Pacer` before every call to the simulation and after
every slice of calls; the pacer answers from the clock it is given, the measured cost
of a step and of drawing a frame, and the speed asked for.  The knobs are in
:class:`Pacing`; :meth:`Pacing.for_engine` picks them for an engine that holds Python's
interpreter lock while it steps, or one that releases it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["MAX_SPEED", "Pacing", "Pacer"]

#: Speed value meaning "as fast as possible".
MAX_SPEED = 0.0
#: Most steps one call may take (a bound on how long a call can hold the engine thread).
MAX_CALL_STEPS = 1 << 16


@dataclass(frozen=True)
class Pacing:
    """The knobs of the pacing, in seconds and per second."""

    #: Most frames a second.
    max_fps: float = 60.0
    #: Most detailed frames a second while each frame shows several steps (a frame that
    #: shows one step, or is taken paused, is always detailed).
    detail_rate: float = 5.0
    #: Longest the engine steps before it looks at its commands again.
    command_latency: float = 0.012
    #: Length one call to the simulation aims at; 0 means "up to the next frame".
    call_seconds: float = 0.002
    #: Most of the GUI thread's time that drawing frames may take.
    drawing_share: float = 0.5
    #: A frame may come this share of its interval early (rather than wait for one more call).
    early_share: float = 0.05

    @classmethod
    def for_engine(cls, releases_lock: bool, max_fps: float = 60.0,
                   detail_rate: float = 5.0) -> "Pacing":
        """Knobs for an engine whose steps hold the interpreter lock, or release it.

        An engine that holds the lock gets short calls and waits while a frame is drawn,
        so it keeps half the time.  One that releases it runs beside the GUI, steps up to
        the next frame in one call (each call ends by taking the lock back, which can mean
        waiting behind the GUI's drawing) and leaves the GUI thread 80 % for drawing.
        """
        if releases_lock:
            return cls(max_fps, detail_rate, command_latency=0.05, call_seconds=0.0,
                       drawing_share=0.8, early_share=0.25)
        return cls(max_fps, detail_rate)


class Pacer:
    """Steps per call, slices and frames for one engine; every method takes the clock."""

    def __init__(self, pacing: Pacing) -> None:
        self.pacing = pacing
        self.speed = MAX_SPEED
        self.step_seconds: float | None = None
        self.frame_interval = 1.0 / pacing.max_fps
        self.frame_cost = 0.0
        self.unshown_steps = 0
        self._clock_start = 0.0
        self._clock_steps = 0
        self._last_frame = -math.inf
        self._last_detail = -math.inf

    # -- settings -------------------------------------------------------------------
    def use(self, pacing: Pacing) -> None:
        """New knobs (the engine's kind changed with its parameters); measurements stay."""
        self.pacing = pacing
        self._update_interval()

    def set_speed(self, steps_per_second: float, now: float) -> None:
        """Steps per second, or :data:`MAX_SPEED`; the speed clock starts again."""
        self.speed = max(0.0, float(steps_per_second))
        self.restart(now)

    def restart(self, now: float) -> None:
        """Start the speed clock at ``now`` and measure a step's cost afresh."""
        self._clock_start = now
        self._clock_steps = 0
        self.step_seconds = None

    def tick_seconds(self) -> float:
        """How often the engine thread should look for work while playing."""
        if self.speed == MAX_SPEED:
            return 0.0
        return min(0.016, 0.5 / self.speed)

    # -- steps ----------------------------------------------------------------------
    def slice_end(self, start: float) -> float:
        """When a slice of calls begun at ``start`` hands back to the commands: after
        :attr:`Pacing.command_latency`, or sooner when the next frame is due."""
        frame_at = self._last_frame + self.frame_interval
        return min(start + self.pacing.command_latency, max(start + 0.002, frame_at))

    def next_call(self, now: float, slice_start: float, taken: int,
                  remaining: int | None = None) -> int:
        """Steps the next call should take; 0 ends the slice.

        ``taken`` is the steps taken in this slice so far, ``remaining`` how many a
        target (Run N steps) still allows.
        """
        end = self.slice_end(slice_start)
        left = end - now
        if taken and left <= self.pacing.early_share * (end - slice_start):
            return 0
        steps = self.call_size(left)
        if self.speed != MAX_SPEED:
            due = math.floor((now - self._clock_start) * self.speed) + 1 - self._clock_steps
            steps = min(steps, due)
        if remaining is not None:
            steps = min(steps, remaining)
        return max(steps, 0)

    def call_size(self, seconds: float | None = None) -> int:
        """Steps that fill one call: :attr:`Pacing.call_seconds`, or ``seconds`` for an
        engine that steps up to the next frame; one step while a step's cost is unknown."""
        if self.step_seconds is None:
            return 1
        target = self.pacing.call_seconds or (seconds if seconds is not None else 0.016)
        return max(1, min(MAX_CALL_STEPS, math.ceil(target / self.step_seconds)))

    def record_call(self, steps: int, seconds: float) -> None:
        """A call took ``steps`` steps in ``seconds``."""
        if steps > 0:
            per_step = seconds / steps
            self.step_seconds = per_step if self.step_seconds is None else \
                0.7 * self.step_seconds + 0.3 * per_step
        self._clock_steps += steps
        self.unshown_steps += steps

    # -- frames ---------------------------------------------------------------------
    def frame_due(self, now: float) -> bool:
        """Whether steps wait to be shown and the frame interval has (nearly) passed."""
        early = self.pacing.early_share * self.frame_interval
        return self.unshown_steps > 0 and now >= self._last_frame + self.frame_interval - early

    def wants_detail(self, now: float) -> bool:
        """Whether the next frame should be detailed (see :attr:`Pacing.detail_rate`)."""
        return self.unshown_steps <= 1 or now - self._last_detail >= 1.0 / self.pacing.detail_rate

    def frame_taken(self, now: float, detail: bool) -> None:
        """A frame was taken at ``now`` (frames are paced start to start)."""
        self._last_frame = now
        self.unshown_steps = 0
        if detail:
            self._last_detail = now

    def frame_drawn(self, seconds: float) -> None:
        """The view took ``seconds`` to draw a frame: frames come no faster than drawing
        may take :attr:`Pacing.drawing_share` of the GUI thread."""
        self.frame_cost = 0.7 * self.frame_cost + 0.3 * seconds
        self._update_interval()

    def _update_interval(self) -> None:
        self.frame_interval = max(1.0 / self.pacing.max_fps,
                                  self.frame_cost / self.pacing.drawing_share)
