"""Grown-ups' accounts, children, family sign-in and guests, through the HTML forms a person uses.

The small helpers at the top (signing up, posting a form with its CSRF token, counting rows) are shared with the
class, access-matrix and CSRF tests.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tutor.models import Account, Learner

PASSWORD = "correct horse battery"


# ---- helpers shared by the account and class tests ------------------------------------------------------------------

def token(client) -> str:
    """The CSRF token of the client's current session (a new one after every sign-in: the session is fresh)."""
    return client.get("/api/session").get_json()["csrf_token"]


def post_form(client, path: str, data: dict | None = None, *, csrf: bool = True):
    data = dict(data or {})
    if csrf:
        data["csrf_token"] = token(client)
    return client.post(path, data=data)


def sign_up(client, email: str, role: str = "parent", name: str = "Sam", password: str = PASSWORD):
    r = post_form(client, "/auth/sign-up", {"email": email, "password": password, "role": role, "display_name": name})
    assert r.status_code == 302, r.text
    return r


def sign_in(client, email: str, password: str = PASSWORD):
    return post_form(client, "/auth/sign-in", {"email": email, "password": password})


def sign_out(client):
    return post_form(client, "/auth/sign-out")


def who(client) -> dict | None:
    return client.get("/api/session").get_json()["user"]


class Store:
    """Reads the database the way a second person would: a short session of its own for every question.

    (The conftest's `db` fixture keeps an app context pushed for the whole test, and Flask then shares that
    context, its `g` and its database session, with every request the test client makes: fine for service tests,
    wrong for tests of signing in and out.)
    """

    def __init__(self, app) -> None:
        self._sessions = app.extensions["db_sessionmaker"]

    def count(self, model, *where) -> int:
        with self._sessions() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where))

    def one(self, model, *where):
        with self._sessions() as s:
            return s.scalars(select(model).where(*where)).one()

    def all(self, model, *where) -> list:
        with self._sessions() as s:
            return list(s.scalars(select(model).where(*where)))


@pytest.fixture
def store(app) -> Store:
    return Store(app)


def enter_code(client, code: str):
    return post_form(client, "/auth/learner", {"code": code})


def learner_attempt(client, learner_id: int, **data):
    return post_form(client, f"/auth/learner/{learner_id}", data)


def add_child(client, nickname: str = "Mia", **extra):
    data = {"nickname": nickname, "avatar": "fox", "track": "ages-5-8", "secret_kind": "pin", "pin": "1234",
            "go": "1", **extra}
    return post_form(client, "/parent/children/new", data)


def error_message(html: str) -> str:
    found = re.search(r'class="error-summary" role="alert"><p>(.*?)</p>', html)
    return found.group(1) if found else ""


def add_guest_route(app):
    """A route that makes the visitor a guest, the way the practice pages do (must run before the first request)."""
    from tutor.identity import current_or_new_guest

    def become_guest():
        learner = current_or_new_guest("ages-9-12")
        return {"id": learner.id if learner else None}

    app.add_url_rule("/_test/guest", "test_guest", become_guest)


@pytest.fixture
def parent(client):
    sign_up(client, "sam@example.org", "parent", "Sam")
    return client


# ---- grown-ups ----------------------------------------------------------------------------------------------------

def test_sign_up_signs_in_and_stores_only_an_argon2_hash(client, store):
    r = sign_up(client, "Sam@Example.org ", "parent", "Sam")
    assert r.headers["Location"].endswith("/parent/")
    assert who(client)["kind"] == "parent"
    account = store.one(Account, Account.email == "sam@example.org")
    assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
    assert re.fullmatch(r"[A-Z2-9]{8}", account.family_code)
    page = client.get("/parent/").text
    assert "Sam" in page and account.family_code[:4] in page


def test_teacher_sign_up_lands_on_classes(client):
    r = sign_up(client, "rivera@example.org", "teacher", "Ms Rivera")
    assert r.headers["Location"].endswith("/teacher/")
    assert client.get("/teacher/").status_code == 200


