"""What the GAN tab says about what it shows: the model overview beside the plane, the
formula strip and the status line under the plots, and the point of the plane the user
clicked (the *probe*), wired to the panel.

D at a clicked point comes from the engine, not from D's map: the map holds D on a
64 × 64 grid only, and a value read off it (or interpolated) is not D at that point.  The
click sends the point to the engine once (``call_engine``, on the engine thread); from then
on every snapshot carries D there, with that frame's networks (``probe``), so the formula
stays true while training goes on and after a reset.  The status line under the mouse
reads D's map instead: it must follow the mouse at the frame rate without a call to the
engine, and it names the grid point whose value it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ...panel import SimulationPanel
from ...theme import Theme, color
from .formulas import curve_hover, loss_lines, node_lines, plane_hover, probe_lines
from .overview import ModelOverview
from .readout import CURVES_HINT, HOVER_HINT, ExplainStrip, HoverReadout

__all__ = ["GANExplainer", "POINT_DIGITS", "OVERVIEW_SHARE"]

#: Decimals a clicked point keeps (as the formula shows it).
POINT_DIGITS = 2
#: The most of the pages' width the overview takes.
OVERVIEW_SHARE = 0.28
_PLANE = 0  # the 2-D page's index in the panel's stack (PAGE_2D)
_IMAGES = 3  # the digits' page (PAGE_IMAGES): the grid and the curves want its height


class GANExplainer(QObject):
    """The overview (``overview``), the strip (``strip``), the status line's hover and the
    probe for one GAN panel.  The panel calls :meth:`draw` for each snapshot drawn,
    :meth:`layer_shown` when a layer is switched and :meth:`restyle` with the theme."""

    def __init__(self, panel: SimulationPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.overview = ModelOverview()
        self.strip = ExplainStrip()
        plots = {"plane": (panel.plane.graphics, panel.plane.box)}
        curves = panel.curves
        for name, plot in zip(("losses", "accuracy", "metrics"), curves.plots()):
            plots[name] = (curves.graphics, plot.getViewBox())
        self.hover = HoverReadout(self._hover_text, self.strip, plots,
                                  round(1000 / panel.max_fps), self)
        #: The point clicked in the plane (data coordinates), or None.
        self.point: tuple[float, float] | None = None
        self.marker = pg.ScatterPlotItem(pxMode=True, symbol="o", brush=None)
        self.marker.setZValue(20)
        self.marker.hide()
        panel.plane.plot.addItem(self.marker, ignoreBounds=True)
        panel.plane.graphics.scene().sigMouseClicked.connect(self._plane_clicked)
        self.overview.layerToggled.connect(self._toggle_layer)
        self.overview.selectionChanged.connect(self._selection_changed)
        self._snap: Mapping[str, Any] | None = None

    def beside(self, pages: QWidget) -> QWidget:
        """``pages`` with the overview to their right (shown on the 2-D page only)."""
        return _Beside(pages, self.overview)

    # -- the panel's hooks -----------------------------------------------------------------
    def draw(self, snap: Mapping[str, Any], page: int) -> None:
        """Show ``snap``: what the last update trained, the formula, the status line."""
        self._snap = snap
        on_plane = page == _PLANE
        if self.overview.isHidden() == on_plane:
            self.overview.setVisible(on_plane)
        if not on_plane and self.overview.selected is not None:
            self.overview.select(None)
        self.overview.show_training(str(snap["last_update"]))
        formula = self.strip.formula_label
        if formula.isHidden() != (page == _IMAGES):  # the digits keep the status line only
            formula.setVisible(page != _IMAGES)
        self.strip.show_formula(self._formula(snap))
        self.strip.set_hint(HOVER_HINT if on_plane else CURVES_HINT)
        self.hover.refresh()

    def layer_shown(self, key: str, on: bool) -> None:
        self.overview.set_layer_shown(key, on)

    def restyle(self, theme: Theme) -> None:
        self.overview.restyle(theme)
        self.strip.restyle(theme)
        lecture = theme.name == "lecture"
        self.marker.setSize(26 if lecture else 16)
        self.marker.setPen(pg.mkPen(color("#CC79A7"), width=4 if lecture else 2.5))

    # -- the probe -------------------------------------------------------------------------
    def choose_point(self, x: float, y: float) -> None:
        """Explain D at (x, y): mark it, select D(x), and have the engine evaluate D there
        in every snapshot.  A run that was playing plays on."""
        point = (round(float(x), POINT_DIGITS), round(float(y), POINT_DIGITS))
        self.point = point
        self.marker.setData([point[0]], [point[1]])
        self.marker.show()
        self.overview.select("D(x)")
        panel = self.panel
        resume = panel.runner.playing

        def kept(_: Any) -> None:
            if resume and not panel.runner.playing:
                panel.play()

        panel.call_engine(_set_probe, point, on_return=kept)
        if self._snap is not None:
            self.strip.show_formula(self._formula(self._snap), refit=True)

    @Slot(object)
    def _plane_clicked(self, event: Any) -> None:
        panel = self.panel
        if event.button() != Qt.MouseButton.LeftButton or getattr(panel, "drawing", False):
            return
        box = panel.plane.box
        pos = event.scenePos()
        if not box.sceneBoundingRect().contains(pos):
            return
        point = box.mapSceneToView(pos)
        self.choose_point(point.x(), point.y())

    # -- selection and layers ---------------------------------------------------------------
    @Slot(str, bool)
    def _toggle_layer(self, key: str, on: bool) -> None:
        self.panel.set_layer_visible(key, on)

    @Slot(object)
    def _selection_changed(self, _node: Any) -> None:
        if self._snap is not None:
            self.strip.show_formula(self._formula(self._snap), refit=True)

    def _formula(self, snap: Mapping[str, Any]) -> list[str]:
        params = self.panel.form.params
        node = self.overview.selected
        if node is None:
            return loss_lines(snap, params)
        if node == "D(x)":
            return probe_lines(self._probe(snap), str(params.loss),
                               hint="" if self.point is None else
                               f"D(x) at x = ({self.point[0]:.2f}, {self.point[1]:.2f}): "
                               "asking the engine …")
        return node_lines(node, snap, params)

    def _probe(self, snap: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The snapshot's probe if it is at the point chosen (a frame drawn before the
        engine had the point has another one, or none)."""
        probe = snap.get("probe")
        if probe is None or self.point is None:
            return None
        if not np.allclose(probe["point"], self.point):
            return None
        return probe

    # -- the status line --------------------------------------------------------------------
    def _hover_text(self, where: str, x: float, y: float) -> str:
        snap = self.panel.snapshot
        if snap is None:
            return ""
        if where == "plane":
            if int(snap["dimension"]) != 2 or "observations" in snap:
                return ""
            return plane_hover(snap, x, y)
        return curve_hover(snap, where, x)


class _Beside(QWidget):
    """The pages and the overview side by side; the overview takes at most
    :data:`OVERVIEW_SHARE` of the width (the plane keeps its proportions on a small screen
    in lecture mode)."""

    def __init__(self, pages: QWidget, overview: ModelOverview) -> None:
        super().__init__()
        self._overview = overview
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(pages, 1)
        row.addWidget(overview)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._overview.set_room(int(self.width() * OVERVIEW_SHARE))


# -- run on the engine thread -----------------------------------------------------------------
def _set_probe(sim: Any, point: tuple[float, float]) -> Any:
    from mechgui.engine.gan.explain import set_probe  # on the engine thread, with torch

    return set_probe(sim, point)
