"""Every route of the app × every kind of visitor, with forged ids: who may use it and whose data it touches.

Routes under /auth, /parent and /teacher are the accounts helper's matrix (tests/tutor/test_access_matrix.py); this
file classifies every other route and checks, for each of the eight visitors of that matrix (anonymous, guest,
learner, other learner, parent, other parent, teacher, other teacher):

- public pages, assets and read-only JSON answer everybody and show nobody else's names;
- JSON writes that record learning (attempts, role-play runs, lesson progress) store rows for the visitor's own
  learner only (a new guest for an anonymous visitor, nothing at all for a grown-up), and a learner id slipped into
  the body or the query string (a forged id) is refused with nothing stored;
- /api/progress describes the visitor and nobody else.

`test_every_route_is_classified` fails when a route appears that neither matrix knows, so a new route cannot skip
the check.
"""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from sqlalchemy import inspect, select

from tests.tutor.test_access_matrix import KNOWS, MATRIX, NAMES, ROLES, become, build_world
from tests.tutor.test_accounts import token
from tests.tutor.test_quiz_form import any_answers, page_fields
from tutor.db import Base

#   page     - an HTML page anyone may open (it adapts to who is asking)
#   asset    - a static file or an engine-drawn image
#   read     - JSON anyone may read (content, engine results, the session's own token)
#   own      - JSON about the visitor only (their progress)
#   compute  - a JSON POST that computes from its body and stores nothing (demos)
#   chat     - the chat tutor: stores the topic asked about, for the visitor's own learner or for nobody, never a
#              new learner and never the words
#   record   - a POST that records learning for the visitor's own learner (JSON, or the quiz's one-page HTML form)
#   form     - an HTML form POST that changes only the visitor's own session
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/"): "page",
    ("POST", "/track"): "form",
    ("GET", "/learn"): "page",
    ("GET", "/learn/<concept_id>"): "page",
    ("GET", "/chat/"): "page",
    ("GET", "/practice/"): "page",
    ("GET", "/practice/<quiz_id>"): "page",
    ("GET", "/practice/<quiz_id>/form"): "page",
    ("POST", "/practice/<quiz_id>/form"): "record",
    ("GET", "/demos/"): "page",
    ("GET", "/demos/<demo_id>"): "page",
    ("GET", "/activities/"): "page",
    ("GET", "/activities/human-backprop"): "page",
    ("GET", "/activities/human-backprop/card"): "page",
    ("GET", "/static/<path:filename>"): "asset",
    ("GET", "/plots/<name>.svg"): "asset",
    ("GET", "/api/openapi.json"): "read",
    ("GET", "/api/health"): "read",
    ("GET", "/api/session"): "read",
    ("GET", "/api/tracks"): "read",
    ("GET", "/api/concepts"): "read",
    ("GET", "/api/concepts/<concept_id>"): "read",
    ("GET", "/api/quizzes"): "read",
    ("GET", "/api/quizzes/<quiz_id>"): "read",
    ("GET", "/api/numeric"): "read",
    ("GET", "/api/plots/<name>"): "read",
    ("GET", "/api/examples/<kind>"): "read",
    ("GET", "/api/activities/human-backprop"): "read",
    ("GET", "/api/progress"): "own",
    ("POST", "/api/chat"): "chat",
    ("POST", "/api/demos/neuron"): "compute",
    ("POST", "/api/demos/playground"): "compute",
    ("POST", "/api/demos/loop"): "compute",
    ("POST", "/api/demos/learning-rates"): "compute",
    ("POST", "/api/demos/train"): "compute",
    ("POST", "/api/demos/hot-cold"): "compute",
    ("POST", "/api/demos/robot"): "compute",
    ("POST", "/api/demos/bias"): "compute",
    ("POST", "/api/attempts"): "record",
    ("POST", "/api/activities/runs"): "record",
    ("POST", "/api/lessons/<concept_id>/progress"): "record",
}
ACCOUNT_PREFIXES = ("/auth", "/parent", "/teacher")
TEST_ROUTES = {"/_test/guest"}

# Values for the path parameters (all real: the route's own checks pass, only access is tested).
PATH_VALUES = {"concept_id": None, "quiz_id": None, "demo_id": "neuron-lab", "filename": "css/app.css",
               "name": None, "kind": "neuron"}

# Query strings and bodies that make each route do its job.
QUERIES = {"/api/concepts": "?track=ages-9-12", "/api/quizzes": "?track=ages-9-12",
           "/api/numeric": "?kind={numeric_kind}&track=ages-13-plus&seed=1", "/api/examples/<kind>": "?seed=1",
           "/api/concepts/<concept_id>": "?track=ages-9-12", "/api/activities/human-backprop": "?track=ages-9-12"}
