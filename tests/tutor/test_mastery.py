"""Mastery from recent evidence, and the review schedule from FSRS (with fixed times, never the wall clock)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.models import Attempt, Learner, Mastery
from tutor.services import mastery

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("scores, level", [
    ([], "not-started"),
    ([0], "attempted"),
    ([0, 0, 0.4], "attempted"),
    ([1], "familiar"),
    ([0, 1], "familiar"),
    ([1, 1, 0.5], "proficient"),
    ([1, 1, 1, 1, 1], "mastered"),
    ([1, 1, 1, 1, 0], "proficient"),             # a fresh mistake keeps it below mastered
    ([0] * 20 + [1] * 8, "mastered"),           # only recent evidence counts
    ([1] * 20 + [0] * 8, "attempted"),
])
def test_levels(scores, level):
    assert mastery.level_for(scores)[0] == level


@given(st.lists(st.floats(0, 1), max_size=30))
def test_level_is_one_of_the_five_and_more_success_never_lowers_it(scores):
    level, average = mastery.level_for(scores)
    assert level in mastery.LEVELS and 0 <= average <= 1
    better = mastery.level_for(scores + [1.0])[0]
    if len(scores) < mastery.RECENT:  # nothing drops out of the window, so one more success cannot hurt
        assert mastery.LEVELS.index(better) >= mastery.LEVELS.index(level)


def learner(db, track="ages-13-plus"):
    row = Learner(nickname="Tester", track=track, is_guest=True)
    db.add(row)
    db.commit()
    return row


def add_attempt(db, who, concept, score, key):
    db.add(Attempt(learner_id=who.id, item_id="x", concept=concept, track=who.track, kind="choice", answer={},
                   correct=score >= 1, score=score, misconception=None, reply={}, idempotency_key=key))


def test_record_updates_level_and_schedules_a_review(db):
    who = learner(db)
    for n in range(5):
        add_attempt(db, who, "loss", 1.0, f"k{n}")
        row = mastery.record(db, who.id, "loss", 1.0, T0 + timedelta(days=n))
        db.commit()
    assert row.level == "mastered" and row.attempts == 5 and row.score == 1
    due = mastery.utc(db.get(Mastery, (who.id, "loss")).review_due)
    assert due > T0 + timedelta(days=5)  # successes push the next review out
    assert mastery.review_today(db, who.id, T0 + timedelta(days=4)) == []
    assert mastery.review_today(db, who.id, due) == ["loss"]


def test_a_wrong_answer_brings_the_review_back_today(db):
    who = learner(db)
    add_attempt(db, who, "loss", 1.0, "a")
    mastery.record(db, who.id, "loss", 1.0, T0)
    add_attempt(db, who, "backpropagation", 0.0, "b")
    mastery.record(db, who.id, "backpropagation", 0.0, T0)
    db.commit()
    later = T0 + timedelta(hours=3)
    assert set(mastery.review_today(db, who.id, later)) == {"loss", "backpropagation"}
    # After a good spell on "loss", only the concept answered wrongly is due tomorrow.
    for n, day in enumerate((1, 3, 8)):
        add_attempt(db, who, "loss", 1.0, f"c{n}")
        mastery.record(db, who.id, "loss", 1.0, T0 + timedelta(days=day))
    db.commit()
    assert mastery.review_today(db, who.id, T0 + timedelta(days=9)) == ["backpropagation"]


def test_ratings_follow_the_score():
    from fsrs import Rating

    assert mastery.rating_for(1) == Rating.Good and mastery.rating_for(0.6) == Rating.Hard
    assert mastery.rating_for(0) == Rating.Again


def test_summary_of_nothing_is_not_started():
    assert mastery.summary(None, "loss")["level"] == "not-started"
