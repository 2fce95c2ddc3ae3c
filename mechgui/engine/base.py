"""The simulation protocol every mechanism follows.

A :class:`Simulation` owns validated parameters (a :class:`ParamSet`), a random
generator, and its state.  It is driven by three calls:

``reset(seed=None)``
    back to the initial state (the same seed gives the same run);
``step(n=1)``
    advance ``n`` steps, stopping early once :attr:`done`;
``snapshot()``
    an immutable record of the current state: read-only numpy copies and plain
    numbers the caller may keep as long as it likes.

A reset that may take long (a SOM over a million inputs, a GAN's pre-training) reports
how far it is and can be stopped: ``reset(progress=callback)`` and
``set_params(..., progress=callback)`` call ``callback(fraction)`` now and then, with
``fraction`` from 0 to 1; when it returns False the call raises :class:`Cancelled` and
the simulation is exactly as it was before the call.  Without a callback nothing changes.

No Qt here: a simulation runs the same from a script, a notebook, the CLI or
the GUI's engine thread.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from .params import ParamSet, check_seed

__all__ = ["Simulation", "Frozen", "freeze", "to_jsonable", "RUNNING", "Cancelled", "Progress"]

RUNNING = "running"

#: A long reset's callback: told the fraction done (0 … 1), it returns False to stop it.
Progress = Callable[[float], bool]


class Cancelled(Exception):
    """A long reset stopped by its progress callback; the simulation is as it was before."""


class Frozen:
    """A value frozen once (:func:`freeze`), which :func:`freeze` then hands out as it is.

    For a model's views that stay the same over many snapshots: they are copied once,
    not once per snapshot, and every snapshot shares the same read-only copy.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = freeze(value)


