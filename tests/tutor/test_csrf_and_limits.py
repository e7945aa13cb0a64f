"""Forged forms, guessing passwords and PINs, and sessions carried over from before sign-in."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import clean_redis
from tests.tutor.test_access_matrix import MATRIX, PASSWORD, become, build_world, email, fill
from tests.tutor.test_accounts import add_guest_route, enter_code, learner_attempt, post_form, sign_in, sign_up, who
from tutor.db import Base
from tutor.views.auth import CODE_KEY

POST_ROUTES = sorted(rule for method, rule in MATRIX if method == "POST")


def snapshot(app) -> dict:
    """Every row of every table, to compare before and after a request."""
    with app.extensions["db_sessionmaker"]() as s:
        return {t.name: sorted(map(tuple, s.execute(select(t)).all()), key=repr) for t in Base.metadata.sorted_tables}


def valid_form(rule: str, world: dict) -> dict:
    """A form that does what the route is for (so that, with the token, it would change something)."""
    return {
        "/auth/sign-up": {"email": "new@example.org", "password": PASSWORD, "role": "parent", "display_name": "New"},
        "/auth/sign-in": {"email": email("parent", world), "password": PASSWORD},
        "/auth/password": {"current": PASSWORD, "new": "another long password"},
        "/auth/learner": {"code": world["class_code"]},
        "/auth/learner/<int:learner_id>": {"pin": "1111"},
        "/auth/learner/join": {"nickname": "Newbie", "chosen": "cat-dog-sun", "go": "1"},
        "/parent/children/new": {"nickname": "Newkid", "avatar": "owl", "track": "ages-5-8", "secret_kind": "pin",
                                 "pin": "4321", "go": "1"},
        "/parent/children/<int:learner_id>/edit": {"nickname": "Renamed", "avatar": "owl", "track": "ages-13-plus"},
        "/parent/children/<int:learner_id>/secret": {"secret_kind": "pin", "pin": "5555", "go": "1"},
        "/parent/claim": {"code": "ABCD2345", "nickname": "Claimed", "avatar": "owl", "secret_kind": "pin",
                          "pin": "1234", "go": "1"},
        "/teacher/classes/new": {"name": "New class"},
        "/teacher/classes/<int:classroom_id>/edit": {"name": "Renamed class", "track": ""},
        "/teacher/classes/<int:classroom_id>/learners": {"names": "Newone\nNewtwo"},
        "/teacher/classes/<int:classroom_id>/claim": {"code": "ABCD2345", "nickname": "Claimed"},
        # the class member has no family and no other class: removing them deletes them, as the page says
        "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>/remove": {"outcome": "delete"},
    }.get(rule, {})


def who_posts(rule: str) -> str:
    if rule.startswith("/parent") or rule in ("/auth/password", "/auth/sign-out"):
        return "parent"
    if rule.startswith("/teacher"):
        return "teacher"
    if rule == "/auth/learner/<int:learner_id>":
        return "learner"
    return "anonymous"


# Routes whose valid form changes stored rows (the others change only the session, or need a guest's code).
CHANGES_ROWS = {
    "/auth/sign-up", "/auth/password", "/auth/learner/join", "/parent/children/new",
    "/parent/children/<int:learner_id>/edit", "/parent/children/<int:learner_id>/secret",
    "/parent/children/<int:learner_id>/remove", "/teacher/classes/new", "/teacher/classes/<int:classroom_id>/edit",
    "/teacher/classes/<int:classroom_id>/archive", "/teacher/classes/<int:classroom_id>/code",
    "/teacher/classes/<int:classroom_id>/learners",
    "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>/pictures",
    "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>/remove",
}


@pytest.mark.parametrize("rule", POST_ROUTES)
def test_every_form_refuses_a_post_without_the_token(app, rule):
    add_guest_route(app)
    world = build_world(app)
    client = app.test_client()
    role = who_posts(rule)
    become(client, role, world)
    if rule == "/auth/learner/join":
        enter_code(client, world["class_code"])
    before, user_before = snapshot(app), who(client)
    path, form = fill(rule, world), valid_form(rule, world)

    for forged in (form, {**form, "csrf_token": "not-the-token"}):
        r = client.post(path, data=forged)
        assert r.status_code == 400, f"POST {path} without a valid token answered {r.status_code}"
        assert "security token" in r.get_data(as_text=True)
        assert snapshot(app) == before and who(client) == user_before

    r = post_form(client, path, form)  # the same form with the token does its job
    assert r.status_code in (200, 302, 422), r.status_code
    if rule in CHANGES_ROWS:
        assert snapshot(app) != before, f"POST {path} with the token changed nothing: the form above is not valid"


# ---- rate limits ----------------------------------------------------------------------------------------------------

def _eleven_sign_ins(app):
    client = app.test_client()
    sign_up(client, "sam@example.org")
    client.post("/auth/sign-out", data={"csrf_token": client.get("/api/session").get_json()["csrf_token"]})
    answers = [sign_in(client, "sam@example.org", "wrong password").status_code for _ in range(10)]
    assert answers == [401] * 10
    eleventh = sign_in(client, "sam@example.org", PASSWORD)  # even the right password waits now
    assert eleventh.status_code == 429
    assert "Too many tries" in eleventh.get_data(as_text=True) and who(client) is None
    assert int(eleventh.headers["Retry-After"]) > 0


def test_the_eleventh_sign_in_in_a_minute_is_refused(limited_app):
    _eleven_sign_ins(limited_app())


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_db():
    yield from clean_redis(15)


def test_the_eleventh_sign_in_is_refused_with_limits_kept_in_redis(limited_app, redis_db):
    _eleven_sign_ins(limited_app(REDIS_URL=REDIS_URL))
    assert redis_db.dbsize() > 0  # the counts live in Redis, where every app instance sees them


def test_pin_guesses_are_limited_per_child(limited_app):
    app = limited_app()
    add_guest_route(app)
    world = build_world(app)
    with app.app_context():
        from tutor.db import get_db
        from tutor.models import Account
        from tutor.services import accounts

        parent = get_db().scalars(select(Account).where(Account.email == email("parent", world))).one()
        sibling = accounts.add_child(get_db(), parent, nickname="Sibling", avatar="owl", track="ages-5-8",
                                     pin="3333").id
    client = app.test_client()
    enter_code(client, world["family_code"])
    assert [learner_attempt(client, world["child"], pin="0000").status_code for _ in range(5)] == [401] * 5
    r = learner_attempt(client, world["child"], pin="1111")
    assert r.status_code == 429 and "Too many tries" in r.get_data(as_text=True) and who(client) is None
    # another child on the same device (a whole class shares one address) is not held up
    assert learner_attempt(client, sibling, pin="3333").status_code == 302


def test_picture_taps_are_not_guesses(limited_app):
    app = limited_app()
    add_guest_route(app)
    world = build_world(app)
    client = app.test_client()
    enter_code(client, world["other_code"])
    member = world["other_member"]
    for _ in range(8):
        assert learner_attempt(client, member, pick="cat").status_code == 200
    assert learner_attempt(client, member, chosen=world["other_pictures"], go="1").status_code == 302


# ---- session fixation -----------------------------------------------------------------------------------------------

def _plant(client) -> str:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_fresh"] = True
    return client.get_cookie("session").value


def test_signing_in_starts_a_fresh_session(app):
    client = app.test_client()
    sign_up(client, "sam@example.org")
    client.post("/auth/sign-out", data={"csrf_token": client.get("/api/session").get_json()["csrf_token"]})
    enter_code(client, "NOPE2345")  # leaves a CSRF token in the session
    before = _plant(client)
    old_token = client.get("/api/session").get_json()["csrf_token"]
    assert sign_in(client, "sam@example.org").status_code == 302
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "planted" not in session and "csrf_token" not in session
        assert session["_user_id"].startswith("account:")
    assert client.get("/api/session").get_json()["csrf_token"] != old_token


def test_a_learner_signing_in_starts_a_fresh_session_too(app):
    add_guest_route(app)
    world = build_world(app)
    client = app.test_client()
    enter_code(client, world["family_code"])
    before = _plant(client)
    assert learner_attempt(client, world["child"], pin="1111").status_code == 302
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[CODE_KEY]["code"] == world["family_code"]  # set again, on purpose, after the fresh start


def test_a_guest_signing_in_as_a_grown_up_does_not_stay_a_guest(app):
    add_guest_route(app)
    client = app.test_client()
    sign_up(app.test_client(), "sam@example.org")
    guest_id = client.get("/_test/guest").get_json()["id"]
    assert who(client)["id"] == guest_id
    sign_in(client, "sam@example.org")
    assert who(client)["kind"] == "parent"
