"""mechgui: watch competition and cooperation happen in mechanism-based neural networks."""

__version__ = "0.1.0"
