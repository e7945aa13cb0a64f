"""How POST /api/attempts stores an answer (practice.submit_attempt on SQLAlchemy Core): the learner's latest scores on
a concept come from ix_attempts_learner_concept_recent, the mastery row it writes is the one the ORM's full recompute
(mastery.record) gives for the same answers, and a twin that adds the concept's first mastery row meanwhile makes it
try again, storing and counting the answer once."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select, text

from tutor.models import Attempt, Learner, LearnerItemStats, Mastery
from tutor.services import grading, mastery, practice

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TRACK = "ages-9-12"


def make_learner(db, nickname="Ada") -> Learner:
    learner = Learner(nickname=nickname, track=TRACK, is_guest=True)
    db.add(learner)
    db.commit()
    return learner


def answers_on_three_concepts(bank) -> list[tuple[str, dict]]:
    """(item id, answer) pairs, right and wrong, on the first three concepts of the track's quizzes that have
    true/false or choice questions, and the track's matching exercise (partly right answers score between 0 and 1)."""
    by_concept: dict[str, list[tuple[str, dict]]] = {}
    for quiz in bank.quizzes(TRACK):
        for item in bank.quiz_items(quiz.id):
            if item.kind == "truefalse":
                answers = [{"value": True}, {"value": False}]
            elif item.kind == "choice":
                answers = [{"option": o.id} for o in item.options]
            else:
                continue
            by_concept.setdefault(grading.concept_of(item), []).extend((item.id, a) for a in answers)
    concepts = sorted(by_concept)[:3]
    assert len(concepts) == 3
    ms = bank.matching_set(TRACK)
    terms = [t.id for t in ms.terms]
    swapped = {**ms.pairs, terms[0]: ms.pairs[terms[1]], terms[1]: ms.pairs[terms[0]]}
    matching = [(f"{grading.MATCHING_PREFIX}{ms.id}", {"pairs": dict(ms.pairs)}),
                (f"{grading.MATCHING_PREFIX}{ms.id}", {"pairs": swapped})]
    return [pair for c in concepts for pair in by_concept[c]] + matching


def mastery_rows(db, learner_id) -> dict[str, tuple]:
    return {m.concept: (m.level, m.score, m.attempts, m.review_card, mastery.utc(m.review_due))
            for m in db.scalars(select(Mastery).where(Mastery.learner_id == learner_id))}


@pytest.mark.parametrize("seed", [1, 2])
def test_each_answer_writes_the_mastery_the_full_recompute_gives(db, content_bank, seed):
    """The same answers, at the same moments, stored by submit_attempt for one learner and added through the ORM and
    mastery.record (every attempt re-read, attempts counted) for another: same level, score, attempt count, FSRS card
    and review date on every concept after every answer, and the reply says that level."""
    fast, full = make_learner(db, "Fast"), make_learner(db, "Full")
    choices = answers_on_three_concepts(content_bank)
    rng = random.Random(seed)
    for n in range(40):
        item_id, answer = rng.choice(choices)
        now = T0 + timedelta(hours=rng.choice([0, 1, 5, 30]) * n)
        reply = practice.submit_attempt(db, content_bank, item_id, answer, f"key-{n}", lambda _track: fast, now)
        graded = grading.grade(content_bank, item_id, answer)
        db.add(Attempt(learner_id=full.id, item_id=graded.item_id, concept=graded.concept, track=graded.track,
                       kind=graded.kind, answer=graded.answer, correct=graded.correct, score=graded.score,
                       misconception=graded.misconception, reply={}, idempotency_key=f"key-{n}"))
        row = mastery.record(db, full.id, graded.concept, graded.score, now)
        db.commit()
        assert reply["mastery"] == {"concept": graded.concept, "level": row.level,
                                    "label": mastery.LEVEL_LABELS[row.level]}
        assert mastery_rows(db, fast.id) == mastery_rows(db, full.id)
    assert len(mastery_rows(db, fast.id)) == 4  # three concepts and the matching exercise's


