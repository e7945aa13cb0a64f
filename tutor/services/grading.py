"""Grading one answer on the server: checks the answer's shape against the question's kind, scores it (with partial
credit where the kind allows), names the misconception a wrong answer shows, and says why.

Pure functions of the content bank and the answer: nothing here touches the database or the request.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from content import Bank
from content.schema import ChoiceItem, MatchingItem, MatchingSet, MultiItem, NumericItem, OrderItem, TrueFalseItem

from ..errors import Invalid, NotFound
from . import numeric
from .numeric import NumericQuestion

MATCHING_PREFIX = "match:"

Question = Any  # a content Item, a MatchingSet, or a NumericQuestion


# ---- answer shapes, one per kind ------------------------------------------------------------------------------------

class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


Id = Field(min_length=1, max_length=80)


class ChoiceAnswer(_Answer):
    option: str = Id


class MultiAnswer(_Answer):
    options: list[str] = Field(max_length=20)


class TrueFalseAnswer(_Answer):
    value: StrictBool


class MatchingAnswer(_Answer):
    pairs: dict[str, str] = Field(min_length=1, max_length=20)


class OrderAnswer(_Answer):
    order: list[str] = Field(min_length=1, max_length=20)


class NumericAnswer(_Answer):
    value: float

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v


ANSWER_SHAPES: dict[str, tuple[type[_Answer], str]] = {
    "choice": (ChoiceAnswer, '{"option": "<option id>"}'),
    "multi": (MultiAnswer, '{"options": ["<option id>", ...]}'),
    "truefalse": (TrueFalseAnswer, '{"value": true} or {"value": false}'),
    "matching": (MatchingAnswer, '{"pairs": {"<term id>": "<definition id>", ...}}'),
    "order": (OrderAnswer, '{"order": ["<step id>", ...]}'),
    "numeric": (NumericAnswer, '{"value": <number>}'),
}


def _invalid(message: str, field: str = "answer") -> Invalid:
    return Invalid(message, [{"field": field, "message": message}])


def parse_answer(kind: str, answer: Any) -> _Answer:
    model, shape = ANSWER_SHAPES[kind]
    if not isinstance(answer, dict):
        raise _invalid(f"The answer to a {kind} question looks like {shape}.")
    try:
        return model.model_validate(answer)
    except ValidationError as exc:
        details = [{"field": ".".join(["answer", *map(str, e["loc"])]), "message": e["msg"]}
                   for e in exc.errors(include_url=False, include_context=False, include_input=False)]
        raise Invalid(f"The answer to a {kind} question looks like {shape}.", details) from None


# ---- what was graded ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Graded:
    item_id: str
    kind: str
    concept: str
    track: str
    answer: dict[str, Any]
    correct: bool
    score: float
    feedback: str
    misconception: str | None
    misconception_label: str | None
    lesson_link: str
    solution: dict[str, Any]

    def reply(self) -> dict[str, Any]:
        """The JSON reply of POST /api/attempts (without mastery, which the caller adds after storing)."""
        return {"item_id": self.item_id, "correct": self.correct, "score": self.score, "feedback": self.feedback,
                "misconception": self.misconception, "misconception_label": self.misconception_label,
                "lesson_link": self.lesson_link, "solution": self.solution}


def lesson_link(concept: str, track: str, message: str | None = None) -> str:
    return f"/learn/{concept}?track={track}" + (f"#msg-{message}" if message else "")


def _label(bank: Bank, misconception: str | None, track: str) -> str | None:
    if misconception is None:
        return None
    known = bank.misconception(misconception)
    if known is not None:
        return known.label_for(track)
    slip = numeric.SLIPS.get(misconception)
    return slip[0] if slip else misconception.replace("-", " ")


# ---- finding the question -------------------------------------------------------------------------------------------

def matching_set_by_id(bank: Bank, set_id: str) -> MatchingSet | None:
    return next((s for s in bank.matching_sets if s.id == set_id), None)


def find_question(bank: Bank, item_id: str) -> Question:
    """The question an item id names: a bank item, a track's matching set, or an engine-made numeric question."""
    if not isinstance(item_id, str) or not 0 < len(item_id) <= 160:
        raise NotFound("There is no question with that id.")
    if item_id.startswith("num:"):
        try:
            found = numeric.question(item_id, bank.item)
        except ValueError:
            found = None
        if found is None:
            raise NotFound(f"There is no numeric question '{item_id}'. Numeric question ids look like "
                           "num:<kind>:<track>:seed=<n> or num:<item id>:seed=<n>.")
        return found
    if item_id.startswith(MATCHING_PREFIX):
        found = matching_set_by_id(bank, item_id[len(MATCHING_PREFIX):])
        if found is None:
            raise NotFound(f"There is no matching exercise '{item_id}'.")
        return found
    item = bank.item(item_id)
    if item is None:
        raise NotFound(f"There is no question '{item_id}'.")
    if isinstance(item, NumericItem):
        raise NotFound(f"'{item_id}' is made from a seed: answer it as num:{item_id}:seed=<n>, the id the quiz gave.")
    return item


