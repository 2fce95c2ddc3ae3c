"""A tab's setup made into a simulation again, for scripts, the command line and tests: the
same parameters and seed give the same snapshots, step for step, bit for bit.

The GAN's trained networks, when a workspace keeps them, are a model file beside it
(:mod:`mechgui.engine.gan.modelfile`: checked whole, read with ``weights_only``); saving one
writes a temporary file and renames it, as for the workspace itself.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from mechgui.engine import Simulation, model_class
from mechgui.files import SaveError

from .format import TabSetup, WorkspaceError

__all__ = ["load_networks", "networks_path", "replay", "save_networks", "simulation_for"]


def networks_path(folder: str | os.PathLike, name: str) -> Path:
    """Where a workspace in ``folder`` keeps the networks file ``name``."""
    return Path(folder) / name


def simulation_for(setup: TabSetup, folder: str | os.PathLike | None = None) -> Simulation:
    """A simulation of ``setup`` at its start, or, if it keeps the GAN's networks (in
    ``folder``, the workspace's), where those stand."""
    sim = model_class(setup.model)(setup.params, seed=setup.seed)
    if setup.networks is not None:
        load_networks(sim, networks_path(folder or ".", setup.networks))
    return sim


def replay(setup: TabSetup, steps: int | None = None,
           folder: str | os.PathLike | None = None) -> Simulation:
    """``setup`` run to ``steps`` (by default its own step, or its start)."""
    sim = simulation_for(setup, folder)
    target = setup.steps if steps is None else steps
    if target is not None and sim.step_count < target:
        sim.step(target - sim.step_count)
    return sim


def load_networks(sim: Any, path: str | os.PathLike) -> None:
    """Load a GAN's networks from ``path`` into ``sim`` (its parameters come with them);
    :class:`WorkspaceError` if the file is missing or does not fit (``sim`` unchanged)."""
    from mechgui.engine.gan.modelfile import ModelFileError

    try:
        sim.load(path, use_file_params=True)
    except ModelFileError as exc:
        raise WorkspaceError(f"the GAN's networks: {exc}") from None


def save_networks(sim: Any, path: str | os.PathLike) -> Path:
    """Save a GAN's networks to ``path`` through a temporary file renamed over it; a failure
    raises :class:`~mechgui.files.SaveError` and leaves an old file as it was."""
    target = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise SaveError(f"could not write {target}: {exc.strerror or exc}") from None
    try:
        sim.save(temporary)
        os.replace(temporary, target)
    except (OSError, RuntimeError) as exc:  # torch reports a full disk as a RuntimeError
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise SaveError(f"could not write {target}: {getattr(exc, 'strerror', None) or exc}") \
            from None
    return target
