"""Learning vector quantization, LVQ1 and LVQ2.1 (see :mod:`.model`): ``params`` (the
declarations, without the model), ``data`` (the labelled data sets), ``model``."""

from .data import CLOUDS, LVQ_DATASETS, labelled_cloud, lvq_dataset
from .model import DONE, HISTORY_ROWS, LVQ, REGION_GRID, learning_rate_at, lvq21_ratio
from .params import LVQParams

__all__ = [
           "CLOUDS",
           "DONE",
           "HISTORY_ROWS",
           "LVQ",
           "LVQ_DATASETS",
           "REGION_GRID",
           "LVQParams",
           "labelled_cloud",
           "learning_rate_at",
           "lvq21_ratio",
           "lvq_dataset",
]
