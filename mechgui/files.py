"""Writing the user's files safely: a whole new file or none (no Qt, for the CLI and the window)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically", "SaveError"]


class SaveError(OSError):
    """A file could not be written; the message says where and why, for a person."""


def write_atomically(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed over
    the old one: a failure (read-only folder, full disk) leaves the old file as it was."""
    target = Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    except OSError as exc:
        raise SaveError(f"could not write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise SaveError(f"could not write {target}: {exc.strerror or exc}") from None
    return target
