"""The two training passes for networks the compiled passes do not serve (the digits GAN's
convolutional pair), with autograd: the same losses, thresholds and records as
:mod:`.compiled`, and the same rule that a non-finite loss or gradient is never applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from . import passes
from .compiled import g_loss_and_grad, joined

if TYPE_CHECKING:
    from .model import GAN

__all__ = ["d_update", "g_update"]


def _apply(params: list[torch.Tensor], grads: tuple[torch.Tensor, ...], loss: torch.Tensor,
           opt: torch.optim.Optimizer) -> bool:
    """Give ``params`` their ``grads`` and step ``opt``, if the loss and every gradient are
    finite (one check for all); False, and nothing changed, if not."""
    norms = torch._foreach_norm(list(grads))
    if not bool(torch.isfinite(torch.stack(norms).sum() + loss.detach())):
        return False
    for q, g in zip(params, grads):
        q.grad = g
    passes.optimizer_step(opt)
    return True


def d_update(gan: GAN, real: torch.Tensor, c: torch.Tensor | None, z: torch.Tensor) -> bool:
    """One update of D on ``real`` and G(z), G frozen (see :func:`.compiled.d_update`);
    ``gan._last`` gets D's loss and accuracies.  False, and no update, if non-finite."""
    n = len(real)
    params = list(gan.D.parameters())
    with torch.no_grad():
        fake = gan.G(joined(z, c))
    both = None if c is None else torch.cat([c, c])
    with torch.enable_grad():
        out = gan.D(joined(torch.cat([real, fake]), both))
        loss = gan._d_loss(out[:n], out[n:], real, fake, c)
        grads = torch.autograd.grad(loss, params)
    out = out.detach()
    if not _apply(params, grads, loss, gan.opt_d):
        return False
    level = passes.threshold(out[:n], out[n:], gan._loss_code)
    passes.record_accuracy(gan._columns(n), out - level, gan._last)
    gan._last[0] = loss.detach()
    return True


def g_update(gan: GAN, c: torch.Tensor | None, z: torch.Tensor) -> bool:
    """One update of G on G(z), D frozen (its weights get no gradient); ``gan._last`` gets
    G's loss.  False, and no update, if non-finite."""
    params = list(gan.G.parameters())
    with torch.enable_grad():
        out = gan.D(joined(gan.G(joined(z, c)), c))
        loss = g_loss_and_grad(out, gan._loss_code)[0]
        grads = torch.autograd.grad(loss, params)
    if not _apply(params, grads, loss, gan.opt_g):
        return False
    gan._last[3] = loss.detach()
    return True
