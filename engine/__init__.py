"""The tutor's NumPy neural-network engine: networks, losses, exact backprop with a trace, training, data, examples, plots."""

from . import losses
from .network import Backprop, LayerTrace, Network, Trace
from .training import History, OverfittingWatch, train, train_step

__all__ = ["Backprop", "History", "LayerTrace", "Network", "OverfittingWatch", "Trace", "losses", "train", "train_step"]
