"""Kohonen SOM panel: the lattice and the highlights as drawn, the map, the curves, the data."""

import os
import sys
import time
from itertools import combinations

import numpy as np
import pytest

from mechgui.app.panels.som import (
    cell_index_image,
    cell_outlines,
    chain_walls,
    shown_grid,
    unit_maps,
)
from mechgui.engine import create, datasets
from mechgui.engine.som import (
    best_two_units,
    grid_positions,
    lattice_edges,
    u_matrix,
)
from stallmeter import StallMeter

from driving import wait_for

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot, window):
    panel = window.show_tab("som")
    yield panel
    assert panel.render_errors == []
    assert panel.runner.errors == []


def _load_csv(qtbot, panel, path, ok=True, timeout=20000):
    """Load a CSV file through the panel and wait until it is read (and trained on)."""
    with qtbot.waitSignal(panel.csvFinished, timeout=timeout) as blocker:
        panel.load_csv_file(str(path))
    assert blocker.args == [ok], panel.message.text()


def _xy(item):
    x, y = item.getData()
    return np.column_stack([np.asarray(x, float), np.asarray(y, float)]) if x is not None \
        else np.empty((0, 2))


def _scatter(item):
    x, y = item.getData()
    return np.column_stack([x, y])


def test_geometry_helpers():
    index, rect = cell_index_image(3, 4, "rectangular", res=1)
    assert index.tolist() == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    index, _ = cell_index_image(2, 3, "linear", res=1)
    assert index.tolist() == [[0, 1, 2], [5, 4, 3]]  # the chain snakes
    index, (left, top, width, height) = cell_index_image(4, 5, "hexagonal", res=20)
    pos = grid_positions(4, 5, "hexagonal")
    # every unit covers the pixel at its centre, and about the area of its hexagon
    for unit, (x, y) in enumerate(pos):
        col = int((x - left) / width * index.shape[1])
        row = int((y - top) / height * index.shape[0])
        assert index[row, col] == unit
    area = np.bincount(index[index >= 0]) * (width / index.shape[1]) * \
        (height / index.shape[0])
    np.testing.assert_allclose(area, np.sqrt(3) / 2, rtol=0.08)  # hexagon of inradius 1/2
    assert cell_outlines(4, 5, "hexagonal").shape == (20 * 6 * 2, 2)
    som = create("som", seed=1, rows=6, cols=5, topology="hexagonal", points=200)
    som.step(300)
    maps = unit_maps(np.asarray(som.data), np.asarray(som.weights), 6, 5, "hexagonal")
    engine = som.maps()
    np.testing.assert_allclose(maps["u_matrix"], engine["u_matrix"])
    np.testing.assert_array_equal(maps["hits"], engine["hit_map"])
    np.testing.assert_array_equal(maps["winners"], engine["winners"])


def test_a_long_chain_is_folded_into_rows():
    assert shown_grid(1, 12, "linear") == (1, 12)  # short enough for one row
    assert shown_grid(1, 25, "linear") == shown_grid(25, 1, "linear") == (5, 5)
    assert shown_grid(1, 40, "linear") == (6, 7)  # the last two cells stay empty
    assert shown_grid(1, 25, "rectangular") == (1, 25)  # only linear chains fold
    assert shown_grid(2, 20, "linear") == (2, 20)
    # a chain of 5 drawn 2 × 3 snakes as 0 1 2 / · 4 3: unit 1 sits above unit 4, not a
    # neighbour (a wall between them); 2 above 3 is the turn, and nothing is under 0
    walls = chain_walls(2, 3, 5).reshape(-1, 2, 2)
    np.testing.assert_array_equal(walls, [[[0.5, 0.5], [1.5, 0.5]]])


def test_linear_chain_is_readable_in_lecture_mode(qtbot, window, panel):
    """Example 4.6's chain of 25 units: its cells' labels fit the map and never overlap."""
    window.resize(1400, 860)
    window.set_lecture_mode(True)
    panel.load_preset("fausett-4.6")
    panel.set_speed(0)
    panel.play()
    wait_for(qtbot, panel, lambda s: s["done"] and s["cols"] == 25, timeout=15000)
    qtbot.wait(50)
    labels = [label for label in panel.map.unit_labels if label.toPlainText()]
    assert len(labels) >= 7  # the book's 9 groups (seed 431)
    margin = 4  # the text's own margin around the visible (filled) box
    boxes = [label.sceneBoundingRect().adjusted(margin, margin, -margin, -margin)
             for label in labels]
    for a, b in combinations(boxes, 2):
        assert not a.intersects(b), (a, b)
    view = panel.map.plot.getViewBox().sceneBoundingRect()
    for box in boxes:
        assert view.contains(box), (box, view)
    cells = panel.map.cells_item.sceneBoundingRect()
    assert cells.height() > 0.5 * view.height()  # not a thin strip
    assert "1×25 linear" in panel.map.plot.titleLabel.text
    window.set_lecture_mode(False)


