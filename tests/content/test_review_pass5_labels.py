"""Review pass 5: every misconception label reads at the level of the learners it is shown to, and the loose label
fits that pass 4 kept are settled.

A wrong answer's label is shown to the learner on its own ("A common mix-up: ...") and to their teacher on the class
dashboard. Measured on its own, by the measure the lessons are held to (Flesch-Kincaid grade, textstat 0.7.8; ages
5-8 at most 3, 9-12 at most 6, 13+ at most 10), about twenty older labels read above their track's level: "Computers
are never wrong." is grade 6.6, "Backpropagation changes the input data." 14.7, and the engine's slip "Used a
different activation function" (shown to ages 9-12 too, by their generated numeric questions) 12.3. They were
rewritten at the level with the same meaning. The loose fits were decided one by one: an answer now names the idea
that choosing it shows, an existing one where it fits and a new one where none did.
"""
from __future__ import annotations

import functools
import itertools
import re

import pytest
import textstat
from test_review_pass4_content import named, wrong_answers

from content import TRACK_IDS, load_bank
from tutor.services import grading, numeric

BANK = load_bank()
READING_GRADE = {"ages-5-8": 3.0, "ages-9-12": 6.0, "ages-13-plus": 10.0}  # test_content_reading_level.py's limits
SEEDS = range(40)  # enough seeds for every generated question kind to show each of its slips


def too_hard(track: str, texts: dict[str, str]) -> list[tuple[float, str, str]]:
    """(grade, key, text) for each of `texts` that reads above `track`'s level, hardest first: the one measure of
    this pass, each text's Flesch-Kincaid grade on its own, as a learner of `track` reads it."""
    measured = ((textstat.flesch_kincaid_grade(text), key, text) for key, text in texts.items())
    return sorted(((round(g, 1), key, text) for g, key, text in measured if g > READING_GRADE[track]), reverse=True)


def assert_at_level(track: str, texts: dict[str, str], what: str, at_least: int = 0) -> None:
    """Every one of `texts` reads at `track`'s level (too_hard finds none), and there are at least `at_least` of them,
    so a change that stopped finding the texts cannot pass by measuring nothing."""
    hard = too_hard(track, texts)
    assert not hard, f"{track}: {what} over grade {READING_GRADE[track]}: {hard}"
    assert len(texts) >= at_least, (track, what, len(texts))


@functools.cache
def engine_slips(track: str) -> frozenset[str]:
    """The misconception ids the numeric questions of `track` can name: a recognised calculation slip, as the item
    maps it (bank items) or under its own id (generated questions, which map nothing)."""
    found: set[str] = set()
    for kind in numeric.kinds_for(track):
        for seed in SEEDS:
            found |= set(numeric.generated(kind, track, seed).slips)
    for item in BANK.items:
        if item.kind == "numeric" and item.track == track:
            for seed in SEEDS:
                q = numeric.from_item(item, seed)
                found |= {q.misconceptions.get(slip, slip) for slip in q.slips}
    return frozenset(found)


@functools.cache
def named_by(track: str) -> frozenset[str]:
    """Every misconception id a wrong answer of `track` can name, so every label its learners can be shown."""
    return frozenset({mid for item, _, mid in wrong_answers() if item.track == track} | engine_slips(track))


def shown(track: str) -> dict[str, str]:
    """misconception id -> the label a learner of `track` reads: every label written for the track, and the label
    `label_for` gives for every id the track's answers name (a shared label, such as a slip's, included)."""
    labels = {m.id: m.label[track] for m in BANK.misconceptions.values()
              if isinstance(m.label, dict) and track in m.label}
    for mid in named_by(track):
        idea = BANK.misconception(mid)
        if idea is not None:
            labels[mid] = idea.label_for(track)
    return labels


# ---- 1. every label at its track's reading level -------------------------------------------------------------------

@pytest.mark.parametrize("track", TRACK_IDS)
def test_every_label_a_track_is_shown_reads_at_its_level(track):
    assert_at_level(track, shown(track), "labels", at_least=20)


@pytest.mark.parametrize("track", TRACK_IDS)
def test_every_idea_a_track_names_has_a_label_for_it_or_one_label_for_all(track):
    """`label_for` falls back to another track's label when a track has none, which would show a grown-up label to a
    child: an idea with labels per track needs one for each track that names it, engine slips included."""
    for mid in named_by(track):
        idea = BANK.misconception(mid)
        assert idea is not None, (track, mid)
        assert isinstance(idea.label, str) or track in idea.label, (track, mid)


