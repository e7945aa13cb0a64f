"""Learner pages: the home page's age picker, the list of lessons, and a lesson."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..content_bank import bank
from ..db import get_db
from ..identity import current_learner, current_track
from ..models import TRACK_IDS
from ..services import accounts
from ..services import lessons as lesson_service

bp = Blueprint("learn", __name__)

TRACK_EMOJI = {"ages-5-8": "🧸", "ages-9-12": "🚲", "ages-13-plus": "🎧"}


@bp.get("/")
def home():
    return render_template("learn/home.html", tracks=bank().tracks, emoji=TRACK_EMOJI)


@bp.post("/track")
def choose_track():
    track = request.form.get("track", "")
    if track not in TRACK_IDS:
        abort(400)
    learner = current_learner()
    if learner is not None and not learner.is_guest:
        # A parent or teacher chose this learner's track; the picker only applies to guests.
        return redirect(url_for("learn.lessons"))
    session["track"] = track
    if learner is not None:
        accounts.set_guest_track(get_db(), learner, track)
    return redirect(url_for("learn.lessons"))


@bp.get("/learn")
def lessons():
    track = request.args.get("track") or current_track()
    if track not in TRACK_IDS:
        return redirect(url_for("learn.home"))
    return render_template("learn/lessons.html", track=bank().track(track),
                           concepts=lesson_service.concept_summaries(track))


@bp.get("/learn/<concept_id>")
def lesson(concept_id: str):
    track = request.args.get("track") or current_track() or "ages-9-12"
    if track not in TRACK_IDS:
        abort(404)
    detail = lesson_service.concept_detail(concept_id, track)
    if detail is None:
        abort(404)
    return render_template("learn/lesson.html", lesson=detail, track=bank().track(track))
