"""Teachers' pages: classes, join codes, a printable join sheet and sign-in cards, rosters with picture passwords,
the class dashboard with its exports, one learner's history, printable worksheets and the lessons a class was asked
to do."""
from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..content_bank import bank
from ..db import get_db
from ..errors import Conflict, Invalid, NotFound
from ..forms import form_again
from ..identity import current_account, role_required
from ..models import TRACK_IDS
from ..services import accounts, classes, worksheets
from ..services import dashboard as progress

bp = Blueprint("teacher", __name__, url_prefix="/teacher")


def _tracks() -> list:
    return [bank().track(t) for t in TRACK_IDS]


def _class_context(classroom) -> dict:
    roster = sorted((m.learner for m in classroom.memberships), key=lambda l: l.nickname.lower())
    return {"classroom": classroom, "roster": roster, "avatars": accounts.AVATARS, "describe": accounts.describe_pictures,
            "track_labels": {t.id: t.label for t in _tracks()}, "bulk_errors": [], "claim_errors": [],
            "bulk_error": None, "claim_error": None,
            "assignments": progress.assignments_for_class(get_db(), classroom.id),
            "lesson_titles": progress.concept_titles(bank(), progress.class_track(classroom))}


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


@bp.get("/classes/<int:classroom_id>/sign-in-cards")
@role_required("teacher")
def sign_in_cards(classroom_id: int):
    """A printable card for every learner in the class: the class code, their name and their 3 pictures."""
    classroom, cards = classes.sign_in_cards(get_db(), current_account("teacher"), classroom_id)
    return render_template("teacher/sign_in_cards.html", classroom=classroom, cards=cards, avatars=accounts.AVATARS)


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


@bp.route("/classes/<int:classroom_id>/code", methods=["GET", "POST"])
@role_required("teacher")
def regenerate_code(classroom_id: int):
    """GET: what a new code does (the old one, on every printed join sheet and sign-in card, stops working at once),
    with the button that makes it; POST: make it."""
    if request.method == "GET":
        classroom = classes.class_of(get_db(), current_account("teacher"), classroom_id)
        return render_template("teacher/new_code.html", classroom=classroom)
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
    flash(f"Added {len(added)} learner{'s' if len(added) != 1 else ''}. Their picture passwords are in the list, and "
          "you can print a sign-in card for each learner.", "success")
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


