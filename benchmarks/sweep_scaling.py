"""How a sweep scales: 2 local worker processes against 1, and a Dask local cluster.

The runs are SOM trainings of about 0.2 s each (the number of epochs is calibrated on
this machine first), so the figure is about the runs, not the per-run overhead.  Every
sweep is timed whole (its worker processes' start included, as a user waits for it) and
in its steady part (from its first result to its last: runs per second once every worker
is busy).  The Dask cluster (``LocalCluster(processes=True, n_workers=2,
threads_per_worker=1)``) is started, and warmed with a small sweep, before it is timed.

Usage::

    python benchmarks/sweep_scaling.py [--runs 40] [--seconds 0.2] [--repeat 2]

Prints each configuration's median times, the speed-up of 2 local workers over 1 (the
target on a 2-core machine is 1.7× or better), and Dask's time against the pool's.  It
first measures what the machine gives now: two pure-Python loops in two processes against
one (2× on two idle cores; less while other programs hold a core, and no sweep can beat it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mechgui.explore import build_sweep, cores, run_one, start_dask, start_local
from mechgui.explore.spec import Sweep

HELD = {"rows": 10, "cols": 10, "points": 500}


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def capacity(n: int = 10_000_000) -> float:
    """How many cores' worth two processes get now: two loops at once against one."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [10, 10])  # started
        start = time.perf_counter()
        pool.map(_burn, [n])
        one = time.perf_counter() - start
        start = time.perf_counter()
        pool.map(_burn, [n, n], chunksize=1)
        two = time.perf_counter() - start
    return 2 * one / two


def calibrate(seconds: float) -> int:
    """Epochs for one SOM run of about ``seconds`` here (after the kernels are loaded)."""
    def one(epochs: int) -> float:
        sweep = build_sweep("som", sets={**HELD, "epochs": epochs}, vary=["learning_rate=0.5"])
        start = time.perf_counter()
        run_one(sweep.run((0,), 0))
        return time.perf_counter() - start

    one(2)  # the compiled kernels, once
    epochs = 20
    for _ in range(3):
        took = statistics.median(one(epochs) for _ in range(3))
        epochs = max(1, round(epochs * seconds / took))
    return epochs


def timed(start_run) -> tuple[float, float, int]:
    """(whole seconds, steady runs per second, runs) of one sweep run to its end."""
    begin = time.perf_counter()
    run = start_run()
    first = None
    while not run.finished:
        rows = run.poll(0.02)
        if rows and first is None:
            first = (time.perf_counter(), run.done)
    end = time.perf_counter()
    run.close()
    steady = (run.done - first[1]) / (end - first[0]) if first and end > first[0] else float("nan")
    return end - begin, steady, run.done


def report(name: str, results: list[tuple[float, float, int]]) -> tuple[float, float]:
    whole = statistics.median(r[0] for r in results)
    steady = statistics.median(r[1] for r in results)
    print(f"{name:<28} {whole:7.2f} s whole   {steady:6.2f} runs/s steady   "
          f"({results[0][2]} runs, {len(results)} timings)")
    return whole, steady


def sweep_of(runs: int, epochs: int, seed: int) -> Sweep:
    return build_sweep("som", sets={**HELD, "epochs": epochs},
                       vary=[f"learning_rate=0.1:0.9:{runs // 2}"], repeats=2, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs per sweep (even)")
    parser.add_argument("--seconds", type=float, default=0.2, help="seconds per run")
    parser.add_argument("--repeat", type=int, default=2, help="timings per configuration")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask cluster")
    args = parser.parse_args(argv)
    print(f"parallel capacity now: {capacity():.2f}× (two busy processes against one)")
    epochs = calibrate(args.seconds)
    sweep = sweep_of(args.runs, epochs, 0)
    start = time.perf_counter()
    run_one(sweep.run((0,), 0))
    per_run = time.perf_counter() - start
    print(f"{cores()} cores; SOM 10×10 over 500 points, {epochs} epochs: {per_run:.3f} s per run "
          f"in this process")
    one = report("local pool, 1 worker", [timed(lambda: start_local(sweep, 1))
                                           for _ in range(args.repeat)])
    two = report("local pool, 2 workers", [timed(lambda: start_local(sweep, 2))
                                            for _ in range(args.repeat)])
    print(f"speed-up of 2 workers over 1: {one[0] / two[0]:.2f}× whole, "
          f"{two[1] / one[1]:.2f}× steady (target ≥ 1.7×; parallel capacity after: "
          f"{capacity():.2f}×)")
    if args.no_dask:
        return 0
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("Dask is not installed (pip install 'mechgui[dask]'): no cluster timing")
        return 0
    begin = time.perf_counter()
    with LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        timed(lambda: start_dask(sweep_of(4, 2, 1), client))  # workers import, kernels load
        print(f"Dask LocalCluster started and warmed in {time.perf_counter() - begin:.2f} s")
        dask = report("Dask LocalCluster, 2 workers", [timed(lambda: start_dask(sweep, client))
                                                        for _ in range(args.repeat)])
    print(f"Dask against the 2-worker pool: {two[0] / dask[0]:.2f}× whole (a warm cluster "
          f"against a pool that starts its processes), {dask[1] / two[1]:.2f}× steady")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
