"""Long runs and long resets: memory and a snapshot's cost stay flat however long a run
goes; a long reset reports its progress and stops when asked, leaving the simulation as
it was (the engine's protocol, and the window's badge, Pause and closing)."""

import time

import numpy as np
import pytest

from mechgui.engine import create, to_jsonable
from mechgui.engine.base import Cancelled
from mechgui.engine.mexican_hat import RECENT_PROFILES, interconnection_weights, mexican_hat_update
from mechgui.engine.som.model import HISTORY_ROWS


def same_snapshot(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert to_jsonable(a[key]) == to_jsonable(b[key]), key


class Recorder:
    """A progress callback that records the fractions and says stop after ``calls``."""

    def __init__(self, calls: float = float("inf")) -> None:
        self.fractions: list[float] = []
        self.calls = calls

    def __call__(self, fraction: float) -> bool:
        self.fractions.append(fraction)
        return len(self.fractions) < self.calls


# -- Mexican Hat: a bounded number of profiles, copied once ----------------------------
def test_mexican_hat_keeps_the_signal_and_the_recent_profiles():
    rng = np.random.default_rng(0)
    params = dict(signal=np.round(rng.random(50), 3), t_max=200, c1=0.3, c2=-0.2, x_max=100)
    net = create("mexican_hat", **params)
    weights = interconnection_weights(1, 2, 0.3, -0.2)
    reference = [np.array(params["signal"], dtype=float)]
    for t in range(1, 41):
        net.step()
        reference.append(mexican_hat_update(reference[-1], weights, 100.0))
        snap = net.snapshot()
        steps = list(snap["profile_steps"])
        assert steps == [0] + list(range(max(1, t - RECENT_PROFILES + 1), t + 1))
        np.testing.assert_array_equal(snap["profiles"], np.array([reference[s] for s in steps]))
        np.testing.assert_array_equal(snap["activations"], reference[t])
    assert len(net.recent) == RECENT_PROFILES


def test_a_mexican_hat_snapshot_costs_the_same_at_t_2000_as_at_t_20():
    """10,000 units: the snapshot copied all t + 1 profiles (548 ms and 153 MB at t = 2000)."""
    signal = np.round(np.random.default_rng(1).random(10_000), 3)
    net = create("mexican_hat", signal=signal, t_max=10_000, c1=0.33, c2=-0.005, x_max=100)

    def snapshot_seconds():
        best = float("inf")
        for _ in range(3):
            net.step()
            began = time.perf_counter()
            snap = net.snapshot()
            best = min(best, time.perf_counter() - began)
        return best, snap

    net.step(17)
    early, _ = snapshot_seconds()
    net.step(2000 - net.step_count)
    late, snap = snapshot_seconds()
    assert snap["step"] == 2003 and snap["profiles"].shape == (RECENT_PROFILES + 1, 10_000)
    assert late < 5 * early + 0.02, f"{late * 1000:.1f} ms at t = 2003, {early * 1000:.1f} at t = 20"
    assert snap["profiles"] is net.snapshot()["profiles"]  # copied once per step shown


# -- SOM: a bounded history, with every epoch of a short run ---------------------------
def test_the_som_history_is_bounded_and_ends_with_the_last_epoch():
    net = create("som", dataset="custom", data=[[0.2, 0.4]], rows=1, cols=2, topology="linear",
                 epochs=1_000_000, seed=0)
    net.step(10)
    short = net.snapshot()
    assert list(short["history_epoch"]) == list(range(1, 11))
    assert short["history_quantization_error"][-1] == short["quantization_error"]
    net.step(HISTORY_ROWS + 500)  # halved once: every other epoch
    snap = net.snapshot()
    epochs = snap["history_epoch"]
    assert len(epochs) <= HISTORY_ROWS + 1 and epochs[0] == 1 and epochs[-1] == snap["epoch"]
    assert np.all(np.diff(epochs) > 0)
    for key in ("history_learning_rate", "history_radius", "history_quantization_error",
                "history_topographic_error"):
        assert snap[key].shape == epochs.shape
    assert snap["history_quantization_error"][-1] == snap["quantization_error"]


# -- the cancellation protocol ----------------------------------------------------------
def test_a_som_reset_reports_progress_and_gives_the_same_map():
    params = dict(rows=30, cols=30, points=5000, seed=4)
    plain = create("som", **params)
    watched = create("som", **params)
    progress = Recorder()
    watched.reset(progress=progress)
    same_snapshot(plain.snapshot(), watched.snapshot())
    fractions = progress.fractions
    assert len(fractions) > 5 and fractions[-1] == 1.0
    assert all(0 <= a <= b <= 1 for a, b in zip(fractions, fractions[1:]))
    assert "_progress" not in vars(watched)


def test_a_cancelled_som_reset_leaves_the_map_as_it_was():
    net = create("som", rows=6, cols=6, points=400, seed=2)
    twin = create("som", rows=6, cols=6, points=400, seed=2)
    net.step(250)
    twin.step(250)
    before = net.snapshot()
    for call in (lambda p: net.set_params(rows=40, cols=40, points=20_000, progress=p),
                 lambda p: net.reset(seed=9, progress=p)):
        with pytest.raises(Cancelled):
            call(Recorder(calls=3))
        assert net.params is twin.params or net.params.to_dict() == twin.params.to_dict()
        assert net.seed == 2 and "_progress" not in vars(net)
        same_snapshot(before, net.snapshot())
    net.step(400)
    twin.step(400)
    same_snapshot(twin.snapshot(), net.snapshot())


@pytest.fixture
def one_torch_thread():
    """As the window and the CLI train (a core left free): two threads on a busy
    two-core machine wait on each other for a hundred times as long."""
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_gan_pretraining_reports_progress_and_stops_when_asked(one_torch_thread):
    small = dict(hidden_layers=1, hidden_units=16, batch_size=64, seed=3)
    plain = create("gan", **small, pretrain_d=True, pretrain_steps=12)
    net = create("gan", **small)
    net.step(2)
    before = net.snapshot()
    with pytest.raises(Cancelled):
        net.set_params(pretrain_d=True, pretrain_steps=100_000, progress=Recorder(calls=5))
    assert not net.params.pretrain_d and net.step_count == 2
    same_snapshot(before, net.snapshot())
    progress = Recorder()
    net.set_params(pretrain_d=True, pretrain_steps=12, progress=progress)
    assert progress.fractions == [i / 12 for i in range(12)]
    for a, b in zip(plain.D.state_dict().values(), net.D.state_dict().values()):
        assert np.array_equal(a.numpy(), b.numpy())


# -- in the window: the badge, Pause and closing ----------------------------------------
BIG_SOM = dict(rows=100, cols=100, points=1_000_000)  # minutes of measuring before the fix


@pytest.fixture
def som_panel(qtbot, window):
    panel = window.show_tab("som")
    qtbot.waitUntil(lambda: panel.runner.is_ready, timeout=20_000)
    panel.load_preset("square-hexagonal")
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot["rows"] != 1,
                    timeout=10_000)
    yield panel
    assert panel.render_errors == [] and panel.runner.errors == []


