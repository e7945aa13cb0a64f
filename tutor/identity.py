"""Who is asking: a parent or teacher account, a learner (child or guest), or nobody yet."""
from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Flask, abort, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from .db import driver_keys, driver_rows, get_db
from .models import TRACK_IDS, Account, Learner
from .security import login_manager, start_session_for

USER_MODELS = {"account": Account, "learner": Learner}
_USER_ROWS = {model: select(model.__table__).where(model.__table__.c.id == bindparam("id"))
              for model in USER_MODELS.values()}


def _person_row(connection: Connection, model: type, person_id: int) -> dict[str, Any] | None:
    """The person's row as Core would return it, read with the driver's cursor (tutor.db.driver_rows)."""
    statement = _USER_ROWS[model]
    rows = driver_rows(connection, statement, {"id": person_id})
    return dict(zip(driver_keys(connection, statement), rows[0])) if rows else None


def load_user(user_id: str) -> Account | Learner | None:
    """The signed-in person of a session ("learner:12", "account:3"), as a row of this request's database session.

    Every request of a signed-in person starts here. The ORM's get costs several times its query, so the row is
    read with a prebuilt SELECT through the driver's cursor (_person_row) and attached to the session as a
    persistent object, as if the ORM had loaded it (make_transient_to_detached, then add: no attribute counts as
    changed; relationships load lazily; a change made later is written by the next flush)."""
    kind, _, raw = user_id.partition(":")
    model = USER_MODELS.get(kind)
    if model is None or not raw.isdigit():
        return None
    db = get_db()
    key = identity_key(model, int(raw))
    if (known := db.identity_map.get(key)) is not None:
        return known
    values = _person_row(db.connection(), model, int(raw))
    if values is None:
        return None
    person = model(**values)
    make_transient_to_detached(person)
    db.add(person)
    return person


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)

    @app.context_processor
    def inject_identity():
        return {"actor": current_actor(), "current_track": current_track()}


def current_actor() -> Account | Learner | None:
    user = current_user._get_current_object() if current_user else None
    return user if isinstance(user, (Account, Learner)) else None


def current_account(role: str | None = None) -> Account | None:
    actor = current_actor()
    if isinstance(actor, Account) and (role is None or actor.role == role):
        return actor
    return None


def current_learner() -> Learner | None:
    actor = current_actor()
    return actor if isinstance(actor, Learner) else None


def current_track() -> str | None:
    learner = current_learner()
    if learner is not None:
        return learner.track
    track = session.get("track")
    return track if track in TRACK_IDS else None


def current_or_new_guest(track: str | None = None) -> Learner | None:
    """The learner whose progress a lesson or practice page records; a new guest when nobody is signed in.

    The guest row is created lazily (only when there is progress to keep) and signed in on a fresh session.
    Returns None when a parent or teacher is signed in: a grown-up trying things out is not a learner, and
    replacing their session with a guest's would sign them out.
    """
    from .services import accounts

    actor = current_actor()
    if isinstance(actor, Learner):
        return actor
    if actor is not None:
        return None
    guest = accounts.create_guest(get_db(), track if track in TRACK_IDS else (current_track() or "ages-9-12"))
    start_session_for(guest, keep_csrf=True)
    return guest


def role_required(*roles: str):
    """Only signed-in accounts with one of `roles` ("parent", "teacher") reach the view.

    Nobody signed in (or only a guest) is sent to the grown-ups' sign-in; a learner or an account of another
    role gets a 403 page. Whether a particular child or class belongs to the account is the service layer's
    business (other people's objects answer 404 there).
    """
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None or (isinstance(actor, Learner) and actor.is_guest):
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if not isinstance(actor, Account) or (roles and actor.role not in roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate
