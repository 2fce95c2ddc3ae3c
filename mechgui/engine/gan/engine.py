"""Generative adversarial network (Goodfellow et al. 2014), 1-D and 2-D toys, and a cGAN.

Seed 000: D and G play the minimax game

    min_G max_D V(D, G) = E_{x~p_data}[log D(x)] + E_{z~p_z}[log(1 − D(G(z)))],

trained in two passes per iteration: *k* steps that ascend V in D's weights
with G frozen (pass 1), then one step that descends log(1 − D(G(z))) in G's
weights with D frozen (pass 2).  Seed 001: for a fixed G the best D is
D*(x) = p_data(x) / (p_data(x) + p_g(x)); at the equilibrium p_g = p_data,
D* = ½ and V = −log 4 (V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g)).  The
conditional GAN of seed 001 learns G(z | y) for the Rosenbrock inverse problem.

Generator losses (D's loss is the negated value of its game):

``minimax``         L_G = E log(1 − D(G(z)))                (seed 000; saturates early)
``non-saturating``  L_G = −E log D(G(z))                     (Goodfellow's heuristic)
``least-squares``   L_D = ½E(D(x) − 1)² + ½E D(G(z))²,  L_G = ½E(D(G(z)) − 1)²  (Mao et al.)
``wgan-gp``         L_D = E C(G(z)) − E C(x) + λ E(‖∇C(x̂)‖ − 1)²,  L_G = −E C(G(z))  (seed 002 §4.4)

D outputs a logit (D = sigmoid of it) for the first two, a score for least
squares and an unbounded critic C for WGAN-GP.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import torch
from torch import nn

from ..base import RUNNING, Frozen, Simulation
from ..params import Choice, Flag, Float, Int, Matrix, ParameterError, ParamSet
from . import compiled
from .metrics import (gaussian_kde_1d, histogram, js_divergence, js_from_histograms,
                      mode_coverage, optimal_discriminator, wasserstein_1d)
from .targets import TARGETS_1D, RosenbrockTarget, Target, make_target, rosenbrock

__all__ = ["GANParams", "GAN", "DIVERGED", "ModelFileError", "LOSSES", "DATASETS"]

DATASETS = ("gaussian-1d", "mixture-1d", "ring-8", "grid-25", "two-moons", "spiral", "drawn",
            "rosenbrock")
LOSSES = ("minimax", "non-saturating", "least-squares", "wgan-gp")
ACTIVATIONS = ("relu", "leaky-relu", "tanh", "elu", "sigmoid")
DIVERGED = "diverged"
#: Values of :attr:`GAN.phase`.
PHASE_START, PHASE_D_DONE, PHASE_G_DONE = "start", "D pass done", "G pass done"

VIS_SAMPLES = 2048      # fixed noise / data points shown and measured each frame
ARROW_SAMPLES = 256     # the first generated points carry a gradient arrow
DETAIL_INTERVAL = 1 / 5   # s: D's map, G's grid and the metrics, at most 5 times a second
#                           while a runner asks for frames faster (Simulation.full_frame)
GRID_2D = 64            # D is drawn on GRID_2D × GRID_2D points
LINE_1D = 256           # … or on LINE_1D points in 1-D
MANIFOLD_2D = 21        # G on a MANIFOLD_2D² grid of noise points (noise_dim ≥ 2)
MANIFOLD_1D = 101       # … or a line of noise points (noise_dim = 1)
JS_BINS_2D, JS_BINS_1D = 20, 50
HIST_BINS = 40
HISTORY_CAPACITY = 1024  # history rows kept; older rows are merged pairwise
HISTORY_FLUSH = 512      # per-step rows buffered (as a tensor) before they join the history
CHECKPOINT_EVERY = 256


class ModelFileError(ValueError):
    """A saved model that cannot be loaded: not a mechgui GAN file, or it does not fit."""


@dataclass(frozen=True, eq=False)
class GANParams(ParamSet):
    """Parameters of :class:`GAN`; defaults: the 2-D ring of 8 with 2 × 64 ReLU nets, Adam."""

    dataset: str = Choice("ring-8", DATASETS, "the target distribution p_data", label="target")
    mean: float = Float(-1.0, "μ of the 1-D Gaussian (centre of the 1-D mixture)",
                        low=-50, high=50, step=0.1, label="mean μ")
    std: float = Float(1.0, "σ of the 1-D Gaussian (the 1-D mixture's modes are 2σ from μ, of σ/2)",
                       low=0.01, high=20, step=0.1, label="std σ")
    data: np.ndarray | None = Matrix(None, "the drawn points (rows of 1 or 2 coordinates), for dataset=drawn",
                                     min_rows=2, max_rows=100_000, min_cols=1, max_cols=2,
                                     low=-1e6, high=1e6, optional=True, label="drawn points")
    loss: str = Choice("non-saturating", LOSSES, "the adversarial loss", live=True)
    optimizer: str = Choice("adam", ("adam", "sgd"), "optimiser of both networks", live=True)
    lr_d: float = Float(1e-3, "learning rate of the discriminator", low=0, high=10, low_open=True,
                        step=1e-4, decimals=6, label="D learning rate", live=True)
    lr_g: float = Float(1e-3, "learning rate of the generator", low=0, high=10, low_open=True,
                        step=1e-4, decimals=6, label="G learning rate", live=True)
    k: int = Int(1, "discriminator (critic) steps per generator step", low=1, high=50,
                 label="D steps k", live=True)
    batch_size: int = Int(256, "minibatch size m", low=1, high=8192, label="batch size m", live=True)
    hidden_layers: int = Int(2, "hidden layers of G and of D", low=0, high=5)
    hidden_units: int = Int(64, "units per hidden layer", low=1, high=256, label="width")
    activation: str = Choice("relu", ACTIVATIONS, "hidden-layer activation of both networks")
    noise_dim: int = Int(2, "dimension of the noise z", low=1, high=16, label="noise dimension")
    noise: str = Choice("gaussian", ("gaussian", "uniform"),
                        "noise prior p_z: N(0, I) or uniform on [−1, 1]^d", label="noise prior")
    pretrain_d: bool = Flag(False, "train D alone on the initial generator before step 0 (seed 004)",
                            label="pre-train D")
    pretrain_steps: int = Int(300, "discriminator steps of the pre-training", low=1, high=100_000)
    gp_weight: float = Float(10.0, "λ, weight of the gradient penalty (wgan-gp)", low=0, high=1000,
                             step=1.0, label="GP weight λ", live=True)
    adam_beta1: float = Float(0.5, "Adam's β₁ (GANs usually train better below the default 0.9)",
                              low=0, high=1, high_open=True, step=0.05, label="Adam β₁", live=True)
    obs_mean: float = Float(350.0, "rosenbrock: mean of the observations y", low=1, high=2000,
                            step=10, label="observation mean")
    obs_std: float = Float(50.0, "rosenbrock: spread of the observations y", low=0.1, high=1000,
                           step=5, label="observation σ")
    obs_truncation: float = Float(2.0, "rosenbrock: observations truncated to mean ± this many σ",
                                  low=0.1, high=10, step=0.5, label="truncation (σ)")
    device: str = Choice("best", ("best", "cpu", "cuda"), "where to train: best = CUDA when available, else CPU")

    def check(self) -> None:
        if self.dataset == "drawn" and self.data is None:
            raise ParameterError("data", None, "expected at least 2 drawn points when dataset=drawn")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ParameterError("device", "cuda", "CUDA is not available here; expected best or cpu")

    @property
    def dimension(self) -> int:
        """Dimension of the data space: 1, 2, or the drawn points' columns."""
        if self.dataset in TARGETS_1D:
            return 1
        if self.dataset == "drawn" and self.data is not None:
            return int(self.data.shape[1])
        return 2


