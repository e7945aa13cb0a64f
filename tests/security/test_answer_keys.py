"""No answer key reaches a learner before they answer: every quiz (written, matching, numbers, review), every numeric
question, every concept's check question, every lesson and practice page, and the chat tutor's replies.

Checked three ways: no answer-bearing field in any question (correct flags, pairs, answers, feedback, explanations,
solutions, slips); no text only the answer key holds (an option's feedback, an item's explanation) anywhere in the
answer; and nothing that is the answer by its shape: the engine's result of a numeric question in any of the forms a
page would print it, steps of an order question in the right order, definitions lined up with their terms.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

import pytest

from tests.tutor.test_access_matrix import become, build_world
from tests.tutor.test_accounts import token
from tutor.services.questions import ANSWER_FIELDS

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")
SEEDS = (0, 1, 7)
NEVER_ANYWHERE = {"correct", "pairs", "solution", "answer_key", "slips", "correct_order", "is_correct",
                  "answer_text"}
NEVER_IN_A_QUESTION = ANSWER_FIELDS | NEVER_ANYWHERE | {"answers"}
JSON_BLOCK = re.compile(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def key_app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(key_app):
    return key_app.test_client()


# ---- what the answer key holds --------------------------------------------------------------------------------------

def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def secret_texts(item) -> set[str]:
    """Sentences only the answer key holds: feedback and explanations (long enough not to occur by chance)."""
    data = item.model_dump(mode="json")
    found = {s for key in ("feedback", "explanation") for s in _strings(data.get(key))}
    for option in data.get("options") or []:
        found |= set(_strings(option.get("feedback")))
    # what the question shows anyway (an explanation may repeat the right option's text word for word)
    public = {s for key in ("prompt", "hint", "options", "steps", "terms", "definitions") for s in
              _strings([o.get("text") for o in data[key]] if isinstance(data.get(key), list) else data.get(key))}
    return {s for s in found - public if len(s) >= 25}


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, dict]]:
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")


def key_fields(payload: Any) -> list[str]:
    """Answer-bearing fields in a JSON payload: anywhere, or in anything shaped like a question."""
    found = []
    for path, obj in walk(payload):
        present = {k for k, v in obj.items() if v is not None}  # a field that is null gives nothing away
        found += [f"{path}.{k}" for k in NEVER_ANYWHERE & present]
        if "prompt" in obj and "kind" in obj:
            found += [f"{path}.{k}" for k in NEVER_IN_A_QUESTION & present]
            if obj["kind"] == "numeric" and "steps" in present:
                found.append(f"{path}.steps (a numeric question's worked solution)")
    return sorted(set(found))


def answer_forms(value: float) -> set[str]:
    """How a page or the API would print the engine's answer; only forms with 2+ significant digits (a lone 0 or
    1 occurs everywhere)."""
    from tutor.services.numeric import fmt

    forms = {repr(float(value)), fmt(value), fmt(value).replace("\u2212", "-")}
    forms |= {f"{value:.{n}f}" for n in (2, 3, 4)}
    return {f for f in forms if len(re.sub(r"[^1-9]", "", f.split("e")[0])) >= 2}


def numeric_leaks(bank, item: dict) -> list[str]:
    from tutor.services import numeric

    question = numeric.question(item["id"], bank.item)
    given = json.dumps([g.get("value") for g in item.get("given") or []])
    shown = json.dumps({k: v for k, v in item.items() if k != "id"}, ensure_ascii=False)  # the id holds the seed
    return [f"{item['id']} shows its answer {form}" for form in answer_forms(question.answer)
            if form in shown and form not in given]


def shape_leaks(bank, item: dict) -> list[str]:
    """An order question in the right order, or definitions lined up with their terms, is the answer."""
    from tutor.services import grading

    leaks = []
    if item["kind"] == "order":
        right = [s.id for s in bank.item(item["id"]).steps]
        if [s["id"] for s in item["steps"]] == right:
            leaks.append(f"{item['id']}: steps shown in the right order")
    if item["kind"] == "matching":
        key = item["id"]
        source = (grading.matching_set_by_id(bank, key.removeprefix(grading.MATCHING_PREFIX))
                  if key.startswith(grading.MATCHING_PREFIX) else bank.item(key))
        lined_up = [source.pairs[t["id"]] for t in item["terms"]]
        if [d["id"] for d in item["definitions"]] == lined_up:
            leaks.append(f"{item['id']}: definitions lined up with their terms")
    return leaks


def item_leaks(bank, item: dict, where: str) -> list[str]:
    leaks = [f"{where}: {f}" for f in key_fields(item)]
    if item["id"].startswith("num:"):
        leaks += numeric_leaks(bank, item)
    else:
        leaks += shape_leaks(bank, item)
        source = bank.item(item["id"])
        if source is not None:
            text = json.dumps(item, ensure_ascii=False)
            leaks += [f"{where}: {item['id']} shows '{s[:40]}…'" for s in secret_texts(source) if s in text]
    return leaks


# ---- the JSON API ---------------------------------------------------------------------------------------------------

def quiz_ids(client, track: str) -> list[str]:
    return [q["id"] for q in client.get(f"/api/quizzes?track={track}").get_json()["quizzes"]]


@pytest.mark.parametrize("track", TRACKS)
def test_quizzes_carry_no_answers(client, content_bank, track):
    leaks, items = [], 0
    for quiz_id in quiz_ids(client, track):
        for seed in SEEDS:
            r = client.get(f"/api/quizzes/{quiz_id}?seed={seed}")
            assert r.status_code == 200, quiz_id
            body = r.get_json()
            leaks += [f"{quiz_id}: {f}" for f in key_fields(body)]
            for item in body["items"]:
                items += 1
                leaks += item_leaks(content_bank, item, quiz_id)
    assert items > 0
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("track", ["ages-9-12", "ages-13-plus"])
def test_numeric_questions_carry_no_answers(client, content_bank, track):
    from tutor.services import numeric

    leaks, kinds = [], numeric.kinds_for(track)
    assert kinds
    for kind in kinds:
        for seed in range(12):
            item = client.get(f"/api/numeric?kind={kind}&track={track}&seed={seed}").get_json()
            leaks += item_leaks(content_bank, item, f"/api/numeric {kind} seed {seed}")
    assert not leaks, "\n".join(leaks)


def test_the_numeric_check_can_see_an_answer(content_bank):
    """The numeric check is not vacuous: the solution the grader returns after answering does show the answer."""
    from tutor.services import numeric

    question = numeric.generated(numeric.kinds_for("ages-13-plus")[1], "ages-13-plus", 5)
    revealed = {**question.public(), "solution": question.solution()}
    assert numeric_leaks(content_bank, revealed) and key_fields(revealed)


@pytest.mark.parametrize("track", TRACKS)
def test_concepts_and_their_check_questions_carry_no_answers(client, content_bank, track):
    leaks, checks = [], 0
    for lesson in content_bank.concepts(track):
        body = client.get(f"/api/concepts/{lesson.id}?track={track}").get_json()
        leaks += [f"{lesson.id}: {f}" for f in key_fields(body)]
        if body.get("check"):
            checks += 1
            leaks += item_leaks(content_bank, body["check"], f"/api/concepts/{lesson.id}")
            text = json.dumps(body, ensure_ascii=False)
            leaks += [f"{lesson.id}: shows '{s[:40]}…'" for s in secret_texts(lesson.check) if s in text]
    assert checks > 0
    assert not leaks, "\n".join(leaks)


def test_the_review_quiz_of_a_learner_with_concepts_due_carries_no_answers(key_app, content_bank):
    client = key_app.test_client()
    become(client, "learner", build_world(key_app))
    for quiz_id in quiz_ids(client, "ages-5-8")[:3]:
        for n, item in enumerate(client.get(f"/api/quizzes/{quiz_id}").get_json()["items"]):
            if item["kind"] in ("choice", "multi"):
                answer = {"option": item["options"][0]["id"]} if item["kind"] == "choice" else {
                    "options": [item["options"][0]["id"]]}
                client.post("/api/attempts", json={"item_id": item["id"], "answer": answer},
                            headers={"X-CSRF-Token": token(client), "Idempotency-Key": f"{quiz_id}-{n}"})
    leaks = []
    for seed in SEEDS:
        body = client.get(f"/api/quizzes/review:ages-5-8?seed={seed}").get_json()
        leaks += [f for item in body["items"] for f in item_leaks(content_bank, item, "review")]
    assert not leaks, "\n".join(leaks)


# ---- pages ----------------------------------------------------------------------------------------------------------

def page_leaks(content_bank, html: str, items, where: str) -> list[str]:
    leaks = []
    for block in JSON_BLOCK.findall(html):
        leaks += [f"{where} embedded JSON: {f}" for f in key_fields(json.loads(block))]
    for item in items:
        leaks += [f"{where}: shows '{s[:40]}…' of {item.id}" for s in secret_texts(item) if s in html]
    for needle in ("data-correct", "data-answer", "data-pairs", "data-solution"):
        if needle in html:
            leaks.append(f"{where}: {needle}")
    return leaks


@pytest.mark.parametrize("track", TRACKS)
def test_lesson_pages_carry_no_answers(client, content_bank, track):
    leaks = []
    for lesson in content_bank.concepts(track):
        r = client.get(f"/learn/{lesson.id}?track={track}")
        assert r.status_code == 200
        items = [lesson.check] if lesson.check is not None else []
        leaks += page_leaks(content_bank, r.get_data(as_text=True), items, f"/learn/{lesson.id}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("track", TRACKS)
def test_practice_pages_carry_no_answers(client, content_bank, track):
    leaks = []
    for quiz_id in quiz_ids(client, track):
        r = client.get(f"/practice/{quiz_id}")
        assert r.status_code == 200, quiz_id
        quiz = content_bank.quiz(quiz_id)
        items = content_bank.quiz_items(quiz_id) if quiz is not None else []
        leaks += page_leaks(content_bank, r.get_data(as_text=True), items, f"/practice/{quiz_id}")
    assert not leaks, "\n".join(leaks)


def test_the_page_checks_catch_what_they_look_for(content_bank):
    quiz = content_bank.quizzes("ages-9-12")[0]
    item = next(i for i in content_bank.quiz_items(quiz.id) if secret_texts(i))
    html = f"<p>{sorted(secret_texts(item))[0]}</p>"
    assert page_leaks(content_bank, html, [item], "probe")
    assert page_leaks(content_bank, '<script type="application/json">{"correct": 1}</script>', [], "probe")


# ---- the chat tutor -------------------------------------------------------------------------------------------------

def test_chat_replies_carry_no_answer_fields(client, content_bank):
    """Asked a quiz question word for word, the tutor explains the topic: no grading fields, no answer key."""
    leaks = []
    for track in TRACKS:
        quiz = content_bank.quizzes(track)[0]
        for item in content_bank.quiz_items(quiz.id)[:4]:
            r = client.post("/api/chat", json={"message": item.prompt[:500], "track": track})
            assert r.status_code == 200, r.get_data(as_text=True)[:200]
            leaks += [f"chat on {item.id}: {f}" for f in key_fields(r.get_json())]
            text = r.get_data(as_text=True)
            leaks += [f"chat on {item.id}: '{s[:40]}…'" for s in secret_texts(item)
                      if json.dumps(s)[1:-1] in text]
    assert not leaks, "\n".join(leaks)


def test_the_shape_check_sees_steps_in_the_right_order(content_bank):
    order = next(i for t in TRACKS for q in content_bank.quizzes(t) for i in content_bank.quiz_items(q.id)
                 if i.kind == "order")
    in_order = {"id": order.id, "kind": "order", "prompt": order.prompt,
                "steps": [{"id": s.id, "text": s.text} for s in order.steps]}
    assert shape_leaks(content_bank, in_order)