def test_lattice_and_highlights_equal_the_snapshot(qtbot, panel):
    panel.load_preset("square-hexagonal")
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["topology"] == "hexagonal")
    edges = lattice_edges(10, 10, "hexagonal")
    for step in (1, 2, 3):
        panel.step_once()
        wait_for(qtbot, panel, lambda s, k=step: s["step"] == k)
        snap = panel.snapshot
        w = np.asarray(snap["weights"])
        np.testing.assert_array_equal(_xy(panel.space.lattice_item), w[edges].reshape(-1, 2))
        np.testing.assert_array_equal(_scatter(panel.space.units_item), w)
        updated = np.asarray(snap["updated"])
        assert updated.size > 7  # a Gaussian of R = 5: many units learn
        drawn, alphas = panel.space.learning_points()
        # the same units, grouped by fade level: compare as sets of points
        order = np.lexsort(drawn.T[::-1])
        expected = w[updated]
        np.testing.assert_array_equal(drawn[order], expected[np.lexsort(expected.T[::-1])])
        # fading: the winner's brush is the most opaque, the far ones fainter
        rates = np.asarray(snap["update_rates"])
        winner_at = np.flatnonzero((drawn == w[updated[np.argmax(rates)]]).all(axis=1))[0]
        assert alphas[winner_at] == alphas.max() and alphas.min() < alphas.max()
        np.testing.assert_array_equal(_scatter(panel.space.winner_item), w[[snap["winner"]]])
        np.testing.assert_array_equal(_scatter(panel.space.input_item), [snap["input"]])
        # map: the winner's cell outlined, its strong neighbours too
        outline = _xy(panel.map.winner_outline)
        centre = grid_positions(10, 10, "hexagonal")[snap["winner"]]
        np.testing.assert_allclose(outline[:-1].mean(axis=0), centre, atol=1e-9)
    assert "winner J = " in panel.info_label.text()


def test_pausing_at_full_speed_shows_everything_of_the_last_step(qtbot, panel):
    """Flat out the map and the curves are redrawn only on the runner's detailed frames, a
    few a second; the frame shown on pause is detailed, and whole: lattice, highlights,
    map, curves and figures."""
    panel.load_preset("square-hexagonal")
    assert panel.submit_params(rows=20, cols=20, epochs=10_000)
    panel.set_speed(0)
    wait_for(qtbot, panel, lambda s: s["rows"] == 20)
    panel.play()
    wait_for(qtbot, panel, lambda s: s["epoch"] >= 5, timeout=15000)
    panel.pause()
    qtbot.waitUntil(lambda: not panel.runner.playing)
    qtbot.wait(200)  # the frame published on pausing
    snap = panel.snapshot
    assert not snap["done"] and snap is panel.runner.last_snapshot and snap["detail"]
    w = np.asarray(snap["weights"])
    edges = lattice_edges(20, 20, "hexagonal")
    np.testing.assert_array_equal(_xy(panel.space.lattice_item), w[edges].reshape(-1, 2))
    np.testing.assert_array_equal(_scatter(panel.space.winner_item), w[[snap["winner"]]])
    np.testing.assert_allclose(panel.map.last_maps["u_matrix"],
                               u_matrix(w, 20, 20, "hexagonal"))
    centre = grid_positions(20, 20, "hexagonal")[snap["winner"]]
    outline = _xy(panel.map.winner_outline)
    np.testing.assert_allclose(outline[:-1].mean(axis=0), centre, atol=1e-9)
    np.testing.assert_array_equal(panel.curves.alpha_curve.getData()[1],
                                  snap["history_learning_rate"])
    np.testing.assert_array_equal(panel.curves.qe_curve.getData()[1][1:],
                                  snap["history_quantization_error"])
    assert f"epoch {int(snap['epoch']) + 1} of 10000" in panel.info_label.text()
    assert f"winner J = {int(snap['winner']) + 1} " in panel.info_label.text()


