"""Fixtures of the security tests: one app per test on SQLite (these tests are about HTTP, not the database), helpers
to sign people in through the real pages, and a world of two families and two classes."""
from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="module")
def module_app(tmp_path_factory, content_bank, sqlite_template):
    """One SQLite app shared by a module's tests (with the test-only guest route), for crawls that need no isolation."""
    from tests.tutor.test_accounts import add_guest_route
    from tutor import create_app

    path = tmp_path_factory.mktemp("module-app") / "app.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret", "TESTING": True,
                      "CONTENT_BANK": content_bank})
    add_guest_route(app)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def make_app(tmp_path, sqlite_template, content_bank):
    """create_app on a fresh copy of the migrated SQLite template; extra config keys win."""
    from tutor import create_app

    made = []

    def make(**extra):
        path = tmp_path / f"app{len(made)}.db"
        shutil.copy(sqlite_template, path)
        app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret", "TESTING": True,
                          "CONTENT_BANK": content_bank, **extra})
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["db_engine"].dispose()


@pytest.fixture
def sapp(make_app):
    return make_app()
