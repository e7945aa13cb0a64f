"""The parent's view of one child: the track change reaching every page at once, the 3-month plan with evidence from
the child's own activity and the parent's note, the weekly summary and its dinner-table questions, the dashboard.

Activity is made the way a child makes it: signed in on their own client, through /api/lessons/<id>/progress and
/api/attempts. Rows only a clock can place (last week's answers) are written with their time, since tests never
wait for the wall clock.

The helpers at the top are shared with test_export_delete.py.
"""
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Api
from tests.tutor.test_accounts import (
    Store,
    add_child,
    enter_code,
    learner_attempt,
    post_form,
    sign_up,
)
from tutor.errors import Invalid
from tutor.models import Account, ActivityRun, Attempt, ChatTopic, Learner, LessonProgress, Mastery, Milestone
from tutor.services import family

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday


# ---- helpers shared with test_export_delete.py ---------------------------------------------------------------------

@pytest.fixture
def store(app) -> Store:
    return Store(app)


def family_with_child(app, email: str = "sam@example.org", nickname: str = "Mia", track: str = "ages-9-12",
                      pin: str = "1234"):
    """A parent's client (signed in) and the new child's id and the family code."""
    parent = app.test_client()
    sign_up(parent, email)
    assert add_child(parent, nickname, track=track, pin=pin).status_code == 302
    store = Store(app)
    child = store.one(Learner, Learner.nickname == nickname, Learner.parent.has(Account.email == email))
    code = store.one(Account, Account.email == email).family_code
    return parent, child.id, code


def child_client(app, code: str, learner_id: int, pin: str = "1234") -> Api:
    """The child's own device: the family code, then their PIN; a JSON client with the signed-in session's token."""
    client = app.test_client()
    enter_code(client, code)
    assert learner_attempt(client, learner_id, pin=pin).status_code == 302
    return Api(client)


def choice_answer(bank, item_id: str, right: bool) -> dict:
    item = bank.item(item_id)
    option = next(o for o in item.options if o.correct == right)
    return {"option": option.id}


