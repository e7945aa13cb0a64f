"""The chat tutor's page (its JSON endpoint arrives with the learner-experience work)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("chat", __name__, url_prefix="/chat")


@bp.get("/")
def page():
    return render_template("chat/page.html")
