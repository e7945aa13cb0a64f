"""Fixes from the exploratory review, each on the page a person reads: the parent's dinner questions come from the
month the page names, "Got good at" lists only levels that rose that week, the activity plot names whose answers it
counts, the hardest-questions sentence ends with one full stop, and the learning-rate option names its own mix-up.

The pages are read with the demo data (`tutor demo`) wherever the review found the defect there."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import textstat
from sqlalchemy import func, select

from content import TRACK_IDS
from tests.tutor.test_accounts import sign_in
from tests.tutor.test_family import family_with_child, text, the_parent
from tutor.models import Attempt, Classroom, Learner, Mastery
from tutor.services import dashboard, family, mastery
from tutor.services.demo import DEMO_CLASS, DEMO_PARENT, DEMO_TEACHER, load_demo

PLAN_LABEL = re.compile(r"From the plan, month (\d+)\.")


@pytest.fixture
def demo(app, db, content_bank):
    with app.app_context():
        load_demo(db, content_bank)
    return db


def latest_attempt_at(db, learner_id: int) -> datetime:
    return mastery.utc(db.scalar(select(func.max(Attempt.created_at)).where(Attempt.learner_id == learner_id)))


def demo_child(db, nickname: str = "Leo") -> Learner:
    return db.scalar(select(Learner).where(Learner.nickname == nickname, Learner.parent_id.is_not(None)))


# ---- 1. dinner questions from the child's current month ------------------------------------------------------------

def test_leos_dinner_questions_come_from_the_month_his_pages_name(app, demo, content_bank):
    leo = demo_child(demo)
    month = family.plan_month(leo.created_at)
    last_session = latest_attempt_at(demo, leo.id)
    # His latest session practised a concept of another month of the plan: that week is where the review saw it.
    week_concepts = set(demo.scalars(select(Attempt.concept).where(
        Attempt.learner_id == leo.id, Attempt.created_at >= last_session - timedelta(hours=2))))
    months_of = {c: m.month for m in content_bank.plan.milestones for c in m.concepts}
    assert {months_of[c] for c in week_concepts} - {month}

    parent = app.test_client()
    assert sign_in(parent, DEMO_PARENT[0], DEMO_PARENT[1]).status_code == 302
    week = text(parent.get(f"/parent/children/{leo.id}/week?start={last_session.date().isoformat()}")
                .get_data(as_text=True))
    labels = PLAN_LABEL.findall(week)
    assert labels and set(labels) == {str(month)}, week
    goal = family.current_milestone(content_bank, month)
    for question in goal.talk_about[leo.track]:
        assert question in week

    home = text(parent.get("/parent/").get_data(as_text=True))
    assert f"Month {month} of 3: {goal.title}" in home
    # The family card for the week of his latest session: the plan's questions on it are this month's.
    with app.app_context():
        cards = family.dashboard(demo, content_bank, the_parent(demo, DEMO_PARENT[0]),
                                 now=last_session + timedelta(minutes=5))
    card = next(c for c in cards if c["child"].id == leo.id)
    plan_questions = {q for m in content_bank.plan.milestones for q in m.talk_about[leo.track]}
    shown = [s["text"] for s in card["starters"] if s["text"] in plan_questions]
    assert shown and set(shown) <= set(card["goal"].talk_about[leo.track])
    assert card["goal"].month == card["month"] == month


def test_a_week_on_a_later_months_concept_still_gets_this_months_plan_questions(app, content_bank, db):
    _, child_id, _ = family_with_child(app, track="ages-9-12")
    when = datetime(2026, 3, 17, 18, tzinfo=UTC)
    month_two = next(m for m in content_bank.plan.milestones if m.month == 2)
    concept = month_two.concepts[1]
    item = next(i for i in content_bank.items if i.track == "ages-9-12" and i.concept == concept
                and i.kind == "choice")
    right = next(o for o in item.options if o.correct)
    db.add(Attempt(learner_id=child_id, item_id=item.id, concept=concept, track="ages-9-12", kind="choice",
                   answer={"option": right.id}, correct=True, score=1.0, reply={}, idempotency_key="later",
                   created_at=when))
    db.commit()
    with app.app_context():
        from tutor.db import get_db

        s = get_db()
        week = family.week_summary(s, content_bank, the_parent(s), child_id, when.date(), when)
    assert week["month"] == 1
    plan = [st for st in week["starters"] if st["from"].startswith("the plan")]
    assert plan and all(st["from"] == "the plan, month 1" for st in plan)
    assert {st["text"] for st in plan} <= set(content_bank.plan.milestones[0].talk_about["ages-9-12"])
    assert not {st["text"] for st in week["starters"]} & set(month_two.talk_about["ages-9-12"])
    # What they practised is still talked about, through its lesson.
    lesson = content_bank.lesson(concept, "ages-9-12")
    assert f"the lesson “{lesson.title}”" in [st["from"] for st in week["starters"]]


# ---- 2. "Got good at": only levels that rose that week -------------------------------------------------------------

def test_leos_week_lists_only_concepts_he_got_better_at_that_week(app, demo, content_bank):
    leo = demo_child(demo)
    last_session = latest_attempt_at(demo, leo.id)
    # The demo loader touched every mastery row after writing the histories: updated_at says nothing about levels.
    assert demo.scalar(select(func.count()).select_from(Mastery).where(Mastery.learner_id == leo.id)) > 1
    with app.app_context():
        week = family.week_summary(demo, content_bank, the_parent(demo, DEMO_PARENT[0]), leo.id,
                                   last_session.date(), last_session + timedelta(minutes=5))
    begin, end = (datetime.combine(week["start"], datetime.min.time(), UTC),
                  datetime.combine(week["end"], datetime.min.time(), UTC) + timedelta(days=1))
    answered = list(demo.execute(select(Attempt.concept, Attempt.score, Attempt.created_at)
                                 .where(Attempt.learner_id == leo.id).order_by(Attempt.id)))
    this_week = {c for c, _, at in answered if begin <= mastery.utc(at) < end}
    assert week["questions"]["total"] == sum(1 for _, _, at in answered if begin <= mastery.utc(at) < end)
    for got in week["mastered"]:
        assert got["concept"] in this_week
    assert len(week["mastered"]) <= len(this_week)
    # Leo's concepts this week: each listed one is strong now and was weaker before the week, each other one not.
    for concept in this_week:
        before = [s for c, s, at in answered if c == concept and mastery.utc(at) < begin]
        after = [s for c, s, at in answered if c == concept and mastery.utc(at) < end]
        rose = (mastery.level_for(after)[0] in family.STRONG_LEVELS
                and mastery.LEVELS.index(mastery.level_for(after)[0]) > mastery.LEVELS.index(
                    mastery.level_for(before)[0]))
        assert rose == (concept in {m["concept"] for m in week["mastered"]}), concept


def _answers(db, learner_id: int, concept: str, scores: list[float], start: datetime) -> datetime:
    """Answers on `concept` a minute apart from `start`, then the mastery service's update, as the demo makes them."""
    at = start
    for n, score in enumerate(scores):
        db.add(Attempt(learner_id=learner_id, item_id=f"{concept}-q{n}", concept=concept, track="ages-9-12",
                       kind="choice", answer={}, correct=score >= 1, score=score, reply={},
                       idempotency_key=f"{concept}-{start.isoformat()}-{n}", created_at=at))
        at += timedelta(minutes=1)
    mastery.record(db, learner_id, concept, scores[-1], at)
    db.commit()
    return at