@pytest.mark.parametrize("data, field", [
    ({"email": "not-an-address", "password": PASSWORD, "role": "parent", "display_name": "Sam"}, "email"),
    ({"email": "a@example.org", "password": "short", "role": "parent", "display_name": "Sam"}, "password"),
    ({"email": "a@example.org", "password": PASSWORD, "role": "admin", "display_name": "Sam"}, "role"),
    ({"email": "a@example.org", "password": PASSWORD, "role": "parent", "display_name": "  "}, "display_name"),
])
def test_sign_up_with_bad_input_is_422_with_the_field_marked_and_nothing_stored(client, store, data, field):
    r = post_form(client, "/auth/sign-up", data)
    assert r.status_code == 422
    assert f'aria-describedby="{field}-error"' in r.text or f'{field}-error' in r.text
    assert store.count(Account) == 0 and who(client) is None


def test_sign_up_with_a_taken_address_is_refused_without_a_second_row(client, store):
    sign_up(client, "sam@example.org")
    sign_out(client)
    r = post_form(client, "/auth/sign-up", {"email": "sam@example.org", "password": PASSWORD, "role": "teacher",
                                            "display_name": "Other"})
    assert r.status_code == 409 and store.count(Account) == 1


def test_sign_in_and_out(client):
    sign_up(client, "sam@example.org")
    sign_out(client)
    assert who(client) is None
    assert client.get("/parent/").status_code == 302
    r = sign_in(client, "sam@example.org")
    assert r.status_code == 302 and r.headers["Location"].endswith("/parent/")
    assert who(client)["kind"] == "parent"


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(client):
    sign_up(client, "sam@example.org")
    sign_out(client)
    r = client.get("/parent/children/new")
    assert r.status_code == 302 and "/auth/sign-in?next=" in r.headers["Location"]
    r = post_form(client, "/auth/sign-in", {"email": "sam@example.org", "password": PASSWORD,
                                            "next": "/parent/children/new"})
    assert r.headers["Location"].endswith("/parent/children/new")
    sign_out(client)
    for elsewhere in ("//evil.example/x", "/\t/evil.example", "/\\evil.example", "https://evil.example/"):
        r = post_form(client, "/auth/sign-in", {"email": "sam@example.org", "password": PASSWORD, "next": elsewhere})
        assert r.headers["Location"] == "/parent/", elsewhere
        sign_out(client)


