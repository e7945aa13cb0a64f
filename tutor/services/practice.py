"""Practice: which quizzes a track has, their questions without answers, storing graded attempts exactly once, and a
learner's progress (attempts, mastery per concept, what to review today).

Besides the quizzes written in the content bank, every track gets its matching exercise as a quiz
(`match:<set id>`), the 9–12 and 13+ tracks get an engine-made numeric practice set (`numbers:<track>`), and a
learner with concepts due gets a review quiz (`review:<track>`). Those ids are not slugs, so they never clash with
the bank's.
"""
from __future__ import annotations

import functools
import random
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content import Bank
from content.schema import MatchingSet

from ..db import driver_execute, writer_turn
from ..errors import Conflict, Invalid, NotFound
from ..models import Attempt, Learner, summary_statements, summary_values, utc_now
from . import grading, mastery, numeric
from .questions import public_item

MAX_KEY = 100
REVIEW_ITEMS = 6
NUMBERS_TITLE = "Numbers from a real network"


# ---- quizzes and their questions -----------------------------------------------------------------------------------

def _known_track(bank: Bank, track: str) -> str:
    if bank.track(track) is None:
        raise Invalid(f"Unknown track '{track}'.", [{"field": "track", "message": "unknown track"}])
    return track


def _numbers_quiz(track: str) -> dict[str, Any] | None:
    kinds = numeric.kinds_for(track)
    if not kinds:
        return None
    concepts = sorted({numeric.generated(k, track, 0).concept for k in kinds})
    return {"id": f"numbers:{track}", "title": NUMBERS_TITLE, "track": track, "concepts": concepts,
            "item_count": len(kinds), "kind": "numbers"}


def _matching_quiz(ms: MatchingSet) -> dict[str, Any]:
    return {"id": f"{grading.MATCHING_PREFIX}{ms.id}", "title": ms.title, "track": ms.track,
            "concepts": sorted(set(ms.concepts.values())), "item_count": 1, "kind": "matching"}


def quiz_list(bank: Bank, track: str) -> list[dict[str, Any]]:
    """Every quiz a learner on `track` can take (written quizzes first, then the matching and numbers sets)."""
    quizzes = [{"id": q.id, "title": q.title, "track": q.track, "concepts": list(q.concepts),
                "item_count": len(q.items), "kind": "quiz"} for q in bank.quizzes(_known_track(bank, track))]
    if (ms := bank.matching_set(track)) is not None:
        quizzes.append(_matching_quiz(ms))
    if (numbers := _numbers_quiz(track)) is not None:
        quizzes.append(numbers)
    return quizzes


def public_matching_set(ms: MatchingSet) -> dict[str, Any]:
    definitions = [{"id": d.id, "text": d.text} for d in ms.definitions]
    random.Random(ms.id).shuffle(definitions)  # stable per set, never in the answer's order
    return {"id": f"{grading.MATCHING_PREFIX}{ms.id}", "kind": "matching", "prompt": ms.instructions,
            "title": ms.title, "concept": grading.concept_of(ms), "track": ms.track,
            "hint": "Start with the words you are sure about. The ones left over are easier after that.",
            "terms": [{"id": t.id, "text": t.text} for t in ms.terms], "definitions": definitions}


def public_question(bank: Bank, item, seed: int) -> dict[str, Any]:
    """A bank item as the browser sees it; numeric items become a concrete engine-made question for `seed`."""
    if item.kind == "numeric":
        return numeric.from_item(item, seed).public()
    return public_item(item)


def _seeds(seed: int | None, n: int) -> list[int]:
    base = seed if seed is not None else secrets.randbelow(1_000_000)
    return [(base + 7919 * i) % (numeric.MAX_SEED + 1) for i in range(n)]


def review_items(bank: Bank, track: str, due: list[str], seed: int | None = None) -> list[Any]:
    """Up to REVIEW_ITEMS bank items on the concepts due for review, spread across them."""
    pools = [list(bank.items_for(concept, track)) for concept in due]
    rng = random.Random(seed)
    for pool in pools:
        rng.shuffle(pool)
    picked: list[Any] = []
    while len(picked) < REVIEW_ITEMS and any(pools):
        for pool in pools:
            if pool and len(picked) < REVIEW_ITEMS:
                picked.append(pool.pop())
    return picked


