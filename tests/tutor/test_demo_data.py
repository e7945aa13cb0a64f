"""`tutor demo`: a family and a class with realistic histories, made through the grading and mastery services,
idempotent, and with what the dashboards need to show something (strong learners, two stuck now, a shared
misconception, lessons to do, chat topics)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from tutor.models import Attempt, ChatTopic, Classroom, Mastery
from tutor.services import dashboard, mastery
from tutor.services.demo import DEMO_CLASS, SHARED_MISCONCEPTION, load_demo

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=timezone.utc)


def counts(db):
    return [db.scalar(select(func.count()).select_from(t)) for t in (Attempt, Mastery, ChatTopic)]


def test_demo_histories(app, db, content_bank):
    with app.app_context():
        load_demo(db, content_bank, now=NOW)
        first = counts(db)
        load_demo(db, content_bank, now=NOW)
    assert counts(db) == first and first[0] > 500  # idempotent
    classroom = db.scalar(select(Classroom).where(Classroom.name == DEMO_CLASS))
    data = dashboard.overview(db, content_bank, classroom, now=NOW)
    assert 12 <= len(data["learners"]) <= 28
    assert {s["nickname"] for s in data["stuck"]} == {"Ben", "Hugo"}
    assert data["misconceptions"]["misconceptions"][0]["id"] == SHARED_MISCONCEPTION
    assert max(r["total"] for r in data["grid"]) >= 10 and min(r["total"] for r in data["grid"]) <= 2
    assert data["assignments"] and data["topics"] and len(data["hardest"]) == 3
    # mastery rows are what the mastery service makes of each learner's latest answers
    for row in db.scalars(select(Mastery)):
        scores = db.scalars(select(Attempt.score).where(Attempt.learner_id == row.learner_id,
                                                        Attempt.concept == row.concept)
                            .order_by(Attempt.id.desc()).limit(mastery.RECENT)).all()
        assert row.level == mastery.level_for(list(reversed(scores)))[0]


def test_demo_people_exist_before_their_history(app, db, content_bank):
    """A child's export or family page never shows answers from before the child (or their class) was made."""
    from tutor.models import Account, ActivityRun, Learner, LessonProgress, Membership

    with app.app_context():
        load_demo(db, content_bank, now=NOW)
    first = {}
    for model, when in ((Attempt, Attempt.created_at), (ChatTopic, ChatTopic.created_at),
                        (ActivityRun, ActivityRun.created_at), (LessonProgress, LessonProgress.updated_at)):
        for learner_id, at in db.execute(select(model.learner_id, func.min(when)).group_by(model.learner_id)):
            if learner_id is not None and at is not None:
                first[learner_id] = min(mastery.utc(at), first.get(learner_id, mastery.utc(at)))
    assert len(first) >= 12
    earliest = min(first.values())
    for learner in db.scalars(select(Learner).where(Learner.id.in_(first))):
        assert mastery.utc(learner.created_at) <= first[learner.id], learner.nickname
    for membership in db.scalars(select(Membership).where(Membership.learner_id.in_(first))):
        assert mastery.utc(membership.joined_at) <= first[membership.learner_id]
    for row in (*db.scalars(select(Account)), *db.scalars(select(Classroom))):
        assert mastery.utc(row.created_at) <= earliest
