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


def record(db: Session, learner_id: int, concept: str, score: float, now: datetime | None = None) -> Mastery:
    """Update the learner's mastery row for `concept` after an attempt was added (not committed: the caller owns it)."""
    now = utc(now) or now_utc()
    db.flush()
    recent = db.scalars(select(Attempt.score).where(Attempt.learner_id == learner_id, Attempt.concept == concept)
                        .order_by(Attempt.id.desc()).limit(RECENT)).all()
    total = db.scalar(select(func.count()).select_from(Attempt)
                      .where(Attempt.learner_id == learner_id, Attempt.concept == concept)) or 0
    level, average = level_for(list(reversed(recent)))
    row = db.get(Mastery, (learner_id, concept))
    if row is None:
        row = Mastery(learner_id=learner_id, concept=concept)
        db.add(row)
    card = Card.from_dict(row.review_card) if row.review_card else Card(card_id=1, due=now)
    card, _ = SCHEDULER.review_card(card, rating_for(score), now)
    row.level, row.score, row.attempts = level, round(average, 4), int(total)
    row.review_card = card.to_dict()
    row.review_due = card.due
    return row


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
