"""Worked examples in the track's wording: the engine's numbers (media.example, cached) put into the sentences of
content/data/wording.yaml.

Every number a sentence shows is formatted here, by `fmt`, and travels with the path of the engine value it came
from (`steps.3.inputs.w1`, `result.loss`, ...), so a page and a test can check that what is shown is exactly the
engine's value at this formatting. A sentence is returned both as plain text and as `parts`: literal text and
numbers, which the templates and example.js turn into markup without ever parsing HTML.
"""
from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass
from typing import Any

from content.schema import EXAMPLE_KINDS, TRACK_IDS, example_step_pattern
from engine import percent

from ..content_bank import bank
from ..errors import Invalid, NotFound
from . import media

# ---- numbers for people -----------------------------------------------------------------------------------------

def fmt(x: Any, spec: str = "") -> str:
    """A number as every page shows it: about 3 significant digits, whole numbers without decimals.

    spec: "" (3 significant digits), "pct" (a share as a whole percent, a half rounded up as on every page: 0.125 is
    "13%"), "whole" (rounded to a whole number).
    """
    if isinstance(x, bool):
        return "yes" if x else "no"
    if x is None:
        return "—"
    x = float(x)
    if not math.isfinite(x):
        return "too big to show"
    if spec == "pct":
        return f"{percent(x)}%"
    if spec == "whole":
        return str(int(round(x))) if abs(x) < 1e15 else f"{x:.2e}"
    if x == round(x) and abs(x) < 1e6:
        return str(int(round(x)))
    a = abs(x)
    if a >= 1e5 or a < 1e-3:
        return f"{x:.2e}"
    decimals = max(0, 2 - math.floor(math.log10(a)))
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# ---- what each step offers to a sentence --------------------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """A number (or a list of numbers) from the engine, with where it is in the engine's answer."""

    value: Any
    path: str


def _field_name(key: str) -> str:
    """'w1' -> 'w', 'dL/da_out' -> 'dL_da_out', 'δ_out' -> 'delta_out', 'dh1/dz1' -> 'dh_dz'."""
    key = key.replace("δ", "delta").replace("Σ", "sum")
    key = re.sub(r"\d+", "", key)
    key = re.sub(r"[^A-Za-z_]+", "_", key)
    return re.sub(r"_+", "_", key).strip("_")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_number_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(_is_number(x) for x in v)


def _put(fields: dict[str, Any], name: str, value: Any, path: str) -> None:
    if _is_number(value) or _is_number_list(value):
        fields[name] = Value(value, path)
    elif isinstance(value, (str, bool)):
        fields[name] = fmt(value) if isinstance(value, bool) else value


def _step_fields(step: dict[str, Any], n: int) -> dict[str, Any]:
    fields: dict[str, Any] = {"formula": step.get("formula", "")}
    groups = re.findall(r"\d+", step["id"])
    for name, digits in zip(("i", "j"), groups):
        fields[name] = digits
    for key, value in (step.get("inputs") or {}).items():
        _put(fields, _field_name(key), value, f"steps.{n}.inputs.{key}")
    if step.get("result") is not None:
        _put(fields, "result", step["result"], f"steps.{n}.result")
    for key, value in step.items():
        if key not in ("id", "formula", "inputs", "result"):
            _put(fields, key, value, f"steps.{n}.{key}")
    return fields


