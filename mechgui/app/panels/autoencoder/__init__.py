"""The Autoencoder tab (``mechgui.app.panels.autoencoder:AutoencoderPanel``): the plain
autoencoder against the VAE on handwritten digits, as in the chapter 4 notes.

:mod:`.panel` holds the tab, its engine calls (decode a point, interpolate between two
digits) and the two columns of runs; :mod:`.views` the plots (codes, image mosaics, losses);
:mod:`.controls` the side bar's widgets.  Nothing here imports torch.
"""

from .panel import INTERPOLATION_STEPS, AutoencoderPanel, Latest
from .views import CLASS_COLOURS, plane_points, spread_labels

__all__ = [
           "CLASS_COLOURS",
           "INTERPOLATION_STEPS",
           "AutoencoderPanel",
           "Latest",
           "plane_points",
           "spread_labels",
]
