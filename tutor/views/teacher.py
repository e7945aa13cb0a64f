"""Teachers' pages: classes, join codes and a printable join sheet, rosters with picture passwords."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..content_bank import bank
from ..db import get_db
from ..errors import Conflict, Invalid, NotFound
from ..forms import describe_pictures, form_again
from ..identity import current_account, role_required
from ..models import TRACK_IDS
from ..services import accounts, classes

bp = Blueprint("teacher", __name__, url_prefix="/teacher")


def _tracks() -> list:
    return [bank().track(t) for t in TRACK_IDS]


def _class_context(classroom) -> dict:
    roster = sorted((m.learner for m in classroom.memberships), key=lambda l: l.nickname.lower())
    return {"classroom": classroom, "roster": roster, "avatars": accounts.AVATARS, "describe": describe_pictures,
            "track_labels": {t.id: t.label for t in _tracks()}, "bulk_errors": [], "claim_errors": [],
            "bulk_error": None, "claim_error": None}


@bp.get("/")
@role_required("teacher")
def dashboard():
    teacher = current_account("teacher")
    everything = classes.classes_for(get_db(), teacher, include_archived=True)
    return render_template("teacher/dashboard.html", teacher=teacher,
                           active=[c for c in everything if not c.archived],
                           archived=[c for c in everything if c.archived],
                           track_labels={t.id: t.label for t in _tracks()})


@bp.route("/classes/new", methods=["GET", "POST"])
@role_required("teacher")
def new_class():
    if request.method == "GET":
        return render_template("teacher/class_form.html", errors=[], form={}, tracks=_tracks(), classroom=None)
    try:
        classroom = classes.create_class(get_db(), current_account("teacher"), name=request.form.get("name", ""),
                                         track=request.form.get("track") or None)
    except Invalid as exc:
        return form_again("teacher/class_form.html", exc, tracks=_tracks(), classroom=None)
    flash(f"{classroom.name} is ready. Show the join code to your class.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom.id))


@bp.get("/classes/<int:classroom_id>")
@role_required("teacher")
def class_page(classroom_id: int):
    classroom = classes.class_of(get_db(), current_account("teacher"), classroom_id)
    return render_template("teacher/class.html", **_class_context(classroom))


@bp.get("/classes/<int:classroom_id>/join-sheet")
@role_required("teacher")
def join_sheet(classroom_id: int):
    classroom = classes.class_of(get_db(), current_account("teacher"), classroom_id)
    return render_template("teacher/join_sheet.html", **_class_context(classroom))


@bp.route("/classes/<int:classroom_id>/edit", methods=["GET", "POST"])
@role_required("teacher")
def edit_class(classroom_id: int):
    db, teacher = get_db(), current_account("teacher")
    classroom = classes.class_of(db, teacher, classroom_id)
    if request.method == "GET":
        form = {"name": classroom.name, "track": classroom.track or ""}
        return render_template("teacher/class_form.html", errors=[], form=form, tracks=_tracks(), classroom=classroom)
    try:
        classes.update_class(db, teacher, classroom_id, name=request.form.get("name", ""),
                             track=request.form.get("track", ""))
    except Invalid as exc:
        return form_again("teacher/class_form.html", exc, tracks=_tracks(), classroom=classroom)
    flash("Saved.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id))


@bp.post("/classes/<int:classroom_id>/archive")
@role_required("teacher")
def archive_class(classroom_id: int):
    archived = request.form.get("archived", "1") != "0"
    classroom = classes.update_class(get_db(), current_account("teacher"), classroom_id, archived=archived)
    flash(f"{classroom.name} is {'archived: its code no longer works' if archived else 'active again'}.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id))


@bp.post("/classes/<int:classroom_id>/code")
@role_required("teacher")
def regenerate_code(classroom_id: int):
    classroom = classes.regenerate_join_code(get_db(), current_account("teacher"), classroom_id)
    flash(f"The new join code is {classroom.join_code}. The old one no longer works.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id))


@bp.post("/classes/<int:classroom_id>/learners")
@role_required("teacher")
def add_learners(classroom_id: int):
    db, teacher = get_db(), current_account("teacher")
    classroom = classes.class_of(db, teacher, classroom_id)
    names = (request.form.get("names") or "").splitlines()
    try:
        added = classes.add_learners(db, teacher, classroom_id, names)
    except (Invalid, Conflict) as exc:
        db.rollback()
        context = {**_class_context(classroom), "bulk_error": exc.message,
                   "bulk_errors": [{**d, "field": "names"} for d in exc.details]}
        return render_template("teacher/class.html", form=request.form, **context), exc.status
    flash(f"Added {len(added)} learner{'s' if len(added) != 1 else ''}. Their picture passwords are in the list.",
          "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id, _anchor="roster"))


@bp.post("/classes/<int:classroom_id>/claim")
@role_required("teacher")
def claim_guest(classroom_id: int):
    db, teacher = get_db(), current_account("teacher")
    classroom = classes.class_of(db, teacher, classroom_id)
    try:
        learner = classes.claim_guest_into_class(db, teacher, classroom_id, request.form.get("code", ""),
                                                 request.form.get("nickname", ""))
    except (Invalid, Conflict, NotFound) as exc:
        db.rollback()
        unknown_code = isinstance(exc, NotFound)  # a mistyped code is bad input here, not a missing page
        details = [{"field": "code", "message": exc.message}] if unknown_code else exc.details
        context = {**_class_context(classroom), "claim_error": exc.message, "claim_errors": details}
        return render_template("teacher/class.html", form=request.form, **context), 422 if unknown_code else exc.status
    flash(f"{learner.nickname} is now in {classroom.name}, with everything they did as a guest.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id, _anchor="roster"))


@bp.post("/classes/<int:classroom_id>/learners/<int:learner_id>/pictures")
@role_required("teacher")
def reset_pictures(classroom_id: int, learner_id: int):
    learner = classes.reset_picture_password(get_db(), current_account("teacher"), classroom_id, learner_id)
    words = ", ".join(word for _, word in describe_pictures(learner.picture_password))
    flash(f"{learner.nickname}'s new picture password: {words}.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id, _anchor="roster"))


@bp.route("/classes/<int:classroom_id>/learners/<int:learner_id>/remove", methods=["GET", "POST"])
@role_required("teacher")
def remove_learner(classroom_id: int, learner_id: int):
    db, teacher = get_db(), current_account("teacher")
    learner = classes.member_of(db, teacher, classroom_id, learner_id)
    classroom = classes.class_of(db, teacher, classroom_id)
    if request.method == "GET":
        return render_template("teacher/remove_learner.html", classroom=classroom, learner=learner,
                               avatars=accounts.AVATARS)
    nickname = learner.nickname
    classes.remove_from_class(db, teacher, classroom_id, learner_id)
    flash(f"{nickname} is no longer in {classroom.name}.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id, _anchor="roster"))
