"""Python set up for a window beside engine threads: garbage collected on the GUI thread
only, a settled heap and a short switch interval.  The main window owns one
:class:`InterpreterTuning` for as long as it is open.

pyqtgraph's own ``GarbageCollector`` is not used: it cannot be stopped, and its full
collections, with no ``gc.freeze``, held the GUI thread about 200 ms once torch had loaded.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QTimer, Slot

__all__ = ["settle_heap", "GuiThreadCollector", "InterpreterTuning", "SWITCH_INTERVAL"]

#: Seconds a thread may hold Python's interpreter lock while another waits for it
#: (Python's default is 5 ms): an engine whose steps release the lock then waits less
#: to take it back behind the GUI thread's drawing.
SWITCH_INTERVAL = 0.001


def settle_heap() -> None:
    """Move every object alive now out of the collector's sight (``gc.freeze``), so that
    its full collections scan only what was made since and cannot pause the window."""
    gc.collect()
    gc.freeze()


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collector, run from a timer on the GUI thread only.

    An automatic collection runs on whichever thread allocates: on an engine thread it
    could free a widget or plot item and delete its Qt object off the GUI thread.  A
    full collection, or the first after a burst of new objects (a tab importing torch),
    ends with :func:`settle_heap`.  :meth:`stop` restores the automatic collector.
    """

    #: New objects since the last collection that count as a burst, not a frame's worth.
    BURST = 50_000

    def __init__(self, parent: QObject | None, interval_ms: int = 20) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)
        self._was_enabled = gc.isenabled()
        gc.disable()

    @Slot()
    def collect(self) -> None:
        """The collection the automatic collector would have made by now, if any."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] < thresholds[0]:
            return
        if counts[0] >= self.BURST or counts[2] >= thresholds[2]:
            settle_heap()
        else:
            gc.collect(1 if counts[1] >= thresholds[1] else 0)

    def stop(self) -> None:
        """Stop collecting; the automatic collector is as it was before this one started."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


class InterpreterTuning(QObject):
    """The collector on the GUI thread and the :data:`SWITCH_INTERVAL`, until :meth:`undo`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._collector = GuiThreadCollector(self)
        self._previous_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._active = True

    def undo(self) -> None:
        if self._active:
            self._active = False
            self._collector.stop()
            sys.setswitchinterval(self._previous_interval)
