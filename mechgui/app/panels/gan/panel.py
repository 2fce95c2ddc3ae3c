"""The GAN tab: its commands (Step D, Step G, slow motion, drawing a target, model files, the
digit the conditional GAN's grid draws), and each snapshot handed to the page it belongs to
(:mod:`.plane`, :mod:`.line`, :mod:`.cgan`, :mod:`.images`), the curves and the strip above.
The costly parts are drawn on the snapshot's detailed frames (at most ``detail_rate`` a second
while playing fast) or when what they show changes."""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFileDialog, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from mechgui.engine import ParamSet

from ...libraries import preload_torch
from ...drawing import DrawnPoints
from ...pacing import MAX_SPEED
from ...panel import SimulationPanel
from ...runner import Failure
from ...theme import Theme
from ...transport import SPEEDS
from ...widgets import fit_menu
from .banner import TopBar
from .cgan import CGANView
from .controls import GANControls
from .curves import CurvesView
from .explainer import GANExplainer
from .images import ImagesView
from .line import LineView
from .plane import PlaneView
from .slowmotion import SlowMotion

__all__ = ["GANPanel", "PAGE_2D", "PAGE_1D", "PAGE_CGAN", "PAGE_IMAGES"]

PAGE_2D, PAGE_1D, PAGE_CGAN, PAGE_IMAGES = 0, 1, 2, 3


