"""The tutor's NumPy neural-network engine: networks, losses, exact backprop with a trace, training, data, examples,
plots, and `percent`, the one rounding of a share to a whole percent for people."""

from . import losses
from .network import Backprop, LayerTrace, Network, Trace
from .rounding import percent
from .training import History, OverfittingWatch, train, train_step

__all__ = [
    "Backprop", "History", "LayerTrace", "Network", "OverfittingWatch", "Trace", "losses", "percent", "train", "train_step",
]
