"""Kohonen SOM: Example 4.4 step by step, neighbourhoods of Figs 4.7/4.8, Examples 4.5-4.7."""

import json
import math
import subprocess
import sys
import time

import numpy as np
import pytest

import mechgui.engine.som.model as som_model
from mechgui.cli import main
from mechgui.engine import ParameterError, create, load_preset, model_class, presets
from mechgui.engine.som import (NEIGHBORHOODS, RADIUS_DECAYS, RATE_DECAYS, TOPOLOGIES, grid_distance,
                                grid_positions, lattice_edges, learning_rate_at, neighborhood_units,
                                radius_at, u_matrix, SOMParams)
from mechgui.engine.som import geometry, schedules

W0 = [[.2, .6, .5, .9], [.8, .4, .7, .3]]  # Example 4.4, units × inputs


def from_preset(name, **changes):
    preset = load_preset("som", name)
    cls = model_class("som")
    return cls(cls.Params.from_mapping({**preset.params, **changes}), seed=preset.seed)


def winning_units(sim):
    return sum(1 for labels in sim.maps()["label_map"] if labels)


def groups(sim):
    return sorted(sorted(labels) for labels in sim.maps()["label_map"] if labels)


# -- Example 4.4 -------------------------------------------------------------------
def test_example_4_4_first_epoch_step_by_step():
    net = from_preset("fausett-4.4")
    snap = net.snapshot()
    np.testing.assert_array_equal(snap["weights"], W0)
    assert snap["winner"] is None and snap["input"] is None and snap["learning_rate"] == 0.6
    # Step 3's D(1), D(2) and Step 4's J (book: J = 2, 1, 2, 1) for the four vectors
    printed_d = [(1.86, 0.98), (0.66, 2.2768), (1.8656, 0.6768), (0.7056, 2.724)]
    printed_w = [  # book: inputs × units; here transposed
        [[.2, .92], [.6, .76], [.5, .28], [.9, .12]],
        [[.08, .92], [.24, .76], [.20, .28], [.96, .12]],
        [[.08, .968], [.24, .304], [.20, .112], [.96, .048]],
        [[.032, .968], [.096, .304], [.680, .112], [.984, .048]],
    ]
    for k in range(4):
        assert net.step() == 1
        snap = net.snapshot()
        np.testing.assert_allclose(snap["distances"], printed_d[k], atol=5e-4)  # 2.7243 printed 2.724
        assert snap["winner"] == [1, 0, 1, 0][k]
        assert list(snap["updated"]) == [snap["winner"]]  # R = 0: only the winner learns
        np.testing.assert_allclose(snap["update_rates"], [0.6])
        np.testing.assert_allclose(snap["weights"].T, printed_w[k], atol=1e-12)
    assert snap["epoch"] == 1 and snap["sample"] == 0 and snap["status"] == "running"


def test_example_4_4_second_epoch_halves_alpha():
    net = from_preset("fausett-4.4")
    net.step_epoch()
    assert net.step() == 1 and net.snapshot()["learning_rate"] == pytest.approx(0.3)
    net.step(100)
    snap = net.snapshot()
    assert snap["status"] == "done" and snap["step"] == 8 and snap["epoch"] == 2
    exact = np.array([[.016, .984], [.047, .359], [.633, .055], [.992, .024]])
    np.testing.assert_allclose(snap["weights"].T, exact, atol=5e-4)
    # The book prints [[.016, .980], [.047, .360], [.630, .055], [.999, .024]]: it rounds .359
    # to .360 and misprints .984 as .980, .633 as .630 and .992 as .999.
    book = np.array([[.016, .980], [.047, .360], [.630, .055], [.999, .024]])
    assert np.sum(np.abs(snap["weights"].T - book) > 0.0015) == 3
    np.testing.assert_allclose(snap["history_learning_rate"], [0.6, 0.3])