def test_a_twin_adding_the_first_mastery_row_meanwhile_makes_the_answer_try_again(db, content_bank, monkeypatch):
    learner = make_learner(db)
    item_id, answer = answers_on_three_concepts(content_bank)[0]
    concept = grading.grade(content_bank, item_id, answer).concept
    real, rounds = mastery.record_answer, []

    def twin_first(connection, learner_id, concept_, score, now=None):
        review = real(connection, learner_id, concept_, score, now)
        rounds.append(review.first)
        if len(rounds) == 1:  # the twin's answer stores the concept's first mastery row before ours is written
            with db.get_bind().begin() as other:
                other.execute(Mastery.__table__.insert(), {
                    "learner_id": learner_id, "concept": concept_, "level": "attempted", "score": 0.0,
                    "attempts": 1, "review_card": None, "review_due": None})
        return review

    monkeypatch.setattr(practice.mastery, "record_answer", twin_first)
    reply = practice.submit_attempt(db, content_bank, item_id, answer, "key-1", lambda _track: learner, T0)
    assert rounds == [True, False]  # first round would add the row, the second updates the twin's
    row = db.get(Mastery, (learner.id, concept))
    assert row.attempts == 2 and reply["mastery"]["level"] == row.level
    assert db.scalar(select(func.count()).select_from(Attempt)) == 1
    assert db.scalar(select(func.sum(LearnerItemStats.attempts))) == 1


def test_a_learner_made_in_the_same_session_is_written_before_the_attempt(db, content_bank):
    """learner_for may hand over a learner the session has not written yet; the answer's rows refer to it."""
    item_id, answer = answers_on_three_concepts(content_bank)[0]
    learner = Learner(nickname="New", track=TRACK, is_guest=True)
    db.add(learner)
    reply = practice.submit_attempt(db, content_bank, item_id, answer, "key-1", lambda _track: learner, T0)
    assert reply["mastery"]["level"] in mastery.LEVELS
    assert db.scalar(select(Attempt.learner_id)) == learner.id


def test_the_latest_scores_are_read_from_their_index(db, content_bank):
    """Reading a learner's latest scores on a concept walks ix_attempts_learner_concept_recent newest first, score
    included: it neither reads the learner's other attempts nor sorts, however many they are."""
    columns = {ix["name"]: ix["column_names"] for ix in inspect(db.get_bind()).get_indexes("attempts")}
    assert columns["ix_attempts_learner_concept_recent"] == ["learner_id", "concept", "id", "score"]
    learner = make_learner(db)
    for n in range(300):
        db.add(Attempt(learner_id=learner.id, item_id="x", concept=f"c{n % 10}", track=TRACK, kind="choice",
                       answer={}, correct=n % 3 == 0, score=float(n % 3 == 0), misconception=None, reply={},
                       idempotency_key=f"k{n}"))
    db.commit()
    connection = db.connection()
    recent = mastery.answer_statements()[0]
    sql = str(recent.compile(dialect=connection.dialect))
    params = recent.compile(dialect=connection.dialect).construct_params({"p_learner": learner.id, "p_concept": "c3"})
    if connection.dialect.name == "sqlite":
        plan = " | ".join(r[-1] for r in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(
            params[name] for name in recent.compile(dialect=connection.dialect).positiontup)))
        assert "COVERING INDEX ix_attempts_learner_concept_recent" in plan and "TEMP B-TREE" not in plan, plan
    else:
        connection.execute(text("ANALYZE attempts"))
        plan = " | ".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + sql, params))
        assert "ix_attempts_learner_concept_recent" in plan and "Sort" not in plan, plan
    db.rollback()
    rows = db.connection().execute(recent, {"p_learner": learner.id, "p_concept": "c3"}).all()
    assert [score for score, *_ in rows] == [float(n % 3 == 0) for n in range(293, -1, -10)][:mastery.RECENT - 1]
