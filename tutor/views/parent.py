"""Parents' pages: the family's children, their sign-in and tracks, keeping a guest's progress, and for each child
the 3-month plan, the weekly summary, and exporting or deleting their data."""
from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from pydantic import BaseModel, ConfigDict, ValidationError

from ..content_bank import bank
from ..db import get_db
from ..errors import Invalid
from ..forms import PictureChoice, form_again, picture_context
from ..identity import current_account, role_required
from ..models import TRACK_IDS
from ..services import accounts, family

bp = Blueprint("parent", __name__, url_prefix="/parent")


def _tracks() -> list:
    return [bank().track(t) for t in TRACK_IDS]


def _secret_from_form(form) -> dict:
    """{"pin": ...} or {"pictures": ...} as the parent chose; the service says what is wrong with either."""
    if form.get("secret_kind") == "pictures":
        choice = PictureChoice(form)
        return {"pictures": choice.value or None}
    return {"pin": (form.get("pin") or "").strip() or None}


def _picking(form) -> dict:
    """The form as typed, while pictures are being chosen one tap at a time (the page works without JavaScript)."""
    return {**form.to_dict(), "secret_kind": "pictures"}


def _form_context(chosen: list[str] | None = None) -> dict:
    return {"tracks": _tracks(), **picture_context(chosen)}


@bp.get("/")
@role_required("parent")
def dashboard():
    parent = current_account("parent")
    return render_template("parent/dashboard.html", parent=parent, cards=family.dashboard(get_db(), bank(), parent),
                           avatars=accounts.AVATARS, track_labels={t.id: t.label for t in _tracks()})


@bp.route("/children/new", methods=["GET", "POST"])
@role_required("parent")
def add_child():
    if request.method == "GET":
        return render_template("parent/child_form.html", errors=[], form={"secret_kind": "pin", "avatar": "owl"},
                               **_form_context())
    choice = PictureChoice(request.form)
    if choice.action != "go":
        return render_template("parent/child_form.html", errors=[], form=_picking(request.form),
                               **_form_context(choice.chosen))
    try:
        # The service checks every field and reports every problem at once; the age only suggests a track.
        child = accounts.add_child(get_db(), current_account("parent"), nickname=request.form.get("nickname", ""),
                                   avatar=request.form.get("avatar", ""), track=request.form.get("track", ""),
                                   age=request.form.get("age"), **_secret_from_form(request.form))
    except Invalid as exc:
        return form_again("parent/child_form.html", exc, **_form_context(choice.chosen))
    flash(f"{child.nickname} is ready to learn. Use the family code on their device.", "success")
    return redirect(url_for("parent.dashboard"))


@bp.route("/children/<int:learner_id>/edit", methods=["GET", "POST"])
@role_required("parent")
def edit_child(learner_id: int):
    db, parent = get_db(), current_account("parent")
    child = accounts.child_of(db, parent, learner_id)
    context = {"child": child, "tracks": _tracks(), "avatars": accounts.AVATARS}
    if request.method == "GET":
        form = {"nickname": child.nickname, "avatar": child.avatar, "track": child.track}
        return render_template("parent/child_edit.html", errors=[], form=form, **context)
    try:
        accounts.update_child(db, parent, learner_id, nickname=request.form.get("nickname", ""),
                              avatar=request.form.get("avatar", ""), track=request.form.get("track", ""))
    except Invalid as exc:
        return form_again("parent/child_edit.html", exc, **context)
    flash(f"Saved the changes for {child.nickname}.", "success")
    return redirect(url_for("parent.dashboard"))


@bp.route("/children/<int:learner_id>/secret", methods=["GET", "POST"])
@role_required("parent")
def reset_secret(learner_id: int):
    db, parent = get_db(), current_account("parent")
    child = accounts.child_of(db, parent, learner_id)
    choice = PictureChoice(request.form)
    context = {"child": child, **picture_context(choice.chosen)}
    if request.method == "GET":
        kind = "pictures" if child.picture_password else "pin"
        return render_template("parent/child_secret.html", errors=[], form={"secret_kind": kind}, **context)
    if choice.action != "go":
        return render_template("parent/child_secret.html", errors=[], form=_picking(request.form), **context)
    try:
        accounts.reset_child_secret(db, parent, learner_id, **_secret_from_form(request.form))
    except Invalid as exc:
        return form_again("parent/child_secret.html", exc, **context)
    flash(f"{child.nickname} has a new way to sign in. Tell them before they next sign in.", "success")
    return redirect(url_for("parent.dashboard"))


@bp.route("/children/<int:learner_id>/remove", methods=["GET", "POST"])
@role_required("parent")
def remove_child(learner_id: int):
    db, parent = get_db(), current_account("parent")
    child = accounts.child_of(db, parent, learner_id)
    if request.method == "GET":
        return render_template("parent/child_remove.html", child=child, avatars=accounts.AVATARS)
    nickname = child.nickname
    accounts.remove_child(db, parent, learner_id)
    flash(f"{nickname} and everything stored about them are deleted.", "success")
    return redirect(url_for("parent.dashboard"))