# ---------------------------------------------------------------------------
def _activation(name: str) -> nn.Module:
    return {"relu": nn.ReLU, "leaky-relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh,
            "elu": nn.ELU, "sigmoid": nn.Sigmoid}[name]()


def build_mlp(inputs: int, outputs: int, layers: int, width: int, activation: str) -> nn.Sequential:
    """inputs → ``layers`` × (Linear(width), activation) → Linear(outputs)."""
    modules: list[nn.Module] = []
    size = inputs
    for _ in range(layers):
        modules += [nn.Linear(size, width), _activation(activation)]
        size = width
    modules.append(nn.Linear(size, outputs))
    return nn.Sequential(*modules)


def init_mlp(net: nn.Module, gen: torch.Generator) -> None:
    """Seeded uniform init U(−1/√fan_in, 1/√fan_in) of every weight and bias."""
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, nn.Linear):
                bound = 1.0 / math.sqrt(module.in_features)
                module.weight.uniform_(-bound, bound, generator=gen)
                module.bias.uniform_(-bound, bound, generator=gen)


def pick_device(choice: str) -> torch.device:
    if choice == "cuda" or (choice == "best" and torch.cuda.is_available()):
        return torch.device("cuda")
    return torch.device("cpu")


def _adam(params, lr: float, betas: tuple[float, float]) -> torch.optim.Adam:
    """Adam with the fused kernel (measured 2.4× faster than foreach on CPU for these small
    nets, torch 2.13), falling back to foreach where fused is not supported."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(params, lr=lr, betas=betas, foreach=True)


def _threads_for_engine() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


# -- the fast training path ---------------------------------------------------
# Small MLPs on a CPU spend most of their time in per-op overhead (autograd's
# engine, nn.Module calls, the optimiser's Python wrapper, and Python's lock,
# taken back after every operation), not in arithmetic.  Training therefore runs
# its own forward and backward pass through the Sequential's Linear layers (the
# same arithmetic autograd would do), writes the gradients into one flat buffer
# (so a single check finds a non-finite loss or gradient), and calls the
# optimiser's fused kernel directly on the optimiser's own state (so its
# state_dict, save and load are unchanged).  The passes are TorchScript
# functions (module ``compiled``), which run without Python's lock.
# Every refill of a pool (a few tensor operations in Python) and every return from
# a compiled call retakes Python's lock, which can mean waiting a whole switch
# interval behind the GUI's drawing code: pools are large, so refills are rare.
POOL_ROWS = 65536       # real samples / noise rows drawn at once from the run's generator


class _FastMLP:
    """Forward/backward of a :func:`build_mlp` Sequential without autograd.

    The parameters' ``.grad`` are views of ``flat_grad`` (one spare element at the
    end holds the loss), so one dot product of ``flat_grad`` checks the loss and
    every gradient in one go.  :attr:`net` holds the views the compiled passes take.
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
    replaces a ``_foreach_add_`` over them (which costs several times more on a CPU).
    The optimiser's own ``step()`` and ``state_dict()`` still see one step tensor per
    parameter.  None if the counts differ (then they are advanced one by one).
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


def _fast_optimiser(opt: torch.optim.Optimizer) -> compiled.Optimiser | None:
    """The optimiser's own state as the compiled passes take it: fused Adam or plain SGD.

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
        return compiled.Optimiser(True, params, [q.grad for q in params], exp_avgs, exp_avg_sqs,
                                  [s["step"] for s in states], counts, group["lr"], float(beta1),
                                  float(beta2), float(group["eps"]))
    if type(opt) is torch.optim.SGD and not (group["momentum"] or group["weight_decay"]
                                             or group["maximize"] or group.get("differentiable")):
        return compiled.Optimiser(False, params, [q.grad for q in params], [], [], [], None,
                                  group["lr"], 0.0, 0.0, 0.0)
    return None


def _optimizer_step(opt: torch.optim.Optimizer) -> None:
    """``opt.step()`` without its Python wrapper where the compiled passes' kernels serve."""
    fast = _fast_optimiser(opt)
    if fast is None:
        opt.step()
    else:
        compiled._optimiser_step(fast)


