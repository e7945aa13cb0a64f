"""The class dashboard: every statistic against a small case worked out by hand, who is stuck now, activity per day,
the grid and its sorting, CSV exports (formula-safe, UTF-8 with BOM), lessons to do, and access (forged ids: 404)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.tutor.test_accounts import post_form, sign_in
from tutor.errors import Forbidden, Invalid
from tutor.models import Assignment, Attempt, ChatTopic, Mastery
from tutor.services import accounts, classes, dashboard, grading

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=timezone.utc)
PASSWORD = "dashboard password 123"


APP = {}


@pytest.fixture(autouse=True)
def _remember_app(app):
    APP["app"] = app  # password hashing reads the app's config; the test's own db session stays its own


def make_teacher(db, name="Ms Dash", email="dash@example.org"):
    with APP["app"].app_context():
        return accounts.sign_up(db, email=email, password=PASSWORD, role="teacher", display_name=name)


def make_class(db, teacher, names, name="Class 6C", track="ages-9-12"):
    with APP["app"].app_context():
        classroom = classes.create_class(db, teacher, name=name, track=track)
        learners = classes.add_learners(db, teacher, classroom.id, names)
    return classroom, {l.nickname: l for l in learners}


def answer(db, bank, learner, item_id, given_answer, at):
    g = grading.grade(bank, item_id, given_answer)
    db.add(Attempt(learner_id=learner.id, item_id=g.item_id, concept=g.concept, track=g.track, kind=g.kind,
                   answer=g.answer, correct=g.correct, score=g.score, misconception=g.misconception, reply={},
                   idempotency_key=f"k-{learner.id}-{item_id}-{at.isoformat()}", created_at=at))


Q1, Q2 = "lr-9-12-check", "q9-lr-bigger"  # choice (overshoot right; faster, tired wrong); true/false (answer False)
RIGHT, FASTER, TIRED = {"option": "overshoot"}, {"option": "faster"}, {"option": "tired"}


@pytest.fixture
def small_class(db, content_bank):
    """Four learners, two questions, answers in this order (a minute apart):
        Ann: Q1 right, Q2 right                -> first attempts right 2/2
        Bob: Q1 "faster", Q1 right, Q2 right   -> 1/2
        Cat: Q1 "faster", Q2 True (wrong)      -> 0/2
        Dan: Q1 "tired", Q2 right              -> 1/2
    """
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, ["Ann", "Bob", "Cat", "Dan"])
    t = NOW - timedelta(days=2)
    plan = [("Ann", Q1, RIGHT), ("Ann", Q2, {"value": False}),
            ("Bob", Q1, FASTER), ("Bob", Q1, RIGHT), ("Bob", Q2, {"value": False}),
            ("Cat", Q1, FASTER), ("Cat", Q2, {"value": True}),
            ("Dan", Q1, TIRED), ("Dan", Q2, {"value": False})]
    for k, (who, item, given_answer) in enumerate(plan):
        answer(db, content_bank, l[who], item, given_answer, t + timedelta(minutes=k))
    db.commit()
    return teacher, classroom, l


def test_item_statistics_by_hand(db, content_bank, small_class):
    _, classroom, l = small_class
    records = dashboard.learner_items(db, classroom.id)
    upper, lower = dashboard.upper_lower_groups(records)
    # 4 learners: groups of round(0.27 * 4) = 1. Ranked Ann 1.0, Bob 0.5, Dan 0.5 (tie: lower id first), Cat 0.
    assert upper == {l["Ann"].id} and lower == {l["Cat"].id}
    items = {i["key"]: i for i in dashboard.item_analysis(db, content_bank, classroom.id, "ages-9-12")}
    q1, q2 = items[Q1], items[Q2]
    assert q1["learners"] == 4 and q1["attempts"] == 5
    assert q1["facility"] == pytest.approx(1 / 4)  # only Ann's first attempt was right
    assert q1["all_right"] == pytest.approx(2 / 5)  # Ann, and Bob's second try
    assert q1["discrimination"] == pytest.approx(1.0)  # Ann right (1) minus Cat wrong (0)
    assert q1["wrong_answer"] == "It's learning faster, so the jumping is a good sign." and q1["wrong_count"] == 2
    assert q1["misconception"] == "bigger-lr-always-faster"
    assert q2["facility"] == pytest.approx(3 / 4) and q2["all_right"] == pytest.approx(3 / 4)
    assert q2["discrimination"] == pytest.approx(1.0)
    assert q2["wrong_answer"] == "True" and q2["wrong_count"] == 1
    # hardest first
    assert [i["key"] for i in dashboard.item_analysis(db, content_bank, classroom.id, "ages-9-12")] == [Q1, Q2]


def test_discrimination_with_a_larger_class_by_hand():
    """Eleven learners: groups of round(0.27 * 11) = 3. The upper three all got X right first time, two of the
    lower three did: D = 1 - 2/3. Nobody of the lower group tried Y: no D for it."""
    R = dashboard.LearnerItem
    t = NOW
    recs = []
    for i in range(1, 12):
        share_right = i >= 4  # learners 1-3 get their "other" questions wrong: the lower group
        recs += [R(i, f"other{k}", 1, int(share_right), t, share_right) for k in range(3)]
    recs += [R(i, "X", 1, 1, t, True) for i in (4, 5, 6)] + [R(1, "X", 1, 1, t, True), R(2, "X", 1, 1, t, True),
                                                               R(3, "X", 1, 0, t, False)]
    recs += [R(10, "Y", 2, 1, t, False)]
    stats = dashboard.item_statistics(recs)
    upper, lower = dashboard.upper_lower_groups(recs)
    assert lower == {1, 2, 3} and upper == {4, 5, 6}  # ties at the top: lower ids first
    assert stats["X"]["discrimination"] == pytest.approx(1 - 2 / 3)
    assert stats["Y"]["discrimination"] is None and stats["Y"]["facility"] == 0 and stats["Y"]["all_right"] == 0.5


def test_too_few_learners_have_no_discrimination():
    R = dashboard.LearnerItem
    recs = [R(i, "X", 1, 1, NOW, True) for i in (1, 2, 3)]
    assert dashboard.upper_lower_groups(recs) == (set(), set())
    assert dashboard.item_statistics(recs)["X"]["discrimination"] is None


def test_numeric_questions_are_one_question_across_seeds(db, content_bank):
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, ["Eve"])
    from tutor.services import numeric

    a = numeric.generated("weighted-sum", "ages-9-12", 1)
    b = numeric.generated("weighted-sum", "ages-9-12", 2)
    answer(db, content_bank, l["Eve"], a.id, {"value": a.answer + 1000}, NOW - timedelta(hours=2))
    answer(db, content_bank, l["Eve"], b.id, {"value": b.answer}, NOW - timedelta(hours=1))
    db.commit()
    (row,) = dashboard.item_analysis(db, content_bank, classroom.id, "ages-9-12")
    assert row["key"] == "num:weighted-sum:ages-9-12" and row["attempts"] == 2
    assert row["facility"] == 0 and row["all_right"] == 0.5  # the earliest (wrong) attempt is the first


def test_misconception_map_by_hand(db, content_bank, small_class):
    _, classroom, l = small_class
    m = dashboard.misconception_map(db, content_bank, classroom.id, "ages-9-12")
    ids = [x["id"] for x in m["misconceptions"]]
    assert ids[0] == "bigger-lr-always-faster"  # Bob once, Cat twice (Q1 "faster" and Q2 True)
    assert m["counts"]["bigger-lr-always-faster"] == {l["Bob"].id: 1, l["Cat"].id: 2}
    assert m["misconceptions"][0]["learners"] == 2 and m["misconceptions"][0]["times"] == 3
    assert m["counts"]["ai-feels"] == {l["Dan"].id: 1}
    assert m["max"] == 2


def test_stuck_now(db, content_bank):
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, ["Stuck", "Gappy", "Old", "Two", "Recovered"])
    wrong = {"value": True}  # Q2's answer is False

    def series(who, start, gaps, answers):
        at = start
        for gap, a in zip(gaps, answers):
            at += gap
            answer(db, content_bank, l[who], Q2, a, at)

    m = timedelta(minutes=1)
    series("Stuck", NOW - timedelta(hours=3), [m] * 5, [{"value": False}, wrong, wrong, wrong, wrong])
    series("Gappy", NOW - timedelta(hours=3), [m, timedelta(minutes=31), m], [wrong] * 3)  # a new session
    series("Old", NOW - timedelta(days=8), [m] * 3, [wrong] * 3)  # not now
    series("Two", NOW - timedelta(hours=1), [m] * 2, [wrong] * 2)
    series("Recovered", NOW - timedelta(hours=1), [m] * 4, [wrong, wrong, wrong, {"value": False}])
    db.commit()
    stuck = dashboard.stuck_now(db, classroom.id, NOW)
    assert [(s["learner_id"], s["wrong_in_a_row"]) for s in stuck] == [(l["Stuck"].id, 4)]
    assert stuck[0]["concepts"] == ["learning-rate"]


def test_activity_per_day(db, content_bank):
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, ["Fay", "Gus"])
    answer(db, content_bank, l["Fay"], Q2, {"value": False}, NOW - timedelta(days=1, hours=1))
    answer(db, content_bank, l["Gus"], Q2, {"value": True}, NOW - timedelta(days=1, hours=2))
    answer(db, content_bank, l["Gus"], Q1, RIGHT, NOW - timedelta(minutes=5))
    answer(db, content_bank, l["Gus"], Q1, RIGHT, NOW - timedelta(days=40))  # outside the window
    db.commit()
    a = dashboard.activity(db, classroom.id, NOW, days=3)
    assert a == {"days": ["2025-03-12", "2025-03-13", "2025-03-14"], "attempts": [0, 2, 1], "correct": [0, 1, 1]}


def test_chat_topics_are_counted_not_shown(db, content_bank):
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, ["Hal", "Ivy"])
    for who, topic in (("Hal", "loss"), ("Hal", "loss"), ("Ivy", "loss"), ("Ivy", "neuron")):
        db.add(ChatTopic(learner_id=l[who].id, topic=topic, confidence=0.9, track="ages-9-12"))
    db.add(ChatTopic(learner_id=None, topic="loss", confidence=0.9, track="ages-9-12"))  # not this class
    db.commit()
    titles = dashboard.concept_titles(content_bank, "ages-9-12")
    assert dashboard.chat_topics(db, classroom.id, titles) == [
        {"topic": "loss", "title": titles["loss"], "questions": 3, "learners": 2},
        {"topic": "neuron", "title": titles["neuron"], "questions": 1, "learners": 1}]


def test_grid_levels_totals_and_sorting(db, content_bank):
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, ["Zed", "amy", "Max"])
    for who, concept, level in (("Zed", "neuron", "mastered"), ("Zed", "loss", "proficient"),
                                ("amy", "neuron", "attempted"), ("Max", "neuron", "familiar")):
        db.add(Mastery(learner_id=l[who].id, concept=concept, level=level, score=0.5, attempts=3))
    db.commit()
    concepts = ["neuron", "loss"]
    rows = dashboard.mastery_rows(db, classroom.id)
    learners = dashboard.roster(db, classroom.id)

    def order(sort, descending=False):
        return [r["nickname"] for r in dashboard.grid(learners, rows, concepts, sort, descending)]

    assert order("name") == ["amy", "Max", "Zed"]  # case-insensitive
    assert order("name", True) == ["Zed", "Max", "amy"]
    assert order("neuron", True) == ["Zed", "Max", "amy"]
    assert order("total", True)[0] == "Zed"
    zed = next(r for r in dashboard.grid(learners, rows, concepts) if r["nickname"] == "Zed")
    assert [c["rank"] for c in zed["cells"]] == [4, 3] and zed["total"] == 2
    assert dashboard.distribution(rows, [r["id"] for r in learners], concepts) == [[0, 1, 1, 0, 1], [2, 0, 0, 1, 0]]


def test_dashboard_is_only_for_its_teacher(db, content_bank, small_class):
    _, classroom, l = small_class
    other = make_teacher(db, "Mr Other", "other@example.org")
    with pytest.raises(Forbidden) as caught:
        dashboard.class_dashboard(db, content_bank, other, classroom.id)
    assert caught.value.status == 404
    with pytest.raises(Forbidden):
        dashboard.learner_history(db, content_bank, other, classroom.id, l["Ann"].id)
    with pytest.raises(Forbidden):
        dashboard.grid_csv(db, content_bank, other, classroom.id)


def test_forged_ids_over_http(client, db, content_bank, small_class):
    teacher, classroom, l = small_class
    other = make_teacher(db, "Mr Other", "other@example.org")
    other_class, other_l = make_class(db, other, ["Otto"], name="Other class")
    assert sign_in(client, "dash@example.org", PASSWORD).status_code == 302
    base = f"/teacher/classes/{classroom.id}"
    assert client.get(f"{base}/dashboard").status_code == 200
    assert client.get(f"{base}/learners/{l['Ann'].id}").status_code == 200
    # someone else's class, and someone else's learner under my own class id
    for path in (f"/teacher/classes/{other_class.id}/dashboard", f"{base}/learners/{other_l['Otto'].id}",
                 f"/teacher/classes/{other_class.id}/learners/{other_l['Otto'].id}",
                 f"/teacher/classes/{other_class.id}/export/mastery-grid.csv",
                 f"/teacher/classes/{other_class.id}/export/item-analysis.csv",
                 f"/teacher/classes/{other_class.id}/worksheets/numeric?seed=1"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "Otto" not in r.get_data(as_text=True) and "Other class" not in r.get_data(as_text=True)


def test_dashboard_page_shows_the_panels(client, db, content_bank, small_class):
    _, classroom, l = small_class
    sign_in(client, "dash@example.org", PASSWORD)
    html = client.get(f"/teacher/classes/{classroom.id}/dashboard").get_data(as_text=True)
    for text in ("Mastery grid", "Hardest questions", "Stuck now", "Misconceptions across the class",
                 "Item analysis", "What the class asks the tutor about", "data:image/svg+xml;base64,",
                 "It&#39;s learning faster, so the jumping is a good sign.", "25%"):
        assert text in html, text
    assert 'aria-sort="ascending"' in html  # sorted by name
    html = client.get(f"/teacher/classes/{classroom.id}/dashboard?sort=learning-rate&dir=desc").get_data(as_text=True)
    assert 'data-sort-key="learning-rate" aria-sort="descending"' in html
    assert client.get(f"/teacher/classes/{classroom.id}/dashboard?dir=sideways").status_code == 422


# ---- CSV ---------------------------------------------------------------------------------------------------------

def read_csv(response):
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.mimetype == "text/csv"
    raw = response.data
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_exports(client, db, content_bank, small_class):
    teacher, classroom, l = small_class
    classes.add_learners(db, teacher, classroom.id, ["=HYPERLINK(evil)", "Zoë"])
    db.add(Mastery(learner_id=l["Ann"].id, concept="learning-rate", level="proficient", score=0.8, attempts=2))
    db.commit()
    sign_in(client, "dash@example.org", PASSWORD)
    r = client.get(f"/teacher/classes/{classroom.id}/export/mastery-grid.csv")
    assert 'filename="class-6c-mastery-grid.csv"' in r.headers["Content-Disposition"]
    rows = read_csv(r)
    titles = dashboard.concept_titles(content_bank, "ages-9-12")
    assert rows[0] == ["Learner", *titles.values(), "Concepts at Good at it or above"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Ann", "Bob", "Cat", "Dan", "'=HYPERLINK(evil)", "Zoë"}
    lr = list(titles).index("learning-rate") + 1
    assert by_name["Ann"][lr] == "Good at it" and by_name["Ann"][-1] == "1"
    assert by_name["Bob"][lr] == "Not started" and by_name["Bob"][-1] == "0"

    rows = read_csv(client.get(f"/teacher/classes/{classroom.id}/export/item-analysis.csv"))
    assert rows[0][:7] == ["Question id", "Question", "Learners", "Attempts", "Facility, first attempts (%)",
                           "Right over all attempts (%)", "Discrimination index D"]
    q1 = next(row for row in rows if row[0] == Q1)
    assert q1[2:7] == ["4", "5", "25", "40", "1.00"]
    assert q1[7] == "It's learning faster, so the jumping is a good sign." and q1[8] == "2"


def test_csv_percents_round_a_half_up(client, db, content_bank):
    """1 of 8 first attempts right is 12.5%: the CSV says 13, as the pages round, not round()'s 12."""
    teacher = make_teacher(db)
    names = ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"]
    classroom, l = make_class(db, teacher, names)
    for k, who in enumerate(names):
        answer(db, content_bank, l[who], Q1, RIGHT if who == "Ann" else FASTER, NOW - timedelta(minutes=k))
    db.commit()
    sign_in(client, "dash@example.org", PASSWORD)
    rows = read_csv(client.get(f"/teacher/classes/{classroom.id}/export/item-analysis.csv"))
    q1 = next(row for row in rows if row[0] == Q1)
    assert q1[2:6] == ["8", "8", "13", "13"]