def test_the_map_and_curves_are_redrawn_on_detailed_frames_only(qtbot, panel):
    """A frame without detail moves the lattice; the map, the curves and the figures stay
    as on the last detailed frame until the next one, or until a colouring is picked."""
    panel.load_preset("square-hexagonal")
    assert panel.submit_params(rows=20, cols=20, epochs=10_000)
    wait_for(qtbot, panel, lambda s: s["rows"] == 20)
    sim = create("som", seed=4, **panel.form.params.to_dict())
    sim.step(700)
    detailed = sim.snapshot()
    panel._on_snapshot(detailed)
    maps, info = panel.map.last_maps, panel.info_label.text()
    np.testing.assert_array_equal(maps["u_matrix"], detailed["u_matrix"])
    sim.step(1000)  # into the third epoch: the curves and the figures have moved on
    quick = sim.snapshot(detail=False)
    assert quick["detail"] is False and quick["winner"] != detailed["winner"]
    panel._on_snapshot(quick)
    w = np.asarray(quick["weights"])
    edges = lattice_edges(20, 20, "hexagonal")
    np.testing.assert_array_equal(_xy(panel.space.lattice_item), w[edges].reshape(-1, 2))
    np.testing.assert_array_equal(_scatter(panel.space.winner_item), w[[quick["winner"]]])
    assert panel.map.last_maps is maps and panel.info_label.text() == info
    centres = grid_positions(20, 20, "hexagonal")
    outline = _xy(panel.map.winner_outline)[:-1].mean(axis=0)
    np.testing.assert_allclose(outline, centres[detailed["winner"]], atol=1e-9)
    assert len(panel.curves.alpha_curve.getData()[0]) == len(detailed["history_epoch"])
    panel.set_colouring("component 1")  # the map follows at once, from this frame
    assert panel.map.last_maps is not maps
    assert panel.map.value_range.startswith("component 1 ")
    outline = _xy(panel.map.winner_outline)[:-1].mean(axis=0)
    np.testing.assert_allclose(outline, centres[quick["winner"]], atol=1e-9)
    sim.step(1)
    fresh = sim.snapshot()
    panel._on_snapshot(fresh)
    np.testing.assert_array_equal(panel.map.last_maps["u_matrix"], fresh["u_matrix"])
    np.testing.assert_array_equal(panel.curves.alpha_curve.getData()[1],
                                  fresh["history_learning_rate"])
    assert f"winner J = {int(fresh['winner']) + 1} " in panel.info_label.text()


