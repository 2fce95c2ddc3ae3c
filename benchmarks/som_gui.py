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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gui_responsiveness import headless, in_window  # noqa: E402  (sets up Qt offscreen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--cols", type=int, default=30)
    parser.add_argument("--lecture", action="store_true")
    args = parser.parse_args(argv)

    changes = dict(rows=args.rows, cols=args.cols, topology="hexagonal", epochs=100_000,
                   radius=max(args.rows, args.cols) / 2)
    gui = in_window("som", "square-hexagonal", changes, args.seconds, args.lecture,
                    size=(1280, 800))
    # the engine alone, driven like the runner does (slices of ~12 ms, a snapshot after each)
    alone = headless("som", gui["params"], 1, args.seconds, warmup=2000, snapshot_every=0.012)

    print(f"map {args.rows}x{args.cols} hexagonal, 500 points, max speed, "
          f"{gui['elapsed']:.1f} s measured{' (lecture mode)' if args.lecture else ''}")
    print(f"frames drawn:            {gui['fps']:6.1f} /s")
    print(f"render() per frame:      mean {gui['render_mean_ms']:.1f} ms, "
          f"max {gui['render_max_ms']:.1f} ms")
    print(f"longest event-loop gap:  {gui['max_gap_ms']:6.1f} ms "
          f"(10 ms timer; {gui['gaps_over_50ms']} gaps > 50 ms)")
    print(f"engine with panel:       {gui['steps_per_s']:10.0f} samples/s")
    print(f"engine alone (headless): {alone:10.0f} samples/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
