"""POST /api/attempts, the quizzes and progress routes: graded on the server, stored exactly once per
Idempotency-Key, answers never sent before the learner answers, and bad requests stored nowhere (not even a guest)."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from content import TRACK_IDS
from tutor.models import Attempt, Learner, Mastery
from tutor.services import numeric, practice

from .test_grading import SAMPLE_ITEMS, bank_with

ANSWER_KEYS = {"correct", "answer", "pairs", "solution", "feedback", "misconception", "misconceptions",
               "explanation", "slips", "steps"}


@pytest.fixture
def app(database_url, content_bank):
    from tutor import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "CONTENT_BANK": bank_with(content_bank, *SAMPLE_ITEMS)})
    yield app
    app.extensions["db_engine"].dispose()


def count(app, model) -> int:
    from tutor.db import get_db

    with app.app_context():
        return get_db().scalar(select(func.count()).select_from(model))


def attempt(api, item_id, answer, key=None, **kw):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    return api.post("/api/attempts", {"item_id": item_id, "answer": answer}, headers=headers, **kw)


def test_an_answer_is_graded_stored_and_a_retry_is_stored_once(app, api):
    key = str(uuid.uuid4())
    first = attempt(api, "t-choice", {"option": "thinks"}, key)
    assert first.status_code == 200
    body = first.get_json()
    assert body["correct"] is False and body["score"] == 0 and body["misconception"] == "networks-understand"
    assert body["feedback"] and body["lesson_link"] == "/learn/neuron?track=ages-9-12#msg-four-steps"
    assert body["mastery"]["concept"] == "neuron" and body["mastery"]["level"] == "attempted"
    retry = attempt(api, "t-choice", {"option": "thinks"}, key)
    assert retry.status_code == 200 and retry.get_json() == body
    assert count(app, Attempt) == 1 and count(app, Learner) == 1
    # A new key is a new attempt by the same guest (the page's CSRF token still works after the guest started).
    again = attempt(api, "t-choice", {"option": "adds"})
    assert again.status_code == 200 and again.get_json()["correct"] is True
    assert count(app, Attempt) == 2 and count(app, Learner) == 1


def test_on_sqlite_an_answer_queues_for_the_write_lock(app, api):
    """tutor.db.writer_turn (tests/tutor/test_writer_turn.py) is on the answers' write path."""
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("the queue is for SQLite")
    queue = Path(url.split("///", 1)[1] + "-writer")
    assert not queue.exists()
    assert attempt(api, "t-choice", {"option": "adds"}).status_code == 200
    assert queue.exists()


def test_a_key_reused_for_another_question_is_a_conflict(app, api):
    key = str(uuid.uuid4())
    assert attempt(api, "t-choice", {"option": "adds"}, key).status_code == 200
    r = attempt(api, "t-tf", {"value": False}, key)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"
    assert count(app, Attempt) == 1


def test_a_key_reused_for_another_answer_is_a_conflict_not_the_first_answers_verdict(app, api):
    # A page that kept its key after the learner changed their answer must not be told the first answer's verdict
    # about the second (the exploratory review saw a right answer marked wrong that way).
    key = str(uuid.uuid4())
    assert attempt(api, "t-choice", {"option": "thinks"}, key).get_json()["correct"] is False
    r = attempt(api, "t-choice", {"option": "adds"}, key)
    assert r.status_code == 409 and "different answer" in r.get_json()["error"]["message"]
    assert count(app, Attempt) == 1
    assert attempt(api, "t-choice", {"option": "thinks"}, key).status_code == 200  # the same answer: a retry


def test_a_race_on_the_same_key_returns_the_stored_reply(app, api, monkeypatch):
    key = str(uuid.uuid4())
    first = attempt(api, "t-tf", {"value": True}, key).get_json()
    real, calls = practice._stored, []

    def miss_once(db, learner_id, k):
        calls.append(k)
        return None if len(calls) == 1 else real(db, learner_id, k)

    monkeypatch.setattr(practice, "_stored", miss_once)  # as if the twin request had not committed yet
    second = attempt(api, "t-tf", {"value": True}, key)
    assert second.status_code == 200 and second.get_json() == first and len(calls) == 2
    assert count(app, Attempt) == 1