def test_map_colourings_follow_the_weights(qtbot, panel):
    panel.load_preset("square-10x10")
    panel.set_speed(0)
    panel.run_steps(1000)
    wait_for(qtbot, panel, lambda s: s["step"] == 1000 and s["topology"] == "rectangular")
    snap = panel.snapshot
    w = np.asarray(snap["weights"])
    res = panel.map.cells_item.image.shape[0] // 10

    def cells():  # the value at each cell's centre (borders are gaps)
        return panel.map.cells_item.image[res // 2::res, res // 2::res].ravel()

    panel.set_colouring("U-matrix")
    np.testing.assert_allclose(cells(),
                               u_matrix(w, 10, 10, "rectangular"), rtol=1e-6)
    panel.set_colouring("component 2")
    np.testing.assert_allclose(cells(), w[:, 1], rtol=1e-6)
    panel.set_colouring("hit count")
    best, _, _ = best_two_units(np.asarray(snap["data"]), w)
    np.testing.assert_array_equal(cells(), np.bincount(best, minlength=100))
    assert panel.map.cells_item.levels[0] == 0
    # curves: the used schedule and the errors per epoch
    np.testing.assert_array_equal(panel.curves.alpha_curve.getData()[1],
                                  snap["history_learning_rate"])
    np.testing.assert_array_equal(panel.curves.qe_curve.getData()[1][1:],
                                  snap["history_quantization_error"])
    assert len(panel.curves.alpha_plan.getData()[0]) == 30


def test_letters_glyphs_and_labels(qtbot, panel):
    panel.load_preset("fausett-4.7")
    panel.set_speed(0)
    panel.play()
    wait_for(qtbot, panel, lambda s: s["done"] and s["input_shape"] == (9, 7), timeout=10000)
    snap = panel.snapshot
    w = np.asarray(snap["weights"])
    assert panel.map.glyph_item.isVisible()
    tiles = panel.map.glyph_tiles()[:, ::2, ::2]
    np.testing.assert_allclose(tiles, w.reshape(25, 9, 7), atol=1e-6)
    texts = sorted(t for t in panel.unit_label_texts() if t)
    # Fig 4.10's groups (seed 1 of the preset)
    for group in ("J1,J2,J3", "C1,C2,C3", "D1,D3", "B2,E2", "K1,K3", "A1,A2", "E1,B3,E3"):
        assert sorted(group.split(",")) in [sorted(t.split(",")) for t in texts]
    assert sum(len(t.split(",")) for t in texts) == 21
    assert panel._left_plot is panel.matrix.plot  # 63-D data: the weight matrix, not the plane


def test_example_4_4_weight_matrix_and_epoch_steps(qtbot, panel):
    panel.load_preset("fausett-4.4")
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["weights"].shape == (2, 4))
    panel.set_granularity("epoch")
    assert panel.step_size() == 4
    panel.step_once()
    wait_for(qtbot, panel, lambda s: s["step"] == 4)
    np.testing.assert_allclose(panel.matrix.image_item.image, [[.032, .096, .68, .984],
                                                         [.968, .304, .112, .048]], atol=1e-6)
    assert [t.toPlainText() for t in panel.matrix.texts] == \
        ["0.032", "0.096", "0.68", "0.984", "0.968", "0.304", "0.112", "0.048"]
    panel.step_once()
    wait_for(qtbot, panel, lambda s: s["step"] == 8 and s["done"])
    assert sorted(panel.unit_label_texts()) == sorted(["x(2),x(4)", "x(1),x(3)"]) or \
        all("x(" in t for t in panel.unit_label_texts())
    panel.set_granularity("sample")
    assert panel.step_size() == 1


def test_draw_data_and_load_csv(qtbot, panel, tmp_path):
    panel.load_preset("fausett-4.4")
    wait_for(qtbot, panel, lambda s: s["weights"].shape == (2, 4))
    panel.set_draw_mode(True)
    assert panel._left_plot is panel.space.plot and panel.space.box.drawing_enabled
    for x, y in ((0.1, 0.1), (0.9, 0.2), (0.5, 0.8)):
        panel.space.box.sigDraw.emit(x, y)
    assert len(panel.drawn) == 3
    assert panel.use_drawn_points()
    params = panel.form.params
    assert params.dataset == "custom" and params.initial_weights is None
    np.testing.assert_array_equal(params.data, [[0.1, 0.1], [0.9, 0.2], [0.5, 0.8]])
    assert not panel.space.box.drawing_enabled
    wait_for(qtbot, panel, lambda s: s["weights"].shape == (2, 2))
    np.testing.assert_array_equal(_scatter(panel.space.data_item), params.data)

    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,x\n")
    _load_csv(qtbot, panel, bad, ok=False)
    assert panel.message.isVisibleTo(panel) and "line 2" in panel.message.text()
    good = tmp_path / "good.csv"
    good.write_text("a,0,0\nb,0,1\nc,1,0\nd,1,1\n")
    _load_csv(qtbot, panel, good)
    wait_for(qtbot, panel, lambda s: s["weights"].shape == (2, 2))
    panel.set_granularity("epoch")
    panel.step_once()
    wait_for(qtbot, panel, lambda s: s["step"] == 4)
    names = ",".join(panel.unit_label_texts()).split(",")
    assert sorted(n for n in names if n) == ["a", "b", "c", "d"]


