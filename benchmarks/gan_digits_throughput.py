"""The digits GAN's training throughput (iterations per second) against a plain torch loop of
the same size, measured in the same run.

    python benchmarks/gan_digits_throughput.py [--seconds S] [--rounds N] [--preset NAME]
                                               [--set KEY=VALUE]...

One iteration is the chapter 4 notes' k = 1 updates of D then one of G.  The engine
(``mechgui.engine.gan`` on ``dataset=digits``, with its loss history, checkpoints and
divergence checks) and a textbook loop written here (the same two MLPs, Adam, the same
losses, real batches drawn from the digits, nothing recorded) train the same model in
alternating rounds of ``S / N`` seconds each, so that a machine whose speed drifts (a shared
virtual machine) weighs on both alike.  Targets for the MLP preset (``digits-mlp``: 2 × 128
leaky-ReLU units, 16-D noise, batch 64): >= 300 iterations/s headless on a 2-core machine,
and >= 0.8 of the plain loop.  The convolutional and conditional presets are measured too
(``--preset``), for the record: their target is the preset's run in under a minute.
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

from mechgui.engine import create, load_preset
from mechgui.engine.digits import load_digits
from _alternating import alternate, setup_line


def plain_loop(params, seed: int = 0):
    """A plain torch training loop of the same size (MLPs only); returns step(n)."""
    torch.manual_seed(seed)
    images, labels = load_digits()
    data = torch.tensor(np.asarray(images)) * 2.0 - 1.0    # the networks see [−1, 1]
    eye = torch.eye(10)
    conditions = eye[torch.tensor(np.asarray(labels))] if params.conditional else None
    cond = 10 if params.conditional else 0

    def mlp(inputs: int, outputs: int) -> nn.Sequential:
        layers: list[nn.Module] = []
        for _ in range(params.hidden_layers):
            layers += [nn.Linear(inputs, params.hidden_units), nn.LeakyReLU(0.2)]
            inputs = params.hidden_units
        return nn.Sequential(*layers, nn.Linear(inputs, outputs))

    G, D = mlp(params.noise_dim + cond, 64), mlp(64 + cond, 1)
    betas = (params.adam_beta1, 0.999)
    opt_g = torch.optim.Adam(G.parameters(), lr=params.lr_g, betas=betas, fused=True)
    opt_d = torch.optim.Adam(D.parameters(), lr=params.lr_d, betas=betas, fused=True)
    n = params.batch_size

    def joined(x, c):
        return x if c is None else torch.cat([x, c], 1)

    def step(count: int) -> None:
        for _ in range(count):
            idx = torch.randint(len(data), (n,))
            real, c = data[idx], None if conditions is None else conditions[idx]
            z = torch.randn(n, params.noise_dim)
            with torch.no_grad():
                fake = G(joined(z, c))
            out = D(joined(torch.cat([real, fake]), None if c is None else torch.cat([c, c])))
            loss_d = F.softplus(-out[:n]).mean() + F.softplus(out[n:]).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            c = None if conditions is None else conditions[torch.randint(len(data), (n,))]
            fake = G(joined(torch.randn(n, params.noise_dim), c))
            loss_g = F.softplus(-D(joined(fake, c))).mean()
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
    return step


def compare(name: str, changes: dict[str, str], seconds: float, rounds: int
            ) -> tuple[float, float | None]:
    """Median iterations/s of the engine and (MLPs only) of the plain loop."""
    preset = load_preset("gan", name)
    sim = create("gan", seed=preset.seed or 0, **{**preset.params, **changes})
    plain = plain_loop(sim.params) if sim.params.architecture == "mlp" else None
    rates = alternate(sim.step, plain, seconds, rounds)  # the warm-up compiles the passes
    if sim.status != "running":
        raise RuntimeError(f"{name}: the run stopped ({sim.status}: {sim.message})")
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="seconds of measurement per preset, both loops together")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds")
    parser.add_argument("--preset", action="append", default=[],
                        help="a digits preset to measure (default: all three)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="a parameter of every preset measured")
    args = parser.parse_args(argv)
    changes = dict(item.split("=", 1) for item in args.overrides)
    print(setup_line())  # torch's threads as the CLI and the window set them
    ok = True
    for name in args.preset or ["digits-mlp", "digits-conditional", "digits-conv"]:
        engine, plain = compare(name, changes, args.seconds, max(1, args.rounds))
        run = 2000 / engine
        if plain is None:
            print(f"{name}: engine {engine:7.1f} it/s (2,000 iterations in {run:.0f} s)   "
                  f"target: the run in under 60 s   {'ok' if run < 60 else 'BELOW TARGET'}")
            ok &= run < 60
            continue
        ratio = engine / plain
        good = ratio >= 0.8 and (engine >= 300 or name != "digits-mlp")
        ok &= good
        print(f"{name}: engine {engine:7.1f} it/s, plain torch loop {plain:7.1f} it/s, "
              f"ratio {ratio:.2f}   targets >= 300 it/s (digits-mlp) and >= 0.80   "
              f"{'ok' if good else 'BELOW TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
