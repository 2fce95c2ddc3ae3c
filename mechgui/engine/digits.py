"""Handwritten digits: the 8 × 8 UCI digits shipped with mechgui, and MNIST from a file the
user already has (never downloaded).  numpy only: no Qt, no torch.

:func:`load_digits` reads ``resources/data/digits.npz`` (1,797 images, see
``resources/data/DIGITS.md``); :func:`load_mnist` reads the standard IDX files (gzipped or
not) or an ``.npz`` holding ``x_train`` and ``y_train``, at their own 28 × 28 size.  Both give
pixels scaled to [0, 1] as float32 rows (an image read row by row) and labels 0–9 as int64,
read-only and shared between callers (copy them to change them).

A user's file is checked strictly and cheaply first (:func:`check_mnist`: a regular file or a
folder, its size, its headers), then read within the sizes its header gives.  Anything wrong
is one :class:`~.params.ParameterError` naming the parameter ``data`` and saying why.
"""

from __future__ import annotations

import gzip
import os
import stat
import struct
import zipfile
import zlib
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .datasets import open_user_file
from .params import ParameterError
from .resources import resource_path

__all__ = [
    "CLASSES",
    "DIGITS_SHAPE",
    "MAX_MNIST_BYTES",
    "MAX_MNIST_IMAGES",
    "MNIST_SHAPE",
    "check_mnist",
    "load_digits",
    "load_mnist",
    "mnist_files",
    "tile",
]

DIGITS_SHAPE = (8, 8)
MNIST_SHAPE = (28, 28)
CLASSES = 10
#: Most images read from a user's MNIST file, and the most bytes of one file (module
#: constants: the tests lower them).
MAX_MNIST_IMAGES = 100_000
MAX_MNIST_BYTES = 100 * 2 ** 20

_GZIP_MAGIC = b"\x1f\x8b"
_IMAGES_MAGIC, _LABELS_MAGIC = 0x00000803, 0x00000801  # unsigned bytes, 3 or 1 dimensions
_PIXELS = MNIST_SHAPE[0] * MNIST_SHAPE[1]


