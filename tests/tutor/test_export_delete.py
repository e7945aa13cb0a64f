"""A child's data leaves with the parent: export as JSON and CSV (no secrets, spreadsheet-safe, UTF-8) and deletion
that really deletes, on SQLite and PostgreSQL.

Which tables hold a child's data is read from the models (every table with a learner_id column, and every column
pointing at learners.id), so a table added later is covered here without anyone remembering to add it.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.tutor.test_accounts import post_form
from tests.tutor.test_family import answer, child_client, family_with_child, read_lesson, text, wrong_choice_item
from tutor.db import Base
from tutor.models import Account, ActivityRun, Attempt, ChatTopic, Classroom, Learner, Membership, Milestone
from tutor.services import family

TRACK = "ages-9-12"


def learner_columns():
    """(table, column) for every column that refers to a learner: named learner_id or a foreign key to learners."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            if column.name == "learner_id" or any(fk.column.table.name == "learners" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def rows_of(app, learner_id: int) -> dict[str, int]:
    with app.extensions["db_sessionmaker"]() as s:
        counts = {}
        for table, column in learner_columns():
            counts[f"{table.name}.{column.name}"] = s.scalar(
                select(func.count()).select_from(table).where(column == learner_id))
        counts["learners.id"] = s.scalar(select(func.count()).select_from(Learner).where(Learner.id == learner_id))
        return counts


def fill_everything(app, content_bank, parent, child_id: int, code: str) -> None:
    """A row in every table that can hold something about the child: through the child's own requests where an
    API exists, directly for what only other people's actions make (a class membership)."""
    kid = child_client(app, code, child_id)
    read_lesson(kid, content_bank, "loss", TRACK)
    item = wrong_choice_item(content_bank, TRACK, "loss")
    answer(kid, content_bank, item.id, right=False)
    answer(kid, content_bank, item.id, right=True)
    post_form(parent, f"/parent/children/{child_id}/plan", {"milestone": "month-1", "evidence": "Guess, check, fix"})
    with app.extensions["db_sessionmaker"]() as s:
        # The role-play's API needs a full run of choices and the chat's answer depends on the trained recogniser;
        # what matters here is one stored row of each, written as those services write them.
        s.add(ActivityRun(learner_id=child_id, activity="human-backprop", result={"track": TRACK, "correct": 3}))
        s.add(ChatTopic(learner_id=child_id, topic="backpropagation", confidence=0.9, track=TRACK))
        teacher = Account(email="t@example.org", password_hash="not-used", role="teacher", display_name="Ms T")
        s.add(teacher)
        s.flush()
        classroom = Classroom(teacher_id=teacher.id, name="5B", join_code="JOINCODE")
        s.add(classroom)
        s.flush()
        s.add(Membership(learner_id=child_id, classroom_id=classroom.id))
        s.commit()
    counts = rows_of(app, child_id)
    empty = [name for name, n in counts.items() if n == 0]
    assert not empty, f"add a row for these in fill_everything so their deletion is tested: {empty}"


@pytest.fixture
def two_children(app, content_bank):
    """Two families, each with a child who has a row in every table; returns (parent client, child id, code,
    other child id)."""
    parent, child_id, code = family_with_child(app)
    fill_everything(app, content_bank, parent, child_id, code)
    _, other_id, _ = family_with_child(app, "other@example.org", nickname="Leo")
    with app.extensions["db_sessionmaker"]() as s:
        s.add(Attempt(learner_id=other_id, item_id="x", concept="loss", track=TRACK, kind="choice", answer={},
                      correct=True, score=1.0, reply={}, idempotency_key="k"))
        s.add(Milestone(learner_id=other_id, milestone="month-1", evidence="Leo's words"))
        s.commit()
    return parent, child_id, code, other_id


# ---- export -------------------------------------------------------------------------------------------------------

