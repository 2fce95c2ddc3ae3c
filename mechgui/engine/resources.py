"""Where the files shipped with mechgui (``resources/``) are found.

In a source checkout or an editable install that is the ``resources/`` folder
beside the ``mechgui`` package; a built wheel carries the same folder as the
package data ``mechgui/resources``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["resources_root", "resource_path"]


@lru_cache(maxsize=1)
def resources_root() -> Path:
    """The folder holding ``presets/``, ``data/`` and ``icons/``."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "resources", package / "resources"):
        if (candidate / "presets").is_dir():
            return candidate
    raise FileNotFoundError("mechgui's resources/ folder was not found beside the package")


def resource_path(*parts: str) -> Path:
    """Path of a shipped file, e.g. ``resource_path("data", "fausett_letters.txt")``."""
    return resources_root().joinpath(*parts)
