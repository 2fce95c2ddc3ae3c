"""Data sets for the self-organizing map: seeded 2-D point clouds, the book's data, a user's CSV.

Point clouds (all inside the unit square, generated from a seed so a lecture can
show the same cloud again):

``uniform-square``
    uniform on [0, 1]²: the classic picture of a map unfolding;
``ring``
    uniform on an annulus around (0.5, 0.5), radii 0.3 to 0.5;
``blobs``
    five Gaussian blobs of different spreads (equal numbers of points, in turn;
    the rare point beyond the square is clipped onto its edge);
``l-shape``
    uniform on an L: the bottom strip y ≤ 0.3 and the left strip x ≤ 0.3;
``two-rings``
    two disjoint annuli side by side.

The book's data: :func:`fausett_4_4` (Example 4.4's four vectors, shipped as
``resources/data/som_fausett_4_4.csv``) and the 21 letters of Examples 4.5–4.7
(:func:`mechgui.engine.data.load_letters`, pixels 1/0).

:func:`load_csv` reads a user's file of points; a bad file raises
:class:`~mechgui.engine.params.ParameterError` naming the line at fault.  It reads a
regular file only (:func:`open_user_file`, which the GAN's model files use too), row by
row, within bounds on bytes, rows, columns and numbers, and stops at the first line past
them.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import os
import stat
from collections.abc import Callable, Iterator
from functools import lru_cache
from os import PathLike
from typing import BinaryIO

import numpy as np

from .data import LETTER_COLS, LETTER_ROWS, load_letters
from .params import ParameterError
from .resources import resource_path

__all__ = [
    "CLOUDS",
    "BOOK_DATASETS",
    "DATASETS",
    "make_cloud",
    "fausett_4_4",
    "load_dataset",
    "dataset_dimension",
    "load_csv",
    "UnreadableFile",
    "open_user_file",
    "describe_size",
    "MAX_CSV_BYTES",
    "MAX_CSV_ROWS",
    "MAX_CSV_COLUMNS",
    "MAX_CSV_VALUES",
    "MAX_CSV_LINE",
    "MAX_MAGNITUDE",
]

#: The seeded 2-D point clouds.
CLOUDS: tuple[str, ...] = ("uniform-square", "ring", "blobs", "l-shape", "two-rings")
#: Data sets printed in the course material.
BOOK_DATASETS: tuple[str, ...] = ("fausett-4.4", "letters")
#: Every named data set (``custom`` — the user's own matrix — is handled by the SOM).
DATASETS: tuple[str, ...] = BOOK_DATASETS + CLOUDS

# Centres, spreads (standard deviations) of the five blobs.
_BLOB_CENTRES = np.array([[0.2, 0.25], [0.75, 0.2], [0.5, 0.55], [0.2, 0.8], [0.8, 0.8]])
_BLOB_SPREADS = np.array([0.06, 0.05, 0.08, 0.04, 0.07])


def _annulus(rng: np.random.Generator, n: int, centre: tuple[float, float],
             inner: float, outer: float) -> np.ndarray:
    """``n`` points uniform (by area) on an annulus."""
    radius = np.sqrt(rng.uniform(inner ** 2, outer ** 2, n))
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    return np.column_stack([centre[0] + radius * np.cos(angle),
                            centre[1] + radius * np.sin(angle)])


def make_cloud(name: str, points: int = 500, seed: int = 0) -> np.ndarray:
    """A (``points``, 2) array: the 2-D cloud ``name`` (one of :data:`CLOUDS`) drawn from ``seed``."""
    if name not in CLOUDS:
        raise ParameterError("dataset", name, "expected one of " + ", ".join(CLOUDS))
    if not isinstance(points, (int, np.integer)) or points < 1:
        raise ParameterError("points", points, "expected an integer >= 1")
    rng = np.random.default_rng(seed)
    n = int(points)
    if name == "uniform-square":
        return rng.uniform(0.0, 1.0, (n, 2))
    if name == "ring":
        return _annulus(rng, n, (0.5, 0.5), 0.3, 0.5)
    if name == "blobs":
        which = np.arange(n) % len(_BLOB_CENTRES)
        blobs = _BLOB_CENTRES[which] + rng.normal(0.0, 1.0, (n, 2)) * _BLOB_SPREADS[which, None]
        return np.clip(blobs, 0.0, 1.0)  # the rare point of a tail stays inside the square
    if name == "l-shape":
        # The L (area 0.51) is the two strips; draw from the unit square and keep
        # the points inside, in batches, until there are enough.
        out = np.empty((0, 2))
        while len(out) < n:
            batch = rng.uniform(0.0, 1.0, (2 * n + 16, 2))
            inside = (batch[:, 0] <= 0.3) | (batch[:, 1] <= 0.3)
            out = np.concatenate([out, batch[inside]])
        return out[:n]
    # two-rings
    first = (n + 1) // 2
    left = _annulus(rng, first, (0.27, 0.5), 0.14, 0.23)
    right = _annulus(rng, n - first, (0.73, 0.5), 0.14, 0.23)
    both = np.concatenate([left, right])
    return both[rng.permutation(n)]


@lru_cache(maxsize=1)
def _fausett_4_4() -> tuple[tuple[str, ...], np.ndarray]:
    data, labels = load_csv(resource_path("data", "som_fausett_4_4.csv"))
    data.setflags(write=False)
    return tuple(labels or ()), data


def fausett_4_4() -> tuple[list[str], np.ndarray]:
    """Example 4.4's vectors (1,1,0,0), (0,0,0,1), (1,0,0,0), (0,0,1,1) and their labels."""
    labels, data = _fausett_4_4()
    return list(labels), data.copy()