def test_the_json_export_has_everything_and_no_secrets(app, content_bank, two_children):
    parent, child_id, _, _ = two_children
    r = parent.get(f"/parent/children/{child_id}/export.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Content-Disposition"] == 'attachment; filename="mia-learning-data.json"'
    assert r.headers["Cache-Control"] == "no-store"
    data = json.loads(r.get_data(as_text=True))
    assert set(data) == {"profile", "lessons", "attempts", "mastery", "activities", "milestones", "chat_topics"}
    assert data["profile"]["nickname"] == "Mia" and data["profile"]["track"] == TRACK
    assert data["profile"]["avatar"] == "fox" and data["profile"]["created"]
    counts = rows_of(app, child_id)
    assert len(data["attempts"]) == counts["attempts.learner_id"] == 2
    assert len(data["lessons"]) == counts["lesson_progress.learner_id"]
    assert len(data["mastery"]) == counts["mastery.learner_id"]
    assert len(data["activities"]) == counts["activity_runs.learner_id"]
    assert len(data["chat_topics"]) == counts["chat_topics.learner_id"]
    assert data["milestones"] == [{"milestone": "month-1", "evidence": "Guess, check, fix",
                                   "recorded": data["milestones"][0]["recorded"]}]
    wrong = data["attempts"][0]
    item = content_bank.item(wrong["item"])
    assert wrong["question"] == item.prompt and wrong["correct"] is False and wrong["misconception"]
    # Never a sign-in secret, never the other family's child (chat words are never stored in the first place).
    body = r.get_data(as_text=True)
    with app.extensions["db_sessionmaker"]() as s:
        child = s.get(Learner, child_id)
        assert child.pin_hash and child.pin_hash not in body
    for secret in ("pin", "pin_hash", "picture_password", "password", "claim_code", "family_code"):
        assert f'"{secret}"' not in body
    assert "Leo" not in body


