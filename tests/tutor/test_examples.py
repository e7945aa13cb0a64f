"""Worked examples in the track's wording: every number shown is the engine's number at the one formatting."""
from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.schema import EXAMPLE_FIELDS, EXAMPLE_KINDS, TRACK_IDS
from engine import examples as engine_examples
from tutor.services import examples as service
from tutor.services.examples import fmt

SEEDS = (0, 1, 7)


def resolve(engine: dict, path: str):
    """The engine value a shown number claims to be (`runs.N.steps_taken` is the number of updates in run N)."""
    node = engine
    keys = path.split(".")
    if keys[0] == "runs" and keys[-1] == "steps_taken":
        return len(engine["runs"][int(keys[1])]["path"]) - 1
    for key in keys:
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def number_parts(example: dict):
    for parts in [example["intro_parts"], example["result_parts"]] + [s["parts"] for s in example["steps"] if s["parts"]]:
        yield from (p for p in parts if p.get("path"))


# ---- the number formatter -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    (0.5599999999999999, "0.56"), (-0.31999999999999995, "-0.32"), (0.4488999, "0.449"), (0.03872646, "0.0387"),
    (77.5625, "77.6"), (64.0, "64"), (-0.0, "0"), (1.1444627966, "1.14"), (335.2, "335"), (9.21e-14, "9.21e-14"),
    (123456.7, "1.23e+05"), (True, "yes"), (None, "—"), (float("inf"), "too big to show"), (0.125, "0.125"),
])
def test_numbers_are_shown_with_about_three_significant_digits(value, shown):
    assert fmt(value) == shown


def test_percent_and_whole_formats():
    assert fmt(0.98, "pct") == "98%" and fmt(0.9933, "pct") == "99%"
    assert fmt(80.25, "whole") == "80" and fmt(-2.6, "whole") == "-3"


@pytest.mark.parametrize("share, shown", [(0.125, "13%"), (0.565, "57%"), (0.575, "58%"), (46 / 80, "58%"),
                                          (0.005, "1%"), (0.995, "100%")])
def test_a_half_percent_is_rounded_up_as_on_every_page(share, shown):
    assert fmt(share, "pct") == shown  # round() would give 12%, 56%, 57%, 57%, 0% and 100%


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-99999, max_value=99999, allow_nan=False).filter(lambda x: abs(x) >= 1e-3))
def test_a_shown_number_reads_back_within_rounding(x):
    shown = float(fmt(x))
    assert math.isclose(shown, x, rel_tol=5e-3, abs_tol=1e-3)


# ---- the wording covers what the engine gives -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", EXAMPLE_KINDS)
def test_declared_step_patterns_and_names_are_what_the_engine_gives(kind):
    declared = {p: set(n.removesuffix("[]") for n in names) for p, names in EXAMPLE_FIELDS[kind].items()
                if not p.startswith("@")}
    for seed in range(5):
        engine = engine_examples.run(kind, seed)
        steps = service.step_fields(engine)
        assert {pattern for _, pattern, _ in steps} == set(declared), seed
        for step_id, pattern, fields in steps:
            assert declared[pattern] <= set(fields), (step_id, declared[pattern] - set(fields))
        offered = set(service.result_fields(engine))
        missing = set(EXAMPLE_FIELDS[kind]["@result"]) - offered
        assert not missing, (seed, missing)


# ---- GET /api/examples/<kind> -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("track", TRACK_IDS)
@pytest.mark.parametrize("kind", EXAMPLE_KINDS)
def test_every_kind_and_track_shows_the_engines_numbers(client, kind, track):
    for seed in SEEDS:
        r = client.get(f"/api/examples/{kind}?seed={seed}&track={track}")
        assert r.status_code == 200, r.get_json()
        data = r.get_json()
        engine = json.loads(json.dumps(engine_examples.run(kind, seed)))
        assert data["engine"] == engine and data["result"] == engine["result"]
        assert (data["kind"], data["seed"], data["track"]) == (kind, seed, track)
        assert data["title"] and data["intro"] and data["result_sentence"]
        numbers = list(number_parts(data))
        for part in numbers:
            assert part["text"] == fmt(resolve(engine, part["path"]), part["format"]), part
            assert part["value"] == resolve(engine, part["path"])
        for step in data["steps"]:
            if step["parts"]:
                assert step["sentence"] == "".join(p["text"] for p in step["parts"])
                words = "".join(p["text"] for p in step["parts"] if not p.get("path"))
                assert not re.search(r"\d\.\d", words), f"a decimal typed into the wording: {step['sentence']}"
        if track == "ages-13-plus":
            assert all(s["sentence"] for s in data["steps"]), "13+ talks through every step"
            assert numbers, "13+ shows real numbers"


def test_engine_parameters_pass_through(client):
    r = client.get("/api/examples/neuron?seed=2&track=ages-9-12&inputs=0.5&inputs=1&weights=1&weights=-2&bias=0.25")
    data = r.get_json()
    assert r.status_code == 200 and data["engine"]["params"]["inputs"] == [0.5, 1.0]
    assert data["engine"] == engine_examples.run("neuron", 2, inputs=[0.5, 1], weights=[1, -2], bias=0.25)
    z_step = next(s for s in data["steps"] if s["id"] == "z")
    assert z_step["sentence"].endswith(f"= {fmt(0.5 - 2 + 0.25)}.")


def test_try_other_numbers_gives_other_numbers(client):
    first = client.get("/api/examples/forward-pass?seed=1&track=ages-13-plus").get_json()
    second = client.get("/api/examples/forward-pass?seed=2&track=ages-13-plus").get_json()
    assert first["result"] != second["result"]
    assert [s["sentence"] for s in first["steps"]] != [s["sentence"] for s in second["steps"]]


def test_bad_requests_are_clear_4xx(client):
    r = client.get("/api/examples/no-such-thing")
    assert r.status_code == 404 and "neuron" in r.get_json()["error"]["message"]
    r = client.get("/api/examples/neuron?activation=banana")
    assert r.status_code == 422 and "activation must be one of" in r.get_json()["error"]["message"]
    assert client.get("/api/examples/neuron?unknown=1").status_code == 422
    assert client.get("/api/examples/neuron?seed=-1").status_code == 422
    assert client.get("/api/examples/neuron?seed=abc").status_code == 422
    assert client.get("/api/examples/neuron?track=adults").status_code == 422
    assert client.get("/api/examples/backprop-step?lr=0").status_code == 422
    assert client.get("/api/examples/neuron?bias=" + "9" * 500).status_code == 422


def test_the_same_example_is_computed_once(client, monkeypatch):
    calls = []
    original = engine_examples.run

    def counting(kind, seed=0, **params):
        calls.append((kind, seed, params))
        return original(kind, seed, **params)

    monkeypatch.setattr(engine_examples, "run", counting)
    for track in TRACK_IDS:
        assert client.get(f"/api/examples/mse?seed=11&track={track}").status_code == 200
    assert client.get("/api/examples/mse?seed=12").status_code == 200
    assert len(calls) == 2


def test_the_route_is_documented(client):
    doc = client.get("/api/openapi.json").get_json()
    operation = doc["paths"]["/api/examples/{kind}"]["get"]
    assert {"seed", "track"} <= {p["name"] for p in operation["parameters"]}
    assert {"404", "422"} <= set(operation["responses"])