# -- the shipped digits ---------------------------------------------------------------------
@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    with np.load(resource_path("data", "digits.npz"), allow_pickle=False) as archive:
        counts, labels = archive["images"], archive["labels"]
    if counts.shape != (1797, 64) or labels.shape != (1797,) or counts.max() > 16 \
            or labels.max() >= CLASSES or counts.dtype != np.uint8:
        raise ValueError("resources/data/digits.npz: expected 1797 images of 64 counts 0-16")
    images = counts.astype(np.float32) / np.float32(16.0)
    labels = labels.astype(np.int64)
    for array in (images, labels):
        array.setflags(write=False)
    return images, labels


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits: (1797, 64) float32 pixels in [0, 1] (the file's counts 0–16 divided
    by 16), each an 8 × 8 image row by row, and their labels 0–9 (int64); read-only."""
    return _digits()


# -- MNIST from a user's file -----------------------------------------------------------------
def _refuse(path: str | PathLike[str], why: str) -> ParameterError:
    return ParameterError("data", os.fspath(path), why)


def _idx_names(kind: str) -> list[str]:
    stems = [f"{prefix}-{kind}{sep}idx{3 if kind == 'images' else 1}-ubyte"
             for prefix in ("train", "t10k") for sep in ("-", ".")]
    return [stem + suffix for stem in stems for suffix in ("", ".gz")]


def mnist_files(path: str | PathLike[str]) -> tuple[Path, Path | None]:
    """The files behind ``path``: (images, labels) IDX files, or (the .npz, None).

    ``path`` is an ``.npz``; an images IDX file, its labels beside it under the standard name
    (``…-images-idx3-ubyte[.gz]`` → ``…-labels-idx1-ubyte[.gz]``); or a folder holding the
    standard names (the training set first).
    """
    where = Path(os.fspath(path))
    try:
        mode = os.stat(where).st_mode
    except (OSError, ValueError) as exc:
        raise _refuse(path, getattr(exc, "strerror", None) or "not a path to a file") from None
    if stat.S_ISDIR(mode):
        for images in _idx_names("images"):
            labels = images.replace("images", "labels").replace("idx3", "idx1")
            if (where / images).is_file() and (where / labels).is_file():
                return where / images, where / labels
        raise _refuse(path, "a folder without the MNIST files train-images-idx3-ubyte[.gz] "
                            "and train-labels-idx1-ubyte[.gz]")
    if where.suffix.lower() == ".npz":
        return where, None
    name = where.name
    for images, labels in (("images-idx3", "labels-idx1"), ("images.idx3", "labels.idx1")):
        if images in name:
            partner = where.with_name(name.replace(images, labels))
            if not partner.is_file():
                raise _refuse(path, f"its labels file {partner.name} is not beside it")
            return where, partner
    raise _refuse(path, "expected an .npz with x_train and y_train, an MNIST images file "
                        "named …-images-idx3-ubyte[.gz] (labels beside it) or their folder")


def _open(path: Path, shown: str | PathLike[str]) -> tuple[BinaryIO, int]:
    """``path`` opened for reading bytes (a regular file within the size), and its size."""
    try:
        return open_user_file(path, MAX_MNIST_BYTES)
    except ValueError as exc:
        raise _refuse(shown, f"{path.name}: {exc}") from None


def _read(stream: BinaryIO, count: int, path: Path, shown: str | PathLike[str]) -> bytes:
    """Exactly ``count`` bytes (a damaged or truncated file says so)."""
    try:
        data = stream.read(count)
    except (OSError, EOFError, zlib.error) as exc:
        raise _refuse(shown, f"{path.name}: not a readable gzip file ({type(exc).__name__})") \
            from None
    if len(data) != count:
        raise _refuse(shown, f"{path.name} ends early: {len(data)} of {count} bytes")
    return data


def _idx(path: Path, kind: str, shown: str | PathLike[str], body: bool) -> np.ndarray | int:
    """An IDX file's images or labels (``body``), or only its header checked: its count."""
    raw, file_size = _open(path, shown)
    with raw:
        gzipped = _read(raw, 2, path, shown) == _GZIP_MAGIC
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        magic, = struct.unpack(">I", _read(stream, 4, path, shown))
        want = _IMAGES_MAGIC if kind == "images" else _LABELS_MAGIC
        if magic != want:
            raise _refuse(shown, f"{path.name}: not an MNIST {kind} file "
                                 f"(magic 0x{magic:08x}, expected 0x{want:08x})")
        dims = struct.unpack(">3I" if kind == "images" else ">I",
                             _read(stream, 12 if kind == "images" else 4, path, shown))
        count = dims[0]
        if not 1 <= count <= MAX_MNIST_IMAGES:
            raise _refuse(shown, f"{path.name} holds {count} {kind}; expected 1 to "
                                 f"{MAX_MNIST_IMAGES}")
        if kind == "images" and dims[1:] != MNIST_SHAPE:
            raise _refuse(shown, f"{path.name}: images of {dims[1]} × {dims[2]} pixels; "
                                 "expected 28 × 28")
        size = count * (_PIXELS if kind == "images" else 1)
        header = 16 if kind == "images" else 8
        if not gzipped and file_size != header + size:
            raise _refuse(shown, f"{path.name} has {file_size} bytes; its header says "
                                 f"{header + size}")
        if not body:
            return count
        data = np.frombuffer(_read(stream, size, path, shown), dtype=np.uint8)
        if _read_more(stream, path, shown):
            raise _refuse(shown, f"{path.name} goes on after its {count} {kind}")
    return data.reshape(count, -1) if kind == "images" else data


def _read_more(stream: BinaryIO, path: Path, shown: str | PathLike[str]) -> bool:
    try:
        return bool(stream.read(1))
    except (OSError, EOFError, zlib.error):
        raise _refuse(shown, f"{path.name}: not a readable gzip file") from None


def _npz(path: Path, shown: str | PathLike[str], body: bool) -> tuple[np.ndarray, np.ndarray] | int:
    """An .npz's x_train and y_train (``body``), or only their headers checked: the count."""
    raw, _ = _open(path, shown)
    try:
        with raw, zipfile.ZipFile(raw) as archive:
            names = set(archive.namelist())
            if not {"x_train.npy", "y_train.npy"} <= names:
                raise _refuse(shown, f"{path.name}: expected the arrays x_train and y_train")
            x = _npy(archive, "x_train", shown, body)
            y = _npy(archive, "y_train", shown, body)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError) as exc:
        raise _refuse(shown, f"{path.name}: not a readable .npz ({type(exc).__name__})") \
            from None
    (x_shape, x), (y_shape, y) = x, y
    if len(x_shape) not in (2, 3) or tuple(x_shape[1:]) not in ((_PIXELS,), MNIST_SHAPE):
        raise _refuse(shown, f"x_train has shape {x_shape}; expected (n, 28, 28) or (n, 784)")
    if tuple(y_shape) != (x_shape[0],):
        raise _refuse(shown, f"y_train has shape {y_shape}; expected ({x_shape[0]},), "
                             "one label per image")
    if not 1 <= x_shape[0] <= MAX_MNIST_IMAGES:
        raise _refuse(shown, f"x_train holds {x_shape[0]} images; expected 1 to "
                             f"{MAX_MNIST_IMAGES}")
    if not body:
        return int(x_shape[0])
    return x.reshape(len(x), _PIXELS), y