@given(st.text(max_size=30))
def test_csv_cells_never_start_a_formula(text):
    out = dashboard.to_csv(["h"], [[text]])
    (cell,) = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))[1] or [""]
    assert not cell.startswith(("=", "+", "-", "@"))
    assert cell in (text, "'" + text) or "\r" in text or "\n" in text


# ---- lessons to do -------------------------------------------------------------------------------------------------

def test_lessons_to_do(db, content_bank):
    teacher = make_teacher(db)
    classroom, l = make_class(db, teacher, ["Kim"])
    second = classes.create_class(db, teacher, name="Club", track="ages-9-12")
    classes.join_class(db, second.join_code, nickname="Kim", pictures=None, current=l["Kim"])
    dashboard.set_assignments(db, content_bank, teacher, classroom.id, ["loss", "neuron"])
    dashboard.set_assignments(db, content_bank, teacher, second.id, ["neuron", "overfitting"])
    assert dashboard.assignments_for_class(db, classroom.id) == ["loss", "neuron"]
    assert dashboard.assignments_for_learner(db, l["Kim"]) == ["loss", "neuron", "overfitting"]
    classes.update_class(db, teacher, classroom.id, archived=True)
    assert dashboard.assignments_for_learner(db, l["Kim"]) == ["neuron", "overfitting"]
    assert dashboard.assignments_for_learner(db, None) == []


