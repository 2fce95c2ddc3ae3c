"""The digits GAN's convolutional pair, in the DCGAN style (the chapter 4 notes: "using
Convolutional Layers in the generator network produces better results") scaled down to 8 × 8.

G projects the noise (beside the cGAN's label, one-hot) to 2C maps of 2 × 2 and doubles the
size twice with transposed convolutions (4 × 4 kernels, stride 2: 2 → 4 → 8), ending in tanh;
D halves an 8 × 8 image twice with strided convolutions (8 → 4 → 2) to 2C maps and one
linear output.  The cGAN's label reaches D as ten constant maps beside the image.  There is
no batch normalisation: G's output for a noise vector depends on that vector alone, so a
snapshot's forward pass never changes the run.  Both take and give rows (an image row by row,
then the conditions), as the MLPs do, so the training passes treat them alike.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..digits import DIGITS_SHAPE
from .networks import activation_layer
from .params import GANParams

__all__ = ["ConvDiscriminator", "ConvGenerator", "build_conv_networks", "init_uniform"]

_SIDE = DIGITS_SHAPE[0]
_PIXELS = DIGITS_SHAPE[0] * DIGITS_SHAPE[1]


class ConvGenerator(nn.Module):
    """(noise, conditions) rows → 8 × 8 images as rows of pixels in [−1, 1]."""

    def __init__(self, inputs: int, channels: int, activation: str) -> None:
        super().__init__()
        self.channels = channels
        self.project = nn.Linear(inputs, 2 * channels * 2 * 2)
        self.up1 = nn.ConvTranspose2d(2 * channels, channels, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(channels, 1, 4, stride=2, padding=1)
        self.act = activation_layer(activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.project(x)).view(-1, 2 * self.channels, 2, 2)
        h = self.act(self.up1(h))
        return torch.tanh(self.up2(h)).flatten(1)


class ConvDiscriminator(nn.Module):
    """(image, conditions) rows → one output per row (a logit, score or critic)."""

    def __init__(self, conditions: int, channels: int, activation: str) -> None:
        super().__init__()
        self.conditions = conditions
        self.down1 = nn.Conv2d(1 + conditions, channels, 4, stride=2, padding=1)
        self.down2 = nn.Conv2d(channels, 2 * channels, 4, stride=2, padding=1)
        self.out = nn.Linear(2 * channels * 2 * 2, 1)
        self.act = activation_layer(activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        image = x[:, :_PIXELS].reshape(n, 1, _SIDE, _SIDE)
        if self.conditions:
            maps = x[:, _PIXELS:, None, None].expand(n, self.conditions, _SIDE, _SIDE)
            image = torch.cat([image, maps], 1)
        h = self.act(self.down1(image))
        h = self.act(self.down2(h))
        return self.out(h.flatten(1))


def init_uniform(net: nn.Module, gen: torch.Generator) -> None:
    """Seeded uniform init U(−1/√fan_in, 1/√fan_in) of every weight and bias (fan_in as torch
    counts it: a weight's elements per output unit or map)."""
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                bound = 1.0 / math.sqrt(module.weight[0].numel())
                module.weight.uniform_(-bound, bound, generator=gen)
                module.bias.uniform_(-bound, bound, generator=gen)


def build_conv_networks(p: GANParams, conditions: int, device: torch.device,
                        gen: torch.Generator) -> tuple[ConvGenerator, ConvDiscriminator]:
    """G and D for 8 × 8 images (and ``conditions`` label columns), initialised from
    ``gen``, G first."""
    G = ConvGenerator(p.noise_dim + conditions, p.channels, p.activation).to(device)
    D = ConvDiscriminator(conditions, p.channels, p.activation).to(device)
    init_uniform(G, gen)
    init_uniform(D, gen)
    return G, D
