"""Command line: the desktop app, or ``mechgui run MODEL …`` without a window.

Headless runs serve scripts, parameter sweeps and slides::

    python -m mechgui run maxnet --preset fausett-4.1 --json
    python -m mechgui run hamming --set exemplars="1,-1,-1,-1;-1,-1,-1,1" --set inputs="1,1,-1,-1"

A bad model, preset or parameter exits with code 2 and one line on stderr that
names what is wrong and what is allowed (the engine's own message).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from mechgui import __version__

__all__ = ["main", "run_headless", "build_run_parser", "build_gui_parser"]

USAGE_ERROR = 2


class UsageError(Exception):
    """A bad command line: reported as one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: expected an integer >= 0") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: expected an integer >= 0")
    return value


def _window_steps(text: str) -> int:
    value = _positive_int(text)
    if value > 2**31 - 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: expected an integer in "
                                         f"[0, {2**31 - 1}]")
    return value


def _at_least_one(text: str) -> int:
    value = _positive_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: expected an integer >= 1")
    return value


def build_run_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mechgui run",
        description="Run a mechanism without a window and print its snapshots.",
    )
    parser.add_argument("model", help="maxnet, mexican_hat, hamming, som, gan")
    parser.add_argument("--preset", metavar="NAME", help="start from a preset, e.g. fausett-4.1")
    parser.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], dest="overrides",
                        help="override one parameter; vectors '0.2,0.4', matrices '1,-1;-1,1'")
    parser.add_argument("--steps", type=_positive_int, metavar="N",
                        help="number of steps (default: until done, bounded)")
    parser.add_argument("--every", type=_at_least_one, default=1, metavar="K",
                        help="keep every K-th frame and the last")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mechgui",
        description="Visual simulator of mechanism-based neural networks. "
                    "Use 'mechgui run MODEL --help' for headless runs.",
    )
    parser.add_argument("--version", action="version", version=f"mechgui {__version__}")
    parser.add_argument("--tab", metavar="NAME", help="open this tab: maxnet, mexican_hat, hamming, som, gan")
    parser.add_argument("--preset", metavar="NAME", help="load this preset in the tab")
    parser.add_argument("--steps", type=_window_steps, metavar="N", help="run N engine steps after start")
    parser.add_argument("--lecture", action="store_true", help="large fonts and thick lines for projectors")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="after the steps, save a PNG of the window and exit")
    return parser


def _overrides(items: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item!r} is not allowed: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def prepare_run(args: argparse.Namespace):
    """Build the simulation a ``run`` command line asks for (raises ParameterError)."""
    from mechgui import engine

    cls = engine.model_class(args.model)
    values: dict[str, Any] = {}
    seed = args.seed
    if args.preset:
        preset = engine.load_preset(args.model, args.preset)
        values.update(preset.params)
        if seed is None:
            seed = preset.seed
    values.update(_overrides(args.overrides))
    params = cls.Params.from_mapping(values)
    if args.model == "gan":
        from mechgui.engine.gan import use_training_threads

        use_training_threads()
    return cls(params, seed=seed)


def _collect(sim, steps: int | None, every: int) -> list[Mapping[str, Any]]:
    limit = steps if steps is not None else sim.run_limit
    frames = [sim.snapshot()]
    done_steps = 0
    while done_steps < limit and not sim.done:
        chunk = min(every - sim.step_count % every, limit - done_steps)
        taken = sim.step(chunk)
        done_steps += taken
        if taken == 0:
            break
        if sim.step_count % every == 0 or sim.done or done_steps >= limit:
            frames.append(sim.snapshot())
    if frames[-1]["step"] != sim.step_count:
        frames.append(sim.snapshot())
    return frames


def _without_repeats(frames: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The frames, with a value that is the very object of the first frame's (the SOM's
    data set, shared by every snapshot of a run) written in the first frame only."""
    first = frames[0]
    shared = {k for k, v in first.items() if isinstance(v, (tuple, Mapping)) or hasattr(v, "shape")}
    return [dict(first)] + [{k: v for k, v in f.items() if not (k in shared and v is first[k])}
                            for f in frames[1:]]


def _table(sim, frames: list[Mapping[str, Any]]) -> str:
    rows = []
    for snap in frames:
        row = {"step": str(snap["step"]), "status": str(snap["status"])}
        row.update(sim.summary(snap))
        rows.append(row)
    headers = list(dict.fromkeys(k for r in rows for k in r))
    widths = {h: max(len(h), *(len(r.get(h, "")) for r in rows)) for h in headers}
    lines = ["  ".join(h.ljust(widths[h]) for h in headers)]
    lines.append("  ".join("-" * widths[h] for h in headers))
    lines += ["  ".join(r.get(h, "").ljust(widths[h]) for h in headers) for r in rows]
    warning = frames[-1].get("warning")
    if warning:
        lines.append(f"warning: {warning}")
    return "\n".join(line.rstrip() for line in lines)


def run_headless(argv: Sequence[str]) -> int:
    """``mechgui run …``: print snapshots as a table or one JSON object."""
    from mechgui.engine import to_jsonable

    args = build_run_parser().parse_args(list(argv))
    sim = prepare_run(args)
    frames = _collect(sim, args.steps, args.every)
    if args.json:
        record = {
            "model": args.model,
            "params": sim.params.to_dict(),
            "seed": sim.seed,
            "frames": [to_jsonable(f) for f in _without_repeats(frames)],
            "status": sim.status,
            "steps": sim.step_count,
        }
        json.dump(record, sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(f"{sim.title}: {sim.params!r}")
        print(_table(sim, frames))
        plural = "" if sim.step_count == 1 else "s"
        print(f"status: {sim.status} after {sim.step_count} step{plural}")
    return 0


def run_gui(argv: Sequence[str]) -> int:
    args = build_gui_parser().parse_args(list(argv))
    try:
        from mechgui.app import launch  # imports Qt only now
    except ModuleNotFoundError as exc:
        if exc.name != "mechgui.app":
            raise
        print("mechgui: the desktop window is not built yet; use 'python -m mechgui run MODEL'",
              file=sys.stderr)
        return 1

    return launch(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mechgui`` and ``python -m mechgui``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from mechgui.engine.params import ParameterError

    try:
        if argv and argv[0] == "run":
            return run_headless(argv[1:])
        return run_gui(argv)
    except (UsageError, ParameterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
