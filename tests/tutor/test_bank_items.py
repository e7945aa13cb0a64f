"""Every question in the content bank, whatever it holds when the tests run: its right answer is graded right, and
each wrong answer (every distractor, every wrong pair, a wrong order, every engine-named slip) is graded wrong with its
misconception. The schema-built sample items run through the same checks, so this file tests something even before
the bank has quizzes.
"""
from __future__ import annotations

import pytest

from content import load_bank
from tutor.services import grading, numeric

from .test_grading import SAMPLE_ITEMS, bank_with

BANK = bank_with(load_bank(), *SAMPLE_ITEMS)
NUMERIC_SEEDS = (0, 1, 2, 17, 12345)


def check_choice(bank, item):
    right = next(o for o in item.options if o.correct)
    assert grading.grade(bank, item.id, {"option": right.id}).score == 1
    for option in item.options:
        if option.correct:
            continue
        graded = grading.grade(bank, item.id, {"option": option.id})
        assert not graded.correct and graded.score == 0
        assert graded.misconception == option.misconception and graded.feedback == option.feedback
        assert graded.misconception_label


def check_multi(bank, item):
    right = [o.id for o in item.options if o.correct]
    assert grading.grade(bank, item.id, {"options": right}).score == 1
    for option in item.options:
        if option.correct:
            continue
        for answer in ([option.id], right + [option.id]):
            graded = grading.grade(bank, item.id, {"options": answer})
            assert not graded.correct and graded.score < 1
            assert graded.misconception == option.misconception and graded.feedback == option.feedback


def check_truefalse(bank, item):
    assert grading.grade(bank, item.id, {"value": item.answer}).score == 1
    graded = grading.grade(bank, item.id, {"value": not item.answer})
    assert not graded.correct and graded.misconception == item.misconception and graded.feedback == item.feedback


def check_matching(bank, item, item_id=None):
    item_id = item_id or item.id
    assert grading.grade(bank, item_id, {"pairs": dict(item.pairs)}).score == 1
    terms = [t.id for t in item.terms]
    misconceptions = getattr(item, "misconceptions", {})
    for n, term in enumerate(terms):
        other = terms[(n + 1) % len(terms)]
        pairs = {**item.pairs, term: item.pairs[other], other: item.pairs[term]}
        graded = grading.grade(bank, item_id, {"pairs": pairs})
        assert not graded.correct and 0 < graded.score < 1
        wrong = {w["term"]: w for w in graded.solution["wrong"]}
        assert set(wrong) == {term, other}
        assert wrong[term]["feedback"] == item.feedback[term]
        assert wrong[term]["misconception"] == misconceptions.get(term)
        expected = next((misconceptions[t] for t in terms if t in wrong and misconceptions.get(t)), None)
        assert graded.misconception == expected


def check_order(bank, item):
    right = [s.id for s in item.steps]
    assert grading.grade(bank, item.id, {"order": right}).score == 1
    wrongs = [right[::-1]] + [right[:i] + [right[i + 1], right[i]] + right[i + 2:] for i in range(len(right) - 1)]
    for order in wrongs:
        graded = grading.grade(bank, item.id, {"order": order})
        assert not graded.correct and graded.score < 1
        assert graded.misconception == item.misconception and graded.feedback == item.feedback


def check_numeric(bank, item):
    for seed in NUMERIC_SEEDS:
        q = numeric.from_item(item, seed)
        assert grading.grade(bank, q.id, {"value": q.answer}).score == 1
        for slip, values in q.slips.items():
            for value in values:
                graded = grading.grade(bank, q.id, {"value": value})
                assert not graded.correct and graded.score == 0
                assert graded.misconception == item.misconceptions.get(slip, slip) and graded.misconception_label


CHECKS = {"choice": check_choice, "multi": check_multi, "truefalse": check_truefalse, "matching": check_matching,
          "order": check_order, "numeric": check_numeric}


@pytest.mark.parametrize("item_id", [i.id for i in BANK.items])
def test_every_item_grades_its_answer_right_and_each_wrong_answer_with_its_misconception(item_id):
    item = BANK.item(item_id)
    CHECKS[item.kind](BANK, item)


@pytest.mark.parametrize("set_id", [s.id for s in BANK.matching_sets])
def test_every_matching_set(set_id):
    ms = grading.matching_set_by_id(BANK, set_id)
    check_matching(BANK, ms, f"match:{ms.id}")


def test_every_quiz_lists_only_gradable_items():
    for quiz in BANK.all_quizzes:
        for item in BANK.quiz_items(quiz.id):
            assert item.kind in CHECKS


def test_the_sample_items_cover_every_kind():
    assert {i.kind for i in SAMPLE_ITEMS} == set(CHECKS)
