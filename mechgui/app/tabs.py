"""The window's tabs, in order: model name, tab title, panel class ("module:Class").

A panel module is imported only when its tab is first shown or asked for.
"""

from __future__ import annotations

__all__ = ["TABS", "tab_names"]

TABS: tuple[tuple[str, str, str], ...] = (
    ("maxnet", "MaxNet", "mechgui.app.panels.maxnet:MaxNetPanel"),
    ("mexican_hat", "Mexican Hat", "mechgui.app.panels.mexican_hat:MexicanHatPanel"),
    ("hamming", "Hamming net", "mechgui.app.panels.hamming:HammingPanel"),
    ("som", "Kohonen SOM", "mechgui.app.panels.som:SOMPanel"),
    ("gan", "GAN", "mechgui.app.panels.gan:GANPanel"),
    ("lvq", "LVQ", "mechgui.app.panels.lvq:LVQPanel"),
    ("counterpropagation", "Counterpropagation",
     "mechgui.app.panels.counterpropagation:CounterpropagationPanel"),
    ("art1", "ART1", "mechgui.app.panels.art1:ART1Panel"),
    ("autoencoder", "Autoencoder", "mechgui.app.panels.autoencoder:AutoencoderPanel"),
)


def tab_names() -> list[str]:
    return [name for name, _, _ in TABS]