def test_example_4_4_long_run_matches_the_printed_iterations_and_converges():
    net = from_preset("fausett-4.4-long")
    seen = {}
    while not net.done:
        net.step_epoch()
        seen[net.snapshot()["epoch"]] = net.snapshot()["weights"].T.copy()
    assert net.snapshot()["step"] == 400
    # Iteration 1 is printed to two decimals
    np.testing.assert_allclose(seen[1], [[.032, .970], [.096, .300], [.680, .110], [.980, .048]],
                               atol=5e-3)
    # Iteration 2: the book's −.17 is a misprint of .017 (and .0053 of .0058)
    np.testing.assert_allclose(seen[2], [[.0058, .9900], [.0170, .3000], [.7000, .0200], [1, .0086]],
                               atol=6e-3)
    for it, printed in {
        10: [[1.5e-7, 1], [4.6e-7, .37], [.63, 5.4e-7], [1, 2.3e-7]],
        50: [[1.9e-15, 1], [5.7e-15, .47], [.53, 6.6e-15], [1, 2.8e-15]],  # book: 1.9e-19
        100: [[6.7e-17, 1], [2.0e-16, .49], [.51, 2.3e-16], [1, 1.0e-16]],
    }.items():
        printed = np.array(printed)
        small = printed < 1e-3
        np.testing.assert_allclose(seen[it][small], printed[small], rtol=0.05)
        np.testing.assert_allclose(seen[it][~small], printed[~small], atol=0.01)
    np.testing.assert_allclose(net.snapshot()["weights"], [[0, 0, .5, 1], [1, .5, 0, 0]], atol=0.01)
    assert net.snapshot()["history_learning_rate"][-1] == pytest.approx(0.01)


# -- neighbourhoods, geometry ------------------------------------------------------
@pytest.mark.parametrize("topology, radius, count", [
    ("rectangular", 1, 9), ("rectangular", 2, 25), ("hexagonal", 1, 7), ("hexagonal", 2, 19),
    ("linear", 1, 3), ("linear", 2, 5), ("diamond", 1, 5), ("diamond", 2, 13), ("none", 2, 1),
])
def test_neighbourhood_sizes_for_an_interior_winner(topology, radius, count):
    rows = cols = 7
    centre = 3 * cols + 3
    assert len(neighborhood_units(rows, cols, topology, centre, radius)) == count
    # the same through the engine: one input equal to the centre unit's weights
    weights = np.ones((rows * cols, 2))
    weights[centre] = 0
    net = create("som", dataset="custom", data=[[0.0, 0.0]], rows=rows, cols=cols, topology=topology,
                 neighborhood="hard", radius=radius, radius_decay="constant", learning_rate=0.5,
                 initial_weights=weights)
    net.step()
    snap = net.snapshot()
    assert snap["winner"] == centre and len(snap["updated"]) == count
    assert np.all(snap["update_rates"] == 0.5)
    learned = np.flatnonzero(np.any(snap["weights"] != weights, axis=1))
    assert sorted(learned) == sorted(set(snap["updated"]) - {centre})  # the centre already equals x


def test_gaussian_rates_follow_the_grid_distance():
    net = create("som", dataset="custom", data=[[0.0, 0.0]], rows=9, cols=9, topology="hexagonal",
                 neighborhood="gaussian", radius=1.5, radius_decay="constant", learning_rate=0.4,
                 initial_weights=np.where(np.arange(81)[:, None] == 40, 0.0, 1.0) * np.ones((81, 2)))
    net.step()
    snap = net.snapshot()
    d = grid_distance(9, 9, "hexagonal", 40, snap["updated"])
    np.testing.assert_allclose(snap["update_rates"], 0.4 * np.exp(-d ** 2 / (2 * 1.5 ** 2)))
    # cut off where h < 0.001: d² ≤ 2·1.5²·ln 1000 = 31.1, so d ≤ 5 learns and the far corners don't
    everyone = grid_distance(9, 9, "hexagonal", 40, np.arange(81))
    assert everyone.max() == 6
    np.testing.assert_array_equal(snap["updated"], np.flatnonzero(everyone <= 5))


def test_hexagonal_drawing_uses_the_same_convention_as_the_distances():
    rows, cols = 5, 6
    pos = grid_positions(rows, cols, "hexagonal")
    a, b = np.triu_indices(rows * cols, 1)
    drawn = np.linalg.norm(pos[a] - pos[b], axis=1)
    grid = grid_distance(rows, cols, "hexagonal", a, b)
    np.testing.assert_allclose(drawn[grid == 1], 1.0)
    assert np.all(drawn[grid > 1] > 1.5)
    edges = lattice_edges(rows, cols, "hexagonal")
    assert sorted(map(tuple, edges)) == sorted(zip(a[grid == 1], b[grid == 1]))
    # odd rows shifted right by half a cell, rows √3/2 apart
    np.testing.assert_allclose(pos[cols], [0.5, math.sqrt(3) / 2])


