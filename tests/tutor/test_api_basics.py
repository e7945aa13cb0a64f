"""The JSON API's conventions: health, session, tracks, concepts, errors, OpenAPI."""
from __future__ import annotations

import pytest

from content import CONCEPT_IDS, TRACK_IDS


def test_health_reports_database_and_content(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["concepts"] >= 15


def test_health_is_503_when_the_database_is_gone(app, client):
    app.extensions["db_engine"].dispose()
    app.extensions["db_sessionmaker"].configure(bind=_broken_engine())
    r = client.get("/api/health")
    assert r.status_code == 503
    assert r.get_json()["database"] == "unavailable"


def _broken_engine():
    from sqlalchemy import create_engine

    return create_engine("sqlite:////nonexistent-folder/for/sure/x.db")


def test_session_gives_a_csrf_token_and_no_user_for_a_newcomer(client):
    body = client.get("/api/session").get_json()
    assert body["csrf_token"] and body["user"] is None and body["guest"] is True


def test_tracks(client):
    body = client.get("/api/tracks").get_json()
    assert [t["id"] for t in body["tracks"]] == list(TRACK_IDS)
    assert all(t["label"] and t["description"] for t in body["tracks"])


@pytest.mark.parametrize("track", TRACK_IDS)
def test_concepts_of_each_track(client, track):
    body = client.get(f"/api/concepts?track={track}").get_json()
    assert set(CONCEPT_IDS) <= {c["id"] for c in body["concepts"]}
    assert all(c["title"] and c["summary"] for c in body["concepts"])


def test_one_concept_hides_the_check_answer(client):
    body = client.get("/api/concepts/loss?track=ages-9-12").get_json()
    assert body["id"] == "loss" and body["track"] == "ages-9-12"
    check = body.get("check")
    if check:
        text = repr(check)
        assert "'correct'" not in text and "'answer'" not in text and "'pairs'" not in text


@pytest.mark.parametrize("path, status, code", [
    ("/api/concepts?track=ages-99", 422, "invalid"),
    ("/api/concepts", 422, "invalid"),
    ("/api/concepts?track=ages-5-8&nonsense=1", 422, "invalid"),
    ("/api/concepts/no-such-concept?track=ages-5-8", 404, "not_found"),
    ("/api/no-such-route", 404, "not_found"),
])
def test_errors_have_the_standard_body(client, path, status, code):
    r = client.get(path)
    assert r.status_code == status
    err = r.get_json()["error"]
    assert err["code"] == code and err["message"] and isinstance(err["details"], list)


def test_wrong_method_is_a_json_405(client):
    r = client.delete("/api/tracks")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"


def test_openapi_document_lists_every_api_route(app, client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        path = __import__("re").sub(r"\{\w+:(\w+)\}", r"{\1}", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not in the OpenAPI document"


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(client):
    r = client.get("/api/session")
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(database_url, content_bank):
    from tutor import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "CONTENT_BANK": content_bank})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
    app.extensions["db_engine"].dispose()
