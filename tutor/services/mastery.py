"""Mastery per learner and concept from recent evidence, and when each concept is due for review (FSRS).

The level is recomputed from the last few attempts every time one is stored, so it always says what the learner
can do now, not what they once got right. The review schedule is the well-kept `fsrs` package's: every attempt is
a review of the concept's card, rated by how well it went.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any, NamedTuple

from fsrs import Card, Rating, Scheduler
from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from ..db import driver_rows
from ..models import Attempt, Mastery

LEVELS = ("not-started", "attempted", "familiar", "proficient", "mastered")
LEVEL_LABELS = {"not-started": "Not started", "attempted": "Tried it", "familiar": "Getting there",
                "proficient": "Good at it", "mastered": "Mastered"}
RECENT = 8  # how many of the latest attempts count as evidence

# Fuzzing would make the schedule random; a child's review list should not change when nothing else did.
SCHEDULER = Scheduler(enable_fuzzing=False)


def level_for(scores: Sequence[float]) -> tuple[str, float]:
    """(level, average) from the scores of a learner's attempts on one concept, oldest first."""
    recent = list(scores)[-RECENT:]
    if not recent:
        return "not-started", 0.0
    average = sum(recent) / len(recent)
    if len(recent) >= 5 and average >= 0.9 and all(s >= 1 for s in recent[-3:]):
        return "mastered", average
    if len(recent) >= 3 and average >= 0.75:
        return "proficient", average
    if average >= 0.5 and any(s >= 1 for s in recent):
        return "familiar", average
    return "attempted", average


def rating_for(score: float) -> Rating:
    if score >= 1:
        return Rating.Good
    if score >= 0.5:
        return Rating.Hard
    return Rating.Again


