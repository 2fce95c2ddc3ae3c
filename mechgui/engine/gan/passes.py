"""The training passes behind one interface: a D update, a G update, whole iterations, and
the views a frame shows, on the networks' own tensors (:class:`FastMLP`) and optimiser state.

Design note.  The passes are the functions of :mod:`.compiled`, written so that TorchScript
can compile them; :func:`function` runs the compiled version, or the same function as plain
Python where TorchScript is missing or compilation is off (both give the same bits:
tests/test_gan.py runs both).  Compiled, a call runs all its tensor operations without
Python's lock (a window drawing on another thread cannot stall training between them) and
skips the interpreter's dispatch.  Measured on a 2-core VM, one torch thread, headless
it/s compiled vs plain: ring of 8 690–770 vs 520–670, the 1-D toy 1,850 vs 1,030–1,240
(``benchmarks/gan_throughput.py --gui-seconds 0``, with and without the switch).
Switch: ``MECHGUI_GAN_COMPILED=0`` in the environment (read at import), or set
:data:`COMPILE`.  Replacing TorchScript (deprecated by torch) touches :func:`scripted` only.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from . import compiled
from .compiled import (FAILED_D, FAILED_G, LOSS_CODES, NEED_NOISE, NEED_REAL, BatchColumns,
                       Optimiser, Pools, joined, record_accuracy, threshold)

__all__ = ["COMPILE", "OPERATIONS", "function", "scripted", "runs_compiled", "FastMLP",
           "optimiser_state", "optimizer_step", "batch_columns", "d_update", "g_update", "train",
           "frame_views", "detail_views", "joined", "threshold", "record_accuracy", "Pools",
           "BatchColumns", "Optimiser", "LOSS_CODES", "NEED_REAL", "NEED_NOISE", "FAILED_D",
           "FAILED_G"]

#: Whether the passes run compiled where TorchScript can compile them (the switch).
COMPILE = os.environ.get("MECHGUI_GAN_COMPILED", "1").strip().lower() not in ("0", "false", "no",
                                                                              "off")
#: The passes that may run compiled.
OPERATIONS = ("train", "d_update", "g_update", "frame_views", "detail_views")
_SCRIPTED: dict[str, Callable[..., Any] | None] = {}


def scripted(name: str) -> Callable[..., Any] | None:
    """The TorchScript version of one of :data:`OPERATIONS` (compiled on first use, a few
    seconds for all), or None where TorchScript cannot compile it."""
    if name not in _SCRIPTED:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "torch.jit.script is deprecated"
                _SCRIPTED[name] = torch.jit.script(getattr(compiled, name))
        except Exception:  # noqa: BLE001 - no TorchScript here: the Python path serves
            _SCRIPTED[name] = None
    return _SCRIPTED[name]


def function(name: str) -> Callable[..., Any]:
    """The pass that runs: compiled if :data:`COMPILE` and TorchScript allow, else plain Python."""
    return (COMPILE and scripted(name)) or getattr(compiled, name)


def runs_compiled() -> bool:
    """True where whole iterations run compiled, outside Python's lock."""
    return COMPILE and scripted("train") is not None