def test_lattice_edges_and_positions():
    assert len(lattice_edges(3, 4, "rectangular")) == 3 * 3 + 2 * 4
    np.testing.assert_array_equal(lattice_edges(3, 4, "rectangular"), lattice_edges(3, 4, "diamond"))
    assert lattice_edges(3, 4, "none").shape == (0, 2)
    np.testing.assert_array_equal(lattice_edges(1, 4, "linear"), [[0, 1], [1, 2], [2, 3]])
    pos = grid_positions(2, 3, "linear")  # the chain snakes: 0 1 2 / 5 4 3
    np.testing.assert_array_equal(pos, [[0, 0], [1, 0], [2, 0], [2, 1], [1, 1], [0, 1]])
    np.testing.assert_array_equal(grid_positions(2, 2, "rectangular"), [[0, 0], [1, 0], [0, 1], [1, 1]])
    net = create("som", rows=3, cols=4, topology="hexagonal")
    np.testing.assert_array_equal(net.edges(), lattice_edges(3, 4, "hexagonal"))
    assert net.positions().shape == (12, 2)


def test_u_matrix_and_topographic_error_on_hand_checked_maps():
    # 2×2 map: w0 = (0,0), w1 = (5,0), w2 = (0,5), w3 = (1,1).  Input (.3,.3) is won by unit 0,
    # runner-up unit 3 (diagonal: Chebyshev 1, Manhattan 2, hexagonal 2, index 3); input (4.6, .4)
    # is won by unit 1, runner-up unit 3 (Chebyshev 1, Manhattan 1, hexagonal 1, index 2).
    weights = [[0, 0], [5, 0], [0, 5], [1, 1]]
    data = [[.3, .3], [4.6, .4]]
    expected_te = {"rectangular": 0.0, "diamond": 0.5, "hexagonal": 0.5, "linear": 1.0, "none": 1.0}
    s2 = math.sqrt(2)
    d12 = math.sqrt(50)
    d13 = math.sqrt(17)
    expected_u = {  # mean distance to the units at grid distance 1
        "rectangular": [(5 + 5 + s2) / 3, (5 + d12 + d13) / 3, (5 + d12 + d13) / 3, (s2 + 2 * d13) / 3],
        "diamond": [5, (5 + d13) / 2, (5 + d13) / 2, d13],
        "hexagonal": [5, (5 + d12 + d13) / 3, (5 + d12 + d13) / 3, d13],  # 0-1, 0-2, 1-2, 1-3, 2-3
        "linear": [5, (5 + d12) / 2, (d12 + d13) / 2, d13],
    }
    for topology, te in expected_te.items():
        net = create("som", dataset="custom", data=data, rows=2, cols=2, topology=topology,
                     initial_weights=weights)
        assert net.snapshot()["topographic_error"] == te, topology
        assert net.snapshot()["quantization_error"] == pytest.approx(
            (math.hypot(.3, .3) + math.hypot(.4, .4)) / 2)
        maps = net.maps()
        if topology == "none":
            assert np.all(np.isnan(maps["u_matrix"]))
        else:
            np.testing.assert_allclose(maps["u_matrix"], expected_u[topology], err_msg=topology)
        np.testing.assert_array_equal(maps["hit_map"], [1, 1, 0, 0])
        assert [list(x) for x in maps["label_map"]] == [["1"], ["2"], [], []]


# -- letters (Examples 4.5-4.7) ------------------------------------------------------
def test_topology_spreads_the_letters_over_more_units():
    for seed in range(4):
        counts = {}
        for name in ("fausett-4.5", "fausett-4.6", "fausett-4.7"):
            net = from_preset(name, epochs=30)
            net.reset(seed)
            net.step(net.run_limit)
            counts[name] = winning_units(net)
        assert counts["fausett-4.5"] < counts["fausett-4.6"], (seed, counts)
        assert counts["fausett-4.5"] < counts["fausett-4.7"], (seed, counts)


def test_letter_presets_reproduce_the_books_tables():
    book = {
        "fausett-4.5": [["C1", "C2", "C3"], ["B1", "B3", "D1", "D3", "E1", "K1", "K3", "E3"],
                        ["A1", "A2", "A3"], ["J1", "J2", "J3"], ["B2", "D2", "E2", "K2"]],
        "fausett-4.6": [["K2"], ["J1", "J2", "J3"], ["E1", "E3"], ["K1", "K3"], ["B1", "B3", "D1", "D3"],
                        ["C1", "C2", "C3"], ["D2"], ["B2", "E2"], ["A1", "A2", "A3"]],
        "fausett-4.7": [["J1", "J2", "J3"], ["D2"], ["C1", "C2", "C3"], ["D1", "D3"], ["B2", "E2"],
                        ["B1"], ["K2"], ["E1", "E3", "B3"], ["A3"], ["K1", "K3"], ["A1", "A2"]],
    }
    for name, table in book.items():
        net = from_preset(name)
        net.step(net.run_limit)
        assert net.status == "done" and net.step_count == 2100
        assert groups(net) == sorted(sorted(g) for g in table), name
        assert net.snapshot()["input_shape"] == (9, 7)


