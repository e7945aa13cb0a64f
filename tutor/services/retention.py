"""How long the tutor keeps what nobody can come back to: guests who stopped learning.

A guest profile lives with one browser's session (which ends after PERMANENT_SESSION_LIFETIME without a visit) and
with its claim code, which a parent or teacher can use to keep it. A guest that nobody claimed and that stored
nothing for `idle_days` is deleted with everything stored about them (`tutor guests prune`, run daily by cron or a
scheduler). Family children and class members are never touched here: their parent or teacher decides.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, delete, exists, not_, or_, select
from sqlalchemy.orm import Session

from ..models import Learner, Membership
from .family import learning_tables
from .mastery import now_utc

# The columns that say when a learner last did something (not when a review is due: that is in the future).
ACTIVITY_TIMES = ("created_at", "updated_at", "last_at", "recorded_at")
BATCH = 500  # learners deleted per transaction: a large clean-up never holds the write lock for long


def _active_since(table: Table, cutoff: datetime):
    """Rows of `table` for the learner being looked at that were written at or after `cutoff`."""
    columns = [table.c[name] for name in ACTIVITY_TIMES if name in table.c]
    return exists().where(table.c.learner_id == Learner.id, or_(*(column >= cutoff for column in columns)))


def _idle(cutoff: datetime) -> list:
    """An unclaimed guest (no family, no class), created before `cutoff` and with nothing stored since."""
    recent = [_active_since(t, cutoff) for t in learning_tables() if any(n in t.c for n in ACTIVITY_TIMES)]
    return [Learner.is_guest.is_(True), Learner.parent_id.is_(None), Learner.created_at < cutoff,
            not_(exists().where(Membership.learner_id == Learner.id)), not_(or_(*recent))]


def _cutoff(idle_days: int, now: datetime | None) -> datetime:
    return (now or now_utc()) - timedelta(days=idle_days)


def idle_guests(db: Session, idle_days: int, now: datetime | None = None) -> list[int]:
    """Ids of the guests that stored nothing for `idle_days` days before `now` (and nobody claimed)."""
    return list(db.scalars(select(Learner.id).where(*_idle(_cutoff(idle_days, now))).order_by(Learner.id)))


def prune_guests(db: Session, idle_days: int, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the idle guests (idle_guests) and, through ON DELETE CASCADE, all they stored; commits in batches.
    Returns how many were (or, with dry_run, would be) deleted."""
    now = now or now_utc()
    ids = idle_guests(db, idle_days, now)
    if dry_run:
        return len(ids)
    deleted = 0
    for start in range(0, len(ids), BATCH):
        # Checked again in the DELETE: a guest claimed or back at work meanwhile stays.
        batch = ids[start:start + BATCH]
        deleted += db.execute(delete(Learner.__table__).where(Learner.id.in_(batch), *_idle(_cutoff(idle_days, now)))
                              ).rowcount
        db.commit()
    return deleted
