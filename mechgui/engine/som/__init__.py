"""Kohonen self-organizing map (chapter 4, "SOM Algorithm", Steps 0–8): ``mechgui.engine.som:SOM``.

Read in this order: :mod:`.model` (the algorithm, the :class:`SOM` simulation),
:mod:`.geometry` (the map's topologies and grid distance), :mod:`.schedules`
(α, R and the neighbourhood per epoch), :mod:`.quality` (winners, quantization
and topographic error, U-matrix), :mod:`.params` (:class:`SOMParams`) and
:mod:`.kernels` (the numba loops, imported on the first training call only).
The notes' "Extensions of SOM" are :mod:`.extended` (per-unit hyper-ellipses Σ_j and
fuzzy memberships, in numpy) and :mod:`.clusters` (their data sets).
"""

from .geometry import grid_distance, grid_positions, lattice_edges, neighborhood_units
from .model import MAX_SNAPSHOT_PAIRS, SOM
from .clusters import SOM_CLOUDS, cluster_covariances, make_clusters
from .extended import ellipse_outlines, fcm_memberships
from .params import (DISTANCES, MEMBERSHIPS, NEIGHBORHOODS, RADIUS_DECAYS, RATE_DECAYS,
                     TOPOLOGIES, SOMParams)
from .quality import (best_two_units, data_winners, quantization_error, topographic_error,
                      u_matrix, unit_errors)
from .schedules import learning_rate_at, neighborhood_table, radius_at

__all__ = [
    "DISTANCES",
    "MAX_SNAPSHOT_PAIRS",
    "MEMBERSHIPS",
    "NEIGHBORHOODS",
    "RADIUS_DECAYS",
    "RATE_DECAYS",
    "SOM",
    "SOM_CLOUDS",
    "TOPOLOGIES",
    "SOMParams",
    "best_two_units",
    "cluster_covariances",
    "data_winners",
    "ellipse_outlines",
    "fcm_memberships",
    "grid_distance",
    "grid_positions",
    "lattice_edges",
    "learning_rate_at",
    "make_clusters",
    "neighborhood_table",
    "neighborhood_units",
    "quantization_error",
    "radius_at",
    "topographic_error",
    "u_matrix",
    "unit_errors",
]
