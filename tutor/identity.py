"""Who is asking: a parent or teacher account, a learner (child or guest), or nobody yet."""
from __future__ import annotations

from flask import Flask, session
from flask_login import current_user

from .db import get_db
from .models import TRACK_IDS, Account, Learner
from .security import login_manager


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(user_id: str):
        kind, _, raw = user_id.partition(":")
        if not raw.isdigit():
            return None
        model = {"account": Account, "learner": Learner}.get(kind)
        return get_db().get(model, int(raw)) if model else None

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
