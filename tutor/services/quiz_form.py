"""A quiz on one page that works without JavaScript: every question in one HTML form, graded and stored together.

The quiz page (quiz.js) asks one question at a time over the JSON API. A browser without JavaScript (a locked-down
school computer, a text browser, a reader who turned it off) gets this form instead: the same questions, the same
grading and storage (practice.submit_attempt, one Idempotency-Key per question made from the form's key, so sending
the form twice stores each answer once), the same feedback.

Form fields, question i counting from 0:
  form_key        made when the form is shown; answer i is stored with the key "<form_key>-<i>"
  item            the question ids, in order (a numeric question's id carries its seed, so its numbers stay)
  a<i>            choice / true-false: the option id ("true"/"false"); multi: each option id; numeric: the number
  a<i>-<term id>  matching: the definition id paired with the term ("" for none)
  a<i>-<n>        order: the step id put at position n (1, 2, ...)
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from content import Bank
from content.schema import MatchingSet

from ..errors import Invalid
from ..models import Learner
from . import grading, practice
from .numeric import NumericQuestion
from .questions import public_item

MAX_QUESTIONS = 30


class Form(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[str]: ...


def public_by_id(bank: Bank, item_id: str) -> dict[str, Any]:
    """The question an id names, as the quiz page shows it (without its answer); NotFound for an unknown id."""
    question = grading.find_question(bank, item_id)
    if isinstance(question, NumericQuestion):
        return question.public()
    if isinstance(question, MatchingSet):
        return practice.public_matching_set(question)
    return public_item(question)


def _number(text: str) -> float | None:
    cleaned = text.strip().replace("−", "-").replace(",", ".").replace(" ", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_answer(item: Mapping[str, Any], form: Form, i: int, gentle: bool) -> tuple[dict | None, str | None]:
    """Question i's answer from the form, as POST /api/attempts takes it, or a message saying what is missing."""
    name, kind = f"a{i}", item["kind"]
    pick = "Pick an answer." if gentle else "Choose an answer."
    if kind in ("choice", "truefalse"):
        value = form.get(name) or ""
        if not value:
            return None, pick
        return ({"value": value == "true"} if kind == "truefalse" else {"option": value}), None
    if kind == "multi":
        chosen = [v for v in form.getlist(name) if v]
        return ({"options": chosen}, None) if chosen else (None, "Choose at least one answer.")
    if kind == "numeric":
        text = (form.get(name) or "").strip()
        if not text:
            return None, "Type a number."
        value = _number(text)
        return ({"value": value}, None) if value is not None else (None, f"“{text[:20]}” is not a number.")
    if kind == "matching":
        pairs = {t["id"]: form.get(f"{name}-{t['id']}") for t in item["terms"]}
        pairs = {term: definition for term, definition in pairs.items() if definition}
        return ({"pairs": pairs}, None) if pairs else (None, "Match at least one word.")
    if kind == "order":
        order = [form.get(f"{name}-{n}") or "" for n in range(1, len(item["steps"]) + 1)]
        if not all(order):
            return None, "Choose a step for every place."
        if len(set(order)) != len(order):
            return None, "Use each step once."
        return {"order": order}, None
    return None, pick


def read_form(bank: Bank, form: Form, gentle: bool) -> tuple[str, list[dict], list[dict | None], list[dict]]:
    """The form's key, its questions, the answers read from it and the per-question problems (empty when every
    question is answered). Raises Invalid for a form that is not this page's (no key, no or too many questions) and
    NotFound for a question id nobody made."""
    key = (form.get("form_key") or "").strip()
    if not key or len(key) > practice.MAX_KEY - 4 or not key.isprintable():
        raise Invalid("This form is missing its key. Open the quiz again and answer it there.",
                      [{"field": "form_key", "message": "missing"}])
    ids = form.getlist("item")
    if not 0 < len(ids) <= MAX_QUESTIONS:
        raise Invalid(f"A quiz form has 1 to {MAX_QUESTIONS} questions.", [{"field": "item", "message": "count"}])
    items = [public_by_id(bank, item_id) for item_id in ids]
    answers, problems = [], []
    for i, item in enumerate(items):
        answer, problem = read_answer(item, form, i, gentle)
        answers.append(answer)
        if problem:
            problems.append({"field": f"q{i}", "message": problem, "question": i + 1})
    return key, items, answers, problems


def submit(db: Session, bank: Bank, key: str, items: list[dict], answers: list[dict],
           learner_for: Callable[[str], Learner | None]) -> list[dict[str, Any]]:
    """Grade every answer first (a forged option id is refused before anything is stored), then store each with
    its own Idempotency-Key. Returns the replies, as POST /api/attempts gives them."""
    for i, (item, answer) in enumerate(zip(items, answers, strict=True)):
        try:
            grading.grade(bank, item["id"], answer)
        except Invalid as exc:
            raise Invalid(f"Question {i + 1}: {exc.message}",
                          [{"field": f"q{i}", "message": exc.message, "question": i + 1}]) from exc
    return [practice.submit_attempt(db, bank, item["id"], answer, f"{key}-{i}", learner_for)
            for i, (item, answer) in enumerate(zip(items, answers, strict=True))]
