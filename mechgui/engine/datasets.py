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
:class:`~mechgui.engine.params.ParameterError` naming the line at fault.
"""

from __future__ import annotations

import csv
import io
import math
from functools import lru_cache
from os import PathLike
from pathlib import Path

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
# A user's CSV of points
# ---------------------------------------------------------------------------
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
        return [f.strip() for f in next(csv.reader(io.StringIO(line), delimiter=sep))]
    return line.split()


def load_csv(path: str | PathLike[str], *, max_rows: int = 1_000_000
             ) -> tuple[np.ndarray, list[str] | None]:
    """Read points from a CSV file: ``(data, labels)``.

    Each line is one input vector; fields are separated by commas, semicolons,
    tabs or spaces.  Blank lines and lines starting with ``#`` are skipped.  A
    first line with more non-numeric fields than the next is a header.  One
    non-numeric column, the first or the last, holds labels (e.g. ``A1``),
    returned as ``labels``; otherwise ``labels`` is None.  Every row needs the
    same number of fields, and every number must be finite.

    Raises :class:`ParameterError` (a ``ValueError``) naming the file and the
    line when the file cannot be read or is malformed.
    """
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError("data", where, "cannot read the file "
                             f"({exc.__class__.__name__}: {exc})") from None
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            rows.append((number, _split(stripped)))
    if rows:
        words = _non_numeric(rows[0][1])
        if (len(rows) == 1 and len(words) == len(rows[0][1])) or \
                (len(rows) > 1 and len(words) > len(_non_numeric(rows[1][1]))):
            rows = rows[1:]  # a header
    if not rows:
        raise ParameterError("data", where, "expected at least one row of numbers")
    if len(rows) > max_rows:
        raise ParameterError("data", where, f"expected at most {max_rows} rows, found {len(rows)}")
    first_line, first = rows[0]
    width = len(first)
    words = _non_numeric(first)
    label_col: int | None = None
    if len(words) == 1 and width > 1 and words[0] in (0, width - 1):
        label_col = words[0]
    values: list[list[float]] = []
    labels: list[str] = []
    for number, fields in rows:
        if len(fields) != width:
            raise ParameterError("data", where, f"line {number}: expected {width} fields like "
                                 f"line {first_line}, found {len(fields)}")
        nums: list[float] = []
        for i, field in enumerate(fields):
            if i == label_col:
                labels.append(field)
                continue
            value = _number(field)
            if value is None:
                raise ParameterError("data", where,
                                     f"line {number}: expected a number, found {field!r}")
            if not math.isfinite(value):
                raise ParameterError("data", where,
                                     f"line {number}: expected finite numbers, found {field!r}")
            nums.append(value)
        values.append(nums)
    return np.array(values, dtype=float), (labels if label_col is not None else None)


def _non_numeric(fields: list[str]) -> list[int]:
    """Indices of the fields that are not numbers."""
    return [i for i, f in enumerate(fields) if _number(f) is None]