def test_the_data_and_their_names_come_from_the_snapshot(qtbot, panel, tmp_path, monkeypatch):
    """The input space shows the snapshot's data and the map its labels (a CSV file's
    names for its custom data set); the panel never generates a data set itself."""
    def refuse(*args, **kwargs):
        raise AssertionError("the panel generated a data set")

    monkeypatch.setattr(datasets, "load_dataset", refuse)
    for name, module in list(sys.modules.items()):
        if name.startswith("mechgui.app.panels.som"):
            monkeypatch.setattr(module, "load_dataset", refuse, raising=False)
    panel.load_preset("ring-linear")
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["topology"] == "linear")
    snap = panel.snapshot
    assert panel._data is snap["data"]
    np.testing.assert_array_equal(_scatter(panel.space.data_item), snap["data"])
    assert not any(panel.unit_label_texts())  # inputs known only by number: no labels

    three = tmp_path / "three.csv"
    three.write_text("p,0,0,0\nq,0,0,1\nr,1,1,0\ns,1,1,1\n")
    _load_csv(qtbot, panel, three)
    wait_for(qtbot, panel, lambda s: np.asarray(s["data"]).shape == (4, 3))
    assert panel._left_plot is panel.matrix.plot  # 3-D data: the weight matrix
    assert panel.snapshot["labels"] == ("1", "2", "3", "4")  # the engine numbers them …
    panel.set_granularity("epoch")
    panel.step_once()
    wait_for(qtbot, panel, lambda s: s["step"] == 4)
    names = ",".join(panel.unit_label_texts()).split(",")
    assert sorted(n for n in names if n) == ["p", "q", "r", "s"]  # … the map names them

    two = tmp_path / "two.csv"
    two.write_text("0.1,0.2\n0.3,0.9\n0.8,0.4\n")
    _load_csv(qtbot, panel, two)
    wait_for(qtbot, panel, lambda s: np.asarray(s["data"]).shape == (3, 2))
    assert panel._left_plot is panel.space.plot
    np.testing.assert_array_equal(_scatter(panel.space.data_item), panel.snapshot["data"])
    np.testing.assert_array_equal(panel.snapshot["data"], [[0.1, 0.2], [0.3, 0.9], [0.8, 0.4]])


@pytest.mark.parametrize("preset", ["square-hexagonal", "fausett-4.7", "ring-linear"])
def test_each_view_normal_and_lecture(qtbot, window, panel, preset):
    panel.load_preset(preset)
    panel.set_speed(0)
    panel.run_steps(300)
    wait_for(qtbot, panel, lambda s: s["step"] == 300, timeout=10000)
    for lecture in (False, True):
        window.set_lecture_mode(lecture)
        qtbot.wait(30)
        image = window.grab().toImage()
        assert not image.isNull() and image.width() > 600
        # the map and the curves fit in the window (titles do not push them off)
        view = panel.graphics
        assert view.sceneRect().width() <= view.width() + 2
        if lecture:
            assert panel.space.units_item.opts["size"] > 7
    window.set_lecture_mode(False)


def test_the_map_has_a_colour_scale_and_no_topographic_error_without_topology(qtbot, window,
                                                                              panel):
    from PySide6.QtCore import Qt

    panel.load_preset("fausett-4.5")  # the letters, no topology
    wait_for(qtbot, panel, lambda s: s["step"] == 0)
    panel.set_colouring("hit count")
    qtbot.keyClick(window, Qt.Key.Key_Right)
    wait_for(qtbot, panel, lambda s: s["step"] == 1)
    hits = np.bincount(np.asarray(panel.snapshot["data_winners"]), minlength=25)
    assert panel.map.colour_bar.levels() == (0.0, float(hits.max()))
    axis = panel.map.colour_bar.axis
    assert axis.labelText == "hit count" and axis.autoSIPrefixScale == 1.0
    assert "TE – (no topology)" in panel.info_label.text()
    assert panel.curves.te_curve.getData()[0] is None or len(panel.curves.te_curve.getData()[0]) == 0
    assert "no topology" in panel.map.title()
    panel.load_preset("fausett-4.7")  # the diamond has neighbours: TE means something
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["topology"] == "diamond")
    qtbot.keyClick(window, Qt.Key.Key_Right)
    wait_for(qtbot, panel, lambda s: s["step"] == 1)
    assert "TE = " in panel.info_label.text()


# -- CSV files from anyone ------------------------------------------------------------------
def _playing(qtbot, panel):
    panel.load_preset("square-hexagonal")
    wait_for(qtbot, panel, lambda s: s["step"] == 0)
    panel.set_speed(200)
    panel.play()
    wait_for(qtbot, panel, lambda s: s["step"] > 0)
    return panel.snapshot["data"]