BODIES = {
    "/track": {"track": "ages-5-8"},
    "/api/chat": {"message": "what is a neuron?"},
    "/api/demos/neuron": {"inputs": [1, 0.5], "weights": [0.5, -1], "bias": 0.1, "activation": "sigmoid"},
    "/api/demos/playground": {"seed": 1, "inputs": [0.5, -0.5]},
    "/api/demos/loop": {"seed": 1, "round": 1},
    "/api/demos/learning-rates": {"seed": 1, "steps": 5},
    "/api/demos/train": {"dataset": "xor", "hidden": [3], "lr": 0.5, "epochs": 2},
    "/api/demos/hot-cold": {"seed": 1, "guesses": [3, 7]},
    "/api/demos/robot": {"seed": 1},
    "/api/demos/bias": {"seed": 1},
    "/api/lessons/<concept_id>/progress": {"track": "ages-9-12", "messages_seen": 2},
    "/api/activities/runs": {"track": "ages-5-8", "seed": 0, "guesses": ["formal", "casual", "formal"]},
}


def _app_rules(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


@pytest.fixture(scope="module")
def route_app(module_app):
    """One SQLite app for the matrix (access rules do not depend on the database; the accounts matrix runs both)."""
    return module_app


def test_every_route_is_classified(route_app):
    rules = {r for r in _app_rules(route_app) if r[1] not in TEST_ROUTES}
    accounts = {r for r in rules if r[1].startswith(ACCOUNT_PREFIXES)}
    others = rules - accounts
    assert accounts - MATRIX.keys() == set(), "add these to tests/tutor/test_access_matrix.py"
    assert others - ROUTES.keys() == set(), "classify these routes in ROUTES (and give them values to test with)"
    assert ROUTES.keys() - others == set(), "ROUTES lists routes that no longer exist"
    params = {name for _, rule in others for name in re.findall(r"<(?:\w+:)?(\w+)>", rule)}
    assert params <= PATH_VALUES.keys(), "add values for the new path parameters to PATH_VALUES"


def _quiz_answer(client) -> tuple[str, dict]:
    """A real question of a written quiz and an answer of the right shape for it."""
    quiz_id = _first_quiz(client)
    item = client.get(f"/api/quizzes/{quiz_id}").get_json()["items"][0]
    answer = {"choice": lambda: {"option": item["options"][0]["id"]},
              "truefalse": lambda: {"value": True},
              "multi": lambda: {"options": [item["options"][0]["id"]]},
              "order": lambda: {"order": [s["id"] for s in item["steps"]]},
              "numeric": lambda: {"value": 0.5}}[item["kind"]]()
    return item["id"], answer


def _first_quiz(client) -> str:
    return next(q["id"] for q in client.get("/api/quizzes?track=ages-9-12").get_json()["quizzes"]
                if q["kind"] == "quiz")


def _path(rule: str, client) -> str:
    from engine.plots import PLOTS
    from tutor.services import numeric

    concept = client.get("/api/concepts?track=ages-9-12").get_json()["concepts"][0]["id"]
    values = {**PATH_VALUES, "quiz_id": _first_quiz(client), "name": next(iter(PLOTS)), "concept_id": concept}
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
    query = QUERIES.get(rule, "").format(numeric_kind=numeric.kinds_for("ages-13-plus")[0])
    return path + query


def _learning_rows(app) -> Counter:
    """How many rows each learner has in every table that belongs to a learner, plus the number of learners."""
    counts: Counter = Counter()
    with app.extensions["db_sessionmaker"]() as s:
        for table in Base.metadata.sorted_tables:
            if "learner_id" in table.c:
                for (learner_id,) in s.execute(select(table.c.learner_id)):
                    counts[(table.name, learner_id)] += 1
        counts[("learners", None)] = len(s.execute(select(inspect(Base.metadata.tables["learners"]).c.id)).all())
    return counts


def _dump(app) -> list:
    with app.extensions["db_sessionmaker"]() as s:
        return [row for table in Base.metadata.sorted_tables for row in s.execute(select(table)).all()]


def _actor(client) -> dict | None:
    return client.get("/api/session").get_json()["user"]


def _post_json(client, path: str, body: dict, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRF-Token": token(client), **headers})


def _request(client, method: str, rule: str):
    path = _path(rule, client)
    if method == "GET":
        return client.get(path)
    if rule == "/track":
        return client.post(path, data={**BODIES[rule], "csrf_token": token(client)})
    if rule == "/api/attempts":
        item_id, answer = _quiz_answer(client)
        return _post_json(client, path, {"item_id": item_id, "answer": answer}, **{"Idempotency-Key": "matrix-1"})
    if rule == "/practice/<quiz_id>/form":  # the quiz's one-page form, every question answered
        return client.post(path, data=any_answers(page_fields(client.get(path).get_data(as_text=True))))
    return _post_json(client, path, BODIES[rule])


def _leaks(role: str, body: str) -> list[str]:
    return [NAMES[key] for key in NAMES.keys() - KNOWS[role] if NAMES[key] in body]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, rule", sorted(ROUTES))
def test_access(route_app, method, rule, role):
    kind = ROUTES[(method, rule)]
    world = build_world(route_app)
    client = route_app.test_client()
    become(client, role, world)
    me = _actor(client)
    before = _learning_rows(route_app)

    response = _request(client, method, rule)

    where = f"{method} {rule} as {role}"
    if kind == "form":
        assert response.status_code == 302, where
    elif kind == "page" and rule == "/learn" and response.status_code == 302:
        assert response.location.endswith("/"), where  # no track chosen yet: back to the age picker
    else:
        assert response.status_code == 200, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    body = response.get_data(as_text=True)
    assert not _leaks(role, body), f"{where} shows other people's names: {_leaks(role, body)}"

    changed = _learning_rows(route_app) - before
    if kind == "chat":
        mine = me["id"] if me and me["kind"] == "learner" else None
        assert not changed[("learners", None)], f"{where} made a learner"
        assert {owner for _, owner in changed} <= {mine}, f"{where} stored rows for someone else: {changed}"
        assert _actor(client) == me and BODIES[rule]["message"] not in repr(_dump(route_app)), where
        return
    if kind != "record":
        assert not changed, f"{where} stored learning rows: {changed}"
        if kind == "own":
            _assert_own_progress(response.get_json(), me, where)
        return
    after = _actor(client)
    if role in ("parent", "other parent", "teacher", "other teacher"):
        assert not changed and after == me, f"{where}: a grown-up trying things out is not recorded"
        return
    assert after is not None and after["kind"] == "learner", where
    if me is None:  # anonymous: one new guest, who owns the new rows
        assert after["is_guest"] and changed[("learners", None)] == 1, where
    else:
        assert after["id"] == me["id"], f"{where}: the visitor became someone else"
    owners = {learner_id for (table, learner_id) in changed if table != "learners"}
    assert owners == {after["id"]}, f"{where}: rows stored for {owners}, the visitor is {after['id']}"


def _assert_own_progress(progress: dict, me: dict | None, where: str) -> None:
    if me is None or me["kind"] != "learner":
        assert progress["learner"] is None and progress["attempts"] == 0, where
    else:
        assert progress["learner"]["id"] == me["id"], where


# ---- forged learner ids ---------------------------------------------------------------------------------------------

FORGED_RULES = sorted(rule for (method, rule), kind in ROUTES.items()
                      if kind in ("record", "own") and rule != "/practice/<quiz_id>/form")


@pytest.mark.parametrize("field", ["learner_id", "learner"])
def test_a_learner_id_slipped_into_the_quiz_form_changes_nothing_of_anyone_else(route_app, field):
    # The HTML form reads only its own fields (tutor.services.quiz_form): an extra one is ignored, so the answers
    # are the visitor's own, and the victim's record is untouched.
    world = build_world(route_app)
    client = route_app.test_client()
    become(client, "other learner", world)
    before, me = _learning_rows(route_app), _actor(client)
    path = _path("/practice/<quiz_id>/form", client)
    data = any_answers(page_fields(client.get(path).get_data(as_text=True)))
    data[field] = str(world["child"])
    assert client.post(path, data=data).status_code == 200
    changed = _learning_rows(route_app) - before
    assert changed and {owner for _, owner in changed} == {me["id"]} and _actor(client) == me


@pytest.mark.parametrize("rule", FORGED_RULES)
@pytest.mark.parametrize("field", ["learner_id", "learner"])
def test_a_forged_learner_id_is_refused_and_nothing_stored(route_app, rule, field):
    world = build_world(route_app)
    client = route_app.test_client()
    become(client, "other learner", world)
    before, me = _learning_rows(route_app), _actor(client)
    victim = world["child"]  # the parent's child, in another family
    path = _path(rule, client)
    if rule == "/api/progress":
        r = client.get(f"{path}{'&' if '?' in path else '?'}{field}={victim}")
    elif rule == "/api/attempts":
        item_id, answer = _quiz_answer(client)
        r = _post_json(client, path, {"item_id": item_id, "answer": answer, field: victim},
                       **{"Idempotency-Key": "forged-1"})
    else:
        r = _post_json(client, path, {**BODIES[rule], field: victim})
    assert r.status_code == 422, (rule, r.status_code)
    assert r.get_json()["error"]["details"][0]["field"] == field
    assert _learning_rows(route_app) == before and _actor(client) == me
    assert NAMES["child"] not in r.get_data(as_text=True)


def test_progress_of_one_learner_says_nothing_of_another(route_app):
    world = build_world(route_app)
    child, member = route_app.test_client(), route_app.test_client()
    become(child, "learner", world)
    become(member, "other learner", world)
    item_id, answer = _quiz_answer(child)
    assert _post_json(child, "/api/attempts", {"item_id": item_id, "answer": answer},
                      **{"Idempotency-Key": "mine"}).status_code == 200
    mine, theirs = child.get("/api/progress").get_json(), member.get("/api/progress").get_json()
    assert mine["attempts"] == 1 and theirs["attempts"] == 0
    assert theirs["learner"]["id"] == world["other_member"] and NAMES["child"] not in json.dumps(theirs)
    # the same Idempotency-Key from another learner is that learner's own answer, not a replay of someone else's
    r = _post_json(member, "/api/attempts", {"item_id": item_id, "answer": answer}, **{"Idempotency-Key": "mine"})
    assert r.status_code == 200 and member.get("/api/progress").get_json()["attempts"] == 1
