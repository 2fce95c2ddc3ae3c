"""Explaining what a tab shows (shared by every tab): the strip under the plots with the
selected element's formula and the read-out under the mouse (:class:`Explainer`,
:class:`ExplainStrip`), teach steps played in stages (:class:`TeachPlayer`), and the
side bar's box with the Teach step button (:func:`teach_box`).

The texts themselves are the engine's (:mod:`mechgui.engine.explain`): Qt-free functions
of a snapshot.
"""

from .explainer import Explainer, FormulaFunction, Pick, Readout
from .strip import ExplainStrip
from .teach import Stages, TeachPlayer, teach_opening, wait_for_step
from .widgets import SelectionRing, nearest_within, stacked, teach_box

__all__ = ["ExplainStrip", "Explainer", "FormulaFunction", "Pick", "Readout", "SelectionRing",
           "Stages", "TeachPlayer", "nearest_within", "stacked", "teach_box", "teach_opening",
           "wait_for_step"]
