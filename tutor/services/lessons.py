"""Lessons from the content bank, shaped for the API and the conversational lesson page, and how far each learner got."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content.schema import ShowDemo, ShowExample

from ..content_bank import bank
from ..db import driver_keys, driver_rows, writer_turn
from ..errors import Conflict, Invalid, NotFound
from ..models import Attempt, Learner, LessonProgress
from . import examples, media
from .questions import public_item


def track_info(track) -> dict[str, Any]:
    return {"id": track.id, "label": track.label, "min_age": track.min_age, "max_age": track.max_age,
            "description": track.description}


def _known_track(track_id: str) -> str:
    if bank().track(track_id) is None:
        raise Invalid(f"Unknown track '{track_id}'.", [{"field": "track", "message": "unknown track"}])
    return track_id


def concept_summaries(track_id: str) -> list[dict[str, str]]:
    return [{"id": lesson.id, "title": lesson.title, "summary": lesson.summary}
            for lesson in bank().concepts(_known_track(track_id))]


def concept_detail(concept_id: str, track_id: str) -> dict[str, Any] | None:
    lesson = bank().lesson(concept_id, _known_track(track_id))
    if lesson is None:
        return None
    data = lesson.model_dump(mode="json", exclude={"check"}, exclude_none=True)
    data["messages"] = data.get("messages") or []
    data["check"] = public_item(lesson.check) if lesson.check is not None else None
    return data


# ---- the lesson page ------------------------------------------------------------------------------------------------

CHECK_KINDS_ON_PAGE = ("choice", "multi", "truefalse", "order")


def _shown(show, track_id: str, seed: int) -> dict[str, Any] | None:
    """What "Show me" opens for a message: a worked example in the track's wording, a demo, or a plot."""
    if show is None:
        return None
    if isinstance(show, ShowExample):
        return {"type": "example", "kind": show.example, "params": dict(show.params),
                "example": examples.worked_example(show.example, track_id, seed, dict(show.params))}
    if isinstance(show, ShowDemo):
        return {"type": "demo", "demo": show.demo}
    rendered = media.plot(show.plot, dict(show.params))
    return {"type": "plot", "plot": show.plot, "params": dict(show.params), "description": rendered["description"]}


def lesson_page(concept_id: str, track_id: str, seed: int = 0) -> dict[str, Any]:
    """Everything the conversational lesson page shows, with each worked example computed by the engine for `seed`.

    NotFound for an unknown concept; Invalid for an unknown track.
    """
    b = bank()
    lesson = b.lesson(concept_id, _known_track(track_id))
    if lesson is None:
        raise NotFound(f"There is no lesson called '{concept_id}'.")
    order = [l.id for l in b.concepts(track_id)]
    position = order.index(concept_id)
    next_lesson = b.lesson(order[position + 1], track_id) if position + 1 < len(order) else None
    activity = next((a for a in b.activities_for(track_id) if concept_id in a.concepts), None)
    return {
        "id": lesson.id, "track": track_id, "title": lesson.title, "summary": lesson.summary,
        "position": position + 1, "count": len(order),
        "messages": [{"id": m.id, "text": m.text, "why": m.why, "show": _shown(m.show, track_id, seed)}
                     for m in lesson.messages],
        "analogy": lesson.analogy, "everyday_example": lesson.everyday_example,
        "misconceptions": [m.model_dump() for m in lesson.misconceptions],
        "key_takeaways": list(lesson.key_takeaways),
        "check": public_item(lesson.check),
        "check_on_page": lesson.check.kind in CHECK_KINDS_ON_PAGE,
        "demos": sorted({m.show.demo for m in lesson.messages if isinstance(m.show, ShowDemo)}),
        "prerequisites": [{"id": p, "title": pl.title} for p in lesson.prerequisites
                          if (pl := b.lesson(p, track_id)) is not None],
        "next": {"id": next_lesson.id, "title": next_lesson.title} if next_lesson else None,
        "activity": {"id": activity.id, "title": activity.title, "summary": activity.summary} if activity else None,
        "gentle": bool(b.track(track_id).gentle),
    }


# ---- progress -------------------------------------------------------------------------------------------------------

