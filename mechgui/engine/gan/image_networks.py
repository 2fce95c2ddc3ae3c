"""The digits GAN's convolutional pair, in the DCGAN style (the chapter 4 notes: "using
Convolutional Layers in the generator network produces better results") scaled down to 8 × 8.

G projects the noise (beside the cGAN's label, one-hot) to 2C maps of 2 × 2 and doubles the
size twice with transposed convolutions (4 × 4 kernels, stride 2: 2 → 4 → 8), ending in tanh;
D halves an 8 × 8 image twice with strided convolutions (8 → 4 → 2) to 2C maps and one
linear output.  The cGAN's label reaches D as ten constant maps beside the image.  There is
no batch normalisation: G's output for a noise vector depends on that vector alone, so a
snapshot's forward pass never changes the run.  Both take and give rows (an image row by row,
then the conditions), as the MLPs do, so the training passes treat them alike.

Design note.  On maps this small a convolution is best computed as what it is, a linear map
with shared weights: :class:`ConvAsMatrix` keeps the kernel as its parameter (torch's layout
and initialisation) and each call gathers from it the matrix of the whole layer, then takes
one matrix product, where torch's convolution kernels spend most of their time on set-up
(tests/test_gan_digits.py checks it against ``nn.Conv2d`` and ``nn.ConvTranspose2d``).  Ten
constant label maps add the same to every position they cover: they are given as the ten
label columns, their weights summed over the positions.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ..digits import DIGITS_SHAPE
from .networks import activation_layer
from .params import GANParams

__all__ = ["ConvAsMatrix", "ConvDiscriminator", "ConvGenerator", "build_conv_networks",
           "init_uniform"]

_SIDE = DIGITS_SHAPE[0]
_KERNEL, _STRIDE, _PADDING = 4, 2, 1


class ConvAsMatrix(nn.Module):
    """A 2-D convolution, or a transposed one, of ``channels_in`` maps of ``size`` × ``size``
    (rows: map by map, each row by row) into ``channels_out`` maps, kernel 4, stride 2,
    padding 1; ``labels`` more input columns stand for constant maps (the cGAN's label).

    ``weight`` has torch's layout: (out, in, 4, 4) for a convolution, (in, out, 4, 4) for a
    transposed one (in counting the label maps); ``bias`` one per output map.
    """

    def __init__(self, channels_in: int, channels_out: int, size: int, *,
                 transposed: bool = False, labels: int = 0) -> None:
        super().__init__()
        maps_in = channels_in + labels
        k = _KERNEL
        shape = (maps_in, channels_out, k, k) if transposed else (channels_out, maps_in, k, k)
        self.weight = nn.Parameter(torch.empty(shape))
        self.bias = nn.Parameter(torch.empty(channels_out))
        self.channels_in, self.labels = channels_in, labels
        self.size_out = size * _STRIDE if transposed else size // _STRIDE
        self.cols = channels_out * self.size_out ** 2
        cells, covered = _layout(channels_in, channels_out, size, self.size_out, transposed,
                                 labels)
        self.register_buffer("_cells", torch.as_tensor(cells), persistent=False)
        self.register_buffer("_covered", torch.as_tensor(covered), persistent=False)

    def matrix(self) -> torch.Tensor:
        """The layer's matrix (inputs × outputs), gathered from the kernel: each cell holds
        the weight that joins its input to its output (0 where none does); a label's row, the
        sum of the weights its constant map meets at each output."""
        w = self.weight.reshape(-1)
        image = torch.cat([w, w.new_zeros(1)]).index_select(0, self._cells).view(-1, self.cols)
        if not self.labels:
            return image
        taps = self.weight[:, self.channels_in:].reshape(len(self.weight), self.labels, -1)
        label = torch.einsum("olt,tp->lop", taps, self._covered).reshape(self.labels, -1)
        return torch.cat([image, label])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        bias = self.bias.repeat_interleave(self.size_out ** 2)
        return torch.addmm(bias, x, self.matrix())


def _layout(channels_in: int, channels_out: int, size: int, size_out: int, transposed: bool,
            labels: int) -> tuple[np.ndarray, np.ndarray]:
    """The layer's matrix as indices: for each cell (image inputs × outputs, row by row) the
    index of its weight in the flattened kernel, or the kernel's size for none; and which of
    the 16 kernel taps fall inside the image at each output position (16 × outputs per map),
    for the label maps."""
    k, s, p = _KERNEL, _STRIDE, _PADDING
    maps_in = channels_in + labels
    cols = channels_out * size_out ** 2
    c_in, c_out, ky, kx, y, x = np.meshgrid(np.arange(channels_in), np.arange(channels_out),
                                            np.arange(k), np.arange(k), np.arange(size),
                                            np.arange(size), indexing="ij")
    if transposed:   # input (y, x) spreads to output (y·s − p + ky, x·s − p + kx)
        iy, ix, oy, ox = y, x, y * s - p + ky, x * s - p + kx
        weight = ((c_in * channels_out + c_out) * k + ky) * k + kx
    else:            # output (y, x) gathers input (y·s − p + ky, x·s − p + kx)
        oy, ox, iy, ix = y, x, y * s - p + ky, x * s - p + kx
        weight = ((c_out * maps_in + c_in) * k + ky) * k + kx
    inside = (oy >= 0) & (oy < size_out) & (ox >= 0) & (ox < size_out) & (iy >= 0) \
        & (iy < size) & (ix >= 0) & (ix < size)
    row = (c_in * size + iy) * size + ix
    col = (c_out * size_out + oy) * size_out + ox
    cells = np.full(channels_in * size * size * cols, maps_in * channels_out * k * k)
    cells[(row * cols + col)[inside]] = weight[inside]
    ky, kx, oy, ox = np.meshgrid(np.arange(k), np.arange(k), np.arange(size_out),
                                 np.arange(size_out), indexing="ij")
    iy, ix = oy * s - p + ky, ox * s - p + kx
    covered = ((iy >= 0) & (iy < size) & (ix >= 0) & (ix < size)).reshape(k * k, -1)
    return cells.astype(np.int64), covered.astype(np.float32)


class ConvGenerator(nn.Module):
    """(noise, conditions) rows → 8 × 8 images as rows of pixels in [−1, 1]."""

    def __init__(self, inputs: int, channels: int, activation: str) -> None:
        super().__init__()
        self.project = nn.Linear(inputs, 2 * channels * 2 * 2)
        self.up1 = ConvAsMatrix(2 * channels, channels, 2, transposed=True)      # 2 → 4
        self.up2 = ConvAsMatrix(channels, 1, 4, transposed=True)                 # 4 → 8
        self.act = activation_layer(activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.project(x))
        h = self.act(self.up1(h))
        return torch.tanh(self.up2(h))


class ConvDiscriminator(nn.Module):
    """(image, conditions) rows → one output per row (a logit, score or critic)."""

    def __init__(self, conditions: int, channels: int, activation: str) -> None:
        super().__init__()
        self.down1 = ConvAsMatrix(1, channels, _SIDE, labels=conditions)         # 8 → 4
        self.down2 = ConvAsMatrix(channels, 2 * channels, _SIDE // 2)            # 4 → 2
        self.out = nn.Linear(2 * channels * 2 * 2, 1)
        self.act = activation_layer(activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.down1(x))
        h = self.act(self.down2(h))
        return self.out(h)


def init_uniform(net: nn.Module, gen: torch.Generator) -> None:
    """Seeded uniform init U(−1/√fan_in, 1/√fan_in) of every weight and bias (fan_in as torch
    counts it: a weight's elements per output unit or map)."""
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, (nn.Linear, ConvAsMatrix)):
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
