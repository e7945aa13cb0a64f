"""The quiz on one page, without JavaScript (/practice/<quiz>/form): every quiz of every track can be answered,
graded and stored through plain HTML forms, once per answer however often the form is sent; a form with gaps or
forged values stores nothing and says what to fix.

The forms are filled the way a browser would: from the page's own HTML (its field names, options and hidden
fields), with the right answers looked up in the bank and the engine.
"""
from __future__ import annotations

import html
import re

import pytest
from werkzeug.datastructures import MultiDict

from tests.tutor.test_accounts import Store, sign_up, token
from tutor.models import Attempt, Learner
from tutor.services import grading, numeric, practice


@pytest.fixture
def store(app) -> Store:
    return Store(app)


def every_quiz(content_bank) -> list[tuple[str, str]]:
    return [(t.id, q["id"]) for t in content_bank.tracks for q in practice.quiz_list(content_bank, t.id)]


def page_fields(page: str) -> dict:
    """What a browser would send for a form page: the hidden fields, and per question its kind and controls."""
    hidden = MultiDict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    questions = []
    for i, section in enumerate(re.split(r'<section class="question card ', page)[1:]):
        kind = re.match(r"question-(\w+)", section).group(1)
        values = [html.unescape(v) for v in re.findall(rf'name="a{i}" id="a{i}-\d+" value="([^"]*)"', section)]
        selects = {name: [html.unescape(v) for v in re.findall(r'<option value="([^"]+)"', body)]
                   for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', section, re.DOTALL)}
        questions.append({"kind": kind, "values": values, "selects": selects})
    return {"hidden": hidden, "questions": questions}


def any_answers(fields: dict) -> MultiDict:
    """A form with every question answered (shape-right, not necessarily right)."""
    data = MultiDict(fields["hidden"])
    for i, q in enumerate(fields["questions"]):
        if q["kind"] in ("choice", "truefalse", "multi"):
            data.add(f"a{i}", q["values"][0])
        elif q["kind"] == "numeric":
            data.add(f"a{i}", "0.5")
        else:  # matching and order: the n-th choice of the n-th list (order needs each step once)
            for n, (name, options) in enumerate(q["selects"].items()):
                data.add(name, options[n % len(options)])
    return data


def right_answers(bank, fields: dict) -> MultiDict:
    """The form answered right, from the bank's answer keys and the engine's numbers."""
    data = MultiDict(fields["hidden"])
    for i, item_id in enumerate(fields["hidden"].getlist("item")):
        question = grading.find_question(bank, item_id)
        kind = grading.kind_of(question)
        if kind == "numeric":
            data.add(f"a{i}", numeric.fmt(question.answer).replace("−", "-"))
        elif kind == "truefalse":
            data.add(f"a{i}", "true" if question.answer else "false")
        elif kind in ("choice", "multi"):
            for option in question.options:
                if option.correct:
                    data.add(f"a{i}", option.id)
        elif kind == "matching":
            for term, definition in question.pairs.items():
                data.add(f"a{i}-{term}", definition)
        else:
            for n, step in enumerate(question.steps, start=1):
                data.add(f"a{i}-{n}", step.id)
    return data


def open_form(client, quiz_id: str) -> dict:
    page = client.get(f"/practice/{quiz_id}/form")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    return page_fields(page.get_data(as_text=True))


def send(client, quiz_id: str, data: MultiDict):
    return client.post(f"/practice/{quiz_id}/form", data=data)


def test_every_quiz_can_be_answered_right_on_one_page_and_is_stored_once(app, content_bank, store):
    for track, quiz_id in every_quiz(content_bank):
        client = app.test_client()
        fields = open_form(client, quiz_id)
        n = len(fields["questions"])
        assert n == len(fields["hidden"].getlist("item")) > 0, quiz_id
        data = right_answers(content_bank, fields)
        r = send(client, quiz_id, data)
        page = r.get_data(as_text=True)
        assert r.status_code == 200, (quiz_id, page[:500])
        if track == "ages-5-8":
            assert "Every one! Super work." in page and page.count("⭐ Great job!") == n, quiz_id
        else:
            assert f"{n} of {n} right · score 100%" in page and page.count("✔ Right!") == n, quiz_id
        learner = client.get("/api/session").get_json()["user"]
        assert learner["is_guest"]  # the answers made a guest, as the JSON quiz does
        key = fields["hidden"]["form_key"]
        stored = store.all(Attempt, Attempt.learner_id == learner["id"])
        assert sorted(a.idempotency_key for a in stored) == sorted(f"{key}-{i}" for i in range(n))
        assert all(a.correct for a in stored)
        # the form sent again (a reload, a double click) stores nothing new and shows the same results
        again = send(client, quiz_id, data)
        assert again.status_code == 200 and store.count(Attempt, Attempt.learner_id == learner["id"]) == n
        assert again.get_data(as_text=True).count("Question 1 of") == 1


def test_wrong_answers_say_why_and_name_the_misconception(app, content_bank, store):
    client = app.test_client()
    quiz_id = "quiz-9-12-how-it-learns"
    fields = open_form(client, quiz_id)
    data = right_answers(content_bank, fields)
    ids = fields["hidden"].getlist("item")
    i, item = next((i, content_bank.item(x)) for i, x in enumerate(ids)
                   if content_bank.item(x).kind == "choice"
                   and any(not o.correct and o.misconception for o in content_bank.item(x).options))
    wrong = next(o for o in item.options if not o.correct and o.misconception)
    data.setlist(f"a{i}", [wrong.id])
    page = send(client, quiz_id, data).get_data(as_text=True)
    n = len(ids)
    assert f"{n - 1} of {n} right" in page and "✗ Not quite" in page and "✗ your answer" in page
    label = content_bank.misconception(wrong.misconception).label_for("ages-9-12")
    text = html.unescape(page)
    assert "This answer shows a common idea that is not right: </strong>" + label in text
    assert wrong.feedback in text and "Read why in the lesson" in page


def test_a_form_with_gaps_or_non_numbers_is_shown_again_with_what_to_fix_and_nothing_stored(app, content_bank, store):
    client = app.test_client()
    quiz_id = "numbers:ages-13-plus"
    fields = open_form(client, quiz_id)
    data = right_answers(content_bank, fields)
    kept = data["a1"]
    data.setlist("a0", [""])
    data.setlist("a2", ["twelve"])
    r = send(client, quiz_id, data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "2 questions need an answer." in page
    assert '<a href="#q0">Question 1: Type a number.</a>' in page and "Question 3: “twelve” is not a number." in page
    assert f'value="{kept}"' in page and 'value="twelve"' in page  # what was typed stays
    assert 'id="q0-error"' in page and 'aria-invalid="true"' in page
    assert store.count(Attempt) == 0 and store.count(Learner) == 0
    # the same numbers come back (each question id carries its seed), and a decimal comma is a decimal point
    assert page_fields(page)["hidden"].getlist("item") == fields["hidden"].getlist("item")
    data = right_answers(content_bank, fields)
    data.setlist("a0", [data["a0"].replace(".", ",")])
    assert send(client, quiz_id, data).status_code == 200 and store.count(Attempt) == len(fields["questions"])


@pytest.mark.parametrize("quiz_id, problem", [("quiz-9-12-building-blocks", "Use each step once."),
                                              ("match:match-terms-9-12", "Match at least one word.")])
def test_order_and_matching_questions_need_a_real_answer(app, content_bank, store, quiz_id, problem):
    client = app.test_client()
    fields = open_form(client, quiz_id)
    data = right_answers(content_bank, fields)
    i = next(i for i, q in enumerate(fields["questions"]) if q["kind"] in ("order", "matching"))
    names = list(fields["questions"][i]["selects"])
    for name in names:
        data.setlist(name, [data[names[0]]] if problem.startswith("Use") else [""])
    r = send(client, quiz_id, data)
    assert r.status_code == 422 and problem in r.get_data(as_text=True) and store.count(Attempt) == 0


def test_forged_forms_store_nothing(app, content_bank, store):
    client = app.test_client()
    quiz_id = "quiz-9-12-ai-and-you"
    fields = open_form(client, quiz_id)
    good = right_answers(content_bank, fields)

    forged = MultiDict(good)
    forged.setlist("a0", ["no-such-option"])
    r = send(client, quiz_id, forged)
    assert r.status_code == 422 and "Question 1:" in r.get_data(as_text=True)

    forged = MultiDict(good)
    forged.setlist("item", ["no-such-question", *good.getlist("item")[1:]])
    assert send(client, quiz_id, forged).status_code == 404

    for key in ("", "x" * 200):
        forged = MultiDict(good)
        forged.setlist("form_key", [key])
        r = send(client, quiz_id, forged)
        assert r.status_code == 422 and "missing its key" in r.get_data(as_text=True)

    forged = MultiDict(good)
    forged.setlist("item", [])
    assert send(client, quiz_id, forged).status_code == 422

    no_token = MultiDict(good)
    no_token.pop("csrf_token")
    assert send(client, quiz_id, no_token).status_code == 400
    assert store.count(Attempt) == 0 and store.count(Learner) == 0
    assert send(client, quiz_id, good).status_code == 200 and store.count(Attempt) == len(fields["questions"])


def test_a_grown_up_trying_the_form_is_graded_but_not_recorded(app, content_bank, store):
    parent = app.test_client()
    sign_up(parent, "sam@example.org")
    fields = open_form(parent, "quiz-13-plus-training")
    r = send(parent, "quiz-13-plus-training", right_answers(content_bank, fields))
    assert r.status_code == 200 and "✔ Right!" in r.get_data(as_text=True)
    assert store.count(Attempt) == 0 and store.count(Learner) == 0


def test_the_quiz_page_points_browsers_without_javascript_to_the_form(client):
    page = client.get("/practice/quiz-5-8-meet-the-robot").get_data(as_text=True)
    noscript = re.search(r"<noscript>(.*?)</noscript>", page, re.DOTALL).group(1)
    assert 'href="/practice/quiz-5-8-meet-the-robot/form"' in noscript and "Play on one page" in noscript
    form = client.get("/practice/quiz-5-8-meet-the-robot/form").get_data(as_text=True)
    assert "<script" not in form.split("<main", 1)[1]  # the form itself needs no script
    assert f'name="csrf_token" value="{token(client)}"' in form


def test_numbers_on_the_form_are_written_as_the_quiz_page_writes_them(app, content_bank):
    client = app.test_client()
    page = client.get("/practice/numbers:ages-13-plus/form?seed=7").get_data(as_text=True)
    detail = practice.quiz_detail(content_bank, "numbers:ages-13-plus", seed=7)
    assert [i["id"] for i in detail["items"]] == page_fields(page)["hidden"].getlist("item")  # the seed is kept
    for item in detail["items"]:
        assert f"Answers within {numeric.fmt(item['tolerance'])} of the exact value" in page
        for given in item["given"]:
            if isinstance(given.get("value"), float):
                assert f"<dd>{numeric.fmt(given['value'])}</dd>" in page, given


def test_the_form_words_matching_for_its_lists_and_names_a_meaning_used_twice(app, content_bank, store):
    """The second review pass: the form showed the tap-and-drag instructions over its lists, a single question was
    introduced as "all the questions", and a meaning picked twice came back as an id ("'d-knob' is used 2 times")
    with no link to its question."""
    client = app.test_client()
    quiz_id = "match:match-words-5-8"
    page = client.get(f"/practice/{quiz_id}/form").get_data(as_text=True)
    assert "Tap a word" not in page and "What does each word mean?" in page
    assert "All the questions" not in page and "Answer it, then press “Check!”" in html.unescape(page)
    fields = page_fields(page)
    data = right_answers(content_bank, fields)
    names = list(fields["questions"][0]["selects"])
    data.setlist(names[1], [data[names[0]]])
    r = send(client, quiz_id, data)
    text = html.unescape(r.get_data(as_text=True))
    matching = content_bank.matching_set("ages-5-8")
    meaning = next(d.text for d in matching.definitions if d.id == data[names[0]])
    assert r.status_code == 422 and f"“{meaning}” is picked 2 times" in text
    assert '<a href="#q0">Question 1: Each meaning can be used once' in text
    assert store.count(Attempt) == 0


def test_without_javascript_the_quiz_page_promises_no_loading(client):
    page = client.get("/practice/quiz-5-8-meet-the-robot").get_data(as_text=True)
    assert "Loading the questions" not in page  # quiz.js says it while it loads; without it nothing loads
    assert 'data-pref="large-text" aria-pressed="false" hidden' in page  # buttons that need the script


def test_matching_feedback_reads_right(app, content_bank):
    """"1 of 4 pairs are right" and "It means “… answer is.”." were in the matching feedback."""
    client = app.test_client()
    quiz_id = "match:match-words-5-8"
    fields = open_form(client, quiz_id)
    data = right_answers(content_bank, fields)
    names = list(fields["questions"][0]["selects"])
    for name in names[1:]:
        data.setlist(name, [""])  # one pair, the rest left open
    text = html.unescape(send(client, quiz_id, data).get_data(as_text=True))
    assert "1 of" in text and "pairs is right" in text and "pairs are right" not in text
    assert not re.search(r"[.!?]”\.", text)