# The labels this pass rewrote, with the idea each must still state (the old text is kept to show what changed).
REWRITTEN = [
    # (id, track or None for one label for all, old label, what the new one must still say)
    ("never-wrong", "ages-5-8", "Computers are never wrong.", r"never wrong"),
    ("never-wrong", "ages-13-plus", "Enough training makes a network infallible.", r"enough training.*stops making mistakes"),
    ("more-layers-always-better", "ages-5-8", "Bigger is always better.", r"more rows are always better"),
    ("bigger-lr-always-faster", "ages-5-8", "Giant steps are always faster.", r"giant steps always get there first"),
    ("bigger-lr-always-faster", "ages-9-12", "A bigger learning rate always means faster learning.",
     r"the bigger the learning rate, the faster"),
    ("train-accuracy-proves-learning", "ages-9-12", "High accuracy on the training data proves the network learned.",
     r"training examples right, the network has learned"),
    ("train-accuracy-proves-learning", "ages-13-plus", "Training accuracy measures how well a model generalises.",
     r"training data shows how well it will do on new data"),
    ("backprop-goes-forward", "ages-9-12", "Backpropagation sends the input forward through the network.",
     r"^backpropagation .*sends the input forward"),
    ("backprop-updates-inputs", "ages-9-12", "Backpropagation changes the input data.",
     r"^backpropagation changes the data that goes in"),
    ("rules-are-programmed", "ages-5-8", "Someone told the robot every rule.", r"told the robot all its rules"),
    ("weights-are-fixed", "ages-13-plus", "Weights are hyperparameters chosen before training.",
     r"chosen before training, like the learning rate, not learned"),
    ("architecture-is-learned", "ages-9-12", "The network decides for itself how many layers it has.",
     r"for itself how many layers"),
    ("activation-is-power-button", "ages-5-8", "Activation means turning the computer on.",
     r"go or stop rule turns the computer on"),
    ("activation-is-power-button", "ages-9-12", "The activation function is what switches the network on.",
     r"activation function .*turns the whole network on"),
    ("one-example-is-enough", "ages-9-12", "A network can learn something from a single example.",
     r"learn from just one example"),
    ("data-is-neutral", "ages-9-12", "Computers can't be unfair because they only use numbers.",
     r"can't be unfair\. it only works with numbers"),
    ("data-is-neutral", "ages-13-plus", "A model trained on real data is automatically objective.",
     r"real data is unbiased by default"),
    ("more-training-always-better", "ages-9-12", "Training longer always makes the network better.",
     r"the longer a network trains, the better it always gets"),
    ("activation-is-on-off", "ages-9-12", "Every activation function is just an on/off switch.",
     r"activation function is just a switch: on or off"),
    ("activation-before-bias", None, "Applied the activation before adding the bias",
     r"activation first, then added the bias"),
    ("wrong-activation", None, "Used a different activation function", r"wrong activation, not the one named"),
    # Rewritten for fit, not level: the "9" of the 2-3-1 parameter count forgot the biases too.
    ("forgot-bias", "ages-13-plus", "A neuron's output depends only on the weighted sum of its inputs.",
     r"just its weights: its bias can be left out"),
]


@pytest.mark.parametrize("mid,track,old,idea", REWRITTEN, ids=[f"{m}:{t}" for m, t, _, _ in REWRITTEN])
def test_the_rewritten_labels_say_the_same_idea_at_their_level(mid, track, old, idea):
    label = BANK.misconception(mid).label
    label = label if track is None else label[track]
    assert label != old and re.search(idea, label, re.IGNORECASE), (mid, track, label)
    levels = [READING_GRADE[track]] if track else [READING_GRADE[t] for t in TRACK_IDS if mid in named_by(t)]
    assert levels and textstat.flesch_kincaid_grade(label) <= min(levels), (mid, label)


# ---- 2. the loose fits, decided ------------------------------------------------------------------------------------

