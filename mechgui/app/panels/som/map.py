"""The map: one cell per unit (squares, or hexagons on the hexagonal grid; row 0 at the
top, as in Fig 4.10), coloured by the U-matrix, the hit count, the quantization error per
unit or one weight component; the names of the inputs each unit wins; for the letters
each unit's weight vector as a glyph; the winner and its learning neighbourhood outlined.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from mechgui.engine.som import unit_errors

from ...panel import SimulationPanel
from ...theme import Theme, apply_axis_theme
from ...widgets import as_picture
from .geometry import GLYPH_SCALE, MapLayout, glyph_layout, unit_maps
from .matrix import LUT

__all__ = ["MapView", "COLOURINGS", "MAX_LABELLED_UNITS"]

#: Map colourings (the component planes are added per input dimension).
COLOURINGS = ("U-matrix", "hit count", "quantization error")
#: Units up to which each cell of the map carries the names of the inputs it wins.
MAX_LABELLED_UNITS = 100
#: Input names per line of a cell's label (normal and lecture mode).
NAMES_PER_LINE = 3
LECTURE_NAMES_PER_LINE = 2
#: Learning units outlined at most (a wide neighbourhood is left unmarked).
MAX_OUTLINED_NEIGHBOURS = 60


def _glyph_lut() -> np.ndarray:
    """0 = transparent, 1 = near black: the cell's colour shows between the strokes."""
    lut = np.zeros((256, 4), dtype=np.ubyte)
    lut[:, :3] = 20
    lut[:, 3] = np.linspace(0, 255, 256).astype(np.ubyte)
    return lut


