"""Grading on the server: each kind's right answer, wrong answers with their misconception, partial credit, shapes."""
from __future__ import annotations

import dataclasses
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from content.schema import Item
from tutor.errors import Invalid, NotFound
from tutor.services import grading

ITEM = TypeAdapter(Item)

# Items built through the schema, so grading is tested whatever the bank holds at the time.
SAMPLE_ITEMS = [ITEM.validate_python(d) for d in [
    {"id": "t-choice", "kind": "choice", "concept": "neuron", "track": "ages-9-12", "prompt": "What does a neuron do?",
     "hint": "Think of adding.", "explanation": "It adds weighted inputs.", "lesson_message": "four-steps",
     "options": [{"id": "adds", "text": "Adds weighted inputs", "correct": True},
                 {"id": "thinks", "text": "Thinks", "misconception": "networks-understand", "feedback": "It only adds."},
                 {"id": "cell", "text": "Is a brain cell", "misconception": "copies-the-brain", "feedback": "Maths."}]},
    {"id": "t-multi", "kind": "multi", "concept": "data-and-bias", "track": "ages-9-12", "prompt": "Which are true?",
     "hint": "Two are.", "explanation": "Data shapes the network.",
     "options": [{"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B", "correct": True},
                 {"id": "c", "text": "C", "misconception": "data-is-neutral", "feedback": "Data is not neutral."},
                 {"id": "d", "text": "D", "misconception": "never-wrong", "feedback": "It can be wrong."}]},
    {"id": "t-tf", "kind": "truefalse", "concept": "limits-of-ai", "track": "ages-5-8", "prompt": "Computers are never wrong.",
     "hint": "Think of a time it was wrong.", "explanation": "They can be wrong.", "answer": False,
     "misconception": "never-wrong", "feedback": "Robots make mistakes too."},
    {"id": "t-match", "kind": "matching", "concept": "loss", "track": "ages-13-plus", "prompt": "Match them.",
     "hint": "Start with loss.", "explanation": "Each term has one meaning.",
     "terms": [{"id": "loss", "text": "Loss"}, {"id": "lr", "text": "Learning rate"}, {"id": "epoch", "text": "Epoch"}],
     "definitions": [{"id": "d-loss", "text": "How wrong"}, {"id": "d-lr", "text": "Step size"},
                     {"id": "d-epoch", "text": "One pass"}, {"id": "d-extra", "text": "Not used"}],
     "pairs": {"loss": "d-loss", "lr": "d-lr", "epoch": "d-epoch"},
     "feedback": {"loss": "Loss says how wrong.", "lr": "The rate is the step size.", "epoch": "One pass over data."},
     "misconceptions": {"loss": "loss-is-accuracy"}},
    {"id": "t-order", "kind": "order", "concept": "training-loop", "track": "ages-9-12", "prompt": "Order the loop.",
     "hint": "Guess first.", "explanation": "Guess, measure, fix, repeat.", "feedback": "Guess before measuring.",
     "misconception": "loop-order-mixed",
     "steps": [{"id": "guess", "text": "Guess"}, {"id": "measure", "text": "Measure"}, {"id": "fix", "text": "Fix"},
               {"id": "repeat", "text": "Repeat"}]},
    {"id": "t-numeric", "kind": "numeric", "concept": "neuron", "track": "ages-13-plus", "prompt": "What is the output?",
     "hint": "Add the bias.", "explanation": "a = f(w·x + b).", "generator": "neuron",
     "params": {"activation": "sigmoid"}, "answer": {"result": "a"}, "tolerance": 0.01,
     "misconceptions": {"forgot-bias": "forgot-bias"}},
]]


def bank_with(bank, *items):
    """The real bank plus extra items (its indexes are rebuilt)."""
    return dataclasses.replace(bank, items=bank.items + tuple(items))


@pytest.fixture(scope="module")
def bank(content_bank):
    return bank_with(content_bank, *SAMPLE_ITEMS)


