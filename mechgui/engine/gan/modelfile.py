"""Saved GAN models: a torch file of plain data (the networks, the optimisers' state, where
the run stands, the parameters), read back by torch's safe loader and checked whole first.

A model file is untrusted input.  Loading one reads a regular file only, within
:data:`MAX_FILE_BYTES`, whose zip archive (torch's format) says it unpacks to at most
:data:`MAX_UNPACKED_BYTES` (its pickle to :data:`MAX_PICKLE_BYTES`): checked before torch
reads the very bytes checked, with ``weights_only=True`` (nothing in a file ever runs).
Then every entry is checked against what the engine will use: known keys only, at every
level; float32 tensors of the declared shapes, finite; the parameters through
:class:`GANParams`, the seed through ``check_seed``; counts whole and bounded; the
optimisers' settings the engine's own; the random generator's state sound.  Only then is
a new simulation filled, whose state replaces the old one's at once: a file that does not
fit raises :class:`ModelFileError` and changes nothing.  A loaded run continues exactly as
the saved one would have (its sample pools and random generator come along) on the same
kind of device.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from ..base import to_jsonable
from ..datasets import UnreadableFile, describe_size, open_user_file
from ..params import ParameterError, check_seed
from .model import LAST_SLOTS, LAST_UPDATES, PHASE_D_DONE, PHASE_G_DONE, PHASE_START
from .params import GANParams
from .sampling import POOL_ROWS

if TYPE_CHECKING:
    from .model import GAN

__all__ = ["ModelFileError", "save", "load", "load_record", "FORMAT", "VERSION"]

FORMAT = "mechgui-gan"
#: 2 adds "training" (where the run stands); files of version 1 still load.
VERSION = 2
#: Bounds on what a model file may cost (module constants: the tests lower them).  The
#: largest model the parameters allow, with its sample pools, takes about 15 MB.
MAX_FILE_BYTES = 64 * 2 ** 20
MAX_UNPACKED_BYTES = 80 * 2 ** 20
#: The record's structure (tensors are members of their own): the parameters' 100,000
#: drawn points take 2.6 MB, unpickled in seconds (torch's safe unpickler is Python).
MAX_PICKLE_BYTES = 4 * 2 ** 20
MAX_MEMBERS = 1000
#: Iterations, and updates of one network or one Adam parameter, a file may count.
MAX_STEP = 10 ** 12
MAX_UPDATES = 10 ** 14

_RECORD = {"format", "version", "params", "seed", "step", "generator", "discriminator",
           "optimizer_d", "optimizer_g"}
_TRAINING = {"phase", "d_updates", "g_updates", "last_update", "last", "real", "conditions",
             "noise", "random"}
_ADAM_STATE = {"step", "exp_avg", "exp_avg_sq"}
#: Optimiser settings that either of the engine's ways of building Adam gives.
_EITHER = {"foreach": (None, True), "fused": (None, True)}


class ModelFileError(ValueError):
    """A saved model that cannot be loaded: not a mechgui GAN file, or it does not fit."""


def save(gan: GAN, path: str | PathLike) -> Path:
    """Write ``gan``'s networks, optimisers' state, parameters and where the run stands
    (its sample pools' unused rows and random generator) to ``path``; return it."""
    real, conditions = gan._real_pool or (None, None)
    record = {
        "format": FORMAT,
        "version": VERSION,
        "params": to_jsonable(gan.params.to_dict()),
        "seed": gan.seed,
        "step": gan.step_count,
        "generator": {k: v.detach().cpu() for k, v in gan.G.state_dict().items()},
        "discriminator": {k: v.detach().cpu() for k, v in gan.D.state_dict().items()},
        "optimizer_d": gan.opt_d.state_dict(),
        "optimizer_g": gan.opt_g.state_dict(),
        "training": {
            "phase": gan.phase, "d_updates": gan.d_updates, "g_updates": gan.g_updates,
            "last_update": gan.last_update, "last": gan._last[:4].detach().cpu().clone(),
            "real": _rest(real, gan._real_at), "conditions": _rest(conditions, gan._real_at),
            "noise": _rest(gan._noise_pool, gan._noise_at),
            "random": {"device": gan.device.type, "state": gan.gen.get_state()},
        },
    }
    torch.save(record, path)
    return Path(path)


def _with_parts(last: torch.Tensor) -> torch.Tensor:
    """A file's four last numbers (see ``LAST_SLOTS``), D's loss in parts unknown (nan)."""
    return torch.cat([last, torch.full((len(LAST_SLOTS) - len(last),), float("nan"))])


def _rest(pool: torch.Tensor | None, at: int) -> torch.Tensor | None:
    """The rows of a pool not yet used (a copy: the file holds them alone)."""
    return None if pool is None else pool[at:].detach().cpu().clone()


def load(gan: GAN, path: str | PathLike, *, use_file_params: bool = True) -> GANParams:
    """Load a file written by :func:`save` into ``gan`` (see :meth:`.GAN.load`); return the
    parameters now in force.  Raises :class:`ModelFileError`, leaving ``gan`` as it was."""
    where = os.fspath(path)
    return load_record(gan, _read(where), where=where, use_file_params=use_file_params)


def load_record(gan: GAN, record: Any, *, where: str = "the model",
                use_file_params: bool = True) -> GANParams:
    """:func:`load` of a record already read (``where`` names it in messages)."""
    fresh = _build(type(gan), record, where, None if use_file_params else gan.params)
    fresh.probe_point = gan.probe_point  # the user's choice, not the model's
    gan.__dict__ = fresh.__dict__  # the whole state at once
    return gan.params


# -- reading ---------------------------------------------------------------------------
def _read(where: str) -> Any:
    """The file's record: a regular file within the bounds, read by torch's safe loader."""
    try:
        handle, _ = open_user_file(where, MAX_FILE_BYTES)
        with handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except UnreadableFile as exc:
        raise _error(where, f"cannot be read ({exc})") from None
    except OSError as exc:
        raise _error(where, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_FILE_BYTES:
        raise _error(where, f"cannot be read (it grew past {describe_size(MAX_FILE_BYTES)} "
                            "while being read)")
    _check_archive(data, where)
    try:
        record = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever the safe loader chokes on is refused
        # (junk bytes raise anything from UnpicklingError to IndexError)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _error(where, "not a mechgui GAN model file "
                            f"(refused by the safe loader: {first[:200]})") from None
    return record


def _check_archive(data: bytes, where: str) -> None:
    """Refuse anything but a zip archive of at most MAX_MEMBERS members that unpacks to at
    most MAX_UNPACKED_BYTES (its pickle to MAX_PICKLE_BYTES).  The directory's own size is
    read first: the zip module would list a million members of a crafted one."""
    if not data:
        raise _error(where, "not a mechgui GAN model file (the file is empty)")
    members, directory = _directory(data)
    if members > MAX_MEMBERS or directory > 1024 * MAX_MEMBERS:
        raise _error(where, f"not a mechgui GAN model file ({members} archive members; "
                            f"at most {MAX_MEMBERS})")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise _error(where, "not a mechgui GAN model file (not a complete torch zip "
                            f"archive: {str(exc)[:100] or type(exc).__name__})") from None
    for what, size, bound in (
            ("archive", sum(m.file_size for m in infos), MAX_UNPACKED_BYTES),
            ("pickle", sum(m.file_size for m in infos if m.filename.endswith(".pkl")),
             MAX_PICKLE_BYTES)):
        if size > bound:
            raise _error(where, f"refused: its {what} unpacks to {describe_size(size)}; at "
                                f"most {describe_size(bound)} are read")


def _directory(data: bytes) -> tuple[int, int]:
    """(members, bytes) of a zip archive's central directory, as its end records say (the
    zip64 one where there is one, as the zip module reads them); (0, 0) for no archive."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) - end < 22:
        return 0, 0  # the zip module says what is wrong
    members, size = struct.unpack_from("<HL", data, end + 10)
    record = end - 20 - 56
    if record >= 0 and data[end - 20:end - 16] == b"PK\x06\x07" \
            and data[record:record + 4] == b"PK\x06\x06":
        members, size = struct.unpack_from("<QQ", data, record + 32)
    return members, size


# -- checking and building --------------------------------------------------------------
def _build(cls: type[GAN], record: Any, where: str, params: GANParams | None) -> GAN:
    """A new simulation holding the record's model, every entry checked first."""
    c = _Checker(where)
    if not isinstance(record, dict) or type(record.get("format")) is not str \
            or record["format"] != FORMAT:
        raise c.error(f"not a mechgui GAN model file (no 'format': '{FORMAT}' entry)")
    version = record.get("version")
    if type(version) is not int or version not in (1, 2):
        raise c.error(f"version={_show(version)} is not allowed: this mechgui reads "
                      f"versions 1 and {VERSION}")
    c.entries(record, "the file", _RECORD | ({"training"} if version == 2 else set()))
    saved = c.params(record["params"])
    if params is not None and saved.optimizer != params.optimizer:
        raise c.error(f"its optimiser is {saved.optimizer}, the session's {params.optimizer}")
    params = saved if params is None else params
    try:
        seed = check_seed(record["seed"])
    except ParameterError as exc:
        raise c.error(str(exc)) from None
    step = c.count(record["step"], "step", MAX_STEP)
    # Pre-training would be undone by the file's weights: the new simulation skips it.
    fresh = cls(params.replace(pretrain_d=False) if params.pretrain_d else params, seed=seed)
    fresh.params = c.params_in_force = params
    weights = {net: c.weights(record[net], net, module)
               for net, module in (("generator", fresh.G), ("discriminator", fresh.D))}
    states = [c.optimiser(record[key], key, opt) for key, opt in
              (("optimizer_d", fresh.opt_d), ("optimizer_g", fresh.opt_g))]
    training = c.training(record["training"], fresh) if version == 2 else None
    # Everything fits: fill the new simulation.
    with torch.no_grad():
        fresh.G.load_state_dict(weights["generator"])
        fresh.D.load_state_dict(weights["discriminator"])
    for opt, state in zip((fresh.opt_d, fresh.opt_g), states):
        opt.load_state_dict(state)
    fresh.step_count = step
    if training is not None:
        c.restore(fresh, training)
    fresh._checkpoint = fresh._state_copy()
    return fresh


class _Checker:
    """Checks of a record's entries; every refusal is a :class:`ModelFileError` naming the
    file and the entry."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.params_in_force: GANParams | None = None

    def error(self, text: str) -> ModelFileError:
        return _error(self.where, text)

    def entries(self, value: Any, name: str, known: set, required: set | None = None,
                key_type: type = str) -> dict:
        """``value``, a table of known entries only, the ``required`` ones (all by default)
        present."""
        if not isinstance(value, dict):
            raise self.error(f"{name} is {_kind(value)}, expected a table")
        odd = [k for k in value if type(k) is not key_type or k not in known]
        if odd:
            raise self.error(f"{name} has unknown entries {_names(odd)}")
        missing = [k for k in sorted(known if required is None else required) if k not in value]
        if missing:
            raise self.error(f"{name} lacks {_names(missing)}")
        return value

    def count(self, value: Any, name: str, high: int) -> int:
        if type(value) is not int or not 0 <= value <= high:
            raise self.error(f"{name}={_show(value)} is not allowed: expected a whole number "
                             f"in [0, {high}]")
        return value

    def tensor(self, value: Any, name: str, shape: tuple, *, dtype: torch.dtype = torch.float32,
               max_rows: int = 0, nan: bool = False, needs: str = "") -> torch.Tensor:
        """A fresh copy of ``value``, a CPU tensor of ``dtype`` and ``shape`` (a None in
        ``shape`` is any length up to ``max_rows``), its values finite (or NaN if ``nan``)."""
        if not isinstance(value, torch.Tensor):
            raise self.error(f"{name} is {_kind(value)}, expected a tensor")
        if value.layout != torch.strided or value.is_quantized or value.is_nested \
                or value.device.type != "cpu":
            raise self.error(f"{name} is not a plain tensor")
        if value.dtype != dtype:
            raise self.error(f"{name} is {value.dtype}, expected {dtype}")
        got = tuple(value.shape)
        if len(got) == len(shape):
            shape = tuple(g if s is None and g <= max_rows else s for g, s in zip(got, shape))
        if got != shape:
            raise self.error(f"{name} has shape {got}, " + (f"but {needs} needs {shape}" if needs
                                                             else f"expected {shape}"))
        copy = torch.empty(shape, dtype=dtype)
        copy.copy_(value.detach())  # contiguous, of its own memory
        if dtype.is_floating_point and bool((torch.isinf(copy) if nan else
                                             ~torch.isfinite(copy)).any()):
            raise self.error(f"{name} holds values that are not finite")
        return copy

    def params(self, value: Any) -> GANParams:
        saved = self.entries(value, "params", set(GANParams.names()), required=set())
        data, spec = saved.get("data"), GANParams.spec("data")
        if data is not None and not (  # bounded before the declaration reads it
                isinstance(data, list) and len(data) <= spec.max_len
                and all(isinstance(row, list) and len(row) <= spec.max_cols
                        and all(type(x) in (int, float) for x in row) for row in data)):
            raise self.error(f"params.data is not allowed: {spec.allowed()}")
        try:
            return GANParams.from_mapping(saved)
        except ParameterError as exc:
            raise self.error(f"parameters: {exc}") from None

    def weights(self, value: Any, net: str, module: torch.nn.Module) -> dict[str, torch.Tensor]:
        """A network's tensors, of the shapes of the new simulation's own ``module``."""
        p = self.params_in_force
        needs = (f"the declared architecture (hidden_layers={p.hidden_layers}, hidden_units="
                 f"{p.hidden_units}, noise_dim={p.noise_dim}, dimension={p.dimension})")
        own = module.state_dict()
        self.entries(value, f"the {net}", set(own))
        return {key: self.tensor(value[key], f"{net} tensor {key}", tuple(mine.shape),
                                 needs=needs) for key, mine in own.items()}

    def optimiser(self, value: Any, name: str, opt: torch.optim.Optimizer) -> dict[str, Any]:
        """The state to load into ``opt``, the new simulation's own optimiser: the file's
        per-parameter state, checked, under the engine's own settings."""
        saved = self.entries(value, name, {"state", "param_groups"})
        own = opt.state_dict()
        groups = saved["param_groups"]
        if not isinstance(groups, list) or len(groups) != 1:
            raise self.error(f"{name}.param_groups is not a list of one group")
        self.group(groups[0], f"{name}.param_groups[0]", own["param_groups"][0])
        params = opt.param_groups[0]["params"]
        state = self.entries(saved["state"], f"{name}.state", set(range(len(params))),
                             required=set(), key_type=int)
        if state and (len(state) != len(params) or not isinstance(opt, torch.optim.Adam)):
            raise self.error(f"{name}.state has the state of parameters {_names(list(state))}"
                             f"; expected {'all or none' if len(params) else 'none'} of "
                             f"0 to {len(params) - 1}")
        checked = {}
        for index in sorted(state):
            entry = self.entries(state[index], f"{name}.state[{index}]", _ADAM_STATE)
            at, shape = f"{name}.state[{index}]", tuple(params[index].shape)
            step = self.tensor(entry["step"], f"{at}.step", ())
            if not (float(step).is_integer() and 0 <= float(step) <= MAX_UPDATES):
                raise self.error(f"{at}.step={float(step):g} is not allowed: expected a whole "
                                 f"number in [0, {MAX_UPDATES}]")
            squares = self.tensor(entry["exp_avg_sq"], f"{at}.exp_avg_sq", shape)
            if bool((squares < 0).any()):
                raise self.error(f"{at}.exp_avg_sq holds negative values")
            checked[index] = {"step": step, "exp_avg_sq": squares,
                              "exp_avg": self.tensor(entry["exp_avg"], f"{at}.exp_avg", shape)}
        return {"state": checked, "param_groups": own["param_groups"]}

    def group(self, value: Any, name: str, own: dict[str, Any]) -> None:
        """A parameter group with the engine's settings: the learning rate and Adam's β₁
        within their declared bounds (the session's are used), the rest as the engine sets."""
        group = self.entries(value, name, set(own), required={"params", "lr"})
        if not (type(group["params"]) is list and all(type(i) is int for i in group["params"])
                and group["params"] == own["params"]):
            raise self.error(f"{name}.params is not the list of parameters 0 to "
                             f"{len(own['params']) - 1}")
        self.setting(group["lr"], f"{name}.lr", "lr_d")
        if "betas" in group:
            betas = group["betas"]
            if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
                raise self.error(f"{name}.betas={_show(betas)} is not a pair of numbers")
            self.setting(betas[0], f"{name}.betas[0]", "adam_beta1")
            self.same(betas[1], f"{name}.betas[1]", own["betas"][1])
        for key in sorted(set(group) - {"params", "lr", "betas"}):
            self.same(group[key], f"{name}.{key}", own[key], _EITHER.get(key, ()))

    def setting(self, value: Any, name: str, declared: str) -> None:
        spec = GANParams.spec(declared)
        try:
            spec.coerce(value if type(value) in (int, float) else None)
        except ParameterError:
            raise self.error(f"{name}={_show(value)} is not allowed: {spec.allowed()}") from None

    def same(self, value: Any, name: str, own: Any, either: tuple = ()) -> None:
        """``value`` is the engine's own setting ``own`` (or one of ``either``)."""
        if own is None or isinstance(own, bool):
            ok = value is own or any(value is e for e in either)
        else:
            ok = type(value) in (int, float) and type(own) in (int, float) and value == own
        if not ok:
            raise self.error(f"{name}={_show(value)} is not allowed: expected {own!r}, "
                             "as the engine sets it")

    def training(self, value: Any, fresh: GAN) -> dict[str, Any]:
        """Where the run stands: phase, counts, last losses, the pools' unused rows and the
        random generator's state (None when it is another kind of device's)."""
        t = self.entries(value, "training", _TRAINING)
        for key, choices in (("phase", (PHASE_START, PHASE_D_DONE, PHASE_G_DONE)),
                             ("last_update", LAST_UPDATES)):
            if not isinstance(t[key], str) or t[key] not in choices:
                raise self.error(f"training.{key}={_show(t[key])} is not allowed: expected "
                                 f"one of {', '.join(choices)}")
        rows, device = max(POOL_ROWS, fresh.params.batch_size), fresh.device
        real = self.pool(t["real"], "real", fresh.dim, rows)
        conditions = self.pool(t["conditions"], "conditions", fresh.target.condition_dim, rows)
        if (conditions is not None) != (fresh.conditional and real is not None) or \
                (conditions is not None and len(conditions) != len(real)):
            raise self.error("training.conditions do not match the real samples' pool")
        noise = self.pool(t["noise"], "noise", fresh.params.noise_dim, rows)
        return {"phase": t["phase"], "last_update": t["last_update"],
                "d_updates": self.count(t["d_updates"], "training.d_updates", MAX_UPDATES),
                "g_updates": self.count(t["g_updates"], "training.g_updates", MAX_UPDATES),
                "_last": _with_parts(self.tensor(t["last"], "training.last", (4,), nan=True)
                                     ).to(device),
                "_real_pool": None if real is None else
                (real.to(device), None if conditions is None else conditions.to(device)),
                "_noise_pool": None if noise is None else noise.to(device),
                "_real_at": 0, "_noise_at": 0,
                "random": self.random(t["random"], fresh.gen, device.type)}

    def pool(self, value: Any, name: str, columns: int, rows: int) -> torch.Tensor | None:
        if value is None:
            return None
        return self.tensor(value, f"training.{name}", (None, columns), max_rows=rows)

    def random(self, value: Any, gen: torch.Generator, device: str) -> torch.Tensor | None:
        """The generator's state, or None for another kind of device's (ignored: the run
        goes on with the new simulation's own)."""
        entry = self.entries(value, "training.random", {"device", "state"})
        if not isinstance(entry["device"], str):
            raise self.error("training.random.device is not a device's name")
        if entry["device"] != device:
            self.tensor(entry["state"], "training.random.state", (None,), dtype=torch.uint8,
                        max_rows=64 * 1024)
            return None
        state = self.tensor(entry["state"], "training.random.state",
                            tuple(gen.get_state().shape), dtype=torch.uint8)
        if device == "cpu" and not _sound_mt19937(state):
            raise self.error("training.random.state is not a sound generator state")
        return state

    def restore(self, fresh: GAN, training: dict[str, Any]) -> None:
        """Put the checked training state into the new simulation."""
        state = training.pop("random")
        if state is not None:
            try:
                fresh.gen.set_state(state)
            except RuntimeError as exc:
                raise self.error(f"training.random.state is refused ({exc})") from None
        vars(fresh).update(training)


# -- the CPU generator's state: torch checks its read position's two fields each alone,
# not that they agree, and a state that passes could read past the twister's 624 words.
def _mt_header(state: torch.Tensor) -> tuple[int, int, int, int]:
    """(seed, left, seeded, next) of a CPU generator's state, in torch's layout."""
    return struct.unpack_from("<QiiQ", state[:24].numpy().tobytes())


def _sound_mt19937(state: torch.Tensor) -> bool:
    if not _LAYOUT:  # check once that this torch lays the state out as read here
        gen = torch.Generator()
        gen.manual_seed(5)
        seeded = _mt_header(gen.get_state())
        torch.rand(3, generator=gen)
        _, left, _, nxt = _mt_header(gen.get_state())
        _LAYOUT.append(seeded == (5, 1, 1, 0) and left + nxt == 625)
    _, left, seeded, nxt = _mt_header(state)
    return _LAYOUT[0] and seeded == 1 and ((left, nxt) == (1, 0) or
                                           (1 <= left <= 624 and left + nxt == 625))


_LAYOUT: list[bool] = []


# -- helpers ------------------------------------------------------------------------------
def _error(where: str, text: str) -> ModelFileError:
    return ModelFileError(f"{where}: {text}")


def _kind(value: Any) -> str:
    return "a tensor" if isinstance(value, torch.Tensor) else type(value).__name__


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, torch.Tensor) else f"a tensor {tuple(value.shape)}"
    return text if len(text) <= 60 else text[:57] + "..."


def _names(keys: list) -> str:
    shown = ", ".join(_show(k) for k in keys[:5])
    return f"[{shown}{', …' if len(keys) > 5 else ''}]"
