"""The Autoencoder tab's plots, built once: the codes of one run (:class:`LatentView`), images
in a mosaic (:class:`ImagesView`) and the loss curves (:class:`CurvesView`).  Each draws one
snapshot's arrays; none computes a step or calls the engine."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsTextItem, QSizePolicy

from mechgui.engine.digits import CLASSES, tile

from ...panel import SimulationPanel
from ...theme import Theme
from ...widgets import DotsItem, DrawViewBox, as_picture
from ..gan.items import Key, entry, show_curve

__all__ = [
    "CLASS_COLOURS",
    "INK",
    "CurvesView",
    "ImagesView",
    "LatentView",
    "plane_points",
    "spread_labels",
]

#: One colour per digit 0–9 (the ten "tableau" colours: distinct on white, and known).
CLASS_COLOURS = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B",
                 "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF")
#: Pixels as ink on paper: 0 white, 1 black.
INK = np.repeat(np.linspace(255, 0, 256)[:, None], 3, axis=1).astype(np.ubyte)
#: The value drawn between the images of a mosaic (a light grey line).
GAP = 0.12
#: The least distance between two digits' names on the codes, a share of the codes' span.
LABEL_GAP = {"normal": 0.085, "lecture": 0.15}
_JITTER = np.random.default_rng(0).uniform(-0.3, 0.3, 100_000)  # a 1-D code's rows


def plane_points(latent: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Where codes are drawn: their first two dimensions; a 1-D code against its digit
    (spread a little, so that the points of a digit do not hide each other)."""
    latent = np.asarray(latent, dtype=float)
    if latent.shape[1] >= 2:
        return latent[:, :2]
    rows = np.asarray(labels, dtype=float) + _JITTER[:len(latent)]
    return np.column_stack([latent[:, 0], rows])


def spread_labels(points: np.ndarray, gap: float, rounds: int = 50) -> np.ndarray:
    """Where to write the digits' names: at their mean codes (``points``, rows of x, y; nan
    for a digit absent), pushed apart until no two are closer than ``gap`` (or after
    ``rounds``), so that names of neighbouring means do not hide each other."""
    out = np.array(points, dtype=float)
    shown = np.flatnonzero(np.all(np.isfinite(out), axis=1))
    if len(shown) < 2 or not gap > 0:
        return out
    # a tiny offset of each name's own (the same every frame) parts names at one point
    xy = out[shown] + 1e-3 * gap * np.column_stack([np.cos(shown), np.sin(shown)])
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        distance = np.hypot(delta[..., 0], delta[..., 1])
        np.fill_diagonal(distance, np.inf)
        close = distance < gap
        if not close.any():
            break
        push = np.where(close, (gap - np.minimum(distance, gap)) / (2 * distance), 0.0)
        xy = xy + (delta * push[..., None]).sum(axis=1)
    out[shown] = xy
    return out