def test_wrong_password_and_unknown_address_get_the_same_answer(client):
    sign_up(client, "sam@example.org")
    sign_out(client)
    wrong = sign_in(client, "sam@example.org", "not the password")
    unknown = sign_in(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert error_message(wrong.text) == error_message(unknown.text) != ""
    assert who(client) is None


def test_password_change(client):
    sign_up(client, "sam@example.org")
    r = post_form(client, "/auth/password", {"current": "wrong password", "new": "a new long password"})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text
    r = post_form(client, "/auth/password", {"current": PASSWORD, "new": "short"})
    assert r.status_code == 422
    r = post_form(client, "/auth/password", {"current": PASSWORD, "new": "a new long password"})
    assert r.status_code == 302
    sign_out(client)
    assert sign_in(client, "sam@example.org").status_code == 401
    assert sign_in(client, "sam@example.org", "a new long password").status_code == 302


# ---- children -------------------------------------------------------------------------------------------------------

def test_add_child_with_a_pin_stores_it_hashed(parent, store):
    r = add_child(parent, "Mia", pin="4821")
    assert r.status_code == 302
    child = store.one(Learner, Learner.nickname == "Mia")
    assert child.pin_hash.startswith("$argon2id$") and "4821" not in child.pin_hash
    assert child.avatar == "fox" and child.track == "ages-5-8" and not child.is_guest
    page = parent.get("/parent/").text
    assert "Mia" in page and "a PIN" in page and "Ages 5" in page


def test_the_age_suggests_the_track_when_none_is_picked(parent, store):
    add_child(parent, "Leo", track="", age="11")
    assert store.one(Learner, Learner.nickname == "Leo").track == "ages-9-12"
    add_child(parent, "Ana", track="ages-13-plus", age="11")  # the parent's choice wins over the suggestion
    assert store.one(Learner, Learner.nickname == "Ana").track == "ages-13-plus"


def test_add_child_with_a_picture_password_one_tap_at_a_time(parent, store):
    # Without JavaScript each picture is a submit button and the page keeps the pictures chosen so far.
    data = {"nickname": "Leo", "avatar": "robot", "track": "ages-5-8", "secret_kind": "pictures"}
    r = post_form(parent, "/parent/children/new", {**data, "pick": "cat"})
    assert r.status_code == 200 and 'value="cat"' in r.text and "Chosen: 1 of 3" in r.text
    r = post_form(parent, "/parent/children/new", {**data, "chosen": "cat", "pick": "sun"})
    assert "Chosen: 2 of 3" in r.text
    r = post_form(parent, "/parent/children/new", {**data, "chosen": "cat-sun", "clear": "1"})
    assert "Chosen: 0 of 3" in r.text
    assert store.count(Learner) == 0
    r = post_form(parent, "/parent/children/new", {**data, "chosen": "cat-sun-boat", "go": "1"})
    assert r.status_code == 302
    child = store.one(Learner, Learner.nickname == "Leo")
    assert child.picture_password == "cat-sun-boat" and child.pin_hash is None


@pytest.mark.parametrize("change, field", [
    ({"pin": "12"}, "pin"),
    ({"pin": "12ab"}, "pin"),
    ({"pin": ""}, "pin"),
    ({"nickname": "mia@example.org"}, "nickname"),
    ({"nickname": "Call 0123456789"}, "nickname"),
    ({"nickname": ""}, "nickname"),
    ({"avatar": "dragon"}, "avatar"),
    ({"track": "ages-99"}, "track"),
    ({"track": "", "age": "eleven"}, "age"),
    ({"secret_kind": "pictures", "chosen": "cat-sun"}, "pictures"),
])
def test_add_child_with_bad_input_is_422_and_stores_nothing(parent, store, change, field):
    r = add_child(parent, **{"nickname": "Mia", **change})
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.text and 'aria-invalid="true"' in r.text
    assert store.count(Learner) == 0


def test_edit_reset_and_remove_a_child(parent, store):
    add_child(parent, "Mia")
    child = store.one(Learner, Learner.nickname == "Mia")
    assert parent.get(f"/parent/children/{child.id}/edit").status_code == 200
    r = post_form(parent, f"/parent/children/{child.id}/edit",
                  {"nickname": "Mimi", "avatar": "whale", "track": "ages-9-12"})
    assert r.status_code == 302
    child = store.one(Learner, Learner.id == child.id)
    assert (child.nickname, child.avatar, child.track) == ("Mimi", "whale", "ages-9-12")

    r = post_form(parent, f"/parent/children/{child.id}/edit", {"nickname": "", "avatar": "whale",
                                                                "track": "ages-9-12"})
    assert r.status_code == 422 and store.one(Learner, Learner.id == child.id).nickname == "Mimi"

    old_hash = child.pin_hash
    r = post_form(parent, f"/parent/children/{child.id}/secret", {"secret_kind": "pin", "pin": "987654", "go": "1"})
    assert r.status_code == 302 and store.one(Learner, Learner.id == child.id).pin_hash != old_hash
    r = post_form(parent, f"/parent/children/{child.id}/secret",
                  {"secret_kind": "pictures", "chosen": "moon-moon-car", "go": "1"})
    child = store.one(Learner, Learner.id == child.id)
    assert r.status_code == 302 and child.picture_password == "moon-moon-car" and child.pin_hash is None

    confirm = parent.get(f"/parent/children/{child.id}/remove")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    assert store.count(Learner) == 1  # looking at the confirmation deletes nothing
    r = post_form(parent, f"/parent/children/{child.id}/remove")
    assert r.status_code == 302 and store.count(Learner) == 0


# ---- learners signing in with the family code ---------------------------------------------------------------------

def _family(client, store):
    sign_up(client, "sam@example.org")
    add_child(client, "Mia", pin="1234")
    add_child(client, "Leo", avatar="robot", secret_kind="pictures", chosen="cat-dog-sun", pin="")
    parent = store.one(Account, Account.email == "sam@example.org")
    mia = store.one(Learner, Learner.nickname == "Mia")
    leo = store.one(Learner, Learner.nickname == "Leo")
    sign_out(client)
    return parent, mia, leo


def test_child_signs_in_with_the_family_code_and_a_pin(client, store):
    parent, mia, _ = _family(client, store)
    r = enter_code(client, parent.family_code.lower()[:4] + "-" + parent.family_code[4:])  # forgiving typing
    assert r.status_code == 302
    roster = client.get("/auth/learner").text
    assert "Mia" in roster and "Leo" in roster and f"/auth/learner/{mia.id}" in roster
    assert 'data-pin-pad="pin"' in client.get(f"/auth/learner/{mia.id}").text
    r = learner_attempt(client, mia.id, pin="9999")
    assert r.status_code == 401 and who(client) is None and "not quite right" in r.text
    r = learner_attempt(client, mia.id, pin="1234")
    assert r.status_code == 302 and r.headers["Location"].endswith("/learn")
    assert who(client) == {**who(client), "kind": "learner", "id": mia.id, "name": "Mia"}
    # the device remembers the family: after signing out the next child picks their name straight away
    sign_out(client)
    assert "Leo" in client.get("/auth/learner").text
    post_form(client, "/auth/learner/forget")
    assert 'name="code"' in client.get("/auth/learner").text


def test_child_signs_in_with_pictures(client, store):
    parent, _, leo = _family(client, store)
    enter_code(client, parent.family_code)
    assert "Chosen: 0 of 3" in client.get(f"/auth/learner/{leo.id}").text
    r = learner_attempt(client, leo.id, chosen="cat-sun", pick="dog")  # a tap, not a guess
    assert r.status_code == 200 and who(client) is None
    r = learner_attempt(client, leo.id, chosen="dog-cat-sun", go="1")
    assert r.status_code == 401 and who(client) is None
    r = learner_attempt(client, leo.id, chosen="cat-dog-sun", go="1")
    assert r.status_code == 302 and who(client)["id"] == leo.id


def test_unknown_code_is_a_friendly_422(client):
    r = enter_code(client, "NOPE2345")
    assert r.status_code == 422 and 'id="code-error"' in r.text and "know that code" in r.text


def test_a_child_of_another_family_is_not_on_this_family_sign_in(client, store):
    parent, _, _ = _family(client, store)
    sign_up(client, "other@example.org", name="Other")
    add_child(client, "Zed")
    zed = store.one(Learner, Learner.nickname == "Zed")
    sign_out(client)
    enter_code(client, parent.family_code)
    assert "Zed" not in client.get("/auth/learner").text
    assert client.get(f"/auth/learner/{zed.id}").status_code == 404
    assert learner_attempt(client, zed.id, pin="1234").status_code == 404 and who(client) is None


# ---- guests ---------------------------------------------------------------------------------------------------------

def test_a_guest_is_created_lazily_and_sees_a_claim_code(app, client, store):
    add_guest_route(app)
    assert "nothing to save yet" in client.get("/auth/guest").text
    assert store.count(Learner) == 0  # looking around creates nobody
    first = client.get("/_test/guest").get_json()["id"]
    assert client.get("/_test/guest").get_json()["id"] == first  # the same guest on the next request
    guest = store.one(Learner, Learner.id == first)
    assert guest.is_guest and guest.track == "ages-9-12"
    page = client.get("/auth/guest").text
    code = store.one(Learner, Learner.id == first).claim_code
    assert code and code[:4] in page and "grown-up" in page


def test_grown_ups_are_never_turned_into_guests(app, client, store):
    add_guest_route(app)
    sign_up(client, "sam@example.org")
    assert client.get("/_test/guest").get_json()["id"] is None
    assert who(client)["kind"] == "parent" and store.count(Learner) == 0


def _guest_code(app, client, store) -> tuple[int, str]:
    guest_id = client.get("/_test/guest").get_json()["id"]
    client.get("/auth/guest")
    return guest_id, store.one(Learner, Learner.id == guest_id).claim_code


def test_a_parent_claims_a_guest(app, client, store):
    add_guest_route(app)
    guest_id, code = _guest_code(app, client, store)
    grown_up = app.test_client()
    sign_up(grown_up, "sam@example.org")
    r = post_form(grown_up, "/parent/claim", {"code": "WRONG234", "nickname": "Mia", "avatar": "fox",
                                              "secret_kind": "pin", "pin": "1234", "go": "1"})
    assert r.status_code == 422 and 'id="code-error"' in r.text
    r = post_form(grown_up, "/parent/claim", {"code": code, "nickname": "Mia", "avatar": "fox",
                                              "secret_kind": "pin", "pin": "12", "go": "1"})
    assert r.status_code == 422 and store.one(Learner, Learner.id == guest_id).is_guest  # nothing half-done
    r = post_form(grown_up, "/parent/claim", {"code": code.lower(), "nickname": "Mia", "avatar": "fox",
                                              "secret_kind": "pin", "pin": "1234", "go": "1"})
    assert r.status_code == 302
    child = store.one(Learner, Learner.id == guest_id)
    parent = store.one(Account, Account.email == "sam@example.org")
    assert (child.is_guest, child.parent_id, child.nickname, child.claim_code) == (False, parent.id, "Mia", None)
    assert "Mia" in grown_up.get("/parent/").text
