"""GAN model files: the round trip continues the run exactly, and a file from anyone is
checked whole before anything changes (hostile records, sizes, kinds of file, a fuzz)."""

import io
import os
import pickle
import struct
import sys
import tempfile
import threading
import time
import zipfile

import pytest

torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mechgui.engine import create, datasets  # noqa: E402
from mechgui.engine.gan import ModelFileError, modelfile, sampling  # noqa: E402

SMALL = {"hidden_layers": 1, "hidden_units": 16, "batch_size": 64}


def fingerprint(sim):
    """Everything a load could change, copied."""
    tensors = [*sim.G.state_dict().values(), *sim.D.state_dict().values()]
    for opt in (sim.opt_d, sim.opt_g):
        for state in opt.state_dict()["state"].values():
            tensors += [state[k] for k in sorted(state)]
    real, conditions = sim._real_pool or (None, None)
    pools = [None if p is None else p[at:] for p, at in
             ((real, sim._real_at), (conditions, sim._real_at), (sim._noise_pool, sim._noise_at))]
    return {"dict": id(sim.__dict__), "step": sim.step_count, "seed": sim.seed,
            "params": repr(sim.params), "counts": (sim.d_updates, sim.g_updates, sim.phase),
            "random": sim.gen.get_state().clone(),
            "tensors": [t.detach().clone() for t in tensors + [p for p in pools if p is not None]]}


def _equal(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and torch.equal(x, y) for x, y in zip(a, b))


def assert_unchanged(sim, before):
    after = fingerprint(sim)
    assert _equal(after.pop("tensors"), before["tensors"])
    assert torch.equal(after.pop("random"), before["random"])
    assert after == {k: v for k, v in before.items() if k not in ("tensors", "random")}


def same_run(a, b):
    """The two runs stand at the same place, bit for bit: weights, optimiser states,
    the pools' unused rows, the random generator."""
    fa, fb = fingerprint(a), fingerprint(b)
    return fa["step"] == fb["step"] and fa["counts"] == fb["counts"] and \
        _equal(fa["tensors"], fb["tensors"]) and torch.equal(fa["random"], fb["random"])


@pytest.fixture
def saved(tmp_path):
    """(a trained simulation, the file it saved, the file's record)."""
    sim = create("gan", seed=3, **SMALL)
    sim.step(3)
    path = sim.save(tmp_path / "model.pt")
    return sim, path, torch.load(path, weights_only=True)


def write(record, path):
    torch.save(record, path)
    return path


# -- the round trip ------------------------------------------------------------------------
@pytest.mark.parametrize("changes", [{}, {"loss": "wgan-gp"}, {"dataset": "rosenbrock"},
                                     {"optimizer": "sgd", "dataset": "gaussian-1d"}])
def test_a_loaded_run_continues_exactly_as_the_saved_one(tmp_path, changes, monkeypatch):
    monkeypatch.setattr(sampling, "POOL_ROWS", 640)  # the pools are refilled every few steps
    sim = create("gan", seed=3, hidden_layers=1, hidden_units=12, noise_dim=3, batch_size=64,
                 **changes)
    sim.step(5)
    path = tmp_path / "model.pt"
    assert sim.save(path) == path
    other = create("gan", seed=99)
    assert other.load(path) is other.params
    assert other.params.hidden_units == 12 and other.params.noise_dim == 3
    assert other.step_count == 5 and same_run(sim, other)
    assert (other.snapshot()["samples"] == sim.snapshot()["samples"]).all()
    assert sim.step(30) == other.step(30) == 30
    assert same_run(sim, other) and sim.loss_d == other.loss_d


def test_a_run_saved_between_its_two_passes_continues_exactly(tmp_path):
    sim = create("gan", seed=5, k=3, **SMALL)
    sim.step(2)
    sim.step_phase()  # D's pass done, G's to come
    other = create("gan", seed=0)
    other.load(sim.save(tmp_path / "m.pt"))
    assert other.phase == sim.phase and same_run(sim, other)
    sim.step(5)
    other.step(5)
    assert same_run(sim, other)


def test_a_version_1_file_still_loads(saved, tmp_path):
    sim, _, record = saved
    del record["training"]
    record["version"] = 1
    other = create("gan", seed=1)
    other.load(write(record, tmp_path / "v1.pt"))
    assert other.step_count == 3 and other.phase == "start"
    assert _equal(fingerprint(sim)["tensors"][:4], fingerprint(other)["tensors"][:4])
    assert other.step(3) == 3