def test_a_bad_csv_file_gives_one_line_and_the_run_plays_on(qtbot, panel, tmp_path):
    data = _playing(qtbot, panel)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2\n3,4\n5\n")
    huge = tmp_path / "huge.csv"
    huge.write_text("1,2\n3,1e300\n")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 8)
    cases = {ragged: "line 3: expected 2 fields", huge: "line 2: expected numbers of magnitude",
             folder: "it is a folder", junk: "line 1: binary data",
             tmp_path / "missing.csv": "No such file or directory"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.csv")
        cases[tmp_path / "pipe.csv"] = "not a regular file"
    for path, fragment in cases.items():
        _load_csv(qtbot, panel, path, ok=False)
        text = panel.message.text()
        assert fragment in text and "nothing was changed" in text and "\n" not in text, text
        assert not panel.controls.csv_progress.isVisible()
    step = panel.snapshot["step"]
    wait_for(qtbot, panel, lambda s: s["step"] > step)  # the run went on
    assert panel.runner.playing and panel.snapshot["data"] is data
    panel.pause()


def _big_csv(path, rows):
    rng = np.random.default_rng(0)
    np.savetxt(path, rng.random((rows, 2)), delimiter=",", fmt="%.6f")
    return path


def test_a_big_csv_file_is_read_off_the_gui_thread_with_progress(qtbot, panel, tmp_path):
    """It was read on the GUI thread: the window froze for seconds."""
    _playing(qtbot, panel)
    big = _big_csv(tmp_path / "big.csv", 300_000)  # seconds of parsing on a busy machine
    meter = StallMeter()  # less the time other processes held both cores
    shares = []
    panel._reader.progressed.connect(shares.append)
    began = time.perf_counter()
    meter.start()
    with qtbot.waitSignal(panel.csvFinished, timeout=180_000) as blocker:
        panel.load_csv_file(str(big))
        assert panel.reading_csv and panel.controls.csv_progress.isVisible()
        assert panel.message.text() == "Reading big.csv …"
    meter.stop()
    took = time.perf_counter() - began
    assert blocker.args == [True], panel.message.text()
    assert "Loaded 300000 vectors of 2 components" in panel.message.text()
    assert shares and 0 < shares[0] <= shares[-1] <= 1  # progress was shown as it went
    assert not panel.controls.csv_progress.isVisible()
    # the event loop kept ticking all along: many ticks, no long stall
    assert len(meter.raw) > took / 0.5 and meter.longest < 2.0, \
        (took, len(meter.raw), meter.longest, meter.longest_raw)
    wait_for(qtbot, panel, lambda s: np.asarray(s["data"]).shape == (300_000, 2), timeout=60000)
    panel.pause()


def test_a_second_csv_replaces_the_first_and_closing_the_window_stops_a_reading(
        qtbot, window, panel, tmp_path):
    from mechgui.app import filetasks

    big = _big_csv(tmp_path / "big.csv", 200_000)
    small = tmp_path / "small.csv"
    small.write_text("0,0\n0,1\n1,0\n")
    finished = []
    panel.csvFinished.connect(finished.append)
    panel.load_csv_file(str(big))
    _load_csv(qtbot, panel, small)  # the first reading is cancelled: only this one finishes
    qtbot.wait(300)
    assert finished == [True] and "from small.csv" in panel.message.text()
    wait_for(qtbot, panel, lambda s: np.asarray(s["data"]).shape == (3, 2))
    panel.load_csv_file(str(big))
    assert panel.reading_csv
    window.close()  # cancels the reading and waits for it
    assert not filetasks.live_readers()
    qtbot.wait(100)
    assert finished == [True]


# -- the extended SOMs: ellipses and memberships, driven through events ------------------------
def _play_until(qtbot, window, panel, steps):
    """Space to play, Space to pause once ``steps`` steps are done (the keys go to whatever has
    the keyboard, as a person's would)."""
    from PySide6.QtCore import Qt
    from test_walkthrough import press

    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.runner.playing, timeout=10_000)
    wait_for(qtbot, panel, lambda s: s["step"] >= steps or s["done"], timeout=60_000)
    if panel.runner.playing:
        press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not panel.runner.playing, timeout=10_000)
    qtbot.waitUntil(lambda: panel.transport.badge.text() in ("paused", "done ✓"), timeout=10_000)


def _data_rgb(panel):
    return np.array([brush.color().getRgb()[:3] for brush in panel.space.data_item.data["brush"]],
                    dtype=float)


