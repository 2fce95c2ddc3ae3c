"""The digits: the shipped 8 × 8 set, MNIST from small files written here (every kind of bad
file refused in one line naming ``data``), mosaics, and the shipped classifier."""

import gzip
import hashlib
import os
import struct
import zipfile

import numpy as np
import pytest

from mechgui.engine import ParameterError, digits
from mechgui.engine.digit_classifier import (
    DigitClassifier,
    classifier,
    classify,
    digit_score,
    held_out_split,
)
from mechgui.engine.digits import check_mnist, load_digits, load_mnist, tile

CONTENT_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"


# -- the shipped digits ---------------------------------------------------------------------------
def test_the_shipped_digits_are_the_uci_test_set_scaled_to_0_1():
    images, labels = load_digits()
    assert images.shape == (1797, 64) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    np.testing.assert_array_equal(np.bincount(labels),
                                  [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    counts = np.rint(images * 16).astype(np.uint8)
    np.testing.assert_array_equal(counts / np.float32(16), images)  # counts 0..16 exactly
    digest = hashlib.sha256(counts.tobytes() + labels.astype(np.uint8).tobytes()).hexdigest()
    assert digest == CONTENT_SHA256  # the value DIGITS.md gives
    assert not images.flags.writeable and not labels.flags.writeable
    assert load_digits()[0] is images  # read once, shared


def test_tile_lays_images_out_in_rows():
    images = np.arange(3 * 4, dtype=np.float32).reshape(3, 4) + 1  # three 2 × 2 images
    mosaic = tile(images, (2, 2), cols=2, gap=1, fill=-1)
    assert mosaic.shape == (2 * 3 + 1, 2 * 3 + 1)
    np.testing.assert_array_equal(mosaic[1:3, 1:3], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(mosaic[1:3, 4:6], [[5, 6], [7, 8]])
    np.testing.assert_array_equal(mosaic[4:6, 1:3], [[9, 10], [11, 12]])
    assert np.all(mosaic[4:6, 4:6] == -1) and np.all(mosaic[0] == -1)
    assert tile(np.zeros((10, 4)), (2, 2)).shape == (10, 13)  # 4 a row: about square


# -- MNIST from a user's file -------------------------------------------------------------------
def _mnist(n=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n,
                                                                           dtype=np.uint8)


def _idx_images(pixels, rows=28, cols=28, count=None):
    return struct.pack(">IIII", 0x803, len(pixels) if count is None else count, rows, cols) \
        + pixels.tobytes()


def _idx_labels(labels, count=None):
    return struct.pack(">II", 0x801, len(labels) if count is None else count) + labels.tobytes()


def _write_idx(folder, pixels, labels, gz=False, prefix="train"):
    folder.mkdir(exist_ok=True)
    suffix = ".gz" if gz else ""
    pack = gzip.compress if gz else (lambda b: b)
    images = folder / f"{prefix}-images-idx3-ubyte{suffix}"
    images.write_bytes(pack(_idx_images(pixels)))
    (folder / f"{prefix}-labels-idx1-ubyte{suffix}").write_bytes(pack(_idx_labels(labels)))
    return images


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_from_idx_files_and_their_folder(tmp_path, gz):
    pixels, labels = _mnist()
    images = _write_idx(tmp_path / "m", pixels, labels, gz=gz)
    for path in (images, tmp_path / "m", str(images)):
        x, y = load_mnist(path)
        assert x.shape == (5, 784) and x.dtype == np.float32
        np.testing.assert_allclose(x, pixels.reshape(5, 784) / 255.0, rtol=1e-6)
        np.testing.assert_array_equal(y, labels)
        assert not x.flags.writeable
        assert check_mnist(path) == 5
    assert load_mnist(images)[0] is load_mnist(images)[0]  # kept while unchanged


def test_mnist_from_an_npz(tmp_path):
    pixels, labels = _mnist(4)
    for shape in ((4, 28, 28), (4, 784)):
        path = tmp_path / f"m{len(shape)}.npz"
        np.savez_compressed(path, x_train=pixels.reshape(shape), y_train=labels.astype(np.int64),
                            x_test=pixels[:1])
        x, y = load_mnist(path)
        np.testing.assert_allclose(x * 255, pixels.reshape(4, 784), atol=1e-4)
        np.testing.assert_array_equal(y, labels)


def test_a_changed_file_is_read_again(tmp_path):
    pixels, labels = _mnist()
    images = _write_idx(tmp_path, pixels, labels)
    first = load_mnist(images)[1]
    _write_idx(tmp_path, pixels, (labels + 1) % 10)
    os.utime(images.with_name("train-labels-idx1-ubyte"), ns=(1, 1))  # another stamp
    np.testing.assert_array_equal(load_mnist(images)[1], (first + 1) % 10)


def _bad_files(tmp_path):
    """(name, path) of files that are not MNIST, each made here."""
    pixels, labels = _mnist()
    cases = {}

    def idx(name, images, labels_bytes):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "train-images-idx3-ubyte").write_bytes(images)
        (folder / "train-labels-idx1-ubyte").write_bytes(labels_bytes)
        cases[name] = folder / "train-images-idx3-ubyte"

    good_labels = _idx_labels(labels)
    idx("labels-as-images", _idx_labels(labels), good_labels)
    idx("wrong-size", _idx_images(pixels[:, :27, :27], 27, 27), good_labels)
    idx("counts-differ", _idx_images(pixels), _idx_labels(labels[:4]))
    idx("truncated", _idx_images(pixels)[:-10], good_labels)
    idx("extra-bytes", _idx_images(pixels) + b"\0", good_labels)
    idx("empty", b"", good_labels)
    idx("no-images", _idx_images(pixels[:0]), _idx_labels(labels[:0]))
    idx("labels-beyond-9", _idx_images(pixels), _idx_labels(labels + 10))
    idx("too-many", _idx_images(pixels, count=10 ** 9), good_labels)
    folder = tmp_path / "gz-truncated"
    folder.mkdir()
    cases["gz-truncated"] = folder / "train-images-idx3-ubyte.gz"
    cases["gz-truncated"].write_bytes(gzip.compress(_idx_images(pixels))[:-30])
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(good_labels))
    folder = tmp_path / "gz-corrupt"
    folder.mkdir()
    cases["gz-corrupt"] = folder / "train-images-idx3-ubyte.gz"
    cases["gz-corrupt"].write_bytes(b"\x1f\x8b" + os.urandom(200))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(good_labels))
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "train-images-idx3-ubyte").write_bytes(_idx_images(pixels))
    cases["labels-missing"] = alone / "train-images-idx3-ubyte"
    cases["empty-folder"] = tmp_path / "nothing"
    cases["empty-folder"].mkdir()
    cases["missing"] = tmp_path / "no-such-file.npz"
    cases["other-name"] = tmp_path / "digits.bin"
    cases["other-name"].write_bytes(_idx_images(pixels))
    np.savez(tmp_path / "keys.npz", x=pixels, y=labels)
    cases["npz-keys"] = tmp_path / "keys.npz"
    np.savez(tmp_path / "floats.npz", x_train=pixels / 255.0, y_train=labels)
    cases["npz-floats"] = tmp_path / "floats.npz"
    np.savez(tmp_path / "shape.npz", x_train=pixels[:, :14], y_train=labels)
    cases["npz-shape"] = tmp_path / "shape.npz"
    np.savez(tmp_path / "labels.npz", x_train=pixels, y_train=labels[:3])
    cases["npz-labels"] = tmp_path / "labels.npz"
    np.savez(tmp_path / "objects.npz", x_train=np.array([None] * 5, dtype=object), y_train=labels)
    cases["npz-pickled"] = tmp_path / "objects.npz"
    with zipfile.ZipFile(tmp_path / "zip.npz", "w") as z:
        z.writestr("x_train.npy", b"not an array")
        z.writestr("y_train.npy", b"nor this")
    cases["npz-junk"] = tmp_path / "zip.npz"
    (tmp_path / "text.npz").write_text("hello")
    cases["npz-text"] = tmp_path / "text.npz"
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe-images-idx3-ubyte")
        (tmp_path / "pipe-labels-idx1-ubyte").write_bytes(good_labels)
        cases["a-pipe"] = tmp_path / "pipe-images-idx3-ubyte"
    return cases


