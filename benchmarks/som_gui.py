"""Smoothness of the Kohonen SOM panel: a 30×30 hexagonal map at full engine speed.

Opens the main window (offscreen unless QT_QPA_PLATFORM is set), loads a 30×30
hexagonal map on 500 points uniform on the unit square, plays it at max speed
for ``--seconds`` (after a short warm-up that compiles the numba kernels), and
prints: frames drawn per second, the longest gap between ticks of a 10 ms
QTimer on the GUI thread (an event-loop stall), the mean time of one
``render``, and engine samples per second with the panel drawing; then the
engine alone (same parameters, same process, ``step(n)`` slices of about
12 ms) for the same time.

Usage::

    python benchmarks/som_gui.py [--seconds 5] [--rows 30] [--cols 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin(app: QApplication, seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--cols", type=int, default=30)
    parser.add_argument("--lecture", action="store_true")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv)
    from mechgui.app import MainWindow
    from mechgui.app.launch import settle_heap
    from mechgui.app.runner import MAX_SPEED

    changes = dict(rows=args.rows, cols=args.cols, topology="hexagonal", epochs=100_000,
                   radius=max(args.rows, args.cols) / 2)
    window = MainWindow(restore=False, lecture=args.lecture)
    window.resize(1280, 800)
    window.show()
    settle_heap()  # as the app does after start-up
    panel = window.show_tab("som")
    panel.load_preset("square-hexagonal")
    assert panel.submit_params(**changes), panel.message.text()
    panel.set_speed(MAX_SPEED)
    panel.play()
    spin(app, 1.5)  # warm-up: numba compile, first frames

    # measure: frames, steps, event-loop gaps, render time
    render = panel.render
    costs: list[float] = []

    def timed(snap):
        t0 = time.perf_counter()
        render(snap)
        costs.append(time.perf_counter() - t0)

    panel.render = timed
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    frames0, step0 = panel.frames_drawn, panel.snapshot["step"]
    start = time.perf_counter()
    last[0] = start
    timer.start()
    spin(app, args.seconds)
    timer.stop()
    elapsed = time.perf_counter() - start
    frames = panel.frames_drawn - frames0
    steps = panel.snapshot["step"] - step0
    panel.pause()
    spin(app, 0.1)
    params = panel.form.params
    window.close()
    panel.shutdown()
    window.shutdown()

    # the engine alone, driven like the runner does (slices of ~12 ms, a snapshot after each)
    from mechgui.engine.som import SOM

    som = SOM(params, seed=1)
    som.step(2000)
    chunk, taken = 64, 0
    t_end = time.perf_counter() + args.seconds
    t0 = time.perf_counter()
    while time.perf_counter() < t_end:
        s0 = time.perf_counter()
        while time.perf_counter() - s0 < 0.012:
            a = time.perf_counter()
            taken += som.step(chunk)
            dt = time.perf_counter() - a
            if dt < 0.0005:
                chunk *= 2
            elif dt > 0.004 and chunk > 1:
                chunk //= 2
        som.snapshot()
    alone = taken / (time.perf_counter() - t0)

    print(f"map {args.rows}x{args.cols} hexagonal, 500 points, max speed, "
          f"{elapsed:.1f} s measured{' (lecture mode)' if args.lecture else ''}")
    print(f"frames drawn:            {frames / elapsed:6.1f} /s")
    print(f"render() per frame:      mean {1000 * sum(costs) / max(1, len(costs)):.1f} ms, "
          f"max {1000 * max(costs, default=0):.1f} ms")
    print(f"longest event-loop gap:  {1000 * max(gaps, default=0):6.1f} ms "
          f"(10 ms timer; {sum(g > 0.05 for g in gaps)} gaps > 50 ms)")
    print(f"engine with panel:       {steps / elapsed:10.0f} samples/s")
    print(f"engine alone (headless): {alone:10.0f} samples/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
