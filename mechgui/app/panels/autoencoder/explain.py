"""What the autoencoder tab reads out under the mouse: a digit's code in either column
(the live run's or the kept one's, each from its own last snapshot) and the losses at a
step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mechgui.engine.explain.autoencoder import code_readout, loss_readout
from mechgui.engine.explain.text import num

from ...explain import Explainer, nearest_within
from .views import plane_points

if TYPE_CHECKING:
    from .panel import AutoencoderPanel

__all__ = ["AutoencoderExplanation"]

HINT = "Point at a digit's code or at the loss curves for their values."
#: How near (pixels) the mouse must be to a code.
NEAR_CODE_PX = 6


class AutoencoderExplanation:
    """The read-outs of an autoencoder panel (no selection)."""

    def __init__(self, panel: AutoencoderPanel, kinds: tuple[str, ...]) -> None:
        self.panel = panel
        self.explain = Explainer(panel, hint=HINT)
        for kind in kinds:
            self.explain.watch(panel.latent[kind].plot,
                               lambda snap, x, y, kind=kind: self._code_readout(kind, x, y))
        self.explain.watch(panel.curves.plot, lambda snap, x, y: loss_readout(snap, x))

    def _code_readout(self, kind: str, x: float, y: float) -> str | None:
        run = self.panel.runs.get(kind)
        if run is None or run["step"] == 0 or run.get("latent") is None:
            return None
        latent = np.asarray(run["latent"], dtype=float)
        points = plane_points(latent, np.asarray(run["labels"]))
        box = self.panel.latent[kind].plot.getViewBox()
        i = nearest_within(points, x, y, box, NEAR_CODE_PX) if len(points) <= 20_000 else None
        if i is not None:
            return code_readout(run, i)
        return f"(z₁, z₂) = ({num(x)}, {num(y)})" if latent.shape[1] >= 2 else None
