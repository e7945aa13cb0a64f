"""Review pass 5: the questions themselves read at the level of the learners they are shown to.

The labels and the wrong-answer feedback were brought to their track's level first
(test_review_pass5_labels.py, test_review_pass5_feedback.py); what the learner reads before answering, and the
explanation after it, were not. Measured the same way, each field on its own (Flesch-Kincaid grade, textstat 0.7.8;
ages 5-8 at most 3, 9-12 at most 6, 13+ at most 10), 173 read above their track's level: 70 explanations ("Distribution
shift: the new scanner's images differ ..." 16.4 for ages 13+), 41 option texts ("Zero" 8.4 for ages 9-12), 31
prompts, 14 hints and 17 lesson truths (the sentence that answers each myth). All but one were rewritten at the
level with the same facts and numbers; no option
changed its id or whether it is right, and options were kept parallel, so that neither length nor wording gives the
answer away.

A one-word option or a short prompt can read above the level because of a single word the track's lessons teach
("generalisation" is six syllables to the measure, and the one prompt left as it was reads at level without it).
Such words are listed in TAUGHT_TERMS, per track, and measured as a one-syllable word; the rest of the field is still
measured. The prompts of numeric items are left out: the engine completes them (tutor/services/numeric.py).

The truths' rewrites (in 7619a4f) were put back, with the myths' (see test_review_pass5_feedback.py): the chat's
recogniser trains on every lesson sentence, and retrained on the new wording it fell under its off-topic floor.
"""
from __future__ import annotations

import re

import pytest
from test_review_pass4_content import every_question
from test_review_pass5_labels import BANK, assert_at_level, too_hard

from content import TRACK_IDS

# Words a track's own lessons teach, which the measure counts by their syllables: each is read as one short word.
TAUGHT_TERMS: dict[str, tuple[str, ...]] = {
    "ages-5-8": (),
    "ages-9-12": ("generalisation",),
    "ages-13-plus": (),
}
STAND_IN = "term"  # one syllable


def as_measured(text: str, terms: tuple[str, ...]) -> str:
    """`text` with each of the taught `terms` replaced by a one-syllable stand-in."""
    for term in terms:
        text = re.sub(rf"\b{re.escape(term)}\b", STAND_IN, text, flags=re.IGNORECASE)
    return text


def question_fields(track: str) -> dict[str, dict[str, str]]:
    """field kind -> {'item id[:option id]': text} for every question a learner of `track` can be asked: quiz items
    and lesson checks."""
    fields: dict[str, dict[str, str]] = {"prompt": {}, "option": {}, "hint": {}, "explanation": {}}
    for item in every_question():
        if item.track != track:
            continue
        if item.kind != "numeric":
            fields["prompt"][item.id] = item.prompt
        fields["hint"][item.id] = item.hint
        fields["explanation"][item.id] = item.explanation
        if item.kind in ("choice", "multi"):
            fields["option"] |= {f"{item.id}:{o.id}": o.text for o in item.options}
    return fields


def shown(track: str) -> dict[str, dict[str, str]]:
    return question_fields(track)


FIELD_KINDS = ("prompt", "option", "hint", "explanation")
AT_LEAST = {"prompt": 40, "option": 60, "hint": 40, "explanation": 40}


# ---- 1. each at its track's reading level --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", FIELD_KINDS)
@pytest.mark.parametrize("track", TRACK_IDS)
def test_every_question_field_reads_at_its_tracks_level(track, kind):
    texts = shown(track)[kind]
    assert_at_level(track, {key: as_measured(text, TAUGHT_TERMS[track]) for key, text in texts.items()}, f"{kind}s",
                    at_least=AT_LEAST[kind])


def lesson_prose(track: str) -> str:
    return " ".join(m.text + " " + (m.why or "") for lesson in BANK.concepts(track) for m in lesson.messages).lower()


@pytest.mark.parametrize("track", TRACK_IDS)
def test_each_taught_term_is_taught_in_the_tracks_lessons_and_needed(track):
    """A term is listed only if the track's lessons teach it, and only while some field needs it to read at level."""
    prose = lesson_prose(track)
    texts = {f"{kind}:{key}": text for kind, named in shown(track).items() for key, text in named.items()}
    for term in TAUGHT_TERMS[track]:
        assert term in prose, (track, term)
        others = tuple(t for t in TAUGHT_TERMS[track] if t != term)
        using = {key: text for key, text in texts.items() if term in text.lower()}
        needed = too_hard(track, {key: as_measured(text, others) for key, text in using.items()})
        assert needed, (track, term, "no field needs it any more: take it off the list")