BAD = [
    ("no key", lambda api: api.post("/api/attempts", {"item_id": "t-choice", "answer": {"option": "adds"}}), 422),
    ("empty key", lambda api: attempt(api, "t-choice", {"option": "adds"}, " "), 422),
    ("long key", lambda api: attempt(api, "t-choice", {"option": "adds"}, "k" * 101), 422),
    ("unknown item", lambda api: attempt(api, "no-such-item", {"option": "x"}), 404),
    ("unknown numeric", lambda api: attempt(api, "num:mse:ages-5-8:seed=1", {"value": 1}), 404),
    ("wrong kind of answer", lambda api: attempt(api, "t-choice", {"value": True}), 422),
    ("unknown option", lambda api: attempt(api, "t-choice", {"option": "nope"}), 422),
    ("wrong type", lambda api: attempt(api, "t-tf", {"value": "yes"}), 422),
    ("number as bool", lambda api: attempt(api, "num:mse:ages-13-plus:seed=1", {"value": True}), 422),
    ("answer not an object", lambda api: api.post("/api/attempts", {"item_id": "t-tf", "answer": [True]},
                                                 headers={"Idempotency-Key": "k"}), 422),
    ("extra field", lambda api: api.post("/api/attempts", {"item_id": "t-tf", "answer": {"value": True}, "x": 1},
                                         headers={"Idempotency-Key": "k"}), 422),
    ("item id not a string", lambda api: attempt(api, 5, {"value": True}), 422),
    ("no answer", lambda api: api.post("/api/attempts", {"item_id": "t-tf"}, headers={"Idempotency-Key": "k"}), 422),
    ("malformed JSON", lambda api: api.post("/api/attempts", raw="{nope", headers={"Idempotency-Key": "k"}), 400),
    ("not JSON", lambda api: api.client.post("/api/attempts", data="item_id=t-tf", headers={
        "X-CSRF-Token": api.token, "Idempotency-Key": "k", "Content-Type": "application/x-www-form-urlencoded"}), 415),
    ("no CSRF token", lambda api: attempt(api, "t-tf", {"value": True}, csrf=False), 400),
]


@pytest.mark.parametrize("name, send, status", BAD, ids=[b[0] for b in BAD])
def test_bad_requests_get_a_clear_4xx_and_store_nothing(app, api, name, send, status):
    r = send(api)
    assert r.status_code == status, r.get_data(as_text=True)
    error = r.get_json()["error"]
    assert error["code"] and error["message"]
    assert count(app, Attempt) == 0 and count(app, Learner) == 0 and count(app, Mastery) == 0


def test_missing_key_says_what_to_send(api):
    r = api.post("/api/attempts", {"item_id": "t-choice", "answer": {"option": "adds"}})
    assert "Idempotency-Key" in r.get_json()["error"]["message"]


def test_shape_mismatch_says_what_the_answer_looks_like(api):
    r = attempt(api, "t-order", {"option": "guess"})
    assert '{"order"' in r.get_json()["error"]["message"]


@pytest.mark.parametrize("track", TRACK_IDS)
def test_quizzes_and_their_items_never_carry_answers(client, content_bank, track):
    body = client.get(f"/api/quizzes?track={track}").get_json()
    assert body["track"] == track and body["quizzes"]
    for quiz in body["quizzes"]:
        assert {"id", "title", "track", "concepts", "item_count"} <= set(quiz)
        detail = client.get(f"/api/quizzes/{quiz['id']}?seed=5").get_json()
        assert len(detail["items"]) == quiz["item_count"]
        for item in detail["items"]:
            present = {k for k, v in item.items() if v is not None}
            forbidden = ANSWER_KEYS - {"steps"} if item["kind"] == "order" else ANSWER_KEYS  # an order's steps, shuffled
            assert not forbidden & present, (quiz["id"], item["id"], forbidden & present)
            if item["kind"] == "order":
                right = [s.id for s in content_bank.item(item["id"]).steps]
                assert [s["id"] for s in item["steps"]] != right
            assert item["id"] and item["kind"] and item["prompt"]


def test_each_track_has_its_matching_exercise_and_older_tracks_a_numbers_set(client):
    for track in TRACK_IDS:
        kinds = {q["kind"] for q in client.get(f"/api/quizzes?track={track}").get_json()["quizzes"]}
        assert "matching" in kinds
        assert ("numbers" in kinds) == (track != "ages-5-8")


def test_a_numeric_question_is_served_without_its_answer_and_regraded_from_its_id(app, api):
    item = api.get("/api/numeric?kind=neuron-output&track=ages-13-plus&seed=42").get_json()
    assert item["id"] == "num:neuron-output:ages-13-plus:seed=42" and "answer" not in item and item["given"]
    q = numeric.generated("neuron-output", "ages-13-plus", 42)
    right = attempt(api, item["id"], {"value": round(q.answer, 3)}).get_json()
    assert right["correct"] and right["solution"]["steps"] and right["solution"]["answer"] == q.answer
    slip, values = next(iter(q.slips.items()))
    wrong = attempt(api, item["id"], {"value": values[0]}).get_json()
    assert not wrong["correct"] and wrong["misconception"] == ("forgot-bias" if slip == "forgot-bias" else slip)
    assert wrong["misconception_label"]


@pytest.mark.parametrize("path, status", [
    ("/api/quizzes?track=ages-99", 422), ("/api/quizzes", 422), ("/api/quizzes/no-such-quiz", 404),
    ("/api/quizzes/numbers:ages-5-8", 404), ("/api/quizzes/match:nope", 404), ("/api/quizzes/numbers:x?seed=-1", 422),
    ("/api/numeric?kind=mse&track=ages-5-8", 404), ("/api/numeric?kind=nope&track=ages-13-plus", 404),
    ("/api/progress?track=nope", 422),
])
def test_bad_reads_are_4xx(client, path, status):
    r = client.get(path)
    assert r.status_code == status and r.get_json()["error"]["message"]


def test_a_page_for_an_unknown_quiz_is_a_friendly_404(client):
    r = client.get("/practice/no-such-quiz")
    assert r.status_code == 404 and "text/html" in r.content_type


def test_progress_for_nobody_is_zero_and_creates_nothing(app, client):
    body = client.get("/api/progress?track=ages-5-8").get_json()
    assert body["learner"] is None and body["attempts"] == 0 and body["review_today"] == []
    assert {c["level"] for c in body["concepts"]} == {"not-started"} and len(body["concepts"]) >= 15
    assert count(app, Learner) == 0
    assert client.get("/practice/?track=ages-9-12").status_code == 200
    assert count(app, Learner) == 0


def test_progress_after_attempts(app, api):
    attempt(api, "t-choice", {"option": "adds"})
    attempt(api, "t-choice", {"option": "cell"})
    attempt(api, "t-order", {"order": ["guess", "measure", "fix", "repeat"]})
    body = api.get("/api/progress").get_json()
    assert body["learner"]["is_guest"] and body["attempts"] == 3 and body["correct"] == 2
    levels = {c["concept"]: c for c in body["concepts"]}
    assert levels["neuron"]["attempts"] == 2 and levels["neuron"]["level"] == "familiar"
    assert levels["training-loop"]["level"] == "familiar"
    assert set(body["review_today"]) == {"neuron", "training-loop"}


def test_matching_exercise_by_api(app, api, content_bank):
    ms = content_bank.matching_set("ages-9-12")
    terms = [t.id for t in ms.terms]
    pairs = {**ms.pairs, terms[0]: ms.pairs[terms[1]], terms[1]: ms.pairs[terms[0]]}
    body = attempt(api, f"match:{ms.id}", {"pairs": pairs}).get_json()
    assert not body["correct"] and body["score"] == pytest.approx(1 - 2 / len(terms), abs=1e-4)
    assert {w["term"] for w in body["solution"]["wrong"]} == set(terms[:2])
    assert all(w["feedback"] for w in body["solution"]["wrong"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=8))
def test_each_key_is_stored_once_whatever_the_retries(app, api, sends):
    run = uuid.uuid4().hex
    before = count(app, Attempt)
    replies: dict[int, dict] = {}
    answers: dict[int, bool] = {}
    for key, value in sends:
        r = attempt(api, "t-tf", {"value": value}, f"{run}-{key}")
        if answers.setdefault(key, value) != value:
            # A retry of a key with another answer is refused: it is neither stored nor told the first verdict.
            assert r.status_code == 409, r.get_json()
            continue
        # The first reply for a key is the one every retry of the same answer gets.
        assert r.status_code == 200 and replies.setdefault(key, r.get_json()) == r.get_json()
    assert count(app, Attempt) - before == len(replies)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=12))
def test_mastery_follows_every_stored_answer_and_no_retry(app, api, answers):
    """After each answer the reply's level is the level of the learner's latest scores on the concept, and the
    mastery row counts every stored attempt once (a retry of a key counts nothing)."""
    from tutor.db import get_db
    from tutor.services import mastery

    with app.app_context():  # a fresh guest per example
        api.client.delete_cookie("session")
    api._token = None
    scores, key = [], None
    for right, retry in answers:
        if not (retry and key):
            key = str(uuid.uuid4())
            scores.append(1.0 if right else 0.0)
            option = "adds" if right else "thinks"
        r = attempt(api, "t-choice", {"option": option}, key)
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["mastery"]["level"] == mastery.level_for(scores)[0]
    learner_id = api.get("/api/session").get_json()["user"]["id"]
    with app.app_context():
        row = get_db().get(Mastery, (learner_id, "neuron"))
        stored = get_db().scalar(select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner_id))
    assert row.attempts == stored == len(scores) and row.level == mastery.level_for(scores)[0]
