"""Data shipped with mechgui: the 21 letter patterns of Examples 4.5–4.7.

``resources/data/fausett_letters.txt`` holds the letters A, B, C, D, E, J, K in
fonts 1–3 as 9 × 7 pixel grids (Fausett, Fig. 4.9).  Each grid read row by row
gives a 63-component vector: on = 1, off = −1 (bipolar) or 0 (binary).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .resources import resource_path

__all__ = ["LETTER_ROWS", "LETTER_COLS", "load_letters"]

LETTER_ROWS, LETTER_COLS = 9, 7


@lru_cache(maxsize=1)
def _read_letters() -> tuple[tuple[str, ...], np.ndarray]:
    labels: list[str] = []
    grids: list[list[str]] = []
    lines = resource_path("data", "fausett_letters.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        text = line.strip()
        if set(text) <= {"#", "."} and len(text) == LETTER_COLS and grids:
            grids[-1].append(text)  # a pixel row (may begin with '#')
        elif not text or text.startswith("#"):
            continue  # blank line or comment
        else:
            labels.append(text)
            grids.append([])
    if any(len(g) != LETTER_ROWS for g in grids):
        raise ValueError("fausett_letters.txt: every letter needs 9 rows of 7 pixels")
    on = np.array([[c == "#" for row in g for c in row] for g in grids], dtype=bool)
    on.setflags(write=False)
    return tuple(labels), on


def load_letters(bipolar: bool = True) -> tuple[list[str], np.ndarray]:
    """Labels (``"A1"`` … ``"K3"``) and a (21, 63) array of the patterns.

    ``bipolar=True`` codes pixels as ±1 (Hamming net), else as 1/0 (SOM examples).
    """
    labels, on = _read_letters()
    patterns = np.where(on, 1.0, -1.0 if bipolar else 0.0)
    return list(labels), patterns
