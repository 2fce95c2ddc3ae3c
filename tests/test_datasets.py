"""SOM data sets: seeded point clouds, the book's data, a user's CSV (from anyone)."""

import os
import threading

import numpy as np
import pytest

from mechgui.engine import ParameterError, datasets
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


# -- a CSV file from anyone ----------------------------------------------------------------
def _refused(path, fragment, **kwargs):
    with pytest.raises(ParameterError) as info:
        load_csv(path, **kwargs)
    assert info.value.name == "data" and fragment in str(info.value), str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("content, fragment", [
    (b"1,2\n3,inf\n", "line 2: expected finite numbers, found 'inf'"),
    (b"1,2\n-1e400,3\n", "line 2: expected finite numbers"),
    (b"1,2\n3,1e13\n", "line 2: expected numbers of magnitude at most 1e+12, found '1e13'"),
    (b"1,2,3\n4,5\n6,7,8\n", "line 2: expected 3 fields like line 1, found 2"),
    (b"1,2\n\xff\xfe,3\n", "line 2: not UTF-8 text"),
    (b"1,2\n3,4\x00\x01\n", "line 2: binary data, not text"),
    (bytes(range(256)) * 4, "line 1: binary data, not text"),
    (b"", "expected at least one row of numbers"),
    (b"x,y\n", "expected at least one row of numbers"),
])
def test_malformed_csv_files_get_one_line_naming_the_line(tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    _refused(path, fragment)


@pytest.mark.parametrize("block", [5, 256 * 1024])
def test_a_byte_order_mark_and_a_label_column(tmp_path, monkeypatch, block):
    monkeypatch.setattr(datasets, "_BLOCK_BYTES", block)
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf1;2;A\r\n3;4;B\r\n")
    data, labels = load_csv(path)
    np.testing.assert_array_equal(data, [[1, 2], [3, 4]])
    assert labels == ["A", "B"]


def test_paths_that_are_not_regular_files(tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    _refused(folder, "cannot read the file (it is a folder, not a file)")
    _refused(zero, "cannot read the file (it is not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    """It was opened, and the reading waited forever for a writer."""
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(_catch(load_csv, pipe)), daemon=True)
    thread.start()
    thread.join(10)
    try:
        assert not thread.is_alive(), "reading a named pipe blocked"
    finally:  # let a blocked reader go
        try:
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert isinstance(outcome[0], ParameterError) and "not a regular file" in str(outcome[0])


def _catch(function, *args):
    try:
        function(*args)
    except Exception as exc:  # noqa: BLE001
        return exc
    return None


def test_a_file_over_the_size_bound_is_not_read(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("1,2\n" * 1000)
    monkeypatch.setattr(datasets, "MAX_CSV_BYTES", 1000)
    monkeypatch.setattr(datasets.os, "open", pytest.fail)  # refused on its size alone
    _refused(path, "cannot read the file (it has 3.91 KB; at most 1000 bytes are read)")


def test_the_row_limit_stops_the_reading_at_once(tmp_path, monkeypatch):
    """The whole file was parsed before it said "at most … rows": the bytes past the row
    after the limit are never read (junk there is never seen)."""
    path = tmp_path / "rows.csv"
    path.write_bytes(b"x,y\n" + b"0.5,0.25\n" * 101 + b"\xff\xfe junk\n" * 100_000)
    monkeypatch.setattr(datasets, "_BLOCK_BYTES", 64)
    _refused(path, "expected at most 100 rows", max_rows=100)
    monkeypatch.setattr(datasets, "MAX_CSV_ROWS", 50)
    _refused(path, "expected at most 50 rows")
    data, _ = load_csv(_head(path, tmp_path, 30))
    assert data.shape == (30, 2)


def _head(path, tmp_path, rows):
    head = tmp_path / "head.csv"
    head.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:rows + 1]))
    return head


def test_column_number_and_line_bounds(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_CSV_COLUMNS", 4)
    monkeypatch.setattr(datasets, "MAX_CSV_VALUES", 12)
    monkeypatch.setattr(datasets, "MAX_CSV_LINE", 100)
    wide = tmp_path / "wide.csv"
    wide.write_text("1,2,3,4,5\n")
    _refused(wide, "line 1: expected at most 4 columns, found 5")
    many = tmp_path / "many.csv"
    many.write_text("1,2,3\n" * 5)
    _refused(many, "expected at most 12 numbers (4 rows of 3)")
    long = tmp_path / "long.csv"
    long.write_text("1,2\n" + "3," * 200)
    _refused(long, "line 2: longer than 100 bytes")


def test_a_file_that_vanishes_between_the_check_and_the_read(tmp_path, monkeypatch):
    path = tmp_path / "gone.csv"
    path.write_text("1,2\n")
    real_stat = os.stat

    def stat_then_vanish(name, *args, **kwargs):
        info = real_stat(name, *args, **kwargs)
        path.unlink()
        return info

    monkeypatch.setattr(datasets.os, "stat", stat_then_vanish)
    _refused(path, "cannot read the file (No such file or directory)")


def test_progress_is_told_and_can_stop_the_reading(tmp_path, monkeypatch):
    path = tmp_path / "p.csv"
    path.write_text("0.5,0.5\n" * 5000)
    monkeypatch.setattr(datasets, "_BLOCK_BYTES", 1024)
    monkeypatch.setattr(datasets, "_PROGRESS_BYTES", 4096)
    shares = []
    data, _ = load_csv(path, progress=shares.append)
    assert data.shape == (5000, 2) and len(shares) > 5 and shares == sorted(shares)
    assert 0 < shares[0] and shares[-1] <= 1

    class Stop(Exception):
        pass

    def stop(share):
        raise Stop

    with pytest.raises(Stop):
        load_csv(path, progress=stop)
