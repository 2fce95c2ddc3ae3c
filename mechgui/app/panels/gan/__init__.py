"""The GAN tab (``mechgui.app.panels.gan:GANPanel``): the minimax game of the chapter 4 notes
as it trains, in 1-D, in 2-D, as the GAN seminar's conditional GAN and on the digits.

:mod:`.panel` holds the tab and its commands; each page draws one kind of snapshot:
:mod:`.plane` the 2-D plane, :mod:`.line` the 1-D densities, :mod:`.cgan` the conditional
GAN, :mod:`.images` the digits; :mod:`.curves` the losses, accuracy and metrics under them;
:mod:`.banner` the strip above (Step D / Step G, the readout, what the last update trained);
:mod:`.slowmotion` the two passes one at a time; :mod:`.controls` the side bar's widgets;
:mod:`.explainer` what the tab says about what it shows: :mod:`.overview` (the model's graph
beside the plane), :mod:`.readout` (the formula strip and status line under the plots) and
:mod:`.formulas` (their text).  :mod:`.geometry` and :mod:`.formulas` compute without Qt,
:mod:`.items` holds the pyqtgraph pieces the pages share.  Nothing here imports torch: the
engine brings it on its own thread.
"""

from .geometry import arrow_segments, heat_lut, manifold_lines
from .images import grid_columns, pair_mosaic
from .items import set_points
from .panel import PAGE_1D, PAGE_2D, PAGE_CGAN, PAGE_IMAGES, GANPanel
from .plane import LAYERS

__all__ = ["GANPanel", "manifold_lines", "arrow_segments", "heat_lut", "set_points", "PAGE_2D",
           "PAGE_1D", "PAGE_CGAN", "PAGE_IMAGES", "LAYERS", "grid_columns", "pair_mosaic"]
