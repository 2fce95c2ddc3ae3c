"""Parameter exploration: sweeps over one or two parameters, run in parallel (no Qt).

``spec``     what a sweep is (:func:`build_sweep`), its axes and its runs' seeds
``inputs``   inputs drawn afresh for each run (MaxNet's random inputs, the noisy letters)
``task``     one run, as a worker process carries it out
``runner``   a sweep in flight on local processes or a Dask cluster (:class:`SweepRun`)
``results``  the rows, summaries over repeats, CSV / JSON / table
``presets``  sweeps that answer the course's questions (``resources/sweeps/``)

>>> from mechgui.explore import build_sweep, start_local
>>> sweep = build_sweep("maxnet", sets={"m": 4}, vary=["epsilon=0.05:0.45:5"], repeats=2)
>>> with start_local(sweep, workers=2) as run:           # doctest: +SKIP
...     result = run.wait()
"""

from .presets import SweepPreset, load_sweep_preset, sweep_presets
from .results import Row, Summary, SweepResult
from .runner import RunFailed, SweepRun, cores, start_dask, start_local
from .spec import Axis, Sweep, build_sweep, derive_seed, parse_vary
from .task import Run, run_one

__all__ = ["Axis", "Row", "Run", "RunFailed", "Summary", "Sweep", "SweepPreset", "SweepResult",
           "SweepRun", "build_sweep", "cores", "derive_seed", "load_sweep_preset", "parse_vary",
           "run_one", "start_dask", "start_local", "sweep_presets"]