@bp.route("/classes/<int:classroom_id>/learners/<int:learner_id>/pictures", methods=["GET", "POST"])
@role_required("teacher")
def reset_pictures(classroom_id: int, learner_id: int):
    """GET: what new pictures do (the old ones, on the learner's printed sign-in card, stop working at once), with the
    button that makes them; POST: make them."""
    db, teacher = get_db(), current_account("teacher")
    if request.method == "GET":
        learner = classes.learner_for_new_pictures(db, teacher, classroom_id, learner_id)
        return render_template("teacher/new_pictures.html", classroom=classes.class_of(db, teacher, classroom_id),
                               learner=learner, pictures=accounts.describe_pictures(learner.picture_password))
    learner = classes.reset_picture_password(db, teacher, classroom_id, learner_id)
    words = ", ".join(word for _, word in accounts.describe_pictures(learner.picture_password))
    flash(f"{learner.nickname}'s new picture password: {words}. Print their sign-in card again.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id, _anchor="roster"))


@bp.route("/classes/<int:classroom_id>/learners/<int:learner_id>/remove", methods=["GET", "POST"])
@role_required("teacher")
def remove_learner(classroom_id: int, learner_id: int):
    db, teacher = get_db(), current_account("teacher")
    learner = classes.member_of(db, teacher, classroom_id, learner_id)
    classroom = classes.class_of(db, teacher, classroom_id)
    outcome = "delete" if classes.only_in_class(db, learner, classroom_id) else "leave"
    # The form says which outcome the teacher was shown; if the learner joined a family or another class (or left
    # them) since, the page is shown again with the new outcome instead of doing something the teacher did not see.
    changed = request.method == "POST" and request.form.get("outcome") != outcome
    if request.method == "GET" or changed:
        return render_template("teacher/remove_learner.html", classroom=classroom, learner=learner,
                               avatars=accounts.AVATARS, outcome=outcome, changed=changed), 409 if changed else 200
    nickname = learner.nickname
    if classes.remove_from_class(db, teacher, classroom_id, learner_id):
        flash(f"{nickname} is no longer in {classroom.name}, and everything stored about them is deleted.", "success")
    else:
        flash(f"{nickname} is no longer in {classroom.name}.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id, _anchor="roster"))


# ---- the class dashboard, one learner's history, exports, worksheets and lessons to do ----------------------------

class DashboardQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sort: str = Field("name", max_length=60)
    dir: Literal["asc", "desc"] = "asc"


class SheetQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    seed: str | None = Field(None, max_length=12)
    track: Literal["ages-5-8", "ages-9-12", "ages-13-plus"] | None = None


def _query(model):
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        details = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors(include_url=False)]
        raise Invalid("Those page settings are not right: " + "; ".join(d["field"] for d in details) + ".",
                      details) from None


@bp.get("/classes/<int:classroom_id>/dashboard")
@role_required("teacher")
def class_dashboard(classroom_id: int):
    query = _query(DashboardQuery)
    data = progress.class_dashboard(get_db(), bank(), current_account("teacher"), classroom_id,
                                     sort=query.sort, descending=query.dir == "desc")
    return render_template("teacher/class_dashboard.html", d=data, short=progress.short_title,
                           activity_plot=progress.activity_plot(data["activity"]),
                           distribution_plot=progress.distribution_plot(data))


@bp.get("/classes/<int:classroom_id>/learners/<int:learner_id>")
@role_required("teacher")
def learner_page(classroom_id: int, learner_id: int):
    data = progress.learner_history(get_db(), bank(), current_account("teacher"), classroom_id, learner_id)
    return render_template("teacher/learner.html", h=data, activity_plot=progress.activity_plot(data["activity"]))


def _csv(name_and_text: tuple[str, str]) -> Response:
    name, text = name_and_text
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/classes/<int:classroom_id>/export/mastery-grid.csv")
@role_required("teacher")
def export_grid(classroom_id: int):
    return _csv(progress.grid_csv(get_db(), bank(), current_account("teacher"), classroom_id))


@bp.get("/classes/<int:classroom_id>/export/item-analysis.csv")
@role_required("teacher")
def export_items(classroom_id: int):
    return _csv(progress.items_csv(get_db(), bank(), current_account("teacher"), classroom_id))


@bp.get("/classes/<int:classroom_id>/worksheets")
@role_required("teacher")
def worksheets_page(classroom_id: int):
    classroom = classes.class_of(get_db(), current_account("teacher"), classroom_id)
    return render_template("teacher/worksheets.html", classroom=classroom, track=progress.class_track(classroom),
                           tracks=_tracks())


@bp.get("/classes/<int:classroom_id>/worksheets/matching")
@role_required("teacher")
def matching_worksheet(classroom_id: int):
    query = _query(SheetQuery)
    classroom = classes.class_of(get_db(), current_account("teacher"), classroom_id)
    track = query.track or progress.class_track(classroom)
    return render_template("teacher/worksheet_matching.html", classroom=classroom,
                           sheet=worksheets.matching_sheet(bank(), track), tracks=_tracks())


@bp.get("/classes/<int:classroom_id>/worksheets/numeric")
@role_required("teacher")
def numeric_worksheet(classroom_id: int):
    query = _query(SheetQuery)
    classroom = classes.class_of(get_db(), current_account("teacher"), classroom_id)
    track = query.track or progress.class_track(classroom)
    if track == "ages-5-8" and query.track is None:
        track = "ages-9-12"  # a 5–8 class has no number questions; the page says which track the sheet is for
    sheet = worksheets.numeric_sheet(track, worksheets.parse_seed(query.seed))
    return render_template("teacher/worksheet_numeric.html", classroom=classroom, sheet=sheet, tracks=_tracks(),
                           given_text=worksheets.given_text)


@bp.route("/classes/<int:classroom_id>/lessons", methods=["GET", "POST"])
@role_required("teacher")
def lessons_to_do(classroom_id: int):
    db, teacher = get_db(), current_account("teacher")
    classroom = classes.class_of(db, teacher, classroom_id)
    titles = progress.concept_titles(bank(), progress.class_track(classroom))
    if request.method == "GET":
        return render_template("teacher/lessons.html", classroom=classroom, titles=titles, errors=[], error=None,
                               chosen=progress.assignments_for_class(db, classroom.id))
    chosen = request.form.getlist("concepts")
    try:
        progress.set_assignments(db, bank(), teacher, classroom_id, [c for c in titles if c in chosen]
                                  + [c for c in chosen if c not in titles])
    except Invalid as exc:
        return form_again("teacher/lessons.html", exc, classroom=classroom, titles=titles, chosen=chosen)
    flash(f"Saved: {len(chosen)} lesson{'s' if len(chosen) != 1 else ''} to do. Learners see them on their "
          "lessons page.", "success")
    return redirect(url_for("teacher.class_page", classroom_id=classroom_id, _anchor="lessons"))
