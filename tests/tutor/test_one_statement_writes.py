"""tutor.db.one_statement_writes: on PostgreSQL an answer runs in autocommit (no BEGIN, no COMMIT), its write is
one statement that stores all or nothing, and pooled connections go back to normal; nothing changes on SQLite."""
from __future__ import annotations

import uuid

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import func, select

from tutor.db import get_db
from tutor.models import Attempt, LearnerItemStats, Mastery
from tutor.services import mastery, practice

from .test_attempts import app, attempt  # noqa: F401 - the app with the sample items, and answering one
from .test_reads_only import transaction_states

ITEM = "t-tf"


def rows(app, model, **where) -> int:  # noqa: F811 - the app fixture, passed on
    with app.app_context():
        return get_db().scalar(select(func.count()).select_from(model).filter_by(**where))


def test_only_the_answer_view_is_marked(app):  # noqa: F811
    marked = {name for name, view in app.view_functions.items() if getattr(view, "one_statement_writes", False)}
    assert marked == {"api.attempts_post"}


def test_on_postgresql_an_answer_sends_no_begin_and_no_commit(app, api, monkeypatch):  # noqa: F811
    if app.extensions["db_engine"].dialect.name != "postgresql":
        pytest.skip("only PostgreSQL runs these views in autocommit")
    first = attempt(api, ITEM, {"value": True})  # the guest is made by this first answer
    assert first.status_code == 200
    concept = first.get_json()["mastery"]["concept"]
    seen = transaction_states(app, monkeypatch)
    reply = attempt(api, ITEM, {"value": False})
    assert reply.status_code == 200
    words = [word for word, _, _ in seen]
    assert words.count("SELECT") >= 2 and ("INSERT" in words or "WITH" in words), words  # the person, scores; the write
    assert "BEGIN" not in words and "COMMIT" not in words
    assert all(status == TransactionStatus.IDLE and autocommit for _, status, autocommit in seen), seen
    assert rows(app, Attempt) == 2 and rows(app, Mastery, concept=concept) == 1
    with app.app_context():
        assert get_db().scalar(select(Mastery.attempts).where(Mastery.concept == concept)) == 2
        assert get_db().scalar(select(LearnerItemStats.attempts)) == 2
    seen.clear()
    api.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 2})  # not marked: a transaction
    assert seen and all(status == TransactionStatus.INTRANS and not autocommit for _, status, autocommit in seen), seen
    with app.app_context():
        assert get_db().connection().connection.dbapi_connection.autocommit is False  # the pool's connection is back


def test_an_answer_whose_write_fails_stores_none_of_it(app, api, monkeypatch):  # noqa: F811
    """The attempt, the mastery row and the summaries are one statement (PostgreSQL, autocommit) or one transaction
    (SQLite): when its mastery part fails, the attempt and the counts are not stored either."""
    first = attempt(api, ITEM, {"value": True})  # the concept's mastery row now exists
    assert first.status_code == 200
    concept = first.get_json()["mastery"]["concept"]
    real = mastery.record_answer

    def as_if_first(*args, **kwargs):  # a first answer's INSERT of the mastery row, which already exists: it fails
        return real(*args, **kwargs)._replace(first=True)

    monkeypatch.setattr(practice.mastery, "record_answer", as_if_first)
    key = str(uuid.uuid4())
    reply = attempt(api, ITEM, {"value": False}, key)
    assert reply.status_code == 409  # both rounds failed: "Too many answers arrived at once; please send it again"
    assert rows(app, Attempt) == 1 and rows(app, Attempt, idempotency_key=key) == 0
    with app.app_context():
        assert get_db().scalar(select(Mastery.attempts).where(Mastery.concept == concept)) == 1
        assert get_db().scalar(select(LearnerItemStats.attempts)) == 1
    monkeypatch.setattr(practice.mastery, "record_answer", real)
    again = attempt(api, ITEM, {"value": False}, key)  # the learner's retry with the same key is stored, once
    assert again.status_code == 200 and rows(app, Attempt, idempotency_key=key) == 1
