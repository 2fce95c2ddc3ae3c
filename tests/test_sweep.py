"""Parameter sweeps (mechgui.explore and `mechgui sweep`): the metrics declared per model,
the sweep's checks, the shapes the course's questions expect, the same numbers on 1 or 2
local workers and on a Dask cluster, Cancel and Ctrl-C with no worker left behind."""

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import uuid

import numpy as np
import pytest

from mechgui import engine
from mechgui.cli import main
from mechgui.engine.metrics import find_metric, measure, metrics_for
from mechgui.explore import (
    SweepResult,
    build_sweep,
    derive_seed,
    load_sweep_preset,
    run_one,
    start_dask,
    start_local,
    sweep_presets,
)
from mechgui.explore.task import advance
from terminal import hears_ctrl_c

MODELS_WITH_METRICS = list(engine.MODELS)  # every model declares its metrics


def run_here(sweep):
    """Every run of ``sweep`` in this process, as the workers would run them."""
    result = SweepResult(sweep)
    from mechgui.explore import Row

    for run in sweep.runs():
        result.add(Row(run.index, run.repeat, run.seed, run_one(run)))
    return result


def children():
    """This process's child processes now (a Dask test cluster's among them)."""
    return {p.pid for p in multiprocessing.active_children()}


def no_new_children(before, timeout=10.0):
    """True once no child process is left but those in ``before``."""
    deadline = time.monotonic() + timeout
    while children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    return not children() - before


# -- metrics, declared once ------------------------------------------------------------------
@pytest.mark.parametrize("model", MODELS_WITH_METRICS)
def test_every_model_declares_its_metrics(model):
    metrics = metrics_for(model)
    assert metrics, model
    names = [m.name for m in metrics]
    assert len(set(names)) == len(names)
    for metric in metrics:
        assert metric.label and metric.help and metric.name.isidentifier()
        assert find_metric(model, metric.name) is metric


def test_the_metrics_of_the_worked_examples():
    net = engine.create("maxnet", epsilon=0.2, activations=[0.2, 0.4, 0.6, 0.8])
    net.step(100)
    assert measure(net, metrics_for("maxnet")) == {"steps": 5.0, "status": "converged",
                                                    "largest_won": 1.0}
    hat = engine.create("mexican_hat")
    hat.step(10)  # Example 4.2: x(2) = (0, .4, 1.136, 1.664, 1.136, .4, 0)
    values = measure(hat, metrics_for("mexican_hat"))
    assert values["bump_width"] == 5 and values["bump_height"] == pytest.approx(1.664)
    net = engine.create("hamming")
    net.step(100)  # Example 4.3: winners 0, 0, 1, 1 of two exemplars: inputs 2 and 3 are copies
    assert measure(net, metrics_for("hamming")) == {"recognised": 0.5, "nearest_won": 1.0,
                                                     "failed": 0.0}


def test_a_metric_that_does_not_apply_is_none():
    som = engine.create("som", dataset="fausett-4.4", rows=1, cols=2, topology="none",
                        radius=0, radius_decay="constant", epochs=2, seed=1)
    som.step(100)
    values = measure(som, metrics_for("som"))
    assert values["topographic_error"] is None and values["units_used"] == 2


def test_an_unknown_metric_is_refused():
    with pytest.raises(engine.ParameterError, match="metric=speed is not allowed: expected one of "
                                                    "steps, status, largest_won"):
        find_metric("maxnet", "speed")