def _ellipses_drawn_as_in(panel, snap):
    from mechgui.app.panels.som.space import ELLIPSE_LEVEL

    weights, sigmas = np.asarray(snap["weights"]), np.asarray(snap["sigmas"])
    level = (ELLIPSE_LEVEL * snap["quantization_error"]) ** 2
    for j, item in enumerate(panel.space.unit_ellipses[:len(weights)]):
        assert item.isVisible()
        r = _xy(item) - weights[j]
        np.testing.assert_allclose(np.einsum("si,ik,sk->s", r, sigmas[j], r), level, rtol=1e-9)
    assert not any(item.isVisible() for item in panel.space.unit_ellipses[len(weights):])


def test_extended_presets_draw_ellipses_and_memberships_as_the_snapshot_says(qtbot, window,
                                                                            panel):
    from PySide6.QtCore import Qt
    from test_walkthrough import CTRL, pick_preset, press

    from mechgui.app.panels.som.space import UNIT_COLOURS, data_colours
    from mechgui.app.theme import LECTURE, NORMAL

    # two hyper-ellipse units: each unit's ellipse D(j) = (2·QE)², the data in their winner's colour
    pick_preset(qtbot, panel, "ellipse-2")
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["distance"] == "ellipse")
    _play_until(qtbot, window, panel, 1800)
    snap = panel.snapshot
    assert snap["sigmas"].shape == (2, 2, 2)
    _ellipses_drawn_as_in(panel, snap)
    winners = np.asarray(snap["data_winners"])
    np.testing.assert_array_equal(_data_rgb(panel), UNIT_COLOURS[winners])
    assert "ellipses D(j) = (2·QE)²" in panel.info_label.text()
    assert panel.controls.colouring.currentText() == "hit count"  # no U-matrix without topology
    for theme in (LECTURE, NORMAL):  # Ctrl+L: thicker ellipses, the same curves
        press(qtbot, window, Qt.Key.Key_L, CTRL)
        qtbot.waitUntil(lambda t=theme: panel.theme is t)
        qtbot.waitUntil(lambda: panel.space.data_item.data["brush"][0].color().alpha() == 190)
        _ellipses_drawn_as_in(panel, panel.snapshot)
        assert panel.space.unit_ellipses[0].opts["pen"].widthF() == theme.line_width

    # fuzzy memberships: every point in the blend of the units' colours by its memberships
    pick_preset(qtbot, panel, "overlapping-fuzzy")
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["membership"] == "fuzzy")
    assert not any(item.isVisible() for item in panel.space.unit_ellipses)
    _play_until(qtbot, window, panel, 1200)
    snap = panel.snapshot
    u = np.asarray(snap["memberships"])
    np.testing.assert_allclose(u.sum(axis=1), 1.0, atol=1e-12)
    # the blends are drawn rounded to steps of 8 (a few hundred brushes, not one a point)
    qtbot.waitUntil(lambda: np.abs(_data_rgb(panel) - data_colours(np.asarray(
        panel.snapshot["memberships"]))).max() <= 4.5)
    blended = (u.max(axis=1) < 0.9).mean()
    assert blended > 0.1  # the overlaps are mixed colours
    assert f"fuzzy m = 2: u(J) = {snap['input_memberships'][snap['winner']]:.2f}" \
        in panel.info_label.text()

    # a big map: plain data again
    pick_preset(qtbot, panel, "square-10x10")
    wait_for(qtbot, panel, lambda s: s["step"] == 0 and s["rows"] == 10)
    press(qtbot, window, Qt.Key.Key_Right)
    wait_for(qtbot, panel, lambda s: s["step"] == 1)
    qtbot.waitUntil(lambda: not panel.space.colouring)
    assert panel.space.data_item.opts["brush"].color().alpha() < 190


def test_index_ticks_are_round_and_never_crowded():
    """The letters' 63 components were labelled 1, 7, 13, … 61: the labels ran into each
    other ("13192531…").  Indices are labelled 1, then multiples of a round step."""
    from mechgui.app.panels.som.matrix import index_ticks

    assert [k for k, _ in index_ticks(63, 6)] == [1, 20, 40, 60]
    assert [k for k, _ in index_ticks(25, 10)] == [1, 5, 10, 15, 20, 25]
    assert [k for k, _ in index_ticks(5, 6)] == [1, 2, 3, 4, 5]
    for count in range(1, 1000):
        ticks = [k for k, _ in index_ticks(count, 6)]
        assert ticks[0] == 1 and len(ticks) <= 7 and all(1 <= k <= count for k in ticks)
        assert ticks == sorted(set(ticks))
