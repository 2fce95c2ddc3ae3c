"""The autoencoder's parameters (:class:`AutoencoderParams`); no torch here, so a window builds
the form without waiting for it."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..digits import check_mnist
from ..gan.params import ACTIVATIONS
from ..metrics import Metric
from ..params import Choice, ChoiceSpec, Flag, Float, Int, ParameterError, ParamSet

__all__ = ["DATASETS", "AutoencoderParams", "MnistFileSpec"]

DATASETS = ("digits", "mnist")
_VARIATIONAL = {"variational": (True,)}


@dataclass(frozen=True)
class MnistFileSpec(ChoiceSpec):
    """The path of a user's MNIST file (or folder): any path that :func:`.digits.check_mnist`
    accepts, as the text typed.  A choice among the files on disk, so it has no list of
    choices: a form shows it as a file button of the tab's own, not as a field."""

    def coerce(self, value: Any) -> Any:
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        return super().coerce(value)

    def parse(self, text: str) -> Any:
        """As :meth:`coerce`, keeping the reason a file is refused (not only what is allowed)."""
        if isinstance(text, str) and text.strip().lower() in ("", "none", "auto"):
            return None
        return self.coerce(text.strip() if isinstance(text, str) else text)

    def _coerce(self, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip() or "\x00" in value \
                or len(value) > self._max_text():
            raise self.error(value)
        try:
            check_mnist(value)
        except ParameterError as exc:
            raise ParameterError(self.name, value, exc.allowed) from None
        return value

    def _allowed(self) -> str:
        return ("expected the path of MNIST: its IDX files (gzipped or not) or their folder, "
                "or an .npz holding x_train and y_train")

    def _max_text(self) -> int:
        return 4096


def MnistFile(help: str, *, label: str = "",
              applies: Mapping[str, Sequence[Any]] | None = None) -> Any:
    """Declare the path of a user's MNIST file (None until one is chosen)."""
    spec = MnistFileSpec(None, help, label, optional=True,
                         applies=tuple((k, tuple(v)) for k, v in (applies or {}).items()))
    return dataclasses.field(default=None, metadata={"spec": spec})


@dataclass(frozen=True, eq=False)
class AutoencoderParams(ParamSet):
    """Parameters of :class:`~.model.Autoencoder`; defaults: a VAE with a 2-D code on the
    8 × 8 digits."""

    variational: bool = Flag(True, "a variational autoencoder (the encoder gives μ and σ, the "
                             "code is sampled, the loss adds β·KL) or a plain one",
                             label="variational (VAE)")
    latent_dim: int = Int(2, "dimension of the code z (2: drawn as it is; more: its first two "
                          "dimensions are drawn)", low=1, high=32, label="latent dimension")
    hidden_layers: int = Int(2, "hidden layers of the encoder and of the decoder", low=0,
                             high=4)
    hidden_units: int = Int(64, "units per hidden layer", low=2, high=1024, label="width")
    activation: str = Choice("relu", ACTIVATIONS, "hidden-layer activation of both networks")
    learning_rate: float = Float(2e-3, "Adam's learning rate", low=0, high=1, low_open=True,
                                 step=1e-4, decimals=6, live=True)
    batch_size: int = Int(64, "images per minibatch (at most the data set's size)", low=1,
                          high=4096, live=True)
    beta: float = Float(1.0, "β, the weight of the KL term: 1 is the VAE's ELBO; larger packs "
                        "the codes closer to N(0, I) and blurs the digits, 0 drops the term",
                        low=0, high=100, step=0.5, label="β (KL weight)", live=True,
                        applies=_VARIATIONAL)
    steps: int = Int(3000, "training steps (minibatch updates); the run is done after them",
                     low=1, high=10_000_000, label="training steps", live=True)
    dataset: str = Choice("digits", DATASETS, "the 1,797 8 × 8 digits shipped with mechgui, "
                          "or MNIST (28 × 28) from a file you have", label="data set")
    data: str | None = MnistFile("the MNIST file: IDX images (labels beside them), their "
                                 "folder, or an .npz with x_train and y_train",
                                 label="MNIST file", applies={"dataset": ("mnist",)})

    def check(self) -> None:
        if self.dataset == "mnist" and self.data is None:
            raise ParameterError("data", None, "expected the path of an MNIST file when "
                                               "dataset=mnist")


#: What a finished run measured (for sweeps; see :mod:`mechgui.engine.metrics`).
METRICS = (
    Metric("loss", "loss", lambda sim, snap: snap.get("loss"), unit="nats",
           help="reconstruction loss plus β·KL per image, last minibatch",
           higher_is_better=False),
    Metric("reconstruction_loss", "reconstruction loss",
           lambda sim, snap: snap.get("reconstruction_loss"), unit="nats",
           help="reconstruction loss per image, last minibatch", higher_is_better=False),
    Metric("kl", "KL divergence", lambda sim, snap: snap.get("kl"), unit="nats",
           help="KL(q(z|x) ‖ N(0, I)) per image (none for the plain autoencoder)",
           higher_is_better=None),
    Metric("digit_score", "digit score", lambda sim, snap: snap.get("digit_score"),
           help="how well samples of N(0, I) read as digits of every kind (the classifier's)"),
)