# -- the networks' and optimisers' tensors, as the passes take them ----------------
class FastMLP:
    """Forward/backward of a :func:`~.networks.build_mlp` Sequential without autograd.

    The parameters' ``.grad`` are views of ``flat_grad`` (one spare element at the
    end holds the loss), so one dot product of ``flat_grad`` checks the loss and
    every gradient in one go.  :attr:`net` holds the views the passes take.
    """

    def __init__(self, net: nn.Sequential, activation: str) -> None:
        linears = [m for m in net if isinstance(m, nn.Linear)]
        self.params = [q for m in linears for q in (m.weight, m.bias)]
        total = sum(q.numel() for q in self.params)
        flat_grad = torch.zeros(total + 1, device=self.params[0].device)
        self.grads: list[torch.Tensor] = []
        offset = 0
        for q in self.params:
            self.grads.append(flat_grad[offset:offset + q.numel()].view_as(q))
            offset += q.numel()
        grad_weights = self.grads[0::2]
        self.net = compiled.Net(
            weights=[m.weight for m in linears], weights_t=[m.weight.t() for m in linears],
            biases=[m.bias for m in linears], grad_weights=grad_weights,
            grad_weights_t=[g.t() for g in grad_weights], grad_biases=self.grads[1::2],
            # a thin input (few columns, many rows): transposed products are faster
            thin=[m.in_features < 8 <= m.out_features for m in linears],
            flat_grad=flat_grad, loss_slot=flat_grad[total:])
        self.activation = compiled.ACTIVATION_CODES[activation]
        self.attach()

    @property
    def loss_slot(self) -> torch.Tensor:
        return self.net.loss_slot

    def attach(self) -> None:
        """(Re)point every ``.grad`` at the flat buffer (after anything set them to None)."""
        for q, g in zip(self.params, self.grads):
            if q.grad is not g:
                q.grad = g

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The net's output (no autograd)."""
        return compiled._forward(self.net, x, self.activation, [])

    def finite(self, loss: torch.Tensor) -> bool:
        """True if the loss and every gradient are finite (see ``compiled._finite``)."""
        return compiled._finite(self.net, loss)


def _step_counts(opt: torch.optim.Adam, states: list[dict[str, Any]]) -> torch.Tensor | None:
    """One tensor whose elements are the Adam step counts of ``states`` (0-dim views of it).

    All parameters of an optimiser advance together, so one ``add_`` on this tensor
    replaces a ``_foreach_add_`` over them.  The optimiser's own ``step()`` and
    ``state_dict()`` still see one step tensor per parameter.  None if the counts
    differ (then they are advanced one by one).
    """
    linked = getattr(opt, "_mechgui_step_counts", None)
    steps = [s["step"] for s in states]
    if linked is not None and len(linked[1]) == len(steps) \
            and all(a is b for a, b in zip(linked[1], steps)):
        return linked[0]
    values = {float(q) for q in steps}
    if len(values) != 1 or any(q.dim() != 0 for q in steps):
        return None
    counts = torch.full((len(steps),), values.pop(), dtype=steps[0].dtype, device=steps[0].device)
    views = [counts[i] for i in range(len(steps))]
    for state, view in zip(states, views):
        state["step"] = view
    opt._mechgui_step_counts = (counts, views)  # type: ignore[attr-defined]
    return counts


def optimiser_state(opt: torch.optim.Optimizer) -> Optimiser | None:
    """The optimiser's own state as the passes take it: fused Adam or plain SGD.

    None for anything else, and for Adam before its first step (it makes its state
    then): such updates go through ``opt.step()``.
    """
    if len(opt.param_groups) != 1:
        return None
    group = opt.param_groups[0]
    params = group["params"]
    if not isinstance(group["lr"], float):
        return None
    if isinstance(opt, torch.optim.Adam) and group.get("fused") \
            and not (group["amsgrad"] or group["maximize"] or group["weight_decay"]
                     or group.get("decoupled_weight_decay") or group.get("capturable")
                     or group.get("differentiable")):
        try:
            states = [opt.state[q] for q in params]
            exp_avgs = [s["exp_avg"] for s in states]
            exp_avg_sqs = [s["exp_avg_sq"] for s in states]
        except KeyError:
            return None
        counts = _step_counts(opt, states)
        beta1, beta2 = group["betas"]
        return Optimiser(True, params, [q.grad for q in params], exp_avgs, exp_avg_sqs,
                         [s["step"] for s in states], counts, group["lr"], float(beta1),
                         float(beta2), float(group["eps"]))
    if type(opt) is torch.optim.SGD and not (group["momentum"] or group["weight_decay"]
                                             or group["maximize"] or group.get("differentiable")):
        return Optimiser(False, params, [q.grad for q in params], [], [], [], None,
                         group["lr"], 0.0, 0.0, 0.0)
    return None


