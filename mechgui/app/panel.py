"""The common frame of every tab: transport bar, presets, generated form, plots.

A :class:`SimulationPanel` owns one :class:`~mechgui.app.runner.EngineRunner`
(the simulation lives on its engine thread) and only *renders* snapshots.  A
mechanism's panel subclasses it and implements :meth:`build_view` (create the
plot items once) and :meth:`render` (update them with ``setData``/``setImage``
from one snapshot); optional hooks add controls and restyle for lecture mode.
"""

from __future__ import annotations

import traceback
import weakref
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any, ClassVar

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import (ParameterError, ParamSet, Simulation, load_preset, model_class,
                            model_title, params_class, presets)

from . import errors
from .explain import Explainer, TeachPlayer
from .paramform import ParamForm
from .presetbox import CUSTOM, PresetBox
from .runner import EngineRunner, Failure
from .theme import NORMAL, Theme, apply_legend_theme, apply_plot_theme
from .transport import SPEEDS, TransportBar, status_text
from .widgets import RoomyAxis

__all__ = ["SimulationPanel", "TransportBar", "SPEEDS", "status_text", "all_panels"]

#: A frame counts as drawn when its canvases have not painted for this long (ms) …
PAINT_QUIET_MS = 1
#: … or, if nothing painted at all, after this long.
PAINT_TIMEOUT_MS = 100

_PANELS: "weakref.WeakSet[SimulationPanel]" = weakref.WeakSet()


def all_panels() -> list["SimulationPanel"]:
    """Every panel alive (the test suite checks them for drawing errors)."""
    return list(_PANELS)


class _PaintWatcher(QObject):
    """Tells its panel when one of its plot canvases has painted."""

    def __init__(self, panel: "SimulationPanel") -> None:
        super().__init__(panel)
        self._panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._panel._canvas_painting()
        return False


