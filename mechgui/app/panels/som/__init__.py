"""The Kohonen SOM tab (``mechgui.app.panels.som:SOMPanel``).

:mod:`.panel` holds the tab and its commands, :mod:`.controls` its own widgets; each
view draws one part of a snapshot: :mod:`.space` the input space, :mod:`.matrix` the
weight matrix (data of another dimension than 2), :mod:`.map` the map, :mod:`.curves`
the schedules and errors.  :mod:`.geometry` computes the map's shapes, without Qt.
"""

from .geometry import (cell_index_image, cell_outlines, chain_walls, glyph_layout, shown_grid,
                       unit_maps)
from .map import COLOURINGS
from .panel import SOMPanel
from .space import MAX_SHOWN_POINTS

__all__ = ["SOMPanel", "cell_index_image", "cell_outlines", "unit_maps", "glyph_layout",
           "shown_grid", "chain_walls", "COLOURINGS", "MAX_SHOWN_POINTS"]
