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
