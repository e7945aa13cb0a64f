"""The real content bank: it loads cleanly, every concept exists at every track, and the public API works."""

import dataclasses
import re

import pydantic
import pytest

from content import CONCEPT_IDS, TRACK_IDS, check, load_bank, summary
from content.schema import (
    FULL_LESSON_FIELDS,
    ChoiceItem,
    MatchingItem,
    MultiItem,
    OrderItem,
    TrueFalseItem,
)


def test_real_bank_has_no_issues():
    issues = check()
    assert issues == [], "\n".join(map(str, issues))


def test_tracks_are_the_three_age_tracks(bank):
    assert [t.id for t in bank.tracks] == list(TRACK_IDS)
    assert bank.track("ages-5-8").gentle is True
    assert not bank.track("ages-9-12").gentle and not bank.track("ages-13-plus").gentle
    assert bank.track("ages-5-8").label == "Ages 5–8"
    assert bank.track("nope") is None


@pytest.mark.parametrize("track", TRACK_IDS)
def test_every_concept_has_a_title_and_summary_at_every_track(bank, track):
    lessons = bank.concepts(track)
    assert [l.id for l in lessons] == list(CONCEPT_IDS)
    for lesson in lessons:
        assert lesson.track == track
        assert lesson.title.strip() and lesson.summary.strip()
        assert bank.lesson(lesson.id, track) is lesson
        # a summary is one or two sentences
        assert 1 <= len(re.findall(r"[.!?](\s|$)", lesson.summary)) <= 2, (lesson.id, lesson.summary)


def test_every_lesson_is_complete(bank):
    missing = {f"{l.id}/{l.track}": [f for f in FULL_LESSON_FIELDS if not getattr(l, f)]
               for l in bank.lessons if any(not getattr(l, f) for f in FULL_LESSON_FIELDS)}
    assert missing == {}, "lessons missing full-lesson fields: " + ", ".join(f"{k}: {v}" for k, v in missing.items())
    assert len(bank.lessons) == len(CONCEPT_IDS) * len(TRACK_IDS)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def test_messages_are_chat_sized(bank):
    too_long = []
    for track in TRACK_IDS:
        limit = 2 if bank.track(track).gentle else 3
        for lesson in bank.concepts(track):
            msgs = lesson.messages or []
            assert not msgs or 4 <= len(msgs) <= 8, lesson.id
            for m in msgs:
                if len(sentences(m.text)) > limit:
                    too_long.append(f"{lesson.id}/{track}/{m.id}: {len(sentences(m.text))} sentences")
    assert too_long == []


def test_every_lesson_offers_a_why_and_something_to_see(bank):
    """The 'Why?' quick reply and the 'Show me' embed need something behind them in every lesson."""
    missing = [f"{l.id}/{l.track}" for l in bank.lessons
               if not any(m.why for m in l.messages) or not any(m.show for m in l.messages)]
    assert missing == []


def test_lesson_misconceptions_are_catalogued(bank):
    for lesson in bank.lessons:
        for mc in lesson.misconceptions:
            assert bank.misconception(mc.id) is not None, (lesson.id, lesson.track, mc.id)


def test_prose_has_no_numbers_pretending_to_be_computed(bank):
    """Computed numbers come from engine examples (`show`), never from the prose."""
    offenders = []
    for lesson in bank.lessons:
        for m in lesson.messages or []:
            for text in (m.text, m.why or ""):
                if re.search(r"\d+\.\d+|\d+ ?%", text):
                    offenders.append(f"{lesson.id}/{lesson.track}/{m.id}")
    assert offenders == []


def test_lessons_embed_demos_and_examples(bank):
    for track in ("ages-9-12", "ages-13-plus"):
        shown = [m.show for l in bank.concepts(track) for m in l.messages or [] if m.show]
        assert shown, track
    kinds = {m.show.example for l in bank.concepts("ages-13-plus") for m in l.messages or []
             if m.show is not None and hasattr(m.show, "example")}
    assert {"neuron", "forward-pass", "backprop-step"} <= kinds


def test_item_lookups(bank):
    for item in bank.items:
        assert bank.item(item.id) is item
        assert item.concept in CONCEPT_IDS
    assert bank.item("no-such-item") is None


def test_checks_are_items_of_their_lesson(bank):
    for lesson in bank.lessons:
        if lesson.check is not None:
            assert lesson.check.concept == lesson.id and lesson.check.track == lesson.track
            assert bank.item(lesson.check.id) is lesson.check


def test_every_item_is_well_formed(bank):
    """Every question in the bank is exercised: it has one right answer that the data can express."""
    for item in bank.items:
        assert item.prompt and item.hint and item.explanation
        if isinstance(item, ChoiceItem):
            assert sum(o.correct for o in item.options) == 1
            for o in item.options:
                assert o.correct or bank.misconception(o.misconception) is not None
        elif isinstance(item, MultiItem):
            assert any(o.correct for o in item.options)
        elif isinstance(item, TrueFalseItem):
            assert bank.misconception(item.misconception) is not None
        elif isinstance(item, MatchingItem):
            assert set(item.pairs) == {t.id for t in item.terms}
        elif isinstance(item, OrderItem):
            assert len({s.id for s in item.steps}) == len(item.steps)
        if item.lesson_message:
            assert bank.lesson(item.concept, item.track).message(item.lesson_message) is not None


