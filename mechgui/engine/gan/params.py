"""The GAN's parameters (:class:`GANParams`) and the names they choose from.

Imports no torch: a window builds the GAN's parameter form from this module on
its GUI thread.  Only :meth:`GANParams.check` imports torch, when CUDA is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..digits import DIGITS_SHAPE
from ..params import Choice, Flag, Float, Int, Matrix, ParameterError, ParamSet

__all__ = ["GANParams", "DATASETS", "TARGETS_1D", "IMAGE_DATASETS", "ARCHITECTURES", "LOSSES",
           "ACTIVATIONS", "D_OUTPUTS", "rosenbrock", "rosenbrock_probe", "ROSENBROCK_PRIOR",
           "MIN_IN_WINDOW"]

DATASETS = ("gaussian-1d", "mixture-1d", "ring-8", "grid-25", "two-moons", "spiral", "drawn",
            "rosenbrock", "digits")
#: The datasets whose samples are numbers, not points of the plane.
TARGETS_1D = ("gaussian-1d", "mixture-1d")
#: The datasets whose samples are images: the 8 × 8 handwritten digits shipped with mechgui.
IMAGE_DATASETS = ("digits",)
#: The networks: multilayer perceptrons, or (images only) a small convolutional pair in the
#: DCGAN style.
ARCHITECTURES = ("mlp", "conv")

# Generator losses (D's loss is the negated value of its game):
#   minimax         L_G = E log(1 − D(G(z)))       (the chapter 4 notes; saturates early)
#   non-saturating  L_G = −E log D(G(z))            (Goodfellow's heuristic)
#   least-squares   L_D = ½E(D(x) − 1)² + ½E D(G(z))²,  L_G = ½E(D(G(z)) − 1)²  (Mao et al.)
#   wgan-gp         L_D = E C(G(z)) − E C(x) + λ E(‖∇C(x̂)‖ − 1)²,  L_G = −E C(G(z))
#                   (the report on ANNs and deep learning, §4.4)
# D outputs a logit (D = sigmoid of it) for the first two, a score for least squares and
# an unbounded critic C for WGAN-GP: D_OUTPUTS says which.
LOSSES = ("minimax", "non-saturating", "least-squares", "wgan-gp")
D_OUTPUTS = {"minimax": "probability", "non-saturating": "probability",
             "least-squares": "score", "wgan-gp": "critic"}
ACTIVATIONS = ("relu", "leaky-relu", "tanh", "elu", "sigmoid")
# When a parameter matters (the form shows only those that do): μ and σ shape the 1-D
# Gaussian and mixture only, the observation settings the Rosenbrock problem only.
_GAUSSIAN_1D = {"dataset": TARGETS_1D}
_ROSENBROCK = {"dataset": ("rosenbrock",)}
_IMAGES = {"dataset": IMAGE_DATASETS}
_MLP = {"architecture": ("mlp",)}

#: The Rosenbrock problem's uniform prior on the box [−2, 2] × [−1, 3] (one row per coordinate).
ROSENBROCK_PRIOR = np.array([[-2.0, 2.0], [-1.0, 3.0]])
#: The reference posterior resamples a fixed, seeded sample of the prior (its "probe"): at
#: least this many of the probe's model values must fall in the observation window.
MIN_IN_WINDOW = 10


def rosenbrock(x):
    """The GAN seminar's mechanistic model M(x) = 100 (x₂ − x₁²)² + (1 − x₁)² (numpy or torch)."""
    x1, x2 = x[..., 0], x[..., 1]
    return 100.0 * (x2 - x1 ** 2) ** 2 + (1.0 - x1) ** 2


@lru_cache(maxsize=1)
def rosenbrock_probe() -> tuple[np.ndarray, np.ndarray]:
    """The probe: 200,000 points of the prior (seed 12345) and their model values sorted
    (both read-only), shared by :class:`.targets.RosenbrockTarget` and :meth:`GANParams.check`."""
    rng = np.random.default_rng(12345)
    low, high = ROSENBROCK_PRIOR[:, 0], ROSENBROCK_PRIOR[:, 1]
    points = low + (high - low) * rng.random((200_000, 2))
    values = np.sort(rosenbrock(points))
    for arr in (points, values):
        arr.setflags(write=False)
    return points, values


def observation_window(obs_mean: float, obs_std: float, obs_truncation: float) -> tuple[float, float]:
    """The range of the observations y: obs_mean ± obs_truncation·obs_std, cut at 0."""
    half = obs_truncation * obs_std
    return max(obs_mean - half, 0.0), obs_mean + half


