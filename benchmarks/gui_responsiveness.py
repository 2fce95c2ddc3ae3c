"""How smooth is a tab while its engine runs flat out?

For one tab and preset, this runs the engine at full speed for a few seconds
inside the real window and prints

* frames drawn per second,
* the longest stall of the GUI event loop (a 10 ms timer measures the gaps),
* engine steps per second while the panel draws, and the same engine alone
  (headless, same process, same parameters) as the reference, with their ratio.

    python benchmarks/gui_responsiveness.py --tab maxnet --preset close-call
    python benchmarks/gui_responsiveness.py --tab som --preset square-hexagonal --set rows=30 --set cols=30
    python benchmarks/gui_responsiveness.py --tab gan --preset ring-8

With ``--hover`` it measures instead the frames drawn per second while the mouse moves
over the tab's first plot (the read-out under it written in the status line) against the
same without the mouse, in alternating rounds of the same run:

    python benchmarks/gui_responsiveness.py --tab som --preset square-10x10 --hover

Offscreen by default (set QT_QPA_PLATFORM to use a real screen).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QPoint, QTimer  # noqa: E402  (Qt first, then pyqtgraph)
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mechgui.app import MainWindow  # noqa: E402
from mechgui.app.runner import MAX_SPEED  # noqa: E402
from mechgui.engine import create, load_preset, model_class  # noqa: E402


def _wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _changes(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        out[key] = value
    return out


class Reference:
    """The engine alone (no window), stepped in chunks like the engine thread's: the
    reference the window's figures are compared with.

    ``call_seconds``: a chunk grows until one call takes at least this long.  With
    ``snapshot_every`` (seconds) a snapshot is taken after each such slice, as the
    engine thread does for its frames.
    """

    def __init__(self, model: str, params, seed, warmup: int = 10,
                 snapshot_every: float | None = None, call_seconds: float = 0.001) -> None:
        self.sim = create(model, seed=seed, **params.to_dict())
        self.sim.step(warmup)  # warm up (numba compile or cache load, torch first call)
        self.snapshot_every = snapshot_every
        self.call_seconds = call_seconds
        self.chunk = 1
        self.steps = 0
        self.seconds = 0.0

    def run(self, seconds: float) -> float:
        """Step for ``seconds``; the steps per second of this run."""
        sim, steps = self.sim, 0
        start = slice_start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            if sim.done:
                sim.reset()
            t0 = time.perf_counter()
            steps += sim.step(self.chunk)
            if time.perf_counter() - t0 < self.call_seconds:
                self.chunk = min(self.chunk * 2, 1 << 16)
            if (self.snapshot_every is not None
                    and time.perf_counter() - slice_start >= self.snapshot_every):
                sim.snapshot()
                slice_start = time.perf_counter()
        elapsed = time.perf_counter() - start
        self.steps += steps
        self.seconds += elapsed
        return steps / elapsed

    @property
    def steps_per_s(self) -> float:
        return self.steps / self.seconds if self.seconds else float("nan")


def headless(model: str, params, seed, seconds: float, warmup: int = 10,
             snapshot_every: float | None = None) -> float:
    """Engine steps per second without any window (see :class:`Reference`)."""
    return Reference(model, params, seed, warmup, snapshot_every).run(seconds)


def in_window(tab: str, preset: str | None, changes: dict[str, Any], seconds: float,
              lecture: bool,
              size: tuple[int, int] = (1400, 860), rounds: int = 1,
              reference_call_seconds: float = 0.001) -> dict[str, Any]:
    """Run ``tab`` flat out in the window for ``seconds``; frames/s, event-loop gaps,
    render() times and engine steps/s.

    With ``rounds`` > 1 the time is cut into that many rounds, and after each the tab
    pauses while the engine alone (a :class:`Reference`, same parameters and seed, on
    the GUI thread, chunks growing to ``reference_call_seconds`` a call) runs as long:
    the machine's ups and downs then weigh on both figures alike.  ``reference_steps_per_s``
    and ``shares`` (window/alone, per round) come back too.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(restore=False, lecture=lecture)
    window.resize(*size)
    window.show()
    panel = window.show_tab(tab)
    if preset:
        panel.load_preset(preset)
    if changes:
        if not panel.submit_params(**changes):
            raise SystemExit(panel.message.text())
    deadline = time.perf_counter() + 60
    while panel.snapshot is None and time.perf_counter() < deadline:
        _wait(100)  # the first snapshot (torch's import and first call, for the GAN)
    reference = None
    if rounds > 1:
        seed = load_preset(tab, preset).seed if preset else None
        reference = Reference(tab, panel.form.params, seed,
                              call_seconds=reference_call_seconds)
    panel.set_speed(MAX_SPEED)
    panel.play()
    _wait(1000)  # warm-up: compile, first frames
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    render = panel.render
    costs: list[float] = []

    def timed_render(snap) -> None:
        t0 = time.perf_counter()
        render(snap)
        costs.append(time.perf_counter() - t0)

    panel.render = timed_render
    timer = QTimer()
    timer.timeout.connect(tick)
    steps = frames = 0
    elapsed = 0.0
    shares: list[float] = []
    for round_ in range(rounds):
        frames0, step0 = panel.frames_drawn, panel.snapshot["step"]
        restarts = 0
        start = time.perf_counter()
        last[0] = start
        timer.start(10)
        while time.perf_counter() - start < seconds / rounds:
            _wait(100)
            if panel.snapshot["done"]:  # keep it running for the whole measurement
                restarts += panel.snapshot["step"] - step0
                step0 = 0
                panel.reset()
                panel.play()
        timer.stop()
        took = time.perf_counter() - start
        done_here = restarts + panel.snapshot["step"] - step0
        steps += done_here
        frames += panel.frames_drawn - frames0
        elapsed += took
        if reference is not None:
            panel.pause()
            _wait(200)  # the pause reaches the engine thread, the last frame is drawn
            shares.append(done_here / took / reference.run(seconds / rounds))
            if round_ < rounds - 1:
                panel.play()
                _wait(300)  # frames flowing again
    params = panel.form.params
    window.close()
    app.processEvents()
    result = {"fps": frames / elapsed, "elapsed": elapsed, "max_gap_ms": max(gaps) * 1000,
              "median_gap_ms": statistics.median(gaps) * 1000,
              "gaps_over_50ms": sum(g > 0.05 for g in gaps),
              "render_mean_ms": 1000 * statistics.fmean(costs) if costs else 0.0,
              "render_max_ms": 1000 * max(costs, default=0.0),
              "steps_per_s": steps / elapsed, "params": params}
    if reference is not None:
        result["reference_steps_per_s"] = reference.steps_per_s
        result["shares"] = shares
    return result


