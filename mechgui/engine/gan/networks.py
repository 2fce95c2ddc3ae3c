"""The two networks: MLPs built and initialised from the run's generator, the device they
live on, and their optimisers."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable

import torch
from torch import nn

from .params import GANParams

__all__ = ["activation_layer", "build_mlp", "init_mlp", "build_networks", "pick_device",
           "make_optimisers", "training_threads", "use_training_threads"]


def activation_layer(name: str) -> nn.Module:
    """The hidden-layer activation ``name`` (one of :data:`~.params.ACTIVATIONS`) as a module."""
    return {"relu": nn.ReLU, "leaky-relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh,
            "elu": nn.ELU, "sigmoid": nn.Sigmoid}[name]()


def build_mlp(inputs: int, outputs: int, layers: int, width: int, activation: str) -> nn.Sequential:
    """inputs → ``layers`` × (Linear(width), activation) → Linear(outputs)."""
    modules: list[nn.Module] = []
    size = inputs
    for _ in range(layers):
        modules += [nn.Linear(size, width), activation_layer(activation)]
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


def build_networks(p: GANParams, dim: int, conditions: int, device: torch.device,
                   gen: torch.Generator) -> tuple[nn.Sequential, nn.Sequential]:
    """G: noise (and the cGAN's ``conditions`` columns) → a point; D: a point (and the
    conditions) → one output.  Both initialised from ``gen``, G first."""
    G = build_mlp(p.noise_dim + conditions, dim, p.hidden_layers, p.hidden_units,
                  p.activation).to(device)
    D = build_mlp(dim + conditions, 1, p.hidden_layers, p.hidden_units, p.activation).to(device)
    init_mlp(G, gen)
    init_mlp(D, gen)
    return G, D


def pick_device(choice: str) -> torch.device:
    """CUDA when asked for, or for ``best`` where it is available; else the CPU."""
    if choice == "cuda" or (choice == "best" and torch.cuda.is_available()):
        return torch.device("cuda")
    return torch.device("cpu")


def _adam(params: Iterable[torch.Tensor], lr: float, betas: tuple[float, float]) -> torch.optim.Adam:
    """Adam with the fused kernel (the one the training passes call directly), falling back
    to foreach where fused is not supported."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(params, lr=lr, betas=betas, foreach=True)


def make_optimisers(p: GANParams, G: nn.Module, D: nn.Module
                    ) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer]:
    """D's and G's optimisers, fresh: Adam (β₂ = 0.999) or plain SGD."""
    if p.optimizer == "adam":
        betas = (p.adam_beta1, 0.999)
        return _adam(D.parameters(), p.lr_d, betas), _adam(G.parameters(), p.lr_g, betas)
    return (torch.optim.SGD(D.parameters(), lr=p.lr_d, foreach=True),
            torch.optim.SGD(G.parameters(), lr=p.lr_g, foreach=True))


def training_threads(free_cores: int = 1) -> int:
    """How many threads torch should use to train these small networks: all cores but
    ``free_cores``.  On a few cores more threads cost more in hand-overs than they gain,
    and a window or other work keeps a core.  The process chooses (``torch.set_num_threads``
    is global): the CLI, the window and the benchmarks apply it; a script may."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - free_cores)


def use_training_threads(free_cores: int = 1) -> int:
    """Set torch's intra-op threads to :func:`training_threads`; returns the number."""
    threads = training_threads(free_cores)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads
