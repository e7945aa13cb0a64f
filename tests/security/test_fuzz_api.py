"""The whole JSON API fuzzed from its own OpenAPI document (schemathesis, in-process, SQLite only).

Every operation gets generated requests, valid and invalid; no answer may be a 5xx, and every answer must match the
document: a declared status code, the declared content type, and a body that fits the declared schema (the standard
error body for every 4xx). The fuzz client carries a session cookie and its CSRF token, so generated requests reach
the handlers instead of stopping at the CSRF check; the check itself is tested on its own below.

Random strings rarely name a real quiz, concept or plot, so every operation is also called with the real ids of
the content bank (`test_real_ids_answer_as_documented`): those are the answers a browser actually gets.
"""
from __future__ import annotations

import json
import shutil
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")


def _document() -> dict:
    # The document the app serves at /api/openapi.json (test_the_fuzzed_document_is_the_served_one checks that).
    # It is built at import from the declared routes, so the fuzz cases are collected without an app (and without
    # schemathesis's lazy fixture loader, which pytest 9 broke: it sets Function._nodeid).
    from tutor.views import (  # noqa: F401
        activities,
        api,
        auth,
        chat,
        demos,
        learn,
        media,
        parent,
        quiz,
        register,  # noqa: F401 - importing the views declares every operation
        teacher,
    )

    return api.spec.document()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, content_bank, sqlite_template):
    from tutor import create_app

    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret", "TESTING": True,
                      "CONTENT_BANK": content_bank})
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app):
    """A browser-like client: a session cookie and the CSRF token its pages would carry."""
    client = fuzz_app.test_client()
    client.csrf_token = client.get("/api/session").get_json()["csrf_token"]
    return client


def _send(case, app, client):
    headers = {"X-CSRF-Token": client.csrf_token}
    response = case.call(app=app, session=client, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response


def test_the_fuzzed_document_is_the_served_one(fuzz_app):
    served = fuzz_app.test_client().get("/api/openapi.json")
    assert served.status_code == 200 and served.get_json() == _document()


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
def test_api_answers_every_generated_request_as_documented(case, fuzz_app, fuzz_client):
    response = _send(case, fuzz_app, fuzz_client)
    mode = str(case.meta.generation.mode) if case.meta is not None else ""
    if "positive" in mode and response.status_code == 422:
        # Data the document calls valid may break a rule across fields (one weight per input), but never a rule of
        # the request model itself: then the document is tighter or looser than the model that checks the request.
        assert response.json()["error"]["message"] != "Some fields are missing or not valid.", response.text


# ---- the real ids of the bank --------------------------------------------------------------------------------------

def _real_calls(bank) -> list[tuple[str, str, dict]]:
    """(method, path template, Case arguments) with ids that exist, for every operation that takes an id."""
    from engine.examples import EXAMPLES
    from engine.plots import PLOTS
    from tutor.services import numeric

    calls: list[tuple[str, str, dict]] = []
    for track in TRACKS:
        calls += [("GET", "/api/concepts", {"query": {"track": track}}),
                  ("GET", "/api/quizzes", {"query": {"track": track}}),
                  ("GET", "/api/progress", {"query": {"track": track}}),
                  ("GET", "/api/quizzes/{quiz_id}", {"path_parameters": {"quiz_id": f"review:{track}"}}),
                  ("GET", "/api/quizzes/{quiz_id}", {"path_parameters": {"quiz_id": f"numbers:{track}"}}),
                  ("GET", "/api/activities/human-backprop", {"query": {"track": track, "seed": 3}})]
        for lesson in bank.concepts(track):
            calls.append(("GET", "/api/concepts/{concept_id}",
                          {"path_parameters": {"concept_id": lesson.id}, "query": {"track": track}}))
        for quiz in bank.quizzes(track):
            calls.append(("GET", "/api/quizzes/{quiz_id}", {"path_parameters": {"quiz_id": quiz.id},
                                                            "query": {"seed": 11}}))
        if (ms := bank.matching_set(track)) is not None:
            calls.append(("GET", "/api/quizzes/{quiz_id}", {"path_parameters": {"quiz_id": f"match:{ms.id}"}}))
        for kind in numeric.kinds_for(track):
            calls.append(("GET", "/api/numeric", {"query": {"kind": kind, "track": track, "seed": 5}}))
        for kind in EXAMPLES:
            calls.append(("GET", "/api/examples/{kind}", {"path_parameters": {"kind": kind},
                                                          "query": {"track": track, "seed": 2}}))
    for name in PLOTS:
        calls.append(("GET", "/api/plots/{name}", {"path_parameters": {"name": name}}))
    for track in TRACKS:
        for quiz in bank.quizzes(track):
            for item in bank.quiz_items(quiz.id)[:2]:
                calls.append(("POST", "/api/attempts", {"body": {"item_id": item.id, "answer": {"option": "x"}},
                                                        "headers": {"Idempotency-Key": str(uuid.uuid4())}}))
    return calls


def test_real_ids_answer_as_documented(fuzz_app, fuzz_client, content_bank):
    calls = _real_calls(content_bank)
    seen: dict[str, set[int]] = {}
    for method, path, arguments in calls:
        case = schema[path][method].Case(**arguments)
        response = _send(case, fuzz_app, fuzz_client)
        seen.setdefault(f"{method} {path}", set()).add(response.status_code)
    # the calls reached real content: every id-taking operation answered 200 at least once
    for label, codes in seen.items():
        if not label.startswith("POST"):
            assert 200 in codes, f"{label} never answered 200 with the bank's ids: {codes}"


def test_every_operation_is_fuzzed():
    """A route added under /api is in the document, so the fuzz above covers it without anyone listing it."""
    import re

    from flask import Flask

    from tutor.views import register

    app = Flask("probe")
    register(app)
    routes = {(m.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/") and rule.endpoint != "api.openapi"
              for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(method, path) for path, entry in _document()["paths"].items() for method in entry}
    assert routes == documented


# ---- CSRF: every state-changing operation refuses a request without the token --------------------------------------

CSRF_EXEMPT = {"/api/chat"}  # answers from the bank only, stores no words with a learner: see tutor/views/chat.py


def _writes() -> list[str]:
    return sorted(path for path, entry in _document()["paths"].items() if "post" in entry)


@pytest.mark.parametrize("path", _writes())
@pytest.mark.parametrize("token", ["missing", "forged"])
def test_every_post_without_the_token_is_a_400_with_the_standard_body(sapp, path, token):
    from sqlalchemy import func, select

    from tutor.db import Base

    client = sapp.test_client()
    client.get("/api/session")  # a session exists, so only the token is missing
    headers = {} if token == "missing" else {"X-CSRF-Token": "forged-token"}
    concrete = path.replace("{concept_id}", "neurons")

    def rows():
        with sapp.extensions["db_sessionmaker"]() as s:
            return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}

    before = rows()
    r = client.post(concrete, data=json.dumps({}), content_type="application/json",
                    headers={**headers, "Idempotency-Key": "k1"})
    if path in CSRF_EXEMPT:
        assert r.status_code == 422  # reaches the handler, which refuses the empty body
        return
    assert r.status_code == 400, (path, r.status_code, r.get_data(as_text=True))
    body = r.get_json()
    assert body["error"]["code"] == "csrf_failed" and body["error"]["message"] and isinstance(
        body["error"]["details"], list)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert rows() == before


def test_the_exempt_list_is_what_the_app_exempts(sapp):
    from tutor.security import csrf

    def name(rule):
        view = sapp.view_functions[rule.endpoint]
        return f"{view.__module__}.{view.__name__}"

    exempt = {rule.rule for rule in sapp.url_map.iter_rules()
              if rule.rule.startswith("/api/") and "POST" in rule.methods and name(rule) in csrf._exempt_views}
    assert exempt == CSRF_EXEMPT