def _formal_or_casual_steps(engine: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The perceptron's updates, one per sentence shown, with the sentence and both labels in words."""
    out = []
    labels = {1: "formal", 0: "casual"}
    for n, step in enumerate(engine["steps"]):
        k = step["example"]
        fields: dict[str, Any] = {"formula": "score = w·x + b", "i": str(n + 1),
                                  "epoch": str(step["epoch"] + 1), "text": engine["sentences"][k]["text"],
                                  "label": engine["sentences"][k]["label"], "guess": labels[step["predicted"]],
                                  "outcome": "right" if step["error"] == 0 else "wrong"}
        for key in ("score", "error", "bias_before", "bias_after", "bias_change"):
            _put(fields, key, step[key], f"steps.{n}.{key}")
        out.append((f"update-{n + 1}", fields))
    return out


def _learning_rate_runs(engine: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for n, run in enumerate(engine["runs"]):
        fields: dict[str, Any] = {"formula": "w_new = w − lr × dL/dw", "i": str(n + 1), "outcome": run["outcome"]}
        for key in ("lr", "factor", "final_w", "final_loss"):
            _put(fields, key, run[key], f"runs.{n}.{key}")
        _put(fields, "start_loss", run["path"][0]["loss"], f"runs.{n}.path.0.loss")
        _put(fields, "steps_taken", len(run["path"]) - 1, f"runs.{n}.steps_taken")
        out.append((f"run-{n + 1}", fields))
    return out


def step_fields(engine: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(step id, pattern, fields) for every step of an engine example, in order."""
    kind = engine["kind"]
    if kind == "formal-or-casual":
        steps = _formal_or_casual_steps(engine)
    else:
        steps = [(s["id"], _step_fields(s, n)) for n, s in enumerate(engine["steps"])]
    if kind == "learning-rate":
        steps += _learning_rate_runs(engine)
    return [(sid, example_step_pattern(sid), fields) for sid, fields in steps]


def result_fields(engine: dict[str, Any]) -> dict[str, Any]:
    """What a result sentence may name: the result's scalars, then the parameters' (lists also item by item)."""
    fields: dict[str, Any] = {}
    for section in ("params", "result"):  # result wins on a clash
        for key, value in engine.get(section, {}).items():
            name = _field_name(key)
            if isinstance(value, list) and value and all(_is_number(x) or isinstance(x, str) for x in value):
                for n, item in enumerate(value):
                    _put(fields, f"{name}_{n + 1}", item, f"{section}.{key}.{n}")
            _put(fields, name, value, f"{section}.{key}")
    return fields


# ---- sentences --------------------------------------------------------------------------------------------------

def _number_part(value: Any, path: str, spec: str) -> dict[str, Any]:
    return {"text": fmt(value, spec), "value": value, "path": path, "format": spec}


def fill(template: str, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """A template's parts: {"text"} for words, {"text", "value", "path", "format"} for each engine number.

    `{name}` is a number or word; `{name:pct}` a percent; `{name:whole}` a whole number; `{name:term}` a number in
    brackets when negative (inside a sum or product); a list of numbers is
    written `{name:sum}` (a + (−b) + c) or `{name:list}` (a, b, c). Raises KeyError for a name the step lacks.
    """
    parts: list[dict[str, Any]] = []
    for literal, name, spec, _conversion in string.Formatter().parse(template):
        if literal:
            parts.append({"text": literal})
        if name is None:
            continue
        value = fields[name]
        spec = spec or ""
        if isinstance(value, Value) and isinstance(value.value, list):
            joiner = " + " if spec == "sum" else ", "
            for n, item in enumerate(value.value):
                if n:
                    parts.append({"text": joiner})
                negative_term = spec == "sum" and item < 0
                if negative_term:
                    parts.append({"text": "("})
                parts.append(_number_part(item, f"{value.path}.{n}", ""))
                if negative_term:
                    parts.append({"text": ")"})
        elif isinstance(value, Value):
            negative_term = spec == "term" and value.value < 0
            if negative_term:
                parts.append({"text": "("})
            parts.append(_number_part(value.value, value.path, "" if spec in ("sum", "list", "term") else spec))
            if negative_term:
                parts.append({"text": ")"})
        else:
            parts.append({"text": str(value)})
    return parts


def plain(parts: list[dict[str, Any]]) -> str:
    return "".join(p["text"] for p in parts)


def _engine_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in ("seed", "track")}


def worked_example(kind: str, track: str, seed: int = 0, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The engine's example `kind` for `seed` in `track`'s wording (GET /api/examples/<kind>).

    Steps the track's wording leaves out keep their numbers but have no sentence (the page skips them).
    NotFound for an unknown kind; Invalid for an unknown track or parameters the engine refuses.
    """
    if kind not in EXAMPLE_KINDS:
        raise NotFound(f"There is no worked example called '{kind}'. Examples: {', '.join(EXAMPLE_KINDS)}.")
    if track not in TRACK_IDS:
        raise Invalid(f"Unknown track '{track}'.", [{"field": "track", "message": "unknown track"}])
    engine = media.example(kind, seed, _engine_params(params or {}))
    wording = bank().example_wording(kind, track)
    steps = []
    for (step_id, pattern, fields), raw in zip(step_fields(engine), _raw_steps(engine)):
        template = wording.steps.get(pattern)
        parts = fill(template, fields) if template else None
        steps.append({"id": step_id, "pattern": pattern, "phase": raw.get("phase"),
                      "formula": fields.get("formula", ""), "inputs": raw.get("inputs", {}),
                      "result": raw.get("result"),
                      "sentence": plain(parts) if parts else None, "parts": parts})
    intro = fill(wording.intro, result_fields(engine))
    result = fill(wording.result, result_fields(engine))
    return {"kind": kind, "seed": engine["seed"], "track": track, "title": wording.title,
            "intro": plain(intro), "intro_parts": intro, "steps": steps, "result": engine["result"],
            "result_sentence": plain(result), "result_parts": result, "visual": _visual(kind, engine, track),
            "engine": engine}


def _raw_steps(engine: dict[str, Any]) -> list[dict[str, Any]]:
    """The engine's own step dicts, aligned with step_fields (learning-rate runs count as steps too)."""
    steps = [s if "id" in s else {"inputs": {}, "result": None} for s in engine["steps"]]
    if engine["kind"] == "learning-rate":
        steps += [{"inputs": {"lr": r["lr"]}, "result": r["final_loss"]} for r in engine["runs"]]
    return steps


def _visual(kind: str, engine: dict[str, Any], track: str) -> dict[str, Any] | None:
    """Bars for the guess-and-fix rounds (the youngest see the game, not the formula); geometry only, no numbers."""
    if kind != "guess-and-fix":
        return None
    values = [engine["params"]["target"]] + [s["guess"] for s in engine["steps"]]
    top = max(max(abs(v) for v in values), 1.0)
    return {"kind": "bars", "max": top, "target": engine["params"]["target"],
            "rounds": [{"round": s["round"], "guess": s["guess"], "hint": s["hint"],
                        "share": abs(s["guess"]) / top} for s in engine["steps"]],
            "target_share": abs(engine["params"]["target"]) / top}