def optimizer_step(opt: torch.optim.Optimizer) -> None:
    """``opt.step()``, without its Python wrapper where the passes' kernels serve."""
    fast = optimiser_state(opt)
    if fast is None:
        opt.step()
    else:
        compiled._optimiser_step(fast)


def batch_columns(n: int, device: torch.device) -> BatchColumns:
    """Columns over a D batch of n real rows then n fake rows, for the D update."""
    real = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)]).to(device)  # t: 1 real, 0 fake
    return BatchColumns(n=n, sign=1.0 - 2.0 * real,   # −1 on real rows, +1 on fake rows
                        target=real, minus_target_over_n=real / -n,
                        halves_over_n=torch.cat([real.t(), 1.0 - real.t()]) / n,
                        zero=torch.zeros(1, device=device))


# -- the operations (call them under torch.no_grad()) -------------------------------
def d_update(g: FastMLP, d: FastMLP, opt_d: torch.optim.Optimizer, cols: BatchColumns,
             real: torch.Tensor, c: torch.Tensor | None, z: torch.Tensor, loss_code: int,
             last: torch.Tensor) -> bool:
    """One update of D on ``real`` and G(z), G frozen; False, and no update, if non-finite
    (minimax, non-saturating and least-squares losses; see ``compiled.d_update``)."""
    fast = optimiser_state(opt_d)
    ok = function("d_update")(g.net, d.net, fast, cols, real, c, z, loss_code, d.activation, last)
    if ok and fast is None:
        opt_d.step()
    return ok


def g_update(g: FastMLP, d: FastMLP, opt_g: torch.optim.Optimizer, c: torch.Tensor | None,
             z: torch.Tensor, loss_code: int, dim: int, last: torch.Tensor) -> bool:
    """One update of G on G(z), D frozen; False, and no update, if non-finite."""
    fast = optimiser_state(opt_g)
    ok = function("g_update")(g.net, d.net, fast, c, z, loss_code, g.activation, dim, last)
    if ok and fast is None:
        opt_g.step()
    return ok


def train(g: FastMLP, d: FastMLP, opt_g: Optimiser, opt_d: Optimiser, cols: BatchColumns,
          pools: Pools, real_at: int, noise_at: int, loss_code: int, k: int, dim: int,
          iterations: int, d_done: int, last: torch.Tensor, rows: torch.Tensor, row_at: int
          ) -> tuple[int, int, int, int, int, int]:
    """Whole iterations from the pools (see ``compiled.train``): (iterations done, D updates
    done in the unfinished one, why it returned, real_at, noise_at, D updates applied)."""
    return function("train")(g.net, d.net, opt_g, opt_d, cols, pools, real_at, noise_at,
                             loss_code, g.activation, k, dim, iterations, d_done, last, rows,
                             row_at)


def frame_views(g: FastMLP, d: FastMLP, z: torch.Tensor, c: torch.Tensor | None,
                loss_code: int, arrows: int, dim: int, scale: float, shift: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """G(z) (network coordinates), the same in data coordinates, and G's gradient arrows."""
    return function("frame_views")(g.net, d.net, z, c, loss_code, g.activation, arrows, dim,
                                   scale, shift)


def detail_views(g: FastMLP, d: FastMLP, real: torch.Tensor, fake: torch.Tensor,
                 c: torch.Tensor | None, grid: torch.Tensor, noise_grid: torch.Tensor,
                 c_mid: torch.Tensor | None, loss_code: int, scale: float, shift: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """D's accuracies on the fixed batches, D on the grid points, G on the noise grid."""
    return function("detail_views")(g.net, d.net, real, fake, c, grid, noise_grid, c_mid,
                                    loss_code, g.activation, scale, shift)
