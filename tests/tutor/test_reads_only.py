"""tutor.db.reads_only: on PostgreSQL a read-only view's queries run outside a transaction (no BEGIN, no ROLLBACK),
other requests keep theirs, pooled connections go back to normal, and a marked view that writes is refused."""
from __future__ import annotations

import logging

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, select

from tutor import identity
from tutor.db import WriteInReadOnlyView, driver_execute, driver_rows, get_db, reads_only
from tutor.models import ChatTopic
from tutor.services import lessons, mastery, practice


@pytest.fixture
def pg_app(app):
    if app.extensions["db_engine"].dialect.name != "postgresql":
        pytest.skip("reads_only changes nothing on SQLite")
    return app


def transaction_states(app, monkeypatch) -> list[tuple[str, TransactionStatus, bool]]:
    """(first word of each statement, the connection's transaction status right after it, autocommit) for every
    statement run through any session maker of the app, and for the statements run with the driver's cursor
    (tutor.db.driver_rows: the signed-in person, a lesson's progress; driver_execute: an answer's write), which no
    SQLAlchemy event sees."""
    seen = []

    def state(conn):
        dbapi = conn.connection.dbapi_connection
        return dbapi.info.transaction_status, dbapi.autocommit

    def after(conn, _cursor, statement, _params, _context, _many):
        seen.append((statement.split()[0].upper(), *state(conn)))

    def watched(conn, statement, params):
        rows = driver_rows(conn, statement, params)
        seen.append(("SELECT", *state(conn)))
        return rows

    def written(conn, statement, params):
        driver_execute(conn, statement, params)
        seen.append((str(statement).split()[0].upper(), *state(conn)))

    for name in [name for name in app.extensions if name.endswith("sessionmaker")]:  # every session the app makes
        event.listen(app.extensions[name].kw["bind"], "after_cursor_execute", after)
    for module in (identity, lessons, mastery):
        monkeypatch.setattr(module, "driver_rows", watched)
    monkeypatch.setattr(practice, "driver_execute", written)
    return seen


def signed_in_learner(client) -> None:
    token = client.get("/api/session").get_json()["csrf_token"]
    reply = client.post("/api/lessons/neuron/progress", json={"track": "ages-5-8", "messages_seen": 2},
                        headers={"X-CSRF-Token": token})
    assert reply.status_code == 200 and reply.get_json()["stored"] is True


def test_a_lesson_page_reads_outside_any_transaction_and_other_requests_keep_theirs(pg_app, client, monkeypatch):
    signed_in_learner(client)
    seen = transaction_states(pg_app, monkeypatch)

    page = client.get("/learn/neuron?track=ages-5-8")

    assert page.status_code == 200
    assert len(seen) >= 2  # the learner and their progress on this lesson
    assert all(word == "SELECT" and status == TransactionStatus.IDLE and autocommit
               for word, status, autocommit in seen), seen  # IDLE after a query: no BEGIN was sent
    seen.clear()
    token = client.get("/api/session").get_json()["csrf_token"]
    client.post("/api/lessons/neuron/progress", json={"track": "ages-5-8", "messages_seen": 3},
                headers={"X-CSRF-Token": token})
    assert seen and all(status == TransactionStatus.INTRANS and not autocommit
                        for _, status, autocommit in seen), seen  # a write request runs in its transaction


def test_a_pooled_connection_is_back_in_transactions_after_a_lesson_page(pg_app, client):
    signed_in_learner(client)
    assert client.get("/learn/neuron?track=ages-5-8").status_code == 200
    with pg_app.app_context():
        connection = get_db().connection()
        assert connection.connection.dbapi_connection.autocommit is False


def test_a_marked_view_that_writes_is_refused_and_writes_nothing(pg_app, client, caplog):
    @reads_only
    def writes_anyway():
        get_db().add(ChatTopic(learner_id=None, topic="neuron", confidence=0.9, track="ages-5-8"))
        get_db().commit()
        return "stored"

    pg_app.add_url_rule("/test-writes-anyway", view_func=writes_anyway)
    with caplog.at_level(logging.ERROR, logger="tutor.errors"):
        assert client.get("/test-writes-anyway").status_code == 500  # logged, the user gets the error page
    assert [type(r.exc_info[1]) for r in caplog.records if r.exc_info] == [WriteInReadOnlyView]
    with pg_app.app_context():
        assert get_db().scalar(select(func.count()).select_from(ChatTopic)) == 0


def test_a_marked_view_that_writes_with_the_drivers_cursor_is_refused_too(pg_app, client, caplog):
    """tutor.db.driver_execute skips SQLAlchemy's events, the guard above included, so it checks for itself."""
    table = ChatTopic.__table__
    add = table.insert().values(learner_id=None, topic="neuron", confidence=0.9, track="ages-5-8")

    @reads_only
    def writes_with_the_driver():
        driver_execute(get_db().connection(), add, {})
        return "stored"

    pg_app.add_url_rule("/test-driver-writes", view_func=writes_with_the_driver)
    with caplog.at_level(logging.ERROR, logger="tutor.errors"):
        assert client.get("/test-driver-writes").status_code == 500
    assert [type(r.exc_info[1]) for r in caplog.records if r.exc_info] == [WriteInReadOnlyView]
    with pg_app.app_context():
        assert get_db().scalar(select(func.count()).select_from(ChatTopic)) == 0
        driver_execute(get_db().connection(), add, {})  # the same statement outside such a view is written
        get_db().commit()
        assert get_db().scalar(select(func.count()).select_from(ChatTopic)) == 1


READ_PAGES = {"learn.lesson": "/learn/neuron?track=ages-5-8", "learn.lessons": "/learn?track=ages-5-8",
              "quiz.index": "/practice/?track=ages-5-8", "quiz.take": "/practice/review:ages-5-8",
              "quiz.form": "/practice/quiz-5-8-meet-the-robot/form"}


def test_the_read_pages_are_marked(app):
    marked = {name for name, view in app.view_functions.items() if getattr(view, "reads_only", False)}
    assert marked == set(READ_PAGES)


@pytest.mark.parametrize("endpoint", sorted(READ_PAGES))
def test_each_read_page_serves_a_learner_outside_any_transaction(pg_app, client, endpoint, monkeypatch):
    """With a signed-in learner, so the page reads their progress too."""
    signed_in_learner(client)
    seen = transaction_states(pg_app, monkeypatch)
    assert client.get(READ_PAGES[endpoint]).status_code == 200
    assert seen and all(word == "SELECT" and status == TransactionStatus.IDLE and autocommit
                        for word, status, autocommit in seen), seen
