"""Review pass 4: every quiz wrong answer names the mix-up that choosing it shows.

Teachers read a wrong answer's misconception label on the class dashboard as what the class misunderstands. The
review found labels that said something else: answering "Not true" to "deep means lots of rows" was labelled "Bigger
is always better", and "A loss of zero means the network has stopped working" was labelled "gets tired or
frustrated". A pass over every wrong answer of the three tracks found more (below). Each fixed pair is pinned here,
the new catalogue entries are checked (a label for each track that uses them, at that track's reading level), and a
few rules that the old labels broke are stated and checked over the whole bank.
"""
from __future__ import annotations

import re

import pytest
import textstat

from content import TRACK_IDS, load_bank

BANK = load_bank()
READING_GRADE = {"ages-5-8": 3.0, "ages-9-12": 6.0, "ages-13-plus": 10.0}  # test_content_reading_level.py's limits


def every_question():
    """Quiz items and lesson checks (quizzes reuse lesson checks), each once."""
    seen: set[str] = set()
    for item in BANK.items:
        seen.add(item.id)
        yield item
    for track in BANK.tracks:
        for concept in BANK.concepts(track.id):
            check = BANK.lesson(concept.id, track.id).check
            if check is not None and check.id not in seen:
                seen.add(check.id)
                yield check


def wrong_answers():
    """(item, what the wrong answer says, misconception id) for every wrong answer that names one.

    For a true/false item the wrong answer is the opposite of `answer`; it is described by the prompt and the answer.
    Matching and numeric items name a misconception per term or per calculation slip."""
    for item in every_question():
        if item.kind in ("choice", "multi"):
            for option in item.options:
                if not option.correct and option.misconception:
                    yield item, option.text, option.misconception
        elif item.kind == "truefalse":
            yield item, f"{not item.answer}: {item.prompt}", item.misconception
        elif item.kind in ("matching", "numeric"):
            for key, mid in item.misconceptions.items():
                yield item, key, mid
        elif item.kind == "order" and item.misconception:
            yield item, "order", item.misconception


def named(item_id: str, answer: str | None = None) -> str:
    """The misconception a wrong answer of `item_id` names: the option whose text contains `answer`, the term or
    slip called `answer`, or the item's own (true/false)."""
    item = BANK.item(item_id)
    assert item is not None, item_id
    if item.kind == "truefalse":
        return item.misconception
    if item.kind in ("matching", "numeric"):
        return item.misconceptions[answer]
    matches = [o for o in item.options if not o.correct and answer in o.text]
    assert len(matches) == 1, (item_id, answer, [o.text for o in item.options])
    return matches[0].misconception


# ---- 1. the review's own two, and every other pair the pass fixed ---------------------------------------------------

