"""mechgui's log of unexpected errors (bugs): a rotating file in the user's data folder, the
same for the window and the command line.  No Qt here."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

__all__ = ["LOG", "log_path", "open_log", "log_bug"]

#: Size of the log file before it rotates, and how many old ones are kept.
LOG_BYTES, LOG_BACKUPS = 1_000_000, 3

#: The logger every part of mechgui writes bugs to.
LOG = logging.getLogger("mechgui")


def log_path() -> Path:
    """``mechgui.log`` in the user's data folder for mechgui (``$XDG_DATA_HOME/mechgui`` or
    ``~/.local/share/mechgui`` on Linux, ``%APPDATA%\\mechgui`` on Windows,
    ``~/Library/Application Support/mechgui`` on macOS)."""
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "mechgui" / "mechgui.log"


def open_log(path: Path | None = None) -> Path | None:
    """Attach the rotating log file to :data:`LOG` (once); its path, or None if it cannot
    be written."""
    for handler in LOG.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    path = log_path() if path is None else path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES,
                                                       backupCount=LOG_BACKUPS,
                                                       encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
    return path


def log_bug(summary: str, details: str) -> Path | None:
    """Write a bug to the log; the log's path, or None if it could not be written."""
    path = open_log()
    LOG.error("%s\n%s", summary, details)
    return path