def quiz_detail(bank: Bank, quiz_id: str, *, seed: int | None = None, track: str | None = None,
                db: Session | None = None, learner: Learner | None = None) -> dict[str, Any]:
    """A quiz and its questions, never their answers. `seed` fixes the numbers of engine-made questions."""
    if quiz_id.startswith("numbers:"):
        t = quiz_id.removeprefix("numbers:")
        info = _numbers_quiz(t) if bank.track(t) else None
        if info is None:
            raise NotFound(f"There is no numbers quiz '{quiz_id}'.")
        kinds = numeric.kinds_for(t)
        items = [numeric.generated(k, t, s).public() for k, s in zip(kinds, _seeds(seed, len(kinds)))]
        return {**info, "items": items}
    if quiz_id.startswith(grading.MATCHING_PREFIX):
        ms = grading.matching_set_by_id(bank, quiz_id.removeprefix(grading.MATCHING_PREFIX))
        if ms is None:
            raise NotFound(f"There is no matching exercise '{quiz_id}'.")
        return {**_matching_quiz(ms), "items": [public_matching_set(ms)]}
    if quiz_id.startswith("review:"):
        t = _known_track(bank, quiz_id.removeprefix("review:"))
        due = mastery.review_today(db, learner.id) if db is not None and learner is not None else []
        picked = review_items(bank, t, due, seed)
        items = [public_question(bank, i, s) for i, s in zip(picked, _seeds(seed, len(picked)))]
        return {"id": quiz_id, "title": "Review today", "track": t, "concepts": due, "item_count": len(items),
                "kind": "review", "items": items}
    quiz = bank.quiz(quiz_id)
    if quiz is None:
        raise NotFound(f"There is no quiz '{quiz_id}'.")
    items = bank.quiz_items(quiz_id)
    return {"id": quiz.id, "title": quiz.title, "track": quiz.track, "concepts": list(quiz.concepts),
            "item_count": len(items), "kind": "quiz",
            "items": [public_question(bank, i, s) for i, s in zip(items, _seeds(seed, len(items)))]}


def numeric_question(kind: str, track: str, seed: int | None) -> dict[str, Any]:
    """One engine-made question (GET /api/numeric), without its answer."""
    if kind not in numeric.QUESTION_KINDS or track not in numeric.QUESTION_KINDS[kind][1]:
        raise NotFound(f"There are no '{kind}' questions for {track}; this track has: "
                       f"{', '.join(numeric.kinds_for(track)) or 'none'}.")
    return numeric.generated(kind, track, _seeds(seed, 1)[0]).public()


# ---- attempts -------------------------------------------------------------------------------------------------------

def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key:
        raise Invalid("Send an Idempotency-Key header (for example a random UUID) so a retried answer is stored "
                      "only once.", [{"field": "Idempotency-Key", "message": "header required"}])
    if len(key) > MAX_KEY or not key.isprintable():
        raise Invalid(f"The Idempotency-Key must be at most {MAX_KEY} printable characters.",
                      [{"field": "Idempotency-Key", "message": f"1 to {MAX_KEY} printable characters"}])
    return key


def _stored(db: Session, learner_id: int, key: str) -> Attempt | None:
    return db.scalar(select(Attempt).where(Attempt.learner_id == learner_id, Attempt.idempotency_key == key))


