"""Activities away from the quiz format: the human-backpropagation role-play and printable cards."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/activities")
