"""The engine runner's pacing, with a stand-in engine whose steps release the lock."""

import time
from dataclasses import dataclass

import pytest

from mechgui.app.runner import MAX_SPEED, EngineRunner
from mechgui.engine import Simulation
from mechgui.engine.params import Float, ParamSet


@dataclass(frozen=True, eq=False)
class SleepParams(ParamSet):
    step_seconds: float = Float(0.001, "wall time of one step", low=0, high=1)


class SleepingEngine(Simulation):
    """Each step sleeps, outside the interpreter lock, like a compiled training step;
    the snapshot says how many times :meth:`step` was called."""

    name = "sleeping"
    title = "Sleeping"
    Params = SleepParams
    steps_release_gil = True

    def _reset(self) -> None:
        self.calls = 0

    def step(self, n: int = 1) -> int:
        self.calls += 1
        return super().step(n)

    def _step(self) -> None:
        time.sleep(self.params.step_seconds)

    def _snapshot(self) -> dict:
        return {"calls": self.calls}


class Viewer:
    """A runner of a :class:`SleepingEngine` and a view that draws every frame at once:
    ``frames`` and ``times`` (when each came)."""

    def __init__(self, qtbot) -> None:
        self.runner = EngineRunner(SleepingEngine, max_fps=40)
        self.frames: list = []
        self.times: list[float] = []
        self.runner.snapshotReady.connect(self.draw)
        self.runner.start()
        qtbot.waitUntil(lambda: len(self.frames) > 0, timeout=5000)

    def draw(self, snap) -> None:
        self.frames.append(snap)
        self.times.append(time.perf_counter())
        self.runner.frame_drawn()


@pytest.fixture
def viewer(qtbot):
    view = Viewer(qtbot)
    yield view
    view.runner.pause()
    assert view.runner.shutdown()
    assert not view.runner.errors


def test_an_engine_outside_the_lock_steps_in_one_call_per_frame(qtbot, viewer):
    """Each call ends by retaking the interpreter lock (a wait behind the GUI's drawing):
    a slice fills the time to the next frame with one call, not many short ones."""
    frames, times = viewer.frames, viewer.times
    viewer.runner.set_speed(MAX_SPEED)
    viewer.runner.play()
    qtbot.waitUntil(lambda: len(frames) >= 30, timeout=5000)
    first, last = frames[10], frames[29]  # after the first frames measured a step's time
    calls = last["calls"] - first["calls"]
    steps_per_frame = (last["step"] - first["step"]) / 19
    assert calls <= 19 * 1.5, f"{calls} calls for 19 frames"
    assert steps_per_frame >= 10  # a 25 ms frame holds about 23 steps of 1 ms
    # never faster than max_fps (a frame may come a quarter of an interval early)
    assert times[29] - times[10] >= 19 * 0.75 / 40


def test_frames_are_exact_when_played_a_step_at_a_time(qtbot, viewer):
    """A frame several steps after the last one may reuse a model's costly views
    (``snapshot(detail=False)``); played slowly, a frame per step, every frame is detailed."""
    runner, frames = viewer.runner, viewer.frames
    runner.set_speed(20)
    runner.play()
    qtbot.waitUntil(lambda: frames[-1]["step"] >= 6, timeout=5000)
    slow = list(frames)
    runner.set_speed(MAX_SPEED)
    qtbot.waitUntil(lambda: len(frames) >= len(slow) + 10, timeout=5000)
    assert all(snap["detail"] for snap in slow)
    fast = frames[len(slow) + 2:]
    assert fast and not all(snap["detail"] for snap in fast)
    assert sum(snap["detail"] for snap in fast) <= len(fast) / 2


def test_speeding_up_from_a_slow_speed_does_not_stall_the_engine(qtbot, viewer):
    """Played slowly, each call takes the one step that is due; turned up to full speed
    the engine goes on in calls of a frame's worth, not in one call of thousands of
    steps sized while it was slow."""
    runner, frames = viewer.runner, viewer.frames
    runner.set_speed(50)
    runner.play()
    qtbot.wait(1000)  # some fifty calls of a step each
    slow_step = frames[-1]["step"]
    runner.set_speed(MAX_SPEED)
    qtbot.waitUntil(lambda: frames[-1]["step"] >= slow_step + 100, timeout=3000)


def test_a_call_returns_its_value_and_an_error_comes_as_the_exception(qtbot, viewer):
    """Typed outcomes: the return value of a call, and the exception object of a
    failure (a ValueError from the user's input is theirs to fix, not a bug)."""
    values, failures = [], []

    def add_steps(sim, n):
        return sim.step(n) * 10

    def refuse(sim):
        raise ValueError("that file does not fit")

    viewer.runner.call(add_steps, 3, on_return=values.append)
    viewer.runner.call(refuse, on_error=failures.append)
    qtbot.waitUntil(lambda: bool(values and failures), timeout=5000)
    assert values == [30]
    failure = failures[0]
    assert isinstance(failure.error, ValueError) and failure.by_user
    assert str(failure) == "that file does not fit" and failure.action == "refuse"
    assert viewer.runner.errors == []  # the user's error is not a bug


@pytest.mark.engine_errors
def test_a_bug_in_a_call_is_reported_with_its_traceback(qtbot, viewer):
    failures = []

    def broken(sim):
        return 1 / 0

    viewer.runner.errored.connect(failures.append)
    viewer.runner.call(broken)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    failure = failures[0]
    assert isinstance(failure.error, ZeroDivisionError) and not failure.by_user
    assert "ZeroDivisionError" in failure.details and "broken" in failure.details
    assert viewer.runner.errors == [failure]
    viewer.runner.errors.clear()
