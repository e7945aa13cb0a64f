"""Teachers' pages: classes, rosters, dashboards."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("teacher", __name__, url_prefix="/teacher")


@bp.get("/")
def dashboard():
    return "teacher", 200