# -- stepping, schedules, status -------------------------------------------------------
@pytest.mark.parametrize("topology, neighborhood", [("rectangular", "gaussian"), ("hexagonal", "hard"),
                                                    ("linear", "gaussian"), ("diamond", "hard")])
def test_bulk_steps_equal_single_steps_and_the_numpy_path(topology, neighborhood, monkeypatch):
    kw = dict(dataset="blobs", points=37, rows=4, cols=5, topology=topology, neighborhood=neighborhood,
              radius=2, radius_final=0.5, epochs=3, order="shuffled", init="sample")
    bulk = create("som", seed=7, **kw)
    assert bulk.step(1000) == 111 and bulk.status == "done"
    single = create("som", seed=7, **kw)
    for _ in range(111):
        single.step()
    a, b = bulk.snapshot(), single.snapshot()
    for key in ("weights", "history_quantization_error", "history_topographic_error", "history_radius",
                "updated", "update_rates", "distances"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert a["winner"] == b["winner"] and a["input_index"] == b["input_index"]
    monkeypatch.setattr(som_model, "_kernels", False)  # as without numba
    slow = create("som", seed=7, **kw)
    slow.step(50)
    slow.step(61)
    np.testing.assert_allclose(slow.snapshot()["weights"], a["weights"], atol=1e-12)
    assert slow.snapshot()["winner"] == a["winner"]


def test_epochs_history_and_status():
    net = create("som", points=50, rows=3, cols=3, epochs=4, seed=0)
    assert net.samples_per_epoch == 50
    assert net.step(120) == 120
    snap = net.snapshot()
    assert snap["epoch"] == 2 and snap["sample"] == 20 and snap["status"] == "running"
    assert list(snap["history_epoch"]) == [1, 2] and len(snap["history_quantization_error"]) == 2
    assert snap["quantization_error"] == snap["history_quantization_error"][-1]
    assert net.step_epoch() == 30 and net.snapshot()["epoch"] == 3
    assert net.step(1000) == 50 and net.done and net.step(5) == 0
    assert len(net.snapshot()["history_topographic_error"]) == 4
    # more epochs, changed live, resume a finished run without a reset
    assert net.set_params(epochs=5) is False and not net.done
    assert net.step(1000) == 50 and net.snapshot()["epoch"] == 5


def test_schedules():
    p = SOMParams(learning_rate=0.6, learning_rate_final=0.01, learning_rate_decay="linear", epochs=5,
                  radius=4, radius_final=0, radius_decay="linear")
    np.testing.assert_allclose([learning_rate_at(p, e) for e in range(5)], np.linspace(0.6, 0.01, 5))
    np.testing.assert_allclose([radius_at(p, e) for e in range(5)], [4, 3, 2, 1, 0])
    p = p.replace(learning_rate_decay="geometric", radius_decay="at-epochs", radius_epochs="2, 3, 4",
                  radius_final=1.5)
    np.testing.assert_allclose([learning_rate_at(p, e) for e in (0, 4)], [0.6, 0.01])
    assert [radius_at(p, e) for e in range(5)] == [4, 4, 3, 2, 1.5]
    p = p.replace(learning_rate_factor=0.5)
    assert [learning_rate_at(p, e) for e in range(3)] == [0.6, 0.3, 0.15]


def test_hard_radius_reduced_at_epochs_shrinks_the_neighbourhood():
    net = create("som", dataset="custom", data=[[0.5, 0.5]], rows=5, cols=5, neighborhood="hard",
                 radius=2, radius_decay="at-epochs", radius_epochs="1, 2", radius_final=0, epochs=3,
                 init="random", seed=3)
    sizes = []
    for _ in range(3):
        net.step()
        sizes.append(net.snapshot()["radius"])
    assert sizes == [2, 1, 0] and len(net.snapshot()["updated"]) == 1


@pytest.mark.parametrize("init", ["random", "sample", "pca"])
@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_every_init_and_topology_trains_to_finite_values(init, topology):
    net = create("som", dataset="l-shape", points=60, rows=4, cols=3, topology=topology, init=init,
                 epochs=2, seed=1)
    first = net.snapshot()["weights"]
    assert first.shape == (12, 2)
    if init == "pca":  # the plane of the data: centred on its mean
        np.testing.assert_allclose(first.mean(axis=0), net.data.mean(axis=0), atol=1e-12)
    net.step(net.run_limit)
    snap = net.snapshot()
    for key, value in snap.items():
        if key == "u_matrix" and topology == "none":
            assert np.all(np.isnan(value))  # no unit has a neighbour
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            assert np.all(np.isfinite(value)), key
        elif isinstance(value, float):
            assert math.isfinite(value), key
    assert snap["status"] == "done" and 0 <= snap["topographic_error"] <= 1


def test_snapshot_is_frozen_and_cheap_on_a_30x30_map():
    net = create("som", rows=30, cols=30, points=1000, seed=0)
    net.step(1500)
    snap = net.snapshot()
    with pytest.raises(ValueError):
        snap["weights"][0, 0] = 1
    start = time.perf_counter()
    for _ in range(60):
        net.snapshot()
    assert (time.perf_counter() - start) / 60 < 0.004  # far below a 60 fps frame



def test_the_data_travels_in_the_snapshot_frozen_once_per_reset():
    net = create("som", dataset="letters", rows=3, cols=3, epochs=2, seed=0)
    first = net.snapshot()
    net.step(5)
    second = net.snapshot(detail=False)
    assert second["data"] is first["data"] and second["labels"] is first["labels"]
    assert first["data"].shape == (21, 63) and not first["data"].flags.writeable
    assert first["labels"][:3] == ("A1", "B1", "C1") and len(first["labels"]) == 21
    np.testing.assert_array_equal(second["input"], first["data"][second["input_index"]])
    net.reset()
    again = net.snapshot()
    assert again["data"] is not first["data"]
    np.testing.assert_array_equal(again["data"], first["data"])
    assert create("som", points=7).snapshot()["labels"] == tuple("1234567")


def test_a_snapshot_without_detail_keeps_the_last_maps():
    net = create("som", points=80, rows=4, cols=4, epochs=3, seed=2)
    net.step(10)
    detailed = net.snapshot()
    assert detailed["detail"] is True and detailed["detail_step"] == 10
    net.step(50)
    quick = net.snapshot(detail=False)
    assert quick["detail"] is False and quick["step"] == 60 and quick["detail_step"] == 10
    for key in net.detail_keys:
        assert quick[key] is detailed[key], key
    assert not np.array_equal(quick["weights"], detailed["weights"])
    fresh = net.snapshot()
    assert fresh["detail_step"] == 60
    np.testing.assert_array_equal(fresh["u_matrix"], u_matrix(fresh["weights"], 4, 4, "rectangular"))
    assert fresh["hit_map"].sum() == 80 and len(fresh["data_winners"]) == 80
    net.set_params(learning_rate=0.2)  # live: no reset, but the maps are computed again
    assert net.snapshot(detail=False)["detail"] is True
    net.reset()
    assert net.snapshot(detail=False)["detail_step"] == 0


def test_the_parameters_load_without_numba_or_the_model(python):
    code = ("import sys, mechgui.engine.som.params\n"
            "assert 'numba' not in sys.modules and 'mechgui.engine.som.kernels' not in sys.modules\n"
            "from mechgui.engine import create\n"
            "create('som', points=20, rows=2, cols=2).snapshot()\n"
            "assert 'numba' not in sys.modules  # the kernels load on the first training call\n")
    python(code)


def test_the_named_choices_have_their_functions_and_kernel_codes():
    assert tuple(schedules.RATE_DECAY_FUNCTIONS) == RATE_DECAYS
    assert tuple(schedules.RADIUS_DECAY_FUNCTIONS) == RADIUS_DECAYS
    assert tuple(schedules.NEIGHBORHOOD_FUNCTIONS) == NEIGHBORHOODS
    assert tuple(geometry.TOPOLOGY_CODE) == TOPOLOGIES
    from mechgui.engine.som import kernels
    codes = (kernels.RECTANGULAR, kernels.HEXAGONAL, kernels.DIAMOND, kernels.LINEAR, kernels.NONE)
    assert codes == tuple(geometry.TOPOLOGY_CODE.values())

def test_presets_are_valid_and_named_as_promised():
    names = presets("som")
    for name in ("fausett-4.4", "fausett-4.4-long", "fausett-4.5", "fausett-4.6", "fausett-4.7",
                 "square-10x10", "square-hexagonal", "twisted"):
        assert name in names
    for name, preset in names.items():
        model_class("som").Params.from_mapping(preset.params)
    for name in ("fausett-4.5", "fausett-4.6", "fausett-4.7", "square-10x10", "twisted"):
        assert f"seed {names[name].seed}" in names[name].description


def test_a_too_fast_radius_leaves_the_map_twisted():
    def flipped_cells(sim):
        w = sim.snapshot()["weights"].reshape(10, 10, 2)
        a, b = w[:-1, 1:] - w[:-1, :-1], w[1:, :-1] - w[:-1, :-1]
        sign = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0] > 0
        return min(sign.mean(), 1 - sign.mean())

    good, bad = from_preset("square-10x10"), from_preset("twisted")
    for net in (good, bad):
        net.step(net.run_limit)
    assert flipped_cells(good) == 0 and flipped_cells(bad) > 0.3
    assert bad.snapshot()["topographic_error"] > good.snapshot()["topographic_error"]