def answer(api: Api, bank, item_id: str, right: bool):
    r = api.post("/api/attempts", {"item_id": item_id, "answer": choice_answer(bank, item_id, right)},
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 200, r.text
    return r.get_json()


def read_lesson(api: Api, bank, concept: str, track: str, completed: bool = True):
    total = len(bank.lesson(concept, track).messages)
    r = api.post(f"/api/lessons/{concept}/progress",
                 {"track": track, "messages_seen": total if completed else 1, "completed": completed})
    assert r.status_code == 200 and r.get_json()["stored"], r.text
    return r.get_json()


def wrong_choice_item(bank, track: str, concept: str):
    """A choice item of the track on `concept` whose wrong option names a misconception."""
    return next(i for i in bank.items if i.track == track and i.concept == concept and i.kind == "choice"
                and any(not o.correct and o.misconception for o in i.options))


def text(html: str) -> str:
    """The page's words without tags (what a person reads)."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def the_parent(session, email: str = "sam@example.org") -> Account:
    from sqlalchemy import select

    return session.scalars(select(Account).where(Account.email == email)).one()


# ---- the track change applies at once -----------------------------------------------------------------------------

def test_a_track_change_reaches_lessons_chat_and_quizzes_on_the_childs_next_request(app, content_bank):
    parent, child_id, code = family_with_child(app, track="ages-5-8")
    kid = child_client(app, code, child_id)
    assert kid.get("/api/session").get_json()["track"] == "ages-5-8"
    young = content_bank.concepts("ages-5-8")[0].title
    old = content_bank.concepts("ages-13-plus")[0].title
    assert young != old
    assert young in kid.get("/learn").get_data(as_text=True)

    r = post_form(parent, f"/parent/children/{child_id}/edit",
                  {"nickname": "Mia", "avatar": "fox", "track": "ages-13-plus"})
    assert r.status_code == 302

    # Same device, same session, no signing in again: every page now speaks at the new level.
    assert kid.get("/api/session").get_json()["track"] == "ages-13-plus"
    assert kid.get("/api/session").get_json()["user"]["track"] == "ages-13-plus"
    lessons = kid.get("/learn").get_data(as_text=True)
    assert old in lessons and young not in lessons
    for page in ("/learn", "/chat/", "/practice/"):
        html = kid.get(page).get_data(as_text=True)
        assert 'data-track="ages-13-plus"' in html, page
    assert kid.get("/api/progress").get_json()["track"] == "ages-13-plus"
    quizzes = kid.get("/practice/").get_data(as_text=True)
    assert any(q.title in quizzes for q in content_bank.quizzes("ages-13-plus"))


# ---- which month of the plan --------------------------------------------------------------------------------------

@pytest.mark.parametrize("created, now, month", [
    ("2026-01-15", "2026-01-15", 1), ("2026-01-15", "2026-02-14", 1), ("2026-01-15", "2026-02-15", 2),
    ("2026-01-31", "2026-02-28", 1), ("2026-01-31", "2026-03-01", 2), ("2026-01-15", "2026-04-15", 4),
    ("2025-12-20", "2026-01-19", 1), ("2025-12-20", "2026-01-20", 2),
])
def test_plan_month_counts_whole_months_since_the_profile_was_made(created, now, month):
    def at(day):
        return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)

    assert family.plan_month(at(created), at(now)) == month


@settings(max_examples=80, deadline=None)
@given(created=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
       later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4000)),
       more=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_plan_month_starts_at_one_and_never_goes_back(created, later, more):
    created = created.replace(tzinfo=UTC)
    first = family.plan_month(created, created + later)
    assert first >= 1
    assert family.plan_month(created, created + later + more) >= first
    assert family.plan_month(created, created) == 1
    # Naive times from SQLite are UTC: the same answer.
    assert family.plan_month(created.replace(tzinfo=None), created + later) == first


# ---- the plan page ------------------------------------------------------------------------------------------------

def test_the_plan_shows_evidence_from_what_the_child_did(app, content_bank):
    parent, child_id, code = family_with_child(app, track="ages-9-12")
    before = text(parent.get(f"/parent/children/{child_id}/plan").get_data(as_text=True))
    month_one = content_bank.plan.milestones[0]
    lesson = content_bank.lesson("loss", "ages-9-12")
    assert f"{lesson.title}: Not started" in before
    assert "Month 1: The learning loop" in before and "This month" in before

    kid = child_client(app, code, child_id)
    read_lesson(kid, content_bank, "loss", "ages-9-12")
    check = lesson.check.id
    answer(kid, content_bank, check, right=True)
    read_lesson(kid, content_bank, "loss", "ages-9-12")  # the lesson notices the check was answered
    read_lesson(kid, content_bank, "forward-pass", "ages-9-12", completed=False)

    html = parent.get(f"/parent/children/{child_id}/plan").get_data(as_text=True)
    page = text(html)
    assert f"{lesson.title}: Read it and got the check question right; practice: Tried it" in page \
        or f"{lesson.title}: Read it and got the check question right; practice: Getting there" in page
    fp = content_bank.lesson("forward-pass", "ages-9-12").title
    assert f"{fp}: Started reading" in page
    assert month_one.can_say["ages-9-12"] in page  # at the child's level
    assert month_one.can_say["ages-5-8"] not in page
    for question in month_one.talk_about["ages-9-12"]:
        assert question.replace("'", "&#39;") in html
    # Suggested lessons link to the lesson at the child's track.
    assert '/learn/loss?track=ages-9-12' in html
    # Only the activities of the child's track are suggested.
    assert content_bank.activity("human-backprop-9-12").title in page
    assert content_bank.activity("human-backprop-13-plus").title not in page


def test_a_recorded_role_play_counts_as_the_plans_activity(app, content_bank, db):
    parent, child_id, _ = family_with_child(app, track="ages-9-12")
    before = text(parent.get(f"/parent/children/{child_id}/plan").get_data(as_text=True))
    activity = content_bank.activity("human-backprop-9-12")
    assert f"{activity.title}, {activity.minutes} min: not done in the app yet." in before
    db.add(ActivityRun(learner_id=child_id, activity="human-backprop", result={"track": "ages-9-12"}))
    db.commit()
    page = text(parent.get(f"/parent/children/{child_id}/plan").get_data(as_text=True))
    assert f"{activity.title}, {activity.minutes} min: done in the app." in page
    # Activities played away from the screen are suggested without a verdict the app cannot know.
    offline = content_bank.activity("guess-my-number")
    assert f"{offline.title}, {offline.minutes} min." in page


def test_marking_a_milestone_needs_the_childs_words(app, store):
    parent, child_id, _ = family_with_child(app)
    url = f"/parent/children/{child_id}/plan"
    for bad in ({"milestone": "month-1", "evidence": "   "}, {"milestone": "month-1"},
                {"milestone": "month-1", "evidence": "x" * 501}, {"milestone": "month-9", "evidence": "hi"},
                {"milestone": "", "evidence": "hi"}):
        r = post_form(parent, url, bad)
        assert r.status_code == 422, bad
        assert 'class="error-summary"' in r.get_data(as_text=True)
        assert store.count(Milestone) == 0, bad

    said = "You show it examples, see how wrong it is, fix the weights, and go again — é ✓"
    r = post_form(parent, url, {"milestone": "month-1", "evidence": f"  {said}  ", "action": "reached"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/plan#month-1")
    row = store.one(Milestone, Milestone.learner_id == child_id)
    parent_id = store.one(Account, Account.email == "sam@example.org").id
    assert (row.milestone, row.evidence, row.recorded_by) == ("month-1", said, parent_id)
    page = text(parent.get(url).get_data(as_text=True))
    assert said in page and "Reached" in page

    # A note of exactly 500 characters is kept; editing replaces it, "not reached yet" takes the mark back.
    assert post_form(parent, url, {"milestone": "month-1", "evidence": "y" * 500}).status_code == 302
    assert store.one(Milestone, Milestone.learner_id == child_id).evidence == "y" * 500
    assert store.count(Milestone) == 1
    assert post_form(parent, url, {"milestone": "month-1", "action": "undo"}).status_code == 302
    assert store.count(Milestone) == 0


def test_nobody_else_can_mark_or_read_a_childs_milestones(app, store):
    parent, child_id, code = family_with_child(app)
    post_form(parent, f"/parent/children/{child_id}/plan", {"milestone": "month-1", "evidence": "Guess, check, fix"})
    other, other_child, _ = family_with_child(app, "other@example.org", nickname="Leo")
    # Forged ids: the other parent's child id in this parent's URLs and the other way round.
    r = post_form(other, f"/parent/children/{child_id}/plan", {"milestone": "month-2", "evidence": "forged"})
    assert r.status_code == 404
    r = post_form(other, f"/parent/children/{child_id}/plan", {"milestone": "month-1", "action": "undo"})
    assert r.status_code == 404
    assert store.count(Milestone) == 1
    page = other.get(f"/parent/children/{child_id}/plan")
    assert page.status_code == 404 and "Guess, check, fix" not in page.get_data(as_text=True)
    assert parent.get(f"/parent/children/{other_child}/week").status_code == 404
    # The child themself sees no parent page at all.
    kid = child_client(app, code, child_id)
    assert kid.get(f"/parent/children/{child_id}/plan").status_code == 403
    assert kid.client.post(f"/parent/children/{child_id}/plan", data={
        "milestone": "month-2", "evidence": "me", "csrf_token": kid.token}).status_code == 403
    assert store.count(Milestone) == 1


# ---- the week -----------------------------------------------------------------------------------------------------

def seed_week(db, learner_id: int, content_bank, track: str, when: datetime):
    """Answers (some wrong, naming a misconception), a lesson, a chat topic and an activity at `when`."""
    item = wrong_choice_item(content_bank, track, "loss")
    wrong = next(o for o in item.options if not o.correct and o.misconception)
    right = next(o for o in item.options if o.correct)
    for n, (option, ok) in enumerate([(wrong, False), (wrong, False), (right, True), (right, True)]):
        db.add(Attempt(learner_id=learner_id, item_id=item.id, concept="loss", track=track, kind="choice",
                       answer={"option": option.id}, correct=ok, score=1.0 if ok else 0.0,
                       misconception=None if ok else wrong.misconception, reply={},
                       idempotency_key=f"k-{when.isoformat()}-{n}", created_at=when))
    db.add(LessonProgress(learner_id=learner_id, concept="loss", track=track, messages_seen=3, completed=True,
                          checked=False, check_correct=False, updated_at=when))
    # A mastery row touched at `when` (as any answer or the demo loader touches it) with no answer that week on it.
    db.add(Mastery(learner_id=learner_id, concept="neuron", level="proficient", score=0.9, attempts=4,
                   updated_at=when))
    db.add(ChatTopic(learner_id=learner_id, topic="backpropagation", confidence=0.8, track=track, created_at=when))
    db.add(ActivityRun(learner_id=learner_id, activity="data-and-bias-lab", result={}, created_at=when))
    db.commit()
    return wrong.misconception


def test_the_week_summary_tells_what_happened_that_week_only(app, content_bank, db):
    parent, child_id, _ = family_with_child(app, track="ages-9-12")
    monday = datetime(2026, 3, 16, tzinfo=UTC)
    mistaken = seed_week(db, child_id, content_bank, "ages-9-12", monday + timedelta(days=2, hours=19))
    db.add(ChatTopic(learner_id=child_id, topic="overfitting", confidence=0.7, track="ages-9-12",
                     created_at=monday - timedelta(seconds=1)))  # Sunday night: the week before
    db.commit()

    r = parent.get(f"/parent/children/{child_id}/week?start=2026-03-18")  # any day picks its week
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    page = text(html)
    assert "Monday 16 March to Sunday 22 March 2026" in page
    assert "4 questions answered, 2 right (50%)" in page
    assert content_bank.lesson("loss", "ages-9-12").title in page
    # The neuron's mastery row was written this week, but no answer this week raised its level: not "got good at"
    # (test_review_fixes.py has the levels that rise).
    assert content_bank.lesson("neuron", "ages-9-12").title not in page
    assert "Nothing new this week" in page
    assert content_bank.lesson("backpropagation", "ages-9-12").title in page  # asked the tutor about
    assert content_bank.lesson("overfitting", "ages-9-12").title not in page  # that was last week
    assert content_bank.activity("data-and-bias-lab").title in page
    label = content_bank.misconception(mistaken).label_for("ages-9-12")
    assert label.replace("'", "&#39;") in html
    assert "?start=2026-03-09" in html and 'rel="prev"' in html
    # The week before holds only the chat topic; it links forward to this one.
    before = parent.get(f"/parent/children/{child_id}/week?start=2026-03-09").get_data(as_text=True)
    assert content_bank.lesson("overfitting", "ages-9-12").title in before and "No questions this week" in before
    assert "?start=2026-03-16" in before and 'rel="next"' in before


def test_a_half_percent_in_the_week_is_rounded_up(app, content_bank, db):
    """5 of 8 right is 62.5%: shown as 63%, as the pages round, not round()'s 62%."""
    parent, child_id, _ = family_with_child(app, track="ages-9-12")
    item = wrong_choice_item(content_bank, "ages-9-12", "loss")
    when = datetime(2026, 3, 17, 18, tzinfo=UTC)
    for n in range(8):
        option = next(o for o in item.options if o.correct == (n < 5))
        db.add(Attempt(learner_id=child_id, item_id=item.id, concept="loss", track="ages-9-12", kind="choice",
                       answer={"option": option.id}, correct=n < 5, score=1.0 if n < 5 else 0.0,
                       misconception=None if n < 5 else option.misconception, reply={},
                       idempotency_key=f"half-{n}", created_at=when))
    db.commit()
    page = text(parent.get(f"/parent/children/{child_id}/week?start=2026-03-16").get_data(as_text=True))
    assert "8 questions answered, 5 right (63%)" in page


def test_the_youngest_get_stars_and_words_not_scores(app, content_bank, db):
    parent, child_id, _ = family_with_child(app, track="ages-5-8")
    seed_week(db, child_id, content_bank, "ages-5-8", datetime(2026, 3, 17, 8, tzinfo=UTC))
    html = parent.get(f"/parent/children/{child_id}/week?start=2026-03-16").get_data(as_text=True)
    page = text(html)
    assert "4 questions answered." in page and 'aria-label="2 of 3 stars"' in html
    assert "More right than wrong" in page
    assert "%" not in page and "2 right" not in page and "wrong answer" not in page


def test_the_default_week_is_this_week_starting_monday_utc(app, content_bank, db):
    _, child_id, _ = family_with_child(app)
    with app.app_context():
        from tutor.db import get_db

        s = get_db()
        summary = family.week_summary(s, content_bank, the_parent(s), child_id, None, NOW)
        assert summary["start"] == date(2026, 3, 16) and summary["end"] == date(2026, 3, 22)
        assert summary["is_this_week"] and summary["next"] is None and summary["previous"] == date(2026, 3, 9)
        sunday = family.week_summary(s, content_bank, the_parent(s), child_id, date(2026, 3, 15), NOW)
        assert sunday["start"] == date(2026, 3, 9) and sunday["next"] == date(2026, 3, 16)


@pytest.mark.parametrize("start", ["2026-02-30", "yesterday", "1999-12-31", "3000-01-01", "20260316"])
def test_a_week_that_cannot_be_is_a_clear_422(app, start):
    parent, child_id, _ = family_with_child(app)
    r = parent.get(f"/parent/children/{child_id}/week?start={start}")
    assert r.status_code == 422
    assert "That did not work" in r.get_data(as_text=True)


@settings(max_examples=60, deadline=None)
@given(day=st.dates())
def test_week_start_is_a_monday_within_six_days_or_refused(day):
    try:
        monday = family.week_start(day)
    except Invalid:
        assert not family.EARLIEST_WEEK <= day <= family.LATEST_WEEK
        return
    assert monday.weekday() == 0 and timedelta(0) <= day - monday <= timedelta(days=6)


def starter_bank(content_bank, track: str) -> set[str]:
    """Every question a starter may be: the plan's and the track's activities' talk-about questions, and questions
    around the track's lessons' key takeaways."""
    texts = {q for m in content_bank.plan.milestones for q in m.talk_about[track]}
    texts |= {q for a in content_bank.activities_for(track) for q in a.talk_about}
    texts |= {f"Can you explain this to me in your own words: “{lesson.key_takeaways[0]}”"
              for lesson in content_bank.concepts(track)}
    return texts


@pytest.mark.parametrize("track", ["ages-5-8", "ages-9-12", "ages-13-plus"])
def test_dinner_questions_match_what_the_child_did_at_their_level(app, content_bank, db, track):
    _, child_id, _ = family_with_child(app, track=track)
    seed_week(db, child_id, content_bank, track, datetime(2026, 3, 17, 8, tzinfo=UTC))
    with app.app_context():
        from tutor.db import get_db

        s = get_db()
        starters = family.week_summary(s, content_bank, the_parent(s), child_id, date(2026, 3, 16), NOW)[
            "starters"]
    texts = [s["text"] for s in starters]
    assert 2 <= len(texts) <= 3 and len(set(texts)) == len(texts)
    assert set(texts) <= starter_bank(content_bank, track)
    # They touched the loss (month 1's concepts): a month-1 question at their level is among them, and the lesson
    # they found hardest is the one they are asked to explain.
    assert set(texts) & set(content_bank.plan.milestones[0].talk_about[track])
    loss = content_bank.lesson("loss", track)
    assert any(loss.key_takeaways[0] in t for t in texts)


def test_an_empty_week_still_has_questions_for_this_month(app, content_bank):
    parent, child_id, _ = family_with_child(app, track="ages-5-8")
    html = parent.get(f"/parent/children/{child_id}/week").get_data(as_text=True)
    assert "Nothing recorded this week" in html
    month_one = content_bank.plan.milestones[0].talk_about["ages-5-8"]
    assert sum(q.replace("'", "&#39;") in html for q in month_one) >= 2


# ---- the dashboard ------------------------------------------------------------------------------------------------

def test_the_dashboard_card_shows_the_months_goal_the_week_and_the_way_to_each_page(app, content_bank):
    parent, child_id, code = family_with_child(app, track="ages-9-12")
    kid = child_client(app, code, child_id)
    read_lesson(kid, content_bank, "loss", "ages-9-12")
    item = wrong_choice_item(content_bank, "ages-9-12", "loss")
    answer(kid, content_bank, item.id, right=False)
    html = parent.get("/parent/").get_data(as_text=True)
    page = text(html)
    assert "Month 1 of 3: The learning loop" in page
    assert "This week: 1 lesson and 1 question." in page
    assert "Talk about it at dinner" in page
    for link in ("week", "plan", "data", "edit", "secret", "remove"):
        assert f"/parent/children/{child_id}/{link}" in html


def test_after_the_three_months_the_goal_is_the_first_one_not_reached(app, content_bank, db):
    parent, child_id, _ = family_with_child(app)
    child = db.get(Learner, child_id)
    child.created_at = child.created_at - timedelta(days=200)
    db.add(Milestone(learner_id=child_id, milestone="month-1", evidence="Guess, check, fix"))
    db.commit()
    page = text(parent.get(f"/parent/children/{child_id}/plan").get_data(as_text=True))
    assert "The three months are over" in page and "This month" not in page
    assert page.count("Keep talking about it") == 2 and "Reached" in page
    dashboard = text(parent.get("/parent/").get_data(as_text=True))
    assert f"After the 3 months: {content_bank.plan.milestones[1].title}" in dashboard
