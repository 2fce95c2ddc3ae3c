"""The arithmetic of the GAN's training passes, in the subset of Python TorchScript compiles.

Small networks on a CPU take many tiny tensor operations per iteration.  These functions
do the forward and backward passes through the Linear layers themselves (the arithmetic
autograd would do), write the gradients into one flat buffer (one check finds a
non-finite loss or gradient) and call the optimiser's fused kernel on the optimiser's
own state.  :func:`d_update` and :func:`g_update` are the two passes of one iteration;
:func:`train` runs whole iterations with them, taking the batches from sample pools, and
stops early, saying why, when a pool must be refilled (pools are drawn from the run's
generator in Python, in the order single passes draw them) or when an update would be
non-finite (that update is not applied).  :mod:`.passes` decides whether they run
compiled; WGAN-GP's gradient penalty needs autograd, so its D updates run elsewhere.
"""

import math
from typing import List, NamedTuple, Optional, Tuple  # noqa: UP035 - TorchScript needs typing's

import torch
from torch import Tensor

__all__ = ["Net", "Optimiser", "BatchColumns", "Pools", "train", "d_update", "g_update",
           "frame_views", "detail_views", "threshold", "g_loss_and_grad", "record_accuracy",
           "joined", "ACTIVATION_CODES", "LOSS_CODES", "NEED_REAL", "NEED_NOISE", "FAILED_D",
           "FAILED_G", "FINISHED"]

ACTIVATION_CODES = {"relu": 0, "leaky-relu": 1, "tanh": 2, "elu": 3, "sigmoid": 4}
LOSS_CODES = {"minimax": 0, "non-saturating": 1, "least-squares": 2, "wgan-gp": 3}
#: Why :func:`train` returned.
FINISHED, NEED_REAL, NEED_NOISE, FAILED_D, FAILED_G = 0, 1, 2, 3, 4


class Net(NamedTuple):
    """One MLP's tensors (views of the Sequential's parameters and of its flat gradient)."""

    weights: List[Tensor]
    weights_t: List[Tensor]
    biases: List[Tensor]
    grad_weights: List[Tensor]
    grad_weights_t: List[Tensor]
    grad_biases: List[Tensor]
    thin: List[bool]        # per layer: a thin input, where transposed products are faster
    flat_grad: Tensor
    loss_slot: Tensor


class Optimiser(NamedTuple):
    """Fused Adam (``adam``) or plain SGD on one network, with the optimiser's own state."""

    adam: bool
    params: List[Tensor]
    grads: List[Tensor]
    exp_avgs: List[Tensor]
    exp_avg_sqs: List[Tensor]
    steps: List[Tensor]
    step_counts: Optional[Tensor]   # one tensor the steps are views of, if they are
    lr: float
    beta1: float
    beta2: float
    eps: float


class BatchColumns(NamedTuple):
    """Constant columns over a D batch of n real rows then n fake rows."""

    n: int
    sign: Tensor
    target: Tensor
    minus_target_over_n: Tensor
    halves_over_n: Tensor
    zero: Tensor


class Pools(NamedTuple):
    """Real samples (network coordinates), their conditions (cGAN) and noise rows."""

    real: Tensor
    conditions: Optional[Tensor]
    noise: Tensor


def _activate(x: Tensor, kind: int) -> Tensor:
    if kind == 0:
        return torch.relu_(x)
    if kind == 1:
        return torch.ops.aten.leaky_relu_(x, 0.2)
    if kind == 2:
        return torch.tanh_(x)
    if kind == 3:
        return torch.ops.aten.elu_(x)
    return torch.sigmoid_(x)


def _activation_backward(grad: Tensor, out: Tensor, kind: int) -> Tensor:
    if kind == 0:
        return torch.ops.aten.threshold_backward(grad, out, 0)
    if kind == 1:
        return torch.ops.aten.leaky_relu_backward(grad, out, 0.2, False)
    if kind == 2:
        return torch.ops.aten.tanh_backward(grad, out)
    if kind == 3:
        return torch.ops.aten.elu_backward(grad, 1.0, 1, 1.0, True, out)
    return torch.ops.aten.sigmoid_backward(grad, out)