def kind_of(question: Question) -> str:
    if isinstance(question, NumericQuestion):
        return "numeric"
    if isinstance(question, MatchingSet):
        return "matching"
    return question.kind


def concept_of(question: Question) -> str:
    if isinstance(question, MatchingSet):
        # One attempt row per exercise: it counts towards the concept most of its terms practise.
        return Counter(question.concepts[t.id] for t in question.terms).most_common(1)[0][0]
    return question.concept


# ---- grading each kind ----------------------------------------------------------------------------------------------

def _unknown(ids: list[str], known: set[str], what: str, field: str) -> None:
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise _invalid(f"Unknown {what} id(s): {', '.join(map(repr, unknown[:5]))}.", field)


def _choice(item: ChoiceItem, answer: ChoiceAnswer):
    options = {o.id: o for o in item.options}
    _unknown([answer.option], set(options), "option", "answer.option")
    chosen = options[answer.option]
    right = next(o for o in item.options if o.correct)
    solution = {"option": right.id, "text": right.text}
    if chosen.correct:
        return True, 1.0, item.explanation, None, solution
    return False, 0.0, chosen.feedback or item.explanation, chosen.misconception, solution


def _multi(item: MultiItem, answer: MultiAnswer):
    options = {o.id: o for o in item.options}
    _unknown(answer.options, set(options), "option", "answer.options")
    if len(set(answer.options)) != len(answer.options):
        raise _invalid("An option is chosen twice.", "answer.options")
    picked = set(answer.options)
    right = {o.id for o in item.options if o.correct}
    hits, false_picks = len(picked & right), [o for o in item.options if o.id in picked and not o.correct]
    # Each right option found earns a share; each wrong one picked takes a share away (never below 0).
    score = max(0.0, (hits - len(false_picks)) / len(right))
    solution = {"options": [o.id for o in item.options if o.correct]}
    if picked == right:
        return True, 1.0, item.explanation, None, solution
    if false_picks:
        first = false_picks[0]
        return False, score, first.feedback or item.explanation, first.misconception, solution
    missed = [o.text for o in item.options if o.correct and o.id not in picked]
    return False, score, f"Some right answers are missing: {'; '.join(missed)}. {item.explanation}", None, solution


def _truefalse(item: TrueFalseItem, answer: TrueFalseAnswer):
    solution = {"value": item.answer}
    if answer.value == item.answer:
        return True, 1.0, item.explanation, None, solution
    return False, 0.0, item.feedback, item.misconception, solution