def _batch_columns(n: int, device: torch.device) -> compiled.BatchColumns:
    """Columns over a D batch of n real rows then n fake rows, for the fast D pass."""
    real = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)]).to(device)  # t: 1 real, 0 fake
    return compiled.BatchColumns(n=n, sign=1.0 - 2.0 * real,   # −1 on real rows, +1 on fake rows
                                 target=real, minus_target_over_n=real / -n,
                                 halves_over_n=torch.cat([real.t(), 1.0 - real.t()]) / n,
                                 zero=torch.zeros(1, device=device))


# ---------------------------------------------------------------------------
class GAN(Simulation):
    """A GAN (or, for ``dataset=rosenbrock``, a conditional GAN) trained step by step.

    One :meth:`step` is one iteration of seed 000's pseudocode: ``k`` updates of
    D, then one update of G.  :meth:`step_phase` does one of the two passes (slow
    motion), :meth:`step_discriminator` / :meth:`step_generator` update one
    network alone.  :meth:`save` / :meth:`load` keep a trained model.

    A non-finite loss or gradient stops the run before the update is applied:
    ``status = "diverged"``, :attr:`diverged_step` is the step that failed and
    the networks stay as they were after the last finite step.

    Snapshot keys, beside ``model``, ``step``, ``status``, ``done``: see
    :meth:`_snapshot`.
    """

    name = "gan"
    title = "GAN"
    Params = GANParams
    run_limit = 2000

    def __init__(self, params: ParamSet | dict | None = None, *, seed: int | None = None,
                 **changes: Any) -> None:
        wanted = _threads_for_engine()
        if torch.get_num_threads() > wanted:  # leave one core to the GUI
            torch.set_num_threads(wanted)
        super().__init__(params, seed=seed, **changes)

    @property
    def steps_release_gil(self) -> bool:  # type: ignore[override]
        """True where whole iterations run compiled (not under WGAN-GP, whose D updates
        need autograd in Python)."""
        return self.params.loss != "wgan-gp" and compiled.compiled("train") is not None

    # -- building --------------------------------------------------------------
    def _reset(self) -> None:
        p = self.params
        self.device = pick_device(p.device)
        self.target: Target = make_target(p).to(self.device)
        self.dim = self.target.dim
        self.conditional = self.target.conditional
        cond = 1 if self.conditional else 0
        seed_bits = self.rng.integers(0, 2 ** 62, size=2)
        self.gen = torch.Generator(device=self.device)
        self.gen.manual_seed(int(seed_bits[0]))
        self.G = build_mlp(p.noise_dim + cond, self.dim, p.hidden_layers, p.hidden_units,
                           p.activation).to(self.device)
        self.D = build_mlp(self.dim + cond, 1, p.hidden_layers, p.hidden_units,
                           p.activation).to(self.device)
        init_mlp(self.G, self.gen)
        init_mlp(self.D, self.gen)
        self._shift = torch.as_tensor(self.target.shift, dtype=torch.float32, device=self.device)
        self._scale = float(self.target.scale)
        self._identity_coords = bool(np.all(self.target.shift == 0)) and self._scale == 1.0
        self._fast_g = _FastMLP(self.G, p.activation)
        self._fast_d = _FastMLP(self.D, p.activation)
        # Training draws real samples and noise POOL_ROWS rows at a time (same stream, fewer calls).
        self._real_pool: tuple[torch.Tensor, torch.Tensor | None] | None = None
        self._real_at = 0
        self._noise_pool: torch.Tensor | None = None
        self._noise_at = 0
        self._build_optimizers()
        self._prepare_visuals(np.random.default_rng(int(seed_bits[1])))
        self.phase = PHASE_START
        self.d_updates = 0
        self.g_updates = 0
        # [loss_d, accuracy_real, share of fakes called real, loss_g] of the last finite updates,
        # kept as a tensor (no per-step conversion); per-step rows wait in _rows until a frame.
        self._last = torch.full((4,), math.nan, device=self.device)
        self._batch_columns: compiled.BatchColumns | None = None
        self._rows = torch.empty(HISTORY_FLUSH, 4, device=self.device)
        self._row_steps: list[int] = []
        self.diverged_step: int | None = None
        self.message = ""
        self._history = _History()
        self._metric_history = _History()
        self._checkpoint = self._state_copy()
        if p.pretrain_d:
            for _ in range(p.pretrain_steps):
                if not self._d_update():
                    self.message = "diverged while pre-training D"
                    break
            self.d_updates = 0

    def _build_optimizers(self) -> None:
        p = self.params
        if p.optimizer == "adam":
            betas = (p.adam_beta1, 0.999)
            self.opt_d = _adam(self.D.parameters(), p.lr_d, betas)
            self.opt_g = _adam(self.G.parameters(), p.lr_g, betas)
        else:
            self.opt_d = torch.optim.SGD(self.D.parameters(), lr=p.lr_d, foreach=True)
            self.opt_g = torch.optim.SGD(self.G.parameters(), lr=p.lr_g, foreach=True)
        self._fast_g.attach()
        self._fast_d.attach()

    def _prepare_visuals(self, rng: np.random.Generator) -> None:
        """Fixed noise and data shown every frame (a separate stream: frames never change the run)."""
        gen = torch.Generator(device=self.device)
        gen.manual_seed(int(rng.integers(0, 2 ** 62)))
        self._z_vis = self._noise(VIS_SAMPLES, gen)
        if self.conditional:
            target: RosenbrockTarget = self.target  # type: ignore[assignment]
            self._obs_vis = target.observations(VIS_SAMPLES, rng)
            self._c_vis = torch.as_tensor(target.condition(self._obs_vis), dtype=torch.float32,
                                          device=self.device)
            self._real_vis = target.reference_posterior(VIS_SAMPLES, rng)
        else:
            self._c_vis = None
            self._real_vis = self.target.sample(VIS_SAMPLES, gen).cpu().numpy().astype(float)
        self._real_vis_frozen = Frozen(self._real_vis)  # every frame shows the same batch
        bounds = self.target.bounds
        if self.dim == 1:
            self._line = np.linspace(bounds[0, 0], bounds[0, 1], LINE_1D)
            self._grid_points = torch.as_tensor(self._line[:, None], dtype=torch.float32,
                                                device=self.device)
            density = self.target.density(self._line)
            self._target_density = density
        else:
            gx = np.linspace(bounds[0, 0], bounds[0, 1], GRID_2D)
            gy = np.linspace(bounds[1, 0], bounds[1, 1], GRID_2D)
            self._grid_x, self._grid_y = gx, gy
            xx, yy = np.meshgrid(gx, gy)  # row = y, column = x
            pts = np.column_stack([xx.ravel(), yy.ravel()])
            self._grid_points = torch.as_tensor(pts, dtype=torch.float32, device=self.device)
        self._manifold_z = self._noise_grid()
        self._real_histogram: np.ndarray | None = None
        self._detail: dict[str, Any] | None = None
        self._grid_points_net = self._to_net(self._grid_points)
        self._real_vis_net = self._to_net(torch.as_tensor(self._real_vis, dtype=torch.float32,
                                                          device=self.device))

    def _noise(self, n: int, gen: torch.Generator | None = None) -> torch.Tensor:
        gen = self.gen if gen is None else gen
        shape = (n, self.params.noise_dim)
        if self.params.noise == "gaussian":
            return torch.randn(shape, generator=gen, device=self.device)
        return torch.rand(shape, generator=gen, device=self.device) * 2.0 - 1.0

    def _noise_grid(self) -> torch.Tensor:
        reach = 2.0 if self.params.noise == "gaussian" else 1.0
        nd = self.params.noise_dim
        if nd == 1:
            z = torch.linspace(-reach, reach, MANIFOLD_1D).reshape(-1, 1)
        else:
            t = torch.linspace(-reach, reach, MANIFOLD_2D)
            a, b = torch.meshgrid(t, t, indexing="ij")
            z = torch.zeros(MANIFOLD_2D * MANIFOLD_2D, nd)
            z[:, 0], z[:, 1] = b.reshape(-1), a.reshape(-1)
        return z.to(self.device)

    # -- coordinates -----------------------------------------------------------
    def _to_net(self, x: torch.Tensor) -> torch.Tensor:
        """Data coordinates to the networks' (the way back, x·scale + shift, is part of
        the compiled frame passes)."""
        if self._identity_coords:
            return x
        return (x - self._shift) / self._scale

    # G's input (noise z) and D's (samples x), each beside the cGAN's conditions c if any.
    _g_in = staticmethod(compiled.joined)
    _d_in = staticmethod(compiled.joined)

    def _refill_real(self, n: int) -> None:
        """A fresh pool of real samples (network coordinates) and, for the cGAN, conditions."""
        rows = max(POOL_ROWS, n)
        if self.conditional:
            x, c = self.target.sample_pairs(rows, self.gen)  # type: ignore[attr-defined]
            self._real_pool = (self._to_net(x), c)
        else:
            self._real_pool = (self._to_net(self.target.sample(rows, self.gen)), None)
        self._real_at = 0

    def _refill_noise(self, n: int) -> None:
        """A fresh pool of training noise z ~ p_z."""
        self._noise_pool = self._noise(max(POOL_ROWS, n))
        self._noise_at = 0

    def _real_batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """n real samples (network coordinates) and, for the cGAN, their conditions c(M(x))."""
        if self._real_pool is None or self._real_at + n > len(self._real_pool[0]):
            self._refill_real(n)
        at = self._real_at
        self._real_at = at + n
        x, c = self._real_pool
        return x[at:at + n], (None if c is None else c[at:at + n])

    def _train_noise(self, n: int) -> torch.Tensor:
        """n rows of training noise z ~ p_z."""
        if self._noise_pool is None or self._noise_at + n > len(self._noise_pool):
            self._refill_noise(n)
        at = self._noise_at
        self._noise_at = at + n
        return self._noise_pool[at:at + n]

    def _pools(self) -> compiled.Pools:
        """The pools as :func:`compiled.train` takes them (empty ones before the first draw)."""
        if self._real_pool is None:
            real = torch.empty(0, self.dim, device=self.device)
            conditions = torch.empty(0, 1, device=self.device) if self.conditional else None
        else:
            real, conditions = self._real_pool
        noise = self._noise_pool
        if noise is None:
            noise = torch.empty(0, self.params.noise_dim, device=self.device)
        return compiled.Pools(real, conditions, noise)

    # -- losses ----------------------------------------------------------------
    def _d_loss(self, out_real: torch.Tensor, out_fake: torch.Tensor,
                real: torch.Tensor, fake: torch.Tensor, c: torch.Tensor | None) -> torch.Tensor:
        loss = self.params.loss
        if loss in ("minimax", "non-saturating"):
            # −[log D(x) + log(1 − D(G(z)))] with D = sigmoid(logit)
            return nn.functional.softplus(-out_real).mean() + nn.functional.softplus(out_fake).mean()
        if loss == "least-squares":
            return 0.5 * ((out_real - 1.0) ** 2).mean() + 0.5 * (out_fake ** 2).mean()
        # wgan-gp
        alpha = torch.rand(real.shape[0], 1, generator=self.gen, device=self.device)
        mixed = (alpha * real + (1.0 - alpha) * fake).requires_grad_(True)
        critic = self.D(self._d_in(mixed, c))
        grad, = torch.autograd.grad(critic.sum(), mixed, create_graph=True)
        penalty = ((grad.norm(dim=1) - 1.0) ** 2).mean()
        return out_fake.mean() - out_real.mean() + self.params.gp_weight * penalty

    def _threshold(self, out_real: torch.Tensor, out_fake: torch.Tensor) -> torch.Tensor:
        """Where D says "real": logit 0, score ½, or midway between the critic's means."""
        return compiled.threshold(out_real, out_fake, self._loss_code)

    # -- the two passes --------------------------------------------------------
    def _columns(self, n: int) -> compiled.BatchColumns:
        """Constant columns of the fast D pass for batch size ``n`` (made once per size)."""
        if self._batch_columns is None or self._batch_columns.n != n:
            self._batch_columns = _batch_columns(n, self.device)
        return self._batch_columns

    @property
    def _loss_code(self) -> int:
        return compiled.LOSS_CODES[self.params.loss]

    def _d_update(self) -> bool:
        """One update of D (pass 1): ascend V in θ_d with G frozen; False if non-finite.

        The update is applied only if the loss and every gradient are finite
        (:func:`compiled.d_update`; WGAN-GP in :meth:`_critic_update`).
        """
        n = self.params.batch_size
        self._fast_d.attach()
        with torch.no_grad():
            real, c = self._real_batch(n)
            z = self._train_noise(n)
            if self.params.loss == "wgan-gp":
                ok = self._critic_update(real, c, z)
            else:
                fast = _fast_optimiser(self.opt_d)
                update = compiled.compiled("d_update") or compiled.d_update
                ok = update(self._fast_g.net, self._fast_d.net, fast, self._columns(n), real, c,
                            z, self._loss_code, self._fast_d.activation, self._last)
                if ok and fast is None:
                    self.opt_d.step()
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
            loss = self._d_loss(out[:n], out[n:], real, fake, c)
            grads = torch.autograd.grad(loss, fd.params)
        torch._foreach_copy_(fd.grads, grads)
        out = out.detach()
        if not fd.finite(loss.detach()):
            return False
        compiled.record_accuracy(self._columns(n), out - self._threshold(out[:n], out[n:]),
                                 self._last)
        _optimizer_step(self.opt_d)
        self._last[0:1].copy_(fd.loss_slot)
        return True

    def _g_update(self) -> bool:
        """One update of G (pass 2): descend L_G in θ_g with D frozen; False if non-finite.

        Backpropagates through D to its input only: D's weights get no gradient.
        """
        n = self.params.batch_size
        self._fast_g.attach()
        with torch.no_grad():
            c = self._real_batch(n)[1] if self.conditional else None
            z = self._train_noise(n)
            fast = _fast_optimiser(self.opt_g)
            update = compiled.compiled("g_update") or compiled.g_update
            ok = update(self._fast_g.net, self._fast_d.net, fast, c, z, self._loss_code,
                        self._fast_g.activation, self.dim, self._last)
            if ok and fast is None:
                self.opt_g.step()
        if ok:
            self.g_updates += 1
        return ok

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
        for step, (ld, ar, fr, lg) in zip(self._row_steps, self._rows[:count].tolist()):
            self._history.add(step, (ld, lg, ar, 1.0 - fr))
        self._row_steps = []

    def _d_pass(self) -> bool:
        for _ in range(self.params.k):
            if not self._d_update():
                return False
        return True

    def _diverge(self, which: str) -> None:
        """Stop: the failed update was not applied; restore a checkpoint if weights went bad."""
        self.status = DIVERGED
        self.diverged_step = self.step_count + 1
        if not self._weights_finite():
            self._restore(self._checkpoint)
            self.message = (f"non-finite {which} loss or gradient at step {self.diverged_step}; "
                            f"weights restored from step {self._checkpoint['step']}")
        else:
            self.message = (f"non-finite {which} loss or gradient at step {self.diverged_step}; "
                            f"the networks are kept as after step {self.step_count}")

    def _weights_finite(self) -> bool:
        return all(bool(torch.isfinite(q).all()) for q in
                   list(self.G.parameters()) + list(self.D.parameters()))

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

        Whole iterations run in :func:`compiled.train` (outside Python's lock), except
        under WGAN-GP or an optimiser the compiled passes do not serve.
        """
        opt_g, opt_d = _fast_optimiser(self.opt_g), _fast_optimiser(self.opt_d)
        if self.params.loss == "wgan-gp" or opt_g is None or opt_d is None:
            return self._step_by_passes(n)
        return self._step_compiled(n, opt_g, opt_d)

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
            if len(rows) == HISTORY_FLUSH:
                self._flush_history()
            if self.step_count % CHECKPOINT_EVERY == 0:
                self._update_checkpoint()
        return taken

    def _step_compiled(self, n: int, opt_g: compiled.Optimiser, opt_d: compiled.Optimiser) -> int:
        """:meth:`_step_by_passes`, in calls of :func:`compiled.train` that end where the
        history buffer fills, a checkpoint is due or a pool must be refilled."""
        p = self.params
        train = compiled.compiled("train") or compiled.train
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
                done, d_done, why, self._real_at, self._noise_at, applied = train(
                    fast_g.net, fast_d.net, opt_g, opt_d, columns, self._pools(), self._real_at,
                    self._noise_at, self._loss_code, fast_g.activation, p.k, self.dim, room,
                    d_done, self._last, self._rows, len(self._row_steps))
            self.d_updates += applied
            self.g_updates += done
            if done:
                first = self.step_count + 1
                self._row_steps.extend(range(first, first + done))
                self.step_count += done
                taken += done
                self.phase = PHASE_G_DONE
                if len(self._row_steps) == HISTORY_FLUSH:
                    self._flush_history()
                if self.step_count % CHECKPOINT_EVERY == 0:
                    self._update_checkpoint()
            if why == compiled.NEED_REAL:
                self._refill_real(p.batch_size)
            elif why == compiled.NEED_NOISE:
                self._refill_noise(p.batch_size)
            elif why == compiled.FAILED_D:
                self._diverge("discriminator")
            elif why == compiled.FAILED_G:
                self.phase = PHASE_D_DONE
                self._diverge("generator")
        return taken

    def step_phase(self) -> str:
        """Slow motion: do the next pass alone (D's k updates, or G's update); return the phase."""
        if self.done:
            return self.phase
        if self.phase == PHASE_D_DONE:
            self.step(1)
        elif self._d_pass():
            self.phase = PHASE_D_DONE
        else:
            self._diverge("discriminator")
        return self.phase

    def step_discriminator(self, n: int = 1) -> int:
        """``n`` updates of D alone (G frozen); not counted as iterations."""
        return self._updates_alone(self._d_update, "discriminator", n)

    def step_generator(self, n: int = 1) -> int:
        """``n`` updates of G alone (D frozen); not counted as iterations."""
        return self._updates_alone(self._g_update, "generator", n)

    def _updates_alone(self, update: Callable[[], bool], network: str, n: int) -> int:
        done = 0
        while done < n and not self.done:
            if not update():
                self._diverge(network)
                break
            done += 1
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

    # -- frames ----------------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        """Everything a frame shows, from a fixed noise batch and a fixed real batch.

        ``samples`` (VIS_SAMPLES × d, G(z) in data coordinates) and ``real``;
        ``gradients``: −∂L_G/∂x at ``samples[:ARROW_SAMPLES]`` (one sample's share of
        G's loss); ``manifold``: G on a grid of noise points; ``d_grid`` on
        ``grid_x`` × ``grid_y`` (2-D) or ``d_line`` on ``x_line`` with D*, the
        densities and histograms (1-D); ``loss_d``, ``loss_g``, ``accuracy_real``,
        ``accuracy_fake``, ``metrics``, and ``history`` / ``metric_history`` (flat
        in memory however long the run); the cGAN adds ``observations`` and
        ``pushforward`` = M(G(z | y)).

        Only ``samples``, ``gradients``, the losses and the counters are computed for
        every frame: the rest (D's map and accuracies on the fixed batches, G's noise
        grid, the densities, the metrics, the histories) for frames taken with
        ``full=False`` (a runner playing fast, frames several steps apart) at most every
        DETAIL_INTERVAL seconds; ``detail_step`` is the step they show.  Every other
        snapshot is exact.
        """
        p = self.params
        frame_views = compiled.compiled("frame_views") or compiled.frame_views
        with torch.no_grad():  # the training pass's own forward/backward, in one call
            fake_net, samples_t, gradients_t = frame_views(
                self._fast_g.net, self._fast_d.net, self._z_vis, self._c_vis, self._loss_code,
                self._fast_g.activation, ARROW_SAMPLES, self.dim, self._scale, self._shift)
        samples, gradients = samples_t.numpy(), gradients_t.numpy()
        snap: dict[str, Any] = {
            "dimension": self.dim,
            "phase": self.phase,
            "loss_d": self.loss_d,
            "loss_g": self.loss_g,
            "d_output": {"minimax": "probability", "non-saturating": "probability",
                         "least-squares": "score", "wgan-gp": "critic"}[p.loss],
            "samples": samples,
            "real": self._real_vis_frozen,
            "gradients": gradients,
            "bounds": self.target.bounds,
            "d_updates": self.d_updates,
            "g_updates": self.g_updates,
            "diverged_step": self.diverged_step,
            "message": self.message,
            "device": self.device.type,
        }
        snap.update(self._frame_detail(fake_net, samples))
        return snap

    def _frame_detail(self, fake_net: torch.Tensor, samples: np.ndarray) -> dict[str, Any]:
        """D's map and accuracies, G's noise grid, the 1-D densities, the cGAN's
        push-forward, the metrics and the histories: recomputed unless a frame taken
        with ``full=False`` comes within DETAIL_INTERVAL of the last computation (with
        the same parameters)."""
        now = time.perf_counter()
        version = (self.step_count, self.d_updates, self.g_updates, self.params)
        cached = self._detail
        if cached is not None and (cached["version"] == version or (
                not self.full_frame and cached["version"][3] is self.params
                and now - cached["at"] < DETAIL_INTERVAL)):
            return cached["keys"]
        p = self.params
        c_mid = None
        if self.conditional:
            c_mid = torch.as_tensor(self.target.condition([p.obs_mean]), dtype=torch.float32,
                                    device=self.device)
        detail_views = compiled.compiled("detail_views") or compiled.detail_views
        with torch.no_grad():  # D's and G's passes, in one call
            accuracy, d_grid, manifold = detail_views(
                self._fast_g.net, self._fast_d.net, self._real_vis_net, fake_net, self._c_vis,
                self._grid_points_net, self._manifold_z, c_mid, self._loss_code,
                self._fast_g.activation, self._scale, self._shift)
        accuracy_real, accuracy_fake = accuracy.tolist()
        keys: dict[str, Any] = {"detail_step": self.step_count,
                                "accuracy_real": accuracy_real,
                                "accuracy_fake": accuracy_fake,
                                "manifold": self._manifold_array(manifold.numpy())}
        if self.dim == 1:
            keys.update(self._one_d_extras(samples[:, 0], d_grid.numpy().ravel()))
        else:
            keys["grid_x"] = self._grid_x
            keys["grid_y"] = self._grid_y
            keys["d_grid"] = d_grid.numpy().reshape(GRID_2D, GRID_2D)
        metrics = self._metrics(samples)
        if self.conditional:
            pushed = rosenbrock(samples)
            keys["observations"] = np.array(self._obs_vis)
            keys["pushforward"] = pushed
            keys["condition_value"] = p.obs_mean
            metrics["pushforward_w1"] = wasserstein_1d(pushed, self._obs_vis)
            low, high = self.target.obs_range  # type: ignore[attr-defined]
            span = high - low
            metrics["pushforward_js"] = js_divergence(self._obs_vis, pushed,
                                                      np.array([[low - span, high + span]]), bins=30)
        keys["metrics"] = metrics
        self._metric_history.add(self.step_count, (metrics["js_divergence"],
                                                   _nan_if_none(metrics["modes_covered"]),
                                                   _nan_if_none(metrics["high_quality"])))
        self._flush_history()
        keys["history"] = self._history.as_dict(("loss_d", "loss_g", "accuracy_real",
                                                 "accuracy_fake"))
        keys["metric_history"] = self._metric_history.as_dict(("js_divergence", "modes_covered",
                                                               "high_quality"))
        keys = {key: Frozen(value) for key, value in keys.items()}  # copied once, shared
        self._detail = {"version": version, "at": now, "keys": keys}
        return keys

    def _manifold_array(self, arr: np.ndarray) -> np.ndarray:
        if self.params.noise_dim == 1:
            return arr.reshape(1, MANIFOLD_1D, self.dim)
        return arr.reshape(MANIFOLD_2D, MANIFOLD_2D, self.dim)

    def _one_d_extras(self, fake: np.ndarray, d_line: np.ndarray) -> dict[str, Any]:
        line = self._line
        generated = gaussian_kde_1d(fake, line)
        target = self._target_density
        if target is None:
            target = gaussian_kde_1d(self._real_vis[:, 0], line)
        d_star = optimal_discriminator(target, generated)
        edges = np.linspace(line[0], line[-1], HIST_BINS + 1)
        hist_real, _ = np.histogram(self._real_vis[:, 0], bins=edges, density=True)
        hist_fake, _ = np.histogram(np.clip(fake, edges[0], edges[-1]), bins=edges)
        hist_fake = hist_fake / max(len(fake), 1) / np.diff(edges)
        weight = 0.5 * (target + generated)
        distance = None
        if self.params.loss != "wgan-gp" and weight.sum() > 0:
            distance = float(np.sum(np.abs(d_line - d_star) * weight) / weight.sum())
        self._d_star_distance = distance
        return {
            "x_line": line,
            "d_line": d_line.astype(float),
            "d_star_line": d_star,
            "target_density": np.asarray(target, dtype=float),
            "generated_density": generated,
            "hist_edges": edges,
            "hist_real": hist_real.astype(float),
            "hist_fake": hist_fake.astype(float),
            "generated_mean": float(np.mean(fake)),
            "generated_std": float(np.std(fake)),
        }

    def _metrics(self, samples: np.ndarray) -> dict[str, Any]:
        bins = JS_BINS_1D if self.dim == 1 else JS_BINS_2D
        if self._real_histogram is None:  # the real batch is fixed: its histogram too
            self._real_histogram = histogram(self._real_vis, self.target.bounds, bins)
        metrics: dict[str, Any] = {
            "js_divergence": js_from_histograms(self._real_histogram,
                                                histogram(samples, self.target.bounds, bins)),
            "modes_covered": None,
            "modes_total": None,
            "high_quality": None,
        }
        if self.target.centres is not None:
            covered, quality, _ = mode_coverage(samples, self.target.centres, self.target.mode_std)
            metrics.update(modes_covered=covered, modes_total=len(self.target.centres),
                           high_quality=quality)
        if self.dim == 1:
            metrics["d_star_distance"] = self._d_star_distance
        return metrics

    def summary(self, snap) -> dict[str, str]:
        m = snap["metrics"]
        row = {
            "loss_d": f"{snap['loss_d']:.4f}",
            "loss_g": f"{snap['loss_g']:.4f}",
            "acc real/fake": f"{snap['accuracy_real']:.2f}/{snap['accuracy_fake']:.2f}",
            "JS": f"{m['js_divergence']:.4f}",
        }
        if m.get("modes_covered") is not None:
            row["modes"] = f"{m['modes_covered']}/{m['modes_total']}"
            row["high quality"] = f"{m['high_quality']:.1f}%"
        if snap["dimension"] == 1:
            row["mean/std"] = f"{snap['generated_mean']:.3f}/{snap['generated_std']:.3f}"
        if "pushforward_w1" in m:
            row["W1(M(G), y)"] = f"{m['pushforward_w1']:.1f}"
        return row

    # -- checkpoints, save and load --------------------------------------------
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

    def save(self, path: str | PathLike) -> None:
        """Write the networks, the optimisers' state and the parameters (a torch file of plain data)."""
        record = {
            "format": "mechgui-gan",
            "version": 1,
            "params": _plain(self.params.to_dict()),
            "seed": self.seed,
            "step": self.step_count,
            "generator": {k: v.detach().cpu() for k, v in self.G.state_dict().items()},
            "discriminator": {k: v.detach().cpu() for k, v in self.D.state_dict().items()},
            "optimizer_d": self.opt_d.state_dict(),
            "optimizer_g": self.opt_g.state_dict(),
        }
        torch.save(record, path)

    def load(self, path: str | PathLike, *, use_file_params: bool = True) -> None:
        """Read a file written by :meth:`save`; nothing in it is ever executed.

        With ``use_file_params`` the session's parameters become the file's (the
        simulation is rebuilt for them first); otherwise the file must fit the
        current architecture.  Tensors are checked against the declared shapes;
        a file that does not fit raises :class:`ModelFileError` (a ValueError)
        and leaves the simulation as it was.
        """
        try:
            record = torch.load(path, map_location="cpu", weights_only=True)
        except OSError as exc:
            raise ModelFileError(f"{os.fspath(path)}: cannot be read "
                                 f"({exc.strerror or type(exc).__name__})") from None
        except Exception as exc:  # noqa: BLE001 - whatever the safe loader chokes on is refused
            # (junk bytes raise anything from UnpicklingError to IndexError)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelFileError(f"{os.fspath(path)}: not a mechgui GAN model file "
                                 f"(refused by the safe loader: {first[:200]})") from None
        if not isinstance(record, dict) or record.get("format") != "mechgui-gan":
            raise ModelFileError(f"{os.fspath(path)}: not a mechgui GAN model file "
                                 "(no 'format': 'mechgui-gan' entry)")
        params = self.params
        if use_file_params:
            saved = record.get("params")
            if not isinstance(saved, dict):
                raise ModelFileError(f"{os.fspath(path)}: the file has no parameters")
            params = GANParams.from_mapping({k: v for k, v in saved.items()
                                             if k in GANParams.names()})
        g_in = params.noise_dim + (1 if params.dataset == "rosenbrock" else 0)
        d_in = params.dimension + (1 if params.dataset == "rosenbrock" else 0)
        shapes = {
            "generator": _declared_shapes(g_in, params.dimension, params),
            "discriminator": _declared_shapes(d_in, 1, params),
        }
        for net, expected in shapes.items():
            state = record.get(net)
            if not isinstance(state, dict):
                raise ModelFileError(f"{os.fspath(path)}: the file has no {net} weights")
            if set(state) != set(expected):
                raise ModelFileError(
                    f"{os.fspath(path)}: the {net} has layers {sorted(state)}, but "
                    f"{params.hidden_layers} hidden layers need {sorted(expected)}")
            for key, shape in expected.items():
                tensor = state[key]
                if not isinstance(tensor, torch.Tensor) or tuple(tensor.shape) != shape:
                    got = tuple(tensor.shape) if isinstance(tensor, torch.Tensor) else type(tensor).__name__
                    raise ModelFileError(
                        f"{os.fspath(path)}: {net} tensor {key} has shape {got}, but the declared "
                        f"architecture (hidden_layers={params.hidden_layers}, "
                        f"hidden_units={params.hidden_units}, noise_dim={params.noise_dim}, "
                        f"dimension={params.dimension}) needs {shape}")
                if not torch.isfinite(tensor).all():
                    raise ModelFileError(f"{os.fspath(path)}: {net} tensor {key} is not finite")
        # Everything fits: adopt it.
        self.params = params
        seed = record.get("seed")
        self.seed = int(seed) if isinstance(seed, int) else self.seed
        self.reset()
        with torch.no_grad():
            self.G.load_state_dict({k: v.float() for k, v in record["generator"].items()})
            self.D.load_state_dict({k: v.float() for k, v in record["discriminator"].items()})
        for opt, key in ((self.opt_d, "optimizer_d"), (self.opt_g, "optimizer_g")):
            try:
                if isinstance(record.get(key), dict):
                    opt.load_state_dict(record[key])
            except (ValueError, KeyError, RuntimeError, TypeError):
                pass  # an optimiser state that does not fit: start it afresh
        self._apply_live(params, [])
        step = record.get("step")
        self.step_count = int(step) if isinstance(step, int) and step >= 0 else 0
        self._checkpoint = self._state_copy()


def _declared_shapes(inputs: int, outputs: int, params: GANParams) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    size = inputs
    index = 0
    for _ in range(params.hidden_layers):
        shapes[f"{index}.weight"] = (params.hidden_units, size)
        shapes[f"{index}.bias"] = (params.hidden_units,)
        size = params.hidden_units
        index += 2
    shapes[f"{index}.weight"] = (outputs, size)
    shapes[f"{index}.bias"] = (outputs,)
    return shapes


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _nan_if_none(value: Any) -> float:
    return math.nan if value is None else float(value)


class _History:
    """Per-step rows averaged into windows; memory stays flat however long the run.

    Rows are kept at a stride of ``window`` steps (each the mean of its window);
    when ``HISTORY_CAPACITY`` rows are reached, neighbours are merged pairwise and
    the window doubles.
    """

    def __init__(self) -> None:
        self.window = 1
        self.steps: list[int] = []
        self.rows: list[tuple[float, ...]] = []
        self._sum: list[float] | None = None
        self._count = 0

    def add(self, step: int, values: tuple[float, ...]) -> None:
        if self._sum is None:
            self._sum = list(values)
        else:
            self._sum = [a + b for a, b in zip(self._sum, values)]
        self._count += 1
        if self._count >= self.window:
            self.steps.append(step)
            self.rows.append(tuple(s / self._count for s in self._sum))
            self._sum, self._count = None, 0
            if len(self.rows) >= HISTORY_CAPACITY:
                self._compress()

    def _compress(self) -> None:
        pairs = len(self.rows) // 2
        self.steps = [self.steps[2 * i + 1] for i in range(pairs)]
        self.rows = [tuple((a + b) / 2 for a, b in zip(self.rows[2 * i], self.rows[2 * i + 1]))
                     for i in range(pairs)]
        self.window *= 2

    def as_dict(self, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        out = {"step": np.array(self.steps, dtype=np.int64)}
        table = np.array(self.rows, dtype=float).reshape(len(self.rows), len(names))
        for i, name in enumerate(names):
            out[name] = table[:, i]
        out["window"] = np.int64(self.window)
        return out
