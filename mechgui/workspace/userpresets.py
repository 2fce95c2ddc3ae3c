"""A user's own presets: a tab's setup saved under a name, beside the shipped ones.

They live in the user's data folder for mechgui, one file per model in the shipped presets'
format (``presets/MODEL.json``: title, description, params, seed, speed).  The folder is
``$MECHGUI_PRESETS_DIR`` when set; else the one the window names (Qt's application data
location, :func:`use_folder`); else the same place found without Qt.  Each entry is checked
as a preset file's entry and its parameters through the model's declarations: a bad one
is left out, with a line saying why.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mechgui.engine import ParameterError, ParamSet, Preset, params_class, presets
from mechgui.engine.datasets import UnreadableFile, open_user_file
from mechgui.engine.presets import MAX_SPEED, preset_from_entry
from mechgui.files import SaveError, write_atomically

__all__ = [
    "ENVIRONMENT",
    "MAX_PRESET_FILE_BYTES",
    "find_preset",
    "preset_name",
    "presets_folder",
    "save_user_preset",
    "use_folder",
    "user_presets",
]

#: The environment variable that names the folder of the user's presets.
ENVIRONMENT = "MECHGUI_PRESETS_DIR"
#: Largest file of a user's presets read.
MAX_PRESET_FILE_BYTES = 16 * 2 ** 20
_chosen: Path | None = None


def use_folder(app_data: str | os.PathLike | None) -> None:
    """The window's application data folder (its presets go in ``presets/`` there)."""
    global _chosen
    _chosen = Path(app_data) / "presets" if app_data else None


def presets_folder() -> Path:
    """Where the user's presets are kept (see the module's text)."""
    named = os.environ.get(ENVIRONMENT)
    if named:
        return Path(named)
    if _chosen is not None:
        return _chosen
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "mechgui" / "mechgui" / "presets"  # as Qt names it: organisation/app


def _file(model: str) -> Path:
    return presets_folder() / f"{model}.json"


def _read_raw(model: str) -> tuple[dict[str, Any], list[str]]:
    """The file's entries as read (none if there is no file), and why it could not be."""
    path = _file(model)
    if not path.exists():
        return {}, []
    try:
        handle, _ = open_user_file(path, MAX_PRESET_FILE_BYTES)
        with handle:
            raw = json.loads(handle.read().decode("utf-8"))
    except (UnreadableFile, OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return {}, [f"your presets in {path} could not be read: {exc}"]
    if not isinstance(raw, dict):
        return {}, [f"your presets in {path} could not be read: expected an object of presets"]
    return raw, []


def user_presets(model: str) -> tuple[dict[str, Preset], list[str]]:
    """The user's presets of ``model`` that are sound, by name, and a line per one refused."""
    raw, problems = _read_raw(model)
    out: dict[str, Preset] = {}
    Params = params_class(model)
    for name, entry in raw.items():
        try:
            preset = preset_from_entry(model, name, entry, f"{_file(model).name}: {name}")
            Params.from_mapping(preset.params)
        except ParameterError as exc:
            problems.append(f"your preset {name!r} was left out: {exc}")
            continue
        out[name] = preset
    return out, problems


def preset_name(title: str) -> str:
    """The name a preset titled ``title`` is known by (``--preset NAME``): its words in
    lower case, joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9.]+", title.lower()))[:64].strip(".-")


def find_preset(model: str, name: str) -> Preset:
    """A shipped preset of ``model`` or, failing that, one of the user's."""
    shipped = presets(model)
    if name in shipped:
        return shipped[name]
    own, _ = user_presets(model)
    if name in own:
        return own[name]
    names = [*shipped, *own]
    raise ParameterError("preset", name, "expected one of " + ", ".join(names) if names else
                         f"model {model!r} has no presets")


def save_user_preset(model: str, title: str, params: ParamSet, *, seed: int | None = None,
                     speed: float | None = None, description: str = "") -> Preset:
    """Save a setup as the user's preset ``title`` (replacing one of the same name); raises
    :class:`ParameterError` for a title that makes no name or is a shipped preset's name,
    :class:`~mechgui.files.SaveError` if the file cannot be written (it stays as it was)."""
    name = preset_name(title)
    if not name:
        raise ParameterError("preset", title, "expected a title with letters or digits")
    if name in presets(model):
        raise ParameterError("preset", title, f"{name!r} is a shipped preset's name; "
                                              "choose another title")
    raw, problems = _read_raw(model)
    if problems:  # an unreadable file is the user's: it is not overwritten
        raise SaveError(problems[0])
    entry: dict[str, Any] = {"title": title.strip(), "description": description,
                             "params": _plain(params)}
    if seed is not None:
        entry["seed"] = seed
    if speed is not None:
        entry["speed"] = "max" if speed == MAX_SPEED else speed
    raw[name] = entry
    folder = presets_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(f"could not write {folder}: {exc.strerror or exc}") from None
    write_atomically(_file(model), json.dumps(raw, indent=1, allow_nan=False))
    return preset_from_entry(model, name, entry, name)


def _plain(params: ParamSet) -> Mapping[str, Any]:
    """The parameters as JSON can hold them (None stays None: JSON has null)."""
    return params.to_dict()
