"""SOM data sets: seeded point clouds, the book's data, a user's CSV."""

import numpy as np
import pytest

from mechgui.engine import ParameterError
from mechgui.engine.datasets import (CLOUDS, DATASETS, dataset_dimension, fausett_4_4, load_csv,
                                     load_dataset, make_cloud)


@pytest.mark.parametrize("name", CLOUDS)
def test_clouds_are_seeded_and_inside_the_unit_square(name):
    a = make_cloud(name, 300, seed=4)
    assert a.shape == (300, 2)
    np.testing.assert_array_equal(a, make_cloud(name, 300, seed=4))
    assert not np.array_equal(a, make_cloud(name, 300, seed=5))
    assert a.min() >= 0 and a.max() <= 1


def test_cloud_shapes():
    ring = make_cloud("ring", 500) - 0.5
    r = np.hypot(ring[:, 0], ring[:, 1])
    assert r.min() >= 0.3 - 1e-12 and r.max() <= 0.5 + 1e-12
    ell = make_cloud("l-shape", 500)
    assert np.all((ell[:, 0] <= 0.3) | (ell[:, 1] <= 0.3))
    two = make_cloud("two-rings", 501)
    left = two[two[:, 0] < 0.5]
    assert len(left) == 251
    r_left = np.hypot(left[:, 0] - 0.27, left[:, 1] - 0.5)
    assert r_left.min() >= 0.14 - 1e-12 and r_left.max() <= 0.23 + 1e-12
    blobs = make_cloud("blobs", 500)
    assert blobs.shape == (500, 2)


def test_bad_cloud_requests():
    with pytest.raises(ParameterError):
        make_cloud("spiral")
    with pytest.raises(ParameterError):
        make_cloud("ring", 0)


def test_book_data():
    labels, data = fausett_4_4()
    assert labels == ["x(1)", "x(2)", "x(3)", "x(4)"]
    np.testing.assert_array_equal(data, [[1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 1]])
    data, labels, shape = load_dataset("letters")
    assert data.shape == (21, 63) and shape == (9, 7) and labels[0] == "A1" and len(labels) == 21
    assert set(np.unique(data)) == {0.0, 1.0}
    for name in DATASETS:
        assert load_dataset(name, 40)[0].shape[1] == dataset_dimension(name)
    with pytest.raises(ParameterError):
        load_dataset("nope")


def test_csv_with_header_and_labels(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("# my points\nname,x,y\nP1,0.5,1\n\nP2, 2 ,3e-1\n", encoding="utf-8")
    data, labels = load_csv(path)
    np.testing.assert_array_equal(data, [[0.5, 1], [2, 0.3]])
    assert labels == ["P1", "P2"]


@pytest.mark.parametrize("text, expected", [
    ("1 2 3\n4 5 6\n", [[1, 2, 3], [4, 5, 6]]),
    ("1;2\n3;4\n", [[1, 2], [3, 4]]),
    ("1\t2\n3\t4\n", [[1, 2], [3, 4]]),
    ("x,y\n1,2\n", [[1, 2]]),
])
def test_csv_separators_and_headers(tmp_path, text, expected):
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    data, labels = load_csv(path)
    np.testing.assert_array_equal(data, expected)
    assert labels is None


def test_csv_labels_in_the_last_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("1,2,a\n3,4,b\n", encoding="utf-8")
    data, labels = load_csv(path)
    np.testing.assert_array_equal(data, [[1, 2], [3, 4]])
    assert labels == ["a", "b"]


@pytest.mark.parametrize("text, fragment", [
    ("1,2\n3\n", "line 2: expected 2 fields"),
    ("1,2\n3,abc\n", "line 2: expected a number"),
    ("1,2\nnan,1\n", "line 2: expected finite numbers"),
    ("# nothing\n\n", "expected at least one row"),
])
def test_bad_csv_names_the_line(tmp_path, text, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_csv(path)
    assert info.value.name == "data" and fragment in str(info.value)


def test_missing_csv(tmp_path):
    with pytest.raises(ParameterError) as info:
        load_csv(tmp_path / "missing.csv")
    assert "cannot read the file" in str(info.value)


def test_csv_feeds_a_custom_som(tmp_path):
    from mechgui.engine import create

    path = tmp_path / "p.csv"
    path.write_text("\n".join(f"{x},{x * x}" for x in np.linspace(0, 1, 30)), encoding="utf-8")
    data, _ = load_csv(path)
    net = create("som", dataset="custom", data=data, rows=1, cols=5, topology="linear", epochs=3, seed=0)
    net.step(net.run_limit)
    assert net.done and net.step_count == 90