class LatentView:
    """The codes of one run, one colour per digit and the digit's name at its mean code; the
    N(0, I) batch as crosses; optionally the decoder's map of the plane behind them.  The
    live run's view reports clicks and drags (``box.sigDraw``); a kept run's does not."""

    def __init__(self, panel: SimulationPanel, layout: pg.GraphicsLayout, title: str,
                 row: int, col: int) -> None:
        self.box = DrawViewBox()
        self.box.drawing_enabled = False
        self.plot = panel.add_plot(layout, title, row=row, col=col, view_box=self.box,
                                   left="z<sub>2</sub>", bottom="z<sub>1</sub>")
        self.plot.setAspectLocked(True)
        self.grid_item = pg.ImageItem(axisOrder="row-major")
        self.grid_item.setLookupTable(INK)
        self.grid_item.setOpacity(0.55)
        self.grid_item.setZValue(-10)
        self.grid_item.hide()
        self.plot.addItem(self.grid_item, ignoreBounds=True)
        self.dots = [DotsItem(name=f"digit {c}") for c in range(CLASSES)]
        for dots in self.dots:
            self.plot.addItem(dots)
        self.prior_item = pg.ScatterPlotItem(pxMode=True, symbol="+", pen=None)
        self.plot.addItem(self.prior_item, ignoreBounds=True)
        self.path_item = pg.PlotCurveItem()
        self.path_item.hide()
        self.plot.addItem(self.path_item, ignoreBounds=True)
        self.marker = pg.ScatterPlotItem(pxMode=True, symbol="o", brush=None)
        self.marker.hide()
        self.plot.addItem(self.marker, ignoreBounds=True)
        self.names = [pg.TextItem(str(c), anchor=(0.5, 0.5), color=CLASS_COLOURS[c],
                                  fill=pg.mkBrush(255, 255, 255, 200)) for c in range(CLASSES)]
        for name in self.names:
            name.setZValue(20)
            self.plot.addItem(name, ignoreBounds=True)
        self.hint = pg.TextItem(anchor=(0.5, 0.5), color="#5A6270")
        self.plot.addItem(self.hint, ignoreBounds=True)
        self.show_prior = True
        self.show_grid = False
        self._means: np.ndarray | None = None
        self._dims = 2
        self._label_gap = LABEL_GAP["normal"]

    # -- drawing ----------------------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any]) -> None:
        """The codes of ``snap`` (a detailed one's), the names, the noise batch, the map."""
        self.hint.hide()
        latent = np.asarray(snap["latent"], dtype=float)
        labels = np.asarray(snap["labels"])
        self._dims = latent.shape[1]
        points = plane_points(latent, labels)
        for c, dots in enumerate(self.dots):
            mine = points[labels == c]
            dots.setData(mine[:, 0], mine[:, 1])
        means = plane_points(np.asarray(snap["class_means"], dtype=float), np.arange(CLASSES))
        self._means = means
        finite = points[np.all(np.isfinite(points), axis=1)]
        span = float(np.ptp(finite, axis=0).max()) if len(finite) else 0.0
        places = spread_labels(means, self._label_gap * span)
        for c, name in enumerate(self.names):
            ok = bool(np.all(np.isfinite(places[c])))
            name.setVisible(ok)
            if ok:
                name.setPos(float(places[c, 0]), float(places[c, 1]))
        prior = plane_points(np.asarray(snap["prior_points"], dtype=float),
                             np.full(len(snap["prior_points"]), -1.0))
        self.prior_item.setData(pos=prior)
        self.prior_item.setVisible(self.show_prior)
        grid = snap["decoded_grid"]
        if grid is not None and self.show_grid:
            (x0, x1), (y0, y1) = snap["grid_extent"]
            shape = tuple(snap["image_shape"])
            side = math.isqrt(len(grid))
            # the plot's y axis points up and the image's row 0 is drawn lowest: the grid's
            # row 0 (the lowest codes) comes first as it is, each digit's own rows reversed
            upright = np.asarray(grid).reshape(len(grid), *shape)[:, ::-1]
            mosaic = tile(upright.reshape(len(grid), -1), shape, side, gap=0)
            self.grid_item.setImage(mosaic, levels=(0.0, 1.0), autoLevels=False)
            self.grid_item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            self.grid_item.show()
        else:
            self.grid_item.hide()
        self.plot.getViewBox().enableAutoRange()

    def clear(self, hint: str) -> None:
        """No run to show: everything hidden but ``hint`` in the middle."""
        for dots in self.dots:
            dots.setData([], [])
        for item in (*self.names, self.prior_item, self.grid_item, self.path_item, self.marker):
            item.hide()
        self._means = None
        self.hint.setText(hint)
        self.hint.setPos(0.0, 0.0)
        self.hint.show()
        self.plot.getViewBox().setRange(xRange=(-1, 1), yRange=(-1, 1))

    def set_live(self, live: bool) -> None:
        self.box.drawing_enabled = live
        if not live:
            self.marker.hide()
            self.path_item.hide()

    def mark(self, point: tuple[float, float] | None) -> None:
        """Ring the point decoded last (None: no ring)."""
        if point is None:
            self.marker.hide()
            return
        self.marker.setData(pos=[point])
        self.marker.show()

    def show_path(self, class_a: int | None, class_b: int | None) -> None:
        """The line between two digits' mean codes (the interpolation's path)."""
        means = self._means
        if class_a is None or means is None or self._dims < 2 \
                or not np.all(np.isfinite(means[[class_a, class_b]])):
            self.path_item.hide()
            return
        ends = means[[class_a, class_b]]
        self.path_item.setData(ends[:, 0], ends[:, 1])
        self.path_item.show()

    def restyle(self, theme: Theme) -> None:
        size = max(3.0, theme.symbol_size * 0.55)
        for c, dots in enumerate(self.dots):
            dots.set_style(size, pg.mkBrush(CLASS_COLOURS[c] + "B0"))
        self.prior_item.setSize(theme.symbol_size * (0.6 if theme.name == "lecture" else 0.9))
        self.prior_item.setPen(pg.mkPen(30, 30, 30, 150,
                                        width=2.0 if theme.name == "lecture" else 1.0))
        self.marker.setSize(theme.symbol_size * 2.4)
        self.marker.setPen(pg.mkPen("#1A1A1A", width=theme.line_width))
        self.path_item.setPen(theme.pen("#1A1A1A", theme.line_width, style=Qt.PenStyle.DashLine))
        font = QFont()
        font.setPointSize(theme.title_size + 2 if theme.name != "lecture" else theme.font_size)
        self._label_gap = LABEL_GAP.get(theme.name, LABEL_GAP["normal"])
        font.setBold(True)
        for name in self.names:
            name.setFont(font)
        hint_font = QFont()
        hint_font.setPointSize(theme.font_size)
        self.hint.setFont(hint_font)