class MouseMover:
    """Moves the mouse round and round over a plot's canvas, an event every ``every_ms``
    (a hand on a mouse gives about a hundred a second)."""

    def __init__(self, plot, every_ms: int = 8) -> None:
        self.view = plot.scene().views()[0]
        self.rect = self.view.mapFromScene(plot.getViewBox().sceneBoundingRect()).boundingRect()
        self.moves = 0
        self.timer = QTimer()
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.move)

    def move(self) -> None:
        t = self.moves * 0.05
        r = self.rect
        x = r.center().x() + 0.4 * r.width() * math.cos(t)
        y = r.center().y() + 0.4 * r.height() * math.sin(1.3 * t)
        QTest.mouseMove(self.view.viewport(), QPoint(int(x), int(y)))
        self.moves += 1


def hover_comparison(tab: str, preset: str | None, changes: dict[str, Any], seconds: float,
                     lecture: bool, rounds: int = 8,
                     size: tuple[int, int] = (1400, 860)) -> dict[str, Any]:
    """Frames drawn per second (and the GUI thread's CPU time per frame) with the mouse
    moving over the tab's first plot against without, in ``rounds`` rounds of ``seconds``/``rounds`` each, alternating in pairs
    (without, with, with, without, …) so that a machine whose speed drifts weighs on both
    alike."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(restore=False, lecture=lecture)
    window.resize(*size)
    window.show()
    panel = window.show_tab(tab)
    if preset:
        panel.load_preset(preset)
    if changes and not panel.submit_params(**changes):
        raise SystemExit(panel.message.text())
    deadline = time.perf_counter() + 60
    while panel.snapshot is None and time.perf_counter() < deadline:
        _wait(100)
    mover = MouseMover(next(plot for plot in panel.plots()
                            if plot.scene() is not None and plot.isVisible()))
    panel.set_speed(MAX_SPEED)
    panel.play()
    _wait(2000)  # warm-up: compile, first frames
    rates: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}  # GUI thread's CPU s per frame
    moves = readouts = 0
    for round_ in range(rounds):
        hovering = round_ % 4 in (1, 2)
        if hovering:
            mover.timer.start()
        frames0, moves0 = panel.frames_drawn, mover.moves
        written0 = panel.explain.readouts_written if panel.explain is not None else 0
        start, cpu0 = time.perf_counter(), time.thread_time()
        while time.perf_counter() - start < seconds / rounds:
            _wait(100)
            if panel.snapshot["done"]:  # keep it running for the whole measurement
                panel.reset()
                panel.play()
        took, used = time.perf_counter() - start, time.thread_time() - cpu0
        mover.timer.stop()
        frames = panel.frames_drawn - frames0
        rates[hovering].append(frames / took)
        cpu[hovering].append(used / max(frames, 1))
        if hovering:
            moves += mover.moves - moves0
            if panel.explain is not None:
                readouts += panel.explain.readouts_written - written0
        _wait(150)  # the last mouse events handled
    window.close()
    app.processEvents()
    still, moving = statistics.fmean(rates[False]), statistics.fmean(rates[True])
    hover_seconds = seconds / rounds * len(rates[True])
    return {"fps_still": still, "fps_hover": moving, "ratio": moving / still,
            "moves_per_s": moves / hover_seconds, "readouts_per_s": readouts / hover_seconds,
            "rounds_still": rates[False], "rounds_hover": rates[True],
            "cpu_ms_per_frame_still": 1000 * statistics.fmean(cpu[False]),
            "cpu_ms_per_frame_hover": 1000 * statistics.fmean(cpu[True])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tab", default="maxnet")
    parser.add_argument("--preset")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--lecture", action="store_true")
    parser.add_argument("--hover", action="store_true",
                        help="frames/s with the mouse moving over a plot against without")
    args = parser.parse_args()
    model_class(args.tab)  # a clear error for an unknown tab
    if args.hover:
        out = hover_comparison(args.tab, args.preset, _changes(args.set), args.seconds,
                               args.lecture)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"{args.tab} {args.preset or ''} {' '.join(args.set)} (load average {load:.2f})")
        print(f"  frames drawn, mouse still    : {out['fps_still']:8.1f} /s  "
              f"(rounds: {', '.join(f'{r:.1f}' for r in out['rounds_still'])})")
        print(f"  frames drawn, mouse moving   : {out['fps_hover']:8.1f} /s  "
              f"(rounds: {', '.join(f'{r:.1f}' for r in out['rounds_hover'])})")
        print(f"  moving / still               : {out['ratio']:8.2f}")
        print(f"  mouse moves, read-outs       : {out['moves_per_s']:6.0f} /s, "
              f"{out['readouts_per_s']:.0f} /s")
        print(f"  GUI thread's CPU per frame   : still {out['cpu_ms_per_frame_still']:.1f} ms, "
              f"moving {out['cpu_ms_per_frame_hover']:.1f} ms")
        return
    seed = load_preset(args.tab, args.preset).seed if args.preset else None
    gui = in_window(args.tab, args.preset, _changes(args.set), args.seconds, args.lecture)
    alone = headless(args.tab, gui["params"], seed, args.seconds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.tab} {args.preset or ''} {' '.join(args.set)} (load average {load:.2f})")
    print(f"  frames drawn          : {gui['fps']:8.1f} /s")
    print(f"  GUI event-loop gaps   : median {gui['median_gap_ms']:.0f} ms, longest {gui['max_gap_ms']:.0f} ms"
          f" (10 ms timer)")
    print(f"  engine, window drawing: {gui['steps_per_s']:12,.0f} steps/s")
    print(f"  engine alone          : {alone:12,.0f} steps/s")
    print(f"  with window / alone   : {gui['steps_per_s'] / alone:8.2f}")


if __name__ == "__main__":
    main()