class SimulationPanel(QWidget):
    """Base of every tab.  Subclasses set :attr:`model` and implement the view."""

    #: Registry name of the engine, e.g. ``"maxnet"``.
    model: ClassVar[str] = ""
    #: Initial speed (steps per second; MAX_SPEED for as fast as possible).
    default_speed: ClassVar[float] = 2
    #: Parameters not shown in the generated form (edited by the panel's own controls).
    hidden_params: ClassVar[tuple[str, ...]] = ()
    #: Most frames drawn per second while playing.
    max_fps: ClassVar[float] = 60.0
    #: Most detailed frames per second while each frame shows several steps (costly
    #: parts of the snapshot and of the drawing are refreshed only in those).
    detail_rate: ClassVar[float] = 5.0

    #: The step counter or the badge changed (the window's status bar shows the same).
    stateChanged = Signal()
    #: The plots are built (see ``staged``).
    plotsBuilt = Signal()

    def __init__(self, parent: QWidget | None = None, theme: Theme = NORMAL, *,
                 staged: bool = False) -> None:
        """Build the panel; ``staged`` builds the frame only, and leaves the plots to
        :meth:`build_a_part`, one part per call (a tab opening keeps the window live)."""
        super().__init__(parent)
        self.setObjectName(f"panel-{self.model}")
        #: The model's name for people, e.g. "Kohonen SOM".
        self.title = model_title(self.model)
        self.Params: type[ParamSet] = params_class(self.model)
        self.theme = theme
        self.snapshot: Mapping[str, Any] | None = None
        self._drawn_playing = False  # whether the last frame was drawn while playing
        self.frames_drawn = 0
        self.render_errors: list[str] = []
        self._plots: list[tuple[pg.PlotItem, str]] = []
        self._titles: dict[int, tuple[str, str]] = {}
        self._last_step = -1
        self._started = False
        self._pending_theme: Theme | None = None  # lecture mode changed while hidden
        self._preparing: float | None = None  # how far a long reset is, while it runs
        #: Whether the plots are built (see ``staged``): until then nothing is drawn.
        self.built = False
        #: The strip under the plots explaining them (set by a panel's ``build_view``).
        self.explain: Explainer | None = None
        _PANELS.add(self)
        self.init_state()

        self.presets = presets(self.model)
        first = next(iter(self.presets.values()), None)
        params = self.Params.from_mapping(first.params) if first else self.Params()
        self._initial_params = params
        self._initial_seed = first.seed if first else None
        #: The seed of the run: the last one given (a preset's, a sweep's); None: drawn.
        self.seed: int | None = self._initial_seed
        self.preset_name = first.name if first else CUSTOM

        self.runner = EngineRunner(self._make_simulation, self, max_fps=self.max_fps,
                                   detail_rate=self.detail_rate, name=self.model)
        self.runner.snapshotReady.connect(self._on_snapshot)
        self.runner.ready.connect(self._on_ready)
        self.runner.playingChanged.connect(self._on_playing)
        self.runner.errored.connect(self.on_engine_error)
        self.runner.paramsReplaced.connect(self._on_params_replaced)
        self.runner.preparing.connect(self._on_preparing)
        self.runner.cancelled.connect(self._on_cancelled)
        self._awaiting_paint = False
        self._paint_watcher = _PaintWatcher(self)
        self._drawn_timer = QTimer(self)
        self._drawn_timer.setSingleShot(True)
        self._drawn_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._drawn_timer.timeout.connect(self._frame_drawn)

        # -- layout -----------------------------------------------------------------
        outer = QVBoxLayout(self)
        self.transport = TransportBar()
        outer.addWidget(self.transport)
        self.message = QLabel()
        self.message.setObjectName("panel-message")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 4, 0)

        preset_box = self._preset_box = PresetBox(self.presets)
        self.preset_combo, self.preset_description = preset_box.combo, preset_box.description
        side_layout.addWidget(preset_box)

        form_box = QGroupBox("Parameters")
        fl = QVBoxLayout(form_box)
        self.form = ParamForm(params, hidden=self.hidden_params)
        fl.addWidget(self.form)
        side_layout.addWidget(form_box)
        extra = self.build_controls()
        if extra is not None:
            side_layout.addWidget(extra)
        side_layout.addStretch(1)

        scroll = self.side_scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(280)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        split.addWidget(scroll)
        # the plots' place: says they are being prepared until they are built
        self._view_holder = QWidget()
        self._view_holder.setSizePolicy(QSizePolicy.Policy.Expanding,
                                        QSizePolicy.Policy.Expanding)
        holder_layout = QVBoxLayout(self._view_holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self._waiting_view = QLabel("Preparing the plots…")
        self._waiting_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        holder_layout.addWidget(self._waiting_view)
        split.addWidget(self._view_holder)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 900])
        outer.addWidget(split, 1)

        # -- wiring -----------------------------------------------------------------
        t = self.transport
        t.play_button.clicked.connect(self.toggle_play)
        t.step_button.clicked.connect(self.step_once)
        t.reset_button.clicked.connect(self.reset)
        t.speed_slider.valueChanged.connect(self._speed_changed)
        first_speed = first.speed if first is not None else None
        t.set_speed(self.default_speed if first_speed is None else first_speed)
        self.runner.set_speed(t.speed)
        self.form.paramsEdited.connect(self._form_edited)
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        self._show_preset_description()
        self._parts = self._build_parts()
        if not staged:
            self.finish_building()

    # -- building in parts ----------------------------------------------------------
    def build_a_part(self) -> bool:
        """Build the next part of the plots (see ``staged``); True once all are built."""
        if not self.built:
            try:
                next(self._parts)
            except StopIteration:
                pass
        return self.built

    def finish_building(self) -> None:
        """Build whatever is left of the plots now."""
        while not self.build_a_part():
            pass

    def _build_parts(self) -> Iterator[None]:
        """The plots (:meth:`build_view`, which may yield between its parts), then the
        theme, the parameters and the latest frame."""
        view = self.build_view()
        if isinstance(view, Generator):
            view = yield from view
        for canvas in [view, *view.findChildren(pg.GraphicsView)]:
            if isinstance(canvas, pg.GraphicsView):
                canvas.viewport().installEventFilter(self._paint_watcher)
        view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._waiting_view.hide()
        self._waiting_view.deleteLater()
        self._view_holder.layout().addWidget(view)
        if self.explain is not None:
            self._view_holder.layout().addWidget(self.explain.strip)
        self.built = True
        if self.snapshot is not None:  # frames came while the plots were being built
            self.restart()
        # add_plot themed each plot: the rest of the theme, or all of a newer one
        theme, self._pending_theme = self._pending_theme, None
        if theme is not None and theme is not self.theme:
            self._apply_theme(theme, plots=True, draw=False)
        else:
            self._apply_theme(self.theme, plots=False, draw=False)
            for plot, _ in self._plots:  # legends added after their plot was themed
                if plot.legend is not None:
                    apply_legend_theme(plot.legend, self.theme)
        self.on_params(self.form.params)
        if self.snapshot is not None:
            self._draw(self.snapshot)
        self.plotsBuilt.emit()

    # -- for subclasses -------------------------------------------------------------
    def init_state(self) -> None:
        """Set the panel's own state; runs before any other hook."""

    def build_view(self) -> QWidget | Generator[None, None, QWidget]:
        """Create the plots (once); return the widget that holds them.  A panel with many
        plots may be a generator that yields between them and returns the widget: a tab
        opening then builds one part per turn of the event loop."""
        raise NotImplementedError

    def build_controls(self) -> QWidget | None:
        """Extra controls under the parameter form (e.g. 'random inputs')."""
        return None

    def render(self, snap: Mapping[str, Any]) -> None:
        """Update the plot items from one snapshot (no computing of steps here)."""
        raise NotImplementedError

    def restart(self) -> None:
        """The engine went back to step 0 (reset, new parameters): clear histories."""

    def restyle(self, theme: Theme) -> None:
        """Re-create pens and sizes of the plot items for ``theme``."""

    def on_params(self, params: ParamSet) -> None:
        """New parameters were adopted (a preset, the form or a panel control)."""

    def step_size(self) -> int:
        """Steps taken by one press of Step (→)."""
        return 1

    def view_state(self) -> dict[str, Any]:
        """The tab's view choices as plain values, which a workspace keeps (names and
        values as ``mechgui.workspace.views`` declares them); none by default."""
        return {}

    def load_view_state(self, state: Mapping[str, Any]) -> None:
        """Take view choices of :meth:`view_state`, already checked (the plots are built)."""

    def add_plot(self, layout: pg.GraphicsLayoutWidget | None, title: str = "", *,
                 row: int | None = None, col: int | None = None, rowspan: int = 1,
                 colspan: int = 1, left: str = "", bottom: str = "",
                 view_box: pg.ViewBox | None = None, grid: bool = False) -> pg.PlotItem:
        """A plot item registered for theming (fonts, background, lecture mode)."""
        axes = {side: RoomyAxis(side) for side in ("bottom", "left", "right")}
        if layout is None:
            plot = pg.PlotItem(viewBox=view_box, axisItems=axes)
        else:
            plot = layout.addPlot(row=row, col=col, rowspan=rowspan, colspan=colspan,
                                  viewBox=view_box, axisItems=axes)
        plot.hideAxis("right")  # given, pyqtgraph shows it; a plot with two scales shows it
        if left:
            plot.setLabel("left", left)
        if bottom:
            plot.setLabel("bottom", bottom)
        if grid:  # grid lines are redrawn with every frame: use them sparingly
            plot.showGrid(x=False, y=True, alpha=0.15)
        plot.hideButtons()
        self._plots.append((plot, title))
        self._theme_plot(plot, title)
        return plot

    def set_title(self, plot: pg.PlotItem, text: str) -> None:
        """``plot``'s title in the theme's size, set only when it changes: a new title
        re-lays out the whole plot grid, too costly to repeat every frame.  A title too
        long for the plot is shortened, never widens it (see ``apply_plot_theme``)."""
        key = (text, self.theme.name)
        if self._titles.get(id(plot)) != key:
            self._titles[id(plot)] = key
            plot.setTitle(text, size=f"{self.theme.title_size}pt", color=self.theme.foreground)

    def _theme_plot(self, plot: pg.PlotItem, title: str) -> None:
        """Apply the theme to ``plot``, which shows ``title`` again: :meth:`set_title`
        must compare with that title, not with one shown before."""
        apply_plot_theme(plot, self.theme, title)
        self._titles[id(plot)] = (title, self.theme.name)

    # -- commands (GUI thread) ------------------------------------------------------
    def ensure_started(self) -> None:
        if not self._started:
            self._started = True
            self.runner.start()

    @Slot()
    def toggle_play(self) -> None:
        self.ensure_started()
        if self._preparing is not None:  # the button reads Pause: stop preparing
            self.runner.pause()
            return
        self.runner.toggle()

    def play(self) -> None:
        self.ensure_started()
        self.runner.play()

    def pause(self) -> None:
        self.runner.pause()

    @Slot()
    def step_once(self) -> None:
        self.ensure_started()
        self.runner.step(self.step_size())

    @Slot()
    def reset(self) -> None:
        self.ensure_started()
        self.clear_message()
        self._end_teaching()
        self.runner.reset()

    def run_steps(self, n: int) -> None:
        """Play until ``n`` more steps are done, then pause (``--steps``)."""
        self.ensure_started()
        self.runner.run_steps(n)

    def set_speed(self, speed: float) -> None:
        self.transport.set_speed(speed)

    def load_preset(self, name: str) -> None:
        """Load a preset by name; an unknown name raises :class:`ParameterError`."""
        preset = self.presets.get(name) or load_preset(self.model, name)  # the user's too
        params = self.Params.from_mapping(preset.params)
        if preset.speed is not None:
            self.set_speed(preset.speed)
        self.load_params(params, preset.seed, preset=name)

    def load_params(self, params: ParamSet, seed: int | None = None, *,
                    preset: str = CUSTOM) -> None:
        """Replace all parameters (and the seed, if given) and reset, as a preset does:
        e.g. one run of a sweep, ready to play."""
        self._show_preset(preset)
        self.clear_message()
        self.form.set_params(params)
        self.seed = self.seed if seed is None else seed
        self.ensure_started()
        self.runner.load(params, seed)
        self._params_changed(params)

    def submit_params(self, **changes: Any) -> bool:
        """Validate and apply changes from the panel's own controls (drag, buttons)."""
        try:
            new = self.form.params.replace(**changes)
        except ParameterError as exc:
            self.show_message(str(exc), error=True)
            return False
        self.clear_message()
        self.form.set_params(new)
        self._adopt(new)
        return True

    def call_engine(self, function: Callable[..., Any], *args: Any,
                    on_return: Callable[[Any], None] | None = None,
                    on_error: Callable[[Failure], None] | None = None, **kwargs: Any) -> int:
        """Run ``function(simulation, *args, **kwargs)`` on the engine thread (see
        :meth:`EngineRunner.call`); failures without ``on_error`` go to :meth:`on_engine_error`."""
        self.ensure_started()
        return self.runner.call(function, *args, on_return=on_return, on_error=on_error,
                                **kwargs)

    def redraw(self) -> None:
        """Draw the last snapshot again (a view that changed what it shows of it)."""
        if self.snapshot is not None:
            self._draw(self.snapshot)

    def plots(self) -> list[pg.PlotItem]:
        """The panel's plots, in the order they were added."""
        return [plot for plot, _ in self._plots]

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop the engine thread; True once it has finished (see :meth:`EngineRunner.shutdown`)."""
        return self.runner.shutdown(timeout_ms)

    # -- messages --------------------------------------------------------------------
    def show_message(self, text: str, error: bool = False) -> None:
        colour = "#B03A00" if error else "#2F4F6F"
        background = "#FCEEE6" if error else "#EAF2F8"
        self.message.setStyleSheet(f"QLabel {{ color: {colour}; background: {background}; "
                                   f"border-radius: 4px; padding: 4px 8px; }}")
        self.message.setText(text)
        self.message.show()

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    # -- theme -------------------------------------------------------------------------
    def set_theme(self, theme: Theme, now: bool = True) -> None:
        """Restyle for ``theme``: ``now`` (the tab shown), or the next time it is shown."""
        if now:
            self.apply_theme(theme)
        else:
            self._pending_theme = theme

    def apply_theme(self, theme: Theme) -> None:
        if not self.built:  # the plots take it when they are built
            self._pending_theme = theme
            return
        self._apply_theme(theme, plots=True)

    def _apply_theme(self, theme: Theme, plots: bool, draw: bool = True) -> None:
        self._pending_theme = None
        self.theme = theme
        self.side_scroll.setMinimumWidth(460 if theme.name == "lecture" else 300)
        self._preset_box.fit_menu()
        if plots:
            for plot, title in self._plots:
                self._theme_plot(plot, title)
        if self.explain is not None:
            self.explain.restyle(theme)
        self.restyle(theme)
        if draw and self.snapshot is not None:
            self._draw(self.snapshot)

    def _params_changed(self, params: ParamSet) -> None:
        """:meth:`on_params`, once the plots are there (building ends with it)."""
        self._end_teaching()
        if self.built:
            self.on_params(params)

    # -- internals ---------------------------------------------------------------------
    def _end_teaching(self) -> None:
        """A reset or new parameters end a teach step at once: its stages tell of the
        step it taught, which is gone."""
        for player in self.findChildren(TeachPlayer):
            player.stop()

    def _make_simulation(self) -> Simulation:
        """Called on the engine thread when it starts (the engine's libraries load there)."""
        return model_class(self.model)(self._initial_params, seed=self._initial_seed)

    def showEvent(self, event) -> None:
        if self._pending_theme is not None and self.built:
            self.apply_theme(self._pending_theme)
        super().showEvent(event)
        # The engine starts (and loads its libraries) once the tab is drawn, not before.
        QTimer.singleShot(0, self.ensure_started)

    def _show_preset(self, name: str) -> None:
        """Show ``name`` (or CUSTOM) in the preset menu, without loading anything."""
        self.preset_name = name
        self._preset_box.show_preset(name, self.presets.get(name))

    def _adopt(self, params: ParamSet) -> None:
        self._show_preset(CUSTOM)
        self.ensure_started()
        self.runner.set_params(params)
        self._params_changed(params)

    @Slot(object)
    def _form_edited(self, params: ParamSet) -> None:
        self._adopt(params)

    @Slot(int)
    def _preset_chosen(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name and name != CUSTOM:
            self.load_preset(name)
        else:
            self._show_preset_description()

    def _show_preset_description(self) -> None:
        self._preset_box.describe(self.presets.get(self.preset_name))

    @Slot(int)
    def _speed_changed(self, index: int) -> None:
        self.runner.set_speed(SPEEDS[index])

    @Slot(object)
    def _on_snapshot(self, snap: Mapping[str, Any]) -> None:
        if self.built and (snap["step"] < self._last_step
                           or (snap["step"] == 0 and self._last_step != 0)):
            self.restart()
        self._last_step = snap["step"]
        self.snapshot = snap
        self._drawn_playing = self.runner.playing
        self._draw(snap)
        self.frames_drawn += 1
        if self.isVisible():
            self._awaiting_paint = True
            self._drawn_timer.start(PAINT_TIMEOUT_MS)  # in case nothing needs painting
        else:
            self._frame_drawn()
        self.transport.step_label.setText(f"step {snap['step']}")
        self._update_badge()

    def _canvas_painting(self) -> None:
        if self._awaiting_paint:
            # A frame may take more than one paint pass (pyqtgraph updates ranges
            # while painting): the frame is drawn once painting has been quiet a moment.
            self._drawn_timer.start(PAINT_QUIET_MS)

    @Slot()
    def _frame_drawn(self) -> None:
        self._awaiting_paint = False
        self._drawn_timer.stop()
        self.runner.frame_drawn()

    def _draw(self, snap: Mapping[str, Any]) -> None:
        if not self.built:  # drawn when the plots are (see _build_parts)
            return
        try:
            self.render(snap)
            if self.explain is not None:
                self.explain.show(snap)
        except Exception as exc:  # noqa: BLE001 - a drawing bug must not kill the app
            text = traceback.format_exc()
            self.render_errors.append(text)
            if len(self.render_errors) == 1:  # one report, not one a frame
                errors.report_bug(f"Drawing the {self.title} tab failed: "
                                  f"{type(exc).__name__}: {exc}", text)

    def badge(self) -> tuple[str, str]:
        """The badge's colour (an engine status) and words: the tab's state, which the
        window's status bar repeats."""
        if not self.runner.is_ready:
            return "ready", "preparing…"
        if self._preparing is not None:
            return "ready", f"preparing… {int(self._preparing * 100)} %"
        snap = self.snapshot
        status = "running" if snap is None else str(snap["status"])
        step = 0 if snap is None else int(snap["step"])
        return status, status_text(status, self.runner.playing, step)

    def _update_badge(self) -> None:
        self.transport.set_badge(*self.badge())
        self.stateChanged.emit()

    @Slot()
    def _on_ready(self) -> None:
        self.transport.set_ready(True)
        self._update_badge()

    @Slot(bool)
    def _on_playing(self, playing: bool) -> None:
        self.transport.set_playing(playing)
        self._update_badge()
        if not playing and self.snapshot is not None and self._drawn_playing:
            # The frame taken on pausing may have been drawn before the news of the
            # pause came (it replaced an undrawn frame whose notice was already on its
            # way): a panel that skips costly views while playing draws it again, whole.
            self._drawn_playing = False
            self._draw(self.snapshot)

    @Slot(object)
    def _on_preparing(self, fraction: float | None) -> None:
        """A long reset's progress (None once it has ended): in the badge, and Play reads
        Pause, which stops it (as do Reset and new parameters)."""
        self._preparing = fraction
        self.transport.set_playing(fraction is not None or self.runner.playing)
        self._update_badge()

    @Slot(object)
    def _on_cancelled(self, params: ParamSet | None) -> None:
        """A long reset gave way to a newer command: the form shows the parameters still in
        force (unless newer ones are on their way)."""
        if params is None:
            return
        self._on_params_replaced(params)
        self.show_message("Preparing stopped: the parameters in force are shown again.")

    @Slot(object)
    def _on_params_replaced(self, params: ParamSet) -> None:
        self.form.set_params(params)
        self._show_preset(CUSTOM)
        self._params_changed(params)

    @Slot(object)
    def on_engine_error(self, failure: Failure) -> None:
        """A failure on the engine thread: the user's input refused, or a bug."""
        if failure.by_user:
            self.show_message(str(failure), error=True)
            return
        self.show_message(f"The engine stopped with an error while it tried to "
                          f"{failure.action}: {type(failure.error).__name__}: {failure}",
                          error=True)
        errors.report_bug(f"{self.title}: the engine failed to {failure.action}: "
                          f"{type(failure.error).__name__}: {failure}", failure.details)