class ImagesView:
    """Images laid out in rows of ``cols``, ink on paper, in a plot without axes."""

    def __init__(self, panel: SimulationPanel, layout: pg.GraphicsLayout, title: str,
                 row: int, col: int, rowspan: int = 1, colspan: int = 1) -> None:
        self.plot = panel.add_plot(layout, title, row=row, col=col, rowspan=rowspan,
                                   colspan=colspan)
        as_picture(self.plot)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setLookupTable(INK)
        self.plot.addItem(self.item)
        self.hint = pg.TextItem(anchor=(0.5, 0.5), color="#5A6270")
        self.plot.addItem(self.hint, ignoreBounds=True)
        #: The images shown last (n × pixels), for tests and exports.
        self.images: np.ndarray | None = None

    def show(self, images: Any, shape: tuple[int, int], cols: int | None = None) -> None:
        self.hint.hide()
        self.images = np.asarray(images, dtype=np.float32)
        mosaic = tile(self.images, shape, cols, gap=1, fill=GAP)
        self.item.setImage(mosaic, levels=(0.0, 1.0), autoLevels=False)
        self.item.show()
        self.plot.getViewBox().autoRange(padding=0.02)

    def clear(self, hint: str = "") -> None:
        self.images = None
        self.item.hide()
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.hint.setPos(0.0, 0.0)
        self.plot.getViewBox().setRange(xRange=(-1, 1), yRange=(-1, 1))

    def restyle(self, theme: Theme) -> None:
        font = QFont()
        font.setPointSize(theme.font_size)
        self.hint.setFont(font)


class Readout(pg.GraphicsWidget):
    """One line of text, centred, in a layout cell of a fixed height: a new text repaints
    the line alone and never lays the plots out again (as a new title does)."""

    def __init__(self) -> None:
        super().__init__()
        self._text = QGraphicsTextItem(self)
        self._text.setDefaultTextColor(QColor("#333333"))
        self._text.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_font(QFont())

    def text(self) -> str:
        return self._text.toPlainText()

    def set_font(self, font: QFont) -> None:
        self._text.setFont(font)
        height = QFontMetricsF(font).height() + 2 * self._text.document().documentMargin()
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.setPreferredHeight(height)
        self._place()

    def set_text(self, text: str) -> None:
        if text != self._text.toPlainText():
            self._text.setPlainText(text)
            self._place()

    def _place(self) -> None:
        self._text.setPos(max(0.0, (self.size().width() - self._text.boundingRect().width()) / 2),
                          0.0)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place()


class CurvesView:
    """The loss history: reconstruction, KL (the VAE's) and their sum, a key under them."""

    _CURVES = (("reconstruction_loss", "primary", "reconstruction"), ("kl", "accent", "KL"),
               ("loss", "muted", "loss = rec. + β·KL"))

    def __init__(self, panel: SimulationPanel, layout: pg.GraphicsLayout, row: int,
                 col: int) -> None:
        cell = layout.addLayout(row=row, col=col)
        self.plot = panel.add_plot(cell, "Losses (nats per image)", row=0, col=0)
        self.plot.setMouseEnabled(x=False, y=False)
        self.key = Key()
        cell.addItem(self.key, row=1, col=0)
        self.curves = {name: pg.PlotDataItem() for name, _, _ in self._CURVES}
        for curve in self.curves.values():
            self.plot.addItem(curve)
        self._variational: bool | None = None
        self._theme = panel.theme
        # the last step's losses under the key, new in every frame (the curves themselves
        # are redrawn only in detailed ones)
        self.readout = Readout()
        cell.addItem(self.readout, row=2, col=0)

    def show_now(self, snap: Mapping[str, Any]) -> None:
        """The last step's losses (every frame)."""
        if snap["step"] == 0 or not np.isfinite(snap["loss"]):
            self.readout.set_text("")
            return
        digits = 1 if self._theme.name == "lecture" else 2
        text = f"rec. {snap['reconstruction_loss']:.{digits}f}"
        if snap["variational"]:
            text += f" · KL {snap['kl']:.{digits}f}"
        self.readout.set_text("now: " + text)

    def draw(self, snap: Mapping[str, Any]) -> None:
        history = snap["history"]
        steps = np.asarray(history["step"], dtype=float)
        variational = bool(snap["variational"])
        for name, curve in self.curves.items():
            shown = variational or name == "reconstruction_loss"
            curve.setVisible(shown)
            if shown:
                show_curve(curve, steps, history[name])
        if variational != self._variational:
            self._variational = variational
            self._show_key()

    def clear(self) -> None:
        for curve in self.curves.values():
            curve.setData([], [])

    def _show_key(self) -> None:
        entries = [entry("line", role, text) for name, role, text in self._CURVES
                   if self._variational or name == "reconstruction_loss"]
        self.key.set_entries(entries, self._theme)

    def restyle(self, theme: Theme) -> None:
        self._theme = theme
        font = QFont()
        font.setPointSize(max(theme.legend_size, 10))
        self.readout.set_font(font)
        for name, role, _ in self._CURVES:
            width = theme.thin_width if name == "loss" else theme.line_width * 0.75
            self.curves[name].setPen(theme.pen(role, width))
        self._show_key()
