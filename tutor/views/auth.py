"""Sign-up, sign-in and sign-out for grown-ups; sign-in for learners (family PIN or class picture password); guests."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import logout_user

from ..db import get_db
from ..errors import Conflict, Invalid, NotFound
from ..forms import PictureChoice, form_again, picture_context, safe_next
from ..identity import current_account, current_learner, role_required
from ..models import Account, Classroom, Learner
from ..security import limiter, normalise_code, start_session_for
from ..services import accounts, classes

bp = Blueprint("auth", __name__, url_prefix="/auth")

# The family or class code last typed on this device, so the next child skips typing it (kept across sign-out).
CODE_KEY = "learner_code"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _pin_limit() -> str:
    return current_app.config["PIN_RATE_LIMIT"]


def _attempted_learner() -> str:
    # PIN and picture attempts count per learner, not per address: a whole class signs in from one school address,
    # while guessing one child's secret is what the limit must stop.
    return f"learner-secret:{(request.view_args or {}).get('learner_id')}"


def _not_an_attempt() -> bool:
    # Without JavaScript each picture tap is a round trip; only pressing the sign-in button is a guess.
    return PictureChoice(request.form).action != "go"


def _dashboard_for(account: Account) -> str:
    return url_for("parent.dashboard" if account.role == "parent" else "teacher.dashboard")


# ---- grown-ups ----------------------------------------------------------------------------------------------------

@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def sign_up():
    if request.method == "GET":
        return render_template("auth/sign_up.html", errors=[], form={"role": request.args.get("role", "parent")})
    db = get_db()
    try:
        account = accounts.sign_up(db, email=request.form.get("email", ""), password=request.form.get("password", ""),
                                   role=request.form.get("role", ""),
                                   display_name=request.form.get("display_name", ""))
    except (Invalid, Conflict) as exc:
        return form_again("auth/sign_up.html", exc)
    start_session_for(account)
    flash(f"Welcome, {account.display_name}! Your account is ready.", "success")
    return redirect(_dashboard_for(account))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def sign_in():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/sign_in.html", errors=[], form={}, next_url=next_url)
    try:
        account = accounts.authenticate(get_db(), request.form.get("email", ""), request.form.get("password", ""))
    except Invalid as exc:
        # One message for an unknown address and a wrong password, so the form reveals no accounts.
        return form_again("auth/sign_in.html", exc, next_url=next_url)
    start_session_for(account)
    return redirect(next_url or _dashboard_for(account))


@bp.post("/sign-out")
def sign_out():
    # A fresh session after sign-out, except what belongs to the device: the remembered code and reading preferences.
    keep = {k: session[k] for k in (CODE_KEY, "prefs") if k in session}
    logout_user()
    session.clear()
    session.update(keep)
    flash("You are signed out. See you soon!", "success")
    return redirect(url_for("auth.learner_sign_in") if CODE_KEY in keep else url_for("learn.home"))


@bp.route("/password", methods=["GET", "POST"])
@role_required("parent", "teacher")
def change_password():
    if request.method == "GET":
        return render_template("auth/password.html", errors=[], form={})
    try:
        accounts.change_password(get_db(), current_account(), request.form.get("current", ""),
                                 request.form.get("new", ""))
    except Invalid as exc:
        return form_again("auth/password.html", exc)
    flash("Your password is changed.", "success")
    return redirect(_dashboard_for(current_account()))


# ---- learners: a family or class code, then whose profile, then the PIN or pictures ---------------------------------

def _remembered_group() -> tuple[str, Account | Classroom] | None:
    """The family (parent account) or class for the code remembered on this device, if it still works."""
    saved = session.get(CODE_KEY)
    if not isinstance(saved, dict):
        return None
    db = get_db()
    try:
        if saved.get("kind") == "family":
            return "family", accounts.family_by_code(db, saved.get("code", ""))
        if saved.get("kind") == "class":
            return "class", classes.class_by_code(db, saved.get("code", ""))
    except NotFound:
        session.pop(CODE_KEY, None)  # the code was changed or the class archived: ask for it again
    return None


def _group_learners(kind: str, group) -> list[Learner]:
    if kind == "family":
        return list(group.children)
    return [m.learner for m in group.memberships]


def _remember(kind: str, code: str) -> None:
    session[CODE_KEY] = {"kind": kind, "code": code}


@bp.route("/learner", methods=["GET", "POST"])
def learner_sign_in():
    if request.method == "POST":
        code = normalise_code(request.form.get("code", ""))
        db = get_db()
        for kind, find in (("family", accounts.family_by_code), ("class", classes.class_by_code)):
            try:
                find(db, code)
            except NotFound:
                continue
            _remember(kind, code)
            return redirect(url_for("auth.learner_sign_in"))
        exc = Invalid("We don't know that code. Check it with your grown-up or on the board.",
                      [{"field": "code", "message": "Check the letters and numbers and try again."}])
        return form_again("auth/learner_code.html", exc)
    group = _remembered_group()
    if group is None:
        return render_template("auth/learner_code.html", errors=[], form={})
    kind, found = group
    return render_template("auth/learner_pick.html", kind=kind, group=found,
                           learners=_group_learners(kind, found), avatars=accounts.AVATARS)


@bp.post("/learner/forget")
def forget_code():
    session.pop(CODE_KEY, None)
    return redirect(url_for("auth.learner_sign_in"))


@bp.route("/learner/<int:learner_id>", methods=["GET", "POST"])
@limiter.limit(_pin_limit, key_func=_attempted_learner, methods=["POST"], exempt_when=_not_an_attempt)
def learner_secret(learner_id: int):
    group = _remembered_group()
    if group is None:
        return redirect(url_for("auth.learner_sign_in"))
    kind, found = group
    learner = next((l for l in _group_learners(kind, found) if l.id == learner_id), None)
    if learner is None:
        raise NotFound("There is nobody with that name here. Go back and pick your name.")
    uses_pin = kind == "family" and learner.pin_hash is not None
    context = {"kind": kind, "group": found, "learner": learner, "uses_pin": uses_pin,
               "can_sign_in": uses_pin or learner.picture_password is not None}
    if request.method == "GET" or not context["can_sign_in"]:
        return render_template("auth/learner_secret.html", errors=[], form={}, **context, **picture_context())
    choice = PictureChoice(request.form)
    if not uses_pin and choice.action != "go":
        return render_template("auth/learner_secret.html", errors=[], form={}, **context,
                               **picture_context(choice.chosen))
    code, db = session[CODE_KEY]["code"], get_db()
    try:
        if kind == "family":
            signed_in = accounts.sign_in_child(db, code, learner_id, pin=request.form.get("pin") if uses_pin else None,
                                               pictures=None if uses_pin else choice.value)
        else:
            signed_in = classes.sign_in_member(db, code, learner_id, choice.value)
    except Invalid as exc:
        exc.details = [{"field": "pin" if uses_pin else "pictures", "message": exc.message}]
        return form_again("auth/learner_secret.html", exc, **context, **picture_context())
    start_session_for(signed_in)
    _remember(kind, code)
    flash(f"Hello, {signed_in.nickname}! Let's learn.", "success")
    return redirect(url_for("learn.lessons"))


@bp.route("/learner/join", methods=["GET", "POST"])
def join_class():
    group = _remembered_group()
    if group is None or group[0] != "class":
        return redirect(url_for("auth.learner_sign_in"))
    classroom = group[1]
    me = current_learner()
    # A learner who already has a profile (a family's child, a member of another class) keeps it and its progress.
    keeps_profile = me is not None and not me.is_guest and (me.pin_hash or me.picture_password) is not None
    context = {"classroom": classroom, "me": me, "keeps_profile": keeps_profile}
    if request.method == "GET":
        return render_template("auth/join.html", errors=[], form={}, **context, **picture_context())
    choice = PictureChoice(request.form)
    if not keeps_profile and choice.action != "go":
        return render_template("auth/join.html", errors=[], form=request.form, **context,
                               **picture_context(choice.chosen))
    try:
        if not keeps_profile and not choice.complete:
            raise Invalid("Choose 3 pictures for your picture password.",
                          [{"field": "pictures", "message": "Choose 3 pictures, one after the other."}])
        learner = classes.join_class(get_db(), classroom.join_code, nickname=request.form.get("nickname", ""),
                                     pictures=choice.value or None, current=me)
    except (Invalid, Conflict) as exc:
        return form_again("auth/join.html", exc, **context, **picture_context())
    if me is None or me.id != learner.id:
        start_session_for(learner)
    _remember("class", classroom.join_code)
    flash(f"You joined {classroom.name}, {learner.nickname}!", "success")
    return redirect(url_for("learn.lessons"))


# ---- guests ---------------------------------------------------------------------------------------------------------

@bp.get("/guest")
def guest():
    learner = current_learner()
    code = accounts.guest_claim_code(get_db(), learner) if learner is not None and learner.is_guest else None
    return render_template("auth/guest.html", learner=learner, claim_code=code)
