"""Autoencoder training throughput (steps per second) against a plain torch loop of the same
size, measured in the same run.

    python benchmarks/autoencoder_throughput.py [--seconds S] [--rounds N] [--set KEY=VALUE]...

One step is one minibatch update.  The engine (``mechgui.engine.autoencoder``, with its
loss history and bookkeeping) and a textbook loop written here (the same layers, Adam, the
same batch drawn from a permutation, the same loss; nothing recorded) train the same model
in alternating rounds of ``S / N`` seconds each, so that a machine whose speed drifts (a
shared virtual machine) weighs on both alike.  Targets: the engine at >= 200 steps/s on a
2-core machine, and at >= 0.8 of the plain loop.  Both the VAE and the plain autoencoder of
the presets (latent dimension 2, 2 × 64 ReLU units, batch 64) are measured.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mechgui.engine.autoencoder import Autoencoder
from mechgui.engine.digits import load_digits
from _alternating import alternate, setup_line


def plain_loop(params, seed: int = 0):
    """A plain torch training loop of the same size; returns step(n)."""
    torch.manual_seed(seed)
    images, _ = load_digits()
    data = torch.tensor(np.asarray(images))
    pixels, d, vae = data.shape[1], params.latent_dim, params.variational

    def mlp(inputs: int, outputs: int) -> nn.Sequential:
        layers: list[nn.Module] = []
        for _ in range(params.hidden_layers):
            layers += [nn.Linear(inputs, params.hidden_units), nn.ReLU()]
            inputs = params.hidden_units
        return nn.Sequential(*layers, nn.Linear(inputs, outputs))

    encoder, decoder = mlp(pixels, 2 * d if vae else d), mlp(d, pixels)
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()],
                                 lr=params.learning_rate, fused=True)
    gen = torch.Generator().manual_seed(seed)
    state = {"order": torch.randperm(len(data), generator=gen), "at": 0}
    size = params.batch_size

    def step(n: int) -> None:
        for _ in range(n):
            if state["at"] + size > len(data):
                state["order"], state["at"] = torch.randperm(len(data), generator=gen), 0
            x = data[state["order"][state["at"]:state["at"] + size]]
            state["at"] += size
            h = encoder(x)
            if vae:
                mu, log_var = h[:, :d], h[:, d:]
                z = mu + torch.exp(0.5 * log_var) * torch.randn(mu.shape, generator=gen)
                kl = 0.5 * (mu ** 2 + log_var.exp() - log_var - 1).sum() / size
            else:
                z, kl = h, 0.0
            loss = F.binary_cross_entropy_with_logits(decoder(z), x, reduction="sum") / size + kl
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return step


def compare(changes: dict[str, str], seconds: float, rounds: int) -> tuple[float, float]:
    sim = Autoencoder(Autoencoder.Params.from_mapping(changes, steps=10_000_000), seed=0)
    engine, plain = alternate(sim.step, plain_loop(sim.params), seconds, rounds)
    assert plain is not None
    return engine, plain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="seconds of measurement per model, both loops together")
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="a parameter of both models")
    args = parser.parse_args(argv)
    changes = dict(item.split("=", 1) for item in args.overrides)
    print(setup_line())  # torch's threads as the CLI and the window set them
    ok = True
    kinds = ("true", "false") if "variational" not in changes else (changes["variational"],)
    for variational in kinds:
        engine, plain = compare({**changes, "variational": variational}, args.seconds,
                                max(1, args.rounds))
        ratio = engine / plain
        good = engine >= 200 and ratio >= 0.8
        ok &= good
        kind = "VAE" if Autoencoder.Params.spec("variational").parse(variational) else "AE "
        print(f"{kind}: engine {engine:7.1f} steps/s, plain torch loop {plain:7.1f} steps/s, "
              f"ratio {ratio:.2f}   targets >= 200 steps/s and >= 0.80   "
              f"{'ok' if good else 'BELOW TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
