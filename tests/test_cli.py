"""The headless command line: the worked examples through `python -m mechgui run`."""

import json
import subprocess
import sys

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
