"""Workspace files: read within bounds, written whole or not at all.

Reading takes a regular file of at most :data:`MAX_WORKSPACE_BYTES` (its size checked before
a byte is read; a pipe or a device is refused), UTF-8 text, TOML; then
:func:`~.format.read_document` keeps what it can.  Saving writes a temporary file in the
same folder and renames it over the old one, so a failure (a read-only folder, a full
disk) leaves the old file as it was and raises :class:`~mechgui.files.SaveError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mechgui.engine.datasets import UnreadableFile, describe_size, open_user_file
from mechgui.files import SaveError, write_atomically

from . import toml
from .format import (
    VERSION,
    Refusal,
    Workspace,
    WorkspaceError,
    read_document,
    to_document,
)

__all__ = [
    "HEADER",
    "MAX_WORKSPACE_BYTES",
    "Opened",
    "networks_name",
    "parse_workspace",
    "read_workspace",
    "save_workspace",
    "workspace_text",
]

#: Largest workspace file read (the drawn points of every tab take well under a megabyte).
MAX_WORKSPACE_BYTES = 16 * 2 ** 20
HEADER = (f"# A mechgui workspace (format version {VERSION}): every tab's setup.  Open it with\n"
          "# 'mechgui FILE', File > Open workspace…, or 'mechgui run MODEL --workspace FILE'.\n"
          "# Edit it freely: what does not fit is refused, with the reason, and the rest opens.")


@dataclass(frozen=True)
class Opened:
    """A workspace read from ``path``, and a line for each part of it that was refused."""

    path: Path
    workspace: Workspace
    refused: list[Refusal] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def refused_for(self, model: str) -> list[Refusal]:
        """What was refused of ``model``'s tab, or of the file as a whole."""
        return [r for r in self.refused if r.model in (None, model)]


def read_workspace(path: str | os.PathLike,
                   progress: Callable[[float], Any] | None = None) -> Opened:
    """The workspace in the file at ``path``; :class:`WorkspaceError` (naming the file)
    if it is not one that can be read at all.  ``progress`` is told 0 and 1 (for a window
    that reads it off its thread)."""
    where = Path(path)
    name = where.name or str(where)
    if progress is not None:
        progress(0.0)
    try:
        handle, _ = open_user_file(where, MAX_WORKSPACE_BYTES)
        with handle:
            data = handle.read(MAX_WORKSPACE_BYTES + 1)
    except UnreadableFile as exc:
        raise WorkspaceError(f"{name} cannot be read: {exc}") from None
    except OSError as exc:
        raise WorkspaceError(f"{name} cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_WORKSPACE_BYTES:
        raise WorkspaceError(f"{name} cannot be read: it grew past "
                             f"{describe_size(MAX_WORKSPACE_BYTES)} while being read")
    workspace, refused = parse_workspace(data, name)
    if progress is not None:
        progress(1.0)
    return Opened(where, workspace, refused)


def parse_workspace(data: bytes, name: str) -> tuple[Workspace, list[Refusal]]:
    """A workspace from a file's bytes (``name`` names it in messages)."""
    if b"\x00" in data:
        raise WorkspaceError(f"{name} is not a workspace: it holds binary data, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"{name} is not a workspace: it is not UTF-8 text "
                             f"(byte {exc.start} cannot be read)") from None
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    try:
        doc = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise WorkspaceError(f"{name} is not a readable workspace (cut short, or not TOML): "
                             f"{exc}") from None
    except RecursionError:
        raise WorkspaceError(f"{name} is not a readable workspace: its arrays or tables are "
                             "nested too deeply") from None
    try:
        return read_document(doc)
    except WorkspaceError as exc:
        raise WorkspaceError(f"{name} is {exc}") from None


def workspace_text(workspace: Workspace) -> str:
    """The TOML text of ``workspace``."""
    return toml.dumps(to_document(workspace), HEADER)


def save_workspace(path: str | os.PathLike, workspace: Workspace) -> Path:
    """Write ``workspace`` to ``path`` (see the module's text); raises SaveError, the old
    file left as it was."""
    try:
        text = workspace_text(workspace)
    except (TypeError, ValueError) as exc:
        raise SaveError(f"could not write {path}: {exc}") from None
    size = len(text.encode("utf-8"))
    if size > MAX_WORKSPACE_BYTES:
        raise SaveError(f"could not write {path}: the workspace would take "
                        f"{describe_size(size)}, and at most "
                        f"{describe_size(MAX_WORKSPACE_BYTES)} are read back (a tab holds "
                        "a large data set: keep it in a CSV file)")
    return write_atomically(path, text)


def networks_name(workspace_path: str | os.PathLike) -> str:
    """The name of the side file that holds the GAN's networks for a workspace file."""
    stem = Path(workspace_path).name
    stem = stem[:-5] if stem.lower().endswith(".toml") else stem
    return f"{stem}.gan.pt"
