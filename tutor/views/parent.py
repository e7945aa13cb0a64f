"""Parents' pages: children, tracks, progress."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("parent", __name__, url_prefix="/parent")


@bp.get("/")
def dashboard():
    return "parent", 200