def test_the_csv_export_is_the_answers_table(app, content_bank, two_children):
    parent, child_id, _, _ = two_children
    r = parent.get(f"/parent/children/{child_id}/export.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.mimetype_params["charset"] == "utf-8"
    assert r.headers["Content-Disposition"] == 'attachment; filename="mia-learning-data.csv"'
    raw = r.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: spreadsheets read accents right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == ["time", "concept", "question", "correct", "misconception"]
    assert len(rows) == 2
    item = wrong_choice_item(content_bank, TRACK, "loss")
    assert [row["correct"] for row in rows] == ["no", "yes"]
    assert rows[0]["question"] == item.prompt and rows[0]["concept"] == "loss" and rows[0]["misconception"]
    assert rows[1]["misconception"] == ""
    assert datetime.fromisoformat(rows[0]["time"]).tzinfo is not None


def test_the_csv_cannot_run_formulas_in_a_spreadsheet(app, two_children):
    parent, child_id, _, _ = two_children
    with app.extensions["db_sessionmaker"]() as s:
        s.add(Attempt(learner_id=child_id, item_id='=HYPERLINK("http://evil.example","x")', concept="+cmd",
                      track=TRACK, kind="choice", answer={}, correct=False, score=0.0, misconception="@SUM(1)",
                      reply={}, idempotency_key="evil", created_at=datetime(2030, 1, 1, tzinfo=UTC)))
        s.commit()
    raw = parent.get(f"/parent/children/{child_id}/export.csv").get_data().decode("utf-8-sig")
    evil = list(csv.reader(io.StringIO(raw)))[-1]
    assert evil[1:] == ["'+cmd", "'=HYPERLINK(\"http://evil.example\",\"x\")", "no", "'@SUM(1)"]
    for row in csv.reader(io.StringIO(raw)):
        for cell in row:
            assert not cell.startswith(family.FORMULA_START), cell


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_spreadsheet_safe_cell_never_starts_a_formula_and_keeps_the_text(value):
    cell = family.spreadsheet_safe(value)
    assert not cell.startswith(family.FORMULA_START)
    assert cell == value or cell == "'" + value


def test_a_nickname_makes_a_plain_file_name():
    child = Learner(nickname='Zoé "the 1st" / ñ', avatar="owl", track=TRACK)
    assert family.export_filename(child, "csv") == "zo-the-1st-learning-data.csv"
    assert family.export_filename(Learner(nickname="✨", avatar="owl", track=TRACK), "json") == \
        "child-learning-data.json"


def test_nobody_else_can_export_a_child(app, two_children):
    _, child_id, code, _ = two_children
    other = app.test_client()
    post_form(other, "/auth/sign-in", {"email": "other@example.org", "password": "correct horse battery"})
    for kind in ("json", "csv"):
        r = other.get(f"/parent/children/{child_id}/export.{kind}")  # a forged id: someone else's child
        assert r.status_code == 404 and "Guess, check, fix" not in r.get_data(as_text=True)
        assert "attachment" not in r.headers.get("Content-Disposition", "")
    kid = child_client(app, code, child_id)
    assert kid.get(f"/parent/children/{child_id}/export.json").status_code == 403
    assert app.test_client().get(f"/parent/children/{child_id}/export.json").status_code == 302  # to sign-in


# ---- deleting the learning data -------------------------------------------------------------------------------------

def test_deleting_learning_data_needs_the_nickname_typed(app, two_children):
    parent, child_id, _, _ = two_children
    before = rows_of(app, child_id)
    url = f"/parent/children/{child_id}/delete-data"
    page = parent.get(url)
    assert page.status_code == 200 and "Type Mia to confirm" in text(page.get_data(as_text=True))
    for typed in (None, "", "Mi", "Leo", "Mia!"):
        r = post_form(parent, url, {} if typed is None else {"confirm": typed})
        assert r.status_code == 422 and "Type Mia to confirm" in r.get_data(as_text=True)
        assert rows_of(app, child_id) == before
    r = parent.post(url, data={"confirm": "Mia"})  # no CSRF token: refused, nothing deleted
    assert r.status_code == 400 and rows_of(app, child_id) == before


def test_deleting_learning_data_empties_every_learning_table_and_keeps_the_profile(app, two_children):
    parent, child_id, code, other_id = two_children
    other_before = rows_of(app, other_id)
    r = post_form(parent, f"/parent/children/{child_id}/delete-data", {"confirm": "  mia "})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/parent/children/{child_id}/data")
    after = rows_of(app, child_id)
    kept = {"learners.id": 1, "memberships.learner_id": 1}
    assert {k: v for k, v in after.items() if v} == kept, after
    # Every table with a learner_id is either emptied by the service or deliberately kept as the profile.
    learning = {t.name for t in family.learning_tables()}
    assert learning | family.PROFILE_TABLES >= {t.name for t, c in learner_columns() if c.name == "learner_id"}
    assert rows_of(app, other_id) == other_before  # the other family's child is untouched
    # The child still signs in and starts fresh.
    kid = child_client(app, code, child_id)
    assert kid.get("/api/progress").get_json()["attempts"] == 0
    assert "No learning is stored yet" in parent.get(f"/parent/children/{child_id}/data").get_data(as_text=True)


def test_nobody_else_can_delete_a_childs_data(app, two_children):
    _, child_id, code, _ = two_children
    before = rows_of(app, child_id)
    other = app.test_client()
    post_form(other, "/auth/sign-in", {"email": "other@example.org", "password": "correct horse battery"})
    assert post_form(other, f"/parent/children/{child_id}/delete-data", {"confirm": "Mia"}).status_code == 404
    assert post_form(other, f"/parent/children/{child_id}/remove").status_code == 404
    kid = child_client(app, code, child_id)
    r = kid.client.post(f"/parent/children/{child_id}/delete-data", data={"confirm": "Mia", "csrf_token": kid.token})
    assert r.status_code == 403
    assert rows_of(app, child_id) == before


# ---- removing the child completely ----------------------------------------------------------------------------------

def test_removing_a_child_leaves_no_row_anywhere(app, two_children):
    parent, child_id, _, other_id = two_children
    other_before = rows_of(app, other_id)
    page = parent.get(f"/parent/children/{child_id}/remove").get_data(as_text=True)
    assert "Download everything (JSON)" in page
    r = post_form(parent, f"/parent/children/{child_id}/remove")
    assert r.status_code == 302
    after = rows_of(app, child_id)
    assert not any(after.values()), after
    assert rows_of(app, other_id) == other_before
    with app.extensions["db_sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 3  # the parents and the teacher stay
    assert parent.get(f"/parent/children/{child_id}/export.json").status_code == 404


def test_the_data_page_offers_both_steps(app, two_children):
    parent, child_id, _, _ = two_children
    html = parent.get(f"/parent/children/{child_id}/data").get_data(as_text=True)
    for path in ("export.json", "export.csv", "delete-data", "remove"):
        assert f"/parent/children/{child_id}/{path}" in html
    assert f"/parent/children/{child_id}/data" in parent.get("/parent/").get_data(as_text=True)

