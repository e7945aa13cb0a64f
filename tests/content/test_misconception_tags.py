"""A wrong answer names the mix-up it shows. The review found "weights are fixed" on answers that say the opposite or
something else ("The network learns it [the learning rate], like a weight", "Every weight gets the same nudge"), and
teachers read these labels on their dashboards as the class's misunderstanding. So "weights are fixed" is kept for
answers that say weights stay put, and each other mix-up has its own label."""
from __future__ import annotations

import re

from content import load_bank

BANK = load_bank()
STAYS_PUT = re.compile(r"\b(stay|stays|never|stuck|fixed|set once|don't change|do not change)\b", re.IGNORECASE)
MOVES = re.compile(r"\b(change|changes|move|moves|turning|learns?|nudge)\b", re.IGNORECASE)


def every_question():
    yield from BANK.items
    for track in BANK.tracks:
        for concept in BANK.concepts(track.id):
            check = BANK.lesson(concept.id, track.id).check
            if check is not None:
                yield check


def test_weights_are_fixed_names_only_answers_that_keep_the_weights_still():
    seen = 0
    for item in every_question():
        for option in getattr(item, "options", None) or []:
            if option.misconception == "weights-are-fixed":
                seen += 1
                assert STAYS_PUT.search(option.text), (item.id, option.text)
        if item.kind == "truefalse" and item.misconception == "weights-are-fixed":
            seen += 1  # answering "false" to "weights move" is the mix-up
            assert item.answer is True and MOVES.search(item.prompt), (item.id, item.prompt)
    assert seen >= 3


def test_every_misconception_a_question_names_has_a_label_for_its_track():
    for item in every_question():
        names = {o.misconception for o in getattr(item, "options", None) or [] if o.misconception}
        names |= {getattr(item, "misconception", None)} - {None}
        for name in names:
            known = BANK.misconception(name)
            if known is None:  # the numeric slips are named by the engine's questions, not here
                continue
            label = known.label if isinstance(known.label, str) else known.label.get(item.track)
            assert label, (item.id, name, item.track)
