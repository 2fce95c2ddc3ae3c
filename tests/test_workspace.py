"""Workspaces without a window: every tab's setup saved, read back and replayed to the same
snapshots bit for bit (from Python and through the command line); damaged and hand-edited
files opened as far as they can be, each refusal with its message; saving that never
harms the user's file; the user's presets; the shipped lecture workspace."""

import errno
import json
import math
import os
import struct
import tempfile
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pytest

from mechgui.cli import main
from mechgui.engine import MODELS, model_class, params_class
from mechgui.engine.resources import resource_path
from mechgui.files import SaveError
from mechgui.workspace import (
    Scene,
    TabSetup,
    Workspace,
    WorkspaceError,
    files,
    parse_workspace,
    read_workspace,
    replay,
    save_workspace,
    setup_from_preset,
    simulation_for,
    toml,
    userpresets,
    workspace_text,
)

#: A preset of each tab (with a seed where it draws anything) and the steps replayed.
RUNS = {"maxnet": ("fausett-4.1", 5), "mexican_hat": ("fausett-4.2", 2),
        "hamming": ("fausett-4.3", 6), "som": ("fausett-4.7", 30), "gan": ("ring-8", 4),
        "lvq": ("three-gaussians", 12), "counterpropagation": ("reciprocal-8", 15),
        "art1": ("four-vectors", 5), "autoencoder": ("vae-digits", 4)}