@pytest.mark.parametrize("concepts", [["loss", "no-such-lesson"], ["loss", "loss"]])
def test_bad_lessons_store_nothing(db, content_bank, concepts):
    teacher = make_teacher(db)
    classroom, _ = make_class(db, teacher, ["Lou"])
    dashboard.set_assignments(db, content_bank, teacher, classroom.id, ["neuron"])
    with pytest.raises(Invalid):
        dashboard.set_assignments(db, content_bank, teacher, classroom.id, concepts)
    db.rollback()
    assert dashboard.assignments_for_class(db, classroom.id) == ["neuron"]


def test_lessons_form(client, db, content_bank):
    teacher = make_teacher(db)
    classroom, _ = make_class(db, teacher, ["Mo"])
    sign_in(client, "dash@example.org", PASSWORD)
    path = f"/teacher/classes/{classroom.id}/lessons"
    assert client.get(path).status_code == 200
    r = client.post(path, data={"csrf_token": client.get("/api/session").get_json()["csrf_token"],
                                "concepts": ["overfitting", "neuron"]})
    assert r.status_code == 302
    db.expire_all()
    assert dashboard.assignments_for_class(db, classroom.id) == ["neuron", "overfitting"]  # the course's order
    before = db.scalar(select(func.count()).select_from(Assignment))
    r = post_form(client, path, {"concepts": "bogus"})
    assert r.status_code == 422 and "do not exist" in r.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Assignment)) == before
    assert "Lessons to do" in client.get(f"/teacher/classes/{classroom.id}").get_data(as_text=True)
