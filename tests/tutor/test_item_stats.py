"""The per-question summaries the class dashboard reads (learner_item_stats, learner_wrong_answers): kept in step
with the attempts by the flush that stores each one, equal to what the attempts say on random histories (in any
insertion order, with ties at the first moment, numeric questions across seeds), equal to what migration 0030's
backfill computes from the same attempts, and never counting a retried or raced Idempotency-Key twice."""
from __future__ import annotations

import importlib.util
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from tutor.models import Attempt, Learner, LearnerItemStats, LearnerWrongAnswer, question_of
from tutor.services import dashboard, grading, numeric, practice

from .test_dashboard import _remember_app, make_class, make_teacher  # noqa: F401  (the fixture they need)

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
TRACK = "ages-9-12"
MIGRATION = next((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("0030_*.py"))


def migration_0030():
    spec = importlib.util.spec_from_file_location("migration_0030", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summaries(db) -> tuple[list, list]:
    s, w = LearnerItemStats, LearnerWrongAnswer
    stats = [(r.learner_id, r.question, r.attempts, r.correct, dashboard.mastery.utc(r.first_at), bool(r.first_correct),
              dashboard.mastery.utc(r.last_at)) for r in db.scalars(select(s).order_by(s.learner_id, s.question))]
    wrong = [(r.learner_id, r.question, r.option, r.misconception, r.times)
             for r in db.scalars(select(w).order_by(w.learner_id, w.question, w.option, w.misconception))]
    return stats, wrong


# ---- random histories ------------------------------------------------------------------------------------------------

def answers_for(bank, item) -> list[dict]:
    """Every kind of answer a learner could give to a bank item: right, and each wrong option or value."""
    if item.kind == "choice":
        return [{"option": o.id} for o in item.options]
    if item.kind == "truefalse":
        return [{"value": True}, {"value": False}]
    if item.kind == "multi":
        return [{"options": [o.id]} for o in item.options] + [{"options": [o.id for o in item.options if o.correct]}]
    if item.kind == "order":
        steps = [s.id for s in item.steps]
        return [{"order": steps}, {"order": [steps[1], steps[0], *steps[2:]]}]
    raise AssertionError(item.kind)


def random_history(db, bank, learners, seed: int) -> list[tuple]:
    """Attempts on a few bank items and two engine-made numeric questions (several seeds each), at times drawn from a
    small grid (so first attempts tie), added in a random order (so a later insert can be the earlier attempt)."""
    rng = random.Random(seed)
    items = [i for i in bank.items if i.track == TRACK and i.kind in ("choice", "truefalse", "multi", "order")]
    items = rng.sample(items, 6)
    plan = []
    for learner in learners:
        skill = rng.random()
        for _ in range(rng.randint(0, 14)):
            at = NOW - timedelta(days=3) + timedelta(minutes=rng.randint(0, 40))
            if rng.random() < 0.25:
                q = numeric.generated(rng.choice(["weighted-sum", "mse"]), TRACK, rng.randint(0, 3))
                value = q.answer if rng.random() < skill else q.answer + 1000
                plan.append((learner, q.id, {"value": value}, at))
            else:
                item = rng.choice(items)
                plan.append((learner, item.id, rng.choice(answers_for(bank, item)), at))
    rng.shuffle(plan)
    stored = []
    for learner, item_id, given, at in plan:
        g = grading.grade(bank, item_id, given)
        db.add(Attempt(learner_id=learner.id, item_id=g.item_id, concept=g.concept, track=g.track, kind=g.kind,
                       answer=g.answer, correct=g.correct, score=g.score, misconception=g.misconception, reply={},
                       idempotency_key=uuid.uuid4().hex, created_at=at))
        stored.append((learner.id, g.item_id, g.kind, g.answer, g.correct, g.misconception, at))
        if rng.random() < 0.3:
            db.flush()  # some in their own flush, some batched
    db.commit()
    return stored


def expected(stored) -> tuple[list, list]:
    """The summaries worked out in plain Python from the attempts."""
    per: dict[tuple, list] = {}
    wrong: dict[tuple, int] = {}
    for learner_id, item_id, kind, answer, correct, misconception, at in stored:
        per.setdefault((learner_id, question_of(item_id)), []).append((at, correct))
        if not correct:
            option = answer.get("option", "") if kind == "choice" else ""
            k = (learner_id, question_of(item_id), option, misconception or "")
            wrong[k] = wrong.get(k, 0) + 1
    stats = []
    for (learner_id, question), tries in sorted(per.items()):
        first = min(at for at, _ in tries)
        stats.append((learner_id, question, len(tries), sum(c for _, c in tries), first,
                      any(c for at, c in tries if at == first), max(at for at, _ in tries)))
    return stats, [(*k, n) for k, n in sorted(wrong.items())]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summaries_equal_the_attempts_and_the_backfill(db, content_bank, seed):
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, [f"L{k}" for k in range(9)])
    _, outsider = make_class(db, teacher, ["Out"], name="Other class")
    stored = random_history(db, content_bank, [*l.values(), *outsider.values()], seed)
    assert summaries(db) == expected(stored)

    # The dashboard's numbers from the summaries equal those computed from the attempts, panel by panel.
    assert dashboard.item_analysis(db, content_bank, classroom.id, TRACK) == dashboard.item_analysis(
        db, content_bank, classroom.id, TRACK, from_attempts=True)
    assert dashboard.misconception_map(db, content_bank, classroom.id, TRACK) == dashboard.misconception_map(
        db, content_bank, classroom.id, TRACK, from_attempts=True)
    assert dashboard.class_item_statistics(db, classroom.id) == dashboard.item_statistics(
        dashboard.learner_items(db, classroom.id))
    overview = dashboard.overview(db, content_bank, classroom, now=NOW)
    assert overview == dashboard.overview(db, content_bank, classroom, now=NOW, from_attempts=True)
    assert {r["key"] for r in overview["questions"]} <= {question_of(s[1]) for s in stored}

    # Migration 0030's backfill, run on the same attempts, fills the same rows.
    incremental = summaries(db)
    db.execute(delete(LearnerItemStats))
    db.execute(delete(LearnerWrongAnswer))
    migration_0030().backfill(db.connection())
    db.commit()
    assert summaries(db) == incremental


def test_first_attempts_at_the_same_moment_count_as_right_if_any_was(db, content_bank):
    teacher = make_teacher(db)
    _, l = make_class(db, teacher, ["Tie", "Late"])
    q = "q9-lr-bigger"  # true/false, the answer is False
    at = NOW - timedelta(hours=1)
    for who, answers in (("Tie", [(True, at), (False, at)]), ("Late", [(False, at), (True, at - timedelta(1))])):
        for value, moment in answers:  # the second insert is as early as (Tie) or earlier than (Late) the first
            g = grading.grade(content_bank, q, {"value": value})
            db.add(Attempt(learner_id=l[who].id, item_id=q, concept=g.concept, track=g.track, kind=g.kind,
                           answer=g.answer, correct=g.correct, score=g.score, misconception=g.misconception,
                           reply={}, idempotency_key=uuid.uuid4().hex, created_at=moment))
            db.commit()
    rows = {r.learner_id: r for r in db.scalars(select(LearnerItemStats))}
    assert rows[l["Tie"].id].first_correct and rows[l["Tie"].id].attempts == 2 and rows[l["Tie"].id].correct == 1
    assert not rows[l["Late"].id].first_correct  # its earliest attempt (inserted last) was wrong
    assert dashboard.mastery.utc(rows[l["Late"].id].first_at) == at - timedelta(1)
    assert dashboard.mastery.utc(rows[l["Late"].id].last_at) == at


def test_numeric_seeds_are_one_question():
    a = numeric.generated("weighted-sum", TRACK, 1).id
    assert question_of(a) == dashboard.question_key(a) == f"num:weighted-sum:{TRACK}"
    assert question_of("lr-9-12-check") == "lr-9-12-check"


# ---- the write path: stored once, counted once ---------------------------------------------------------------------

def submit(db, bank, learner, key, item_id="q9-lr-bigger", given=None):
    return practice.submit_attempt(db, bank, item_id, given or {"value": True}, key, lambda _track: learner, NOW)


def counted(db, learner_id) -> tuple[int, int]:
    stats = db.scalar(select(func.coalesce(func.sum(LearnerItemStats.attempts), 0))
                      .where(LearnerItemStats.learner_id == learner_id))
    wrong = db.scalar(select(func.coalesce(func.sum(LearnerWrongAnswer.times), 0))
                      .where(LearnerWrongAnswer.learner_id == learner_id))
    return int(stats), int(wrong)


def test_a_retried_key_is_not_counted_twice(db, content_bank):
    learner = Learner(nickname="Rey", track=TRACK)
    db.add(learner)
    db.commit()
    first = submit(db, content_bank, learner, "key-1")
    assert submit(db, content_bank, learner, "key-1") == first
    assert counted(db, learner.id) == (1, 1)
    submit(db, content_bank, learner, "key-2", given={"value": False})  # right: counted, not a wrong answer
    assert counted(db, learner.id) == (2, 1)
    row = db.scalar(select(LearnerItemStats).where(LearnerItemStats.learner_id == learner.id))
    assert (row.attempts, row.correct) == (2, 1)
    assert summaries(db) == expected(stored_attempts(db))  # times from the database's clock, as stored


def stored_attempts(db) -> list[tuple]:
    return [(a.learner_id, a.item_id, a.kind, a.answer, a.correct, a.misconception, dashboard.mastery.utc(a.created_at))
            for a in db.scalars(select(Attempt))]


def test_a_raced_key_is_not_counted_twice(db, content_bank, monkeypatch):
    """The twin request's insert fails on the unique key: its summary updates roll back with it."""
    learner = Learner(nickname="Rae", track=TRACK)
    db.add(learner)
    db.commit()
    first = submit(db, content_bank, learner, "key-r")
    real, calls = practice._stored, []

    def miss_once(session, learner_id, key):
        calls.append(key)
        return None if len(calls) == 1 else real(session, learner_id, key)

    monkeypatch.setattr(practice, "_stored", miss_once)  # as if the twin had not committed when we looked
    assert submit(db, content_bank, learner, "key-r") == first and len(calls) == 2
    assert db.scalar(select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner.id)) == 1
    assert counted(db, learner.id) == (1, 1)
    assert summaries(db) == expected(stored_attempts(db))


def test_an_attempt_that_rolls_back_leaves_no_count(db, content_bank):
    learner = Learner(nickname="Rob", track=TRACK)
    db.add(learner)
    db.commit()
    g = grading.grade(content_bank, "q9-lr-bigger", {"value": True})
    db.add(Attempt(learner_id=learner.id, item_id=g.item_id, concept=g.concept, track=g.track, kind=g.kind,
                   answer=g.answer, correct=g.correct, score=g.score, misconception=g.misconception, reply={},
                   idempotency_key="gone"))
    db.flush()
    assert counted(db, learner.id) == (1, 1)
    db.rollback()
    assert counted(db, learner.id) == (0, 0)


def test_deleting_a_learner_deletes_their_summaries(db, content_bank):
    teacher = make_teacher(db)
    _, l = make_class(db, teacher, ["Del"])
    submit(db, content_bank, l["Del"], "key-d")
    assert counted(db, l["Del"].id) == (1, 1)
    learner_id = l["Del"].id
    db.execute(delete(Learner).where(Learner.id == learner_id))
    db.commit()
    assert counted(db, learner_id) == (0, 0)