def _forward(net: Net, x: Tensor, kind: int, acts: List[Tensor]) -> Tensor:
    last = len(net.weights_t) - 1
    for i in range(len(net.weights_t)):
        acts.append(x)
        x = torch.addmm(net.biases[i], x, net.weights_t[i])
        if i < last:
            x = _activate(x, kind)
    return x


def _backward(net: Net, d: Tensor, acts: List[Tensor], kind: int, weights: bool,
              inputs: bool) -> Tensor:
    for i in range(len(net.weights) - 1, -1, -1):
        a = acts[i]
        thin = net.thin[i]
        if weights:
            if thin:
                torch.mm(a.t(), d, out=net.grad_weights_t[i])
            else:
                torch.mm(d.t(), a, out=net.grad_weights[i])
            torch.sum(d, 0, out=net.grad_biases[i])
        if i == 0 and not inputs:
            return d
        if thin:
            d = torch.mm(net.weights_t[i], d.t()).t()
        else:
            d = torch.mm(d, net.weights[i])
        if i > 0:
            d = _activation_backward(d, a, kind)
    return d


def _finite(net: Net, loss: Tensor) -> bool:
    net.loss_slot.copy_(loss)
    flat = net.flat_grad
    return math.isfinite(torch.dot(flat, flat).item())


def _optimiser_step(opt: Optimiser) -> None:
    if opt.adam:
        counts = opt.step_counts
        if counts is None:
            torch._foreach_add_(opt.steps, 1)
        else:
            counts.add_(1)
        torch._fused_adam_(opt.params, opt.grads, opt.exp_avgs, opt.exp_avg_sqs, [], opt.steps,
                           amsgrad=False, lr=opt.lr, beta1=opt.beta1, beta2=opt.beta2,
                           weight_decay=0.0, eps=opt.eps, maximize=False, grad_scale=None,
                           found_inf=None)
    else:
        torch._foreach_add_(opt.params, opt.grads, alpha=-opt.lr)


def joined(x: Tensor, c: Optional[Tensor]) -> Tensor:
    """A network's input: the samples x, beside the cGAN's conditions c if there are any."""
    if c is None:
        return x
    return torch.cat([x, c], 1)


def record_accuracy(cols: BatchColumns, above: Tensor, last: Tensor) -> None:
    """``last[1:3]`` = D's accuracy on the real rows and the share of fakes it called real,
    from D's outputs less its threshold: (1/n)·(row sums of above > 0) over the two halves."""
    torch.mm(cols.halves_over_n, torch.heaviside(above, cols.zero), out=last[1:3].view(2, 1))


def d_update(gen: Net, disc: Net, opt_d: Optional[Optimiser], cols: BatchColumns, real: Tensor,
             c: Optional[Tensor], z: Tensor, loss_kind: int, activation: int, last: Tensor) -> bool:
    """One update of D on n real rows and G(z) (G frozen); False, and no update, if non-finite.

    D runs once on the concatenated batch.  With t = 1 on real rows and 0 on fake ones,
    L_D = (1/n) Σ softplus(∓ logit) and ∂L_D/∂logit = (σ(logit) − t)/n, or for least
    squares L_D = (1/2n) Σ (D − t)² and ∂L_D/∂D = (D − t)/n.  ``last[0]`` gets L_D,
    ``last[1:3]`` D's accuracy on the real rows and the share of fakes it called real, and
    ``last[4:6]`` L_D's two parts, the real rows' and the fake rows' (L_D is their sum).
    Without ``opt_d`` the gradients are left in D's ``.grad`` for the caller's optimiser.
    (Minimax, non-saturating and least-squares losses; WGAN-GP needs autograd.)
    """
    n = cols.n
    fake = _forward(gen, joined(z, c), activation, [])
    c2: Optional[Tensor] = None
    if c is not None:
        c2 = torch.cat([c, c])
    acts: List[Tensor] = []
    out = _forward(disc, joined(torch.cat([real, fake]), c2), activation, acts)
    logit = loss_kind != 2
    # each row's term of L_D; the two halves' means are L_D's parts (real, fake)
    if logit:
        parts = torch.mm(cols.halves_over_n, torch.nn.functional.softplus(out * cols.sign))
        d_out = torch.add(cols.minus_target_over_n, torch.sigmoid(out), alpha=1.0 / n)
    else:
        diff = out - cols.target
        parts = torch.mm(cols.halves_over_n, diff * diff).mul_(0.5)
        d_out = diff.div_(n)
    loss = parts.sum()
    _backward(disc, d_out, acts, activation, True, False)
    if not _finite(disc, loss):
        return False
    if not logit:   # D says "real" above ½ (least squares) or a logit above 0
        out = out - 0.5
    record_accuracy(cols, out, last)
    if opt_d is not None:
        _optimiser_step(opt_d)
    last[0:1].copy_(disc.loss_slot)
    last[4:6].copy_(parts.view(-1))
    return True


