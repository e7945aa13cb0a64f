"""Printable worksheets for a class: the track's matching sheet and a numeric-question sheet whose numbers, answers and
worked solutions all come from the engine (through the numeric question generators), each with an answer key."""
from __future__ import annotations

import secrets
from typing import Any

from content import Bank

from ..errors import Invalid, NotFound
from . import numeric, practice

QUESTIONS_PER_KIND = 2
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def matching_sheet(bank: Bank, track: str) -> dict[str, Any]:
    """Terms numbered, definitions lettered (in the same stable shuffle the on-screen exercise uses), and the key."""
    ms = bank.matching_set(track)
    if ms is None:
        raise NotFound(f"There is no matching exercise for {track}.")
    public = practice.public_matching_set(ms)
    letters = {d["id"]: LETTERS[n] for n, d in enumerate(public["definitions"])}
    return {"title": ms.title, "instructions": ms.instructions, "track": track,
            "terms": [{"number": n + 1, "text": t["text"]} for n, t in enumerate(public["terms"])],
            "definitions": [{"letter": letters[d["id"]], "text": d["text"]} for d in public["definitions"]],
            "key": [{"number": n + 1, "term": t.text, "letter": letters[ms.pairs[t.id]]}
                    for n, t in enumerate(ms.terms)]}


def parse_seed(seed: str | None) -> int:
    """The sheet's seed from the query string (a new random one when absent), so a sheet can be printed again."""
    if seed is None or seed == "":
        return secrets.randbelow(100_000)
    if not seed.isdigit() or int(seed) > numeric.MAX_SEED:
        raise Invalid(f"seed must be a whole number from 0 to {numeric.MAX_SEED}.",
                      [{"field": "seed", "message": "a whole number"}])
    return int(seed)


def numeric_sheet(track: str, seed: int) -> dict[str, Any]:
    """QUESTIONS_PER_KIND engine-made questions of every kind the track has, and their answers with worked steps."""
    kinds = numeric.kinds_for(track)
    if not kinds:
        raise Invalid("Number questions start with the 9–12 track.",
                      [{"field": "track", "message": "no number questions for this track"}])
    questions = []
    for k, kind in enumerate(kinds):
        for j in range(QUESTIONS_PER_KIND):
            q = numeric.generated(kind, track, (seed + 7919 * (k * QUESTIONS_PER_KIND + j)) % (numeric.MAX_SEED + 1))
            questions.append({"number": len(questions) + 1, "prompt": q.prompt, "given": q.given, "unit": q.unit,
                              "answer": numeric.fmt(q.answer), "tolerance": numeric.fmt(q.tolerance),
                              "steps": [s["text"] for s in q.steps], "id": q.id})
    return {"track": track, "seed": seed, "questions": questions}


def given_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return numeric.fmt(float(value))
