"""The event loop's stalls, measured as a person would feel them on an idle machine.

A 10 ms timer ticks on the GUI thread; a stall is the gap between two ticks.  On Linux the
time the GUI thread (and any engine thread named, which may hold the interpreter lock the
GUI waits for) spent ready to run but without a CPU, because other processes ran, is read
from /proc/self/task/*/schedstat and subtracted: that wait is the machine's doing, not
mechgui's.  The raw gaps are kept too, for the message of a failing test.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QTimer


class StallMeter:
    """Longest gap between ticks of a 10 ms GUI timer, less the run-queue wait."""

    def __init__(self, *other_threads: int | None) -> None:
        ids = [threading.get_native_id(), *other_threads]
        self._stats = [Path(f"/proc/self/task/{tid}/schedstat") for tid in ids if tid]
        self.gaps: list[float] = []
        self.raw: list[float] = []
        self._last = (time.perf_counter(), self._queued())
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)

    @property
    def longest_raw(self) -> float:
        return max(self.raw, default=0.0)

    def _queued(self) -> float:
        """Seconds the watched threads spent ready to run but without a CPU."""
        total = 0.0
        for stat in self._stats:
            try:
                total += int(stat.read_text().split()[1]) / 1e9
            except (OSError, IndexError, ValueError):
                pass
        return total

    def _tick(self) -> None:
        now, queued = time.perf_counter(), self._queued()
        self.raw.append(now - self._last[0])
        self.gaps.append(now - self._last[0] - (queued - self._last[1]))
        self._last = (now, queued)

    def start(self) -> None:
        self._last = (time.perf_counter(), self._queued())
        self._timer.start(10)

    def stop(self) -> None:
        self._timer.stop()

    def measure(self, qtbot, ms: int) -> float:
        """Watch for `ms` milliseconds of a running event loop; the longest stall."""
        self.start()
        qtbot.wait(50)  # the timer's first ticks
        self.gaps.clear()
        self.raw.clear()
        qtbot.wait(ms)
        self.stop()
        return self.longest
