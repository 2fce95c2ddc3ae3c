"""The engine runner: its pacing, with a stand-in engine whose steps release the lock; long
resets that a newer command or closing stops; a script that leaves its window open."""

import subprocess
import sys
import time
from dataclasses import dataclass

import pytest

from mechgui.app.runner import MAX_SPEED, EngineRunner
from mechgui.engine import Simulation
from mechgui.engine.params import Float, Int, ParamSet


@dataclass(frozen=True, eq=False)
class SleepParams(ParamSet):
    step_seconds: float = Float(0.001, "wall time of one step", low=0, high=1)


class SleepingEngine(Simulation):
    """Each step sleeps, outside the interpreter lock, like a compiled training step;
    the snapshot says how many times :meth:`step` was called and how long the steps took
    (a sleep lasts longer on a busy machine)."""

    name = "sleeping"
    title = "Sleeping"
    Params = SleepParams
    steps_release_gil = True

    def _reset(self) -> None:
        self.calls = 0
        self.busy = 0.0

    def step(self, n: int = 1) -> int:
        self.calls += 1
        return super().step(n)

    def _step(self) -> None:
        began = time.perf_counter()
        time.sleep(self.params.step_seconds)
        self.busy += time.perf_counter() - began

    def _snapshot(self) -> dict:
        return {"calls": self.calls, "busy": self.busy}


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
    busy_per_frame = (last["busy"] - first["busy"]) / 19
    assert calls <= 19 * 1.5, f"{calls} calls for 19 frames"
    # the engine stepped through most of each 25 ms frame (about 23 steps of 1 ms on an idle
    # machine; fewer, each longer, while other processes keep the cores busy)
    assert busy_per_frame >= 0.4 * 0.025, f"{busy_per_frame * 1000:.1f} ms of steps a frame"
    # never faster than max_fps (a frame may come a quarter of an interval early)
    assert times[29] - times[10] >= 19 * 0.75 / 40


def test_frames_are_exact_when_played_a_step_at_a_time(qtbot, viewer):
    """A frame several steps after the last one may reuse a model's costly views
    (``snapshot(detail=False)``); played slowly, a frame per step, each such frame is detailed."""
    runner, frames = viewer.runner, viewer.frames
    runner.set_speed(20)
    runner.play()
    qtbot.waitUntil(lambda: frames[-1]["step"] >= 6, timeout=5000)
    slow = list(frames)
    runner.set_speed(MAX_SPEED)
    qtbot.waitUntil(lambda: len(frames) >= len(slow) + 10, timeout=5000)
    # a frame one step after the last is detailed (on a busy machine a frame may come late
    # and show two steps; it need not be)
    single = [b for a, b in zip(slow, slow[1:]) if b["step"] - a["step"] == 1]
    assert len(single) >= 3 and all(snap["detail"] for snap in single)
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


# -- long resets: progress, and a newer command or closing stops them -------------------
@dataclass(frozen=True, eq=False)
class SlowResetParams(ParamSet):
    size: int = Int(1, "what the snapshot shows", low=1, high=1000)
    reset_seconds: float = Float(0.0, "wall time of a reset", low=0, high=600)


class SlowReset(Simulation):
    """A reset that takes ``reset_seconds``, reporting its progress a hundred times."""

    name = "slow-reset"
    title = "Slow reset"
    Params = SlowResetParams

    def _reset(self) -> None:
        for i in range(100):
            self._report_progress(i / 100)
            time.sleep(self.params.reset_seconds / 100)
        self.size = self.params.size

    def _step(self) -> None:
        pass

    def _snapshot(self) -> dict:
        return {"size": self.size}