def test_choice_right_and_wrong(bank):
    right = grading.grade(bank, "t-choice", {"option": "adds"})
    assert right.correct and right.score == 1 and right.misconception is None
    assert right.lesson_link == "/learn/neuron?track=ages-9-12#msg-four-steps"
    wrong = grading.grade(bank, "t-choice", {"option": "cell"})
    assert not wrong.correct and wrong.score == 0 and wrong.misconception == "copies-the-brain"
    assert wrong.feedback == "Maths." and wrong.misconception_label
    assert wrong.solution["option"] == "adds"


def test_multi_partial_credit(bank):
    assert grading.grade(bank, "t-multi", {"options": ["b", "a"]}).score == 1
    half = grading.grade(bank, "t-multi", {"options": ["a"]})
    assert not half.correct and half.score == 0.5 and half.misconception is None and "missing" in half.feedback
    mixed = grading.grade(bank, "t-multi", {"options": ["a", "b", "d"]})
    assert not mixed.correct and mixed.score == 0.5 and mixed.misconception == "never-wrong"
    assert grading.grade(bank, "t-multi", {"options": ["c"]}).score == 0


def test_truefalse(bank):
    assert grading.grade(bank, "t-tf", {"value": False}).correct
    wrong = grading.grade(bank, "t-tf", {"value": True})
    assert wrong.misconception == "never-wrong" and wrong.feedback == "Robots make mistakes too."


def test_matching_shows_and_explains_wrong_pairs(bank):
    right = grading.grade(bank, "t-match", {"pairs": {"loss": "d-loss", "lr": "d-lr", "epoch": "d-epoch"}})
    assert right.correct and right.solution["wrong"] == []
    wrong = grading.grade(bank, "t-match", {"pairs": {"loss": "d-lr", "lr": "d-loss", "epoch": "d-epoch"}})
    assert wrong.score == pytest.approx(1 / 3, abs=1e-4) and wrong.misconception == "loss-is-accuracy"
    assert [w["term"] for w in wrong.solution["wrong"]] == ["loss", "lr"]
    assert wrong.solution["wrong"][0]["feedback"] == "Loss says how wrong."
    unpaired = grading.grade(bank, "t-match", {"pairs": {"epoch": "d-epoch"}})
    assert unpaired.score == pytest.approx(1 / 3, abs=1e-4) and unpaired.solution["wrong"][0]["chosen"] is None


def test_order_partial_credit(bank):
    assert grading.grade(bank, "t-order", {"order": ["guess", "measure", "fix", "repeat"]}).correct
    swap = grading.grade(bank, "t-order", {"order": ["measure", "guess", "fix", "repeat"]})
    assert not swap.correct and swap.score == pytest.approx(5 / 6, abs=1e-4) and swap.misconception == "loop-order-mixed"
    assert grading.grade(bank, "t-order", {"order": ["repeat", "fix", "measure", "guess"]}).score == 0


def test_numeric_bank_item_needs_its_seed(bank):
    with pytest.raises(NotFound):
        grading.grade(bank, "t-numeric", {"value": 1})
    from tutor.services import numeric

    q = numeric.from_item(bank.item("t-numeric"), 5)
    assert grading.grade(bank, q.id, {"value": q.answer}).correct


def test_matching_set_of_each_track_is_gradable(bank):
    for ms in bank.matching_sets:
        right = grading.grade(bank, f"match:{ms.id}", {"pairs": dict(ms.pairs)})
        assert right.correct and right.concept in ms.concepts.values()


@pytest.mark.parametrize("item_id, answer", [
    ("t-choice", {"options": ["adds"]}),         # a multi answer to a choice question
    ("t-choice", {"option": "nope"}),            # unknown option
    ("t-choice", {"option": 3}),                 # wrong type
    ("t-choice", {"option": "adds", "x": 1}),    # extra field
    ("t-choice", ["adds"]),                      # not an object
    ("t-multi", {"options": ["a", "a"]}),        # chosen twice
    ("t-tf", {"value": "false"}),                # a string, not a boolean
    ("t-tf", {"value": 0}),
    ("t-match", {"pairs": {}}),
    ("t-match", {"pairs": {"loss": "d-loss", "lr": "d-loss"}}),  # one definition used twice
    ("t-match", {"pairs": {"nope": "d-loss"}}),
    ("t-order", {"order": ["guess", "measure", "fix"]}),         # a step left out
    ("t-order", {"order": ["guess", "guess", "fix", "repeat"]}),
    ("match:match-terms-9-12", {"option": "x"}),
])
def test_answers_of_the_wrong_shape_are_refused_clearly(bank, item_id, answer):
    with pytest.raises(Invalid) as err:
        grading.grade(bank, item_id, answer)
    assert err.value.message and err.value.details


