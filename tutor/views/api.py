"""The JSON API under /api: health, session, tracks and concepts (more areas add their routes to `spec`)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from .. import schemas
from ..api_spec import ApiSpec
from ..content_bank import bank
from ..db import get_db
from ..errors import NotFound
from ..identity import current_actor, current_track
from ..models import Account
from ..security import csrf
from ..services import lessons

bp = Blueprint("api", __name__, url_prefix="/api")
spec = ApiSpec(title="Neural-network tutor API", version="1")


@spec.route(bp, "/health", summary="Is the service usable (database and content bank)?",
            response=schemas.Health, errors=(503,))
def health():
    try:
        get_db().execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not usable"
        database = "unavailable"
    count = len(bank().concepts("ages-9-12"))
    ok = database == "ok" and count > 0
    body = schemas.Health(status="ok" if ok else "degraded", database=database,
                          content="ok" if count else "empty", concepts=count)
    return body, (200 if ok else 503)


@spec.route(bp, "/session", summary="Who is signed in (or the guest profile) and the CSRF token",
            response=schemas.SessionInfo)
def session_info():
    actor = current_actor()
    user = None
    if isinstance(actor, Account):
        user = schemas.SessionUser(kind=actor.role, id=actor.id, name=actor.display_name)
    elif actor is not None:
        user = schemas.SessionUser(kind="learner", id=actor.id, name=actor.nickname, track=actor.track,
                                   is_guest=actor.is_guest)
    guest = actor is None or bool(getattr(actor, "is_guest", False))
    return schemas.SessionInfo(csrf_token=csrf.token(), user=user, track=current_track(), guest=guest)


@spec.route(bp, "/tracks", summary="The three age tracks", response=schemas.TrackList)
def tracks():
    return schemas.TrackList(tracks=[lessons.track_info(t) for t in bank().tracks])


@spec.route(bp, "/concepts", summary="Concepts of a track: id, title, summary",
            query=schemas.TrackQuery, response=schemas.ConceptList)
def concepts(query: schemas.TrackQuery):
    return schemas.ConceptList(track=query.track, concepts=lessons.concept_summaries(query.track))


@spec.route(bp, "/concepts/<concept_id>", summary="One concept explained at a track's reading level",
            query=schemas.TrackQuery, response=schemas.ConceptDetail)
def concept(concept_id: str, query: schemas.TrackQuery):
    detail = lessons.concept_detail(concept_id, query.track)
    if detail is None:
        raise NotFound(f"There is no concept called '{concept_id}'.")
    return schemas.ConceptDetail(**detail)


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec.document())
