"""The sweep view: a tab's parameters over many runs, plotted as they come, a click to replay.

A :class:`SweepView` (a window of its own, one per tab) offers the tab's declarations as
axes (one or two, each a range or a list), the model's metrics, repeats, steps, seed and
workers.  Run plans the sweep with :func:`mechgui.explore.build_sweep` (so it refuses
what the CLI refuses, in the same words) and runs it in worker processes; a timer on the
GUI thread polls the run, fills the progress bar and redraws the plot, and no widget is
touched anywhere else.  Cancel stops the workers; closing the window does too.  A click
on a point (or a cell) loads that run's parameters and seed into the tab, ready to play.
"""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mechgui.engine import ParameterError, ParamSet
from mechgui.engine.metrics import metrics_for
from mechgui.engine.params import ArraySpec, NumberSpec, Spec
from mechgui.explore import (
    RunFailed,
    SweepPreset,
    SweepRun,
    build_sweep,
    cores,
    start_local,
    sweep_presets,
)
from mechgui.explore.inputs import makers_for
from mechgui.files import SaveError, write_atomically

from ..panel import SimulationPanel
from ..theme import Theme
from .figure import SweepFigure, tick_text

__all__ = ["AxisEditor", "SweepView", "load_run", "open_sweep_view", "sweepable"]

#: How often the timer looks for finished runs (ms), and the least time between redraws (s).
POLL_MS = 50
REDRAW_EVERY = 0.25
NONE = "(none)"
TAB_PARAMS = "(the tab's parameters)"


def sweepable(panel: SimulationPanel) -> list[Spec]:
    """The declarations a sweep of ``panel`` can vary: the tab's numbers, choices and flags,
    then the parameters of the model's input makers (MaxNet's m, the letters' k)."""
    specs = [s for s in panel.Params.specs() if not isinstance(s, ArraySpec)]
    return specs + [s for maker in makers_for(panel.model) for s in maker.params.specs()]


def load_run(panel: SimulationPanel, params: ParamSet, seed: int) -> None:
    """Put one run's parameters and seed into ``panel``, ready to play (as a preset loads)."""
    panel.pause()
    panel.load_params(params, seed)