def _replay(stored: Attempt, item_id: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The stored reply for a retried key: only for the same question and the same answer. A key sent again with
    another answer is a client that kept its key after the learner changed their mind: replaying would tell them the
    first answer's verdict about the second (the learner's right answer marked wrong), so it is refused."""
    if stored.item_id != item_id:
        raise Conflict("This Idempotency-Key was already used for another question; make a new key per question.",
                       [{"field": "Idempotency-Key", "message": "already used for another question"}])
    if stored.answer != answer:
        raise Conflict("This Idempotency-Key was already used for a different answer; make a new key per answer.",
                       [{"field": "Idempotency-Key", "message": "already used for a different answer"}])
    return stored.reply


ATTEMPT_FIELDS = ("learner_id", "item_id", "concept", "track", "kind", "answer", "correct", "score", "misconception",
                  "reply", "idempotency_key", "created_at")


@functools.cache
def _answer_writes(dialect: str, first_on_concept: bool, wrong: bool) -> tuple[Executable, ...]:
    """The statements that store one answer, in order: the attempt's INSERT, the concept's mastery row (its INSERT
    for a first answer on the concept, else its UPDATE), and the answer's counts in the dashboard's summaries (the
    wrong-answer count only for a wrong answer). Built once per case: building them costs more than running them.

    Each names its own bind parameters (a_… the attempt's columns, p_… mastery's, s_… the summaries'), so one dict
    of values serves them all. PostgreSQL gets them as one statement, the attempt's INSERT with the others in its
    WITH clause: data-modifying WITH queries all run, to completion, in the statement's transaction, and a unique-key
    violation in any of them fails the whole statement, as it would fail the transaction; one round trip instead of
    three or four. SQLite has no data-modifying WITH, and no round trips to save: it runs them one after another."""
    attempts = Attempt.__table__
    add_attempt = attempts.insert().inline().values({c: bindparam(f"a_{c}", type_=attempts.c[c].type)
                                                     for c in ATTEMPT_FIELDS})
    _, _, add_mastery, bump_mastery = mastery.answer_statements()
    add_stats, add_wrong = summary_statements(dialect, "s_")
    writes = [add_attempt, add_mastery if first_on_concept else bump_mastery, add_stats]
    if wrong:
        writes.append(add_wrong)
    if dialect == "postgresql":
        return (add_attempt.add_cte(*(w.cte(f"answer_write_{n}") for n, w in enumerate(writes[1:], 1))),)
    return tuple(writes)


def submit_attempt(db: Session, bank: Bank, item_id: Any, answer: Any, key: str | None,
                   learner_for: Callable[[str], Learner | None], now: datetime | None = None) -> dict[str, Any]:
    """Grade one answer and store it once per (learner, Idempotency-Key); a retry gets the stored reply back.

    Everything that can be refused (key, item, answer) is checked before anything is written, so a bad request
    stores nothing, not even a guest profile. The attempt, the concept's mastery row and the attempt's counts in the
    dashboard's per-question summaries (tutor.models.summary_values) are written in one transaction, so a retry or a
    raced twin whose insert fails on the unique key is never counted. `learner_for(track)` gives the learner to
    record it for (creating a guest if need be), or None for a grown-up trying the quiz: then the answer is graded
    but not stored.

    This is the hottest write of the app, so it runs prebuilt statements (_answer_writes) with the driver's cursor
    (tutor.db.driver_execute: Core's execute cost more than SQLite's write) instead of the ORM's unit of work; the
    ORM's after_insert hook does not see these rows, so the summaries are written here. On PostgreSQL they are one statement, and POST /api/attempts runs in autocommit
    (tutor.db.one_statement_writes): that statement is the answer's transaction, and commit() sends nothing.
    """
    key = check_key(key)
    graded = grading.grade(bank, item_id, answer)
    learner = learner_for(graded.track)
    if learner is None:
        return graded.reply()
    db.flush()  # anything the session still holds (a guest made by learner_for) is written before the attempt
    learner_id = learner.id
    for _ in range(2):
        # No look-up of the key first: a retried key is rare, and the unique key turns it into an IntegrityError at
        # the INSERT, after which the stored reply is sent back. Nothing is written before that INSERT.
        connection = db.connection()
        review = mastery.record_answer(connection, learner_id, graded.concept, graded.score, now)
        reply = {**graded.reply(), "mastery": {"concept": graded.concept, "level": review.level,
                                               "label": mastery.LEVEL_LABELS[review.level]}}
        created_at = utc_now()
        stats, wrong = summary_values(learner_id, graded.item_id, graded.kind, graded.answer, bool(graded.correct),
                                      graded.misconception, created_at)
        values = {"a_learner_id": learner_id, "a_item_id": graded.item_id, "a_concept": graded.concept,
                  "a_track": graded.track, "a_kind": graded.kind, "a_answer": graded.answer,
                  "a_correct": graded.correct, "a_score": graded.score, "a_misconception": graded.misconception,
                  "a_reply": reply, "a_idempotency_key": key, "a_created_at": created_at, **review.params}
        for name, value in (stats | (wrong or {})).items():  # both have the learner and question, the same values
            values[f"s_{name}"] = value
        with writer_turn(connection):  # SQLite: queue for the write lock instead of sleeping in its busy handler
            try:
                for statement in _answer_writes(connection.dialect.name, review.first, wrong is not None):
                    driver_execute(connection, statement, values)
                db.commit()
                return reply
            except IntegrityError:
                # The key was stored before (a retry, or its twin raced in), or the concept's first mastery row was
                # added meanwhile (then the second round updates it).
                db.rollback()
        if (stored := _stored(db, learner_id, key)) is not None:
            return _replay(stored, graded.item_id, graded.answer)
    raise Conflict("Too many answers arrived at once; please send this one again.")


# ---- progress -------------------------------------------------------------------------------------------------------

def progress(db: Session, bank: Bank, learner: Learner | None, track: str | None,
             now: datetime | None = None) -> dict[str, Any]:
    """A learner's attempts, mastery per concept of their track, and the review-today list (zeros for nobody)."""
    track = learner.track if learner is not None else (track or "ages-9-12")
    concepts = [lesson.id for lesson in bank.concepts(track)]
    if learner is None:
        return {"learner": None, "track": track, "attempts": 0, "correct": 0,
                "concepts": [mastery.summary(None, c) for c in concepts], "review_today": []}
    counts = db.execute(select(func.count(), func.coalesce(func.sum(case((Attempt.correct, 1), else_=0)), 0))
                        .where(Attempt.learner_id == learner.id)).one()
    rows = mastery.rows(db, learner.id)
    extra = sorted(set(rows) - set(concepts))
    return {"learner": {"id": learner.id, "nickname": learner.nickname, "track": learner.track,
                        "is_guest": learner.is_guest},
            "track": track, "attempts": int(counts[0]), "correct": int(counts[1]),
            "concepts": [mastery.summary(rows.get(c), c) for c in concepts + extra],
            "review_today": mastery.review_today(db, learner.id, now)}
