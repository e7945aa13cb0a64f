"""An unexpected error is a 500 with a generic body, as JSON under /api and as a page elsewhere: no traceback, no
file paths, no exception text; debug mode is off unless asked for."""
from __future__ import annotations

import logging
import re

import pytest

SECRET = "db password is hunter2"  # text of the exception: must never reach the visitor
LEAKS = re.compile(r"Traceback|File \"|\.py\b|/work/|site-packages|hunter2|RuntimeError|werkzeug", re.I)


@pytest.fixture
def boom_app(make_app):
    app = make_app()

    def boom():
        raise RuntimeError(SECRET)

    app.add_url_rule("/_test/boom", "test_boom", boom, methods=["GET", "POST"])
    app.add_url_rule("/api/_test/boom", "test_api_boom", boom, methods=["GET", "POST"])
    return app


def test_a_crashing_api_route_answers_the_standard_500(boom_app, caplog):
    with caplog.at_level(logging.ERROR, logger="tutor.errors"):
        r = boom_app.test_client().get("/api/_test/boom")
    assert r.status_code == 500 and r.mimetype == "application/json"
    assert r.get_json() == {"error": {"code": "internal", "details": [],
                                      "message": "Something went wrong on our side. It has been logged; "
                                                 "please try again."}}
    assert not LEAKS.search(r.get_data(as_text=True))
    assert SECRET in caplog.text  # the details go to the log, for the people running the service


def test_a_crashing_page_shows_a_friendly_page(boom_app):
    r = boom_app.test_client().get("/_test/boom")
    assert r.status_code == 500 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "Something went wrong" in html and "<h1" in html
    assert not LEAKS.search(html)
    assert "Content-Security-Policy" in r.headers


def test_a_crash_in_a_json_post_is_json_too(boom_app):
    client = boom_app.test_client()
    csrf = client.get("/api/session").get_json()["csrf_token"]
    r = client.post("/_test/boom", json={"a": 1}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 500 and r.get_json()["error"]["code"] == "internal"


@pytest.mark.parametrize("path, status", [("/no/such/page", 404), ("/api/no-such-thing", 404),
                                          ("/api/health", 405)])
def test_http_errors_carry_no_internals(sapp, path, status):
    client = sapp.test_client()
    r = client.get(path) if status == 404 else client.delete(path)
    assert r.status_code == status
    assert not LEAKS.search(r.get_data(as_text=True))


def test_debug_is_off_by_default(monkeypatch, tmp_path, content_bank):
    from tutor import create_app

    for key in ("FLASK_DEBUG", "DEBUG", "TESTING"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    app = create_app()
    assert app.debug is False and app.testing is False and not app.config["PROPAGATE_EXCEPTIONS"]
    app.extensions["db_engine"].dispose()