def utc(moment: datetime | None) -> datetime | None:
    """Databases without time zones (SQLite) give naive datetimes back; they were stored as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


def _reviewed(card: dict | None, recent: Sequence[float], score: float,
              now: datetime) -> tuple[str, float, dict, datetime]:
    """(level, score, FSRS card, review due) after an attempt: the level from the recent scores (oldest first, this
    attempt's last), the concept's card (None before its first review) reviewed with the attempt's rating."""
    level, average = level_for(recent)
    card_now = Card.from_dict(card) if card else Card(card_id=1, due=now)
    reviewed, _ = SCHEDULER.review_card(card_now, rating_for(score), now)
    return level, round(average, 4), reviewed.to_dict(), reviewed.due


def _review(row: Mastery, recent: Sequence[float], score: float, now: datetime) -> Mastery:
    """Set the row's level from the recent scores (oldest first, this attempt's last) and review its FSRS card."""
    row.level, row.score, row.review_card, row.review_due = _reviewed(row.review_card, recent, score, now)
    return row


@functools.cache
def answer_statements():
    """The statements of one answer's mastery update, built once (building them costs more than running them).

    `recent` reads the learner's latest scores on the concept (newest first, from ix_attempts_learner_concept_recent)
    and, on each of those rows, whether the concept's mastery row exists and its review card (subqueries run once):
    one round trip instead of two. With no attempts on the concept yet it has no rows, and `card` reads the row
    alone. `add` is the row's INSERT (a first answer) and `bump` its UPDATE (attempts + 1 in SQL, so answers stored
    at the same moment are all counted)."""
    a, m = Attempt.__table__, Mastery.__table__
    learner_id = bindparam("p_learner", type_=m.c.learner_id.type)
    concept = bindparam("p_concept", type_=m.c.concept.type)
    card = select(m.c.review_card).where(m.c.learner_id == learner_id, m.c.concept == concept)
    recent = (select(a.c.score, card.exists(), card.scalar_subquery())
              .where(a.c.learner_id == learner_id, a.c.concept == concept).order_by(a.c.id.desc()).limit(RECENT - 1))
    review = {c: bindparam(f"p_{c}", type_=m.c[c].type) for c in ("level", "score", "review_card", "review_due")}
    add = m.insert().values(learner_id=learner_id, concept=concept, attempts=1, **review)
    bump = (m.update().where(m.c.learner_id == learner_id, m.c.concept == concept)
            .values(attempts=m.c.attempts + 1, **review))
    return recent, card, add, bump


class AnswerReview(NamedTuple):
    """One answer's mastery update, computed and not written yet: the level for the reply, the values of the row's
    INSERT or UPDATE (answer_statements' bind parameters), and which of the two (a first answer on the concept
    adds the row)."""

    level: str
    params: dict[str, Any]
    first: bool


def record_answer(connection: Connection, learner_id: int, concept: str, score: float,
                  now: datetime | None = None) -> AnswerReview:
    """The mastery update for one answer that is about to be stored (call it before inserting the attempt; the caller
    writes it with answer_statements()'s `add` or `bump`, in the attempt's transaction).

    The level comes from the learner's earlier scores and this one, so the answer's reply, mastery included, is
    written with the attempt. The attempt count is raised in SQL (attempts + 1), so answers stored at the same moment
    are all counted; the level then misses the other one until the next answer, which recomputes it from the stored
    attempts. A first answer on a concept adds the row; if a twin added it first, the INSERT raises IntegrityError
    and the caller tries again. Runs on SQLAlchemy Core with prebuilt statements: this is the hot path of every
    answer, and the ORM's identity map and unit of work cost more than the SQL."""
    now = utc(now) or now_utc()
    recent_scores, current_card, _, _ = answer_statements()
    who = {"p_learner": learner_id, "p_concept": concept}
    rows = driver_rows(connection, recent_scores, who)
    if rows:
        stored = rows[0][2:] if rows[0][1] else None
    else:
        stored = next(iter(driver_rows(connection, current_card, who)), None)
    recent = [row[0] for row in reversed(rows)]
    recent.append(score)
    level, average, card, due = _reviewed(None if stored is None else stored[0], recent, score, now)
    return AnswerReview(level, {**who, "p_level": level, "p_score": average, "p_review_card": card,
                                "p_review_due": due}, stored is None)


def record(db: Session, learner_id: int, concept: str, score: float, now: datetime | None = None) -> Mastery:
    """Update the learner's mastery row for `concept` after attempts were added (not committed: the caller owns it).

    For any number of attempts added since the last update (the demo histories add a session's worth at once);
    `record_answer` is the quicker path for one answer."""
    now = utc(now) or now_utc()
    db.flush()
    rows = db.execute(select(Attempt.score, func.count().over())
                      .where(Attempt.learner_id == learner_id, Attempt.concept == concept)
                      .order_by(Attempt.id.desc()).limit(RECENT)).all()
    row = db.get(Mastery, (learner_id, concept))
    if row is None:
        row = Mastery(learner_id=learner_id, concept=concept)
        db.add(row)
    row.attempts = int(rows[0][1]) if rows else 0
    return _review(row, [s for s, _ in reversed(rows)], score, now)


def summary(row: Mastery | None, concept: str) -> dict[str, Any]:
    if row is None:
        return {"concept": concept, "level": "not-started", "label": LEVEL_LABELS["not-started"], "score": 0.0,
                "attempts": 0, "review_due": None}
    due = utc(row.review_due)
    return {"concept": concept, "level": row.level, "label": LEVEL_LABELS.get(row.level, row.level),
            "score": row.score, "attempts": row.attempts, "review_due": due.isoformat() if due else None}


def rows(db: Session, learner_id: int) -> dict[str, Mastery]:
    return {m.concept: m for m in db.scalars(select(Mastery).where(Mastery.learner_id == learner_id))}


def review_today(db: Session, learner_id: int, now: datetime | None = None) -> list[str]:
    """Concepts whose review falls due before the end of today (UTC), the most overdue first."""
    now = utc(now) or now_utc()
    end_of_day = datetime.combine(now.date(), time.max, tzinfo=UTC)
    return list(db.scalars(select(Mastery.concept)
                           .where(Mastery.learner_id == learner_id, Mastery.review_due.is_not(None),
                                  Mastery.review_due <= end_of_day)
                           .order_by(Mastery.review_due, Mastery.concept)))
