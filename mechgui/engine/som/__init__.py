"""Kohonen self-organizing map (chapter 4, "SOM Algorithm", Steps 0–8): ``mechgui.engine.som:SOM``.

Read in this order: :mod:`.model` (the algorithm, the :class:`SOM` simulation),
:mod:`.geometry` (the map's topologies and grid distance), :mod:`.schedules`
(α, R and the neighbourhood per epoch), :mod:`.quality` (winners, quantization
and topographic error, U-matrix), :mod:`.params` (:class:`SOMParams`) and
:mod:`.kernels` (the numba loops, imported on the first training call only).
"""

from .geometry import grid_distance, grid_positions, lattice_edges, neighborhood_units
from .model import MAX_SNAPSHOT_PAIRS, SOM
from .params import NEIGHBORHOODS, RADIUS_DECAYS, RATE_DECAYS, TOPOLOGIES, SOMParams
from .quality import (best_two_units, data_winners, quantization_error, topographic_error,
                      u_matrix, unit_errors)
from .schedules import learning_rate_at, neighborhood_table, radius_at

__all__ = [
    "SOMParams",
    "SOM",
    "TOPOLOGIES",
    "NEIGHBORHOODS",
    "RATE_DECAYS",
    "RADIUS_DECAYS",
    "MAX_SNAPSHOT_PAIRS",
    "grid_positions",
    "lattice_edges",
    "grid_distance",
    "neighborhood_units",
    "learning_rate_at",
    "radius_at",
    "neighborhood_table",
    "best_two_units",
    "data_winners",
    "unit_errors",
    "quantization_error",
    "topographic_error",
    "u_matrix",
]
