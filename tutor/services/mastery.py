"""Mastery per learner and concept from recent evidence, and when each concept is due for review (FSRS).

The level is recomputed from the last few attempts every time one is stored, so it always says what the learner
can do now, not what they once got right. The review schedule is the well-kept `fsrs` package's: every attempt is
a review of the concept's card, rated by how well it went.
"""
from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Any, Sequence

from fsrs import Card, Rating, Scheduler
from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _review(row: Mastery, recent: Sequence[float], score: float, now: datetime) -> Mastery:
    """Set the row's level from the recent scores (oldest first, this attempt's last) and review its FSRS card."""
    level, average = level_for(recent)
    card = Card.from_dict(row.review_card) if row.review_card else Card(card_id=1, due=now)
    card, _ = SCHEDULER.review_card(card, rating_for(score), now)
    row.level, row.score = level, round(average, 4)
    row.review_card = card.to_dict()
    row.review_due = card.due
    return row


def _recent_scores(db: Session, learner_id: int, concept: str, limit: int) -> list[float]:
    """The learner's latest `limit` scores on `concept`, oldest first."""
    return list(reversed(db.scalars(select(Attempt.score)
                                    .where(Attempt.learner_id == learner_id, Attempt.concept == concept)
                                    .order_by(Attempt.id.desc()).limit(limit)).all()))


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


def record_answer(db: Session, learner_id: int, concept: str, score: float, now: datetime | None = None) -> Mastery:
    """Update the mastery row for one answer that is about to be stored (call it before adding the attempt).

    The level comes from the learner's earlier scores and this one, so the answer's reply, mastery included, is
    written with the attempt in one INSERT. The attempt count is raised in SQL (attempts + 1), so answers stored at
    the same moment are all counted; the level then misses the other one until the next answer, which recomputes
    it from the stored attempts. A first answer on a concept adds the row; if a twin added it first, the commit
    raises IntegrityError and the caller tries again."""
    now = utc(now) or now_utc()
    recent = _recent_scores(db, learner_id, concept, RECENT - 1) + [score]
    row = db.get(Mastery, (learner_id, concept))
    if row is None:
        row = Mastery(learner_id=learner_id, concept=concept, attempts=1)
        db.add(row)
    else:
        row.attempts = Mastery.attempts + 1
    return _review(row, recent, score, now)


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
    end_of_day = datetime.combine(now.date(), time.max, tzinfo=timezone.utc)
    return list(db.scalars(select(Mastery.concept)
                           .where(Mastery.learner_id == learner_id, Mastery.review_due.is_not(None),
                                  Mastery.review_due <= end_of_day)
                           .order_by(Mastery.review_due, Mastery.concept)))
