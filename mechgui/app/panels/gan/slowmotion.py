"""Slow motion: Step and Play show one pass at a time (the engine's ``step_phase``): pass 1
trains D with G frozen, pass 2 trains G with D frozen.  Play runs the passes on a timer, one
per interval taken from the speed slider, while the runner itself stays paused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ...pacing import MAX_SPEED
from ...runner import Failure

__all__ = ["SlowMotion", "SLOW_PASS_MS", "pass_interval"]

#: Milliseconds per pass when the speed slider is at max speed.
SLOW_PASS_MS = 700


def pass_interval(speed: float) -> int:
    """Milliseconds between two passes at ``speed`` (steps per second, or MAX_SPEED)."""
    if speed == MAX_SPEED:
        return SLOW_PASS_MS
    return int(min(2000, max(150, 1000.0 / speed)))


class SlowMotion(QObject):
    """Asks the engine for one pass at a time; ``playingChanged`` when its Play starts or stops.

    ``call_engine`` is the panel's (see ``SimulationPanel.call_engine``); a pass that fails
    goes to ``on_error``.  A pass is never asked for while the last one is on its way.
    """

    playingChanged = Signal(bool)

    def __init__(self, call_engine: Callable[..., Any], on_error: Callable[[Failure], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call_engine = call_engine
        self._on_error = on_error
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self.playing = False
        self.pending = False

    def step(self) -> None:
        """One pass (Step in slow motion); stops Play."""
        self.stop()
        self._request()

    def start(self, speed: float) -> None:
        """Play: a pass now, then one every :func:`pass_interval`."""
        if self.playing:
            return
        self.playing = True
        self._timer.start(pass_interval(speed))
        self.playingChanged.emit(True)
        self._tick()

    def stop(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self._timer.stop()
        self.playingChanged.emit(False)

    def set_speed(self, speed: float) -> None:
        if self.playing:
            self._timer.setInterval(pass_interval(speed))

    @Slot()
    def _tick(self) -> None:
        if self.playing and not self.pending:
            self._request()

    def _request(self) -> None:
        self.pending = True
        self._call_engine(_step_phase, on_return=self._done, on_error=self._failed)

    def _done(self, _phase: str) -> None:
        self.pending = False

    def _failed(self, failure: Failure) -> None:
        self.pending = False
        self.stop()
        self._on_error(failure)


def _step_phase(sim: Any) -> str:
    """On the engine thread: the next pass of the GAN."""
    return sim.step_phase()
