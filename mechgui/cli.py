"""Command line: the desktop app, ``mechgui run MODEL …`` without a window, or a sweep.

Headless runs serve scripts and slides; sweeps vary parameters over many runs::

    python -m mechgui run maxnet --preset fausett-4.1 --json
    python -m mechgui run hamming --set exemplars="1,-1,-1,-1;-1,-1,-1,1" --set inputs="1,1,-1,-1"
    python -m mechgui sweep maxnet --set m=4 --vary epsilon=0.01:0.5:50 --repeats 8 --plot eps.png

A bad model, preset or parameter exits with code 2 and one line on stderr that
names what is wrong and what is allowed (the engine's own message).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NoReturn, TextIO

from mechgui import __version__

__all__ = [
    "build_gui_parser",
    "build_run_parser",
    "build_sweep_parser",
    "main",
    "run_headless",
    "run_sweep",
]

USAGE_ERROR = 2
#: The table's first lines wait for at most this many more, or this long, to size its columns.
LOOKAHEAD_ROWS = 32
LOOKAHEAD_SECONDS = 2.0
#: Then its status column fits the longest status of any model ("converged").
STATUS_WIDTH = 9


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
    parser.add_argument("--seed", metavar="S", help="random seed (an integer >= 0, or auto)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workspace", metavar="FILE", help="run the model's setup from this "
                        "workspace (to its saved step unless --steps says)")
    parser.add_argument("--save-workspace", metavar="FILE", help="write the setup into this "
                        "workspace (its other tabs kept) instead of running it")
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mechgui",
        description="Visual simulator of mechanism-based neural networks. "
                    "Use 'mechgui run MODEL --help' for headless runs, "
                    "'mechgui sweep MODEL --help' for parameter sweeps.",
    )
    parser.add_argument("--version", action="version", version=f"mechgui {__version__}")
    parser.add_argument("workspace", nargs="?", metavar="WORKSPACE_FILE",
                        help="open this workspace (a .toml file saved by mechgui)")
    from mechgui.engine import MODELS  # one tab per model, in the same order

    parser.add_argument("--tab", metavar="NAME", help="open this tab: " + ", ".join(MODELS))
    parser.add_argument("--preset", metavar="NAME", help="load this preset in the tab")
    parser.add_argument("--steps", type=_window_steps, metavar="N", help="run N engine steps after start")
    parser.add_argument("--lecture", action="store_true", help="large fonts and thick lines for projectors")
    parser.add_argument("--select", type=_at_least_one, metavar="N",
                        help="select element N (a node, unit or exemplar; 1 is the first): its "
                             "formula shows under the plots")
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
    """Build the simulation a ``run`` command line asks for (raises ParameterError, or
    WorkspaceError for a workspace that cannot be used), and the steps to run (None:
    until done)."""
    from mechgui.workspace import simulation_for
    from mechgui.workspace.runs import run_setup

    setup, folder = run_setup(args.model, workspace=args.workspace, preset=args.preset,
                              overrides=_overrides(args.overrides), seed=args.seed,
                              steps=args.steps)
    if args.model in ("gan", "autoencoder"):  # small torch networks: one thread is fastest
        from mechgui.engine.gan import use_training_threads

        use_training_threads()
    return simulation_for(setup, folder), setup.steps


def _frames(sim, steps: int | None, every: int) -> Iterator[Mapping[str, Any]]:
    """The snapshots to print, one at a time as the run makes them: step 0, every
    ``every``-th step, and the last (at most ``steps`` steps, or until done within
    the model's :attr:`~mechgui.engine.Simulation.run_limit`)."""
    limit = steps if steps is not None else sim.run_limit
    yield sim.snapshot()
    shown = sim.step_count
    done_steps = 0
    while done_steps < limit and not sim.done:
        chunk = min(every - sim.step_count % every, limit - done_steps)
        taken = sim.step(chunk)
        done_steps += taken
        if taken == 0:
            break
        if sim.step_count % every == 0 or sim.done or done_steps >= limit:
            shown = sim.step_count
            yield sim.snapshot()
    if shown != sim.step_count:
        yield sim.snapshot()


class _Repeats:
    """Drops from each frame after the first a value that is the very object of the first
    frame's (the SOM's data set, shared by every snapshot of a run): written once."""

    def __init__(self) -> None:
        self.shared: dict[str, Any] | None = None

    def __call__(self, frame: Mapping[str, Any]) -> dict[str, Any]:
        if self.shared is None:
            self.shared = {k: v for k, v in frame.items()
                           if isinstance(v, (tuple, Mapping)) or hasattr(v, "shape")}
            return dict(frame)
        return {k: v for k, v in frame.items()
                if not (k in self.shared and v is self.shared[k])}


def _write_json(sim, model: str, frames: Iterator[Mapping[str, Any]], out: TextIO) -> None:
    """One JSON object, ``{"model", "params", "seed", "frames": […], "status", "steps"}``,
    its frames written as they come (memory stays flat however long the run)."""
    from mechgui.engine import to_jsonable

    def dumps(value: Any) -> str:
        return json.dumps(value, allow_nan=False)

    head = {"model": model, "params": sim.params.to_dict(), "seed": sim.seed}
    out.write(dumps(head)[:-1] + ', "frames": [')
    once = _Repeats()
    for i, frame in enumerate(frames):  # noqa: FURB122 - each frame written as it comes
        out.write((", " if i else "") + dumps(to_jsonable(once(frame))))
    out.write(f'], "status": {dumps(sim.status)}, "steps": {dumps(sim.step_count)}}}\n')


class _Table:
    """The human-readable table, a line per frame as it comes.

    The first lines wait (at most :data:`LOOKAHEAD_ROWS` of them, or
    :data:`LOOKAHEAD_SECONDS`) so that the columns fit them: a run that ends within
    them prints the very table of a run printed at its end.  Later a column widens
    for a wider value, never narrows.
    """

    def __init__(self, sim, out: TextIO) -> None:
        self.sim = sim
        self.out = out
        self.widths: dict[str, int] = {}
        self.waiting: list[dict[str, str]] | None = []
        self.since = 0.0

    def write(self, frames: Iterator[Mapping[str, Any]]) -> None:
        last: Mapping[str, Any] | None = None
        for snap in frames:
            row = {"step": str(snap["step"]), "status": str(snap["status"])}
            row.update(self.sim.summary(snap))
            self._add(row)
            last = snap
        self._flush(final=True)
        warning = last.get("warning") if last is not None else None
        if warning:
            self.out.write(f"warning: {warning}\n")

    def _add(self, row: dict[str, str]) -> None:
        if self.waiting is None:
            self._fit(row)
            self._line(row)
            return
        if not self.waiting:
            self.since = time.perf_counter()
        self.waiting.append(row)
        if len(self.waiting) >= LOOKAHEAD_ROWS or \
                time.perf_counter() - self.since >= LOOKAHEAD_SECONDS:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        """Print the waiting lines under a header that fits them (and, if more follow,
        any status)."""
        rows, self.waiting = self.waiting, None
        if not rows:
            return
        headers = list(dict.fromkeys(key for row in rows for key in row))
        self.widths = {key: len(key) for key in headers}
        if not final:
            self.widths["status"] = max(self.widths["status"], STATUS_WIDTH)
        for row in rows:
            self._fit(row)
        self._line({key: key for key in headers})
        self._line({key: "-" * width for key, width in self.widths.items()})
        for row in rows:
            self._line(row)

    def _fit(self, row: dict[str, str]) -> None:
        for key, text in row.items():
            self.widths[key] = max(self.widths.get(key, 0), len(text))

    def _line(self, row: dict[str, str]) -> None:
        cells = [row.get(key, "").ljust(width) for key, width in self.widths.items()]
        self.out.write("  ".join(cells).rstrip() + "\n")


def run_headless(argv: Sequence[str]) -> int:
    """``mechgui run …``: print snapshots as a table or one JSON object, as they come."""
    args = build_run_parser().parse_args(list(argv))
    if args.save_workspace:
        return _save_workspace(args)
    sim, steps = prepare_run(args)
    if args.steps is None and steps is not None:  # a workspace's step, counted from its start
        steps = max(0, steps - sim.step_count)
    frames = _frames(sim, steps, args.every)
    out = sys.stdout
    if args.json:
        _write_json(sim, args.model, frames, out)
    else:
        out.write(f"{sim.title}: {sim.params!r}\n")
        _Table(sim, out).write(frames)
        plural = "" if sim.step_count == 1 else "s"
        out.write(f"status: {sim.status} after {sim.step_count} step{plural}\n")
    return 0


def _save_workspace(args: argparse.Namespace) -> int:
    """``--save-workspace FILE``: the setup written into a workspace, not run."""
    from mechgui.files import SaveError
    from mechgui.workspace.runs import run_setup, save_run_setup

    setup, _ = run_setup(args.model, workspace=args.workspace, preset=args.preset,
                         overrides=_overrides(args.overrides), seed=args.seed, steps=args.steps)
    try:
        path = save_run_setup(args.save_workspace, setup)
    except SaveError as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 1
    print(f"wrote the {args.model} tab's setup to {path}")
    return 0


# -- sweeps --------------------------------------------------------------------------------
class _SweepHelp(argparse.Action):
    """``--help``: the usage, and after a model's name its parameters and metrics."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help=None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        parser.print_help()
        model = getattr(namespace, "model", None)
        if model:
            try:
                sys.stdout.write(_sweep_listing(model))
            except Exception as exc:  # noqa: BLE001 - a bad model name: say so, exit 2
                raise UsageError(str(exc)) from None
        parser.exit()


def _sweep_listing(model: str) -> str:
    """A model's metrics, sweepable parameters and sweep presets, from their declarations."""
    from mechgui import engine
    from mechgui.engine.metrics import metrics_for
    from mechgui.engine.params import ArraySpec
    from mechgui.explore import sweep_presets
    from mechgui.explore.inputs import makers_for

    lines = [f"\n{engine.model_title(model)} metrics (--metric):"]
    lines += [f"  {m.name:<20} {m.help}" + (f" [{m.unit}]" if m.unit else "")
              for m in metrics_for(model)] or ["  none"]
    lines.append("parameters that can be varied (--vary):")
    specs = [s for s in engine.params_class(model).specs() if not isinstance(s, ArraySpec)]
    for maker in makers_for(model):
        specs += list(maker.params.specs())
    lines += [f"  {s.name:<20} {s.help}" for s in specs]
    presets = sweep_presets(model)
    if presets:
        lines.append("sweep presets (--preset):")
        lines += [f"  {p.name:<20} {p.title}" for p in presets.values()]
    return "\n".join(lines) + "\n"


def build_sweep_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mechgui sweep", add_help=False,
        description="Vary one or two parameters, run every point over several seeds (in "
                    "parallel) to done or N steps, and print the metrics: one row per point "
                    "and repeat.  'mechgui sweep MODEL --help' lists the model's metrics.")
    parser.add_argument("-h", "--help", action=_SweepHelp, help="show this help (and, after "
                        "MODEL, its metrics and parameters) and exit")
    parser.add_argument("model", help="maxnet, mexican_hat, hamming, som, gan")
    parser.add_argument("--preset", metavar="P", help="hold a preset's parameters, or run a "
                        "sweep preset (its flags can be overridden)")
    parser.add_argument("--vary", metavar="KEY=START:STOP:N[:log] | KEY=v1,v2,…", action="append",
                        default=[], help="a parameter to vary (once or twice)")
    parser.add_argument("--set", metavar="K=V", action="append", default=[], dest="overrides",
                        help="hold one parameter at a value")
    parser.add_argument("--metric", metavar="NAME", action="append", default=[], dest="metrics",
                        help="a metric to collect (default: all of the model's)")
    parser.add_argument("--repeats", type=_at_least_one, metavar="R",
                        help="runs per point, each with its own seed (default 1)")
    parser.add_argument("--steps", type=_at_least_one, metavar="N",
                        help="steps per run (default: until done, bounded)")
    parser.add_argument("--seed", metavar="S", help="the sweep's seed, from which every run's "
                        "is derived (default 0; auto draws one)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_at_least_one, metavar="W",
                       help="local worker processes (default: every core)")
    where.add_argument("--scheduler", metavar="ADDR", help="run on a Dask cluster: its "
                       "scheduler's address, e.g. tcp://10.0.0.5:8786 (pip install 'mechgui[dask]')")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--csv", metavar="FILE", help="write the rows as CSV to FILE ('-': stdout) "
                     "instead of the table")
    out.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--plot", metavar="FILE.png", help="also save a plot of the first "
                        "metric: a curve with its band over seeds, or a heat map")
    return parser


