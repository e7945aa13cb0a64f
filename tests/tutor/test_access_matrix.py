"""Who may reach which page: every route under /auth, /parent and /teacher, for every kind of visitor.

The matrix is complete by construction: `test_every_route_is_in_the_matrix` fails when a route under those
prefixes is added without a row here. Ids in the paths belong to the "parent" and "teacher" of the world below,
so for "other parent" and "other teacher" they are forged ids of someone else's child or class. Every response is
also searched for the names of other people's children and classes: none may leak.
"""
from __future__ import annotations

import itertools
import re
import shutil

import pytest

from tests.conftest import _truncate_all
from tests.tutor.test_accounts import add_guest_route, enter_code, learner_attempt, post_form, sign_in
from tutor.db import get_db
from tutor.services import accounts, classes

PREFIXES = ("/auth", "/parent", "/teacher")
ROLES = ("anonymous", "guest", "learner", "other learner", "parent", "other parent", "teacher", "other teacher")

# Who may use a route:
#   public   - anyone (the page itself decides what to show, e.g. a sign-in form)
#   account  - any signed-in parent or teacher
#   parent / teacher           - that role; no ids of anyone's objects in the path
#   parent-owns / teacher-owns - that role, and only the owner of the child or class in the path
#   code     - a learner's sign-in page behind the family or class code remembered on the device
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/auth/sign-up"): "public",
    ("POST", "/auth/sign-up"): "public",
    ("GET", "/auth/sign-in"): "public",
    ("POST", "/auth/sign-in"): "public",
    ("POST", "/auth/sign-out"): "public",
    ("GET", "/auth/password"): "account",
    ("POST", "/auth/password"): "account",
    ("GET", "/auth/learner"): "public",
    ("POST", "/auth/learner"): "public",
    ("POST", "/auth/learner/forget"): "public",
    ("GET", "/auth/learner/<int:learner_id>"): "code",
    ("POST", "/auth/learner/<int:learner_id>"): "code",
    ("GET", "/auth/learner/join"): "public",
    ("POST", "/auth/learner/join"): "public",
    ("GET", "/auth/guest"): "public",
    ("GET", "/parent/"): "parent",
    ("GET", "/parent/children/new"): "parent",
    ("POST", "/parent/children/new"): "parent",
    ("GET", "/parent/children/<int:learner_id>/edit"): "parent-owns",
    ("POST", "/parent/children/<int:learner_id>/edit"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/secret"): "parent-owns",
    ("POST", "/parent/children/<int:learner_id>/secret"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/remove"): "parent-owns",
    ("POST", "/parent/children/<int:learner_id>/remove"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/plan"): "parent-owns",
    ("POST", "/parent/children/<int:learner_id>/plan"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/week"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/data"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/export.json"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/export.csv"): "parent-owns",
    ("GET", "/parent/children/<int:learner_id>/delete-data"): "parent-owns",
    ("POST", "/parent/children/<int:learner_id>/delete-data"): "parent-owns",
    ("GET", "/parent/claim"): "parent",
    ("POST", "/parent/claim"): "parent",
    ("GET", "/teacher/"): "teacher",
    ("GET", "/teacher/classes/new"): "teacher",
    ("POST", "/teacher/classes/new"): "teacher",
    ("GET", "/teacher/classes/<int:classroom_id>"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/join-sheet"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/sign-in-cards"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/edit"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/edit"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/archive"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/code"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/code"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/learners"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/claim"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>/pictures"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>/pictures"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>/remove"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>/remove"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/dashboard"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/learners/<int:learner_id>"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/export/mastery-grid.csv"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/export/item-analysis.csv"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/worksheets"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/worksheets/matching"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/worksheets/numeric"): "teacher-owns",
    ("GET", "/teacher/classes/<int:classroom_id>/lessons"): "teacher-owns",
    ("POST", "/teacher/classes/<int:classroom_id>/lessons"): "teacher-owns",
}

# What each kind of route answers each visitor: "ok" (the view ran: a page, a redirect of its own, or a form
# answering bad input), "sign-in" (sent to the grown-ups' sign-in), "403" (signed in, but not this kind of
# account) or "404" (someone else's child or class, indistinguishable from one that does not exist).
EXPECTED: dict[str, dict[str, str]] = {
    "public": {role: "ok" for role in ROLES},
    "account": {"anonymous": "sign-in", "guest": "sign-in", "learner": "403", "other learner": "403",
                "parent": "ok", "other parent": "ok", "teacher": "ok", "other teacher": "ok"},
    "parent": {"anonymous": "sign-in", "guest": "sign-in", "learner": "403", "other learner": "403",
               "parent": "ok", "other parent": "ok", "teacher": "403", "other teacher": "403"},
    "parent-owns": {"anonymous": "sign-in", "guest": "sign-in", "learner": "403", "other learner": "403",
                    "parent": "ok", "other parent": "404", "teacher": "403", "other teacher": "403"},
    "teacher": {"anonymous": "sign-in", "guest": "sign-in", "learner": "403", "other learner": "403",
                "parent": "403", "other parent": "403", "teacher": "ok", "other teacher": "ok"},
    "teacher-owns": {"anonymous": "sign-in", "guest": "sign-in", "learner": "403", "other learner": "403",
                     "parent": "403", "other parent": "403", "teacher": "ok", "other teacher": "404"},
    # The learner page of the parent's child: that child's own device (family code remembered) shows it; a device
    # that remembers another class's code cannot reach it; without a remembered code the view asks for one.
    "code": {role: "ok" for role in ROLES} | {"other learner": "404"},
}

# Unique words in the names of the world's people, children and classes, and who may see each.
NAMES = {
    "parent": "Zorbparent", "other parent": "Yelloparent", "teacher": "Xantteacher", "other teacher": "Wolmteacher",
    "child": "Kiwikid", "other child": "Mangokid", "class": "Owlsclass", "member": "Peppermember",
    "other class": "Foxesclass", "other member": "Quincemember",
}
KNOWS = {
    "anonymous": set(), "guest": set(),
    "learner": {"child"},                                  # the parent's child, signed in with the family code
    "other learner": {"other class", "other member"},      # a member of the other teacher's class
    "parent": {"parent", "child"}, "other parent": {"other parent", "other child"},
    "teacher": {"teacher", "class", "member"}, "other teacher": {"other teacher", "other class", "other member"},
}
PASSWORD = "matrix password 123"


WORLDS = itertools.count()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def matrix_app(request, tmp_path_factory, content_bank):
    """One app per database for the whole matrix; every cell builds a world of its own in it (much faster than a
    fresh database per cell, and no cell sees another's changes: its ids and codes are its own)."""
    from tutor import create_app

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("matrix") / "matrix.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_database")
        _truncate_all(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "CONTENT_BANK": content_bank})
    add_guest_route(app)
    yield app
    app.extensions["db_engine"].dispose()
    if request.param == "postgresql":
        _truncate_all(url)