class SlowViewer:
    """A runner of a :class:`SlowReset` that records frames, progress and cancellations."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.runner = EngineRunner(SlowReset)
        self.frames: list = []
        self.progress: list = []
        self.cancelled: list = []
        # methods of this object, not list.append: PySide6 may delete the receiver it makes
        # for a built-in method while the runner still holds it
        self.runner.snapshotReady.connect(self._frame)
        self.runner.preparing.connect(self._progress)
        self.runner.cancelled.connect(self._cancelled)
        self.runner.start()
        qtbot.waitUntil(lambda: len(self.frames) > 0, timeout=5000)

    def _frame(self, snap) -> None:
        self.frames.append(snap)

    def _progress(self, fraction) -> None:
        self.progress.append(fraction)

    def _cancelled(self, params) -> None:
        self.cancelled.append(params)

    def start_long_reset(self, size: int = 2, seconds: float = 60.0) -> None:
        """New parameters whose reset takes a minute; back once its progress shows."""
        self.progress.clear()
        self.runner.set_params(SlowResetParams(size=size, reset_seconds=seconds))
        self.qtbot.waitUntil(lambda: any(p is not None and p > 0 for p in self.progress),
                             timeout=5000)

    def wait_size(self, size: int, seconds: float) -> float:
        """Wait for a frame of ``size``; return how long that took."""
        began = time.perf_counter()
        self.qtbot.waitUntil(lambda: self.frames[-1]["size"] == size, timeout=int(seconds * 1000))
        return time.perf_counter() - began


@pytest.fixture
def slow(qtbot):
    view = SlowViewer(qtbot)
    yield view
    assert view.runner.shutdown()
    assert not view.runner.errors


def test_a_long_reset_reports_progress_and_pause_stops_it(qtbot, slow):
    slow.start_long_reset()
    fractions = [p for p in slow.progress if p is not None]
    assert all(0 <= a <= b < 1 for a, b in zip(fractions, fractions[1:]))
    began = time.perf_counter()
    slow.runner.pause()
    qtbot.waitUntil(lambda: slow.progress[-1] is None and bool(slow.cancelled), timeout=3000)
    assert time.perf_counter() - began < 2.0
    # as it was: the old parameters in force, sent back for the form
    assert slow.cancelled[0].size == 1 and slow.cancelled[0].reset_seconds == 0
    assert slow.frames[-1]["size"] == 1


def test_newer_parameters_replace_a_long_reset(qtbot, slow):
    slow.start_long_reset()
    slow.runner.set_params(SlowResetParams(size=3))
    assert slow.wait_size(3, 3.0) < 2.0
    assert slow.cancelled == [None]  # the form already shows the newer ones


def test_reset_also_stops_a_long_reset_and_calls_wait_for_it(qtbot, slow):
    slow.start_long_reset()
    slow.runner.reset()
    qtbot.waitUntil(lambda: len(slow.cancelled) == 1, timeout=3000)
    slow.start_long_reset(seconds=1.5)
    values = []
    slow.runner.call(lambda sim: sim.size, on_return=values.append)
    qtbot.waitUntil(lambda: values != [], timeout=10_000)
    assert values == [2]  # the call ran once the reset had ended


def test_play_and_steps_after_a_preset_wait_for_its_reset(qtbot, slow):
    """A preset loaded, then Play or a number of steps at once (as --steps does): the
    preset's long reset runs to its end first, and the steps follow."""
    runner = slow.runner
    runner.load(SlowResetParams(size=5, reset_seconds=0.5), seed=2)
    runner.run_steps(3)
    runner.play()
    assert slow.wait_size(5, 5.0) > 0.3
    assert slow.cancelled == []


def test_commands_played_before_do_not_stop_a_later_reset(qtbot, slow):
    """Every command is counted once sent and once begun: none is left over to stop a
    long reset that nothing came after."""
    runner = slow.runner
    for command in (runner.play, runner.toggle, runner.toggle, runner.pause, runner.refresh):
        command()
    runner.step(2)
    runner.run_steps(3)
    runner.set_speed(MAX_SPEED)
    runner.call(lambda sim: None)
    runner.load(SlowResetParams(size=4, reset_seconds=0.5), seed=1)
    assert slow.wait_size(4, 5.0) > 0.3
    assert slow.cancelled == []


def test_closing_stops_a_long_reset_at_once(qtbot, slow):
    slow.start_long_reset()
    began = time.perf_counter()
    assert slow.runner.shutdown(timeout_ms=3000)
    assert time.perf_counter() - began < 1.0


SCRIPT_LEFT_OPEN = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from mechgui.app import MainWindow

def wait(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()

app = QApplication([])
window = MainWindow()
window.show()
panel = window.show_tab("som")
wait(2000)
panel.set_speed(0)
panel.play()
wait(300)
print("frames", panel.frames_drawn, panel.runner.playing)
"""


def test_a_script_that_leaves_its_window_open_exits_cleanly():
    """No "QThread: Destroyed while thread is still running" abort."""
    out = subprocess.run([sys.executable, "-c", SCRIPT_LEFT_OPEN], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "True"  # still playing when the script ended
    for noise in ("QThread", "Traceback", "Exception ignored"):
        assert noise not in out.stderr, out.stderr


SCRIPT_STILL_LOADING = """
import time, weakref
from PySide6.QtCore import QCoreApplication
from mechgui.app.runner import EngineRunner
from mechgui.engine import create

class Library:  # stands for a library (torch) whose import on the engine thread makes finalizers
    pass

LOADED = []

def release(name):
    print("released", name, flush=True)

def factory():
    time.sleep(1.0)  # still importing when the script ends
    library = Library()
    LOADED.append(library)
    weakref.finalize(library, release, "library")
    return create("maxnet")

app = QCoreApplication([])
runner = EngineRunner(factory)
runner.start()
print("script ends", flush=True)
"""


def test_an_engine_still_loading_when_a_script_ends_finishes_cleanly():
    """The exit waits for the engine thread, and then the finalizers its import made run
    (as torch's do), while the interpreter is whole: they were skipped, or ran among
    cleared modules ("Exception ignored … 'NoneType' object is not callable")."""
    out = subprocess.run([sys.executable, "-c", SCRIPT_STILL_LOADING], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["script ends", "released library"], out.stderr
    assert "Exception ignored" not in out.stderr and "QThread" not in out.stderr