def _matching(question: MatchingItem | MatchingSet, answer: MatchingAnswer):
    terms = {t.id: t for t in question.terms}
    definitions = {d.id: d for d in question.definitions}
    _unknown(list(answer.pairs), set(terms), "term", "answer.pairs")
    _unknown(list(answer.pairs.values()), set(definitions), "definition", "answer.pairs")
    used = Counter(answer.pairs.values())
    twice = [d for d, n in used.items() if n > 1]
    if twice:
        raise _invalid(f"Each meaning can be used once: “{definitions[twice[0]].text}” is picked "
                       f"{used[twice[0]]} times.", "answer.pairs")
    misconceptions = getattr(question, "misconceptions", {})
    wrong = []
    for term in question.terms:
        chosen = answer.pairs.get(term.id)
        if chosen == question.pairs[term.id]:
            continue
        right = definitions[question.pairs[term.id]]
        wrong.append({"term": term.id, "term_text": term.text, "chosen": chosen,
                      "chosen_text": definitions[chosen].text if chosen else None,
                      "correct": right.id, "correct_text": right.text, "feedback": question.feedback[term.id],
                      "misconception": misconceptions.get(term.id)})
    score = (len(question.terms) - len(wrong)) / len(question.terms)
    solution = {"pairs": dict(question.pairs), "wrong": wrong}
    explanation = getattr(question, "explanation", None) or "Every term is paired with its meaning."
    if not wrong:
        return True, 1.0, explanation, None, solution
    n = len(wrong)
    right_pairs = len(question.terms) - n
    feedback = (f"{right_pairs} of {len(question.terms)} pairs {'is' if right_pairs == 1 else 'are'} right. "
                + " ".join(w["feedback"] for w in wrong[:3]))
    misconception = next((w["misconception"] for w in wrong if w["misconception"]), None)
    return False, score, feedback, misconception, solution


def _order(item: OrderItem, answer: OrderAnswer):
    right = [s.id for s in item.steps]
    _unknown(answer.order, set(right), "step", "answer.order")
    if sorted(answer.order) != sorted(right):
        raise _invalid(f"Put every step in the order exactly once ({len(right)} steps).", "answer.order")
    position = {step: n for n, step in enumerate(answer.order)}
    pairs = [(a, b) for i, a in enumerate(right) for b in right[i + 1:]]
    # Partial credit: the share of step pairs the learner put in the right relative order.
    score = sum(position[a] < position[b] for a, b in pairs) / len(pairs)
    solution = {"order": right, "steps": [s.text for s in item.steps]}
    if answer.order == right:
        return True, 1.0, item.explanation, None, solution
    return False, score, item.feedback, item.misconception, solution


def _numeric(q: NumericQuestion, answer: NumericAnswer):
    solution = {**q.solution(), "explanation": q.explanation}
    if q.accepts(answer.value):
        return True, 1.0, q.explanation, None, solution
    slip = q.slip_for(answer.value)
    if slip is not None:
        said, why = numeric.SLIPS[slip]
        solution["slip"] = slip
        return False, 0.0, f"{said} {why}", q.misconceptions.get(slip, slip), solution
    return (False, 0.0, f"Not quite: the answer is {q.answer_text()} (within {numeric.fmt(q.tolerance)}). "
            "Follow the worked solution step by step.", None, solution)


GRADERS = {"choice": _choice, "multi": _multi, "truefalse": _truefalse, "matching": _matching, "order": _order,
           "numeric": _numeric}


def grade(bank: Bank, item_id: Any, answer: Any) -> Graded:
    """Grade one answer. Raises NotFound for an unknown item and Invalid for an answer of the wrong shape."""
    question = find_question(bank, item_id)
    kind = kind_of(question)
    parsed = parse_answer(kind, answer)
    correct, score, feedback, misconception, solution = GRADERS[kind](question, parsed)
    track, concept = question.track, concept_of(question)
    if not isinstance(question, (MatchingSet, NumericQuestion)) and kind != "numeric":
        solution = {**solution, "explanation": question.explanation}
    return Graded(item_id=item_id, kind=kind, concept=concept, track=track, answer=parsed.model_dump(mode="json"),
                  correct=correct, score=round(float(score), 4), feedback=feedback, misconception=misconception,
                  misconception_label=_label(bank, misconception, track),
                  lesson_link=lesson_link(concept, track, getattr(question, "lesson_message", None)),
                  solution=solution)