def freeze(value: Any) -> Any:
    """A deep, read-only copy: arrays copied and locked, dicts made mapping proxies
    (a :class:`Frozen` value is already such a copy)."""
    if isinstance(value, Frozen):
        return value.value
    if isinstance(value, np.ndarray):
        arr = np.array(value, copy=True)
        arr.setflags(write=False)
        return arr
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        if all(type(v) in _PLAIN for v in value):  # e.g. a million labels: no call each
            return tuple(value)
        return tuple(freeze(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


#: Immutable values :func:`freeze` hands out as they are.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    """Plain Python for ``json.dumps``: arrays to lists, non-finite floats to None."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            return [to_jsonable(v) for v in value]
        return value.tolist()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Simulation(ABC):
    """Base class of every mechanism.

    Subclasses set :attr:`name` (the registry key, e.g. ``"maxnet"``),
    :attr:`title` (for people, e.g. ``"MaxNet"``) and :attr:`Params`, and
    implement :meth:`_reset`, :meth:`_step` and :meth:`_snapshot`.  They report
    progress through :attr:`status`: ``"running"`` until a final state such as
    ``"converged"`` or ``"done"`` is reached.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    Params: ClassVar[type[ParamSet]]
    #: Bound on steps when a caller runs "until done" (the CLI without --steps).
    run_limit: ClassVar[int] = 100_000
    #: Snapshot keys that cost far more than the rest (maps over all the data, metrics).
    #: ``snapshot(detail=False)`` gives them as they were at the last detailed snapshot.
    detail_keys: ClassVar[tuple[str, ...]] = ()
    #: True when :meth:`step` spends nearly all its time in compiled code that releases
    #: Python's interpreter lock.  A description, not a switch: a model whose answer
    #: depends on its parameters makes it a property.
    steps_release_gil: ClassVar[bool] = False

    def __init__(self, params: ParamSet | Mapping[str, Any] | None = None, *,
                 seed: int | None = None, **changes: Any) -> None:
        if params is None:
            params = self.Params.from_mapping(changes)
        elif isinstance(params, Mapping):
            params = self.Params.from_mapping(params, **changes)
        elif changes:
            params = params.replace(**changes)
        if not isinstance(params, self.Params):
            raise TypeError(f"{type(self).__name__} needs {self.Params.__name__}, "
                            f"got {type(params).__name__}")
        self.params = params
        self.seed = check_seed(seed)
        self.status = RUNNING
        self.step_count = 0
        self.reset(seed)

    # -- protocol -------------------------------------------------------------
    def reset(self, seed: int | None = None, *, progress: Progress | None = None) -> None:
        """Back to the initial state; a given ``seed`` replaces the stored one.

        A long reset calls ``progress(fraction)`` now and then; if it returns False the
        reset stops, raising :class:`Cancelled`, and nothing has changed.
        """
        with _Undo(self, progress):
            if seed is not None:
                self.seed = check_seed(seed)
            self.rng = np.random.default_rng(self.seed)
            self.step_count = 0
            self.status = RUNNING
            self._detail: tuple[int, ParamSet, dict[str, Any]] | None = None
            self._reset()

    def step(self, n: int = 1) -> int:
        """Advance up to ``n`` steps; return how many were taken."""
        taken = 0
        while taken < n and not self.done:
            self._step()
            self.step_count += 1
            taken += 1
        return taken

    @property
    def done(self) -> bool:
        """True once a final state is reached; further steps do nothing."""
        return self.status != RUNNING

    def snapshot(self, *, detail: bool = True) -> Mapping[str, Any]:
        """An immutable record: ``model``, ``step``, ``status``, ``done``, ``detail``, and
        the model's own keys.

        With ``detail=False`` the :attr:`detail_keys` are those of the last detailed
        snapshot (``detail_step`` says which step), unless the parameters changed since.
        """
        data = {"model": self.name, "step": self.step_count, "status": self.status,
                "done": self.done}
        data.update(self._snapshot())
        if self.detail_keys:
            kept = self._detail
            if detail or kept is None or kept[1] is not self.params:
                kept = (self.step_count, self.params,
                        {key: Frozen(value) for key, value in self._snapshot_detail().items()})
                self._detail = kept
                detail = True
            data.update(kept[2])
            data["detail_step"] = kept[0]
        data["detail"] = detail
        return freeze(data)

    def set_params(self, params: ParamSet | None = None, *, progress: Progress | None = None,
                   **changes: Any) -> bool:
        """Adopt new parameters; invalid ones raise and leave everything as it was.

        Parameters declared ``live`` are applied in place (:meth:`_apply_live`);
        any other change resets the simulation (``progress`` as for :meth:`reset`: a
        cancelled reset keeps the old parameters too).  Returns True if it reset.
        """
        new = params if params is not None else self.params.replace(**changes)
        if not isinstance(new, self.Params):
            raise TypeError(f"expected {self.Params.__name__}")
        changed = new.changed(self.params)
        if not changed:
            return False
        live = {s.name for s in self.Params.specs() if s.live}
        old = self.params
        self.params = new
        if all(name in live for name in changed):
            try:
                self._apply_live(old, changed)
                return False
            except NotImplementedError:
                pass
        try:
            self.reset(progress=progress)
        except Cancelled:
            self.params = old
            raise
        return True

    # -- long resets ------------------------------------------------------------
    def _report_progress(self, fraction: float) -> None:
        """For a long reset, now and then: pass ``fraction`` (0 … 1) to the caller's
        progress callback; raise :class:`Cancelled` if it asks to stop."""
        callback = self.__dict__.get("_progress")
        if callback is not None and not callback(min(1.0, max(0.0, float(fraction)))):
            raise Cancelled(f"{self.title} reset cancelled")

    # -- for subclasses -------------------------------------------------------
    @abstractmethod
    def _reset(self) -> None:
        """Build the initial state from ``self.params`` and ``self.rng``."""

    @abstractmethod
    def _step(self) -> None:
        """One step; set ``self.status`` when a final state is reached."""

    @abstractmethod
    def _snapshot(self) -> dict[str, Any]:
        """The model's own snapshot keys (copied and frozen by :meth:`snapshot`)."""

    def _snapshot_detail(self) -> dict[str, Any]:
        """The :attr:`detail_keys`, computed right after :meth:`_snapshot` (which may
        leave intermediate results for it)."""
        return {}

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        """Apply live parameter changes in place; raise NotImplementedError to reset instead."""
        raise NotImplementedError

    def summary(self, snap: Mapping[str, Any]) -> dict[str, str]:
        """Columns of the CLI's human-readable table for one snapshot."""
        return {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} step={self.step_count} status={self.status} {self.params!r}>"


class _Undo:
    """While a reset with a progress callback runs: the callback in ``_progress``, and the
    simulation's attributes as they were, put back if it is cancelled.  A reset builds
    its state anew (new arrays, networks, generators), so a shallow copy restores it."""

    def __init__(self, sim: Simulation, progress: Progress | None) -> None:
        self.sim = sim
        self.progress = progress
        self.saved: dict[str, Any] | None = None

    def __enter__(self) -> None:
        if self.progress is not None:
            self.saved = dict(self.sim.__dict__)
            self.sim.__dict__["_progress"] = self.progress

    def __exit__(self, kind: type | None, error: BaseException | None, trace: Any) -> None:
        state = self.sim.__dict__
        if self.saved is None:
            return
        if kind is not None and issubclass(kind, Cancelled):
            state.clear()
            state.update(self.saved)
        state.pop("_progress", None)