def test_load_refuses_a_file_that_does_not_fit(tmp_path):
    small = create("gan", seed=3, hidden_units=8, batch_size=32)
    path = small.save(tmp_path / "small.pt")
    sim = create("gan", seed=0, hidden_units=16, batch_size=32)
    before = fingerprint(sim)
    with pytest.raises(ModelFileError, match=r"shape \(8, 2\).*needs \(16, 2\)"):
        sim.load(path, use_file_params=False)
    record = torch.load(path, weights_only=True)  # tensors that contradict their parameters
    record["params"]["hidden_units"] = 32
    with pytest.raises(ModelFileError, match="declared architecture"):
        sim.load(write(record, tmp_path / "lying.pt"))
    with pytest.raises(ModelFileError, match="not a mechgui GAN model file"):
        sim.load(write({"weights": torch.zeros(3)}, tmp_path / "other.pt"))
    (tmp_path / "junk.pt").write_bytes(b"not a torch file at all")
    with pytest.raises(ModelFileError, match="not a mechgui GAN model file"):
        sim.load(tmp_path / "junk.pt")
    assert_unchanged(sim, before)


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # the hostile file is a raw pickle
def test_load_never_runs_code_from_the_file(tmp_path):
    marker = str(tmp_path / "pwned")
    write({"format": "mechgui-gan", "payload": _Exploit(marker)}, tmp_path / "evil.pt")
    with open(tmp_path / "evil.pkl", "wb") as fh:
        pickle.dump(_Exploit(marker), fh)
    sim = create("gan", seed=0, **SMALL)
    with pytest.raises(ModelFileError, match="refused by the safe loader"):
        sim.load(tmp_path / "evil.pt")
    with pytest.raises(ModelFileError, match="not a mechgui GAN model file"):
        sim.load(tmp_path / "evil.pkl")  # not even a torch archive
    assert not os.path.exists(marker)


# -- hostile records ---------------------------------------------------------------------
def test_a_wrong_sized_optimiser_state_is_refused_before_it_can_corrupt_memory(python, saved,
                                                                               tmp_path):
    """It was loaded, and the next step wrote past the tensor: a segmentation fault (so the
    step runs in a separate interpreter)."""
    _, _, record = saved
    record["optimizer_d"]["state"][0]["exp_avg"] = torch.zeros(1)
    path = write(record, tmp_path / "corrupt.pt")
    out = python(f"""
from mechgui.engine import create
from mechgui.engine.gan import ModelFileError
sim = create("gan", seed=0, hidden_layers=1, hidden_units=16, batch_size=64)
try:
    sim.load({str(path)!r})
except ModelFileError as exc:
    print("refused:", exc)
sim.step(5)
print("stepped", sim.step_count)
""")
    assert "refused:" in out and "optimizer_d.state[0].exp_avg has shape (1,)" in out
    assert "stepped 5" in out


def _set(record, keys, value):
    *path, last = keys
    for key in path:
        record = record[key]
    record[last] = value


GROUP = ("optimizer_d", "param_groups", 0)


