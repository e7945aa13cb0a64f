"""The dashboard plots (a class's activity, its mastery distribution): deterministic SVG drawn from the data passed in,
a description whose numbers are worked out by hand from that data, and clear errors for bad data."""
import math
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.plots import render

SVG = "{http://www.w3.org/2000/svg}svg"
DAYS = ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"]


def test_activity_description_is_worked_out_from_the_counts():
    svg, description = render("activity", days=DAYS, attempts=[4, 0, 10, 6], correct=[1, 0, 9, 5],
                              subject="the class")
    assert ET.fromstring(svg).tag == SVG
    # 20 answers, 15 right = 75%; days with answers: 3 of 4; busiest: 3 Mar with 10.
    assert description == ("From 1 Mar to 4 Mar the class gave 20 answers on 3 of 4 days, 75% of them right; "
                           "the busiest day was 3 Mar with 10 answers.")
    assert render("activity", days=DAYS, attempts=[4, 0, 10, 6], correct=[1, 0, 9, 5])[0] == svg


@pytest.mark.parametrize("subject, says", [
    ("the class", "From 1 Mar to 4 Mar the class gave 20 answers"),
    ("Hugo", "From 1 Mar to 4 Mar Hugo gave 20 answers"),
    ("you", "From 1 Mar to 4 Mar you gave 20 answers"),
    (None, "From 1 Mar to 4 Mar, 20 answers were given"),  # nobody named: not "the class" for anyone's answers
])
def test_activity_description_names_who_gave_the_answers(subject, says):
    description = render("activity", days=DAYS, attempts=[4, 0, 10, 6], correct=[1, 0, 9, 5], subject=subject)[1]
    assert description == says + " on 3 of 4 days, 75% of them right; the busiest day was 3 Mar with 10 answers."


def test_activity_counts_one_answer_in_the_singular():
    assert render("activity", days=DAYS, attempts=[0, 1, 0, 0], correct=[0, 1, 0, 0], subject="Ava")[1] == (
        "From 1 Mar to 4 Mar Ava gave 1 answer on 1 of 4 days, 100% of them right; the busiest day was 2 Mar "
        "with 1 answer.")
    assert render("activity", days=DAYS, attempts=[0, 1, 0, 0])[1].startswith("From 1 Mar to 4 Mar, 1 answer was given")


def test_activity_takes_query_string_lists_too():
    as_lists = render("activity", days=DAYS, attempts=[1, 2, 3, 4], correct=[1, 1, 1, 1])
    as_text = render("activity", days=",".join(DAYS), attempts="1,2,3,4", correct="1,1,1,1")
    assert as_lists == as_text


def test_activity_without_answers_says_so():
    assert render("activity")[1] == "No answers were given."
    assert render("activity", days=DAYS[:2], attempts=[0, 0])[1] == "No answers were given between 1 Mar and 2 Mar."
    assert render("activity", days=DAYS[:2], attempts=[0, 0], subject="Hugo")[1] == \
        "From 1 Mar to 2 Mar Hugo gave no answers."


@pytest.mark.parametrize("params, message", [
    ({"days": DAYS, "attempts": [1, 2]}, "attempts must have 4 numbers"),
    ({"days": DAYS, "attempts": [1, 1, 1, 1], "correct": [2, 0, 0, 0]}, "more than attempts"),
    ({"days": ["2025-03-01", "2025-03-03"], "attempts": [1, 1]}, "consecutive"),
    ({"days": ["yesterday"], "attempts": [1]}, "dates like"),
    ({"days": DAYS, "attempts": [1, -1, 1, 1]}, "between 0"),
    ({"days": DAYS, "attempts": [1, 1.5, 1, 1]}, "whole number"),
    ({"nonsense": 1}, "does not take nonsense"),
    ({"subject": ""}, "subject must be a name"),
    ({"subject": "x" * 81}, "subject must be a name"),
    ({"subject": "Hugo\nthe class"}, "subject must be a name"),
])
def test_activity_refuses_bad_data(params, message):
    with pytest.raises(ValueError, match=message):
        render("activity", **params)


def test_mastery_distribution_description_is_worked_out_from_the_counts():
    svg, description = render("mastery-distribution", concepts=["neuron", "loss", "activation"],
                              counts=[[0, 1, 1, 2, 4], [5, 2, 1, 0, 0], [2, 2, 2, 1, 1]])
    assert ET.fromstring(svg).tag == SVG
    # Most at Mastered: neuron (4); most at Not started: loss (5); top two levels: (2+4)+(0+0)+(1+1) = 8 of 24 = 33%.
    assert description == ("Across 3 concepts and up to 8 learners, neuron has the most at Mastered (4), loss the "
                           "most at Not started (5), and 33% of all learner-concept pairs are at Good at it or above.")
    # each level is in the legend
    for level in ("Not started", "Tried it", "Getting there", "Good at it", "Mastered"):
        assert level in svg


def test_mastery_distribution_with_own_levels_and_query_string_rows():
    a = render("mastery-distribution", concepts="a,b", counts="1,0,2;0,3,0", levels="low,mid,high")
    b = render("mastery-distribution", concepts=["a", "b"], counts=[[1, 0, 2], [0, 3, 0]], levels=["low", "mid", "high"])
    assert a == b
    assert a[1] == ("Across 2 concepts and up to 3 learners, a has the most at high (2), a the most at low (1), "
                    "and 83% of all learner-concept pairs are at mid or above.")


def test_mastery_distribution_without_learners():
    assert render("mastery-distribution")[1] == "No learner has a mastery level yet."
    assert render("mastery-distribution", concepts=["x"], counts=[[0, 0, 0, 0, 0]])[1] == \
        "No learner has a mastery level yet."


@pytest.mark.parametrize("params, message", [
    ({"concepts": ["a", "b"], "counts": [[1, 1, 1, 1, 1]]}, "one row per concept"),
    ({"concepts": ["a"], "counts": [[1, 1, 1]]}, "must have 5 numbers"),
    ({"concepts": ["a"], "counts": [[1, 1]], "levels": ["only"]}, "at least 2"),
    ({"concepts": ["a" * 81], "counts": [[1, 1, 1, 1, 1]]}, "1 to 80 characters"),
    ({"concepts": ["c"] * 41, "counts": [[0] * 5] * 41}, "at most 40"),
    ({"concepts": ["a"], "counts": 7}, "one list of counts"),
])
def test_mastery_distribution_refuses_bad_data(params, message):
    with pytest.raises(ValueError, match=message):
        render("mastery-distribution", **params)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=10))
@example([(46, 34)])  # 46 of 80 right: exactly 57.5%, just below it in floating point
def test_activity_totals_for_any_counts(days):
    attempts = [a + b for a, b in days]
    correct = [a for a, _ in days]
    dates = [f"2025-01-{d + 1:02d}" for d in range(len(days))]
    _, description = render("activity", days=dates, attempts=attempts, correct=correct)
    total = sum(attempts)
    if total:
        answers = f"{total} answer{'' if total == 1 else 's'} {'was' if total == 1 else 'were'} given"
        assert f"{answers} on {sum(1 for a in attempts if a)} of {len(days)} days" in description
        share = Fraction(100 * sum(correct), total)  # exact, then halves up: 46 of 80 right is "58%"
        assert f"{math.floor(share + Fraction(1, 2))}% of them right" in description
    else:
        assert description.startswith("No answers were given")