FITS = [
    # (item, wrong answer, misconception it names)                               was
    # "A small miss" for a dart far from the middle: not "a big score is good", but not linking a miss to how far off
    ("q5-loss-darts", "A small miss", "far-off-is-a-small-miss"),  # loss-is-accuracy
    # "No fix at all" after a big miss: the miss does not tell the robot what to fix
    ("q5-loss-fix", "No fix at all", "misses-teach-nothing"),  # loss-is-accuracy
    # "gradient descent is guaranteed to find the lowest possible loss": about the method, not the network's answers
    ("q13-gd-path", None, "descent-finds-the-lowest-loss"),  # never-wrong
    # "a softmax probability near one means almost certainly correct": confidence taken for correctness
    ("q13-limits-confidence", None, "confidence-means-correct"),  # never-wrong
    # "removing a sensitive attribute guarantees no bias on it": proxies, not data being objective
    ("q13-bias-proxy", None, "removing-the-attribute-removes-bias"),  # data-is-neutral
    ("q13-loss-smooth", "same thing", "loss-is-accuracy"),  # kept: it says they are the same measurement
    # "Loss is higher, so it's easier to see improvements": the reason taken to be readability, not gradients
    ("q13-loss-smooth", "easier to see", "loss-chosen-for-its-scale"),  # loss-is-accuracy
    ("wb-13-plus-check", "9", "forgot-bias"),  # kept: the weights without their biases
    ("wb-13-plus-check", "6", "counts-one-layer-only"),  # forgot-bias: the first layer's weights only
    # The matching's grader names the first wrong term's idea (tests below); each now fits every such wrong matching.
    ("q13-lr-curves", "tiny", "tiny-lr-is-not-slow"),  # tiny-lr-is-best
    ("q13-lr-curves", "good", "bigger-lr-always-faster"),  # kept
    ("q13-lr-curves", "big", "overshoot-levels-swapped"),  # bigger-lr-always-faster
    ("q13-lr-curves", "huge", "overshoot-levels-swapped"),  # bigger-lr-always-faster
]


@pytest.mark.parametrize("item_id,answer,expected", FITS, ids=[f"{i}:{a}" for i, a, _ in FITS])
def test_the_loose_fits_name_what_choosing_the_answer_shows(item_id, answer, expected):
    assert named(item_id, answer) == expected


def test_true_false_items_relabelled_are_ones_where_believing_the_prompt_is_the_mix_up():
    for item_id, words in [("q13-gd-path", "guaranteed to find the lowest"),
                           ("q13-limits-confidence", "almost certainly correct"),
                           ("q13-bias-proxy", "guarantees the model can't be biased")]:
        item = BANK.item(item_id)
        assert item.kind == "truefalse" and item.answer is False and words in item.prompt, item_id


def lr_curve_wrong_matchings():
    item = BANK.item("q13-lr-curves")
    terms, definitions = [t.id for t in item.terms], [d.id for d in item.definitions]
    for chosen in itertools.permutations(definitions):
        pairs = dict(zip(terms, chosen))
        if pairs != item.pairs:
            yield pairs, grading.grade(BANK, item.id, {"pairs": pairs})


def test_each_idea_the_learning_rate_matching_names_fits_the_matching_made():
    """What the grader reports for a wrong matching is the first wrong term's idea, whichever curve was chosen; the
    labels are chosen so that it fits every matching that reports it."""
    fits = {
        # the very small rate did not get the slow, steady decline
        "tiny-lr-is-not-slow": lambda p: p["tiny"] != "d-tiny",
        # a rate that is too large got the fast, smooth fall
        "bigger-lr-always-faster": lambda p: "d-good" in (p["big"], p["huge"]),
        # the two too-large rates swapped: a bit too large blows up, far too large only bounces
        "overshoot-levels-swapped": lambda p: (p["big"], p["huge"]) == ("d-huge", "d-big"),
    }
    seen = set()
    for pairs, graded in lr_curve_wrong_matchings():
        assert not graded.correct and graded.misconception in fits, (pairs, graded.misconception)
        assert fits[graded.misconception](pairs), (pairs, graded.misconception)
        seen.add(graded.misconception)
    assert seen == set(fits)


# ---- 3. the new catalogue entries -----------------------------------------------------------------------------------

NEW = ["far-off-is-a-small-miss", "descent-finds-the-lowest-loss", "confidence-means-correct",
       "removing-the-attribute-removes-bias", "loss-chosen-for-its-scale", "counts-one-layer-only",
       "tiny-lr-is-not-slow", "overshoot-levels-swapped"]


@pytest.mark.parametrize("mid", NEW)
def test_each_new_idea_is_written_for_exactly_the_tracks_that_name_it(mid):
    idea = BANK.misconception(mid)
    assert idea is not None and isinstance(idea.label, dict) and idea.explanation
    tracks = {t for t in TRACK_IDS if mid in named_by(t)}
    assert tracks and set(idea.label) == tracks, (mid, tracks, set(idea.label))
    others = {label for m in BANK.misconceptions.values() if m.id != mid
              for label in (m.label.values() if isinstance(m.label, dict) else [m.label])}
    for track, label in idea.label.items():
        assert textstat.flesch_kincaid_grade(label) <= READING_GRADE[track], (mid, track, label)
        assert label not in others, (mid, label)
    assert not re.search(r"\d", " ".join(idea.label.values())), mid  # numbers come from the engine, never typed
