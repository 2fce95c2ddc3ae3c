"""What ``mechgui run MODEL`` takes from and gives to a workspace: the setup a command line
asks for (a workspace's tab or a preset, ``--set`` and ``--seed`` over it), and writing that
setup into a workspace file that keeps its other tabs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from mechgui.engine import params_class
from mechgui.engine.params import check_seed
from mechgui.files import SaveError

from .files import read_workspace, save_workspace
from .format import TabSetup, Workspace, WorkspaceError, setup_from_preset

__all__ = ["run_setup", "save_run_setup"]


def run_setup(model: str, *, workspace: str | os.PathLike | None = None,
              preset: str | None = None, overrides: Mapping[str, str] | None = None,
              seed: str | None = None, steps: int | None = None
              ) -> tuple[TabSetup, Path | None]:
    """The setup to run and the folder of its workspace (None without one).  A workspace
    whose file, or whose part for ``model``, is refused raises :class:`WorkspaceError`
    with one line; a bad preset, ``--set`` or seed raises ParameterError."""
    folder = None
    if workspace is not None:
        if preset is not None:
            raise WorkspaceError("--preset and --workspace cannot be used together: the "
                                 "workspace names the tab's preset")
        opened = read_workspace(workspace)
        name = opened.path.name
        refused = opened.refused_for(model)
        if refused:
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            raise WorkspaceError(f"{name}: {refused[0]}{more}")
        setup = opened.workspace.setup_for(model)
        if setup is None:
            has = ", ".join(opened.workspace.models()) or "no tab"
            raise WorkspaceError(f"{name} holds no setup for the {model} tab (it holds: {has})")
        folder = opened.folder
    elif preset is not None:
        setup = setup_from_preset(model, preset)
    else:
        setup = TabSetup(model, params_class(model)())
    if overrides:
        setup = replace(setup, params=setup.params.replace(**overrides), networks=None)
    if seed is not None:
        setup = replace(setup, seed=check_seed(seed), networks=None)
    if steps is not None:
        setup = replace(setup, steps=steps)
    return setup, folder


def save_run_setup(path: str | os.PathLike, setup: TabSetup) -> Path:
    """Write ``setup`` as its tab's setup in the workspace at ``path``: a new one, or the one
    there with its other tabs kept.  A file there that is not a workspace read whole is
    never overwritten (WorkspaceError); SaveError if it cannot be written."""
    target = Path(path)
    setup = replace(setup, networks=None)  # its networks, if any, stay beside their workspace
    if target.exists():
        try:
            opened = read_workspace(target)
        except WorkspaceError as exc:
            raise WorkspaceError(f"nothing was written: {exc}") from None
        if opened.refused:
            raise WorkspaceError(f"{target.name} was not overwritten: it has parts this "
                                 f"mechgui refuses ({opened.refused[0]})")
        workspace = opened.workspace.with_tab(setup)
    else:
        if not target.parent.is_dir():
            raise SaveError(f"could not write {target}: its folder does not exist")
        workspace = Workspace(tabs={setup.model: setup}, active_tab=setup.model)
    return save_workspace(target, workspace)