def test_got_good_at_compares_the_level_before_the_week_with_the_level_at_its_end(app, content_bank, db):
    _, child_id, _ = family_with_child(app, track="ages-9-12")
    monday = datetime(2026, 3, 16, tzinfo=UTC)
    last_week = monday - timedelta(days=5)
    _answers(db, child_id, "loss", [1, 0], last_week)                      # familiar before the week ...
    _answers(db, child_id, "loss", [1, 1, 1], monday + timedelta(days=1))  # ... proficient by its end: listed
    _answers(db, child_id, "neuron", [1, 1, 1], last_week)                 # proficient before the week ...
    _answers(db, child_id, "neuron", [1], monday + timedelta(days=2))      # ... and still: its row moved, not its level
    _answers(db, child_id, "forward-pass", [1, 1, 1], monday + timedelta(days=1))  # proficient on Tuesday ...
    _answers(db, child_id, "forward-pass", [0, 0, 0], monday + timedelta(days=3))  # ... not any more by Thursday
    levels = {m.concept: m.level for m in db.scalars(select(Mastery).where(Mastery.learner_id == child_id))}
    assert levels == {"loss": "proficient", "neuron": "proficient", "forward-pass": "familiar"}

    with app.app_context():
        from tutor.db import get_db

        s = get_db()
        week = family.week_summary(s, content_bank, the_parent(s), child_id, monday.date(), monday)
        before = family.week_summary(s, content_bank, the_parent(s), child_id, last_week.date(), monday)
    assert [(m["concept"], m["label"]) for m in week["mastered"]] == [("loss", "Good at it")]
    assert week["questions"]["total"] == 3 + 1 + 3 + 3
    # The week before: neuron rose to "Good at it" then; loss only reached "Getting there".
    assert [(m["concept"], m["label"]) for m in before["mastered"]] == [("neuron", "Good at it")]


# ---- 3. the activity plot names whose answers it counts ------------------------------------------------------------