def test_every_bad_file_is_refused_in_one_line_naming_data(tmp_path):
    for name, path in _bad_files(tmp_path).items():
        with pytest.raises(ParameterError) as info:
            load_mnist(path)
        message = str(info.value)
        assert info.value.name == "data", name
        assert message.startswith("data=") and "\n" not in message, (name, message)
        assert "Traceback" not in message and len(message) < 400, (name, message)


def test_the_cheap_check_reads_headers_only(tmp_path, monkeypatch):
    pixels, labels = _mnist()
    images = _write_idx(tmp_path, pixels, labels, gz=True)
    reads = []
    real = digits._read

    def counting(stream, count, *args):
        reads.append(count)
        return real(stream, count, *args)

    monkeypatch.setattr(digits, "_read", counting)
    assert check_mnist(images) == 5
    assert max(reads) <= 12  # magic and dimensions, never the pixels


def test_size_bounds_are_checked_before_reading(tmp_path, monkeypatch):
    pixels, labels = _mnist()
    images = _write_idx(tmp_path, pixels, labels)
    monkeypatch.setattr(digits, "MAX_MNIST_BYTES", 1000)
    with pytest.raises(ParameterError, match="at most 1000 bytes are read"):
        check_mnist(images)
    monkeypatch.setattr(digits, "MAX_MNIST_BYTES", 10 ** 8)
    monkeypatch.setattr(digits, "MAX_MNIST_IMAGES", 4)
    with pytest.raises(ParameterError, match="holds 5 images; expected 1 to 4"):
        check_mnist(images)


