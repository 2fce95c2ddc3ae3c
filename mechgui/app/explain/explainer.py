"""A tab's explanations: which element is selected, the formula shown for it (in the
strip under the plots), and the read-out of the value under the mouse on any of the
tab's plots (in the window's status line, which covers no data and takes no room).

A panel makes one :class:`Explainer` in its ``build_view`` and says, per plot, how a
position becomes a read-out and (optionally) which element a click there selects; the
panel base then puts the strip under the plots, hands it every snapshot drawn (after
``render``) and the theme.  Everything shown comes from the last snapshot drawn:

    self.explain = Explainer(self, formula=node_formula, count=node_count,
                             hint="Click a node (or press Tab) to see its update rule")
    self.explain.watch(self.bar_plot, readout=self._bar_readout, pick=self._bar_at)
    self.explain.selectionChanged.connect(self._draw_selection)

Mouse moves only note where the mouse is; the read-out is written at most once per frame
(a timer at the panel's frame rate, and after each frame), and pyqtgraph gets plain mouse
moves at most ten times a second (:class:`~.throttle.HoverThrottle`: its own hover
handling of each move costs more than the read-out), so that moving the mouse never slows
the drawing.  Keyboard: while a plot has the focus (a click on it, or Tab
into it), Tab and Shift+Tab move the selection through the elements and Escape clears it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QStatusBar, QWidget

from ..theme import Theme
from .strip import ExplainStrip
from .throttle import HoverThrottle

__all__ = ["Explainer", "FormulaFunction", "Pick", "Readout"]

Snapshot = Mapping[str, Any]
#: A plot's read-out: the snapshot and the mouse's position in the plot's data
#: coordinates → the text, or None where there is nothing to say.
Readout = Callable[[Snapshot, float, float], "str | None"]
#: A plot's picker: the snapshot and a click's position → the element there, or None.
Pick = Callable[[Snapshot, float, float], "int | None"]
#: The formula of an element: anything with a ``text`` (an engine :class:`Formula`) or a str.
FormulaFunction = Callable[[Snapshot, int], Any]


class _Watched:
    """One plot the explainer reads out (and picks on)."""

    def __init__(self, plot: pg.PlotItem, readout: Readout | None, pick: Pick | None) -> None:
        self.plot = plot
        self.readout = readout
        self.pick = pick

    def holds(self, scene_pos: QPointF) -> bool:
        box = self.plot.getViewBox()
        return self.plot.isVisible() and box.sceneBoundingRect().contains(scene_pos)

    def to_data(self, scene_pos: QPointF) -> tuple[float, float]:
        point = self.plot.getViewBox().mapSceneToView(scene_pos)
        return point.x(), point.y()


class Explainer(QObject):
    """Selection, formula and hover read-outs of one tab (see the module's text)."""

    #: The selected element changed (an int, or None).
    selectionChanged = Signal(object)

    def __init__(self, panel: QWidget, formula: FormulaFunction | None = None,
                 count: Callable[[Snapshot], int] | None = None, hint: str = "") -> None:
        """``formula`` and ``count`` (the number of elements in a snapshot) make elements
        selectable; without them the explainer only reads out (a tab with read-outs alone)."""
        super().__init__(panel)
        self.panel = panel
        self.formula = formula
        self.count = count
        #: What to do, shown in the status line over a plot where nothing is read out.
        self.hint = hint
        self.strip = ExplainStrip()
        self._readout = ""
        self.selected: int | None = None
        self._watched: list[_Watched] = []
        self._scenes: list[pg.GraphicsScene] = []
        self._views: list[QWidget] = []
        #: The canvases' mouse-move throttles (see :mod:`.throttle`).
        self.throttles: list[HoverThrottle] = []
        self._hover: tuple[pg.GraphicsScene, QPointF] | None = None
        fps = float(getattr(panel, "max_fps", 60.0)) or 60.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, int(1000 / fps)))
        self._timer.timeout.connect(self._update_readout)
        #: Read-outs written (for tests and the benchmark: at most one per frame).
        self.readouts_written = 0
        self._asked: int | None = None  # a --select kept until a snapshot has it

    # -- set-up ----------------------------------------------------------------------------
    def watch(self, plot: pg.PlotItem, readout: Readout | None = None,
              pick: Pick | None = None) -> None:
        """Read out ``plot`` under the mouse; with ``pick``, a click on it selects."""
        self._watched.append(_Watched(plot, readout, pick))
        self._connect()

    def _connect(self) -> None:
        """Listen to the scenes (and keys of the canvases) of the plots placed so far: a
        plot made before it is put into a layout has no scene yet."""
        for watched in self._watched:
            scene = watched.plot.scene()
            if scene is None or scene in self._scenes:
                continue
            self._scenes.append(scene)
            scene.sigMouseClicked.connect(self._clicked)
            for view in scene.views():
                if view not in self._views:
                    self._views.append(view)
                    self.throttles.append(HoverThrottle(view.viewport()))
                    view.installEventFilter(self)
                    view.viewport().installEventFilter(self)
                    view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- selection -------------------------------------------------------------------------
    def ask(self, element: int) -> None:
        """Select ``element`` now, and again whenever a snapshot that has it comes after one
        that had not (the command line's ``--select``: the tab's defaults may be drawn
        before the preset's), until another selection is made."""
        self._asked = int(element)
        snap = self._snapshot()
        if snap is None or self.count is None or element < int(self.count(snap)):
            self._select(element)

    def select(self, element: int | None) -> None:
        """Select ``element`` (None: nothing); the formula follows at once."""
        self._asked = None
        self._select(element)

    def _select(self, element: int | None) -> None:
        if element is not None:
            element = int(element)
        if element == self.selected or (element is not None and self.formula is None):
            return
        self.selected = element
        self.strip.shrink()
        self._show_formula(self._snapshot())
        self.selectionChanged.emit(element)

    def move(self, step: int) -> None:
        """The next (``step`` = 1) or previous (−1) element, wrapping around."""
        snap = self._snapshot()
        if snap is None or self.count is None:
            return
        count = int(self.count(snap))
        if count <= 0:
            return
        if self.selected is None:
            self.select(0 if step > 0 else count - 1)
        else:
            self.select((self.selected + step) % count)

    # -- each frame ------------------------------------------------------------------------
    def show(self, snap: Snapshot) -> None:
        """A snapshot was drawn: the formula with its numbers, the read-out anew."""
        if len(self._scenes) < len({id(w.plot) for w in self._watched}):
            self._connect()
        if self.count is not None:
            count = int(self.count(snap))
            if self.selected is not None and self.selected >= count:
                self._select(None)  # fewer elements now (new parameters)
            elif self._asked is not None and self.selected is None and self._asked < count:
                self._select(self._asked)
        self._show_formula(snap)
        if self._hover is not None and not self._timer.isActive():
            self._timer.start()

    def _show_formula(self, snap: Snapshot | None) -> None:
        if self.selected is None or snap is None or self.formula is None:
            self.strip.set_formula(None)
            return
        result = self.formula(snap, self.selected)
        self.strip.set_formula(result if isinstance(result, str) else result.text)

    def set_caption(self, text: str | None) -> None:
        """A teach step's caption (None: none)."""
        self.strip.set_caption(text)

    def restyle(self, theme: Theme) -> None:
        self.strip.restyle(theme)

    def formula_text(self) -> str:
        return self.strip.formula_text()

    def readout_text(self) -> str:
        """The read-out shown in the status line ("" when none)."""
        return self._readout

    def _show_readout(self, text: str) -> None:
        if text == self._readout:
            return
        old, self._readout = self._readout, text
        window = self.panel.window()
        bar = window.statusBar() if isinstance(window, QMainWindow) else None
        if not isinstance(bar, QStatusBar):
            return
        if text:
            bar.showMessage(text)
        elif bar.currentMessage() == old:  # (not a message of someone else's)
            bar.clearMessage()

    def _snapshot(self) -> Snapshot | None:
        return getattr(self.panel, "snapshot", None)

    # -- the mouse -------------------------------------------------------------------------
    def _moved(self, view: QWidget, position: QPointF) -> None:
        """The mouse moved over ``view`` (its viewport's coordinates): noted, read out soon."""
        self._hover = (view.scene(), view.mapToScene(position.toPoint()))
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _update_readout(self) -> None:
        snap = self._snapshot()
        text = ""
        if self._hover is not None and snap is not None:
            scene, pos = self._hover
            for watched in self._watched:
                if watched.readout is not None and watched.plot.scene() is scene \
                        and watched.holds(pos):
                    text = watched.readout(snap, *watched.to_data(pos)) or self.hint
                    break
        self.readouts_written += 1
        self._show_readout(text)

    @Slot(object)
    def _clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        snap = self._snapshot()
        if snap is None:
            return
        scene, pos = self.sender(), event.scenePos()
        for watched in self._watched:
            if watched.pick is None or watched.plot.scene() is not scene \
                    or not watched.holds(pos):
                continue
            box = watched.plot.getViewBox()
            if getattr(box, "drawing_enabled", False) and getattr(box, "click_draws", True):
                return  # the click drew (a value, a pixel, a point)
            element = watched.pick(snap, *watched.to_data(pos))
            if element is not None:
                self.select(element)
            return

    # -- keys and leaving ------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove:  # (every move: before the throttle holds any back)
            view = watched.parent()
            if view in self._views:
                self._moved(view, event.position())
        elif kind == QEvent.Type.Leave and self._hover is not None:
            self._hover = None
            self._timer.stop()
            self._show_readout("")
        elif kind == QEvent.Type.KeyPress and (watched in self._views or any(
                watched is view.viewport() for view in self._views)):
            key, mods = event.key(), event.modifiers()
            plain = not mods & (Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.AltModifier)
            if key == Qt.Key.Key_Tab and plain and not mods & Qt.KeyboardModifier.ShiftModifier:
                self.move(1)
                return True
            if key == Qt.Key.Key_Backtab and plain:
                self.move(-1)
                return True
            if key == Qt.Key.Key_Escape and self.selected is not None:
                self.select(None)
                return True
        return False
