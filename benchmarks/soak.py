"""Does any tab leak?  Each tab runs at full speed, drawing, for N minutes.

One window, one tab after the other: the tab is set up for a long run (below), played at
full speed and started again whenever its run ends.  Resident memory is read after the
first minute (once caches, pools and histories have filled) and at the end; the growth
between the two is the tab's.  Target: at most 50 MB a tab.

    python benchmarks/soak.py                 # 10 minutes a tab (about an hour)
    python benchmarks/soak.py --minutes 2 --tabs som,gan

Offscreen by default (set QT_QPA_PLATFORM to use a real screen).  Linux (reads /proc).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402  (Qt first, then pyqtgraph)
from PySide6.QtWidgets import QApplication  # noqa: E402

from mechgui.app import MainWindow  # noqa: E402
from mechgui.app.runner import MAX_SPEED  # noqa: E402

#: Growth allowed per tab between the first minute and the end (MB).
TARGET_MB = 50.0

_rng = np.random.default_rng(0)
#: Per tab: a preset, then changes that make a long run, and what that is in words.
RUNS: dict[str, tuple[str, dict[str, Any], str]] = {
    "maxnet": ("close-call", {"activations": np.round(_rng.random(1000), 6), "epsilon": 1e-6,
                              "max_steps": 10_000_000}, "1000 nodes, ε = 1e-6"),
    "mexican_hat": ("single-bump", {"signal": np.round(_rng.random(200), 3), "c1": 0.33,
                                    "c2": -0.005, "x_max": 100.0, "t_max": 10_000},
                    "200 units, t_max = 10,000"),
    "hamming": ("letters-noisy", {}, "letters, again and again"),
    "som": ("square-10x10", {"epochs": 1_000_000}, "10×10 map, a million epochs"),
    "gan": ("ring-8", {}, "ring of 8, no end"),
}


def resident_mb() -> float:
    """The process's resident memory now (MB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def soak(window: MainWindow, tab: str, seconds: float, warmup: float) -> dict[str, Any]:
    """Run ``tab`` flat out for ``seconds``; its memory after ``warmup`` and at the end."""
    preset, changes, words = RUNS[tab]
    panel = window.show_tab(tab)
    began = time.monotonic()
    while not panel.runner.is_ready and time.monotonic() - began < 120:
        wait(50)
    panel.load_preset(preset)
    if changes and not panel.submit_params(**changes):
        raise SystemExit(f"{tab}: {panel.message.text()}")
    panel.set_speed(MAX_SPEED)
    wait(500)
    panel.play()
    runs = 1

    def again() -> None:  # a run that ended starts over, at once
        nonlocal runs
        snap = panel.snapshot
        if snap is not None and snap["done"] and not panel.runner.playing:
            panel.reset()
            panel.play()
            runs += 1

    timer = QTimer()
    timer.timeout.connect(again)
    timer.start(100)
    start, frames0 = time.monotonic(), panel.frames_drawn
    wait(int(warmup * 1000))
    first = resident_mb()
    wait(int((seconds - warmup) * 1000))
    end = resident_mb()
    elapsed = time.monotonic() - start
    timer.stop()
    panel.pause()
    wait(300)
    errors = len(panel.render_errors) + len(panel.runner.errors)
    return {"tab": tab, "run": words, "runs": runs, "fps": (panel.frames_drawn - frames0) / elapsed,
            "first": first, "end": end, "growth": end - first, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="per tab (default 10)")
    parser.add_argument("--tabs", default=",".join(RUNS), help="comma-separated tab names")
    args = parser.parse_args(argv)
    tabs = [t.strip() for t in args.tabs.split(",") if t.strip()]
    unknown = [t for t in tabs if t not in RUNS]
    if unknown or args.minutes <= 0:
        parser.error(f"unknown tabs {unknown}" if unknown else "--minutes must be > 0")
    seconds = args.minutes * 60
    warmup = min(60.0, seconds / 2)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    wait(500)
    print(f"{args.minutes:g} min a tab, memory read after {warmup:.0f} s and at the end; "
          f"target: growth ≤ {TARGET_MB:g} MB a tab; at start {resident_mb():.0f} MB", flush=True)
    header = f"{'tab':<12} {'run':<28} {'runs':>5} {'frames/s':>8} {'RSS first':>10} " \
             f"{'RSS end':>8} {'growth':>8}"
    print(header)
    print("-" * len(header), flush=True)
    worst = 0.0
    failed = False
    for tab in tabs:
        r = soak(window, tab, seconds, warmup)
        verdict = "ok" if r["growth"] <= TARGET_MB else "OVER TARGET"
        if r["errors"]:
            verdict += f", {r['errors']} errors"
        failed |= r["growth"] > TARGET_MB or bool(r["errors"])
        worst = max(worst, r["growth"])
        print(f"{r['tab']:<12} {r['run']:<28} {r['runs']:>5} {r['fps']:>8.1f} "
              f"{r['first']:>7.0f} MB {r['end']:>5.0f} MB {r['growth']:>+5.1f} MB  {verdict}",
              flush=True)
    print(f"largest growth {worst:+.1f} MB; at the end {resident_mb():.0f} MB")
    window.close()
    app.processEvents()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