def prepare_sweep(args: argparse.Namespace):
    """The checked sweep a ``sweep`` command line asks for, and the guides of its preset
    (raises ParameterError)."""
    from mechgui import engine
    from mechgui.explore import build_sweep, sweep_presets

    sets = _overrides(args.overrides)
    sweeps = sweep_presets(args.model) if args.preset else {}
    if args.preset in sweeps:
        preset = sweeps[args.preset]
        sweep = preset.build(sets=sets, vary=args.vary, metrics=args.metrics,
                             repeats=args.repeats, steps=args.steps, seed=args.seed)
        return sweep, preset.guides
    params: dict[str, Any] = {}
    if args.preset:
        known = engine.presets(args.model)
        if args.preset not in known:
            names = ", ".join([*known, *sweeps]) or "none"
            raise engine.ParameterError("preset", args.preset, f"expected one of {names}")
        params = dict(known[args.preset].params)
    sweep = build_sweep(args.model, params=params, sets=sets, vary=args.vary,
                        metrics=args.metrics, repeats=1 if args.repeats is None else args.repeats,
                        steps=args.steps, seed=0 if args.seed is None else args.seed)
    return sweep, ()


class _Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per tenth elsewhere."""

    WIDTH = 30

    def __init__(self, total: int, out: TextIO) -> None:
        self.total = max(1, total)
        self.out = out
        self.tty = out.isatty()
        self.start = time.perf_counter()
        self.shown = -1

    def update(self, done: int, final: bool = False) -> None:
        step = done * (self.WIDTH if self.tty else 10) // self.total
        if step == self.shown and not final:
            return
        self.shown = step
        filled = done * self.WIDTH // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"sweep [{bar}] {done}/{self.total} runs  {time.perf_counter() - self.start:.1f} s"
        self.out.write(("\r" + line + ("\n" if final else "")) if self.tty else line + "\n")
        self.out.flush()


def _output(result, args: argparse.Namespace) -> None:
    if args.json:
        result.write_json(sys.stdout)
    elif args.csv == "-":
        result.write_csv(sys.stdout)
    elif args.csv:
        from mechgui.files import write_atomically

        buffer = io.StringIO()
        result.write_csv(buffer)
        write_atomically(args.csv, buffer.getvalue())
        print(f"wrote {len(result)} rows to {args.csv}", file=sys.stderr)
    else:
        sys.stdout.write(result.sweep.describe() + "\n")
        result.write_table(sys.stdout)


def _check_writable(path: str | None, flag: str) -> None:
    """Refuse at once an output file whose folder is missing (not after a long sweep)."""
    if path and path != "-":
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise UsageError(f"{flag} {path!r} is not allowed: its folder does not exist")


def run_sweep(argv: Sequence[str]) -> int:
    """``mechgui sweep …``: run a sweep, a progress bar on stderr, then the rows (0; 130 when
    interrupted, with the rows done; 1 when a run failed)."""
    from mechgui.explore import RunFailed, start_dask, start_local

    args = build_sweep_parser().parse_args(list(argv))
    sweep, guides = prepare_sweep(args)
    _check_writable(args.csv, "--csv")
    _check_writable(args.plot, "--plot")
    run = start_dask(sweep, args.scheduler) if args.scheduler else \
        start_local(sweep, args.workers)
    progress = _Progress(sweep.total, sys.stderr)
    interrupted = False
    try:
        try:
            while not run.finished:
                run.poll(0.2)
                progress.update(run.done)
        except KeyboardInterrupt:
            interrupted = True
            run.cancel()
            while not run.finished:  # the runs under way stop at their next step call
                run.poll(0.2)
    except RunFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        run.close()
    progress.update(run.done, final=True)
    _output(run.result, args)
    if args.plot and len(run.result):
        from mechgui.app.sweep.figure import save_png

        save_png(run.result, args.plot, guides=guides)
    if interrupted:
        print(f"interrupted: {run.done} of {sweep.total} runs done", file=sys.stderr)
        return 130
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
    from mechgui.workspace.format import WorkspaceError

    try:
        if argv and argv[0] == "run":
            return run_headless(argv[1:])
        if argv and argv[0] == "sweep":
            return run_sweep(argv[1:])
        return run_gui(argv)
    except (UsageError, ParameterError, WorkspaceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug: one line here, the details in the log
        return _report_bug(exc)


def _report_bug(error: Exception) -> int:
    """An error mechgui did not expect: one line on standard error, the traceback in the
    log file (no traceback in a user's terminal); exit status 1."""
    import traceback

    from mechgui.logfile import log_bug

    summary = f"{type(error).__name__}: {error}"
    path = log_bug(f"command line: {summary}", "".join(traceback.format_exception(error)))
    where = f"the details are in {path}" if path else "the details could not be logged"
    print(f"error: mechgui met an error it did not expect ({summary}); {where}",
          file=sys.stderr)
    return 1