@pytest.mark.parametrize("keys, value, fragment", [
    (("seed",), -1, "seed=-1 is not allowed"),
    (("seed",), "abc", "seed=abc is not allowed"),
    (("step",), 10 ** 30, "step=1000000000000000000000000000000 is not allowed"),
    (("step",), -3, "step=-3 is not allowed"),
    (("step",), 2.5, "step=2.5 is not allowed"),
    ((*GROUP, "eps"), "abc", "eps='abc' is not allowed"),
    ((*GROUP, "eps"), 0.5, "eps=0.5 is not allowed: expected 1e-08"),
    ((*GROUP, "amsgrad"), True, "amsgrad=True is not allowed"),
    ((*GROUP, "maximize"), True, "maximize=True is not allowed"),
    ((*GROUP, "weight_decay"), 0.1, "weight_decay=0.1 is not allowed"),
    ((*GROUP, "capturable"), True, "capturable=True"),
    ((*GROUP, "differentiable"), True, "differentiable=True"),
    ((*GROUP, "fused"), "yes", "fused='yes'"),
    ((*GROUP, "lr"), -1.0, "lr=-1.0 is not allowed: expected a number in (0, 10]"),
    ((*GROUP, "lr"), float("nan"), "lr=nan is not allowed"),
    ((*GROUP, "lr"), torch.tensor(0.1), "lr=a tensor () is not allowed"),
    ((*GROUP, "betas"), (0.5, 2.0), "betas[1]=2.0 is not allowed"),
    ((*GROUP, "betas"), (1.5, 0.999), "betas[0]=1.5 is not allowed"),
    ((*GROUP, "betas"), 0.5, "is not a pair of numbers"),
    ((*GROUP, "params"), [0, 1, 2, 7], "is not the list of parameters 0 to 3"),
    ((*GROUP, "nesterov"), True, "unknown entries ['nesterov']"),
    (("optimizer_d", "param_groups"), [], "is not a list of one group"),
    (("optimizer_d", "state", 9), {}, "optimizer_d.state has unknown entries [9]"),
    (("optimizer_d", "state", 0, "max_exp_avg_sq"), torch.zeros(16, 1), "unknown entries"),
    (("optimizer_d", "state", 0, "exp_avg"), torch.zeros(16, 1, dtype=torch.float64),
     "exp_avg is torch.float64, expected torch.float32"),
    (("optimizer_d", "state", 0, "exp_avg_sq"), -torch.ones(16, 2), "negative values"),
    (("optimizer_d", "state", 0, "step"), torch.tensor(2.5), "step=2.5 is not allowed"),
    (("optimizer_d", "state", 0, "step"), torch.tensor(1e30), "step=1e+30 is not allowed"),
    (("optimizer_d", "state", 1, "exp_avg"), torch.full((16,), float("inf")), "not finite"),
    (("optimizer_g", "state", 0, "exp_avg"), torch.zeros(1).expand(10 ** 12),
     "has shape (1000000000000,)"),
    (("generator", "0.weight"), torch.full((16, 2), float("nan")), "not finite"),
    (("generator", "0.weight"), torch.zeros(16, 2, dtype=torch.float16), "float16"),
    (("generator", "extra"), torch.zeros(1), "the generator has unknown entries ['extra']"),
    (("params", "lr_d"), "fast", "lr_d=fast is not allowed"),
    (("params", "colour"), "red", "params has unknown entries ['colour']"),
    (("params", "data"), [[1.0]] * 200_000, "params.data is not allowed"),
    (("params", "data"), torch.zeros(1, 2).expand(10 ** 9, 2), "params.data"),
    (("surprise",), 1, "the file has unknown entries ['surprise']"),
    (("version",), 3, "version=3 is not allowed"),
    (("training", "phase"), "halfway", "training.phase='halfway' is not allowed"),
    (("training", "d_updates"), True, "training.d_updates=True is not allowed"),
    (("training", "noise"), torch.zeros(70000, 2), "training.noise has shape (70000, 2)"),
    (("training", "real"), torch.zeros(10, 3), "training.real has shape (10, 3)"),
    (("training", "last"), torch.full((4,), float("inf")), "not finite"),
    (("training", "random", "state"), torch.zeros(7, dtype=torch.uint8), "has shape (7,)"),
    (("training", "random", "extra"), 0, "training.random has unknown entries"),
])
def test_a_file_that_does_not_fit_changes_nothing(saved, keys, value, fragment):
    sim, _, record = saved
    _set(record, keys, value)
    before = fingerprint(sim)
    with pytest.raises(ModelFileError) as info:
        modelfile.load_record(sim, record, where="hostile.pt")
    assert str(info.value).startswith("hostile.pt: ") and fragment in str(info.value)
    assert "\n" not in str(info.value)
    assert_unchanged(sim, before)
    sim.reset()  # the run goes on as it was, and so do its resets
    assert sim.step(3) == 3


@pytest.mark.parametrize("which", ["seed", "step", "eps", "amsgrad"])
def test_a_refused_file_leaves_the_session_working(saved, tmp_path, which):
    """Through a file: the seed was replaced before the refusal (every reset failed after),
    a huge step loaded (every frame raised), optimiser settings loaded (training broke or
    silently changed)."""
    sim, _, record = saved
    value = {"seed": -1, "step": 10 ** 30, "eps": "abc", "amsgrad": True}[which]
    if which in ("eps", "amsgrad"):
        record["optimizer_g"]["param_groups"][0][which] = value
    else:
        record[which] = value
    other = create("gan", seed=7, **SMALL)
    other.step(4)
    before = fingerprint(other)
    with pytest.raises(ModelFileError, match=f"{which}="):
        other.load(write(record, tmp_path / "bad.pt"))
    assert_unchanged(other, before)
    other.step(2)
    other.snapshot()
    other.reset()
    assert other.seed == 7 and other.step_count == 0


def _sound_state(record, left, nxt):
    state = record["training"]["random"]["state"].clone()
    state[8:12] = torch.tensor(list(struct.pack("<i", left)), dtype=torch.uint8)
    state[16:24] = torch.tensor(list(struct.pack("<Q", nxt)), dtype=torch.uint8)
    return state


