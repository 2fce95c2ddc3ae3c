"""GAN training throughput (iterations per second), headless and with the panel drawing.

    python benchmarks/gan_throughput.py [--steps N] [--toy-steps N] [--gui-seconds S]

Measures
* the 2-D default (ring of 8; 2 hidden layers of 64, batch 256, k = 1) —
  target ≥ 500 iterations/s on a 2-core machine;
* the toy-GAN report's 1-D toy (preset ``gaussian-1d-toy``), 10,000 iterations —
  target ≤ 7.5 s (the report took under 15 s);
* the 2-D default again inside the window, the GAN tab drawing its frames, in
  the same run: frames per second, the longest stall of the GUI's event loop
  and the iterations per second as a share of the headless figure — target
  ≥ 30 frames/s with the GUI costing ≤ 20 % (``--gui-seconds 0`` skips it).
  The window's time is cut into ``--rounds`` rounds, each followed by as long a
  run of the same model alone (the tab paused), so that a machine whose speed
  drifts (a shared virtual machine) weighs on both figures alike.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mechgui.engine import create, load_preset  # noqa: E402


def headless(model_params: dict[str, Any], steps: int, *, seed: int = 0, warmup: int = 20) -> float:
    """Iterations per second of ``steps`` GAN iterations without frames (after a short warm-up)."""
    sim = create("gan", seed=seed, **model_params)
    sim.step(warmup)
    start = time.perf_counter()
    taken = sim.step(steps)
    elapsed = time.perf_counter() - start
    if taken != steps:
        raise RuntimeError(f"stopped after {taken} of {steps} steps: {sim.status}")
    return steps / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000, help="iterations of the 2-D default")
    parser.add_argument("--toy-steps", type=int, default=10_000, help="iterations of the 1-D toy")
    parser.add_argument("--gui-seconds", type=float, default=10.0,
                        help="seconds of the measurement with the window drawing (0: skip)")
    parser.add_argument("--rounds", type=int, default=10,
                        help="rounds of window then headless in that measurement")
    args = parser.parse_args(argv)

    import torch

    from mechgui.engine.gan import use_training_threads

    use_training_threads()  # as the CLI and the window do
    print(f"torch {torch.__version__}, cores {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    rate = headless({}, args.steps)
    print(f"torch threads used by the engine: {torch.get_num_threads()}")
    verdict = "ok" if rate >= 500 else "BELOW TARGET"
    print(f"2-D default (ring-8, 2x64, batch 256, k=1): {rate:8.1f} it/s   target >= 500   {verdict}")

    toy = load_preset("gan", "gaussian-1d-toy")
    toy_rate = headless(dict(toy.params), args.toy_steps, seed=toy.seed or 0)
    seconds = args.toy_steps / toy_rate
    verdict = "ok" if seconds <= 7.5 * args.toy_steps / 10_000 else "BELOW TARGET"
    print(f"1-D toy (the toy-GAN report), {args.toy_steps} iterations: {seconds:6.2f} s "
          f"({toy_rate:.1f} it/s)   target <= 7.5 s per 10,000   {verdict}")

    if args.gui_seconds > 0:
        from gui_responsiveness import in_window  # the window, offscreen

        gui = in_window("gan", "ring-8", {}, args.gui_seconds, lecture=False,
                        rounds=max(2, args.rounds), reference_call_seconds=0.05)
        alone = gui["reference_steps_per_s"]
        share = gui["steps_per_s"] / alone
        verdict = "ok" if gui["fps"] >= 30 and share >= 0.8 else "BELOW TARGET"
        print(f"2-D default with the GAN tab drawing: {gui['fps']:5.1f} frames/s, longest "
              f"event-loop stall {gui['max_gap_ms']:.0f} ms, {gui['steps_per_s']:.1f} it/s = "
              f"{share:.0%} of headless ({alone:.1f} it/s, in alternating rounds)   "
              f"target >= 30 frames/s at >= 80 %   {verdict}")
        print("  window/headless by round: " + ", ".join(f"{r:.2f}" for r in gui["shares"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
