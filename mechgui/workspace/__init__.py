"""Workspaces: a whole setup — every tab's parameters, seeds, speeds and view choices, the tab
shown, lecture mode, optionally each tab's step and the GAN's trained networks — in a TOML
file a person can read, edit and diff, opened the same by the window and the command line.
No Qt here (the window's side is :mod:`mechgui.app.workspaces`)."""

from .files import (
    MAX_WORKSPACE_BYTES,
    Opened,
    networks_name,
    parse_workspace,
    read_workspace,
    save_workspace,
    workspace_text,
)
from .format import (
    FORMAT,
    VERSION,
    Scene,
    TabSetup,
    Workspace,
    WorkspaceError,
    setup_from_preset,
)
from .replay import replay, simulation_for

__all__ = [
    "FORMAT",
    "MAX_WORKSPACE_BYTES",
    "VERSION",
    "Opened",
    "Scene",
    "TabSetup",
    "Workspace",
    "WorkspaceError",
    "networks_name",
    "parse_workspace",
    "read_workspace",
    "replay",
    "save_workspace",
    "setup_from_preset",
    "simulation_for",
    "workspace_text",
]
