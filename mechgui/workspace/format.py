"""What a workspace holds, and reading it from a document that may be damaged or hand-edited.

A workspace is a TOML document (see README.md, "Workspaces")::

    format = "mechgui-workspace"
    version = 1
    active_tab = "som"            # optional: the tab shown
    lecture = true                # optional: lecture mode
    scene = 2                     # optional: the scene shown (1 = the first)

    [tabs.som]                    # one table per tab, all optional
    preset = "fausett-4.7"        # the preset the setup starts from (optional)
    seed = 1                      # or "auto"
    speed = 2                     # steps per second, or "max"
    steps = 2100                  # optional: opening runs the tab to this step
    networks = "lecture.gan.pt"   # the GAN only: its trained networks, beside this file
    [tabs.som.params]             # the parameters (over the preset's, if one is named)
    epochs = 100
    [tabs.som.view]               # the tab's view choices (see views.py)
    colouring = "U-matrix"

    [[scenes]]                    # optional: setups to go through in order
    tab = "maxnet"
    title = "Example 4.1"
    preset = "fausett-4.1"

:func:`read_document` keeps what it can and says, a line each, what it refused and why:
unknown keys, tabs and parameters, values of the wrong type or out of range (each parameter
through its own declaration), parameters that do not go together.  A document that is not
a workspace at all raises :class:`WorkspaceError`.  Nothing in a document is ever run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mechgui.engine import MODELS, ParameterError, ParamSet, params_class
from mechgui.engine.params import check_seed
from mechgui.engine.presets import MAX_SPEED

from .userpresets import find_preset
from .views import check_view

__all__ = [
    "FORMAT",
    "MAX_STEPS",
    "VERSION",
    "Refusal",
    "Scene",
    "TabSetup",
    "Workspace",
    "WorkspaceError",
    "read_document",
    "setup_from_preset",
    "to_document",
]

FORMAT = "mechgui-workspace"
#: The version this mechgui writes and reads; a newer file opens what this one knows.
VERSION = 1
#: Most steps a tab may be run to on opening (as the window's --steps).
MAX_STEPS = 2 ** 31 - 1
MAX_SPEED_VALUE = 1e6
_SETUP_KEYS = ("preset", "params", "seed", "speed", "steps", "view", "networks")
_TOP_KEYS = ("format", "version", "active_tab", "lecture", "scene", "tabs", "scenes")


class WorkspaceError(ValueError):
    """A file that is not a workspace mechgui can read at all; the message says why."""


@dataclass(frozen=True)
class Refusal:
    """A part of a workspace left out, and why, in one line; ``model`` is the tab it
    concerns (None: the file as a whole)."""

    model: str | None
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class TabSetup:
    """One tab's setup: parameters (drawn data and signals are parameters too), seed, speed,
    the step to run to on opening, view choices, and for the GAN a file of its networks."""

    model: str
    params: ParamSet
    preset: str | None = None
    seed: int | None = None
    #: Steps per second (MAX_SPEED: as fast as possible); None: the tab's own.
    speed: float | None = None
    steps: int | None = None
    view: Mapping[str, Any] = field(default_factory=dict)
    #: A file beside the workspace holding the GAN's trained networks (a model file).
    networks: str | None = None


@dataclass(frozen=True)
class Scene:
    """One setup of a sequence (a lecture's demonstrations in order)."""

    setup: TabSetup
    title: str = ""


@dataclass(frozen=True)
class Workspace:
    tabs: Mapping[str, TabSetup] = field(default_factory=dict)
    active_tab: str | None = None
    lecture: bool | None = None
    scenes: tuple[Scene, ...] = ()
    #: The scene shown (1 = the first), if any.
    scene: int | None = None

    def setup_for(self, model: str) -> TabSetup | None:
        """``model``'s setup: its own, else that of its first scene."""
        if model in self.tabs:
            return self.tabs[model]
        return next((s.setup for s in self.scenes if s.setup.model == model), None)

    def models(self) -> list[str]:
        """The tabs that have a setup here, in the window's order."""
        return [m for m in MODELS if self.setup_for(m) is not None]

    def with_tab(self, setup: TabSetup) -> Workspace:
        """This workspace with ``setup`` as its tab's setup (the others kept)."""
        return replace(self, tabs={**self.tabs, setup.model: setup})


def setup_from_preset(model: str, name: str) -> TabSetup:
    """A tab's setup from one of its presets (shipped or the user's)."""
    preset = find_preset(model, name)
    return TabSetup(model, params_class(model).from_mapping(preset.params), preset=name,
                    seed=preset.seed, speed=preset.speed)


# -- reading --------------------------------------------------------------------------------
def read_document(doc: Any) -> tuple[Workspace, list[Refusal]]:
    """The workspace in ``doc`` (a parsed TOML document) and a line for each part refused.
    Raises :class:`WorkspaceError` if ``doc`` is not a mechgui workspace at all."""
    if not isinstance(doc, Mapping):
        raise WorkspaceError("not a mechgui workspace: expected a table")
    if doc.get("format") != FORMAT:
        raise WorkspaceError(f'not a mechgui workspace: expected format = "{FORMAT}" '
                             "at the top")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise WorkspaceError("not a mechgui workspace: expected version = a whole number "
                             f">= 1 at the top (this mechgui writes {VERSION})")
    said: list[str] = []  # about the file as a whole
    if version > VERSION:
        said.append(f"version {version} is newer than this mechgui reads ({VERSION}): "
                    "what it does not know is left out")
    said += [f"{key}: unknown key (known: {', '.join(_TOP_KEYS)})"
             for key in doc if key not in _TOP_KEYS]
    refused: list[Refusal] = []

    tabs: dict[str, TabSetup] = {}
    raw_tabs = doc.get("tabs", {})
    if not isinstance(raw_tabs, Mapping):
        said.append("tabs: expected a table of tabs, e.g. [tabs.maxnet]")
        raw_tabs = {}
    for model, raw in raw_tabs.items():
        if model not in MODELS:
            said.append(f"tabs.{model}: unknown tab (known: {', '.join(MODELS)})")
            continue
        lines: list[str] = []
        setup = _setup(model, raw, f"tabs.{model}", lines)
        refused += [Refusal(model, line) for line in lines]
        if setup is not None:
            tabs[model] = setup

    scenes = _scenes(doc.get("scenes", []), said, refused)
    active = _optional(doc, "active_tab", said, lambda v: v in MODELS,
                       "expected one of " + ", ".join(MODELS))
    lecture = _optional(doc, "lecture", said, lambda v: isinstance(v, bool),
                        "expected true or false")
    scene = _optional(doc, "scene", said,
                      lambda v: _whole(v) and 1 <= v <= max(1, len(scenes)),
                      f"expected a scene's number from 1 to {len(scenes)}" if scenes else
                      "there are no scenes")
    if scene is not None and not scenes:
        scene = None
    refused = [Refusal(None, line) for line in said] + refused
    return Workspace(tabs=tabs, active_tab=active, lecture=lecture, scenes=tuple(scenes),
                     scene=scene), refused


def _optional(doc: Mapping[str, Any], key: str, refused: list[str], ok: Any,
              allowed: str) -> Any:
    if key not in doc:
        return None
    value = doc[key]
    if ok(value):
        return value
    refused.append(f"{key} = {_brief(value)} is not allowed: {allowed}")
    return None


def _scenes(raw: Any, said: list[str], refused: list[Refusal]) -> list[Scene]:
    if not isinstance(raw, list):
        said.append("scenes: expected an array of tables, each [[scenes]] with a tab")
        return []
    out = []
    for i, item in enumerate(raw, start=1):
        where = f"scenes[{i}]"
        if not isinstance(item, Mapping):
            said.append(f"{where}: expected a table with a tab and its setup")
            continue
        item = dict(item)
        model, title = item.pop("tab", None), item.pop("title", "")
        if model not in MODELS:
            said.append(f"{where}: tab = {_brief(model)} is not allowed: expected one of "
                        + ", ".join(MODELS))
            continue
        lines: list[str] = []
        if not isinstance(title, str):
            lines.append(f"{where}: title = {_brief(title)} is not allowed: expected text")
            title = ""
        setup = _setup(model, item, where, lines)
        refused += [Refusal(model, line) for line in lines]
        if setup is not None:
            out.append(Scene(setup, title))
    return out


def _setup(model: str, raw: Any, where: str, refused: list[str]) -> TabSetup | None:
    """One tab's setup, or None (said why) if it has no parameters that can be used."""
    if not isinstance(raw, Mapping):
        refused.append(f"{where}: expected a table with params or a preset")
        return None
    refused += [f"{where}: unknown key {key!r} (known: {', '.join(_SETUP_KEYS)})"
                for key in raw if key not in _SETUP_KEYS]
    base: dict[str, Any] = {}
    preset_name = seed = speed = None
    if "preset" in raw:
        try:
            if not isinstance(raw["preset"], str):
                raise ParameterError("preset", raw["preset"], "expected a preset's name")
            preset = find_preset(model, raw["preset"])
            base, preset_name, seed, speed = dict(preset.params), preset.name, preset.seed, \
                preset.speed
        except ParameterError as exc:
            refused.append(f"{where}: {exc}")
    if "params" not in raw and preset_name is None:
        refused.append(f"{where}: missing params (or a preset): the tab is left as it was")
        return None
    params = _params(model, raw.get("params", {}), base, where, refused)
    if params is None:
        return None
    if "seed" in raw:
        try:
            seed = check_seed(raw["seed"])
        except ParameterError as exc:
            refused.append(f"{where}: {exc}; the seed is drawn anew (the run is not the saved one)")
            seed = None
    if "speed" in raw:
        speed = _speed(raw["speed"], where, refused, speed)
    steps = None
    if "steps" in raw:
        if _whole(raw["steps"]) and 0 <= raw["steps"] <= MAX_STEPS:
            steps = raw["steps"]
        else:
            refused.append(f"{where}: steps = {_brief(raw['steps'])} is not allowed: expected "
                           f"a whole number in [0, {MAX_STEPS}]")
    view: dict[str, Any] = {}
    if "view" in raw:
        view, problems = check_view(model, raw["view"])
        refused += [f"{where}.view: {p}" for p in problems]
    networks = _networks(model, raw.get("networks"), where, refused) if "networks" in raw \
        else None
    return TabSetup(model, params, preset=preset_name, seed=seed, speed=speed, steps=steps,
                    view=view, networks=networks)


def _params(model: str, raw: Any, base: Mapping[str, Any], where: str,
            refused: list[str]) -> ParamSet | None:
    """The parameters: the preset's, each one of ``raw`` that its declaration accepts over
    them; None if together they are not allowed."""
    Params = params_class(model)
    accepted: dict[str, Any] = {}
    if not isinstance(raw, Mapping):
        refused.append(f"{where}.params: expected a table of parameter values")
        raw = {}
    for key, value in raw.items():
        try:
            spec = Params.spec(key, value)
            accepted[key] = spec.parse(value) if isinstance(value, str) else spec.coerce(value)
        except ParameterError as exc:
            refused.append(f"{where}.params: {exc}")
    try:
        return Params.from_mapping({**base, **accepted})
    except ParameterError as exc:
        refused.append(f"{where}.params: {exc}: the tab is left as it was")
        return None


def _speed(value: Any, where: str, refused: list[str], fallback: float | None) -> float | None:
    if value == "max":
        return MAX_SPEED
    if not isinstance(value, bool) and isinstance(value, (int, float)) \
            and math.isfinite(value) and 0 < value <= MAX_SPEED_VALUE:
        return float(value)
    refused.append(f"{where}: speed = {_brief(value)} is not allowed: expected steps per "
                   f'second in (0, {MAX_SPEED_VALUE:g}] or "max"')
    return fallback


def _networks(model: str, value: Any, where: str, refused: list[str]) -> str | None:
    if model != "gan":
        refused.append(f"{where}: networks are kept for the GAN tab only")
        return None
    if isinstance(value, str) and 0 < len(value) <= 255 and value not in (".", "..") \
            and not any(c in value for c in "/\\:\x00") and value.isprintable():
        return value
    refused.append(f"{where}: networks = {_brief(value)} is not allowed: expected the name "
                   "of a file beside the workspace")
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


# -- writing --------------------------------------------------------------------------------
def to_document(workspace: Workspace) -> dict[str, Any]:
    """``workspace`` as a document of TOML's types (None written as "auto")."""
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if workspace.active_tab is not None:
        doc["active_tab"] = workspace.active_tab
    if workspace.lecture is not None:
        doc["lecture"] = workspace.lecture
    if workspace.scene is not None:
        doc["scene"] = workspace.scene
    doc["tabs"] = {m: _table(workspace.tabs[m]) for m in MODELS if m in workspace.tabs}
    if workspace.scenes:
        doc["scenes"] = [{"tab": s.setup.model, **({"title": s.title} if s.title else {}),
                          **_table(s.setup)} for s in workspace.scenes]
    return doc


def _table(setup: TabSetup) -> dict[str, Any]:
    table: dict[str, Any] = {}
    if setup.preset is not None:
        table["preset"] = setup.preset
    table["seed"] = "auto" if setup.seed is None else setup.seed
    if setup.speed is not None:
        table["speed"] = "max" if setup.speed == MAX_SPEED else _number(setup.speed)
    if setup.steps is not None:
        table["steps"] = setup.steps
    if setup.networks is not None:
        table["networks"] = setup.networks
    table["params"] = {k: "auto" if v is None else v for k, v in setup.params.to_dict().items()}
    if setup.view:
        table["view"] = dict(setup.view)
    return table


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x
