"""PostgreSQL connections are checked before use only after sitting idle, and a dead one never reaches a request."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from tests.conftest import PG_ADMIN, PG_OK
from tutor import db as tutor_db

pytestmark = pytest.mark.skipif(not PG_OK, reason="PostgreSQL is not reachable on 127.0.0.1:5432")


@pytest.fixture
def engine(pg_database):
    engine = tutor_db.make_engine(pg_database)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(monkeypatch):
    seen = []
    real = tutor_db._ping
    monkeypatch.setattr(tutor_db, "_ping", lambda conn: seen.append(1) or real(conn))
    return seen


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_used_a_moment_ago_is_not_pinged(engine, pings):
    for _ in range(5):
        backend_pid(engine)
    assert pings == []


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(engine, pings, monkeypatch):
    pid = backend_pid(engine)
    with psycopg.connect(**PG_ADMIN, autocommit=True) as admin:  # the server drops it, as on a restart
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    real_monotonic = tutor_db.time.monotonic
    monkeypatch.setattr(tutor_db.time, "monotonic", lambda: real_monotonic() + 3600)  # an hour later
    new_pid = backend_pid(engine)  # no error reaches the caller
    assert pings and new_pid != pid
