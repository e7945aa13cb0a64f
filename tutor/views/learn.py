"""Learner pages: the home page's age picker, the list of lessons, a lesson as a conversation, and its progress API."""
from __future__ import annotations

from typing import Literal

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field

from .. import frames
from ..cache import fragments
from ..content_bank import bank
from ..db import get_db, reads_only
from ..identity import current_learner, current_or_new_guest, current_track
from ..models import TRACK_IDS, Learner
from ..services import accounts, dashboard
from ..services import lessons as lesson_service
from .api import bp as api_bp
from .api import spec

bp = Blueprint("learn", __name__)

TRACK_EMOJI = {"ages-5-8": "🧸", "ages-9-12": "🚲", "ages-13-plus": "🎧"}
TrackId = Literal["ages-5-8", "ages-9-12", "ages-13-plus"]


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


def _page_track() -> str | None:
    track = request.args.get("track") or current_track()
    return track if track in TRACK_IDS else None


@bp.get("/learn")
@reads_only
def lessons():
    track = _page_track()
    if track is None:
        return redirect(url_for("learn.home"))
    learner = current_learner()
    concepts = lesson_service.concept_summaries(track)
    assigned = dashboard.assignments_for_learner(get_db(), learner)
    titles = {c["id"]: c["title"] for c in concepts}
    return render_template("learn/lessons.html", track=bank().track(track), concepts=concepts,
                           progress=lesson_service.progress_by_concept(get_db(), learner),
                           assigned=[{"id": c, "title": titles[c]} for c in assigned if c in titles])


@bp.get("/learn/<concept_id>")
@reads_only
def lesson(concept_id: str):
    track = _page_track() or "ages-9-12"
    seed = request.args.get("seed", "0")
    if concept_id not in bank().concept_ids:
        abort(404)
    seed = int(seed) if seed.isdigit() and len(seed) < 10 else 0
    page, parts = lesson_parts(concept_id, track, seed)
    progress = lesson_service.lesson_progress(get_db(), current_learner(), concept_id) or {}
    # The layout around the lesson is the same for everyone but a few values: a frame per shape (tutor.frames).
    return frames.render("learn/lesson.html", ("lesson", concept_id, track, seed),
                         {"lesson": page, "parts": parts, "track": bank().track(track)},
                         {"seen": progress.get("messages_seen", 0), "checked": bool(progress.get("checked")),
                          "check_correct": bool(progress.get("check_correct"))})


def lesson_parts(concept_id: str, track: str, seed: int) -> tuple[dict, dict[str, Markup]]:
    """The lesson (as lesson_service.lesson_page gives it) and the HTML of its parts that are the same for everyone,
    rendered once per (concept, track, seed) in this process and then reused (tutor.cache.fragments)."""
    def render() -> tuple[dict, dict[str, Markup]]:
        page = lesson_service.lesson_page(concept_id, track, seed)
        info = bank().track(track)
        # The demos a message shows read `track` to speak at the track's level (the gentle 5-8 versions).
        context: dict = {"track": info}
        current_app.update_template_context(context)  # the demos' helpers (their ids are unique per page)
        macros = current_app.jinja_env.get_template("learn/_lesson_parts.html").make_module(context)
        html = {"heading": macros.heading(page, info), "conversation": macros.conversation(page),
                "check": macros.check_body(page), "next_steps": macros.next_steps(page)}
        return page, {k: Markup(v) for k, v in html.items()}
    return fragments().get_or_make(("lesson", concept_id, track, seed), render)


# ---- lesson progress (JSON) -----------------------------------------------------------------------------------------

class ProgressBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    track: TrackId
    messages_seen: int = Field(ge=0, le=100, description="How many of the lesson's messages the learner has seen")
    completed: bool = Field(default=False, description="The learner reached the end of the lesson")


class LessonProgressReply(BaseModel):
    concept: str
    track: TrackId
    messages_seen: int
    total_messages: int
    completed: bool
    checked: bool = Field(description="The lesson's check question has been answered")
    check_correct: bool
    stored: bool = Field(description="False for a grown-up trying the lesson: nothing is kept")


def _learner_for(track: str) -> Learner | None:
    # A guest made in the middle of the page keeps the page's CSRF token working for its next request.
    token = session.get("csrf_token")
    learner = current_or_new_guest(track)
    if token and "csrf_token" not in session:
        session["csrf_token"] = token
    return learner


@spec.route(api_bp, "/lessons/<concept_id>/progress", "POST", summary="Record how far the learner got in a lesson",
            body=ProgressBody, response=LessonProgressReply, errors=(409,), csrf=True)
def lesson_progress(concept_id: str, body: ProgressBody):
    return LessonProgressReply(**lesson_service.record_progress(
        get_db(), concept_id, body.track, body.messages_seen, body.completed, _learner_for))