def load_dataset(name: str, points: int = 500, seed: int = 0
                 ) -> tuple[np.ndarray, list[str] | None, tuple[int, int] | None]:
    """``(data, labels, glyph_shape)`` of a named data set (one of :data:`DATASETS`).

    ``labels`` is None for the point clouds; ``glyph_shape`` is ``(9, 7)`` for the
    letters (each vector is a 9 × 7 pixel image), else None.  ``points`` and
    ``seed`` only matter for the clouds.
    """
    if name == "fausett-4.4":
        labels, data = fausett_4_4()
        return data, labels, None
    if name == "letters":
        labels, data = load_letters(bipolar=False)
        return data, labels, (LETTER_ROWS, LETTER_COLS)
    if name in CLOUDS:
        return make_cloud(name, points, seed), None, None
    raise ParameterError("dataset", name, "expected one of " + ", ".join(DATASETS))


def dataset_dimension(name: str) -> int:
    """Input dimension n of a named data set (without generating a cloud)."""
    if name == "fausett-4.4":
        return int(_fausett_4_4()[1].shape[1])
    if name == "letters":
        return LETTER_ROWS * LETTER_COLS
    if name in CLOUDS:
        return 2
    raise ParameterError("dataset", name, "expected one of " + ", ".join(DATASETS))


# ---------------------------------------------------------------------------
# A user's file: a regular file within a size
# ---------------------------------------------------------------------------
class UnreadableFile(ValueError):
    """A path that is not a regular file of bounded size, or cannot be opened; the
    message says why, without the path."""


def describe_size(size: int) -> str:
    """Bytes for people: '512 bytes', '3.2 KB', '64 MB'."""
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.3g} {unit}"
    raise AssertionError  # pragma: no cover


