"""Throughput of mechgui's SOM against MiniSom's ``train_random``, on the same data.

Both train a 20×20 map on the same 2-D points (uniform on the unit square) for
the same number of samples, with a Gaussian neighbourhood starting at σ = R = 5
and learning rate 0.5.  MiniSom decays both as x/(1 + t/(T/2)) (its default);
mechgui reduces them per epoch: R geometrically to 0.5, α linearly to 0.01.
The first-use compile of mechgui's numba kernels is timed separately (it is
cached on disk, so later runs of the program skip most of it).

Usage::

    python benchmarks/som_throughput.py [--points 2000] [--epochs 25] [--rows 20] [--cols 20]

Prints samples per second of each, their ratio, both quantization errors, and
mechgui's rate when driven the way the GUI drives it (``step(n)`` slices of
about 12 ms, with a snapshot after each).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mechgui.engine import create  # noqa: E402


def mechgui_som(args: argparse.Namespace, seed: int):
    return create("som", seed=seed, dataset="uniform-square", points=args.points, data_seed=0,
                  rows=args.rows, cols=args.cols, topology="rectangular", neighborhood="gaussian",
                  radius=5, radius_decay="geometric", radius_final=0.5, learning_rate=0.5,
                  learning_rate_decay="linear", learning_rate_final=0.01, epochs=args.epochs,
                  order="shuffled", init="random")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    samples = args.points * args.epochs

    # first use: numba import and compile (cached after the first run of the program)
    start = time.perf_counter()
    warm = mechgui_som(args, args.seed)
    warm.step(args.points + 1)
    first_use = time.perf_counter() - start

    som = mechgui_som(args, args.seed)
    data = np.array(som.data)
    start = time.perf_counter()
    som.step(samples)
    ours_s = time.perf_counter() - start
    assert som.done and som.step_count == samples
    ours_rate = samples / ours_s
    ours_qe = som.snapshot()["quantization_error"]

    # the GUI's way: slices of about 12 ms, a snapshot after each
    gui = mechgui_som(args, args.seed)
    chunk = max(1, int(ours_rate * 0.012))
    start = time.perf_counter()
    while not gui.done:
        gui.step(chunk)
        gui.snapshot()
    gui_rate = samples / (time.perf_counter() - start)

    try:
        from minisom import MiniSom
    except ImportError:
        print("MiniSom is not installed (pip install minisom): mechgui only")
        print(f"mechgui: {ours_rate:,.0f} samples/s, quantization error {ours_qe:.5f}")
        return 0
    theirs = MiniSom(args.rows, args.cols, 2, sigma=5, learning_rate=0.5,
                     neighborhood_function="gaussian", topology="rectangular",
                     random_seed=args.seed)
    theirs.random_weights_init(data)
    start = time.perf_counter()
    theirs.train_random(data, samples)
    theirs_s = time.perf_counter() - start
    theirs_rate = samples / theirs_s
    theirs_qe = theirs.quantization_error(data)

    print(f"SOM {args.rows}x{args.cols}, {args.points} 2-D points, {samples:,} samples "
          f"({args.epochs} epochs)")
    print(f"mechgui first use (numba import + compile or cache load): {first_use:.2f} s")
    print(f"mechgui : {ours_rate:12,.0f} samples/s  ({ours_s:.3f} s)  quantization error {ours_qe:.5f}")
    print(f"  in ~12 ms GUI slices of {chunk} samples + snapshot: {gui_rate:,.0f} samples/s")
    print(f"MiniSom : {theirs_rate:12,.0f} samples/s  ({theirs_s:.3f} s)  quantization error {theirs_qe:.5f}")
    ratio = ours_rate / theirs_rate
    print(f"speed ratio mechgui/MiniSom: {ratio:.1f}x (target >= 10x)")
    print(f"quantization error mechgui/MiniSom: {ours_qe / theirs_qe:.3f} (target <= 1.10)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