def test_the_learner_page_plot_names_the_learner_and_the_class_page_the_class(app, demo, content_bank):
    classroom = demo.scalar(select(Classroom).where(Classroom.name == DEMO_CLASS))
    hugo = next(m.learner for m in classroom.memberships if m.learner.nickname == "Hugo")
    teacher = app.test_client()
    assert sign_in(teacher, DEMO_TEACHER[0], DEMO_TEACHER[1]).status_code == 302

    page = text(teacher.get(f"/teacher/classes/{classroom.id}/learners/{hugo.id}").get_data(as_text=True))
    now = mastery.now_utc()
    window = datetime.combine(now.date() - timedelta(days=dashboard.ACTIVITY_DAYS - 1), datetime.min.time(), UTC)
    in_window = demo.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.learner_id == hugo.id, Attempt.created_at >= window))
    assert in_window
    assert f"Hugo gave {in_window} answer" in page
    assert "the class gave" not in page

    board = text(teacher.get(f"/teacher/classes/{classroom.id}/dashboard").get_data(as_text=True))
    members = [m.learner_id for m in classroom.memberships]
    class_total = demo.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.learner_id.in_(members), Attempt.created_at >= window))
    assert f"the class gave {class_total} answers" in board
    assert "Hugo gave" not in board


# ---- 5. one full stop after a quoted idea --------------------------------------------------------------------------

def _hardest(html: str) -> str:
    return html[html.index('id="hard-title"'):html.index('id="grid-title"')]


def test_the_hardest_questions_end_each_sentence_with_one_full_stop(app, demo, monkeypatch):
    classroom = demo.scalar(select(Classroom).where(Classroom.name == DEMO_CLASS))
    teacher = app.test_client()
    assert sign_in(teacher, DEMO_TEACHER[0], DEMO_TEACHER[1]).status_code == 302
    url = f"/teacher/classes/{classroom.id}/dashboard"
    hardest = _hardest(teacher.get(url).get_data(as_text=True))
    assert "which shows the idea" in hardest  # the demo's labels end with a full stop ...
    assert ".</q>." not in hardest and "</q>." not in hardest  # ... and none gets a second one
    assert ".</q></p>" in hardest
    words = text(hardest)
    assert ".." not in words and ". ." not in words

    # A label without a full stop of its own (the calculation slips' labels) gets one.
    monkeypatch.setattr(dashboard, "misconception_label", lambda bank, mid, track: "Bigger steps are faster"
                        if mid else None)
    hardest = _hardest(teacher.get(url).get_data(as_text=True))
    assert "<q>Bigger steps are faster</q>.</p>" in hardest


# ---- 6. the learning-rate option names its own mix-up --------------------------------------------------------------

READING_GRADE = {"ages-5-8": 3.0, "ages-9-12": 6.0, "ages-13-plus": 10.0}  # test_content_reading_level.py's limits


def test_the_learning_rate_is_learned_option_names_that_mix_up(content_bank):
    item = content_bank.item("q9-lr-who")
    learned = next(o for o in item.options if o.id == "learned")
    assert learned.misconception != "weights-are-fixed"
    idea = content_bank.misconception(learned.misconception)
    assert idea is not None
    assert "learning rate" in idea.label_for("ages-9-12") and "learning rate" in idea.explanation
    for track in TRACK_IDS:  # written for each track, at its reading level
        label = idea.label_for(track)
        assert label and textstat.flesch_kincaid_grade(label) <= READING_GRADE[track], (track, label)
    assert len({idea.label_for(t) for t in TRACK_IDS}) == len(TRACK_IDS)


# ---- the lessons' guess-and-fix worked example adds up --------------------------------------------------------------

def test_every_lessons_guess_and_fix_example_shows_sums_that_add_up(app, content_bank):
    """The lessons' robot stands on whole spots (params grid 1): with 3 significant digits per number, the halving
    moves of the plain game showed "next = 76.3 + 0.875 = 77.1"."""
    from content.schema import ShowExample
    from tutor.services import examples

    shows = [(track.id, m.show.params) for track in content_bank.tracks for concept in content_bank.concepts(track.id)
             for m in content_bank.lesson(concept.id, track.id).messages or []
             if isinstance(m.show, ShowExample) and m.show.example == "guess-and-fix"]
    assert shows
    with app.app_context():
        for track, params in shows:
            for seed in range(25):
                worked = examples.worked_example("guess-and-fix", track, seed, params)
                for step in worked["steps"]:
                    shown = {p["path"].rsplit(".", 1)[1]: float(p["text"].replace("−", "-"))
                             for p in step["parts"] if "path" in p}
                    assert shown["guess"] == int(shown["guess"]), step["sentence"]
                    if "fix" in shown:
                        assert shown["guess"] + shown["fix"] == shown["next_guess"], step["sentence"]