def _npy(archive: zipfile.ZipFile, name: str, shown: str | PathLike[str],
         body: bool) -> tuple[tuple[int, ...], np.ndarray | None]:
    """One array's shape (checked from its header) and, with ``body``, its values."""
    fmt = np.lib.format
    with archive.open(f"{name}.npy") as member:
        try:
            version = fmt.read_magic(member)
            read_header = fmt.read_array_header_1_0 if version == (1, 0) else \
                fmt.read_array_header_2_0
            shape, fortran, dtype = read_header(member)
        except ValueError as exc:
            raise _refuse(shown, f"{name} is not a readable array ({exc})") from None
        if dtype != np.uint8 and not (name == "y_train" and dtype.kind in "iu"):
            raise _refuse(shown, f"{name} holds {dtype}; expected uint8 "
                                 f"{'pixels 0-255' if name == 'x_train' else 'labels'}")
        count = int(np.prod(shape, dtype=np.int64))
        if count > MAX_MNIST_IMAGES * _PIXELS:
            raise _refuse(shown, f"{name} holds {count} numbers, too many")
        if not body:
            return tuple(shape), None
        data = member.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise _refuse(shown, f"{name} ends early")
    values = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return tuple(shape), values


def check_mnist(path: str | PathLike[str]) -> int:
    """Check ``path`` cheaply (kind, sizes and headers, no pixels read); return the number
    of images, or raise :class:`~.params.ParameterError` naming ``data``."""
    images, labels = mnist_files(path)
    if labels is None:
        return _npz(images, path, body=False)
    count = _idx(images, "images", path, body=False)
    if _idx(labels, "labels", path, body=False) != count:
        raise _refuse(path, f"{images.name} and {labels.name} hold different numbers of items")
    return count


def load_mnist(path: str | PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """MNIST from ``path`` (see :func:`mnist_files`): (n, 784) float32 pixels in [0, 1]
    (28 × 28 images as they are, row by row) and the labels 0–9 (int64); read-only, kept
    for the next call while the files are unchanged."""
    images, labels = mnist_files(path)
    stamps = tuple((str(p.resolve()), os.stat(p).st_mtime_ns, os.stat(p).st_size)
                   for p in (images, labels) if p is not None)
    return _load_mnist(stamps, os.fspath(path))


@lru_cache(maxsize=2)
def _load_mnist(stamps: tuple, shown: str) -> tuple[np.ndarray, np.ndarray]:
    images, labels = mnist_files(shown)
    if labels is None:
        pixels, classes = _npz(images, shown, body=True)
    else:
        pixels = _idx(images, "images", shown, body=True)
        classes = _idx(labels, "labels", shown, body=True)
        if len(classes) != len(pixels):
            raise _refuse(shown, f"{images.name} and {labels.name} hold different numbers "
                                 "of items")
    if classes.size and (classes.min() < 0 or classes.max() >= CLASSES):
        raise _refuse(shown, "labels outside 0-9")
    scaled = pixels.astype(np.float32) / np.float32(255.0)
    classes = classes.astype(np.int64)
    for array in (scaled, classes):
        array.setflags(write=False)
    return scaled, classes


# -- showing images ------------------------------------------------------------------------------
def tile(images: np.ndarray, shape: tuple[int, int], cols: int | None = None, gap: int = 1,
         fill: float = 0.0) -> np.ndarray:
    """One 2-D array of ``images`` (n × h·w, row by row) laid out in rows of ``cols``
    (about a square by default), ``gap`` pixels of ``fill`` between them and around."""
    images = np.asarray(images, dtype=np.float32)
    h, w = shape
    n = len(images)
    cols = max(1, cols or int(np.ceil(np.sqrt(n))))
    rows = max(1, -(-n // cols))
    out = np.full((rows * (h + gap) + gap, cols * (w + gap) + gap), fill, dtype=np.float32)
    for i, image in enumerate(images.reshape(n, h, w)):
        r, c = divmod(i, cols)
        out[gap + r * (h + gap):gap + r * (h + gap) + h,
            gap + c * (w + gap):gap + c * (w + gap) + w] = image
    return out
