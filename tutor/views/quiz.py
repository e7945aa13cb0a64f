"""Practice pages: quizzes and exercises (filled in by the practice work)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("quiz", __name__, url_prefix="/practice")


@bp.get("/")
def index():
    return render_template("quiz/index.html")