def _check_kind(info: os.stat_result, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile("it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("it is not a regular file but a pipe, device or socket")
    if info.st_size > max_bytes:
        raise UnreadableFile(f"it has {describe_size(info.st_size)}; at most "
                             f"{describe_size(max_bytes)} are read")


def open_user_file(path: str | PathLike[str], max_bytes: int) -> tuple[BinaryIO, int]:
    """``path`` opened for reading bytes, and its size: a regular file of at most
    ``max_bytes`` only.  Checked with ``os.stat`` before opening (a pipe or a device would
    block or never end), and again on the open file, which is opened without waiting (the
    path may have changed in between).  Raises :class:`UnreadableFile`."""
    try:
        _check_kind(os.stat(path), max_bytes)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnreadableFile(exc.strerror or type(exc).__name__) from None
    try:
        info = os.fstat(fd)
        _check_kind(info, max_bytes)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise


# ---------------------------------------------------------------------------
# A user's CSV of points
# ---------------------------------------------------------------------------
#: Bounds on a CSV file of points (module constants: the tests lower them).
MAX_CSV_BYTES = 64 * 2 ** 20
MAX_CSV_ROWS = 1_000_000
MAX_CSV_COLUMNS = 10_000      # as the SOM's custom data allow
MAX_CSV_VALUES = 10_000_000   # numbers in all (80 MB as float64)
MAX_CSV_LINE = 2 ** 20        # bytes of one line
#: Largest magnitude of a number: squared distances over many components stay finite.
MAX_MAGNITUDE = 1e12
_CHUNK_ROWS = 8192            # rows parsed into one array at a time
_BLOCK_BYTES = 256 * 1024     # bytes read at a time
_PROGRESS_BYTES = 256 * 1024  # progress is told at most this often


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value


def _split(line: str) -> list[str]:
    """Fields of one line: separated by commas, semicolons, tabs or spaces."""
    if "," in line or ";" in line:
        sep = "," if "," in line else ";"
        if '"' not in line:  # what the csv module would do, without its cost per line
            return [f.strip() for f in line.split(sep)]
        return [f.strip() for f in next(csv.reader(io.StringIO(line), delimiter=sep))]
    return line.split()


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


class _CSVRows:
    """The rows of fields of a CSV file, read a block at a time within the bounds."""

    def __init__(self, where: str, size: int, progress: Callable[[float], None] | None) -> None:
        self.where = where
        self.size = max(size, 1)
        self.progress = progress
        self.line = 0  # lines split off so far

    def error(self, text: str) -> ParameterError:
        return ParameterError("data", self.where, text)

    def rows(self, handle: BinaryIO) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields) of each line that is not blank or a comment."""
        read = told = 0
        tail = b""
        while True:
            block = handle.read(_BLOCK_BYTES)
            if not read and block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8):]  # a byte order mark is allowed
                read = len(codecs.BOM_UTF8)
            read += len(block)
            if read > MAX_CSV_BYTES:
                raise self.error(f"the file grew past {describe_size(MAX_CSV_BYTES)} while "
                                 "being read")
            data = tail + block
            cut = data.rfind(b"\n") + 1 if block else len(data)  # complete lines end there
            data, tail = data[:cut], data[cut:]
            if len(tail) > MAX_CSV_LINE:
                line = self.line + data.count(b"\n") + 1
                raise self.error(f"line {line}: longer than {describe_size(MAX_CSV_LINE)}")
            text, fault = self._text(data)
            for line in text.splitlines():
                self.line += 1
                stripped = line.strip()
                if stripped and not stripped.startswith("#"):
                    yield self.line, _split(stripped)
            if fault is not None:  # after the lines before it (a row limit may come first)
                raise fault
            if not block:
                return
            if self.progress is not None and read - told >= _PROGRESS_BYTES:
                told = read
                self.progress(min(1.0, read / self.size))

    def _text(self, data: bytes) -> tuple[str, ParameterError | None]:
        """The whole lines of UTF-8 text up to the first that is not text, and the error
        that line gives (or None)."""
        fault = None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data[:data.rfind(b"\n", 0, exc.start) + 1].decode("utf-8")
            fault = self.error(f"line {self.line + text.count(chr(10)) + 1}: not UTF-8 text")
        if "\x00" in text:
            text = text[:text.rfind("\n", 0, text.index("\x00")) + 1]
            fault = self.error(f"line {self.line + text.count(chr(10)) + 1}: binary data, "
                               "not text")
        return text, fault

    def numbers(self, rows: list[list[str]], lines: list[int], columns: int) -> np.ndarray:
        """The rows' fields as numbers, each finite and at most :data:`MAX_MAGNITUDE`;
        else the first field that is not names its line."""
        try:
            block = np.array(rows, dtype=float).reshape(-1, columns)
            if np.all(np.abs(block) <= MAX_MAGNITUDE):  # NaN fails too
                return block
        except ValueError:
            pass
        for number, fields in zip(lines, rows):
            for field in fields:
                value = _number(field)
                if value is None:
                    raise self.error(f"line {number}: expected a number, found {_short(field)}")
                if not math.isfinite(value):
                    raise self.error(f"line {number}: expected finite numbers, found "
                                     f"{_short(field)}")
                if abs(value) > MAX_MAGNITUDE:
                    raise self.error(f"line {number}: expected numbers of magnitude at most "
                                     f"{MAX_MAGNITUDE:g}, found {_short(field)}")
        return np.array([[float(f) for f in fields] for fields in rows]).reshape(-1, columns)


def load_csv(path: str | PathLike[str], *, max_rows: int | None = None,
             progress: Callable[[float], None] | None = None
             ) -> tuple[np.ndarray, list[str] | None]:
    """Read points from a CSV file: ``(data, labels)``.

    Each line is one input vector; fields are separated by commas, semicolons,
    tabs or spaces.  Blank lines and lines starting with ``#`` are skipped.  A
    first line with more non-numeric fields than the next is a header.  One
    non-numeric column, the first or the last, holds labels (e.g. ``A1``),
    returned as ``labels``; otherwise ``labels`` is None.  Every row needs the
    same number of fields, and every number must be finite and at most
    :data:`MAX_MAGNITUDE` in size.  A UTF-8 byte order mark is allowed.

    Only a regular file of at most :data:`MAX_CSV_BYTES` is read, a block at a time:
    the reading stops at the first line past ``max_rows`` rows (default
    :data:`MAX_CSV_ROWS`), :data:`MAX_CSV_COLUMNS` columns or :data:`MAX_CSV_VALUES`
    numbers.  ``progress`` is called now and then with the share of the file read; it may
    raise to stop the reading.

    Raises :class:`ParameterError` (a ``ValueError``) naming the file and the
    line when the file cannot be read or is malformed.
    """
    where = str(path)
    limit = MAX_CSV_ROWS if max_rows is None else max_rows
    try:
        handle, size = open_user_file(path, MAX_CSV_BYTES)
    except UnreadableFile as exc:
        raise ParameterError("data", where, f"cannot read the file ({exc})") from None
    try:
        with handle:
            return _parse(_CSVRows(where, size, progress), handle, limit)
    except OSError as exc:
        raise ParameterError("data", where, "cannot read the file "
                             f"({exc.strerror or type(exc).__name__})") from None


def _parse(reader: _CSVRows, handle: BinaryIO, max_rows: int
           ) -> tuple[np.ndarray, list[str] | None]:
    rows = reader.rows(handle)
    head = [row for row in (next(rows, None), next(rows, None)) if row is not None]
    if head:
        words = _non_numeric(head[0][1])
        if (len(head) == 1 and len(words) == len(head[0][1])) or \
                (len(head) > 1 and len(words) > len(_non_numeric(head[1][1]))):
            head = head[1:]  # a header
    if not head:
        raise reader.error("expected at least one row of numbers")
    first_line, first = head[0]
    width = len(first)
    words = _non_numeric(first)
    label_col = words[0] if len(words) == 1 and width > 1 and words[0] in (0, width - 1) else None
    columns = width - (label_col is not None)
    if columns > MAX_CSV_COLUMNS:
        raise reader.error(f"line {first_line}: expected at most {MAX_CSV_COLUMNS} columns, "
                           f"found {columns}")
    most = min(max_rows, MAX_CSV_VALUES // max(columns, 1))
    chunks: list[np.ndarray] = []
    pending: list[list[str]] = []
    lines: list[int] = []
    labels: list[str] = []
    for count, (number, fields) in enumerate(itertools.chain(head, rows), start=1):
        if count > most:  # said at once, without reading on
            raise reader.error(
                f"expected at most {max_rows} rows" if most == max_rows else
                f"expected at most {MAX_CSV_VALUES} numbers ({most} rows of {columns})")
        if len(fields) != width:
            raise reader.error(f"line {number}: expected {width} fields like line "
                               f"{first_line}, found {len(fields)}")
        if label_col is not None:
            labels.append(fields.pop(label_col))
        pending.append(fields)
        lines.append(number)
        if len(pending) == _CHUNK_ROWS:
            chunks.append(reader.numbers(pending, lines, columns))
            pending, lines = [], []
    chunks.append(reader.numbers(pending, lines, columns))
    data = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
    return data, (labels if label_col is not None else None)


def _non_numeric(fields: list[str]) -> list[int]:
    """Indices of the fields that are not numbers."""
    return [i for i, f in enumerate(fields) if _number(f) is None]