# ---- 2. the same facts, numbers and answers, in the rewritten words -------------------------------------------------

def field(item_id: str, kind: str) -> str:
    if kind.startswith("option:"):
        return next(o.text for o in BANK.item(item_id).options if o.id == kind.split(":", 1)[1])
    return getattr(BANK.item(item_id), kind)


# A sample of the rewritten fields, with the old words (to show what changed) and what the new ones must still say.
REWRITTEN = [
    # (item, field, old, what the new one must still say)
    ("activation-5-8-check", "explanation", "When the sum is too small, the helper stays quiet and passes on zero.",
     r"sum is too small, so the helper stays quiet\. it passes on zero"),
    ("q5-lr-giant", "prompt", "True or false: giant steps always get the robot there faster.",
     r"giant steps get the robot there first each time"),
    ("q5-bp-gps", "prompt", "True or false: fixing a miss is a bit like a car map finding a new way after a wrong turn.",
     r"car map finds a new way after a wrong turn.*fixing a miss is a bit like that"),
    ("q5-lr-right", "hint", "Think of Goldilocks.", r"goldilocks"),
    ("bias-5-8-check", "option:always", "Robots are always right, so green apples are not apples.",
     r"right all the time, so green ones are not apples"),
    ("activation-9-12-check", "explanation", "ReLU turns any negative total into zero, so the neuron passes on zero.",
     r"relu turns a negative total into zero\. so zero is what gets passed on"),
    ("neuron-9-12-check", "explanation", ("A neuron takes inputs, multiplies each by its weight, adds them up with the "
     "bias, then applies the activation function."),
     r"inputs.*multiplies each one by its weight\. it adds them up with the bias\. then it applies the activation"),
    ("q9-neuron-bias", "prompt", ("True or false: after adding up its weighted inputs, a neuron adds one more number "
     "called the bias."), r"adds up its weighted inputs\. then it adds one more number, called the bias"),
    ("q9-over-memorise", "explanation", ("It overfitted: it memorised the training examples instead of learning the "
     "general pattern."), r"overfitted\. it learned the training examples by heart\. it did not learn the general pattern"),
    ("q9-daily-match", "explanation", ("Face unlock guesses if it's you, spam filters guess if an email is junk, "
     "autocorrect guesses the word you meant, and recommendations guess what you'll like."),
     r"face unlock.*you\. spam filters.*junk\. autocorrect.*meant\. recommendations.*like"),
    ("q9-bias-numbers", "prompt", "True or false: computers can't be unfair, because they only use numbers.",
     r"can't be unfair\. it only works with numbers"),
    ("q9-gd-repeat", "prompt", "True or false: one step of gradient descent is usually enough to reach the bottom.",
     r"most of the time, one step of gradient descent gets you to the bottom"),
    ("q13-limits-shift", "explanation", ("Distribution shift: the new scanner's images differ from the training data, "
     "and models generalise reliably only within their training distribution."),
     (r"distribution shift\..*differ from the training data\..*only be relied on to generalise within their training "
     r"distribution")),
    ("q13-wb-symmetry", "explanation", ("False. Identical neurons receive identical gradients and stay identical, so "
     "random initialisation is needed to break symmetry."),
     r"start the same get the same gradients, so they stay the same\. random starting values .* break the symmetry"),
    ("gd-13-plus-check", "explanation", ("A positive gradient means increasing w increases the loss, so the update "
     "subtracts a positive amount: w decreases."),
     r"positive gradient.*making w bigger makes the loss bigger\. .*takes away a positive amount, and w goes down"),
    ("q13-over-splits", "explanation", ("Training data fits the weights, validation data tunes hyperparameters and "
     "stopping, and the test set gives a final honest estimate."),
     (r"training data fits the weights\. validation data tunes the hyperparameters and when to stop\. the test set "
     r"gives a final, honest estimate")),
    ("q13-bp-what", "explanation", ("False, strictly. Backpropagation computes the gradients; the optimiser, such as "
     "gradient descent, uses them to update the weights."),
     r"backpropagation computes the gradients\. the optimiser, such as gradient descent, then uses them to update"),
]


@pytest.mark.parametrize("item_id,kind,old,fact", REWRITTEN, ids=[f"{i}:{k}" for i, k, _, _ in REWRITTEN])
def test_the_rewritten_fields_keep_their_facts(item_id, kind, old, fact):
    text = field(item_id, kind)
    assert text != old and re.search(fact, text, re.IGNORECASE), (item_id, kind, text)


