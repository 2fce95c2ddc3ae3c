"""One run of a sweep, as a worker process (local or Dask) carries it out.

A :class:`Run` is plain data (the model's registry name, its parameter values, the seed,
the steps and the metric names), so it pickles to any worker, which imports the model's
engine by name: torch and numba load in the workers, never in the process that plans.
:func:`run_one` builds the simulation, runs it to done or ``steps``, and measures it.
"""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass
from typing import Any

__all__ = ["FIRST_CHUNK", "MAX_CHUNK", "Run", "Stopped", "advance", "init_worker", "run_one"]

#: Steps per call to ``step`` while a run advances: doubling from the first to the most, a
#: fixed schedule (the same numbers whoever runs it), with a look at Cancel between calls.
FIRST_CHUNK = 1
MAX_CHUNK = 256

#: Set in a local worker by :func:`init_worker`: the pool's cancel event.
_cancel: Any = None


class Stopped(Exception):
    """The sweep was cancelled while this run was under way."""


@dataclass(frozen=True)
class Run:
    """One point and repeat of a sweep: everything a worker needs, as plain data."""

    model: str
    params: dict[str, Any]
    seed: int
    steps: int | None
    metrics: tuple[str, ...]
    index: tuple[int, ...]
    repeat: int


def init_worker(cancel: Any = None) -> None:
    """A local worker's start: Ctrl-C is the parent's to handle (it cancels the sweep and
    stops the pool), and ``cancel`` (an event) stops a run between two calls to ``step``."""
    global _cancel
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _cancel = cancel


def _one_thread() -> None:
    """Torch on one thread, so a run gives the same numbers in any worker (and the workers
    do not crowd the cores)."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def advance(sim: Any, steps: int | None) -> int:
    """Step ``sim`` to done, or ``steps`` steps, in calls of a fixed, growing size; raise
    :class:`Stopped` when the pool's cancel event is set.  Returns the steps taken."""
    limit = sim.run_limit if steps is None else steps
    taken, chunk = 0, FIRST_CHUNK
    while taken < limit and not sim.done:
        if _cancel is not None and _cancel.is_set():
            raise Stopped
        done = sim.step(min(chunk, limit - taken))
        if done == 0:
            break
        taken += done
        chunk = min(chunk * 2, MAX_CHUNK)
    return taken


def build(run: Run) -> Any:
    """The simulation of ``run`` (its engine imported here, by registry name)."""
    from mechgui import engine

    cls = engine.model_class(run.model)
    _one_thread()
    return cls(cls.Params.from_mapping(run.params), seed=run.seed)


def run_one(run: Run) -> dict[str, float | str | None]:
    """Run ``run`` to done or its steps and return its metrics by name."""
    from mechgui.engine.metrics import find_metric, measure

    sim = build(run)
    advance(sim, run.steps)
    return measure(sim, tuple(find_metric(run.model, name) for name in run.metrics))
