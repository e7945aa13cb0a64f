"""Migrations and models agree, and every migration runs up and down on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect

from tests.conftest import PG_OK, create_pg_database, drop_pg_database, pg_url
from tutor.db import Base, alembic_config, downgrade_database, make_engine, upgrade_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrate.db"
        return
    if not PG_OK:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = create_pg_database("tutor_migrate")
    yield pg_url(name)
    drop_pg_database(name)


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_check_downgrade_upgrade(empty_database):
    url = empty_database
    upgrade_database(url)
    assert table_names(url) == set(Base.metadata.tables)
    command.check(alembic_config(url))  # raises if the models have changes no migration has
    downgrade_database(url, "base")
    assert table_names(url) == set()
    upgrade_database(url)
    assert table_names(url) == set(Base.metadata.tables)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path}/wal.db"
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_postgres_urls_use_psycopg3():
    from tutor.db import normalise_url

    assert normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