class MapView:
    """The map's plot and items, built once; :meth:`draw` colours it from one snapshot.

    The cells are one ``ImageItem`` (each pixel holds its unit's value through the
    layout's index image), the glyphs one more, tiled.
    """

    def __init__(self, panel: SimulationPanel) -> None:
        self.plot = panel.add_plot(None, "Map")
        vb = as_picture(self.plot)
        vb.disableAutoRange()
        self.cells_item = pg.ImageItem(axisOrder="row-major")
        self.cells_item.setLookupTable(LUT)
        self.neighbour_outline = pg.PlotDataItem(connect="pairs")
        self.glyph_item = pg.ImageItem(axisOrder="row-major")
        self.glyph_item.setLookupTable(_glyph_lut())
        self.winner_outline = pg.PlotDataItem()
        # walls between the cells of a folded chain that are not neighbours on it
        self.chain_walls_item = pg.PlotDataItem(connect="pairs")
        for item in (self.cells_item, self.chain_walls_item, self.glyph_item,
                     self.neighbour_outline, self.winner_outline):
            self.plot.addItem(item)
        #: The colour scale of the cells (placed beside the map by the panel).
        self.colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get("viridis"),
                                          interactive=False, width=14)
        self.unit_labels: list[pg.TextItem] = []
        self.layout: MapLayout | None = None
        self.glyph_shape: tuple[int, int] | None = None
        self.last_maps: dict[str, np.ndarray] = {}
        #: The colouring's range, for the figures under the plots.
        self.value_range = ""
        self._theme = panel.theme
        self._texts: list[str] = []
        self._scale_label = ""
        self._glyphs: tuple[tuple, np.ndarray, np.ndarray] | None = None  # key, tiles, image

    # -- what changes on a reset -------------------------------------------------------
    def set_layout(self, layout: MapLayout, glyph_shape: tuple[int, int] | None) -> None:
        """A new map shape (and the glyphs' shape, or None)."""
        self.layout, self.glyph_shape = layout, glyph_shape
        self.cells_item.setImage(np.full(layout.index.shape, np.nan, dtype=np.float32),
                                 autoLevels=False, levels=(0, 1))
        rect = QRectF(*layout.rect)
        self.cells_item.setRect(rect)
        pad = 0.1
        self.plot.getViewBox().setRange(xRange=(rect.left() - pad, rect.right() + pad),
                                        yRange=(rect.top() - pad, rect.bottom() + pad),
                                        padding=0)
        self.chain_walls_item.setData(layout.walls[:, 0], layout.walls[:, 1])
        self._glyphs = None

    def title(self) -> str:
        layout = self.layout
        folded = layout.shown != (layout.rows, layout.cols)
        kind = "no topology" if layout.topology == "none" else layout.topology
        return f"Map: {layout.rows}×{layout.cols} {kind}" + \
            (f", in {layout.shown[0]} rows" if folded else "")

    def place_labels(self, labelled: bool, glyphs: bool) -> None:
        """One label per cell if ``labelled`` (under the glyph if ``glyphs``), else none."""
        for label in self.unit_labels:
            self.plot.removeItem(label)
        self.unit_labels = []
        self._texts = []
        if not labelled:
            return
        half = 0.5 * self.layout.cell_height
        for x, y in self.layout.centres:
            label = pg.TextItem(anchor=(0.5, 1.0) if glyphs else (0.5, 0.5))
            label.setPos(x, y + half if glyphs else y)
            self.plot.addItem(label)
            self.unit_labels.append(label)
        self._texts = [""] * len(self.unit_labels)
        self._style_labels()

    # -- drawing -------------------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any], colouring: str, names: tuple[str, ...] | None,
             glyphs: bool, sample: np.ndarray) -> None:
        """Colour the cells by ``colouring``, outline the winner and its neighbourhood,
        label each cell with the ``names`` of the inputs it wins (None: no labels), show
        the glyphs.  ``sample``: the data the maps are computed on when the snapshot is
        of a data set too big to carry them."""
        weights = np.asarray(snap["weights"])
        by_inputs = colouring in ("hit count", "quantization error") or names is not None
        maps = self.last_maps = self._maps(snap, by_inputs, sample)
        if colouring.startswith("component "):
            values = weights[:, min(int(colouring.split()[1]) - 1, weights.shape[1] - 1)]
        elif colouring == "hit count":
            values = maps["hits"]
        elif colouring == "quantization error":
            values = maps["qe"]
        else:
            values = maps["u_matrix"]
        self._colour(np.asarray(values, dtype=float), colouring)
        self._outline(snap)
        if glyphs:
            self._draw_glyphs(weights, names is not None)
            self.glyph_item.show()
        else:
            self.glyph_item.hide()
        if names is not None:
            self._draw_labels(maps["winners"], names)

    def _maps(self, snap: Mapping[str, Any], by_inputs: bool, sample: np.ndarray
              ) -> dict[str, np.ndarray]:
        """``u_matrix`` and, if ``by_inputs``, ``hits``, ``qe`` and ``winners``: the
        engine's for this frame, or computed here on ``sample`` for a data set too big
        for the snapshot to carry them (see ``MAX_SNAPSHOT_PAIRS``)."""
        maps = {"u_matrix": np.asarray(snap["u_matrix"])}
        if not by_inputs:
            return maps
        winners = snap["data_winners"]
        if winners is None:
            layout = self.layout
            maps.update(unit_maps(sample, np.asarray(snap["weights"]), layout.rows,
                                  layout.cols, layout.topology, ("winners",)))
            return maps
        hits, qe = unit_errors(np.asarray(winners), np.asarray(snap["data_distances"]),
                               self.layout.units)
        maps.update(hits=hits, qe=qe, winners=np.asarray(winners))
        return maps

    def show_values(self, values: np.ndarray, label: str) -> None:
        """Colour the cells by one value per unit (a teach step's distances), scale ``label``."""
        self._colour(np.asarray(values, dtype=float), label)

    def _colour(self, values: np.ndarray, colouring: str) -> None:
        finite = values[np.isfinite(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if colouring == "hit count":
            lo = 0.0
        if hi <= lo:
            hi = lo + 1.0
        image = values.astype(np.float32)[self.layout.index]
        image[self.layout.outside] = np.nan
        self.cells_item.setImage(image, autoLevels=False, levels=(lo, hi))
        self.colour_bar.setLevels((lo, hi))
        if colouring != self._scale_label:
            self._scale_label = colouring
            self.colour_bar.axis.setLabel(colouring)
            apply_axis_theme(self.colour_bar.axis, self._theme)
        self.value_range = f"{colouring} {lo:.3g} … {hi:.3g} (dark = low)"

    def _outline(self, snap: Mapping[str, Any]) -> None:
        """The winner's cell, and the cells learning with at least half its rate."""
        updated = np.asarray(snap["updated"], dtype=np.int64)
        rates = np.asarray(snap["update_rates"], dtype=float)
        strong = updated[rates >= 0.5 * float(rates.max())] if rates.size else updated
        if 1 < strong.size <= MAX_OUTLINED_NEIGHBOURS:
            seg = self.layout.outline_of(strong)
            self.neighbour_outline.setData(seg[:, 0], seg[:, 1])
        else:
            self.neighbour_outline.setData([], [])
        winner = snap["winner"]
        if winner is not None:
            corners = self.layout.closed_outline(int(winner))
            self.winner_outline.setData(corners[:, 0], corners[:, 1])
        else:
            self.winner_outline.setData([], [])

    def _draw_glyphs(self, weights: np.ndarray, labelled: bool) -> None:
        layout = self.layout
        key = (layout, labelled)
        if self._glyphs is None or self._glyphs[0] != key:
            shape, flat, rect = glyph_layout(*layout.shown, layout.topology, self.glyph_shape,
                                             labelled)
            image = np.zeros(shape, dtype=np.float32)
            # (no glyph in a folded chain's tail)
            self._glyphs = (key, flat[:layout.units], image)
            self.glyph_item.setImage(image, autoLevels=False, levels=(0, 1))
            self.glyph_item.setRect(QRectF(*rect))
        _, flat, image = self._glyphs
        tiles = weights.reshape(-1, *self.glyph_shape)
        tiles = np.repeat(np.repeat(tiles, GLYPH_SCALE, axis=1), GLYPH_SCALE, axis=2)
        image.flat[flat] = np.clip(tiles.reshape(len(tiles), -1), 0, 1)
        self.glyph_item.setImage(image, autoLevels=False, levels=(0, 1))

    def glyph_tiles(self) -> np.ndarray:
        """Each unit's glyph as drawn, (m, rows·k, cols·k)."""
        _, flat, image = self._glyphs
        rows, cols = self.glyph_shape
        return image.ravel()[flat].reshape(len(flat), rows * GLYPH_SCALE, cols * GLYPH_SCALE)

    def _draw_labels(self, winners: np.ndarray, names: tuple[str, ...]) -> None:
        per_unit: list[list[str]] = [[] for _ in self.unit_labels]
        for i, j in enumerate(winners):
            if j < len(per_unit) and i < len(names):
                per_unit[j].append(names[i])
        texts = [self._wrap(n) for n in per_unit]
        for label, text, old in zip(self.unit_labels, texts, self._texts):
            if text != old:
                label.setText(text)
        self._texts = texts

    def _wrap(self, names: list[str]) -> str:
        """A cell's label: the names of the inputs it wins, a few per line (fewer in
        lecture mode's big font, so that a line stays about as wide as a cell)."""
        per_line = LECTURE_NAMES_PER_LINE if self._theme.name == "lecture" else NAMES_PER_LINE
        return "\n".join(",".join(names[k:k + per_line]) for k in range(0, len(names), per_line))

    def label_texts(self) -> list[str]:
        """The label shown in each cell (one string per unit; commas between inputs)."""
        return [t.replace("\n", ",") for t in self._texts]

    # -- theme ---------------------------------------------------------------------------
    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        apply_axis_theme(self.colour_bar.axis, theme)
        lecture = theme.name == "lecture"
        self.winner_outline.setPen(theme.pen("winner", theme.line_width * 1.3))
        self.neighbour_outline.setPen(theme.pen("winner", theme.thin_width))
        self.chain_walls_item.setPen(pg.mkPen(theme.foreground, width=3 if lecture else 2))
        self._style_labels()

    def _style_labels(self) -> None:
        font = pg.QtGui.QFont()
        font.setPointSize(self._theme.tick_size)
        font.setBold(True)
        for label in self.unit_labels:
            label.setColor("#FFFFFF")
            label.setFont(font)
            label.fill = pg.mkBrush(0, 0, 0, 110)