def _check_result(db: Session, learner_id: int, check_item_id: str) -> tuple[bool, bool]:
    """(answered, answered right at least once) for a lesson's check question, read from the stored attempts."""
    answered, right = db.execute(
        select(func.count(), func.coalesce(func.sum(case((Attempt.correct, 1), else_=0)), 0))
        .where(Attempt.learner_id == learner_id, Attempt.item_id == check_item_id)).one()
    return int(answered) > 0, int(right) > 0


def _progress_dict(row: LessonProgress | None, concept_id: str, track_id: str, total: int,
                   stored: bool) -> dict[str, Any]:
    return {"concept": concept_id, "track": track_id, "total_messages": total, "stored": stored,
            "messages_seen": row.messages_seen if row else 0, "completed": bool(row and row.completed),
            "checked": bool(row and row.checked), "check_correct": bool(row and row.check_correct)}


def record_progress(db: Session, concept_id: str, track_id: str, messages_seen: int, completed: bool,
                    learner_for: Callable[[str], Learner | None]) -> dict[str, Any]:
    """Keep how far a learner got in a lesson: the most messages seen, completed once reached, and whether the
    check question was answered (and answered right), read from their attempts rather than taken on trust.

    Input is checked before anything is written, so bad input stores nothing (not even a guest profile).
    `learner_for(track)` gives the learner (a new guest if nobody is signed in), or None for a grown-up.
    """
    lesson = bank().lesson(concept_id, _known_track(track_id))
    if lesson is None:
        raise NotFound(f"There is no lesson called '{concept_id}'.")
    total = len(lesson.messages)
    if not 0 <= messages_seen <= total:
        raise Invalid(f"This lesson has {total} messages; messages_seen must be from 0 to {total}.",
                      [{"field": "messages_seen", "message": f"must be from 0 to {total}"}])
    learner = learner_for(track_id)
    if learner is None:
        return _progress_dict(None, concept_id, track_id, total, stored=False)
    checked, right = _check_result(db, learner.id, lesson.check.id)
    for _ in range(2):
        row = db.get(LessonProgress, (learner.id, concept_id))
        if row is None:
            row = LessonProgress(learner_id=learner.id, concept=concept_id, track=track_id, messages_seen=0,
                                 completed=False, checked=False, check_correct=False)
            db.add(row)
        row.track = track_id
        row.messages_seen = max(row.messages_seen or 0, messages_seen)
        row.completed = bool(row.completed or completed)
        row.checked = bool(row.checked or checked)
        row.check_correct = bool(row.check_correct or right)
        with writer_turn(db.connection()):  # SQLite: queue for the write lock
            try:
                db.commit()
                return _progress_dict(row, concept_id, track_id, total, stored=True)
            except IntegrityError:
                db.rollback()  # the same learner's first two updates raced; the second try updates the row
    raise Conflict("Too many updates arrived at once; please send this one again.")


_progress_columns = LessonProgress.__table__.c
_PROGRESS_ROW = (select(_progress_columns.messages_seen, _progress_columns.completed, _progress_columns.checked,
                        _progress_columns.check_correct)
                 .where(_progress_columns.learner_id == bindparam("learner_id"),
                        _progress_columns.concept == bindparam("concept")))


def lesson_progress(db: Session, learner: Learner | None, concept_id: str) -> dict[str, Any] | None:
    """The learner's stored progress in one lesson (None for nobody, or nothing yet).

    Every lesson page asks this, so it is one prebuilt SELECT read through the driver's cursor (tutor.db.driver_rows):
    four columns need no ORM object (the ORM's get costs several times the query, Core's execute a few times)."""
    if learner is None:
        return None
    connection = db.connection()
    rows = driver_rows(connection, _PROGRESS_ROW, {"learner_id": learner.id, "concept": concept_id})
    return dict(zip(driver_keys(connection, _PROGRESS_ROW), rows[0])) if rows else None


def _progress_of(row: LessonProgress) -> dict[str, Any]:
    return {"messages_seen": row.messages_seen, "completed": row.completed, "checked": row.checked,
            "check_correct": row.check_correct}


def progress_by_concept(db: Session, learner: Learner | None) -> dict[str, dict[str, Any]]:
    """The learner's lesson progress per concept (empty for nobody)."""
    if learner is None:
        return {}
    rows = db.scalars(select(LessonProgress).where(LessonProgress.learner_id == learner.id))
    return {r.concept: _progress_of(r) for r in rows}