@dataclass(frozen=True, eq=False)
class GANParams(ParamSet):
    """Parameters of the GAN; defaults: the 2-D ring of 8 with 2 × 64 ReLU nets, Adam."""

    dataset: str = Choice("ring-8", DATASETS, "the target distribution p_data", label="target")
    mean: float = Float(-1.0, "μ of the 1-D Gaussian (centre of the 1-D mixture)",
                        low=-50, high=50, step=0.1, label="mean μ", applies=_GAUSSIAN_1D)
    std: float = Float(1.0, "σ of the 1-D Gaussian (the 1-D mixture's modes are 2σ from μ, of σ/2)",
                       low=0.01, high=20, step=0.1, label="std σ", applies=_GAUSSIAN_1D)
    data: np.ndarray | None = Matrix(None, "the drawn points (rows of 1 or 2 coordinates), for dataset=drawn",
                                     min_rows=2, max_rows=100_000, min_cols=1, max_cols=2,
                                     low=-1e6, high=1e6, optional=True, label="drawn points",
                                     applies={"dataset": ("drawn",)})
    loss: str = Choice("non-saturating", LOSSES, "the adversarial loss", live=True)
    optimizer: str = Choice("adam", ("adam", "sgd"), "optimiser of both networks", live=True)
    lr_d: float = Float(1e-3, "learning rate of the discriminator", low=0, high=10, low_open=True,
                        step=1e-4, decimals=6, label="D learning rate", live=True)
    lr_g: float = Float(1e-3, "learning rate of the generator", low=0, high=10, low_open=True,
                        step=1e-4, decimals=6, label="G learning rate", live=True)
    k: int = Int(1, "discriminator (critic) steps per generator step", low=1, high=50,
                 label="D steps k", live=True)
    batch_size: int = Int(256, "minibatch size m", low=1, high=8192, label="batch size m", live=True)
    architecture: str = Choice("mlp", ARCHITECTURES, "the networks: multilayer perceptrons, or "
                               "(digits) a small convolutional pair in the DCGAN style",
                               applies=_IMAGES)
    hidden_layers: int = Int(2, "hidden layers of G and of D", low=0, high=5, applies=_MLP)
    hidden_units: int = Int(64, "units per hidden layer", low=1, high=256, label="width",
                            applies=_MLP)
    channels: int = Int(32, "feature maps of the convolutional nets: G's last hidden layer and "
                        "D's first have this many, the layer next to them twice as many",
                        low=2, high=128, applies={**_IMAGES, "architecture": ("conv",)})
    conditional: bool = Flag(False, "a conditional GAN: G and D are given the digit's label "
                             "(one-hot), so G draws the digit asked for", label="conditional "
                             "(cGAN)", applies=_IMAGES)
    digit: int | None = Int(None, "the digit the sample grid shows (conditional GAN); auto: a "
                            "row per digit", low=0, high=9, optional=True, live=True,
                            label="digit in the grid", applies={**_IMAGES, "conditional": (True,)})
    activation: str = Choice("relu", ACTIVATIONS, "hidden-layer activation of both networks")
    noise_dim: int = Int(2, "dimension of the noise z", low=1, high=16, label="noise dimension")
    noise: str = Choice("gaussian", ("gaussian", "uniform"),
                        "noise prior p_z: N(0, I) or uniform on [−1, 1]^d", label="noise prior")
    pretrain_d: bool = Flag(False, "train D alone on the initial generator before step 0 "
                            "(as the toy-GAN report does)", label="pre-train D")
    pretrain_steps: int = Int(300, "discriminator steps of the pre-training", low=1, high=100_000,
                              applies={"pretrain_d": (True,)})
    gp_weight: float = Float(10.0, "λ, weight of the gradient penalty (wgan-gp)", low=0, high=1000,
                             step=1.0, label="GP weight λ", live=True,
                             applies={"loss": ("wgan-gp",)})
    adam_beta1: float = Float(0.5, "Adam's β₁ (GANs usually train better below the default 0.9)",
                              low=0, high=1, high_open=True, step=0.05, label="Adam β₁", live=True,
                              applies={"optimizer": ("adam",)})
    obs_mean: float = Float(350.0, "rosenbrock: mean of the observations y", low=1, high=2000,
                            step=10, label="observation mean", applies=_ROSENBROCK)
    obs_std: float = Float(50.0, "rosenbrock: spread of the observations y", low=0.1, high=1000,
                           step=5, label="observation σ", applies=_ROSENBROCK)
    obs_truncation: float = Float(2.0, "rosenbrock: observations truncated to mean ± this many σ",
                                  low=0.1, high=10, step=0.5, label="truncation (σ)",
                                  applies=_ROSENBROCK)
    device: str = Choice("best", ("best", "cpu", "cuda"), "where to train: best = CUDA when available, else CPU")

    def check(self) -> None:
        if self.architecture == "conv" and self.dataset not in IMAGE_DATASETS:
            raise ParameterError("architecture", "conv", "expected mlp: the convolutional nets "
                                 "are for images (dataset " + " or ".join(IMAGE_DATASETS) + ")")
        if self.dataset == "drawn" and self.data is None:
            raise ParameterError("data", None, "expected at least 2 drawn points when dataset=drawn")
        if self.dataset == "rosenbrock":
            self._check_observation_window()
        if self.device == "cuda":
            import torch  # only here: the form is built without torch

            if not torch.cuda.is_available():
                raise ParameterError("device", "cuda", "CUDA is not available here; expected best or cpu")

    def _check_observation_window(self) -> None:
        """The reference posterior reweights the probe's points whose model value lies in
        the window; with too few of them (a narrow window where M is rare) it has nothing
        to resample."""
        low, high = observation_window(self.obs_mean, self.obs_std, self.obs_truncation)
        values = rosenbrock_probe()[1]
        inside = int(np.searchsorted(values, high, "right") - np.searchsorted(values, low, "left"))
        if inside < MIN_IN_WINDOW:
            raise ParameterError(
                "obs_std", self.obs_std,
                f"the observation window [{low:.7g}, {high:.7g}] holds {inside} of the prior "
                f"sample's {values.size} model values, too few (< {MIN_IN_WINDOW}) for the "
                "reference posterior: widen obs_std or obs_truncation, or lower obs_mean")

    @property
    def dimension(self) -> int:
        """Dimension of the data space: 1, 2, the drawn points' columns, or an image's pixels."""
        if self.dataset in TARGETS_1D:
            return 1
        if self.dataset in IMAGE_DATASETS:
            return DIGITS_SHAPE[0] * DIGITS_SHAPE[1]
        if self.dataset == "drawn" and self.data is not None:
            return int(self.data.shape[1])
        return 2
