"""Review pass 3, grown-ups' side: defects a parent or a teacher met, each with the test that would have caught it.

- an age written with a superscript digit ("²") crashed the add-a-child form with a server error;
- a PIN typed with another script's digits (Arabic-Indic "١٢٣٤") was stored as typed, so the child, whose PIN pad
  sends 0-9, could never sign in;
- with neither age nor track, or a forged track, the form named internal ids ("ages-5-8, ages-9-12, ...") and
  marked the field "unknown";
- a hand-edited week address answered with the validator's own words ("Input should be a valid date...");
- engine-made number questions were shown to parents as their id ("num:weighted-sum:ages-9-12:seed=6492") in the
  CSV and JSON export, and to teachers as "Numbers: mse (engine-made, every seed together)";
- the export's misconception column gave the id ("forgot-bias") where the week page gives the idea in words;
- the printable join sheet told every learner to choose "I'm new" and type a nickname, even those the teacher had
  bulk-added: they would have been refused their own name as taken.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.tutor.test_accounts import Store, add_child, enter_code, learner_attempt, post_form, sign_out, sign_up
from tests.tutor.test_dashboard import NOW, _remember_app, answer, make_class, make_teacher  # noqa: F401 (autouse)
from tests.tutor.test_family import child_client, family_with_child
from tutor.models import Account, Learner
from tutor.services import dashboard, numeric


@pytest.fixture
def store(app) -> Store:
    return Store(app)


@pytest.fixture
def parent(client):
    sign_up(client, "ana@example.org", "parent", "Ana")
    return client


# ---- adding a child ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("age", ["²", "³", "①"])
def test_an_age_with_a_digit_int_cannot_read_is_a_clear_422_not_a_server_error(parent, store, age):
    r = add_child(parent, "Kid", track="", age=age)
    assert r.status_code == 422, r.status_code
    assert "number from 3 to 19" in r.text and 'id="age-error"' in r.text
    assert store.count(Learner) == 0


def test_an_age_in_another_scripts_digits_still_suggests_the_track(parent, store):
    assert add_child(parent, "Kid", track="", age="٧").status_code == 302  # Arabic-Indic seven
    assert store.one(Learner, Learner.nickname == "Kid").track == "ages-5-8"


@pytest.mark.parametrize("change", [{"track": "", "age": ""}, {"track": "ages-99"}])
def test_a_missing_or_unknown_track_is_explained_without_internal_ids(parent, store, change):
    r = add_child(parent, "Kid", **change)
    assert r.status_code == 422 and 'id="track-error"' in r.text
    assert "ages-5-8" not in r.text.split('id="track-error"')[1].split("</")[0]  # the field's own message
    summary = r.text.split('class="error-summary"')[1].split("</p>")[0]
    assert "ages-" not in summary and "age track" in summary
    assert ">unknown<" not in r.text
    assert store.count(Learner) == 0


def test_a_pin_typed_in_arabic_indic_digits_lets_the_child_sign_in_with_0_to_9(app, client, store):
    sign_up(client, "ana@example.org")
    assert add_child(client, "Mia", pin="١٢٣٤").status_code == 302
    code = store.one(Account, Account.email == "ana@example.org").family_code
    mia = store.one(Learner, Learner.nickname == "Mia")
    sign_out(client)
    enter_code(client, code)
    assert learner_attempt(client, mia.id, pin="1234").status_code == 302  # what the PIN pad sends


def test_a_pin_with_a_trailing_newline_is_not_stored_with_it(db):
    from tutor.errors import Invalid
    from tutor.services import accounts

    assert accounts.check_pin("１２３４") == "1234"  # full-width digits from a Japanese keyboard
    with pytest.raises(Invalid):
        accounts.check_pin("1234\n")


# ---- the week page ----------------------------------------------------------------------------------------------

def test_a_hand_edited_week_address_is_answered_in_words(app):
    parent, child_id, _ = family_with_child(app)
    r = parent.get(f"/parent/children/{child_id}/week?start=abc")
    assert r.status_code == 422
    assert "Input should be" not in r.text and "not a date we can read" in r.text


# ---- number questions as grown-ups read them -------------------------------------------------------------------

def test_the_export_shows_a_number_question_as_the_child_saw_it_not_its_id(app):
    parent, child_id, code = family_with_child(app)
    api = child_client(app, code, child_id)
    question = numeric.generated("weighted-sum", "ages-9-12", 6492)
    r = api.post("/api/attempts", {"item_id": question.id, "answer": {"value": question.answer}},
                 headers={"Idempotency-Key": "review-pass3-number"})
    assert r.status_code == 200, r.text

    rows = list(csv.DictReader(io.StringIO(parent.get(f"/parent/children/{child_id}/export.csv").text.lstrip("\ufeff"))))
    (row,) = rows
    assert "num:" not in row["question"] and "seed" not in row["question"]
    assert row["question"].startswith(question.prompt)
    for given in question.given:  # the numbers the child worked with, as the engine made them
        assert given["label"] in row["question"]
    exported = parent.get(f"/parent/children/{child_id}/export.json").get_json()
    assert exported["attempts"][0]["question"] == row["question"]
    assert exported["attempts"][0]["item"] == question.id  # the id stays, for whoever needs it


def test_the_export_names_the_misconception_in_words_as_the_week_page_does(app, content_bank):
    parent, child_id, code = family_with_child(app)
    api = child_client(app, code, child_id)
    item = next(i for i in content_bank.items if i.kind == "choice" and i.track == "ages-9-12"
                and any(not o.correct and o.misconception for o in i.options))
    wrong = next(o for o in item.options if not o.correct and o.misconception)
    r = api.post("/api/attempts", {"item_id": item.id, "answer": {"option": wrong.id}},
                 headers={"Idempotency-Key": "review-pass3-misconception"})
    assert r.status_code == 200, r.text
    label = content_bank.misconception(wrong.misconception).label_for("ages-9-12")

    (row,) = csv.DictReader(io.StringIO(parent.get(f"/parent/children/{child_id}/export.csv").text.lstrip("\ufeff")))
    assert row["misconception"] == label != wrong.misconception
    (exported,) = parent.get(f"/parent/children/{child_id}/export.json").get_json()["attempts"]
    assert (exported["misconception"], exported["misconception_label"]) == (wrong.misconception, label)


def test_the_item_analysis_names_number_questions_in_the_teachers_words(db, content_bank):
    teacher = make_teacher(db)
    classroom, learners = make_class(db, teacher, ["Eve"])
    q = numeric.generated("mse", "ages-9-12", 3)
    answer(db, content_bank, learners["Eve"], q.id, {"value": q.answer}, NOW - timedelta(hours=1))
    db.commit()
    (row,) = dashboard.item_analysis(db, content_bank, classroom.id, "ages-9-12")
    assert "engine-made" not in row["question"] and "seed" not in row["question"] and "mse" not in row["question"]
    assert "number question" in row["question"]


def test_every_kind_of_number_question_has_a_title_for_teachers():
    assert set(dashboard.NUMERIC_TITLES) == set(numeric.QUESTION_KINDS)


# ---- the join sheet ----------------------------------------------------------------------------------------------

def test_the_join_sheet_tells_bulk_added_learners_to_tap_their_name(client):
    sign_up(client, "rivera@example.org", "teacher", "Ms Rivera")
    r = post_form(client, "/teacher/classes/new", {"name": "Class 5B", "track": ""})
    classroom = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    empty = client.get(f"/teacher/classes/{classroom}/join-sheet").text
    assert "I'm new in this class" in empty and "data-added-learners" not in empty

    assert post_form(client, f"/teacher/classes/{classroom}/learners", {"names": "Aisha\nBen"}).status_code == 302
    sheet = client.get(f"/teacher/classes/{classroom}/join-sheet").text
    assert "data-added-learners" in sheet and "Tap it" in sheet
    assert "I'm new in this class" in sheet  # still there for anyone not on the list
    page = client.get(f"/teacher/classes/{classroom}").text
    assert "tap their name" in page