# -- the classifier ------------------------------------------------------------------------------
def test_the_shipped_classifier_and_its_held_out_accuracy():
    images, labels = load_digits()
    held = held_out_split(labels)
    assert held.sum() == 359 and np.all(np.bincount(labels[held]) >= 34)
    guesses, confidences = classify(images[held])
    accuracy = float(np.mean(guesses == labels[held]))
    assert accuracy >= 0.95
    assert accuracy == pytest.approx(classifier().held_out_accuracy)
    assert guesses.dtype.kind == "i" and np.all((confidences > 0.1) & (confidences <= 1))
    np.testing.assert_allclose(classifier().probabilities(images[:7]).sum(axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize("bad", [np.zeros(64), np.zeros((3, 63)), np.full((2, 64), np.nan),
                                 np.array([["a"] * 64])])
def test_the_classifier_refuses_what_is_not_8x8_images(bad):
    with pytest.raises(ValueError) as info:
        classify(bad)
    assert "\n" not in str(info.value)


def test_digit_score():
    assert digit_score(np.eye(10)) == pytest.approx(10.0)       # ten digits, sure of each
    assert digit_score(np.tile(np.eye(10)[3], (50, 1))) == pytest.approx(1.0)  # one digit
    assert digit_score(np.full((20, 10), 0.1)) == pytest.approx(1.0)           # no guess
    assert 1.0 < digit_score(np.eye(10)[[0, 1, 1, 2]]) < 3.0


def test_classifier_files_round_trip(tmp_path):
    path = tmp_path / "c.npz"
    np.savez(path, **classifier().arrays())
    again = DigitClassifier.load(path)
    images = load_digits()[0][:20]
    np.testing.assert_array_equal(again.classify(images)[0], classify(images)[0])
    with pytest.raises(ValueError):
        DigitClassifier(np.zeros((63, 4)), np.zeros(4), np.zeros((4, 10)), np.zeros(10))