@bp.route("/claim", methods=["GET", "POST"])
@role_required("parent")
def claim_guest():
    if request.method == "GET":
        return render_template("parent/claim.html", errors=[], form={"secret_kind": "pin", "avatar": "owl"},
                               **_form_context())
    choice = PictureChoice(request.form)
    if choice.action != "go":
        return render_template("parent/claim.html", errors=[], form=_picking(request.form),
                               **_form_context(choice.chosen))
    try:
        child = accounts.claim_guest_as_child(get_db(), current_account("parent"), request.form.get("code", ""),
                                              nickname=request.form.get("nickname", ""),
                                              avatar=request.form.get("avatar", ""), **_secret_from_form(request.form))
    except Invalid as exc:  # an unknown code too: every problem of the form at once
        return form_again("parent/claim.html", exc, **_form_context(choice.chosen))
    flash(f"{child.nickname}'s progress is now part of your family.", "success")
    return redirect(url_for("parent.dashboard"))


# ---- one child's plan, week and data ----------------------------------------------------------------------------

def _child_context(child) -> dict:
    track = bank().track(child.track)
    return {"child": child, "avatar": accounts.AVATARS.get(child.avatar, accounts.AVATARS["owl"])[0],
            "track_label": track.label if track else child.track}


@bp.get("/children/<int:learner_id>/plan")
@role_required("parent")
def plan(learner_id: int):
    plan = family.child_plan(get_db(), bank(), current_account("parent"), learner_id)
    return render_template("parent/plan.html", plan=plan, errors=[], form={}, **_child_context(plan["child"]))


@bp.post("/children/<int:learner_id>/plan")
@role_required("parent")
def record_milestone(learner_id: int):
    db, parent = get_db(), current_account("parent")
    child = accounts.child_of(db, parent, learner_id)
    milestone, reached = request.form.get("milestone", ""), request.form.get("action", "reached") != "undo"
    try:
        family.record_milestone(db, bank(), parent, learner_id, milestone, request.form.get("evidence"),
                                reached=reached)
    except Invalid as exc:
        db.rollback()
        plan = family.child_plan(db, bank(), parent, learner_id)
        return render_template("parent/plan.html", plan=plan, error=exc.message, errors=exc.details,
                               form=request.form, failed=milestone, **_child_context(child)), exc.status
    flash(f"Saved: {child.nickname} reached this milestone." if reached else "The milestone is open again.",
          "success")
    return redirect(url_for("parent.plan", learner_id=learner_id, _anchor=milestone))


class WeekQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    start: date | None = None


@bp.get("/children/<int:learner_id>/week")
@role_required("parent")
def week(learner_id: int):
    try:
        query = WeekQuery.model_validate(request.args.to_dict())
    except ValidationError:  # a hand-edited address: say so in words, not with the validator's message
        raise Invalid("That week is not a date we can read. Open the week page from your family page.",
                      [{"field": "start", "message": "a date like 2026-11-23"}]) from None
    summary = family.week_summary(get_db(), bank(), current_account("parent"), learner_id, query.start)
    return render_template("parent/week.html", week=summary, **_child_context(summary["child"]))


@bp.get("/children/<int:learner_id>/data")
@role_required("parent")
def data(learner_id: int):
    db, parent = get_db(), current_account("parent")
    counts = family.data_counts(db, parent, learner_id)
    return render_template("parent/data.html", counts=counts, total=sum(counts.values()),
                           **_child_context(accounts.child_of(db, parent, learner_id)))


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # a child's data is not kept in shared caches
    return response


@bp.get("/children/<int:learner_id>/export.json")
@role_required("parent")
def export_json(learner_id: int):
    db, parent = get_db(), current_account("parent")
    exported = family.export_data(db, bank(), parent, learner_id)
    child = accounts.child_of(db, parent, learner_id)
    return _download(json.dumps(exported, ensure_ascii=False, indent=2), "application/json",
                     family.export_filename(child, "json"))


@bp.get("/children/<int:learner_id>/export.csv")
@role_required("parent")
def export_csv(learner_id: int):
    db, parent = get_db(), current_account("parent")
    body = family.export_csv(db, bank(), parent, learner_id)
    child = accounts.child_of(db, parent, learner_id)
    # A byte-order mark so spreadsheet programs read the file as UTF-8 (accents, emoji in nicknames).
    return _download("\ufeff" + body, "text/csv; charset=utf-8", family.export_filename(child, "csv"))


@bp.route("/children/<int:learner_id>/delete-data", methods=["GET", "POST"])
@role_required("parent")
def delete_data(learner_id: int):
    db, parent = get_db(), current_account("parent")
    child = accounts.child_of(db, parent, learner_id)
    context = {**_child_context(child), "counts": family.data_counts(db, parent, learner_id)}
    context["total"] = sum(context["counts"].values())
    if request.method == "GET":
        return render_template("parent/delete_data.html", errors=[], form={}, **context)
    try:
        family.delete_learning_data(db, parent, learner_id, request.form.get("confirm"))
    except Invalid as exc:
        return form_again("parent/delete_data.html", exc, **context)
    flash(f"{child.nickname}'s learning data is deleted. Their profile and sign-in stay.", "success")
    return redirect(url_for("parent.data", learner_id=learner_id))
