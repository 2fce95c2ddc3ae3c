"""A sweep in flight on any ``concurrent.futures`` executor: local processes or Dask.

:class:`SweepRun` submits the runs of a :class:`~.spec.Sweep` (a bounded window of them
at a time), and :meth:`SweepRun.poll` hands back the rows that have finished since, so
the CLI draws a progress bar and the window a plot as results stream in.  Two executors:

* :func:`start_local`: a pool of spawned worker processes (all cores by default); a
  cancel event reaches every worker, so Cancel or Ctrl-C stops the runs under way at
  their next call to ``step``, and :meth:`SweepRun.close` leaves no process behind;
* :func:`start_dask`: a Dask distributed cluster, by its scheduler's address (Dask is an
  optional extra, ``pip install "mechgui[dask]"``), through ``Client.get_executor``.

No Qt here: the window polls a run from a timer, the CLI from a loop.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from typing import Any

from mechgui.engine import ParameterError

from .results import Row, SweepResult
from .spec import Sweep
from .task import Run, Stopped, init_worker, run_one

__all__ = ["RunFailed", "SweepRun", "cores", "start_dask", "start_local"]

#: Runs submitted ahead, per worker: enough to keep every worker busy between two polls,
#: few enough that Cancel has little to take back.
AHEAD_PER_WORKER = 4
#: The same for a Dask cluster, whose size is not known here.
DASK_AHEAD = 256


class RunFailed(RuntimeError):
    """A run raised (a bug, or a worker that died): which run, and the exception."""

    def __init__(self, run: Run, error: BaseException) -> None:
        self.run = run
        self.error = error
        super().__init__(f"the run at point {run.index}, repeat {run.repeat} (seed {run.seed}) "
                         f"failed: {type(error).__name__}: {error}")


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class SweepRun:
    """The runs of ``sweep`` on ``executor``; rows come back through :meth:`poll`.

    ``stop`` (an event, or None) tells the workers to stop the runs under way;
    ``shutdown`` releases the executor (and whatever else it needs, a Dask client)."""

    def __init__(self, sweep: Sweep, executor: Executor, *, ahead: int,
                 stop: Any = None, shutdown: Callable[[], None] | None = None) -> None:
        self.sweep = sweep
        self.result = SweepResult(sweep)
        self.cancelled = False
        self._executor = executor
        self._stop = stop
        self._shutdown = shutdown or (lambda: executor.shutdown(wait=True, cancel_futures=True))
        self._ahead = max(1, ahead)
        self._runs = sweep.runs()
        self._exhausted = False
        self._pending: dict[Future, Run] = {}
        self._closer: threading.Thread | None = None
        self._closed = False
        self._fill()

    # -- progress ---------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return self.sweep.total

    @property
    def done(self) -> int:
        """Runs finished (their rows are in :attr:`result`)."""
        return len(self.result)

    @property
    def finished(self) -> bool:
        """True once no run is under way and none is left to submit."""
        return not self._pending and (self._exhausted or self.cancelled)

    def poll(self, timeout: float = 0.0) -> list[Row]:
        """The rows finished since the last call, waiting at most ``timeout`` seconds for
        one; a run that raised cancels the rest and raises :class:`RunFailed`."""
        if not self._pending:
            return []
        ready, _ = wait(list(self._pending), timeout=timeout, return_when=FIRST_COMPLETED)
        rows = []
        for future in ready:
            run = self._pending.pop(future)
            if future.cancelled():
                continue
            error = future.exception()
            if error is not None:
                if self.cancelled or isinstance(error, Stopped):
                    continue
                self.cancel()
                raise RunFailed(run, error)
            row = Row(run.index, run.repeat, run.seed, future.result())
            self.result.add(row)
            rows.append(row)
        self._fill()
        return rows

    def wait(self, on_rows: Callable[[list[Row]], None] | None = None) -> SweepResult:
        """Poll until finished (``on_rows`` told of each batch); returns :attr:`result`."""
        while not self.finished:
            rows = self.poll(0.2)
            if rows and on_rows is not None:
                on_rows(rows)
        return self.result

    def _fill(self) -> None:
        while not self.cancelled and not self._exhausted and len(self._pending) < self._ahead:
            run = next(self._runs, None)
            if run is None:
                self._exhausted = True
                return
            self._pending[self._executor.submit(run_one, run)] = run

    # -- stopping -----------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop: nothing more is submitted, queued runs are dropped, runs under way stop at
        their next step call.  The rows finished so far stay in :attr:`result`."""
        self.cancelled = True
        if self._stop is not None:
            self._stop.set()
        for future in self._pending:
            future.cancel()

    def close(self) -> None:
        """Cancel what is left and release the executor, waiting until its workers are gone."""
        if not self.finished:
            self.cancel()
        if not self._closed:
            self._closed = True
            self._shutdown()
            # The pool and its event go now (their semaphores released), not at exit.
            self._executor = self._stop = self._shutdown = None  # type: ignore[assignment]

    def close_in_background(self) -> None:
        """:meth:`close` on a thread of its own (a window must not wait); see :attr:`closed`."""
        if self._closer is None:
            self._closer = threading.Thread(target=self.close, name="mechgui-sweep-close")
            self._closer.start()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has released the executor."""
        if self._closer is not None:
            return not self._closer.is_alive()
        return self._closed

    def __enter__(self) -> SweepRun:  # noqa: PYI034 - a final class in effect
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_local(sweep: Sweep, workers: int | None = None) -> SweepRun:
    """``sweep`` on a pool of ``workers`` spawned processes (default: every core, no more
    than there are runs)."""
    workers = min(workers or cores(), sweep.total)
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads (Qt)
    stop = context.Event()
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=init_worker, initargs=(stop,))
    return SweepRun(sweep, executor, ahead=AHEAD_PER_WORKER * workers, stop=stop)


def start_dask(sweep: Sweep, scheduler: Any) -> SweepRun:
    """``sweep`` on a Dask cluster: ``scheduler`` is its address (a client is opened, and
    closed with the run) or a ``distributed.Client`` the caller keeps."""
    try:
        from distributed import Client
    except ImportError:
        raise ParameterError("scheduler", scheduler, 'Dask is not installed; expected it '
                             'installed with pip install "mechgui[dask]"') from None
    owned = not isinstance(scheduler, Client)
    if owned:
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ParameterError("scheduler", scheduler, "expected the address of a running "
                                 f"Dask scheduler ({type(exc).__name__}: {exc})") from None
    else:
        client = scheduler
    executor = client.get_executor(pure=False)

    def shutdown() -> None:
        executor.shutdown(wait=False)  # cancels what is left on the cluster
        if owned:
            client.close()

    return SweepRun(sweep, executor, ahead=DASK_AHEAD, shutdown=shutdown)
