"""Question items as the browser may see them: prompts and choices, never the answers."""
from __future__ import annotations

import random
from typing import Any

ANSWER_FIELDS = {"correct", "answer", "pairs", "feedback", "misconception", "misconceptions", "explanation", "solution"}


def _public_options(options) -> list[dict]:
    return [{"id": o.id, "text": o.text} for o in options]


def _shuffled(entries: list[dict], salt: str) -> list[dict]:
    # A stable shuffle per item, so the order never gives the answer away and a reload shows the same order.
    shuffled = list(entries)
    random.Random(salt).shuffle(shuffled)
    if len(shuffled) > 1 and shuffled == entries:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def public_item(item) -> dict[str, Any]:
    """An item without its answer key (correct flags, pairs, answers, feedback)."""
    out: dict[str, Any] = {"id": item.id, "kind": item.kind, "prompt": item.prompt, "concept": item.concept,
                           "track": item.track, "hint": item.hint}
    if getattr(item, "lesson_message", None):
        out["lesson_message"] = item.lesson_message
    if item.kind in ("choice", "multi"):
        out["options"] = _public_options(item.options)
    elif item.kind == "matching":
        out["terms"] = _public_options(item.terms)
        out["definitions"] = _shuffled(_public_options(item.definitions), item.id)
    elif item.kind == "order":
        out["steps"] = _shuffled(_public_options(item.steps), item.id)
    elif item.kind == "numeric":
        out["tolerance"] = item.tolerance
        if item.unit:
            out["unit"] = item.unit
    assert not ANSWER_FIELDS & set(out), "public items never carry answers"
    return out