# Every number these fields carried before the rewrite, still there, written the same way.
NUMBERS = [
    ("wb-13-plus-check", "prompt", ["2-3-1"]),
    ("activation-13-plus-check", "prompt", ["ten-layer"]),
    ("activation-13-plus-check", "explanation", ["ten layers", "into one"]),
    ("q13-act-softmax", "prompt", ["one of ten"]),
    ("q9-loss-zero", "explanation", ["loss of zero"]),
    ("q9-act-sigmoid", "prompt", ["zero to one"]),
    ("q9-loop-tired", "explanation", ["millionth", "the first"]),
    ("q5-neuron-what", "explanation", ["one tiny helper"]),
    ("neuron-5-8-check", "explanation", ["one number"]),
    ("q9-neuron-bias", "prompt", ["one more number"]),
]


@pytest.mark.parametrize("item_id,kind,numbers", NUMBERS, ids=[f"{i}:{k}" for i, k, _ in NUMBERS])
def test_the_rewritten_fields_keep_their_numbers(item_id, kind, numbers):
    text = field(item_id, kind)
    for number in numbers:
        assert number in text, (item_id, kind, number, text)


# The options this pass rewrote: same ids, the same one right, and the others still wrong.
OPTIONS = [
    # (item, the right option, the rewritten options)
    ("bias-5-8-check", "data", ["always"]),
    ("lr-5-8-check", "past", ["faster"]),
    ("nn-5-8-check", "guess-fix", ["guess-fix"]),
    ("q5-neuron-what", "helper", ["helper"]),
    ("q5-wb-tired", "nothing", ["tired"]),
    ("q5-limits-boss", "check", ["believe"]),
    ("activation-9-12-check", "zero", ["zero", "same"]),
    ("q9-act-relu-positive", "same", ["same", "one", "zero"]),
    ("bp-9-12-check", "blame", ["once"]),
    ("bias-9-12-check", "worse-kids", ["fair"]),
    ("layers-9-12-check", "many-layers", ["many-layers", "understands"]),
    ("loss-9-12-check", "better", ["better"]),
    ("nn-9-12-check", "learned", ["typed"]),
    ("overfit-9-12-check", "check", ["check"]),
    ("wb-9-12-check", "big-negative", ["big-negative"]),
    ("q9-nn-start", "random", ["random", "right"]),
    ("q9-nn-learns", "loop", ["rules"]),
    ("q9-neuron-alone", "simple", ["simple"]),
    ("q9-layers-hidden", "between", ["between"]),
    ("q9-loss-zero", "perfect", ["perfect"]),
    ("q9-loss-squared", "big-misses", ["fun"]),
    ("q9-lr-small", "slow", ["best"]),
    ("q9-over-memorise", "overfit", ["overfit"]),
    ("q9-bias-labels", "wrong", ["fine"]),
    ("q9-bias-check", "per-group", ["training"]),
    ("q9-limits-parrot", "copies", ["copies", "alive"]),
    ("daily-13-plus-check", "objective", ["magic"]),
    ("bias-13-plus-check", "per-group", ["per-group"]),
    ("gd-13-plus-check", "down", ["down", "up"]),
    ("q13-nn-function", "function", ["brain"]),
    ("q13-fp-keep", "backprop", ["backprop"]),
    ("q13-gd-sgd", "batch", ["batch"]),
]


@pytest.mark.parametrize("item_id,right,rewritten", OPTIONS, ids=[i for i, _, _ in OPTIONS])
def test_the_rewritten_options_keep_their_ids_and_the_same_right_answer(item_id, right, rewritten):
    options = {o.id: o for o in BANK.item(item_id).options}
    assert [o for o in options.values() if o.correct] == [options[right]], item_id
    assert set(rewritten) <= options.keys(), item_id
    for oid in rewritten:
        assert options[oid].correct or (options[oid].misconception and options[oid].feedback), (item_id, oid)


def test_the_both_right_options_of_the_learned_values_question_stay_parallel():
    """'Weights' and 'Biases' are both right; the one-word 'Biases' read at grade 20, so both became 'The ...'."""
    options = {o.id: o for o in BANK.item("q13-wb-hyper").options}
    assert options["weights"].text == "The weights" and options["biases"].text == "The biases"
    assert options["weights"].correct and options["biases"].correct
    assert not options["lr"].correct and not options["depth"].correct
    assert all(o.text.startswith("The ") for o in options.values())