def test_art1_categories_grow_with_the_vigilance_and_cp_error_falls_with_units(capsys):
    """The competitive models' metrics answer the chapter's questions as sweeps: the 21
    letters give 7, 10 and 20 categories at ρ = 0.3, 0.6, 0.9; counterpropagation's error
    on y = 1/x falls as cluster units are added."""
    assert main(["sweep", "art1", "--preset", "letters-0.3", "--vary", "vigilance=0.3,0.6,0.9",
                 "--workers", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [row["categories"] for row in rows] == [7, 10, 20]
    assert main(["sweep", "counterpropagation", "--preset", "reciprocal-4",
                 "--vary", "units=4,8,16", "--metric", "error", "--workers", "1",
                 "--json"]) == 0
    errors = [row["error"] for row in json.loads(capsys.readouterr().out)["rows"]]
    assert errors[0] > errors[1] > errors[2]


# -- the sweep's checks ------------------------------------------------------------------------
def test_axes_linear_log_list_and_whole_numbers():
    sweep = build_sweep("som", vary=["learning_rate=0.1:0.5:5", "radius_final=0.01:1:3:log"])
    first, second = sweep.axes
    assert first.values == (0.1, 0.2, 0.3, 0.4, 0.5) and first.scale == "linear"
    assert second.values == pytest.approx((0.01, 0.1, 1.0)) and second.scale == "log"
    assert sweep.shape == (5, 3) and sweep.total == 15
    assert build_sweep("som", vary=["rows=2:10:5"]).axes[0].values == (2, 4, 6, 8, 10)
    topologies = build_sweep("som", vary=["topology=rectangular, hexagonal"]).axes[0]
    assert topologies.values == ("rectangular", "hexagonal") and not topologies.numeric


@pytest.mark.parametrize("vary, sets, fragment", [
    (["speed=1:2:3"], {}, ("speed=1:2:3 is not allowed: unknown parameter; known: epsilon, "
                           "activations, max_steps, m, spread")),
    (["activations=1,2"], {}, ("activations='1,2' is not allowed: a vector or matrix cannot be "
                               "varied")),
    (["epsilon=0:0.5:5"], {}, "epsilon=0 is not allowed: expected a number in (0, 1]"),
    (["epsilon=0.1:0.5:0"], {}, "expected N, the number of values, in [1, 10000]"),
    (["epsilon=0.1:0.5"], {}, "expected KEY=START:STOP:N"),
    (["epsilon=0.1:0.5:5:lin"], {}, "expected KEY=START:STOP:N"),
    (["epsilon"], {}, "vary=epsilon is not allowed"),
    (["max_steps=1:3:5"], {}, "repeat whole numbers"),
    (["epsilon=0.1,0.1"], {}, "expected each value once"),
    (["epsilon=0.1,,0.2"], {}, "none empty"),
    (["epsilon=0.1,0.2", "epsilon=0.3"], {}, "expected each parameter varied once"),
    (["epsilon=0.1,0.2", "m=2,3", "spread=1"], {}, "expected at most 2 parameters"),
    ([], {}, "expected one or two parameters to vary"),
    (["epsilon=0.1,0.2"], {"m": "4", "activations": "1,2"},
     "activations='1,2' is not allowed: drawn for each run from m, spread"),
    (["m=1,2"], {}, "m=1 is not allowed: expected an integer in [2, 100000]"),
])
def test_bad_sweeps_are_refused_with_one_line(vary, sets, fragment):
    with pytest.raises(engine.ParameterError) as caught:
        build_sweep("maxnet", sets=sets, vary=vary)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_a_parameter_that_does_not_apply_is_refused():
    with pytest.raises(engine.ParameterError, match="radius_final=0.1:1:3 is not allowed: does not "
                       "apply here .*radius_decay is constant.*: it applies only when"):
        build_sweep("som", sets={"radius_decay": "constant"}, vary=["radius_final=0.1:1:3"])
    with pytest.raises(engine.ParameterError, match="topology is none"):
        build_sweep("som", sets={"topology": "none"}, vary=["radius=1,2"])
    # a point where another varied parameter switches it off is refused too
    with pytest.raises(engine.ParameterError, match="radius_decay is constant"):
        build_sweep("som", vary=["radius_decay=linear,constant", "radius_final=0.1,1"])
    with pytest.raises(engine.ParameterError, match=r"r2=2 is not allowed: expected an integer "
                                                    r"greater than r1 = 2 \(at r1=2\)"):
        build_sweep("mexican_hat", vary=["r1=0:2:3"])


def test_seeds_depend_on_the_sweep_seed_the_point_and_the_repeat_only():
    a = build_sweep("maxnet", sets={"m": 4}, vary=["epsilon=0.1:0.5:5"], repeats=3, seed=7)
    b = build_sweep("maxnet", sets={"m": 4}, vary=["epsilon=0.3,0.1"], repeats=2, seed=7)
    assert a.seed_of((0,), 1) == b.seed_of((1,), 1)  # ε = 0.1, repeat 1 in both
    seeds = {run.seed for run in a.runs()}
    assert len(seeds) == a.total and all(0 <= s < 2 ** 63 for s in seeds)
    assert derive_seed(8, [("epsilon", "0.1")], 1) != a.seed_of((0,), 1)
    params, seed = a.params_of((2,), 0)
    assert params.epsilon == 0.3 and params.activations.shape == (4,) and seed == a.seed_of((2,), 0)
    assert a.params_of((2,), 0)[0].activations.tolist() == params.activations.tolist()


def test_a_run_replayed_alone_gives_the_metric_of_the_sweep():
    sweep = build_sweep("som", sets={"rows": 4, "cols": 4, "points": 80, "epochs": 3},
                        vary=["learning_rate=0.2,0.6"], repeats=2)
    run = sweep.run((1,), 1)
    in_sweep = run_one(run)
    params, seed = sweep.params_of((1,), 1)
    alone = engine.create("som", seed=seed, **{s.name: getattr(params, s.name)
                                               for s in params.specs()})
    while not alone.done:
        alone.step(37)  # other step sizes than the sweep's: the same run
    assert measure(alone, metrics_for("som")) == in_sweep
    assert advance(engine.create("maxnet", epsilon=0.01, max_steps=10), None) == 10


# -- the course's questions: shapes, not only files ----------------------------------------------
def test_maxnet_finds_the_largest_input_below_one_over_m_and_dies_above():
    m = 4
    sweep = build_sweep("maxnet", sets={"m": m, "spread": 0.5}, vary=["epsilon=0.01:0.5:50"],
                        repeats=12)
    result = run_here(sweep)
    eps = np.array(sweep.axes[0].values)
    converged = result.summary("status", "converged").mean
    all_zero = result.summary("status", "all_zero").mean
    won = result.summary("largest_won").mean
    below = eps < 1 / m
    assert np.all(converged[below] == 1) and np.all(won[below] == 1)
    assert np.all(all_zero[eps < 1 / (m - 1)] == 0)  # the largest input cannot die before
    assert all_zero[~below].max() > 0 and all_zero[-1] >= 0.5
    steps = result.summary("steps").mean
    assert steps[0] > 10 * steps[below][-1]  # a tiny ε settles slowly


def test_som_topographic_error_rises_when_the_radius_shrinks_too_fast():
    sweep = build_sweep("som", sets={"rows": 8, "cols": 8, "points": 300, "epochs": 5},
                        vary=["radius_final=0.01,0.05,0.5,2"], metrics=["topographic_error"],
                        repeats=4)
    te = run_here(sweep).summary("topographic_error").mean
    assert te[0] > te[2] and te[1] > te[3] and te[3] == 0
    assert np.all(np.diff(te) <= 1e-12)


# -- the same numbers everywhere --------------------------------------------------------------
IDENTITY = {"sets": {"rows": 3, "cols": 4, "points": 60, "epochs": 4},
            "vary": ["learning_rate=0.1:0.9:3", "topology=rectangular,hexagonal"], "repeats": 2,
            "seed": 11}


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_one_worker_two_workers_and_dask_give_identical_numbers(dask_client):
    sweep = build_sweep("som", **IDENTITY)
    expected = run_here(sweep).to_json()
    before = children()
    for start in (lambda: start_local(sweep, 1), lambda: start_local(sweep, 2),
                  lambda: start_dask(sweep, dask_client)):
        with start() as run:
            got = run.wait().to_json()
        assert got == expected
    assert no_new_children(before)


def test_the_cli_on_a_dask_scheduler(capsys, dask_client):
    address = dask_client.scheduler.address
    argv = ["sweep", "maxnet", "--set", "m=4", "--vary", "epsilon=0.1,0.4", "--repeats", "2",
            "--json"]
    assert main([*argv, "--scheduler", address]) == 0
    on_dask = json.loads(capsys.readouterr().out)
    assert main([*argv, "--workers", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == on_dask
    assert len(on_dask["rows"]) == 4


# -- streaming, Cancel and Ctrl-C --------------------------------------------------------------
def test_cancel_keeps_what_finished_and_leaves_no_worker():
    sweep = build_sweep("som", sets={"points": 400, "epochs": 300},
                        vary=["learning_rate=0.1:0.9:6"], metrics=["quantization_error"], repeats=2)
    before = children()
    run = start_local(sweep, 2)
    first = []
    deadline = time.monotonic() + 60
    while not first and time.monotonic() < deadline:
        first = run.poll(0.1)
    assert first, "no run finished"
    run.cancel()
    started = time.monotonic()
    while not run.finished:
        run.poll(0.1)
    run.close()
    assert time.monotonic() - started < 10
    assert 0 < run.done < sweep.total and run.cancelled
    assert len(run.result) == run.done and no_new_children(before)


def _marked_processes(mark):
    """PIDs of the processes whose environment carries ``mark``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if mark.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_stops_the_cli_cleanly_with_the_rows_done():
    mark = f"MECHGUI_SWEEP_TEST={uuid.uuid4().hex}"
    env = {**os.environ, mark.split("=")[0]: mark.split("=")[1]}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mechgui", "sweep", "som", "--set", "points=400", "--set",
         "epochs=300", "--vary", "learning_rate=0.1:0.9:8", "--repeats", "3", "--workers", "2",
         "--metric", "quantization_error"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=hears_ctrl_c)
    line = proc.stderr.readline()  # "sweep [.....] 0/24 runs", then a line per tenth done
    while not line.startswith("sweep [#"):
        line = proc.stderr.readline()
        assert line, "the sweep ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted:" in err and "Traceback" not in err
    assert out.splitlines()[0].startswith("som sweep over learning_rate")
    assert 0 < len(out.splitlines()) - 3 < 24  # the rows done, under the header
    assert _marked_processes(mark) == []


# -- the command line --------------------------------------------------------------------------
def test_the_cli_prints_one_row_per_point_and_repeat(capsys):
    assert main(["sweep", "maxnet", "--set", "m=4", "--vary", "epsilon=0.05,0.45", "--repeats", "3",
                 "--metric", "status", "--metric", "steps", "--workers", "2", "--seed", "5"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "maxnet sweep over epsilon (2 values), 3 repeats, 6 runs, seed 5"
    assert lines[1].split() == ["epsilon", "repeat", "seed", "status", "steps"]
    rows = [line.split() for line in lines[3:]]
    assert len(rows) == 6 and [r[0] for r in rows] == ["0.05"] * 3 + ["0.45"] * 3
    assert [r[1] for r in rows] == ["0", "1", "2"] * 2
    sweep = build_sweep("maxnet", sets={"m": 4}, vary=["epsilon=0.05,0.45"], repeats=3, seed=5)
    assert [int(r[2]) for r in rows] == [run.seed for run in sweep.runs()]
    assert {r[3] for r in rows[:3]} == {"converged"}
    assert "6/6 runs" in captured.err


def test_the_cli_writes_csv_json_and_a_plot(capsys, tmp_path):
    csv_path, png = tmp_path / "rows.csv", tmp_path / "plot.png"
    argv = ["sweep", "hamming", "--vary", "flips=0,20", "--metric", "recognised", "--workers", "1"]
    assert main([*argv, "--csv", str(csv_path), "--plot", str(png)]) == 0
    text = csv_path.read_text().splitlines()
    assert text[0] == "flips,repeat,seed,recognised" and len(text) == 3
    # D1 and D3 are the same picture in Fig 4.9: the two tie even without noise
    assert float(text[1].split(",")[3]) == pytest.approx(19 / 21, abs=1e-6)
    assert float(text[2].split(",")[3]) < 0.85
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() > 400 and image.height() > 300
    assert main([*argv, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["vary"] == [{"name": "flips", "scale": "list", "values": [0, 20]}]
    assert [row["recognised"] for row in record["rows"]] == pytest.approx(
        [19 / 21, float(text[2].split(",")[3])], abs=1e-6)


@pytest.mark.parametrize("argv, fragment", [
    (["sweep", "maxnet", "--vary", "speed=1:2:3"], "speed=1:2:3 is not allowed: unknown parameter"),
    (["sweep", "maxnet", "--vary", "epsilon=0.1:2:3"], "epsilon=2 is not allowed"),
    (["sweep", "maxnet", "--vary", "epsilon=0.1,0.2", "--metric", "speed"], "metric=speed"),
    (["sweep", "som", "--set", "radius_decay=constant", "--vary", "radius_final=1,2"],
     "does not apply here"),
    (["sweep", "nope", "--vary", "a=1,2"], "model=nope is not allowed"),
    (["sweep", "maxnet", "--preset", "nope", "--vary", "epsilon=0.1,0.2"],
     "preset=nope is not allowed: expected one of fausett-4.1"),
    (["sweep", "maxnet", "--vary", "epsilon=0.1,0.2", "--workers", "0"], "expected an integer >= 1"),
    (["sweep", "maxnet", "--vary", "epsilon=0.1,0.2", "--workers", "2", "--scheduler", "x"],
     "not allowed with argument"),
    (["sweep", "maxnet", "--vary", "epsilon=0.1,0.2", "--csv", "/no/such/folder/a.csv"],
     "its folder does not exist"),
    (["sweep", "maxnet", "--vary", "epsilon=0.1,0.2", "--seed", "-1"], "seed=-1 is not allowed"),
])
def test_bad_sweep_command_lines_exit_2_with_one_line(capsys, argv, fragment):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and fragment in err and err.count("\n") == 1


def test_help_lists_the_models_metrics_from_their_declarations(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["sweep", "som", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for metric in metrics_for("som"):
        assert metric.name in out and metric.help in out
    assert "radius_final" in out and "som-twist" in out


# -- presets --------------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["maxnet", "som", "gan"])
def test_sweep_presets_build_and_their_names_differ_from_the_models(model):
    found = sweep_presets(model)
    assert found, model
    for name, preset in found.items():
        assert name not in engine.presets(model)
        sweep = preset.build()
        assert len(sweep.axes) in (1, 2) and preset.title and preset.description
        assert load_sweep_preset(model, name) is preset


def test_a_preset_sweep_runs_from_the_cli_with_its_flags_overridden(capsys):
    assert main(["sweep", "maxnet", "--preset", "epsilon-across-1-over-m", "--vary", "m=3,5",
                 "--vary", "epsilon=0.1,0.3", "--repeats", "1", "--json", "--workers", "1"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert [(r["m"], r["epsilon"]) for r in record["rows"]] == [(3, 0.1), (3, 0.3), (5, 0.1),
                                                                  (5, 0.3)]