class AxisEditor(QWidget):
    """One axis: the parameter, and a range (from, to, values, log) or a list of values."""

    def __init__(self, specs: list[Spec], optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = {s.name: s for s in specs}
        self.values: dict[str, Any] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.name = QComboBox()
        if optional:
            self.name.addItem(NONE, "")
        for spec in specs:
            self.name.addItem(spec.name, spec.name)
            self.name.setItemData(self.name.count() - 1, f"{spec.display_name}: {spec.help}",
                                  Qt.ItemDataRole.ToolTipRole)
        self.start, self.stop, self.listed = QLineEdit(), QLineEdit(), QLineEdit()
        self.count = QSpinBox()
        self.count.setRange(1, 200)
        self.log = QCheckBox("log")
        for widget, tip in ((self.start, "from"), (self.stop, "to"), (self.count, "values"),
                            (self.listed, "values, separated by commas")):
            widget.setToolTip(tip)
        self.start.setPlaceholderText("from")
        self.stop.setPlaceholderText("to")
        self.listed.setPlaceholderText("v1, v2, …")
        for widget, stretch in ((self.name, 2), (self.start, 1), (self.stop, 1), (self.count, 0),
                                (self.log, 0), (self.listed, 3)):
            row.addWidget(widget, stretch)
        self.name.currentIndexChanged.connect(self._chosen)
        self._chosen()

    @property
    def key(self) -> str:
        return self.name.currentData() or ""

    def set_defaults(self, values: dict[str, Any]) -> None:
        """The values in force (the tab's), from which a new choice takes its default range."""
        self.values = values
        self._chosen()

    def set_text(self, text: str) -> None:
        """Show an axis written as ``--vary`` takes it (a preset's)."""
        key, _, raw = text.partition("=")
        index = self.name.findData(key.strip())
        if index >= 0:
            self.name.setCurrentIndex(index)
        parts = raw.split(":")
        if len(parts) in (3, 4) and isinstance(self.specs.get(key.strip()), NumberSpec):
            self.start.setText(parts[0].strip())
            self.stop.setText(parts[1].strip())
            self.count.setValue(int(parts[2]) if parts[2].strip().isdigit() else 5)
            self.log.setChecked(len(parts) == 4)
            self.listed.clear()
        else:
            self.listed.setText(raw)
        self._show_kind(self.specs.get(key.strip()), listed=bool(self.listed.text()))

    def text(self) -> str:
        """The axis as ``KEY=START:STOP:N[:log]`` or ``KEY=v1,v2,…`` ('' for none)."""
        if not self.key:
            return ""
        if self.listed.isVisible() or self.listed.text().strip():
            return f"{self.key}={self.listed.text().strip()}"
        log = ":log" if self.log.isChecked() else ""
        return f"{self.key}={self.start.text().strip()}:{self.stop.text().strip()}:" \
               f"{self.count.value()}{log}"

    @Slot()
    def _chosen(self) -> None:
        spec = self.specs.get(self.key)
        self.listed.clear()
        if isinstance(spec, NumberSpec):
            low, high, count = _default_range(spec, self.values.get(spec.name, spec.default))
            self.start.setText(spec.format(low))
            self.stop.setText(spec.format(high))
            self.count.setValue(count)
            self.log.setChecked(False)
        elif spec is not None:
            choices = getattr(spec, "choices", ()) or ("false", "true")
            self.listed.setText(", ".join(choices))
        self._show_kind(spec, listed=spec is not None and not isinstance(spec, NumberSpec))

    def _show_kind(self, spec: Spec | None, listed: bool) -> None:
        ranged = spec is not None and not listed
        for widget in (self.start, self.stop, self.count, self.log):
            widget.setVisible(ranged)
        self.listed.setVisible(spec is not None and listed)


def _default_range(spec: NumberSpec, value: Any) -> tuple[Any, Any, int]:
    """A first range around the value in force, within the declaration's bounds."""
    value = spec.default if value is None else value
    value = 1 if value is None else value
    if spec.integer:
        low, high = value - 2, value + 2
    elif value > 0:
        low, high = value / 4, value * 4
    else:
        low, high = value - 1, value + 1
    if spec.low is not None:
        low = max(low, spec.low + (1 if spec.integer else 1e-3) * spec.low_open)
    if spec.high is not None:
        high = min(high, spec.high)
    if spec.integer:
        return int(low), int(high), min(10, int(high - low) + 1)
    return float(f"{low:.3g}"), float(f"{high:.3g}"), 5


class SweepView(QWidget):
    """The sweep window of one tab.  ``loaded(object)`` tells of each run put into the tab:
    ``(index, repeat, seed)``."""

    loaded = Signal(object)

    def __init__(self, panel: SimulationPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.panel = panel
        self.setObjectName(f"sweep-{panel.model}")
        self.setWindowTitle(f"Sweep — {panel.title}")
        self.run: SweepRun | None = None
        self.preset: SweepPreset | None = None
        self.failure: str = ""
        self._redrawn = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.figure = SweepFigure(theme=panel.theme)
        self.figure.pointPicked.connect(self._picked)
        self._build()
        self.resize(1180, 680)

    def set_theme(self, theme: Theme) -> None:
        """Lecture mode on or off: the figure is drawn again in the new sizes."""
        self.figure.theme = theme
        self.figure.redraw()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        side = QWidget()
        column = QVBoxLayout(side)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("sweep-preset")
        self.preset_combo.addItem(TAB_PARAMS, "")
        for preset in sweep_presets(self.panel.model).values():
            self.preset_combo.addItem(preset.title, preset.name)
        self.preset_combo.setToolTip("Hold the tab's parameters, or a sweep preset's")
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        column.addWidget(self.preset_combo)
        self.preset_note = QLabel()
        self.preset_note.setWordWrap(True)
        column.addWidget(self.preset_note)
        specs = sweepable(self.panel)
        axes = QGroupBox("Vary")
        axes_layout = QVBoxLayout(axes)
        self.axes = [AxisEditor(specs, optional=False), AxisEditor(specs, optional=True)]
        for editor in self.axes:
            axes_layout.addWidget(editor)
        column.addWidget(axes)
        form = QFormLayout()
        self.metric_box = QComboBox()
        for metric in metrics_for(self.panel.model):
            self.metric_box.addItem(metric.label, metric.name)
            self.metric_box.setItemData(self.metric_box.count() - 1, metric.help,
                                    Qt.ItemDataRole.ToolTipRole)
        self.metric_box.currentIndexChanged.connect(self._metric_chosen)
        self.repeats, self.steps, self.seed, self.workers = (QSpinBox() for _ in range(4))
        self.repeats.setRange(1, 1000)
        self.repeats.setValue(3)
        self.steps.setRange(0, 10 ** 9)
        self.steps.setSpecialValueText("until done")
        self.seed.setRange(0, 2 ** 31 - 1)
        self.workers.setRange(1, max(1, cores()))
        self.workers.setValue(cores())
        for label, widget in (("metric", self.metric_box), ("repeats (seeds)", self.repeats),
                              ("steps per run", self.steps), ("sweep seed", self.seed),
                              ("worker processes", self.workers)):
            form.addRow(label, widget)
        column.addLayout(form)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("sweep-run")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("sweep-cancel")
        self.cancel_button.setEnabled(False)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        column.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m runs")
        column.addWidget(self.progress)
        self.status = QLabel("Choose what to vary, then Run.")
        self.status.setObjectName("sweep-status")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        exports = QHBoxLayout()
        self.png_button, self.csv_button = QPushButton("Export PNG…"), QPushButton("Export CSV…")
        self.png_button.clicked.connect(self._ask_png)
        self.csv_button.clicked.connect(self._ask_csv)
        for button in (self.png_button, self.csv_button):
            button.setEnabled(False)
            exports.addWidget(button)
        column.addLayout(exports)
        hint = QLabel("Click a point (or a cell) to load that run — its parameters and seed — "
                      "into the tab, ready to play.")
        hint.setWordWrap(True)
        column.addWidget(hint)
        column.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(side)
        split.addWidget(self.figure)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 800])
        QVBoxLayout(self).addWidget(split)
        self.refresh_defaults()

    def refresh_defaults(self) -> None:
        """Default ranges around the tab's values in force."""
        params = self.panel.form.params
        values = {s.name: getattr(params, s.name) for s in params.specs()}
        for editor in self.axes:
            editor.set_defaults(values)

    # -- running -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True from Run until the workers are gone."""
        return self.run is not None and not self.run.closed

    def plan(self):
        """The sweep the fields describe (raises ParameterError, as the CLI would)."""
        vary = [text for text in (editor.text() for editor in self.axes) if text]
        held = self.preset.held() if self.preset is not None else \
            {s.name: getattr(self.panel.form.params, s.name) for s in self.panel.Params.specs()}
        steps = self.steps.value() or None
        return build_sweep(self.panel.model, params=held, vary=vary, repeats=self.repeats.value(),
                           steps=steps, seed=self.seed.value())

    @Slot()
    def start(self) -> None:
        """Run: plan the sweep (a refusal is shown, nothing runs) and start the workers."""
        if self.running:
            return
        try:
            sweep = self.plan()
        except ParameterError as exc:
            self._say(str(exc), error=True)
            return
        self.failure = ""
        self.run = start_local(sweep, self.workers.value())
        self.progress.setRange(0, sweep.total)
        self.progress.setValue(0)
        self._set_running(True)
        self._say(f"Running {sweep.describe()} on {self.workers.value()} worker processes…")
        self.figure.selected = None
        self._show_result(force=True)
        self._timer.start()

    @Slot()
    def cancel(self) -> None:
        """Stop the runs (those under way stop at their next step); the rows done stay."""
        if self.run is not None and not self.run.finished:
            self.run.cancel()
            self._say("Cancelling…")

    @Slot()
    def _poll(self) -> None:
        run = self.run
        if run is None:
            self._timer.stop()
            return
        try:
            rows = run.poll(0)
        except RunFailed as exc:
            self.failure = str(exc)
            rows = []
        self.progress.setValue(run.done)
        if rows and time.monotonic() - self._redrawn > REDRAW_EVERY:
            self._show_result()
        if (run.finished or self.failure) and not run.closed:
            run.close_in_background()
        if run.closed:
            self._timer.stop()
            self._finished(run)

    def _finished(self, run: SweepRun) -> None:
        self._show_result(force=True)
        self._set_running(False)
        if self.failure:
            self._say(f"Stopped: {self.failure}", error=True)
        elif run.cancelled:
            self._say(f"Cancelled: {run.done} of {run.total} runs done (kept).")
        else:
            self._say(f"Done: {run.total} runs. Click a point to load its run into the tab.")

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        has_rows = self.run is not None and len(self.run.result) > 0
        self.png_button.setEnabled(not running and has_rows)
        self.csv_button.setEnabled(not running and has_rows)

    def _show_result(self, force: bool = False) -> None:
        if self.run is None:
            return
        self._redrawn = time.monotonic()
        guides = self.preset.guides if self.preset is not None else ()
        self.figure.show_result(self.run.result, self.metric_box.currentData(), guides)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("QLabel { color: #B03A00; }" if error else "")
        self.status.setText(text)

    # -- choices -----------------------------------------------------------------------------
    @Slot(int)
    def _metric_chosen(self, index: int) -> None:
        if self.run is not None:
            self._show_result(force=True)

    @Slot(int)
    def _preset_chosen(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        self.preset = sweep_presets(self.panel.model).get(name) if name else None
        if self.preset is None:
            self.preset_note.setText("")
            self.refresh_defaults()
            return
        preset = self.preset
        self.preset_note.setText(preset.description)
        self.axes[1].name.setCurrentIndex(0)
        for editor, text in zip(self.axes, preset.vary):
            editor.set_text(text)
        if preset.metrics:
            self.metric_box.setCurrentIndex(max(0, self.metric_box.findData(preset.metrics[0])))
        self.repeats.setValue(preset.repeats)
        self.steps.setValue(preset.steps or 0)
        self.seed.setValue(min(preset.seed, self.seed.maximum()))

    # -- a click: the run into the tab ----------------------------------------------------------
    @Slot(object)
    def _picked(self, picked: tuple[tuple[int, ...], int]) -> None:
        index, repeat = picked
        if self.run is None:
            return
        sweep = self.run.sweep
        params, seed = sweep.params_of(index, repeat)
        load_run(self.panel, params, seed)
        value = self.run.result.values(self.figure.metric_name)[tuple(index) + (repeat,)]
        point = ", ".join(f"{a.name} = {tick_text(a.values[i])}" for a, i in zip(sweep.axes, index))
        self._say(f"Loaded {point}, repeat {repeat} (seed {seed}) into the {self.panel.title} "
                  f"tab: press Play there to watch it.")
        self.panel.show_message(f"Loaded from the sweep: {point}, seed {seed}"
                                + (f" ({self.metric_box.currentText()} {tick_text(float(value))})"
                                   if np.isfinite(value) else "") + ". Press Play.")
        self.loaded.emit((tuple(index), repeat, seed))

    # -- exports ---------------------------------------------------------------------------
    def export_png(self, path: str) -> bool:
        return self.figure.save_png(path)

    def export_csv(self, path: str) -> None:
        """The rows as CSV (raises SaveError when the file cannot be written)."""
        buffer = io.StringIO()
        self.run.result.write_csv(buffer)
        write_atomically(path, buffer.getvalue())

    @Slot()
    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the plot", "sweep.png", "PNG (*.png)")
        if path and not self.export_png(path):
            self._say(f"Nothing was saved: could not write {path}.", error=True)

    @Slot()
    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the rows", "sweep.csv", "CSV (*.csv)")
        if path:
            try:
                self.export_csv(path)
            except SaveError as exc:
                self._say(f"Nothing was saved: {exc}.", error=True)

    # -- closing ---------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:  # the main window closes: so does this
            self.close()
        return False

    def closeEvent(self, event) -> None:
        """Closing stops the sweep; its workers finish leaving on a thread of their own."""
        if self.run is not None and not self.run.closed:
            self.run.cancel()
            self.run.close_in_background()
        self._timer.stop()
        super().closeEvent(event)

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Close and wait until the workers are gone (for tests and the app's exit)."""
        self.close()
        deadline = time.monotonic() + timeout
        while self.run is not None and not self.run.closed and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.run is None or self.run.closed


def open_sweep_view(window: Any) -> SweepView:
    """The sweep view of ``window``'s current tab, opened (or brought back) beside it."""
    panel = window.panel()
    view = getattr(panel, "_sweep_view", None)
    if view is None:
        view = SweepView(panel, window)
        panel._sweep_view = view
        window.installEventFilter(view)
    if not view.running:
        view.refresh_defaults()
    view.show()
    view.raise_()
    view.activateWindow()
    return view
