"""Interactive demos whose numbers come from the engine (neuron lab, playground, stepper, ...)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("demos", __name__, url_prefix="/demos")