@pytest.mark.parametrize("item_id", ["no-such-item", "", "match:nope", "num:nope:seed=1", "num:mse:ages-5-8:seed=1",
                                     "num:mse:ages-13-plus:seed=99999999999", "x" * 300])
def test_unknown_items_are_not_found(bank, item_id):
    with pytest.raises(NotFound):
        grading.grade(bank, item_id, {"value": 1})


def test_numeric_value_must_be_a_finite_number(bank):
    for bad in ({"value": True}, {"value": "1.0"}, {"value": None}, {"option": "a"}):
        with pytest.raises(Invalid):
            grading.grade(bank, "num:mse:ages-13-plus:seed=1", bad)


# ---- properties ------------------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["weighted-sum", "neuron-output", "mse", "cross-entropy",
                                                              "gd-update", "weight-direction"]),
       frac=st.floats(-1, 1))
def test_tolerance_accepts_everything_within_it(bank, seed, kind, frac):
    from tutor.services import numeric

    q = numeric.generated(kind, "ages-13-plus", seed)
    graded = grading.grade(bank, q.id, {"value": q.answer + frac * q.tolerance})
    assert graded.correct and graded.score == 1


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["weighted-sum", "mse", "gd-update"]),
       off=st.floats(1.01, 1000), sign=st.sampled_from([-1, 1]))
def test_tolerance_refuses_everything_outside_it(bank, seed, kind, off, sign):
    from tutor.services import numeric

    q = numeric.generated(kind, "ages-13-plus", seed)
    graded = grading.grade(bank, q.id, {"value": q.answer + sign * off * q.tolerance})
    assert not graded.correct and graded.score == 0
    if graded.misconception is not None:  # only ever a slip the answer really matches
        slip = graded.solution["slip"]
        assert any(abs(q.answer + sign * off * q.tolerance - v) <= q.tolerance for v in q.slips[slip])


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_matching_partial_credit_counts_right_pairs(bank, data):
    ms = data.draw(st.sampled_from(bank.matching_sets))
    terms = data.draw(st.lists(st.sampled_from([t.id for t in ms.terms]), min_size=1, unique=True))
    defs = data.draw(st.permutations([d.id for d in ms.definitions]))
    pairs = dict(zip(terms, defs))
    graded = grading.grade(bank, f"match:{ms.id}", {"pairs": pairs})
    right = sum(ms.pairs[t] == d for t, d in pairs.items())
    assert graded.score == pytest.approx(right / len(ms.terms), abs=1e-4)
    assert graded.correct == (right == len(ms.terms))
    assert len(graded.solution["wrong"]) == len(ms.terms) - right


@settings(max_examples=80, deadline=None)
@given(st.permutations(["guess", "measure", "fix", "repeat"]))
def test_order_score_is_one_only_for_the_right_order(bank, order):
    graded = grading.grade(bank, "t-order", {"order": list(order)})
    assert 0 <= graded.score <= 1
    assert (graded.score == 1) == graded.correct == (list(order) == ["guess", "measure", "fix", "repeat"])


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(["a", "b", "c", "d"])))
def test_multi_score_is_between_zero_and_one_and_full_only_when_exact(bank, picked):
    graded = grading.grade(bank, "t-multi", {"options": sorted(picked)})
    assert 0 <= graded.score <= 1
    assert (graded.score == 1) == graded.correct == (picked == {"a", "b"})


def test_every_wrong_order_of_the_sample_is_wrong(bank):
    for order in permutations(["guess", "measure", "fix", "repeat"]):
        graded = grading.grade(bank, "t-order", {"order": list(order)})
        assert graded.correct == (list(order) == ["guess", "measure", "fix", "repeat"])
