"""Saved GAN models: a torch file of plain data (networks, optimiser state, parameters),
read back with torch's safe loader and checked against the declared architecture."""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .params import GANParams

if TYPE_CHECKING:
    from .model import GAN

__all__ = ["ModelFileError", "save", "load", "FORMAT"]

FORMAT = "mechgui-gan"


class ModelFileError(ValueError):
    """A saved model that cannot be loaded: not a mechgui GAN file, or it does not fit."""


def save(gan: GAN, path: str | PathLike) -> Path:
    """Write ``gan``'s networks, optimisers' state and parameters to ``path``; return it."""
    record = {
        "format": FORMAT,
        "version": 1,
        "params": _plain(gan.params.to_dict()),
        "seed": gan.seed,
        "step": gan.step_count,
        "generator": {k: v.detach().cpu() for k, v in gan.G.state_dict().items()},
        "discriminator": {k: v.detach().cpu() for k, v in gan.D.state_dict().items()},
        "optimizer_d": gan.opt_d.state_dict(),
        "optimizer_g": gan.opt_g.state_dict(),
    }
    torch.save(record, path)
    return Path(path)


def load(gan: GAN, path: str | PathLike, *, use_file_params: bool = True) -> GANParams:
    """Load a file written by :func:`save` into ``gan`` (see :meth:`.GAN.load`); return the
    parameters now in force.  Raises :class:`ModelFileError`, leaving ``gan`` as it was."""
    record = _read(path)
    params = gan.params
    if use_file_params:
        saved = record.get("params")
        if not isinstance(saved, dict):
            raise ModelFileError(f"{os.fspath(path)}: the file has no parameters")
        params = GANParams.from_mapping({k: v for k, v in saved.items()
                                         if k in GANParams.names()})
    _check_weights(record, params, path)
    # Everything fits: adopt it.
    gan.params = params
    seed = record.get("seed")
    gan.seed = int(seed) if isinstance(seed, int) else gan.seed
    gan.reset()
    with torch.no_grad():
        gan.G.load_state_dict({k: v.float() for k, v in record["generator"].items()})
        gan.D.load_state_dict({k: v.float() for k, v in record["discriminator"].items()})
    for opt, key in ((gan.opt_d, "optimizer_d"), (gan.opt_g, "optimizer_g")):
        try:
            if isinstance(record.get(key), dict):
                opt.load_state_dict(record[key])
        except (ValueError, KeyError, RuntimeError, TypeError):
            pass  # an optimiser state that does not fit: start it afresh
    gan._apply_live(params, [])
    step = record.get("step")
    gan.step_count = int(step) if isinstance(step, int) and step >= 0 else 0
    gan._checkpoint = gan._state_copy()
    return gan.params


def _read(path: str | PathLike) -> dict[str, Any]:
    """The file's record, read by torch's safe loader (which never runs code from it)."""
    try:
        record = torch.load(path, map_location="cpu", weights_only=True)
    except OSError as exc:
        raise ModelFileError(f"{os.fspath(path)}: cannot be read "
                             f"({exc.strerror or type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - whatever the safe loader chokes on is refused
        # (junk bytes raise anything from UnpicklingError to IndexError)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(f"{os.fspath(path)}: not a mechgui GAN model file "
                             f"(refused by the safe loader: {first[:200]})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ModelFileError(f"{os.fspath(path)}: not a mechgui GAN model file "
                             f"(no 'format': '{FORMAT}' entry)")
    return record


def _check_weights(record: dict[str, Any], params: GANParams, path: str | PathLike) -> None:
    """Raise unless both networks' tensors have the shapes ``params`` declare, all finite."""
    g_in = params.noise_dim + (1 if params.dataset == "rosenbrock" else 0)
    d_in = params.dimension + (1 if params.dataset == "rosenbrock" else 0)
    shapes = {
        "generator": _declared_shapes(g_in, params.dimension, params),
        "discriminator": _declared_shapes(d_in, 1, params),
    }
    for net, expected in shapes.items():
        state = record.get(net)
        if not isinstance(state, dict):
            raise ModelFileError(f"{os.fspath(path)}: the file has no {net} weights")
        if set(state) != set(expected):
            raise ModelFileError(
                f"{os.fspath(path)}: the {net} has layers {sorted(state)}, but "
                f"{params.hidden_layers} hidden layers need {sorted(expected)}")
        for key, shape in expected.items():
            tensor = state[key]
            if not isinstance(tensor, torch.Tensor) or tuple(tensor.shape) != shape:
                got = tuple(tensor.shape) if isinstance(tensor, torch.Tensor) else type(tensor).__name__
                raise ModelFileError(
                    f"{os.fspath(path)}: {net} tensor {key} has shape {got}, but the declared "
                    f"architecture (hidden_layers={params.hidden_layers}, "
                    f"hidden_units={params.hidden_units}, noise_dim={params.noise_dim}, "
                    f"dimension={params.dimension}) needs {shape}")
            if not torch.isfinite(tensor).all():
                raise ModelFileError(f"{os.fspath(path)}: {net} tensor {key} is not finite")


def _declared_shapes(inputs: int, outputs: int, params: GANParams) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    size = inputs
    index = 0
    for _ in range(params.hidden_layers):
        shapes[f"{index}.weight"] = (params.hidden_units, size)
        shapes[f"{index}.bias"] = (params.hidden_units,)
        size = params.hidden_units
        index += 2
    shapes[f"{index}.weight"] = (outputs, size)
    shapes[f"{index}.bias"] = (outputs,)
    return shapes


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
