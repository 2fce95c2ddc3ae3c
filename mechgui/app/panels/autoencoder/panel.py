"""The Autoencoder tab: the plain autoencoder's codes beside the VAE's (the chapter 4 notes'
"what we may inadvertently end up with" against "what we require"), the images decoded from
N(0, I), a clicked point, the line between two digits, the reconstructions and the losses.

One engine trains one run at a time.  The run of the other kind, if one was trained before,
stays drawn in its own column from its last snapshot (a kept picture: its codes, samples and
losses as they were), so the two stand side by side.  Decoding a point and interpolating are
engine calls (:meth:`call_engine`, at most one of each in flight, the latest request wins);
a call pauses training.  Whenever training pauses or ends they are made again from the new
weights (the origin z = 0, the prior's centre, until a point is clicked)."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from mechgui.engine import ParameterError, ParamSet
from mechgui.engine.digit_classifier import classify
from mechgui.engine.digits import DIGITS_SHAPE

from ...libraries import preload_torch
from ...pacing import MAX_SPEED
from ...panel import SimulationPanel
from ...runner import Failure
from ...theme import Theme
from ...widgets import set_stretch
from .controls import AutoencoderControls
from .explain import AutoencoderExplanation
from .views import CurvesView, ImagesView, LatentView

__all__ = ["INTERPOLATION_STEPS", "AutoencoderPanel", "Latest"]

INTERPOLATION_STEPS = 10
KINDS = ("ae", "vae")
_NAMES = {"ae": "Autoencoder", "vae": "VAE"}
_PRESET_OF = {"ae": "Autoencoder on the digits", "vae": "VAE on the digits"}
_HINT = object()  # what a column shows when its kind has not been trained


class Latest:
    """Engine calls of one kind, at most one in flight: a request made meanwhile waits, and
    a newer one replaces it (the latest point wins)."""

    def __init__(self, call: Callable[..., int], function: Callable[..., Any],
                 done: Callable[[tuple, Any], None], failed: Callable[[Failure], None]) -> None:
        self._call, self._function, self._done, self._failed = call, function, done, failed
        self.busy = False
        self._waiting: tuple | None = None

    def request(self, *args: Any) -> None:
        if self.busy:
            self._waiting = args
        else:
            self._send(args)

    def _send(self, args: tuple) -> None:
        self.busy = True
        self._call(self._function, *args, on_return=lambda value: self._back(args, value),
                   on_error=self._refused)

    def _back(self, args: tuple, value: Any) -> None:
        self.busy = False
        self._done(args, value)
        self._next()

    def _refused(self, failure: Failure) -> None:
        self.busy = False
        self._failed(failure)
        self._next()

    def _next(self) -> None:
        if self._waiting is not None:
            args, self._waiting = self._waiting, None
            self._send(args)


class AutoencoderPanel(SimulationPanel):
    """Two columns of codes and samples (AE, VAE), the decoder at a point, the losses."""

    model = "autoencoder"
    default_speed = MAX_SPEED
    hidden_params = ("data",)
    max_fps = 30.0
    detail_rate = 4.0

    def init_state(self) -> None:
        #: The last snapshot drawn of each kind of run ("ae", "vae").
        self.runs: dict[str, Mapping[str, Any] | None] = {kind: None for kind in KINDS}
        self._drawn: dict[str, Any] = {kind: None for kind in KINDS}
        self._live = "vae"
        self._stale = True
        self._auto_step: int | None = None
        self._message = ""
        #: The point clicked last on the live plot, the code decoded and its image; the
        #: interpolation shown: (a, b, images).
        self.clicked: tuple[float, float] | None = None
        self.decoded: tuple[np.ndarray, np.ndarray] | None = None
        self.interpolation: tuple[int, int, np.ndarray] | None = None
        self._interpolation_step = 0
        self.decoder = Latest(self.call_engine, _decode, self._show_decoded, self._call_failed)
        self.interpolator = Latest(self.call_engine, _interpolate, self._show_interpolation,
                                   self._call_failed)

    def _make_simulation(self) -> Any:
        """On the engine thread: torch loads there and trains on all cores but the GUI's."""
        preload_torch()
        from mechgui.engine.gan import use_training_threads

        use_training_threads()
        return super()._make_simulation()

    # -- view ------------------------------------------------------------------------------
    def build_view(self) -> Generator[None, None, QWidget]:
        self.graphics = pg.GraphicsLayoutWidget()
        g = self.graphics
        self.latent = {kind: LatentView(self, g, _NAMES[kind], 0, col)
                       for col, kind in enumerate(KINDS)}
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.samples = {kind: ImagesView(self, g, "Samples from N(0, I)", 1, col)
                        for col, kind in enumerate(KINDS)}
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.point_view = ImagesView(self, g, "The decoder at a point", 0, 2)
        self.curves = CurvesView(self, g, 1, 2)
        yield  # the next part in the next turn of the event loop (see SimulationPanel)
        self.interpolation_view = ImagesView(self, g, "Interpolation", 2, 0, colspan=2)
        self.reconstruction_view = ImagesView(self, g, "Inputs (top) and reconstructions", 2, 2)
        set_stretch(g, rows=(5, 4, 2), cols=(4, 4, 3))
        for kind in KINDS:
            self.latent[kind].box.sigDraw.connect(self.decode_at)
        self.point_view.clear("click the codes")
        self.interpolation_view.clear("press Interpolate")
        self.runner.playingChanged.connect(self._playing_changed)
        self.explain = AutoencoderExplanation(self, KINDS).explain  # read-outs under the mouse
        return g

    def build_controls(self) -> QWidget:
        c = self.controls = AutoencoderControls()
        c.from_combo.currentIndexChanged.connect(lambda _: self.interpolate())
        c.to_combo.currentIndexChanged.connect(lambda _: self.interpolate())
        c.interpolate_button.clicked.connect(lambda: self.interpolate())
        c.prior_check.toggled.connect(lambda on: self._set_layer("show_prior", on))
        c.grid_check.toggled.connect(lambda on: self._set_layer("show_grid", on))
        c.mnist_button.clicked.connect(self._choose_mnist)
        return c

    # -- commands ---------------------------------------------------------------------------
    @Slot(float, float)
    def decode_at(self, x: float, y: float) -> None:
        """Decode the code at (x, y) of the live plot (its other dimensions 0; a 1-D code
        is x alone) on the engine thread, and show it."""
        snap = self.snapshot
        if snap is None:
            return
        code = np.zeros(int(snap["latent_dim"]), dtype=np.float32)
        code[:2] = (x, y)[:len(code)]
        self.clicked = (x, y)
        self.latent[self._live].mark(self.clicked)
        self.decoder.request(code)

    def interpolate(self, class_a: int | None = None, class_b: int | None = None) -> None:
        """Decode the line from one digit's mean code to another's (by default the digits
        chosen under the form)."""
        a, b = self.controls.digits()
        a = a if class_a is None else int(class_a)
        b = b if class_b is None else int(class_b)
        self.interpolator.request(a, b, INTERPOLATION_STEPS)

    def load_mnist(self, path: str | os.PathLike) -> bool:
        """Train on MNIST from ``path``; a file that is not MNIST is refused with a message."""
        return self.submit_params(dataset="mnist", data=os.fspath(path))

    @Slot()
    def _choose_mnist(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "MNIST file", "",
                                              "MNIST (*-ubyte *-ubyte.gz *.npz);;All files (*)")
        if path:
            self.load_mnist(path)

    def view_state(self) -> dict[str, Any]:
        c = self.controls
        a, b = c.digits()
        return {"prior_samples": c.prior_check.isChecked(),
                "decoder_map": c.grid_check.isChecked(), "interpolate_from": a,
                "interpolate_to": b}

    def load_view_state(self, state: Mapping[str, Any]) -> None:
        c = self.controls
        for key, check in (("prior_samples", c.prior_check), ("decoder_map", c.grid_check)):
            check.setChecked(state.get(key, check.isChecked()))
        for key, combo in (("interpolate_from", c.from_combo), ("interpolate_to", c.to_combo)):
            combo.blockSignals(True)  # no decoding now: it would pause the run
            combo.setCurrentIndex(state.get(key, combo.currentIndex()))
            combo.blockSignals(False)

    def _set_layer(self, name: str, on: bool) -> None:
        for view in self.latent.values():
            setattr(view, name, on)
        self._stale = True
        self._drawn = {kind: None for kind in KINDS}
        if self.snapshot is not None:
            self._draw(self.snapshot)

    # -- what the calls bring back -----------------------------------------------------------
    def _image_shape(self, images: np.ndarray) -> tuple[int, int] | None:
        """The shape of the live run's images, if ``images`` are of it (a call made before
        the data set changed brings back images of the old size: they are not shown)."""
        snap = self.snapshot
        shape = tuple(snap["image_shape"]) if snap is not None else DIGITS_SHAPE
        return shape if images.ndim == 2 and images.shape[1] == shape[0] * shape[1] else None

    def _show_decoded(self, args: tuple, value: tuple[int, np.ndarray]) -> None:
        code, = args
        _, images = value
        shape = self._image_shape(images)
        if shape is None or len(code) != self._latent_dim():
            return
        self.decoded = (code, images)
        self.point_view.show(images, shape, 1)
        self._title_point()

    def _title_point(self) -> None:
        """The decoded point's title: where, and what the digit classifier reads there
        (shorter in lecture mode)."""
        if self.decoded is None:
            self.set_title(self.point_view.plot, "The decoder at a point")
            return
        code, images = self.decoded
        lecture = self.theme.name == "lecture"
        where = ", ".join(f"{v:.1f}" if lecture else f"{v:.2f}" for v in code[:2])
        text = f"z = ({where}{', 0…' if len(code) > 2 else ''})"
        if images.shape[1] == DIGITS_SHAPE[0] * DIGITS_SHAPE[1] and np.all(np.isfinite(images)):
            label, confidence = classify(images)
            text += f": a {label[0]}?" if lecture else \
                f" decodes to a {label[0]}? ({confidence[0]:.0%})"
        elif not lecture:
            text = "The decoder at " + text
        self.set_title(self.point_view.plot, text)

    def _latent_dim(self) -> int:
        return int(self.snapshot["latent_dim"]) if self.snapshot is not None else -1

    def _show_interpolation(self, args: tuple, value: tuple[int, np.ndarray]) -> None:
        a, b, _ = args
        step, images = value
        shape = self._image_shape(images)
        if shape is None:
            return
        self.interpolation = (a, b, images)
        self._interpolation_step = step
        self.interpolation_view.show(images, shape, len(images))
        self._title_interpolation()
        self.latent[self._live].show_path(a, b)

    def _title_interpolation(self) -> None:
        """The line's title: its two digits, the step and what the classifier reads along
        it (shorter in lecture mode)."""
        if self.interpolation is None:
            self.set_title(self.interpolation_view.plot, "Interpolation")
            return
        a, b, images = self.interpolation
        lecture = self.theme.name == "lecture"
        title = f"{a} → {b}" if lecture else \
            f"Mean codes {a} → {b} (step {self._interpolation_step})"
        if images.shape[1] == DIGITS_SHAPE[0] * DIGITS_SHAPE[1] and np.all(np.isfinite(images)):
            title += (" read as " if lecture else ": read as ") + \
                " ".join(str(d) for d in classify(images)[0])
        self.set_title(self.interpolation_view.plot, title)

    def _call_failed(self, failure: Failure) -> None:
        self.show_message(str(failure), error=True)

    @Slot(object)
    def on_engine_error(self, failure: Failure) -> None:
        """As every tab; and when the engine refused new data (a file whose pixels could
        not be read), the form shows again the parameters the run goes on with."""
        super().on_engine_error(failure)
        if failure.by_user and isinstance(failure.error, ParameterError):
            self.call_engine(_params, on_return=self._params_in_force)

    def _params_in_force(self, params: ParamSet) -> None:
        if params.changed(self.form.params):
            self.form.set_params(params)
            self.on_params(params)

    # -- rendering ---------------------------------------------------------------------------
    def on_params(self, params: ParamSet) -> None:
        path = params.data
        self.controls.mnist_label.setText(os.path.basename(path) if path else "none chosen")

    def restart(self) -> None:
        """A new run (reset, preset, parameters): what was decoded belonged to the old one."""
        self.decoded = self.interpolation = self.clicked = None
        self._auto_step = None
        self.point_view.clear("click the codes")
        self.interpolation_view.clear("press Interpolate")
        self._title_point()
        self._title_interpolation()
        for view in self.latent.values():
            view.mark(None)
            view.show_path(None, None)
        self.curves.clear()

    def render(self, snap: Mapping[str, Any]) -> None:
        kind = "vae" if snap["variational"] else "ae"
        if kind != self._live:
            self._live = kind
            self._drawn = {other: None for other in KINDS}  # the other column: now kept
            self.restart()
        self.runs[kind] = snap
        message = str(snap.get("message") or "")
        if message != self._message:
            self._message = message
            if message:
                self.show_message(message, error=True)
        for other in KINDS:
            self.latent[other].set_live(other == kind)
        self.curves.show_now(snap)
        # the costly views are new in a detailed frame (or when the plain frame that replaced
        # it carries other objects); in between only the titles' numbers would change
        if self._stale or snap["latent"] is not self._drawn[kind]:
            self._drawn[kind] = snap["latent"]
            self._draw_run(kind, snap, live=True)
            self.curves.draw(snap)
            shape = tuple(snap["image_shape"])
            inputs, outputs = snap["inputs"], snap["reconstructions"]
            self.reconstruction_view.show(np.concatenate([inputs, outputs]), shape,
                                          len(inputs))
        other = "ae" if kind == "vae" else "vae"
        kept = self.runs[other]
        token = kept["latent"] if kept is not None and kept["step"] > 0 else _HINT
        if self._stale or self._drawn[other] is not token:
            self._drawn[other] = token
            self._draw_kept(other, kept)
        self._stale = False

    def _draw_run(self, kind: str, snap: Mapping[str, Any], live: bool) -> None:
        """One column: the codes and the samples of ``snap``, titled with what it is.  While
        training plays the titles carry no numbers (a new title lays the whole grid out
        again: too costly for every detailed frame); the step and the classifier's count
        come when it pauses, and the losses' corner shows the step meanwhile."""
        playing = live and self.runner.playing
        lecture = self.theme.name == "lecture"
        title = _NAMES[kind] + (f", β = {snap['beta']:g}" if snap["variational"] else "")
        if not live:
            title += " (kept)" if lecture else f": step {snap['step']} (kept)"
        elif not playing and not lecture:
            title += f": step {snap['step']}"
        self.set_title(self.latent[kind].plot, title)
        self.latent[kind].draw(snap)
        self.samples[kind].show(snap["prior_samples"], tuple(snap["image_shape"]))
        title = "Samples from N(0, I)"
        if snap["prior_labels"] is not None and not playing:
            found = len(set(np.asarray(snap["prior_labels"]).tolist()))
            title = f"N(0, I): {found} digits" if lecture else \
                f"From N(0, I): {found} digits, score {snap['digit_score']:.1f}"
        self.set_title(self.samples[kind].plot, title)
        if live:
            self.latent[kind].mark(self.clicked)
        if live and self.interpolation is not None:
            self.latent[kind].show_path(*self.interpolation[:2])

    def _draw_kept(self, kind: str, kept: Mapping[str, Any] | None) -> None:
        if kept is None or kept["step"] == 0:
            self.latent[kind].clear(f"not trained yet:\npick “{_PRESET_OF[kind]}”\n"
                                    "and press Space" if self.theme.name != "lecture" else
                                    "not trained yet:\npick its preset,\npress Space")
            self.samples[kind].clear()
            self.set_title(self.latent[kind].plot, _NAMES[kind])
            self.set_title(self.samples[kind].plot, "Samples from N(0, I)")
            return
        self._draw_run(kind, kept, live=False)

    @Slot(bool)
    def _playing_changed(self, playing: bool) -> None:
        """Training paused or ended: decode again what is shown (it came from earlier
        weights), the origin if no point was clicked, and the interpolation."""
        snap = self.snapshot
        if playing or snap is None:
            return
        self._stale = True  # the titles' numbers, left out while playing
        self._draw(snap)
        if snap["step"] == 0 or self._auto_step == snap["step"]:
            return
        self._auto_step = snap["step"]
        if self.clicked is None:
            self.decode_at(0.0, 0.0)
        else:
            self.decode_at(*self.clicked)
        self.interpolate()

    def restyle(self, theme: Theme) -> None:
        for view in (*self.latent.values(), *self.samples.values(), self.point_view,
                     self.interpolation_view, self.reconstruction_view, self.curves):
            view.restyle(theme)
        lecture = theme.name == "lecture"
        self.set_title(self.reconstruction_view.plot, "Reconstructions" if lecture
                       else "Inputs (top) and reconstructions")
        self.set_title(self.curves.plot, "Losses" if lecture else "Losses (nats per image)")
        self._title_point()
        self._title_interpolation()
        self._stale = True


# -- calls run on the engine thread (the simulation is an Autoencoder) ---------------------------
def _params(sim: Any) -> ParamSet:
    return sim.params


def _decode(sim: Any, code: np.ndarray) -> tuple[int, np.ndarray]:
    return sim.step_count, sim.decode(code)


def _interpolate(sim: Any, class_a: int, class_b: int, steps: int) -> tuple[int, np.ndarray]:
    return sim.step_count, sim.interpolate(class_a, class_b, steps)