class GANPanel(SimulationPanel):
    """The 2-D plane, the 1-D densities, the cGAN's views or the digits, over the curves."""

    model = "gan"
    default_speed = MAX_SPEED
    hidden_params = ("data", "digit")
    # Each frame costs the engine a pass of G over the frame's 2048 noise points and of
    # D's gradient at 256 of them, and the GUI thread a repaint (beside the engine, on the
    # machine's other core): 40 frames a second are smooth and leave the engine more than
    # four fifths of its headless speed.
    max_fps = 40.0
    detail_rate = 5.0

    def init_state(self) -> None:
        self.slow = SlowMotion(self.call_engine, self.on_engine_error, self)
        self.slow.playingChanged.connect(self._slow_playing_changed)
        self._last_message = ""
        #: Draw the costly parts from the next frame even if it is not detailed (the
        #: theme or a layer changed).
        self._stale = True
        self._shown: Any = None  # the costly keys drawn last (their metrics, as a token)

    def _make_simulation(self) -> Any:
        """On the engine thread: torch loads there (its native libraries without the
        interpreter lock first), and trains on all cores but the GUI's."""
        preload_torch()
        from mechgui.engine.gan import use_training_threads

        use_training_threads()
        return super()._make_simulation()

    # -- view ----------------------------------------------------------------------------
    def build_view(self) -> Generator[None, None, QWidget]:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        self.top = TopBar()
        self.top.step_d_button.clicked.connect(lambda: self.step_discriminator())
        self.top.step_g_button.clicked.connect(lambda: self.step_generator())
        self.top.slow_check.toggled.connect(self._slow_toggled)
        col.addWidget(self.top)
        self.stack = QStackedWidget()
        self.plane = PlaneView(self)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.line = LineView(self)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.cgan = CGANView(self)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.images = ImagesView(self)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        for view in (self.plane, self.line, self.cgan, self.images):  # in the order of PAGE_*
            self.stack.addWidget(view.graphics)
        self.curves = CurvesView(self)
        # the model overview beside the pages; the formula and status line under the plots
        self.explainer = GANExplainer(self)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        # the lecturer may give the page or the curves more room (on a projector's few rows)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.explainer.beside(self.stack))
        self.split.addWidget(self.curves.graphics)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        col.addWidget(self.split, 1)
        col.addWidget(self.explainer.strip)
        self.drawn_2d = DrawnPoints(self.plane.box, spray=6, spread=0.025, parent=self)
        self.drawn_1d = DrawnPoints(self.line.box, spray=6, spread=0.025, parent=self)
        for drawn in (self.drawn_2d, self.drawn_1d):
            drawn.changed.connect(self._show_drawn)
        return holder

    def build_controls(self) -> QWidget:
        c = self.controls = GANControls()
        for key, check in c.layer_checks.items():
            check.toggled.connect(lambda on, k=key: self.set_layer_visible(k, on))
        c.draw_button.toggled.connect(self._draw_toggled)
        c.clear_drawing_button.clicked.connect(self.clear_drawing)
        c.save_button.clicked.connect(self._save_dialog)
        c.load_button.clicked.connect(self._load_dialog)
        c.digit_combo.activated.connect(self._digit_chosen)
        return c

    # -- commands ------------------------------------------------------------------------
    def set_layer_visible(self, key: str, on: bool) -> None:
        """Show or hide one layer of the 2-D page (the cGAN page's points follow)."""
        self.plane.set_layer_visible(key, on)
        self.explainer.layer_shown(key, on)
        if key == "real":
            self.cgan.posterior_item.setVisible(on)
        elif key == "generated":
            self.cgan.fake_item.setVisible(on)
        check = self.controls.layer_checks[key]
        if check.isChecked() != on:
            check.blockSignals(True)
            check.setChecked(on)
            check.blockSignals(False)
        self._redraw()

    def view_state(self) -> dict[str, Any]:
        return {"layers": {k: c.isChecked() for k, c in self.controls.layer_checks.items()},
                "updates_per_press": self.controls.updates_spin.value()}

    def load_view_state(self, state: Mapping[str, Any]) -> None:
        for key, on in state.get("layers", {}).items():
            self.set_layer_visible(key, on)
        self.controls.updates_spin.setValue(state.get("updates_per_press",
                                                      self.controls.updates_spin.value()))

    def choose_digit(self, digit: int | None) -> bool:
        """The conditional GAN's grid draws ``digit`` (0–9) in every cell, or (None) a row
        per digit; False, with a message, where the GAN has no labels."""
        return self.submit_params(digit=digit)

    @Slot(int)
    def _digit_chosen(self, index: int) -> None:
        self.choose_digit(self.controls.digit_combo.itemData(index))

    def step_discriminator(self, n: int | None = None) -> None:
        """``n`` updates of D alone (G frozen); by default as many as the controls say."""
        self.slow.stop()
        self.call_engine(_step_discriminator, int(n or self.controls.updates_spin.value()))

    def step_generator(self, n: int | None = None) -> None:
        """``n`` updates of G alone (D frozen); by default as many as the controls say."""
        self.slow.stop()
        self.call_engine(_step_generator, int(n or self.controls.updates_spin.value()))

    @property
    def slow_motion(self) -> bool:
        """Whether slow motion is on (never before the plots, and its switch, are built)."""
        return self.built and self.top.slow_check.isChecked()

    @Slot()
    def step_once(self) -> None:
        if self.slow_motion:
            self.slow.step()
        else:
            super().step_once()

    @Slot()
    def toggle_play(self) -> None:
        if not self.slow_motion:
            super().toggle_play()
        elif self.slow.playing:
            self.slow.stop()
        else:
            self._start_slow()

    def play(self) -> None:
        if self.slow_motion:
            self._start_slow()
        else:
            super().play()

    def pause(self) -> None:
        self.slow.stop()
        super().pause()

    @Slot()
    def reset(self) -> None:
        self.slow.stop()
        super().reset()

    def load_preset(self, name: str) -> None:
        self.slow.stop()
        super().load_preset(name)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        self.slow.stop()
        return super().shutdown(timeout_ms)

    # -- slow motion ---------------------------------------------------------------------
    def _start_slow(self) -> None:
        self.ensure_started()
        if self.runner.playing:
            super().pause()
        self.slow.start(self.transport.speed)

    @Slot(bool)
    def _slow_toggled(self, on: bool) -> None:
        if on and self.runner.playing:
            self._start_slow()
        elif not on and self.slow.playing:
            self.slow.stop()
            super().play()

    @Slot(bool)
    def _slow_playing_changed(self, playing: bool) -> None:
        self.transport.set_playing(playing)
        self._update_badge()

    @Slot(int)
    def _speed_changed(self, index: int) -> None:
        super()._speed_changed(index)
        self.slow.set_speed(SPEEDS[index])

    @Slot(bool)
    def _on_playing(self, playing: bool) -> None:
        super()._on_playing(playing)
        if self.slow.playing:  # the runner pauses for each pass: the tab still plays
            self.transport.set_playing(True)
            self._update_badge()

    def badge(self) -> tuple[str, str]:
        if self.slow.playing:
            return "playing", "slow motion"
        status, text = super().badge()
        snap = self.snapshot
        if text == "ready" and snap is not None and snap["last_update"] != "none":
            text = "paused"  # Step D or Step G trained before the first iteration
        return status, text

    # -- model files ---------------------------------------------------------------------
    def save_model(self, path: str | os.PathLike) -> None:
        """Save the trained model and the session's parameters (engine ``save``)."""
        name = os.path.basename(os.fspath(path))

        def saved(result: tuple[Any, int]) -> None:
            written, step = result
            self.show_message(f"Model saved to {os.path.basename(written)} (step {step}).")

        def failed(failure: Failure) -> None:
            self.show_message(f"Could not save the model to {name}: {failure}", error=True)

        self.call_engine(_save_model, os.fspath(path), on_return=saved, on_error=failed)

    def load_model(self, path: str | os.PathLike) -> None:
        """Load a model saved by :meth:`save_model` (on the engine thread, which checks the
        whole file first).  A file that does not fit gives one line, leaves all as it was,
        and a run that was playing plays on."""
        path = os.fspath(path)
        name = os.path.basename(path)
        resume = self.runner.playing or self.slow.playing
        self.slow.stop()

        def loaded(result: tuple[Any, int]) -> None:
            _, step = result
            self.show_message(f"Model loaded from {name} (step {step}).")

        def refused(failure: Failure) -> None:
            # ModelFileError names the file and what does not fit; anything else is a bug
            reason = str(failure) if failure.by_user else \
                f"{name}: {type(failure.error).__name__}: {failure}"
            self.show_message(f"Could not load the model; nothing was changed. {reason}",
                              error=True)
            if resume:
                self.play()

        self.call_engine(_load_model, path, on_return=loaded, on_error=refused)

    @Slot()
    def _save_dialog(self) -> None:
        self._ask_file(QFileDialog.getSaveFileName, "Save GAN model", "gan-model.pt",
                       self.save_model)

    @Slot()
    def _load_dialog(self) -> None:
        self._ask_file(QFileDialog.getOpenFileName, "Load GAN model", "", self.load_model)

    def _ask_file(self, dialog: Any, title: str, default: str, then: Any) -> None:
        path, _ = dialog(self, title, default, "mechgui GAN model (*.pt);;All files (*)")
        if path:
            then(path)

    # -- drawing a target ----------------------------------------------------------------
    @property
    def drawing(self) -> bool:
        return self.controls.draw_button.isChecked()

    def _drawn(self) -> DrawnPoints:
        """The drawing of the page shown (the 1-D page's or the 2-D page's)."""
        return self.drawn_1d if self.stack.currentIndex() == PAGE_1D else self.drawn_2d

    def drawn_points(self) -> Any:
        """The points drawn so far, rows of (x) on the 1-D page or (x, y) on the 2-D page."""
        dim = 1 if self.stack.currentIndex() == PAGE_1D else 2
        return self._drawn().points()[:, :dim]

    def add_drawn_points(self, points: Any) -> None:
        """Add points to the drawing (what a mouse stroke does, without the spray)."""
        self._drawn().add(points)

    def clear_drawing(self) -> None:
        self.drawn_2d.clear()
        self.drawn_1d.clear()

    def finish_drawing(self) -> bool:
        """Train on the drawing: ``dataset="drawn"`` with the drawn points."""
        points = self.drawn_points()
        self._set_drawing_mode(False)
        if len(points) < 2:
            self.show_message("Draw at least two points before training on the drawing.",
                              error=True)
            return False
        ok = self.submit_params(dataset="drawn", data=points)
        if ok:
            self.clear_drawing()
        return ok

    @Slot(bool)
    def _draw_toggled(self, on: bool) -> None:
        if not on:
            self.finish_drawing()
            return
        self.pause()
        self.clear_drawing()
        if self.stack.currentIndex() in (PAGE_CGAN, PAGE_IMAGES):
            self.stack.setCurrentIndex(PAGE_2D)
        self._set_drawing_mode(True)
        self.show_message("Drawing mode: drag with the left mouse button to paint the target "
                          "distribution, then press “Train on drawing” to train on it.")

    def _set_drawing_mode(self, on: bool) -> None:
        self.controls.set_drawing(on)
        one_d = self.stack.currentIndex() == PAGE_1D
        self.drawn_1d.enabled = on and one_d
        self.drawn_2d.enabled = on and not one_d

    @Slot()
    def _show_drawn(self) -> None:
        points = self._drawn().points()
        self.plane.show_drawn(points)
        self.line.show_drawn(points)

    # -- rendering -----------------------------------------------------------------------
    def restart(self) -> None:
        for view in (self.plane, self.line, self.cgan, self.images, self.curves):
            view.restart()

    def on_params(self, params: ParamSet) -> None:
        self.curves.plan(params)
        self.controls.show_params(params)

    def render(self, snap: Mapping[str, Any]) -> None:
        if self.slow.playing and snap["done"]:
            self.slow.stop()
        page = _page_for(snap)
        if self.stack.currentIndex() != page and not self.drawing:
            self._share_height(page == PAGE_IMAGES, self.stack.currentIndex() == PAGE_IMAGES)
            self.stack.setCurrentIndex(page)
        message = str(snap.get("message") or "")
        if message != self._last_message:
            self._last_message = message
            if message:
                self.show_message(message, error=snap["status"] == "diverged")
        # the costly parts are new in a detailed frame (or in a plain one that replaced a
        # detailed frame before it was drawn: its costly keys are other objects)
        detail = bool(snap["detail"]) or self._stale or snap["metrics"] is not self._shown
        self._stale = False
        self._shown = snap["metrics"]
        if page == PAGE_2D:
            self.plane.draw(snap, detail, keep_range=self.drawing)
        elif page == PAGE_1D:
            self.line.draw(snap, detail, keep_range=self.drawing)
        elif page == PAGE_IMAGES:
            self.images.draw(snap, detail)
        else:
            self.cgan.draw(snap, detail)
        if detail:
            self.curves.draw(snap)
            self.top.show_readout(snap)
            self.top.show_state(snap, pretrained=bool(self.form.params.pretrain_d))
        self.explainer.draw(snap, page)

    def _share_height(self, images: bool, from_images: bool) -> None:
        """The digits' grid wants height more than the curves: their page takes 13 parts of
        20 of the splitter; the other pages 3 of 5, as built (a lecturer may drag it)."""
        if images == from_images:
            return
        total = sum(self.split.sizes())
        if total > 0:
            share = 0.65 if images else 0.6
            self.split.setSizes([round(share * total), total - round(share * total)])

    def _redraw(self) -> None:
        """Draw the snapshot shown again, costly parts included."""
        self._stale = True
        if self.snapshot is not None:
            self._draw(self.snapshot)

    def restyle(self, theme: Theme) -> None:
        for view in (self.plane, self.line, self.cgan, self.images, self.curves, self.top,
                     self.explainer):
            view.restyle(theme)
        fit_menu(self.controls.digit_combo)
        self._stale = True


def _page_for(snap: Mapping[str, Any]) -> int:
    if "image_shape" in snap:
        return PAGE_IMAGES
    if "observations" in snap:
        return PAGE_CGAN
    return PAGE_1D if int(snap["dimension"]) == 1 else PAGE_2D


# -- calls run on the engine thread (the simulation is a GAN) ---------------------------
def _step_discriminator(sim: Any, n: int) -> int:
    return sim.step_discriminator(n)


def _step_generator(sim: Any, n: int) -> int:
    return sim.step_generator(n)


def _save_model(sim: Any, path: str) -> tuple[Any, int]:
    """The path written and the step saved."""
    return sim.save(path), sim.step_count


def _load_model(sim: Any, path: str) -> tuple[Any, int]:
    """The parameters now in force and the step loaded."""
    return sim.load(path, use_file_params=True), sim.step_count
