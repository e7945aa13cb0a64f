"""Sign-up, sign-in and sign-out for grown-ups; sign-in for learners (family PIN or class picture password)."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import logout_user

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.get("/sign-in")
def sign_in():
    return "sign in", 200


@bp.get("/sign-up")
def sign_up():
    return "sign up", 200


@bp.get("/learner")
def learner_sign_in():
    return "learner", 200


@bp.post("/sign-out")
def sign_out():
    logout_user()
    return redirect(url_for("learn.home"))