def email(role: str, world: dict) -> str:
    return f"{role.replace(' ', '-')}-{world['n']}@example.org"


def build_world(app) -> dict:
    """Two families and two classes, made through the services; returns their ids and codes."""
    n = next(WORLDS)
    with app.app_context():
        db = get_db()

        def grown_up(role, key):
            return accounts.sign_up(db, email=email(key, {"n": n}), password=PASSWORD, role=role,
                                    display_name=NAMES[key])

        parent, other_parent = grown_up("parent", "parent"), grown_up("parent", "other parent")
        teacher, other_teacher = grown_up("teacher", "teacher"), grown_up("teacher", "other teacher")
        child = accounts.add_child(db, parent, nickname=NAMES["child"], avatar="fox", track="ages-5-8", pin="1111")
        accounts.add_child(db, other_parent, nickname=NAMES["other child"], avatar="owl", track="ages-9-12",
                           pin="2222")
        classroom = classes.create_class(db, teacher, name=NAMES["class"])
        (member,) = classes.add_learners(db, teacher, classroom.id, [NAMES["member"]])
        other_class = classes.create_class(db, other_teacher, name=NAMES["other class"])
        (other_member,) = classes.add_learners(db, other_teacher, other_class.id, [NAMES["other member"]])
        return {"n": n, "family_code": parent.family_code, "child": child.id, "classroom": classroom.id, "member": member.id,
                "class_code": classroom.join_code,
                "other_code": other_class.join_code, "other_member": other_member.id,
                "other_pictures": other_member.picture_password}


def become(client, role: str, world: dict) -> None:
    """Sign the client in as `role`, through the same pages a person uses."""
    if role == "anonymous":
        return
    if role == "guest":
        client.get("/_test/guest")
    elif role == "learner":
        enter_code(client, world["family_code"])
        assert learner_attempt(client, world["child"], pin="1111").status_code == 302
    elif role == "other learner":
        enter_code(client, world["other_code"])
        assert learner_attempt(client, world["other_member"], chosen=world["other_pictures"], go="1").status_code == 302
    else:
        assert sign_in(client, email(role, world), PASSWORD).status_code == 302


def fill(rule: str, world: dict) -> str:
    """The rule's path with ids of the parent's child and of the teacher's class and member."""
    if rule.startswith("/teacher"):
        ids = {"classroom_id": world["classroom"], "learner_id": world["member"]}
    else:
        ids = {"learner_id": world["child"]}
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        return "sign-in" if "/auth/sign-in" in response.headers["Location"] else "ok"
    if response.status_code in (200, 401, 409, 422):  # a page, or a form telling what was wrong with the input
        return "ok"
    return str(response.status_code)


def test_every_route_is_in_the_matrix(matrix_app):
    app = matrix_app
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIXES)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - MATRIX.keys() == set(), "routes missing from the access matrix: add a row for each"
    assert MATRIX.keys() - routes == set(), "rows in the matrix for routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, rule", list(MATRIX))
def test_access(matrix_app, method, rule, role):
    world = build_world(matrix_app)
    client = matrix_app.test_client()
    become(client, role, world)
    path = fill(rule, world)
    if method == "GET":
        response = client.get(path)
    else:
        response = post_form(client, path, {})  # with the CSRF token, no fields: nothing a forger could add helps
    expected = EXPECTED[MATRIX[(method, rule)]][role]
    assert outcome(response) == expected, f"{method} {path} as {role}: {response.status_code} {response.location}"
    body = response.get_data(as_text=True)
    leaked = [NAMES[key] for key in NAMES.keys() - KNOWS[role] if NAMES[key] in body]
    assert not leaked, f"{method} {path} as {role} shows other people's names: {leaked}"