FIXED = [
    # (item, wrong answer, misconception it now names)                          was
    ("q5-layers-deep", None, "deep-means-clever"),  # more-layers-always-better ("Bigger is always better")
    ("q9-loss-zero", "stopped working", "zero-loss-means-broken"),  # ai-feels ("gets tired or frustrated")
    # ages 5-8
    ("q5-act-big", "stays quiet", "activation-rule-mixed-up"),  # activation-is-on-off
    ("q5-act-loud", "A small sum", "activation-rule-mixed-up"),  # activation-is-on-off
    ("activation-5-8-check", "shouts as loud", "activation-rule-mixed-up"),  # activation-is-on-off
    ("q5-neuron-team", None, "one-neuron-is-enough"),  # networks-understand
    ("q5-layers-rows", "one big pile", "no-rows"),  # copies-the-brain
    ("q5-fp-end", "At the start", "guess-goes-backwards"),  # backprop-goes-forward
    ("lr-5-8-check", "takes all day", "lr-effects-swapped"),  # tiny-lr-is-best
    ("q5-bp-gps", None, "misses-teach-nothing"),  # backprop-goes-forward
    ("q5-bp-tower", "a new tower", "misses-teach-nothing"),  # starts-knowing
    ("q5-bias-fair", "more red apples", "more-training-always-better"),  # data-is-neutral
    ("q5-bias-only", None, "starts-knowing"),  # data-is-neutral
    # ages 9-12
    ("activation-9-12-check", "negative total as it is", "activation-rule-mixed-up"),  # activation-is-power-button
    ("q9-act-relu-positive", "number zero", "activation-rule-mixed-up"),  # activation-is-on-off
    ("layers-9-12-check", "understands things in a deep way", "deep-means-clever"),  # networks-understand
    ("overfit-9-12-check", "extra examples", "test-set-helps-training"),  # train-accuracy-proves-learning
    ("overfit-9-12-check", "training faster", "test-set-helps-training"),  # more-training-always-better
    ("q9-neuron-weight", "switched off", "small-weight-switches-off"),  # activation-is-power-button
    ("q9-wb-dj", "The inputs", "weights-mixed-up"),  # backprop-updates-inputs
    ("q9-wb-dj", "The loss", "weights-mixed-up"),  # loss-is-accuracy
    ("q9-act-why", "faster and better", "activation-is-optional"),  # more-layers-always-better
    ("q9-fp-direction", "From output back", "guess-goes-backwards"),  # backprop-goes-forward
    ("q9-loss-squared", "how it's always done", "steps-have-no-reason"),  # ai-is-magic
    ("q9-bp-why-back", "random choice", "steps-have-no-reason"),  # ai-is-magic
    ("q9-lr-small", "shoots up", "lr-effects-swapped"),  # bigger-lr-always-faster
    ("q9-lr-who", "set automatically", "lr-is-learned"),  # ai-is-magic
    ("q9-loop-epoch", "training is finished", "epoch-step-confusion"),  # loop-runs-once
    # ages 13+
    ("activation-13-plus-check", None, "activation-is-optional"),  # more-layers-always-better
    ("q13-act-collapse", "A curve", "activation-is-optional"),  # more-layers-always-better
    ("q13-neuron-output", "no-activation", "activation-is-optional"),  # activation-is-power-button
    ("q13-neuron-sigmoid", "no-activation", "activation-is-optional"),  # activation-is-power-button
    ("q13-fp-compute", "no-activation", "activation-is-optional"),  # activation-is-power-button
    ("q13-act-vanishing", None, "forgot-activation-slope"),  # activation-is-power-button
    ("q13-bp-chain", "∂L/∂a · x", "forgot-activation-slope"),  # forgot-bias
    ("loss-13-plus-check", "B, because", "forgot-minus"),  # loss-is-accuracy
    ("q13-layers-deep", "understands its data", "deep-means-clever"),  # networks-understand
    ("q13-layers-deep", "difficult the maths", "deep-means-clever"),  # more-layers-always-better
    ("q13-neuron-perceptron", "more training examples", "one-neuron-is-enough"),  # one-example-is-enough
    ("q13-neuron-perceptron", "too small", "one-neuron-is-enough"),  # tiny-lr-is-best
    ("q13-lr-diverge", "step is tiny", "lr-effects-swapped"),  # tiny-lr-is-best
    ("bias-13-plus-check", "high overall accuracy", "overall-accuracy-is-fair"),  # train-accuracy-proves-learning
    ("overfit-13-plus-check", "learning rate is too large", "overfitting-blamed-on-step-size"),  # bigger-lr-...
    ("q13-act-softmax", "ReLU", "output-activation-mixup"),  # activation-is-on-off
    ("q13-act-softmax", "Step", "output-activation-mixup"),  # activation-is-on-off
    ("q13-fp-keep", "shown on screen", "backprop-needs-no-forward-values"),  # backprop-goes-forward
    ("q13-bp-what", None, "backprop-is-the-update"),  # backprop-updates-inputs
    ("q13-over-leak", None, "test-set-helps-training"),  # train-accuracy-proves-learning
    ("q13-over-splits", "val", "test-set-helps-training"),  # train-accuracy-proves-learning
    ("q13-over-splits", "test", "test-set-helps-training"),  # train-accuracy-proves-learning
    ("q13-wb-shape", "W is (5, 4)", "fan-in-out-swapped"),  # forgot-bias
    ("q13-daily-enrol", "isn't really", "rules-are-programmed"),  # ai-is-magic
    ("q13-daily-phases", "unlock", "guessing-is-learning"),  # backprop-goes-forward
    ("q13-daily-phases", "suggest", "guessing-is-learning"),  # backprop-goes-forward
    ("q13-limits-adversarial", "Change the model's weights", "never-wrong"),  # backprop-updates-inputs
]


@pytest.mark.parametrize("item_id,answer,expected", FIXED, ids=[f"{i}:{a}" for i, a, _ in FIXED])
def test_the_fixed_wrong_answers_name_what_choosing_them_shows(item_id, answer, expected):
    assert named(item_id, answer) == expected


def test_deep_means_lots_of_rows_is_not_labelled_bigger_is_better():
    item = BANK.item("q5-layers-deep")
    assert item.answer is True and "deep" in item.prompt.lower()  # answering "Not true" is the mix-up
    label = BANK.misconception(item.misconception).label_for("ages-5-8")
    assert "deep" in label.lower() and "bigger" not in label.lower()


def test_a_loss_of_zero_answer_is_not_labelled_as_a_feeling():
    mid = named("q9-loss-zero", "stopped working")
    label = BANK.misconception(mid).label_for("ages-9-12")
    assert "zero" in label.lower() and not re.search(r"tired|frustrat|feel", label, re.IGNORECASE)


def test_lesson_myths_name_the_idea_they_state():
    myths = {(l.track, mc.myth): mc.id for l in BANK.lessons for mc in l.misconceptions or []}
    assert myths[("ages-13-plus", "Activation functions are optional decorations.")] == "activation-is-optional"
    assert myths[("ages-13-plus", "The activation function is an optional extra.")] == "activation-is-optional"
    assert myths[("ages-13-plus", "High overall accuracy means the model works for everyone.")] == \
        "overall-accuracy-is-fair"


# ---- 2. the new catalogue entries -----------------------------------------------------------------------------------

NEW = sorted({expected for _, _, expected in FIXED} - {
    "more-training-always-better", "starts-knowing", "lr-is-learned", "epoch-step-confusion", "forgot-activation-slope",
    "forgot-minus", "rules-are-programmed", "guessing-is-learning", "never-wrong"})