# -- parameters ---------------------------------------------------------------------------
@pytest.mark.parametrize("changes, name", [
    (dict(dataset="custom"), "data"),
    (dict(data=[[1, 2]]), "data"),
    (dict(initial_weights=[[0, 0]]), "initial_weights"),
    (dict(dataset="fausett-4.4", rows=1, cols=2, initial_weights=[[0, 0], [1, 1]]), "initial_weights"),
    (dict(radius=0, radius_decay="geometric"), "radius"),
    (dict(radius_final=0, radius_decay="geometric"), "radius_final"),
    (dict(radius_decay="at-epochs"), "radius_epochs"),
    (dict(radius_epochs="1.5"), "radius_epochs"),
    (dict(learning_rate_final=0, learning_rate_decay="geometric"), "learning_rate_final"),
    (dict(topology="None"), "topology"),
])
def test_invalid_combinations_name_the_parameter(changes, name):
    with pytest.raises(ParameterError) as info:
        create("som", **changes)
    assert info.value.name == name


def test_topology_none_is_a_value_not_auto():
    assert create("som", topology="none", rows=2, cols=2, points=10).params.topology == "none"
    assert SOMParams.spec("topology").parse("none") == "none"


# -- command line -------------------------------------------------------------------------
def test_example_4_4_through_the_cli(capsys):
    assert main(["run", "som", "--preset", "fausett-4.4", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["status"] == "done" and record["steps"] == 8
    frames = record["frames"]
    assert [f["step"] for f in frames] == list(range(9))
    assert [f["winner"] for f in frames[1:5]] == [1, 0, 1, 0]
    np.testing.assert_allclose(np.array(frames[4]["weights"]).T,
                               [[.032, .968], [.096, .304], [.680, .112], [.984, .048]], atol=1e-12)
    np.testing.assert_allclose(np.array(frames[8]["weights"]).T,
                               [[.016, .984], [.047, .359], [.633, .055], [.992, .024]], atol=5e-4)


def test_python_dash_m_runs_the_som():
    proc = subprocess.run([sys.executable, "-m", "mechgui", "run", "som", "--preset", "fausett-4.4",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["frames"][-1]["epoch"] == 2
    table = subprocess.run([sys.executable, "-m", "mechgui", "run", "som", "--preset", "fausett-4.4"],
                           capture_output=True, text=True, timeout=120)
    assert table.returncode == 0 and "done" in table.stdout and "x(4)" in table.stdout


# -- the notes' "Extensions of SOM": hyper-ellipses and fuzzy memberships ---------------------
ELONGATED = {"dataset": "elongated", "points": 600, "data_seed": 0, "rows": 1, "topology": "none",
             "learning_rate": 0.5, "learning_rate_decay": "linear", "learning_rate_final": 0.01,
             "epochs": 30, "init": "sample"}


def trained(seed=0, **params):
    sim = create("som", seed=seed, **params)
    sim.step(sim.run_limit)
    assert sim.done
    return sim


def axis_angle(a, b):
    """Degrees between two directions (lines, not arrows)."""
    cosine = abs(float(a @ b)) / np.linalg.norm(a) / np.linalg.norm(b)
    return math.degrees(math.acos(min(1.0, cosine)))


@pytest.mark.parametrize("seed", [0, 1])
def test_two_ellipse_units_align_with_the_clusters_and_beat_two_circles(seed):
    """Two elongated Gaussian clusters (standard deviations 0.16 along, 0.022 across, at 35° and
    −50°): each of the two units' Σ_j has its eigenvectors within 10° of its cluster's
    covariance (the long axis of the cluster is Σ_j's smallest eigenvalue: Σ_j ∝ C⁻¹), and
    the quantization error (each unit measured with its own D(j)) beats the standard SOM's
    with two units by far; the standard SOM needs more than three units to do as well."""
    from mechgui.engine.som.clusters import cluster_covariances

    ellipses = trained(seed, cols=2, distance="ellipse", **ELONGATED)
    snap = ellipses.snapshot()
    centres, covs = cluster_covariances("elongated")
    clusters = []
    for w, sigma in zip(snap["weights"], snap["sigmas"]):
        k = int(np.argmin(((centres - w) ** 2).sum(axis=1)))
        clusters.append(k)
        _, vectors = np.linalg.eigh(sigma)
        _, true = np.linalg.eigh(covs[k])
        assert axis_angle(vectors[:, 0], true[:, 1]) < 10  # along the cluster
        assert axis_angle(vectors[:, 1], true[:, 0]) < 10  # across it
        assert np.linalg.det(sigma) == pytest.approx(1.0, abs=1e-9)
        np.testing.assert_allclose(sigma, sigma.T, atol=1e-12)
        assert np.all(np.linalg.eigvalsh(sigma) > 0)
    assert sorted(clusters) == [0, 1]
    qe = snap["quantization_error"]
    circles = {k: trained(seed, cols=k, **ELONGATED).quantization_error for k in (2, 3, 5)}
    assert qe < 0.6 * circles[2]
    assert circles[3] > qe > circles[5]
    # QE is each unit's own D(J): mean over the inputs of √((w_J − x)ᵀ Σ_J (w_J − x))
    d = np.einsum("sji,jik,sjk->sj", snap["weights"][None] - snap["data"][:, None],
                  snap["sigmas"], snap["weights"][None] - snap["data"][:, None])
    assert qe == pytest.approx(np.mean(np.sqrt(d.min(axis=1))), rel=1e-12)
    assert snap["history_quantization_error"][-1] == qe


def test_one_ellipse_step_by_hand():
    """One unit at w = (0, 0) with Σ = I; x = (1, 0), α = .5, β = .2 (s² = 1: one input).
    D = 1.  w ← w + α (x − w) = (.5, 0).  Σ: r rᵀ = diag(1, 0), λ = (rᵀ Σ⁻¹ r) / tr(Σ⁻²) = 1/2,
    Σ − β α (r rᵀ − λ Σ⁻¹) = I − .1 diag(.5, −.5) = diag(.95, 1.05), det .9975, scaled by
    1/√.9975 to det 1: diag(.951190…, 1.051315…)."""
    sim = create("som", dataset="custom", data=[[1.0, 0.0]], rows=1, cols=1, topology="none",
                 distance="ellipse", sigma_rate=0.2, learning_rate=0.5, epochs=2,
                 initial_weights=[[0.0, 0.0]], seed=0)
    np.testing.assert_array_equal(sim.snapshot()["sigmas"], [np.eye(2)])
    sim.step()
    snap = sim.snapshot()
    assert snap["distances"][0] == 1.0
    np.testing.assert_array_equal(snap["weights"], [[0.5, 0.0]])
    root = math.sqrt(0.95 * 1.05)
    np.testing.assert_allclose(snap["sigmas"][0], np.diag([0.95 / root, 1.05 / root]),
                               rtol=0, atol=1e-15)
    assert snap["sigmas"][0][0, 0] == pytest.approx(0.9511897312113419, abs=1e-15)
    # the next input is measured with the new Σ: D = (w − x)ᵀ Σ (w − x) = .25 · .951190…
    sim.step()
    assert sim.snapshot()["distances"][0] == pytest.approx(0.25 * 0.95 / root, abs=1e-15)


def test_fuzzy_memberships_by_hand_and_they_sum_to_one():
    """D = (1, 4), m = 2: u1 = 1/(1 + 1/4) = .8, u2 = 1/(4 + 1) = .2; m = 3: exponents 1/2,
    u1 = 1/(1 + .5) = 2/3.  An input on a unit belongs to it alone."""
    from mechgui.engine.som.extended import fcm_memberships

    np.testing.assert_allclose(fcm_memberships(np.array([1.0, 4.0]), 2.0), [0.8, 0.2], atol=1e-15)
    np.testing.assert_allclose(fcm_memberships(np.array([1.0, 4.0]), 3.0), [2 / 3, 1 / 3],
                               atol=1e-15)
    np.testing.assert_array_equal(fcm_memberships(np.array([0.0, 4.0, 0.0]), 2.0), [0.5, 0, 0.5])
    sim = create("som", dataset="overlapping", points=300, rows=2, cols=3, topology="none",
                 init="sample", membership="fuzzy", fuzzifier=1.7, epochs=3, seed=4)
    for _ in range(3):
        sim.step(137)
        snap = sim.snapshot()
        u = snap["memberships"]
        assert u.shape == (300, 6) and np.all(u >= 0)
        np.testing.assert_allclose(u.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert snap["input_memberships"].sum() == pytest.approx(1.0, abs=1e-12)
        assert np.argmax(snap["input_memberships"]) == snap["winner"]
        # u_j = 1 / Σ_k (D(j)/D(k))^(1/(m−1)) for the last input
        d = snap["distances"]
        expected = 1.0 / ((d[:, None] / d[None, :]) ** (1 / 0.7)).sum(axis=1)
        np.testing.assert_allclose(snap["input_memberships"], expected, rtol=1e-12)
    assert 0.2 < u.max(axis=1).mean() < 0.95  # soft: most inputs belong to several units


@pytest.mark.parametrize("map_params", [
    {"rows": 3, "cols": 3, "topology": "rectangular", "neighborhood": "gaussian", "radius": 2,
     "radius_final": 0.3, "init": "random"},
    {"rows": 1, "cols": 3, "topology": "none", "init": "sample"},
    {"rows": 1, "cols": 6, "topology": "linear", "neighborhood": "gaussian", "radius": 2,
     "radius_decay": "at-epochs", "radius_epochs": [3, 6], "init": "pca"},
])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fuzzy_with_m_near_1_gives_the_hard_soms_weights(map_params, seed):
    """m → 1: the memberships become 1 for the winner and 0 for the others, and every unit
    k's weight u_k^m leaves the winner's neighbourhood alone: the same weights as the hard
    SOM (compiled kernels) on the same seed, to the last bit; a softer m gives others.
    (Maps whose units never sit on the same point: an exact tie splits the membership.)"""
    common = {"dataset": "overlapping", "points": 300, "epochs": 10, **map_params}
    hard = trained(seed, **common).weights
    near = trained(seed, membership="fuzzy", fuzzifier=1 + 1e-6, **common).weights
    np.testing.assert_array_equal(near, hard)
    soft = trained(seed, membership="fuzzy", fuzzifier=1.5, **common).weights
    assert np.abs(soft - hard).max() > 1e-3


def test_the_extensions_take_any_map_and_their_live_knobs():
    sim = create("som", dataset="blobs", points=200, rows=4, cols=4, topology="hexagonal",
                 distance="ellipse", membership="fuzzy", epochs=4, seed=1)
    assert not sim.steps_release_gil and create("som").steps_release_gil == som_model._NUMBA
    sim.step(250)
    snap = sim.snapshot()
    assert snap["sigmas"].shape == (16, 2, 2) and snap["fuzzifier"] == 1.2
    assert snap["memberships"].shape == (200, 16) and len(snap["updated"]) > 1
    np.testing.assert_allclose(np.linalg.det(snap["sigmas"]), 1.0, atol=1e-9)
    assert not sim.set_params(fuzzifier=3.0, sigma_rate=0.3)  # live: no reset
    assert sim._ext.fuzzifier == 3.0 and sim._ext.sigma_rate == 0.3 and sim.step_count == 250
    sim.step(sim.run_limit)
    assert sim.done and np.all(np.isfinite(sim.weights))
    assert np.isfinite(sim.snapshot()["topographic_error"])
    plain = create("som", dataset="elongated", points=50)
    snap = plain.snapshot()
    assert snap["sigmas"] is None and snap["memberships"] is None
    assert snap["distance"] == "euclidean" and snap["membership"] == "hard"


def test_ellipse_outline_is_the_level_set():
    from mechgui.engine.som.extended import ellipse_outline

    sigma = np.array([[4.0, 1.0], [1.0, 0.5]])
    sigma /= math.sqrt(np.linalg.det(sigma))
    points = ellipse_outline(np.array([0.3, 0.4]), sigma, 0.2)
    r = points - [0.3, 0.4]
    np.testing.assert_allclose(np.einsum("si,ik,sk->s", r, sigma, r), 0.04, rtol=1e-12)


@pytest.mark.parametrize("changes, name", [
    ({"distance": "ellipse", "rows": 30, "cols": 30}, "distance"),
    ({"membership": "fuzzy", "rows": 30, "cols": 30}, "membership"),
    ({"distance": "ellipse", "dataset": "letters"}, "distance"),
    ({"membership": "fuzzy", "fuzzifier": 1}, "fuzzifier"),
    ({"distance": "mahalanobis"}, "distance"),
    ({"sigma_rate": 0}, "sigma_rate"),
])
def test_the_extensions_refuse_bad_values_naming_them(changes, name):
    with pytest.raises(ParameterError) as info:
        create("som", **changes)
    assert info.value.name == name and "\n" not in str(info.value)


def test_extended_presets_and_the_cli(capsys):
    for name in ("ellipse-2", "circles-2", "circles-5", "overlapping-hard", "overlapping-fuzzy"):
        assert name in presets("som")
    assert main(["run", "som", "--preset", "ellipse-2", "--steps", "2"]) == 0
    assert "distance='ellipse'" in capsys.readouterr().out
    assert main(["run", "som", "--set", "membership=fuzzy", "--set", "fuzzifier=0.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: fuzzifier=0.5 is not allowed: expected a number in (1, 10]"]