def g_loss_and_grad(out: Tensor, loss_kind: int) -> Tuple[Tensor, Tensor]:
    """G's loss on D's outputs for G(z), and its gradient with respect to those outputs."""
    n = out.shape[0]
    if loss_kind == 0:      # minimax: log(1 − D(G(z)))
        return -torch.nn.functional.softplus(out).mean(), torch.sigmoid(out).div_(-n)
    if loss_kind == 1:      # non-saturating: −log D(G(z))
        return torch.nn.functional.softplus(-out).mean(), torch.sigmoid(out).sub_(1.0).div_(n)
    if loss_kind == 2:      # least squares: ½(D(G(z)) − 1)²
        return 0.5 * ((out - 1.0) ** 2).mean(), (out - 1.0).div_(n)
    return -out.mean(), torch.full_like(out, -1.0 / n)   # Wasserstein: −C(G(z))


def g_update(gen: Net, disc: Net, opt_g: Optional[Optimiser], c: Optional[Tensor], z: Tensor,
             loss_kind: int, activation: int, dim: int, last: Tensor) -> bool:
    """One update of G (D frozen, backpropagated to its input only); False if non-finite.

    ``last[3]`` gets L_G.  Without ``opt_g`` the gradients are left in G's ``.grad``.
    """
    g_acts: List[Tensor] = []
    fake = _forward(gen, joined(z, c), activation, g_acts)
    d_acts: List[Tensor] = []
    out = _forward(disc, joined(fake, c), activation, d_acts)
    loss, d_out = g_loss_and_grad(out, loss_kind)
    d_x = _backward(disc, d_out, d_acts, activation, False, True)
    if c is not None:
        d_x = d_x[:, :dim]
    _backward(gen, d_x, g_acts, activation, True, False)
    if not _finite(gen, loss):
        return False
    if opt_g is not None:
        _optimiser_step(opt_g)
    last[3:4].copy_(gen.loss_slot)
    return True


def frame_views(gen: Net, disc: Net, z: Tensor, c: Optional[Tensor], loss_kind: int,
                activation: int, arrows: int, dim: int, scale: float, shift: Tensor
                ) -> Tuple[Tensor, Tensor, Tensor]:
    """What every frame shows, in one call: G(z) in network coordinates, the same in data
    coordinates (x·scale + shift, float64 on the CPU), and −∂L_G/∂x at the first
    ``arrows`` of them (data coordinates, float64 on the CPU), one sample's share of
    G's loss each (∂L_G/∂D(G(z)) is a batch mean: × the number of points)."""
    fake = _forward(gen, joined(z, c), activation, [])
    few = fake[:arrows]
    few_c: Optional[Tensor] = None
    if c is not None:
        few_c = c[:arrows]
    acts: List[Tensor] = []
    out = _forward(disc, joined(few, few_c), activation, acts)
    out_grad = g_loss_and_grad(out, loss_kind)[1].mul_(few.shape[0])
    grad = _backward(disc, out_grad, acts, activation, False, True)[:, :dim]
    samples = (fake * scale + shift).double().cpu()
    gradients = (-grad / scale).double().cpu()
    return fake, samples, gradients


def threshold(out_real: Tensor, out_fake: Tensor, loss_kind: int) -> Tensor:
    """Where D says "real": logit 0, score ½ (least squares), or midway between the
    critic's means on real and generated points (Wasserstein)."""
    if loss_kind == 2:
        return torch.full((), 0.5, dtype=out_real.dtype, device=out_real.device)
    if loss_kind == 3:
        return 0.5 * (out_real.mean() + out_fake.mean())
    return torch.zeros((), dtype=out_real.dtype, device=out_real.device)


