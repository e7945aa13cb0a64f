"""Session fixation (every way of signing in starts a new session) and secrets at rest (hashed, never in clear).

The accounts helper's tests cover the grown-ups' sign-in and a child's PIN sign-in; these add sign-up, a class
member's picture password and joining a class, and look through every stored row for a secret in clear.
"""
from __future__ import annotations

from sqlalchemy import select

from tests.tutor.test_access_matrix import PASSWORD, build_world
from tests.tutor.test_accounts import add_guest_route, enter_code, learner_attempt, post_form, sign_up
from tutor.db import Base


def _plant(client) -> str:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    return client.get_cookie("session").value


def _fresh(client, before: str) -> None:
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_up_starts_a_fresh_session(sapp):
    client = sapp.test_client()
    client.get("/api/session")
    before = _plant(client)
    sign_up(client, "new@example.org")
    _fresh(client, before)


def test_a_class_members_picture_sign_in_starts_a_fresh_session(sapp):
    add_guest_route(sapp)
    world = build_world(sapp)
    client = sapp.test_client()
    enter_code(client, world["other_code"])
    before = _plant(client)
    r = learner_attempt(client, world["other_member"], chosen=world["other_pictures"], go="1")
    assert r.status_code == 302
    _fresh(client, before)


def test_joining_a_class_starts_a_fresh_session(sapp):
    add_guest_route(sapp)
    world = build_world(sapp)
    client = sapp.test_client()
    enter_code(client, world["class_code"])
    before = _plant(client)
    r = post_form(client, "/auth/learner/join", {"nickname": "Newbie", "chosen": "cat-dog-sun", "go": "1"})
    assert r.status_code == 302
    _fresh(client, before)


def test_no_secret_is_stored_in_clear(sapp):
    client = sapp.test_client()
    sign_up(client, "sam@example.org", password=PASSWORD)
    r = post_form(client, "/parent/children/new", {"nickname": "Mia", "avatar": "owl", "track": "ages-5-8",
                                                     "secret_kind": "pin", "pin": "918273", "go": "1"})
    assert r.status_code == 302
    with sapp.extensions["db_sessionmaker"]() as s:
        rows = [row for table in Base.metadata.sorted_tables for row in s.execute(select(table)).all()]
        from tutor.models import Account, Learner

        account = s.scalars(select(Account)).one()
        child = s.scalars(select(Learner)).one()
    text = repr(rows)
    assert PASSWORD not in text and "918273" not in text
    assert account.password_hash.startswith("$argon2id$") and child.pin_hash.startswith("$argon2id$")


# ---- session protection ("strong"): the session is bound to the address and browser it was made from ----------------

def test_the_session_identifier_is_flask_logins_own(sapp):
    from flask_login.utils import _create_identifier

    from tutor.security import IDENTIFIER_CACHE_MAX_HEADER, session_identifier

    cases = [({}, "127.0.0.1"), ({"User-Agent": "Mozilla/5.0 (X11)"}, "10.0.0.7"),
             ({"User-Agent": "écran ☃", "X-Forwarded-For": "203.0.113.9, 10.0.0.1"}, "10.0.0.1"),
             ({"User-Agent": "a" * (IDENTIFIER_CACHE_MAX_HEADER + 1)}, "::1"),
             ({"X-Forwarded-For": "b" * (IDENTIFIER_CACHE_MAX_HEADER + 1)}, "::1")]
    for headers, address in cases * 2:  # the second time from the cache
        with sapp.test_request_context("/", headers=headers, environ_base={"REMOTE_ADDR": address}):
            assert session_identifier() == _create_identifier(), headers
    with sapp.test_request_context("/", headers={"User-Agent": "one"}):
        first = session_identifier()
    with sapp.test_request_context("/", headers={"User-Agent": "two"}):
        assert session_identifier() != first


def test_a_session_taken_to_another_browser_is_signed_out(sapp):
    client = sapp.test_client()
    client.environ_base["HTTP_USER_AGENT"] = "browser-a"
    sign_up(client, "kim@example.org")
    assert client.get("/api/session").get_json()["user"] is not None
    assert client.get("/api/session").get_json()["user"] is not None  # the identifier from the cache this time
    thief = sapp.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "browser-b"
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/api/session").get_json()["user"] is None
    assert client.get("/api/session").get_json()["user"] is not None
