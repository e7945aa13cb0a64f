"""Parents' pages: the family's children, their sign-in, tracks, and keeping a guest's progress."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..content_bank import bank
from ..db import get_db
from ..errors import Invalid, NotFound
from ..forms import PictureChoice, form_again, picture_context
from ..identity import current_account, role_required
from ..models import TRACK_IDS
from ..services import accounts

bp = Blueprint("parent", __name__, url_prefix="/parent")


def _tracks() -> list:
    return [bank().track(t) for t in TRACK_IDS]


def _track_from_form(form) -> str:
    """The track the parent picked; without one, the track suggested for the age they typed."""
    track, age = form.get("track", ""), (form.get("age") or "").strip()
    if age and not (age.isdigit() and 3 <= int(age) <= 19):
        raise Invalid("Type the child's age as a number from 3 to 19.",
                      [{"field": "age", "message": "a number from 3 to 19"}])
    if not track and age:
        return accounts.suggest_track(int(age))
    return accounts.check_track(track)


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
    return render_template("parent/dashboard.html", parent=parent, children=list(parent.children),
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
        child = accounts.add_child(get_db(), current_account("parent"), nickname=request.form.get("nickname", ""),
                                   avatar=request.form.get("avatar", ""), track=_track_from_form(request.form),
                                   **_secret_from_form(request.form))
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
    except NotFound as exc:
        exc.details = [{"field": "code", "message": exc.message}]
        return form_again("parent/claim.html", exc, status=422, **_form_context(choice.chosen))
    except Invalid as exc:
        return form_again("parent/claim.html", exc, **_form_context(choice.chosen))
    flash(f"{child.nickname}'s progress is now part of your family.", "success")
    return redirect(url_for("parent.dashboard"))