def identical(a, b, where="snapshot"):
    """Equal bit for bit: arrays of the same dtype, shape and bytes; floats of the same bits."""
    if isinstance(a, Mapping):
        assert isinstance(b, Mapping) and list(a) == list(b), where
        for key in a:
            identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        assert a.tobytes() == b.tobytes(), where
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            identical(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert isinstance(b, float) and struct.pack("<d", a) == struct.pack("<d", b), where
    else:
        assert type(a) is type(b) and a == b, where


#: Measured at each detailed snapshot taken: a run that takes others has them at other steps
#: (the GAN's divergence curve); a model file starts its curves anew.
MEASURED_AT_FRAMES = ("metric_history",)
CURVES = ("history", "metric_history")


def without(snap, keys):
    return {k: v for k, v in snap.items() if k not in keys}


def run_frames(sim, steps):
    frames = [sim.snapshot()]
    for _ in range(steps):
        sim.step(1)
        frames.append(sim.snapshot())
    return frames


@pytest.fixture(autouse=True)
def own_presets(tmp_path, monkeypatch):
    """The user's presets in a folder of the test's own."""
    monkeypatch.setenv(userpresets.ENVIRONMENT, str(tmp_path / "presets"))


def setup_of(model):
    preset, steps = RUNS[model]
    setup = setup_from_preset(model, preset)
    return replace(setup, seed=3 if setup.seed is None else setup.seed, steps=steps)


# -- round trips ------------------------------------------------------------------------------
@pytest.mark.parametrize("model", list(MODELS))
def test_a_saved_setup_replays_to_the_same_snapshots_bit_for_bit(model, tmp_path):
    setup = setup_of(model)
    original = run_frames(model_class(model)(setup.params, seed=setup.seed), setup.steps)
    path = tmp_path / f"{model}.toml"
    save_workspace(path, Workspace(tabs={model: setup}, active_tab=model))

    opened = read_workspace(path)
    assert opened.refused == []
    back = opened.workspace.tabs[model]
    assert back.params.changed(setup.params) == []
    assert (back.seed, back.speed, back.steps, back.preset) == \
        (setup.seed, setup.speed, setup.steps, setup.preset)
    again = run_frames(simulation_for(back), setup.steps)
    for a, b in zip(original, again, strict=True):
        identical(a, b)
    # replay() runs to the saved step (its one frame at the end)
    identical(without(replay(back).snapshot(), MEASURED_AT_FRAMES),
              without(original[-1], MEASURED_AT_FRAMES))


@pytest.mark.parametrize("model", list(MODELS))
def test_the_command_line_saves_and_replays_a_setup_exactly(model, tmp_path, capsys):
    preset, steps = RUNS[model]
    path = tmp_path / "w.toml"
    assert main(["run", model, "--preset", preset, "--seed", "5", "--steps", str(steps),
                 "--save-workspace", str(path)]) == 0
    assert f"wrote the {model} tab's setup" in capsys.readouterr().out
    assert main(["run", model, "--preset", preset, "--seed", "5", "--steps", str(steps),
                 "--json"]) == 0
    direct = capsys.readouterr().out
    assert main(["run", model, "--workspace", str(path), "--json"]) == 0  # to its saved step
    assert capsys.readouterr().out == direct
    record = json.loads(direct)
    assert record["steps"] == steps and record["seed"] == 5


def test_a_fresh_process_replays_the_very_frames_of_this_one(tmp_path, capsys):
    """Another process (its libraries loaded in another order, its arrays elsewhere in
    memory) gives the same frames: the SOM's map measured before its compiled kernels are
    loaded there, after them here."""
    import subprocess
    import sys

    path = tmp_path / "w.toml"
    assert main(["run", "som", "--preset", "fausett-4.7", "--steps", "25", "--every", "5",
                 "--save-workspace", str(path)]) == 0
    capsys.readouterr()
    assert main(["run", "som", "--preset", "fausett-4.7", "--steps", "25", "--every", "5",
                 "--json"]) == 0  # the kernels are loaded here by now
    here = capsys.readouterr().out
    there = subprocess.run([sys.executable, "-m", "mechgui", "run", "som", "--workspace",
                            str(path), "--every", "5", "--json"], capture_output=True,
                           text=True, timeout=300, check=False,
                           env={**os.environ, "PYTHONHASHSEED": "1"})
    assert there.returncode == 0, there.stderr
    assert there.stdout == here


def test_saving_into_a_workspace_keeps_its_other_tabs(tmp_path, capsys):
    path = tmp_path / "w.toml"
    assert main(["run", "maxnet", "--preset", "close-call", "--save-workspace", str(path)]) == 0
    assert main(["run", "som", "--preset", "fausett-4.4", "--set", "epochs=3",
                 "--save-workspace", str(path)]) == 0
    workspace = read_workspace(path).workspace
    assert workspace.models() == ["maxnet", "som"] and workspace.active_tab == "maxnet"
    assert workspace.tabs["maxnet"].preset == "close-call"
    assert workspace.tabs["som"].params.epochs == 3
    capsys.readouterr()
    assert main(["run", "som", "--workspace", str(path), "--set", "epochs=4", "--steps", "1",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["params"]["epochs"] == 4


def test_a_run_of_a_tab_the_workspace_lacks_says_what_it_holds(tmp_path, capsys):
    path = tmp_path / "w.toml"
    save_workspace(path, Workspace(tabs={"maxnet": setup_of("maxnet")}))
    assert main(["run", "gan", "--workspace", str(path)]) == 2
    assert capsys.readouterr().err == "error: w.toml holds no setup for the gan tab " \
                                      "(it holds: maxnet)\n"
    assert main(["run", "maxnet", "--workspace", str(path), "--preset", "fausett-4.1"]) == 2


def test_drawn_data_and_optional_values_round_trip(tmp_path):
    """A SOM trained on drawn points (custom data, no initial weights) and a GAN on a drawn
    target: their points are parameters, kept to the last bit."""
    rng = np.random.default_rng(0)
    drawn = rng.random((50, 2)) * 1e-3 + np.pi
    som = TabSetup("som", params_class("som").from_mapping(
        {"dataset": "custom", "data": drawn, "rows": 3, "cols": 3}), seed=None)
    gan = TabSetup("gan", params_class("gan").from_mapping(
        {"dataset": "drawn", "data": drawn[:20]}), seed=2)
    path = tmp_path / "drawn.toml"
    save_workspace(path, Workspace(tabs={"som": som, "gan": gan}))
    back = read_workspace(path).workspace
    assert back.tabs["som"].params.data.tobytes() == som.params.data.tobytes()
    assert back.tabs["gan"].params.data.tobytes() == gan.params.data.tobytes()
    assert back.tabs["som"].seed is None and back.tabs["som"].params.initial_weights is None
    assert 'seed = "auto"' in path.read_text()


def test_the_gans_networks_go_in_a_model_file_beside_the_workspace(tmp_path, capsys):
    setup = replace(setup_of("gan"), steps=None)
    trained = simulation_for(setup)
    trained.step(6)
    from mechgui.workspace.replay import save_networks

    save_networks(trained, tmp_path / "w.gan.pt")
    save_workspace(tmp_path / "w.toml", Workspace(tabs={"gan": replace(
        setup, steps=6, networks="w.gan.pt")}))
    opened = read_workspace(tmp_path / "w.toml")
    loaded = simulation_for(opened.workspace.tabs["gan"], opened.folder)
    assert loaded.step_count == 6
    # a model file keeps the last losses, not D's loss in parts: those come with the next update
    fresh = (*CURVES, "loss_terms")
    identical(without(loaded.snapshot(), fresh), without(trained.snapshot(), fresh))
    trained.step(3)
    loaded.step(3)  # it goes on as the saved run would
    identical(without(loaded.snapshot(), CURVES), without(trained.snapshot(), CURVES))

    (tmp_path / "w.gan.pt").write_bytes(b"not a model")
    assert main(["run", "gan", "--workspace", str(tmp_path / "w.toml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the GAN's networks: ") and err.count("\n") == 1


# -- damaged and hand-edited files --------------------------------------------------------------
GOOD = """format = "mechgui-workspace"
version = 1
active_tab = "maxnet"

[tabs.maxnet]
seed = 1
speed = 2

[tabs.maxnet.params]
epsilon = 0.1
activations = [0.3, 0.5, 0.7]
"""


def opened_from(tmp_path, text):
    path = tmp_path / "edited.toml"
    path.write_text(text, encoding="utf-8")
    return read_workspace(path)


def refusals(opened):
    return [str(r) for r in opened.refused]


def test_a_good_hand_written_file_opens_whole(tmp_path):
    opened = opened_from(tmp_path, GOOD)
    assert refusals(opened) == []
    setup = opened.workspace.tabs["maxnet"]
    assert setup.params.epsilon == 0.1 and list(setup.params.activations) == [0.3, 0.5, 0.7]
    assert (setup.seed, setup.speed) == (1, 2.0)


@pytest.mark.parametrize("line, message", [
    # out of range: that value is refused, the rest of the tab opens
    ("epsilon = 1.5", ("tabs.maxnet.params: epsilon=1.5 is not allowed: expected a number in "
                      "(0, 1]")),
    # the wrong type
    ('epsilon = "a lot"', ("tabs.maxnet.params: epsilon='a lot' is not allowed: expected a "
                          "number in (0, 1]")),
    ("epsilon = [0.1]", ("tabs.maxnet.params: epsilon=[0.1] is not allowed: expected a number "
                        "in (0, 1]")),
    # an unknown parameter
    ("epsilom = 0.1", ("tabs.maxnet.params: epsilom=0.1 is not allowed: unknown parameter; "
                      "known: epsilon, activations, max_steps")),
])
def test_a_refused_parameter_is_left_out_and_the_rest_opens(tmp_path, line, message):
    opened = opened_from(tmp_path, GOOD.replace("epsilon = 0.1", line))
    assert refusals(opened) == [message]
    setup = opened.workspace.tabs["maxnet"]
    assert setup.params.epsilon == params_class("maxnet")().epsilon  # its default
    assert list(setup.params.activations) == [0.3, 0.5, 0.7] and setup.seed == 1


@pytest.mark.parametrize("extra, message", [
    ("[tabs.perceptron]\nseed = 1\n",
     "tabs.perceptron: unknown tab (known: " + ", ".join(MODELS) + ")"),
    ("[tabs.som]\nseed = 2\n", ("tabs.som: missing params (or a preset): the tab is left as it "
                               "was")),
    ("[tabs.som]\npreset = \"fausett-9.9\"\n[tabs.som.params]\nepochs = 3\n",
     "tabs.som: preset=fausett-9.9 is not allowed: expected one of fausett-4.4, "),
    ("[tabs.hamming.params]\nexemplars = [[1, -1], [-1, 1]]\ninputs = [[1, 1, 1]]\n",
     "tabs.hamming.params: inputs="),
    ("[tabs.som]\npreset = \"fausett-4.4\"\nsteps = 1.5\n",
     "tabs.som: steps = 1.5 is not allowed: expected a whole number in [0, 2147483647]"),
    ("[tabs.som]\npreset = \"fausett-4.4\"\nspeed = -3\n",
     'tabs.som: speed = -3 is not allowed: expected steps per second in (0, 1e+06] or "max"'),
    ("[tabs.som]\npreset = \"fausett-4.4\"\nseed = -1\n",
     ("tabs.som: seed=-1 is not allowed: expected an integer in [0, 9223372036854775807], or "
     "auto; the seed is drawn anew (the run is not the saved one)")),
    ("[tabs.som]\npreset = \"fausett-4.4\"\ncolour = \"red\"\n",
     "tabs.som: unknown key 'colour' (known: preset, params, seed, speed, steps, view, networks)"),
    ("[tabs.som]\npreset = \"fausett-4.4\"\n[tabs.som.view]\ncolouring = \"rainbow\"\n",
     ("tabs.som.view: colouring = 'rainbow' is not allowed: expected one of U-matrix, hit count, "
     "quantization error, or component k (k from 1 to 1000)")),
    ("[tabs.maxnet.view]\nlayers = 1\n",
     "tabs.maxnet.view: layers: not a view choice of this tab (it has: none)"),
    ("[tabs.som]\npreset = \"fausett-4.4\"\nnetworks = \"../x.pt\"\n",
     "tabs.som: networks are kept for the GAN tab only"),
    ("[tabs.gan]\npreset = \"ring-8\"\nnetworks = \"../x.pt\"\n",
     ("tabs.gan: networks = '../x.pt' is not allowed: expected the name of a file beside the "
     "workspace")),
])
def test_each_refused_part_is_said_and_the_rest_opens(tmp_path, extra, message):
    opened = opened_from(tmp_path, GOOD + extra)
    lines = refusals(opened)
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert opened.workspace.tabs["maxnet"].params.epsilon == 0.1  # the good tab opened


@pytest.mark.parametrize("change, message", [
    (("active_tab = \"maxnet\"", "active_tab = \"clock\""),
     "active_tab = 'clock' is not allowed: expected one of " + ", ".join(MODELS)),
    (("active_tab = \"maxnet\"", "lecture = \"yes\""),
     "lecture = 'yes' is not allowed: expected true or false"),
    (("active_tab = \"maxnet\"", "colours = 3"),
     "colours: unknown key (known: format, version, active_tab, lecture, scene, tabs, scenes)"),
    (("version = 1", "version = 7"),
     "version 7 is newer than this mechgui reads (1): what it does not know is left out"),
])
def test_the_files_own_keys(tmp_path, change, message):
    opened = opened_from(tmp_path, GOOD.replace(*change))
    assert refusals(opened) == [message]


@pytest.mark.parametrize("text, message", [
    (GOOD.replace('format = "mechgui-workspace"\n', ""),
     'edited.toml is not a mechgui workspace: expected format = "mechgui-workspace" at the top'),
    (GOOD.replace("version = 1\n", ""),
     ("edited.toml is not a mechgui workspace: expected version = a whole number >= 1 at the "
     "top (this mechgui writes 1)")),
    (GOOD[:GOOD.index("0.5, 0.7]")],  # cut short in the middle of an array
     "edited.toml is not a readable workspace (cut short, or not TOML): "),
    ("[" * 100_000, "edited.toml is not a readable workspace"),
])
def test_a_file_that_is_no_workspace_opens_nothing_and_says_why(tmp_path, text, message):
    with pytest.raises(WorkspaceError) as caught:
        opened_from(tmp_path, text)
    assert str(caught.value).startswith(message)


def test_binary_junk_and_other_encodings_are_refused(tmp_path):
    path = tmp_path / "junk.toml"
    path.write_bytes(np.random.default_rng(1).bytes(5000))
    with pytest.raises(WorkspaceError, match="junk.toml is not a workspace: it holds binary "
                                             "data, not text"):
        read_workspace(path)
    path.write_bytes(GOOD.replace("maxnet", "maxnét").encode("latin-1"))
    with pytest.raises(WorkspaceError, match=r"not UTF-8 text \(byte \d+ cannot be read\)"):
        read_workspace(path)
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())  # a byte-order mark is fine
    assert read_workspace(path).refused == []


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(tmp_path, capsys):
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:  # a sparse file: 4 GB that would take minutes to parse
        handle.truncate(4 * 2 ** 30)
    with pytest.raises(WorkspaceError) as caught:
        read_workspace(path)
    assert str(caught.value) == "huge.toml cannot be read: it has 4 GB; at most 16 MB are read"
    assert main(["run", "maxnet", "--workspace", str(path)]) == 2
    assert capsys.readouterr().err == f"error: {caught.value}\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    with pytest.raises(WorkspaceError, match="it is not a regular file but a pipe"):
        read_workspace(path)


def test_nothing_in_a_file_is_ever_run(tmp_path):
    marker = tmp_path / "ran"
    opened = opened_from(tmp_path, GOOD.replace(
        "epsilon = 0.1", f"epsilon = \"__import__('pathlib').Path({str(marker)!r}).touch()\""))
    assert len(opened.refused) == 1 and "epsilon=" in str(opened.refused[0])
    assert not marker.exists()


def test_the_command_line_says_a_damaged_file_in_one_line(tmp_path, capsys):
    path = tmp_path / "w.toml"
    path.write_text(GOOD.replace("epsilon = 0.1", "epsilon = 9"), encoding="utf-8")
    assert main(["run", "maxnet", "--workspace", str(path)]) == 2
    assert capsys.readouterr().err == ("error: w.toml: tabs.maxnet.params: epsilon=9 is not "
                                       "allowed: expected a number in (0, 1]\n")
    path.write_text(GOOD[:-20], encoding="utf-8")
    assert main(["run", "maxnet", "--workspace", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: w.toml is not a readable workspace") and err.count("\n") == 1
    # another tab's refusal does not stop this tab's run
    path.write_text(GOOD + "[tabs.som]\nseed = 2\n", encoding="utf-8")
    assert main(["run", "maxnet", "--workspace", str(path), "--steps", "1"]) == 0


# -- saving --------------------------------------------------------------------------------------
def test_a_failed_save_leaves_the_old_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "w.toml"
    path.write_text(GOOD, encoding="utf-8")
    workspace = Workspace(tabs={"som": setup_of("som")})

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(SaveError, match="No space left on device"):
        save_workspace(path, workspace)
    monkeypatch.undo()

    def read_only(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(SaveError, match=r"could not write .*w\.toml: Permission denied"):
        save_workspace(path, workspace)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == GOOD
    assert os.listdir(tmp_path) == ["w.toml"]  # no temporary file left behind


def test_the_command_line_never_overwrites_a_file_that_is_no_clean_workspace(tmp_path, capsys):
    notes = tmp_path / "notes.toml"
    notes.write_text("my notes, not a workspace\n", encoding="utf-8")
    assert main(["run", "maxnet", "--save-workspace", str(notes)]) == 2
    assert capsys.readouterr().err.startswith("error: nothing was written: notes.toml is not "
                                              "a readable workspace")
    partly = tmp_path / "partly.toml"
    partly.write_text(GOOD + "[tabs.som]\nseed = 2\n", encoding="utf-8")
    assert main(["run", "maxnet", "--save-workspace", str(partly)]) == 2
    assert "partly.toml was not overwritten: it has parts this mechgui refuses" in \
        capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "my notes, not a workspace\n"
    assert partly.read_text(encoding="utf-8") == GOOD + "[tabs.som]\nseed = 2\n"


def test_a_workspace_too_big_to_read_back_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_WORKSPACE_BYTES", 2000)
    big = TabSetup("som", params_class("som").from_mapping(
        {"dataset": "custom", "data": np.random.default_rng(0).random((200, 2))}))
    with pytest.raises(SaveError, match="at most 1.95 KB are read back"):
        save_workspace(tmp_path / "big.toml", Workspace(tabs={"som": big}))
    assert not (tmp_path / "big.toml").exists()


# -- the TOML written ---------------------------------------------------------------------------
def test_text_and_floats_survive_the_toml_writer():
    floats = [0.1 + 0.2, -0.0, 1e-310, 5e-324, 1.7976931348623157e308, 2.0 ** 60, -123.456e-7]
    texts = ['quote " and \\ backslash', "new\nline\ttab", "\x00\x07\x1f\x7f", "ε = 0.2, 5×5 ✓",
             "'single'", ""]
    doc = {"floats": floats, "texts": texts, "whole": 2 ** 62, "flag": False,
           "odd key.with dots": {"matrix": [[1.5, -2.0], [3.0, 4.25]], "long": list(range(300))},
           "items": [{"a": 1}, {"a": 2, "b": {"c": "d"}}]}
    back = toml.loads(toml.dumps(doc))
    assert [struct.pack("<d", x) for x in back["floats"]] == \
        [struct.pack("<d", x) for x in floats]
    assert back == {**doc, "floats": back["floats"]}
    assert all(math.isfinite(x) for x in back["floats"])


# -- the user's presets -----------------------------------------------------------------------
def test_a_users_preset_is_kept_found_and_exported(tmp_path, capsys):
    params = params_class("maxnet").from_mapping({"epsilon": 0.05, "activations": [0.9, 0.1]})
    preset = userpresets.save_user_preset("maxnet", "Two nodes, slow", params, seed=4, speed=5)
    assert preset.name == "two-nodes-slow"
    assert (tmp_path / "presets" / "maxnet.json").is_file()
    found, problems = userpresets.user_presets("maxnet")
    assert problems == [] and found["two-nodes-slow"].speed == 5
    with pytest.raises(Exception, match="is a shipped preset's name"):
        userpresets.save_user_preset("maxnet", "Fausett 4.1", params)

    path = tmp_path / "mine.toml"
    assert main(["run", "maxnet", "--preset", "two-nodes-slow", "--save-workspace",
                 str(path)]) == 0
    setup = read_workspace(path).workspace.tabs["maxnet"]
    assert setup.preset == "two-nodes-slow" and setup.params.epsilon == 0.05
    assert (setup.seed, setup.speed) == (4, 5.0)

    # a damaged entry is left out, with the reason; the others stay
    raw = json.loads((tmp_path / "presets" / "maxnet.json").read_text())
    raw["broken"] = {"title": "Broken", "params": {"epsilon": 3}}
    (tmp_path / "presets" / "maxnet.json").write_text(json.dumps(raw))
    found, problems = userpresets.user_presets("maxnet")
    assert list(found) == ["two-nodes-slow"]
    assert problems == [("your preset 'broken' was left out: epsilon=3 is not allowed: "
                        "expected a number in (0, 1]")]


# -- the shipped lecture workspace -----------------------------------------------------------
def test_the_lecture_workspace_goes_through_chapter_4_in_order():
    opened = read_workspace(resource_path("workspaces", "chapter4-lecture.toml"))
    assert opened.refused == []
    workspace = opened.workspace
    assert workspace.lecture is True
    assert [(s.setup.model, s.setup.preset) for s in workspace.scenes] == [
        ("maxnet", "fausett-4.1"), ("mexican_hat", "fausett-4.2"), ("hamming", "fausett-4.3"),
        ("som", "fausett-4.4"), ("som", "fausett-4.7"), ("gan", "ring-8")]
    assert workspace.setup_for("som").preset == "fausett-4.4"  # a tab takes its first scene
    assert workspace.scenes[4].setup.view == {"step": "epoch", "labels": True, "glyphs": True}


def test_scenes_are_written_back_as_they_were_read(tmp_path):
    lecture = read_workspace(resource_path("workspaces", "chapter4-lecture.toml")).workspace
    again, refused = parse_workspace(workspace_text(replace(lecture, scene=5)).encode(), "x")
    assert refused == [] and again.scene == 5
    assert [(s.title, s.setup.preset, dict(s.setup.view)) for s in again.scenes] == \
        [(s.title, s.setup.preset, dict(s.setup.view)) for s in lecture.scenes]
    assert isinstance(again.scenes[0], Scene)
