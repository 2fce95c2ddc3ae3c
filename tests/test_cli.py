"""The headless command line: the worked examples through `python -m mechgui run`."""

import json
import os
import select
import subprocess
import sys
import time

import numpy as np
import pytest

from mechgui.cli import main


def run_json(capsys, *argv):
    assert main(["run", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_example_4_1_through_the_cli(capsys):
    record = run_json(capsys, "maxnet", "--preset", "fausett-4.1")
    assert record["model"] == "maxnet" and record["status"] == "converged"
    assert record["params"]["epsilon"] == 0.2
    acts = np.array([f["activations"] for f in record["frames"]])
    np.testing.assert_allclose(acts[:, 3], [0.8, 0.56, 0.48, 0.442, 0.422, 0.421], atol=5e-4)
    assert [f["step"] for f in record["frames"]] == [0, 1, 2, 3, 4, 5]


def test_example_4_2_through_the_cli(capsys):
    record = run_json(capsys, "mexican_hat", "--preset", "fausett-4.2")
    np.testing.assert_allclose(record["frames"][1]["activations"], [0, .38, 1.06, 1.16, 1.06, .38, 0])
    np.testing.assert_allclose(record["frames"][2]["activations"], [0, .40, 1.136, 1.664, 1.136, .40, 0])


def test_example_4_3_through_the_cli_with_matrix_syntax(capsys):
    record = run_json(capsys, "hamming", "--set", "exemplars=1,-1,-1,-1;-1,-1,-1,1",
                      "--set", "inputs=1,1,-1,-1; 1,-1,-1,-1; -1,-1,-1,1; -1,-1,1,1",
                      "--set", "epsilon=0.2")
    assert record["frames"][-1]["winners"] == [0, 0, 1, 1]
    first = [f["net_input"] for f in record["frames"] if f["iteration"] == 0]
    assert first == [[3, 1], [4, 2], [2, 4], [1, 3]]


def test_every_keeps_every_kth_frame_and_the_last(capsys):
    record = run_json(capsys, "maxnet", "--set", "activations=0.5,0.52,0.3", "--set", "epsilon=0.01",
                      "--every", "10")
    steps = [f["step"] for f in record["frames"]]
    assert steps[0] == 0 and all(s % 10 == 0 for s in steps[:-1])
    assert steps[-1] == record["steps"] and record["status"] == "converged"


def test_steps_limits_the_run(capsys):
    record = run_json(capsys, "maxnet", "--steps", "2")
    assert [f["step"] for f in record["frames"]] == [0, 1, 2]
    assert record["status"] == "running"


def test_table_output(capsys):
    assert main(["run", "maxnet", "--preset", "fausett-4.1"]) == 0
    out = capsys.readouterr().out
    assert "0.000 0.000 0.000 0.421" in out and "converged" in out


@pytest.mark.parametrize("argv, fragment", [
    (["run", "maxnet", "--set", "epsilon=0"], "epsilon=0 is not allowed: expected a number in (0, 1]"),
    (["run", "maxnet", "--set", "epsilon=abc"], "epsilon=abc is not allowed"),
    (["run", "maxnet", "--set", "eps=0.1"], "eps=0.1 is not allowed: unknown parameter; known: epsilon"),
    (["run", "maxnet", "--set", "epsilon"], "expected KEY=VALUE"),
    (["run", "maxnet", "--preset", "nope"], "preset=nope is not allowed: expected one of fausett-4.1"),
    (["run", "nope"], "model=nope is not allowed: expected one of maxnet"),
    (["run", "hamming", "--set", "inputs=1,2"], "inputs='1,2' is not allowed"),
    (["run", "maxnet", "--every", "0"], "--every"),
    (["run", "maxnet", "--seed", "-1"], "seed=-1 is not allowed: expected an integer in [0, "),
    (["run", "maxnet", "--seed", "abc"], "seed=abc is not allowed: expected an integer in [0, "),
    (["run", "maxnet", "--seed", "1.5"], "seed=1.5 is not allowed"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, fragment):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]
    assert "Traceback" not in captured.err


def test_python_dash_m_entry_point():
    proc = subprocess.run([sys.executable, "-m", "mechgui", "run", "maxnet", "--preset", "fausett-4.1",
                           "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["frames"][-1]["winner"] == 3
    bad = subprocess.run([sys.executable, "-m", "mechgui", "run", "maxnet", "--set", "epsilon=-1"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "epsilon=-1" in bad.stderr


def test_a_huge_step_count_overflows_nothing(capsys):
    huge = str(10 ** 30)
    record = run_json(capsys, "maxnet", "--preset", "fausett-4.1", "--steps", huge, "--every", huge)
    assert [f["step"] for f in record["frames"]] == [0, 5] and record["status"] == "converged"
    record = run_json(capsys, "som", "--preset", "fausett-4.4", "--steps", huge)
    assert record["steps"] == 8 and record["status"] == "done"


# -- long runs: written as they go, in flat memory ------------------------------------------
NEVER_ENDING = ["maxnet", "--set", "epsilon=1e-9", "--set", "max_steps=10000000"]


def _first_bytes(argv, count, timeout=60.0):
    """The first ``count`` bytes a run writes (it is stopped then: it would go on for hours)."""
    proc = subprocess.Popen([sys.executable, "-m", "mechgui", "run", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    data = b""
    try:
        deadline = time.monotonic() + timeout
        while len(data) < count and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(proc.stdout.fileno(), count - len(data))
                if not chunk:
                    break
                data += chunk
    finally:
        proc.kill()
        proc.communicate()
    return data.decode()


def test_frames_are_written_as_they_are_made():
    head = _first_bytes([*NEVER_ENDING, "--json"], 2000)
    assert head.startswith('{"model": "maxnet", "params": {"epsilon": 1e-09, ')
    assert '"frames": [{"model": "maxnet", "step": 0, ' in head
    assert '}, {"model": "maxnet", "step": 1, ' in head
    lines = _first_bytes(NEVER_ENDING, 1000).splitlines()
    assert lines[1].split() == ["step", "status", "activations", "winner"]
    assert lines[3].split()[:2] == ["0", "running"]


# VmHWM, not getrusage's ru_maxrss: that one survives exec, so a child started by a big
# test process would report the parent's peak.
PEAK_RSS = """
import sys
from mechgui.cli import main
assert main(sys.argv[1:]) == 0
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(peak // 1024, file=sys.stderr)
"""


def _peak_megabytes(*argv):
    proc = subprocess.run([sys.executable, "-c", PEAK_RSS, "run", *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stderr.split()[-1])


RANDOM_SIGNAL = "signal=" + ",".join(f"{v:.3f}" for v in np.random.default_rng(0).random(200))


@pytest.mark.parametrize("argv", [
    # each frame held kept the trajectory so far: about 1 GB
    ["maxnet", "--set", "epsilon=1e-9", "--set", "max_steps=8000"],
    # each frame held kept every profile so far: 1.8 GB (and 10 GB as JSON lists)
    ["mexican_hat", "--set", RANDOM_SIGNAL, "--set", "t_max=1500", "--set", "c1=0.3",
     "--set", "c2=-0.2", "--set", "x_max=100"],
    ["mexican_hat", "--set", RANDOM_SIGNAL, "--set", "t_max=600", "--set", "c1=0.3",
     "--set", "c2=-0.2", "--set", "x_max=100", "--json"],
])
def test_a_long_run_stays_in_flat_memory(argv):
    """A few tens of MB whatever the length (the bound is generous)."""
    assert _peak_megabytes(*argv) < 250


def test_a_bug_gives_one_line_and_the_details_go_to_the_log(capsys, monkeypatch, tmp_path):
    """An error mechgui did not expect: exit 1, one line naming it and the log, no
    traceback in the terminal; the traceback is in the log file."""
    import logging.handlers

    from mechgui import logfile
    from mechgui.engine.maxnet import MaxNet
    from mechgui.cli import main

    for handler in list(logfile.LOG.handlers):
        logfile.LOG.removeHandler(handler)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))

    def broken(self):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(MaxNet, "_step", broken)
    assert main(["run", "maxnet"]) == 1
    err = capsys.readouterr().err
    log = tmp_path / "mechgui" / "mechgui.log"
    assert err.strip().splitlines() == [
        f"error: mechgui met an error it did not expect (ZeroDivisionError: division by zero); "
        f"the details are in {log}"]
    for handler in logfile.LOG.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            handler.flush()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "in broken" in text
    for handler in list(logfile.LOG.handlers):
        handler.close()
        logfile.LOG.removeHandler(handler)
