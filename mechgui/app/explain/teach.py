"""A teach step: one update of a model played in stages a class can follow, each held
on screen for a moment with its caption in the explain strip.

The stages come from a generator the panel writes: each ``next()`` draws one stage
from the engine's snapshot (the view only draws) and yields its caption, or yields
None while it waits for something (the snapshot of a step it asked for); the player's
timer, on the GUI thread, moves on:

    def stages():
        panel.step_once()
        while panel.snapshot["step"] == start:
            yield None                      # polled again shortly
        draw_the_input(panel.snapshot)
        yield "1/3 · The input x appears"   # held for interval_ms
        ...

    panel.teacher.play(stages())
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from .. import errors

__all__ = ["Stages", "TeachPlayer", "teach_opening", "wait_for_step"]

#: What a panel hands the player: captions, or None while waiting.
Stages = Iterator["str | None"]


def teach_opening(panel: Any, done_text: str) -> Generator[str, None, Mapping[str, Any] | None]:
    """The snapshot a teach step starts from, the run paused (``snap = yield from …``);
    None where there is nothing to teach: no snapshot yet, or a run that is done (after
    yielding ``done_text`` as the caption)."""
    snap = panel.snapshot
    if snap is None:
        return None
    if snap["done"]:
        yield done_text
        return None
    panel.pause()
    return snap


def wait_for_step(panel: Any, start: int) -> Iterator[None]:
    """Waits (yields None) until the panel shows a snapshot past step ``start``."""
    while panel.snapshot is None or int(panel.snapshot["step"]) == start:
        yield None  # the step's snapshot is on its way


class TeachPlayer(QObject):
    """Plays :data:`Stages`; the captions go to ``show_caption`` (None at the end)."""

    #: A stage was shown: its number (1, 2, …) and caption.
    stageShown = Signal(int, str)
    #: The last stage was shown and held (or the play was stopped).
    finished = Signal()
    #: How long each stage stays on screen (milliseconds).
    interval_ms = 1600
    #: How soon a waiting stage is asked again (milliseconds).
    poll_ms = 40
    #: A wait longer than this many polls gives up (an engine that never answered).
    most_polls = 1500

    def __init__(self, parent: QObject, show_caption: Callable[[str | None], None],
                 errors_to: list[str] | None = None) -> None:
        super().__init__(parent)
        self._show_caption = show_caption
        self._errors_to = errors_to
        self._stages: Stages | None = None
        self._shown = 0
        self._polls = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._next)
        #: The captions shown by the current (or last) play, in order.
        self.captions: list[str] = []

    @property
    def active(self) -> bool:
        return self._stages is not None

    def play(self, stages: Stages) -> None:
        """Start playing ``stages`` (a play still running is stopped first)."""
        self.stop(quiet=True)
        self._stages = stages
        self._shown = 0
        self._polls = 0
        self.captions = []
        self._timer.start(0)

    def stop(self, quiet: bool = False) -> None:
        """Stop here; the caption goes (``finished`` unless ``quiet``)."""
        if self._stages is None:
            return
        stages, self._stages = self._stages, None
        self._timer.stop()
        stages.close()
        self._show_caption(None)
        if not quiet:
            self.finished.emit()

    @Slot()
    def _next(self) -> None:
        if self._stages is None:
            return
        try:
            caption = next(self._stages)
        except StopIteration:
            self._stages = None
            self._show_caption(None)
            self.finished.emit()
            return
        except Exception as exc:  # noqa: BLE001 - a drawing bug must not kill the app
            self._stages = None
            self._show_caption(None)
            text = traceback.format_exc()
            if self._errors_to is not None:
                self._errors_to.append(text)
            errors.report_bug(f"A teach step failed: {type(exc).__name__}: {exc}", text)
            self.finished.emit()
            return
        if caption is None:
            self._polls += 1
            if self._polls > self.most_polls:
                self.stop()
                return
            self._timer.start(self.poll_ms)
            return
        self._polls = 0
        self._shown += 1
        self.captions.append(caption)
        self._show_caption(caption)
        self.stageShown.emit(self._shown, caption)
        self._timer.start(self.interval_ms)