def test_quizzes(bank):
    for track in TRACK_IDS:
        for quiz in bank.quizzes(track):
            assert bank.quiz(quiz.id) is quiz
            assert all(i.track == track for i in bank.quiz_items(quiz.id))
    assert bank.quiz("no-such-quiz") is None


def test_a_ages_9_12_quiz_has_a_choice_item(bank):
    """The API contract tests pick a choice item from an ages-9-12 quiz."""
    kinds = {i.kind for q in bank.quizzes("ages-9-12") for i in bank.quiz_items(q.id)}
    assert "choice" in kinds


def test_misconception_catalogue(bank):
    for mid in ("copies-the-brain", "bigger-lr-always-faster", "train-accuracy-proves-learning", "loss-is-accuracy",
                "more-layers-always-better", "networks-understand", "never-wrong", "backprop-goes-forward"):
        m = bank.misconception(mid)
        assert m is not None and m.explanation
        for track in TRACK_IDS:
            assert m.label_for(track)
    assert bank.misconception("nope") is None


def test_matching_set_per_track(bank):
    for track in TRACK_IDS:
        ms = bank.matching_set(track)
        assert ms is not None and ms.track == track
        assert set(ms.pairs) == {t.id for t in ms.terms}
        assert len(set(ms.pairs.values())) == len(ms.pairs)


def test_chat_sets(bank):
    chat = bank.chat
    assert set(chat.training) == set(CONCEPT_IDS)
    assert all(len(v) >= 25 for v in chat.training.values())
    assert all(len(chat.held_out[c]) >= 6 for c in CONCEPT_IDS)
    assert len(chat.off_topic) >= 30
    norm = lambda q: re.sub(r"[^a-z0-9]+", " ", q.lower()).strip()
    trained = {norm(q) for qs in chat.training.values() for q in qs}
    assert not trained & {norm(q) for qs in chat.held_out.values() for q in qs}
    assert not trained & {norm(q) for q in chat.off_topic}
    faq = " ".join(chat.training["training-loop"]).lower()
    assert "epoch" in faq
    assert any("deep" in q.lower() for q in chat.training["layers-and-deep-learning"])
    assert any("wrong" in q.lower() for q in chat.training["limits-of-ai"])
    assert any("gradient descent" in q.lower() for q in chat.training["gradient-descent"])


def test_activities_and_plan(bank):
    ids = {a.id for a in bank.activities}
    for track in TRACK_IDS:
        assert bank.activities_for(track), track
        assert any("backprop" in a.id for a in bank.activities_for(track)), track
    months = bank.plan.milestones
    assert [m.month for m in months] == [1, 2, 3]
    for m in months:
        assert set(m.activities) <= ids
        assert set(m.talk_about) == set(TRACK_IDS)


def test_faq_covers_the_seed_questions(bank):
    ids = {f.id for f in bank.faq}
    assert {"what-is-an-epoch", "what-is-gradient-descent", "deep-vs-shallow", "can-it-be-wrong"} <= ids
    assert all(set(f.answers) == set(TRACK_IDS) for f in bank.faq)
    assert bank.faq_for("limits-of-ai")


def test_at_least_four_items_per_concept_and_track(bank):
    short = {f"{c}/{t}": len(bank.items_for(c, t)) for c in CONCEPT_IDS for t in TRACK_IDS
             if len(bank.items_for(c, t)) < 4}
    assert short == {}


def test_every_quiz_mixes_question_kinds(bank):
    for quiz in bank.all_quizzes:
        assert len({i.kind for i in bank.quiz_items(quiz.id)}) >= 2, quiz.id


def test_bank_is_immutable(bank):
    with pytest.raises(dataclasses.FrozenInstanceError):
        bank.tracks = ()
    with pytest.raises(pydantic.ValidationError):
        bank.track("ages-5-8").label = "changed"
    with pytest.raises(TypeError):
        bank.misconceptions["x"] = None


def test_summary_counts(bank, bank_copy):
    s = summary(bank)
    assert s["concepts"] == 15 and s["tracks"] == 3
    assert all(v["lessons"] == 15 for v in s["per_track"].values())
    assert summary() == s and summary(bank_copy) == s
    assert "15 concepts × 3 tracks" in str(s)


def test_load_bank_accepts_a_path(bank_copy):
    assert [t.id for t in load_bank(bank_copy).tracks] == list(TRACK_IDS)
    assert [t.id for t in load_bank(str(bank_copy)).tracks] == list(TRACK_IDS)