def uses():
    """misconception id -> the tracks whose wrong answers (or lesson myths) name it."""
    found: dict[str, set[str]] = {}
    for item, _, mid in wrong_answers():
        found.setdefault(mid, set()).add(item.track)
    for lesson in BANK.lessons:
        for mc in lesson.misconceptions or []:
            found.setdefault(mc.id, set()).add(lesson.track)
    return found


@pytest.mark.parametrize("mid", NEW)
def test_each_new_idea_has_a_fresh_label_at_the_reading_level_of_each_track_that_uses_it(mid):
    idea = BANK.misconception(mid)
    assert idea is not None and isinstance(idea.label, dict) and idea.explanation
    tracks = uses().get(mid, set())
    assert tracks, f"{mid} is catalogued but no wrong answer names it"
    others = {label for m in BANK.misconceptions.values() if m.id != mid
              for label in (m.label.values() if isinstance(m.label, dict) else [m.label])}
    for track in tracks:
        label = idea.label.get(track)
        assert label, (mid, track)
        assert textstat.flesch_kincaid_grade(label) <= READING_GRADE[track], (mid, track, label)
        assert label not in others, (mid, label)
    assert not re.search(r"\d", " ".join(idea.label.values())), mid  # numbers come from the engine, never typed


def test_the_relabelled_ideas_read_at_their_tracks_level():
    """Labels rewritten in this pass so that every answer naming them fits (feelings include liking and being alive;
    the learning rate is not set by itself; an epoch is not the end of training)."""
    for mid, track in [("ai-feels", "ages-5-8"), ("ai-feels", "ages-9-12"), ("ai-feels", "ages-13-plus"),
                       ("networks-understand", "ages-5-8"), ("bias-means-unfair", "ages-9-12"),
                       ("lr-is-learned", "ages-9-12"), ("epoch-step-confusion", "ages-9-12")]:
        label = BANK.misconception(mid).label[track]
        assert textstat.flesch_kincaid_grade(label) <= READING_GRADE[track], (mid, track, label)


# ---- 3. rules the old labels broke, checked over every wrong answer ------------------------------------------------

FEELING = re.compile(r"\b(tired|tire|sad|happy|feels?|feelings?|like|alive|rest|frustrated|upset|cross|forgets?|"
                     r"all night)\b", re.IGNORECASE)
BIGGER_BETTER = re.compile(r"\b(always|better|smarter|guaranteed|more layers|deeper)\b", re.IGNORECASE)


def test_feelings_name_only_answers_about_feelings():
    """'ai-feels' (the robot gets tired, sad or cross) fits an answer only when the answer gives the network a
    feeling, a like, tiredness or life."""
    seen = 0
    for item, said, mid in wrong_answers():
        if mid == "ai-feels":
            seen += 1
            assert FEELING.search(said), (item.id, said)
    assert seen >= 10


def test_bigger_is_better_names_only_answers_that_say_more_is_better():
    """'more-layers-always-better' fits an answer that says more, deeper or bigger is better; for a true/false item
    that is believing a statement that says so (the right answer is false)."""
    seen = 0
    for item, said, mid in wrong_answers():
        if mid == "more-layers-always-better":
            seen += 1
            if item.kind == "truefalse":
                assert item.answer is False and BIGGER_BETTER.search(item.prompt), (item.id, item.prompt)
            else:
                assert BIGGER_BETTER.search(said), (item.id, said)
    assert seen >= 5


def test_the_backprop_direction_mix_up_is_only_named_in_backpropagation_questions():
    """'Backpropagation sends the input forward' is about backpropagation; a guess going the wrong way, or an
    everyday use of a trained network, is something else."""
    for item, said, mid in wrong_answers():
        if mid == "backprop-goes-forward":
            assert item.concept == "backpropagation", (item.id, said)


def test_magic_is_only_named_for_everyday_ai():
    """'AI apps work by magic' is about the apps children meet; a step of training that seems to have no reason
    has its own label."""
    for item, said, mid in wrong_answers():
        if mid == "ai-is-magic":
            assert item.concept == "ai-in-daily-life", (item.id, said)


def test_calculation_slips_only_label_answers_on_the_track_that_calculates():
    """The slips ('Left the activation's slope out of the chain rule') have one grown-up label for every track, so
    they name only ages-13-plus answers; younger tracks get ideas written at their level."""
    for item, said, mid in wrong_answers():
        idea = BANK.misconception(mid)
        if idea is not None and isinstance(idea.label, str):
            assert item.track == "ages-13-plus", (item.id, said, mid)


def test_every_wrong_answer_names_an_idea_written_for_its_track():
    for item, said, mid in wrong_answers():
        idea = BANK.misconception(mid)
        assert idea is not None, (item.id, mid)
        assert isinstance(idea.label, str) or item.track in idea.label, (item.id, said, mid, item.track)


@pytest.mark.parametrize("track", TRACK_IDS)
def test_each_track_has_wrong_answers_to_check(track):
    assert sum(1 for item, _, _ in wrong_answers() if item.track == track) >= 30