def detail_views(gen: Net, disc: Net, real: Tensor, fake: Tensor, c: Optional[Tensor],
                 grid: Tensor, noise_grid: Tensor, c_mid: Optional[Tensor], loss_kind: int,
                 activation: int, scale: float, shift: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    """The costly views of a detailed snapshot, in one call (float64, on the CPU): D's
    accuracy on the fixed real batch and on the generated one (``fake``, network
    coordinates), D on the grid points (a probability for the logit losses, else the
    score or critic), and G on the noise grid (data coordinates).  The cGAN's grids take
    the condition ``c_mid``."""
    out_real = _forward(disc, joined(real, c), activation, [])
    out_fake = _forward(disc, joined(fake, c), activation, [])
    level = threshold(out_real, out_fake, loss_kind)
    accuracy = torch.stack([(out_real > level).float().mean(),
                            (out_fake <= level).float().mean()])
    grid_c: Optional[Tensor] = None
    noise_c: Optional[Tensor] = None
    if c_mid is not None:
        grid_c = c_mid.expand(grid.shape[0], 1)
        noise_c = c_mid.expand(noise_grid.shape[0], 1)
    d_grid = _forward(disc, joined(grid, grid_c), activation, [])
    if loss_kind < 2:
        d_grid = torch.sigmoid(d_grid)
    manifold = _forward(gen, joined(noise_grid, noise_c), activation, []) * scale + shift
    return accuracy.double().cpu(), d_grid.double().cpu(), manifold.double().cpu()


def train(gen: Net, disc: Net, opt_g: Optimiser, opt_d: Optimiser, cols: BatchColumns,
          pools: Pools, real_at: int, noise_at: int, loss_kind: int, activation: int, k: int,
          dim: int, iterations: int, d_done: int, last: Tensor, rows: Tensor, row_at: int
          ) -> Tuple[int, int, int, int, int, int]:
    """Up to ``iterations`` iterations (``d_done`` of the first one's k D updates already done).

    Returns (iterations done, D updates done in the unfinished iteration, why it
    returned — FINISHED 0, NEED_REAL 1, NEED_NOISE 2, FAILED_D 3, FAILED_G 4 (TorchScript
    reads no globals) —, real_at, noise_at, D updates applied).  Each finished
    iteration's ``last`` row goes to ``rows[row_at + i]``.  Batches are taken from the
    pools in the order the Python path takes them: real rows, then noise rows.
    """
    n = cols.n
    done = 0
    applied = 0
    conditions = pools.conditions
    while done < iterations:
        while d_done < k:   # pass 1: k updates of D, G frozen
            if real_at + n > pools.real.shape[0]:
                return done, d_done, 1, real_at, noise_at, applied
            if noise_at + n > pools.noise.shape[0]:
                return done, d_done, 2, real_at, noise_at, applied
            c: Optional[Tensor] = None
            if conditions is not None:
                c = conditions[real_at:real_at + n]
            real = pools.real[real_at:real_at + n]
            z = pools.noise[noise_at:noise_at + n]
            real_at += n
            noise_at += n
            if not d_update(gen, disc, opt_d, cols, real, c, z, loss_kind, activation, last):
                return done, d_done, 3, real_at, noise_at, applied
            d_done += 1
            applied += 1
        # pass 2: one update of G, D frozen (the cGAN's conditions come with real rows)
        c_g: Optional[Tensor] = None
        if conditions is not None:
            if real_at + n > pools.real.shape[0]:
                return done, d_done, 1, real_at, noise_at, applied
            c_g = conditions[real_at:real_at + n]
        if noise_at + n > pools.noise.shape[0]:
            return done, d_done, 2, real_at, noise_at, applied
        if conditions is not None:
            real_at += n
        z = pools.noise[noise_at:noise_at + n]
        noise_at += n
        if not g_update(gen, disc, opt_g, c_g, z, loss_kind, activation, dim, last):
            return done, d_done, 4, real_at, noise_at, applied
        rows[row_at + done].copy_(last)
        done += 1
        d_done = 0
    return done, d_done, 0, real_at, noise_at, applied