def test_a_generator_state_reading_past_its_words_is_refused(saved):
    sim, _, record = saved
    if record["training"]["random"]["device"] != "cpu":
        pytest.skip("a CUDA generator's state has no read position")
    before = fingerprint(sim)
    # each field within torch's own bounds, but together they would read past the words
    record["training"]["random"]["state"] = _sound_state(record, 624, 624)
    with pytest.raises(ModelFileError, match="not a sound generator state"):
        modelfile.load_record(sim, record)
    assert_unchanged(sim, before)


def test_the_session_parameters_and_a_file_of_another_optimiser(saved):
    record = saved[2]
    other = create("gan", seed=0, optimizer="sgd", **SMALL)
    with pytest.raises(ModelFileError, match="its optimiser is adam, the session's sgd"):
        modelfile.load_record(other, record, use_file_params=False)


# -- sizes and kinds of file ---------------------------------------------------------------
@pytest.fixture
def no_torch_load(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("torch.load was called")

    monkeypatch.setattr(modelfile.torch, "load", refuse)


def test_an_archive_that_unpacks_big_is_refused_before_torch_reads_it(saved, tmp_path,
                                                                      monkeypatch):
    _, _, record = saved
    record["params"]["zeros"] = torch.zeros(2 ** 20)  # 4 MB that compress to a few KB
    record["training"].update(real=None, noise=None)  # random numbers compress badly
    plain = write(record, tmp_path / "plain.pt")
    bomb = tmp_path / "bomb.pt"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 200_000
    monkeypatch.setattr(modelfile, "MAX_UNPACKED_BYTES", 2 ** 20)
    monkeypatch.setattr(modelfile.torch, "load", pytest.fail)
    sim = create("gan", seed=0, **SMALL)
    with pytest.raises(ModelFileError, match=r"unpacks to 4\.\d+ MB; at most 1 MB are read"):
        sim.load(bomb)


def test_a_file_over_the_size_bound_is_not_read(saved, monkeypatch, no_torch_load):
    sim, path, _ = saved
    monkeypatch.setattr(modelfile, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ModelFileError, match=r"cannot be read \(it has [\d.]+ [KM]B; at most "
                                             r"1000 bytes are read\)"):
        sim.load(path)


def test_archives_of_many_members_or_a_big_pickle_are_refused_unread(saved, monkeypatch,
                                                                     no_torch_load):
    sim, path, _ = saved
    monkeypatch.setattr(modelfile, "MAX_PICKLE_BYTES", 100)
    with pytest.raises(ModelFileError, match=r"its pickle unpacks to [\d.]+ KB; at most 100 "):
        sim.load(path)
    monkeypatch.setattr(modelfile, "MAX_MEMBERS", 5)
    monkeypatch.setattr(modelfile.zipfile, "ZipFile", pytest.fail)  # its directory not listed
    with pytest.raises(ModelFileError, match=r"\(\d+ archive members; at most 5\)"):
        sim.load(path)


def _finishes(function, seconds=20.0):
    """Run ``function`` on a thread: (finished in time, its exception)."""
    outcome = []

    def run():
        try:
            function()
            outcome.append(None)
        except Exception as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return (not thread.is_alive()), (outcome[0] if outcome else None)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_refused_at_once(tmp_path, no_torch_load):
    pipe = tmp_path / "pipe.pt"
    os.mkfifo(pipe)
    sim = create("gan", seed=0, **SMALL)
    try:
        done, error = _finishes(lambda: sim.load(pipe), 10)
    finally:  # a reader blocked on the pipe (without the check) is let go
        try:
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # no reader: nothing blocked
            pass
    assert done, "loading a named pipe blocked"
    assert isinstance(error, ModelFileError) and "not a regular file" in str(error)


def _special_paths(tmp_path, saved_path):
    folder = tmp_path / "folder.pt"
    folder.mkdir()
    zero = tmp_path / "zero.pt"
    zero.symlink_to("/dev/zero")
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(saved_path.read_bytes()[: saved_path.stat().st_size // 2])
    junk = tmp_path / "junk.pt"
    junk.write_bytes(bytes(range(256)) * 40)
    return {folder: "it is a folder, not a file", zero: "not a regular file",
            empty: "the file is empty", truncated: "not a complete torch zip archive",
            junk: "not a complete torch zip archive",
            tmp_path / "missing.pt": "cannot be read (No such file or directory)"}


def test_every_kind_of_wrong_path_gives_one_line_and_changes_nothing(saved, tmp_path):
    sim, path, _ = saved
    before = fingerprint(sim)
    for bad, fragment in _special_paths(tmp_path, path).items():
        done, error = _finishes(lambda bad=bad: sim.load(bad))
        assert done, f"{bad.name} blocked"
        assert isinstance(error, ModelFileError), (bad.name, error)
        assert fragment in str(error) and "\n" not in str(error), (bad.name, str(error))
    assert_unchanged(sim, before)


def test_a_file_that_vanishes_between_the_check_and_the_read(saved, monkeypatch):
    sim, path, _ = saved
    real_stat = os.stat

    def stat_then_vanish(name, *args, **kwargs):
        info = real_stat(name, *args, **kwargs)
        if os.fspath(name) == os.fspath(path):
            os.unlink(path)
        return info

    monkeypatch.setattr(datasets.os, "stat", stat_then_vanish)
    with pytest.raises(ModelFileError, match=r"cannot be read \(No such file or directory\)"):
        sim.load(path)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root reads any file")
def test_an_unreadable_file(saved):
    sim, path, _ = saved
    path.chmod(0)
    with pytest.raises(ModelFileError, match=r"cannot be read \(Permission denied\)"):
        sim.load(path)


# -- the fuzz ------------------------------------------------------------------------------
_BASE = []


def _base_record():
    if not _BASE:
        sim = create("gan", seed=3, **SMALL)
        sim.step(2)
        buffer = io.BytesIO()
        torch.save(modelfile_record(sim), buffer)
        _BASE.append(buffer.getvalue())
    return torch.load(io.BytesIO(_BASE[0]), weights_only=True)  # a fresh copy each time


def modelfile_record(sim):
    with tempfile.TemporaryDirectory() as folder:
        return torch.load(sim.save(os.path.join(folder, "m.pt")), weights_only=True)


def _places(value, path=()):
    """Every (container, key) in the record."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return
    for key, item in items:
        yield path, key
        yield from _places(item, (*path, key))


_HOSTILE = [None, -1, 0, 1, 10 ** 30, 2.5, float("nan"), float("inf"), "abc", "", True, False,
            [], {}, (0.5, 0.999), [[1.0, 2.0]], {"x": 1}, torch.zeros(3),
            torch.zeros(16, 1), torch.zeros(16, 2, dtype=torch.float64), torch.tensor(3.0),
            torch.full((16,), float("nan")), torch.zeros(1).expand(10 ** 10),
            torch.zeros(0), torch.zeros(5056, dtype=torch.uint8)]


@st.composite
def mutations(draw):
    record = _base_record()
    places = list(_places(record))
    for _ in range(draw(st.integers(1, 3))):
        path, key = draw(st.sampled_from(places))
        container = record
        try:
            for step in path:
                container = container[step]
                if not isinstance(container, (dict, list)):
                    raise TypeError
            kind = draw(st.sampled_from(["drop", "add", "replace", "scale", "reshape"]))
            if kind == "drop":
                del container[key]
            elif kind == "add" and isinstance(container, dict):
                container[draw(st.sampled_from(["extra", 7, "step", "lr"]))] = \
                    draw(st.sampled_from(_HOSTILE))
            elif kind == "replace":
                container[key] = draw(st.sampled_from(_HOSTILE))
            elif isinstance(container[key], torch.Tensor) and container[key].is_floating_point():
                value = container[key]
                container[key] = value * draw(st.sampled_from([-1.0, 1e38, float("inf")])) \
                    if kind == "scale" else value.reshape(-1)
            elif isinstance(container[key], (int, float)) and not isinstance(container[key], bool):
                container[key] = container[key] * draw(st.sampled_from([-1, 10 ** 20, 0.5]))
        except (KeyError, IndexError, TypeError, RuntimeError):
            pass  # a place an earlier mutation removed
    return record, draw(st.booleans())


_SIM = []


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations())
def test_fuzz_every_record_loads_cleanly_or_is_refused_changing_nothing(case):
    record, through_file = case
    if not _SIM:
        _SIM.append(create("gan", seed=11, **SMALL))
    sim = _SIM[0]
    before = fingerprint(sim)
    began = time.perf_counter()
    try:
        if through_file:
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "fuzz.pt")
                torch.save(record, path)
                sim.load(path)
        else:
            modelfile.load_record(sim, record)
    except ModelFileError as exc:
        assert isinstance(exc, ValueError) and "\n" not in str(exc)
        assert_unchanged(sim, before)
    else:  # a clean load: the run goes on
        assert sim.step(2) == 2 or sim.done
        sim.snapshot()
    assert time.perf_counter() - began < 20
