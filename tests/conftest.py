"""Shared fixtures, flaskr style: a fresh database per test, on SQLite always and on PostgreSQL when it answers."""
from __future__ import annotations

import json
import os
import shutil
import uuid

import pytest
from hypothesis import settings

# CI runs the same examples every time (a red build is always reproducible) and never fails on a slow example
# when the machine is busy; locally hypothesis keeps exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() not in ("", "0", "false") else "dev")

PG_ADMIN = dict(host="127.0.0.1", port=5432, user=os.environ.get("PGUSER", "postgres"), dbname="test")


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(**PG_ADMIN, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable here"
        return False


PG_OK = postgres_reachable()


def pg_url(dbname: str) -> str:
    return f"postgresql+psycopg://{PG_ADMIN['user']}@{PG_ADMIN['host']}:{PG_ADMIN['port']}/{dbname}"


def create_pg_database(prefix: str) -> str:
    import psycopg

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(**PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(**PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def content_bank():
    from content import load_bank

    return load_bank()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """One migrated SQLite file per session; each test gets a copy (much faster than migrating each time)."""
    from tutor.db import upgrade_database

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database():
    if not PG_OK:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    from tutor.db import upgrade_database

    name = create_pg_database("tutor_test")
    url = pg_url(name)
    upgrade_database(url)
    yield url
    drop_pg_database(name)


def _truncate_all(url: str) -> None:
    from sqlalchemy import text

    from tutor import models  # noqa: F401
    from tutor.db import Base, make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    _truncate_all(url)
    return url


@pytest.fixture
def app(database_url, content_bank):
    from tutor import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "CONTENT_BANK": content_bank})
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def limited_app(database_url, content_bank):
    """A factory of apps with rate limits on: `limited_app(**extra)` builds an app on the test database and bank with
    RATELIMIT_ENABLED, plus any extra settings (e.g. REDIS_URL to count in Redis instead of memory); each app counts
    with a limiter of its own (tutor/security.py), so apps made here do not change any other app. At the end it
    disposes of the database engine of every app it made."""
    from tutor import create_app

    def make(**extra):
        return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                           "CONTENT_BANK": content_bank, "RATELIMIT_ENABLED": True, **extra})

    made = []
    yield lambda **extra: made.append(make(**extra)) or made[-1]
    for app in made:
        app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """A session of its own for checking and arranging data.

    It is not the request's session and no app context stays pushed, so test-client requests keep their own `g`
    (session, CSRF token, signed-in user) exactly as in production.
    """
    session = app.extensions["db_sessionmaker"]()
    yield session
    session.close()


class Api:
    """A JSON client that carries the CSRF token the way the browser pages do."""

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.client.get("/api/session").get_json()["csrf_token"]
        return self._token

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def post(self, path: str, body=None, *, headers: dict | None = None, csrf: bool = True, raw: str | None = None):
        hdrs = {"X-CSRF-Token": self.token} if csrf else {}
        hdrs.update(headers or {})
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(path, data=data, content_type="application/json", headers=hdrs)


@pytest.fixture
def api(client):
    return Api(client)


def clean_redis(db_number: int):
    """For a fixture: Redis database `db_number` on 127.0.0.1:6379, emptied before and after (or the test skips)."""
    redis = pytest.importorskip("redis")
    try:
        server = redis.Redis.from_url(f"redis://127.0.0.1:6379/{db_number}", socket_connect_timeout=1)
        server.ping()
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    server.flushdb()
    yield server
    server.flushdb()


def form_token(client, path: str = "/") -> str:
    """The CSRF token a page's form carries (the same one /api/session hands out)."""
    return client.get("/api/session").get_json()["csrf_token"]
