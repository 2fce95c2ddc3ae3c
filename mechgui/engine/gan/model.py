"""The GAN simulation: D and G trained step by step on a toy target, as in the chapter 4 notes.

D and G play the minimax game

    min_G max_D V(D, G) = E_{x~p_data}[log D(x)] + E_{z~p_z}[log(1 − D(G(z)))],

trained in two passes per iteration: *k* steps that ascend V in D's weights with G
frozen (pass 1), then one step that descends G's loss with D frozen (pass 2).  For a
fixed G the best D is D* = p_data / (p_data + p_g); at the equilibrium p_g = p_data,
D* = ½ and V = −log 4 (the GAN seminar).  The seminar's conditional GAN learns
G(z | y) for the Rosenbrock inverse problem; on the digits (:mod:`.images`) G draws
images, with MLPs or a convolutional pair, and the conditional GAN the digit asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..base import Simulation
from ..history import History
from ..params import ParamSet
from . import explain, image_passes, passes
from .frames import LOSS_COLUMNS, METRIC_COLUMNS, FrameViews
from .image_frames import ImageViews
from .image_networks import build_conv_networks
from .networks import build_networks, make_optimisers, pick_device
from .params import IMAGE_DATASETS, GANParams
from .passes import FastMLP
from .sampling import Sampling
from .targets import Target, make_target

__all__ = ["GAN", "DIVERGED", "PHASE_START", "PHASE_D_DONE", "PHASE_G_DONE", "LAST_UPDATES"]

DIVERGED = "diverged"
#: Values of :attr:`GAN.phase`.
PHASE_START, PHASE_D_DONE, PHASE_G_DONE = "start", "D pass done", "G pass done"
#: Values of :attr:`GAN.last_update`: which networks the last call that trained updated.
LAST_UPDATES = ("none", "D", "G", "D and G")

#: The slots of :attr:`GAN._last`, the last finite updates' numbers: D's loss, D's accuracy
#: on real rows, the share of fakes D called real, G's loss, and D's loss in parts (the real
#: rows', the generated rows', and WGAN-GP's gradient penalty; see :mod:`.explain`).
LAST_SLOTS = ("loss_d", "accuracy_real", "fakes_called_real", "loss_g", "d_real_part",
              "d_generated_part", "d_penalty_part")
HISTORY_CAPACITY = 1024  # history rows kept; older rows are averaged pairwise
HISTORY_FLUSH = 512      # per-step rows buffered (as a tensor) before they join the history
CHECKPOINT_EVERY = 256


class GAN(ImageViews, FrameViews, Sampling, Simulation):
    """A GAN (or, for ``dataset=rosenbrock``, a conditional GAN) trained step by step.

    One :meth:`step` is one iteration of the chapter 4 notes' pseudocode: ``k`` updates
    of D, then one update of G.  :meth:`step_phase` does one of the two passes (slow
    motion), :meth:`step_discriminator` / :meth:`step_generator` update one network
    alone.  :meth:`save` / :meth:`load` keep a trained model.

    A non-finite loss or gradient stops the run before the update is applied:
    ``status = "diverged"``, :attr:`diverged_step` is the step that failed and the
    networks stay as they were after the last finite step.

    Snapshot keys, beside ``model``, ``step``, ``status``, ``done``: see
    :meth:`_snapshot` and :meth:`_snapshot_detail` (:mod:`.frames`).
    """

    name = "gan"
    title = "GAN"
    #: The point of the plane where each snapshot evaluates D (``probe``; see
    #: :func:`.explain.set_probe`); kept through resets.
    probe_point: tuple[float, ...] | None = None
    Params = GANParams
    run_limit = 2000
    detail_keys = FrameViews.detail_keys + ImageViews.image_detail_keys

    @property
    def steps_release_gil(self) -> bool:  # type: ignore[override]
        """True where whole iterations run compiled (not under WGAN-GP, whose D updates
        need autograd in Python, nor for convolutional nets)."""
        return self.params.loss != "wgan-gp" and not self.convolutional \
            and passes.runs_compiled()

    # -- building --------------------------------------------------------------
    def _reset(self) -> None:
        p = self.params
        self.device = pick_device(p.device)
        self.target: Target = make_target(p).to(self.device)
        self.dim = self.target.dim
        self.conditional = self.target.conditional
        #: Whether the samples are images (dataset digits), and drawn by convolutional nets.
        self.images = p.dataset in IMAGE_DATASETS
        self.convolutional = self.images and p.architecture == "conv"
        seed_bits = self.rng.integers(0, 2 ** 62, size=2)
        self.gen = torch.Generator(device=self.device)
        self.gen.manual_seed(int(seed_bits[0]))
        conditions = self.target.condition_dim
        if self.convolutional:
            self.G, self.D = build_conv_networks(p, conditions, self.device, self.gen)
        else:
            self.G, self.D = build_networks(p, self.dim, conditions, self.device, self.gen)
        self._shift = torch.as_tensor(self.target.shift, dtype=torch.float32, device=self.device)
        self._scale = float(self.target.scale)
        self._identity_coords = bool(np.all(self.target.shift == 0)) and self._scale == 1.0
        # the compiled passes' view of the MLPs (None for convolutional nets)
        self._fast_g = None if self.convolutional else FastMLP(self.G, p.activation)
        self._fast_d = None if self.convolutional else FastMLP(self.D, p.activation)
        self._clear_pools()
        self._build_optimizers()
        self._prepare_visuals(np.random.default_rng(int(seed_bits[1])))
        self.phase = PHASE_START
        self.d_updates = 0
        self.g_updates = 0
        #: Which networks the last call that trained (an iteration, a pass, Step D or
        #: Step G) updated: one of :data:`LAST_UPDATES` ("none" until one has).
        self.last_update = "none"
        # LAST_SLOTS of the last finite updates, kept as a tensor (no per-step conversion);
        # per-step rows wait in _rows until a frame.
        self._last = torch.full((len(LAST_SLOTS),), math.nan, device=self.device)
        self._batch_columns: passes.BatchColumns | None = None
        self._rows = torch.empty(HISTORY_FLUSH, len(LAST_SLOTS), device=self.device)
        #: The settings each network's last update ran under (its loss's formula).
        self.trained_with = {"D": explain.loss_settings(p), "G": explain.loss_settings(p)}
        self._row_steps: list[int] = []
        self.diverged_step: int | None = None
        self.message = ""
        self._history = History(len(LOSS_COLUMNS), HISTORY_CAPACITY, "mean")
        self._metric_history = History(len(METRIC_COLUMNS), HISTORY_CAPACITY, "mean")
        self._checkpoint = self._state_copy()
        if p.pretrain_d:
            self._pretrain(p.pretrain_steps)

    def _pretrain(self, steps: int) -> None:
        """D alone on the initial G for ``steps`` updates (they count as none), reporting
        how far it is before each (an update takes a millisecond or more)."""
        for done in range(steps):
            self._report_progress(done / steps)
            if not self._d_update():
                self.message = "diverged while pre-training D"
                break
        self.d_updates = 0

    def _build_optimizers(self) -> None:
        self.opt_d, self.opt_g = make_optimisers(self.params, self.G, self.D)
        if not self.convolutional:
            self._fast_g.attach()
            self._fast_d.attach()

    # -- losses ----------------------------------------------------------------
    def _d_loss(self, out_real: torch.Tensor, out_fake: torch.Tensor,
                real: torch.Tensor, fake: torch.Tensor, c: torch.Tensor | None) -> torch.Tensor:
        """D's loss with autograd (WGAN-GP's updates; the tests' reference for the others)."""
        real_part, fake_part, penalty = self._d_loss_parts(out_real, out_fake, real, fake, c)
        loss = real_part + fake_part
        return loss if penalty is None else loss + penalty

    def _d_loss_parts(self, out_real: torch.Tensor, out_fake: torch.Tensor, real: torch.Tensor,
                      fake: torch.Tensor, c: torch.Tensor | None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """D's loss in parts: the real samples', the generated ones' and WGAN-GP's penalty
        (None under the other losses)."""
        loss = self.params.loss
        if loss in ("minimax", "non-saturating"):
            # −[log D(x) + log(1 − D(G(z)))] with D = sigmoid(logit)
            return (nn.functional.softplus(-out_real).mean(),
                    nn.functional.softplus(out_fake).mean(), None)
        if loss == "least-squares":
            return 0.5 * ((out_real - 1.0) ** 2).mean(), 0.5 * (out_fake ** 2).mean(), None
        # wgan-gp
        alpha = torch.rand(real.shape[0], 1, generator=self.gen, device=self.device)
        mixed = (alpha * real + (1.0 - alpha) * fake).requires_grad_(True)
        critic = self.D(self._d_in(mixed, c))
        grad, = torch.autograd.grad(critic.sum(), mixed, create_graph=True)
        penalty = ((grad.norm(dim=1) - 1.0) ** 2).mean()
        return -out_real.mean(), out_fake.mean(), self.params.gp_weight * penalty

    def _threshold(self, out_real: torch.Tensor, out_fake: torch.Tensor) -> torch.Tensor:
        """Where D says "real": logit 0, score ½, or midway between the critic's means."""
        return passes.threshold(out_real, out_fake, self._loss_code)

    @property
    def _loss_code(self) -> int:
        return passes.LOSS_CODES[self.params.loss]

    # -- the two passes --------------------------------------------------------
    def _columns(self, n: int) -> passes.BatchColumns:
        """Constant columns of the D update for batch size ``n`` (made once per size)."""
        if self._batch_columns is None or self._batch_columns.n != n:
            self._batch_columns = passes.batch_columns(n, self.device)
        return self._batch_columns

    def _d_update(self) -> bool:
        """One update of D (pass 1): ascend V in θ_d with G frozen; False if non-finite.

        The update is applied only if the loss and every gradient are finite.
        """
        n = self.params.batch_size
        if not self.convolutional:
            self._fast_d.attach()
        with torch.no_grad():
            real, c = self._real_batch(n)
            z = self._train_noise(n)
            if self.convolutional:
                ok = image_passes.d_update(self, real, c, z)
            elif self.params.loss == "wgan-gp":
                ok = self._critic_update(real, c, z)
            else:
                ok = passes.d_update(self._fast_g, self._fast_d, self.opt_d, self._columns(n),
                                     real, c, z, self._loss_code, self._last)
        if ok:
            self.d_updates += 1
        return ok

    def _critic_update(self, real: torch.Tensor, c: torch.Tensor | None, z: torch.Tensor) -> bool:
        """The D update under WGAN-GP, whose gradient penalty needs autograd."""
        n = len(real)
        fd = self._fast_d
        fake = self._fast_g.forward(self._g_in(z, c))
        x = self._d_in(torch.cat([real, fake]), None if c is None else torch.cat([c, c]))
        with torch.enable_grad():
            out = self.D(x)
            parts = self._d_loss_parts(out[:n], out[n:], real, fake, c)
            loss = parts[0] + parts[1] + parts[2]
            grads = torch.autograd.grad(loss, fd.params)
        torch._foreach_copy_(fd.grads, grads)
        out = out.detach()
        if not fd.finite(loss.detach()):
            return False
        passes.record_accuracy(self._columns(n), out - self._threshold(out[:n], out[n:]),
                               self._last)
        passes.optimizer_step(self.opt_d)
        self._last[0:1].copy_(fd.loss_slot)
        self._last[4:7].copy_(torch.stack([part.detach() for part in parts]))
        return True

    def _g_update(self) -> bool:
        """One update of G (pass 2): descend L_G in θ_g with D frozen; False if non-finite.

        Backpropagates through D to its input only: D's weights get no gradient.
        """
        n = self.params.batch_size
        if not self.convolutional:
            self._fast_g.attach()
        with torch.no_grad():
            c = self._real_batch(n)[1] if self.conditional else None
            z = self._train_noise(n)
            if self.convolutional:
                ok = image_passes.g_update(self, c, z)
            else:
                ok = passes.g_update(self._fast_g, self._fast_d, self.opt_g, c, z,
                                     self._loss_code, self.dim, self._last)
        if ok:
            self.g_updates += 1
        return ok

    def _d_pass(self) -> bool:
        for _ in range(self.params.k):
            if not self._d_update():
                return False
        return True

    # -- losses and accuracies as numbers (converted only when asked) ------------
    @property
    def loss_d(self) -> float:
        """D's loss at its last finite update (nan before the first)."""
        return float(self._last[0])

    @property
    def loss_g(self) -> float:
        """G's loss at its last finite update (nan before the first)."""
        return float(self._last[3])

    @property
    def accuracy_real(self) -> float:
        """Share of the last D batch's real samples that D called real."""
        return float(self._last[1])

    @property
    def accuracy_fake(self) -> float:
        """Share of the last D batch's generated samples that D called fake."""
        return 1.0 - float(self._last[2])

    def _flush_history(self) -> None:
        """Move the buffered per-step rows into the history (as floats)."""
        count = len(self._row_steps)
        if not count:
            return
        for step, (ld, ar, fr, lg) in zip(self._row_steps, self._rows[:count, :4].tolist()):
            self._history.add(step, (ld, lg, ar, 1.0 - fr))
        self._row_steps = []

    # -- protocol --------------------------------------------------------------
    def _step(self) -> None:
        """One iteration: pass 1 (k D updates, unless already done by step_phase), pass 2."""
        if self.phase != PHASE_D_DONE and not self._d_pass():
            self._diverge("discriminator")
            return
        if not self._g_update():
            self.phase = PHASE_D_DONE
            self._diverge("generator")
            return
        self.phase = PHASE_G_DONE

    def step(self, n: int = 1) -> int:
        """Advance up to ``n`` iterations; a diverged iteration is not counted.

        Whole iterations run in :func:`.passes.train`, except under WGAN-GP, for
        convolutional nets or with an optimiser the passes do not serve.
        """
        before = (self.d_updates, self.g_updates)
        opt_g, opt_d = passes.optimiser_state(self.opt_g), passes.optimiser_state(self.opt_d)
        if self.params.loss == "wgan-gp" or self.convolutional or opt_g is None or opt_d is None:
            taken = self._step_by_passes(n)
        else:
            taken = self._step_whole(n, opt_g, opt_d)
        self._note_updates(*before)
        return taken

    def _note_updates(self, d_before: int, g_before: int) -> None:
        """Set :attr:`last_update` from the counters' growth since ``d_before``, ``g_before``
        (kept as it was when nothing was updated)."""
        d, g = self.d_updates > d_before, self.g_updates > g_before
        if d or g:
            self.last_update = "D and G" if d and g else ("D" if d else "G")
        for network, updated in (("D", d), ("G", g)):
            if updated:
                self.trained_with[network] = explain.loss_settings(self.params)

    def _step_by_passes(self, n: int) -> int:
        taken = 0
        while taken < n and not self.done:
            self._step()
            if self.status == DIVERGED:
                break
            self.step_count += 1
            taken += 1
            rows = self._row_steps
            self._rows[len(rows)].copy_(self._last)
            rows.append(self.step_count)
            self._after_steps()
        return taken

    def _after_steps(self) -> None:
        """Flush a full history buffer; copy the weights when a checkpoint is due."""
        if len(self._row_steps) == HISTORY_FLUSH:
            self._flush_history()
        if self.step_count % CHECKPOINT_EVERY == 0:
            self._update_checkpoint()

    def _step_whole(self, n: int, opt_g: passes.Optimiser, opt_d: passes.Optimiser) -> int:
        """:meth:`_step_by_passes`, in calls of :func:`.passes.train` that end where the
        history buffer fills, a checkpoint is due or a pool must be refilled."""
        p = self.params
        fast_g, fast_d = self._fast_g, self._fast_d
        fast_g.attach()
        fast_d.attach()
        columns = self._columns(p.batch_size)
        d_done = p.k if self.phase == PHASE_D_DONE else 0
        taken = 0
        while taken < n and not self.done:
            room = min(n - taken, HISTORY_FLUSH - len(self._row_steps),
                       CHECKPOINT_EVERY - self.step_count % CHECKPOINT_EVERY)
            with torch.no_grad():
                done, d_done, why, self._real_at, self._noise_at, applied = passes.train(
                    fast_g, fast_d, opt_g, opt_d, columns, self._pools(), self._real_at,
                    self._noise_at, self._loss_code, p.k, self.dim, room, d_done, self._last,
                    self._rows, len(self._row_steps))
            self.d_updates += applied
            self.g_updates += done
            if done:
                first = self.step_count + 1
                self._row_steps.extend(range(first, first + done))
                self.step_count += done
                taken += done
                self.phase = PHASE_G_DONE
                self._after_steps()
            if why == passes.NEED_REAL:
                self._refill_real(p.batch_size)
            elif why == passes.NEED_NOISE:
                self._refill_noise(p.batch_size)
            elif why == passes.FAILED_D:
                self._diverge("discriminator")
            elif why == passes.FAILED_G:
                self.phase = PHASE_D_DONE
                self._diverge("generator")
        return taken

    def step_phase(self) -> str:
        """Slow motion: do the next pass alone (D's k updates, or G's update); return the phase."""
        if self.done:
            return self.phase
        if self.phase == PHASE_D_DONE:
            self.step(1)
            return self.phase
        d_before = self.d_updates
        if self._d_pass():
            self.phase = PHASE_D_DONE
        else:
            self._diverge("discriminator")
        self._note_updates(d_before, self.g_updates)
        return self.phase

    def step_discriminator(self, n: int = 1) -> int:
        """``n`` updates of D alone (G frozen); not counted as iterations."""
        return self._updates_alone(self._d_update, "discriminator", n)

    def step_generator(self, n: int = 1) -> int:
        """``n`` updates of G alone (D frozen); not counted as iterations."""
        return self._updates_alone(self._g_update, "generator", n)

    def _updates_alone(self, update: Callable[[], bool], network: str, n: int) -> int:
        before = (self.d_updates, self.g_updates)
        done = 0
        while done < n and not self.done:
            if not update():
                self._diverge(network)
                break
            done += 1
        self._note_updates(*before)
        return done

    def _apply_live(self, old: ParamSet, changed: list[str]) -> None:
        """Learning rates, β₁, optimiser, loss, k, batch size, λ change without touching the networks."""
        p = self.params
        if "optimizer" in changed:
            self._build_optimizers()  # a fresh optimiser state, the same weights
            return
        for opt, lr in ((self.opt_d, p.lr_d), (self.opt_g, p.lr_g)):
            for group in opt.param_groups:
                group["lr"] = lr
                if "betas" in group:
                    group["betas"] = (p.adam_beta1, group["betas"][1])

    # -- divergence and checkpoints --------------------------------------------
    def _diverge(self, which: str) -> None:
        """Stop: the failed update was not applied; restore a checkpoint if weights went bad."""
        self.status = DIVERGED
        self.diverged_step = self.step_count + 1
        failed = f"non-finite {which} loss or gradient at step {self.diverged_step}"
        if not self._weights_finite():
            self._restore(self._checkpoint)
            self.message = f"{failed}; weights restored from step {self._checkpoint['step']}"
        else:
            self.message = f"{failed}; the networks are kept as after step {self.step_count}"

    def _weights_finite(self) -> bool:
        return all(bool(torch.isfinite(q).all()) for q in
                   list(self.G.parameters()) + list(self.D.parameters()))

    def _state_copy(self) -> dict[str, Any]:
        """A new checkpoint: copies of both networks' weights, and their step."""
        return {"step": self.step_count,
                "generator": {k: v.detach().clone() for k, v in self.G.state_dict().items()},
                "discriminator": {k: v.detach().clone() for k, v in self.D.state_dict().items()}}

    def _update_checkpoint(self) -> None:
        """Copy the weights into the checkpoint's own tensors: one foreach copy (one
        release of Python's lock) instead of a detach and a clone per tensor."""
        checkpoint = self._checkpoint
        copies = [*checkpoint["generator"].values(), *checkpoint["discriminator"].values()]
        live = [*self.G.state_dict(keep_vars=True).values(),
                *self.D.state_dict(keep_vars=True).values()]
        with torch.no_grad():
            torch._foreach_copy_(copies, live)
        checkpoint["step"] = self.step_count

    def _restore(self, state: dict[str, Any]) -> None:
        self.G.load_state_dict(state["generator"])
        self.D.load_state_dict(state["discriminator"])

    # -- save and load (module modelfile) ----------------------------------------
    def save(self, path: str | PathLike) -> Path:
        """Write the networks, the optimisers' state and the parameters (a torch file of
        plain data); return the path written."""
        from . import modelfile  # it imports this module

        return modelfile.save(self, path)

    def load(self, path: str | PathLike, *, use_file_params: bool = True) -> GANParams:
        """Read a file written by :meth:`save`; nothing in it is ever executed.  Return the
        parameters now in force.

        With ``use_file_params`` the session's parameters become the file's (the
        simulation is rebuilt for them first); otherwise the file must fit the current
        architecture.  A file that does not fit raises :class:`~.modelfile.ModelFileError`
        (a ValueError) and leaves the simulation as it was: everything in the file is
        checked first, and the state it gives replaces this one's at once.
        """
        from . import modelfile  # it imports this module

        return modelfile.load(self, path, use_file_params=use_file_params)