@pytest.mark.gui
def test_a_long_reset_shows_its_progress_and_pause_stops_it(qtbot, som_panel):
    panel = som_panel
    rows = panel.form.params.rows
    badges = []
    panel.stateChanged.connect(lambda: badges.append(panel.transport.badge.text()))
    assert panel.submit_params(**BIG_SOM)
    qtbot.waitUntil(lambda: any("%" in b for b in badges), timeout=20_000)
    assert any(b.startswith("preparing… ") and b.endswith(" %") for b in badges)
    assert panel.transport.play_button.text() == "Pause"
    began = time.perf_counter()
    panel.toggle_play()  # Pause
    qtbot.waitUntil(lambda: panel._preparing is None, timeout=10_000)
    assert time.perf_counter() - began < 3.0
    qtbot.waitUntil(lambda: panel.form.params.rows == rows, timeout=5000)
    assert panel.snapshot["rows"] == rows and not panel.runner.playing
    assert "stopped" in panel.message.text()
    assert panel.transport.play_button.text() == "Play"


@pytest.mark.gui
def test_closing_the_window_stops_a_long_reset(qtbot, window, som_panel):
    panel = som_panel
    assert panel.submit_params(**BIG_SOM)
    qtbot.waitUntil(lambda: panel._preparing is not None, timeout=20_000)
    began = time.perf_counter()
    window.close()
    assert not panel.runner.is_running()
    assert time.perf_counter() - began < 3.0
