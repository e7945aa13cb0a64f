"""wording.yaml: the loader refuses a sentence that names a value the engine's step does not give."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from content import check, load_bank
from content.loader import DATA_DIR
from content.schema import EXAMPLE_FIELDS, EXAMPLE_KINDS, TRACK_IDS, example_step_pattern


@pytest.fixture
def edit_wording(tmp_path: Path):
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)

    def edit(change) -> list[str]:
        path = root / "wording.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data["examples"])
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return [str(i) for i in check(root)]

    return edit


def test_every_kind_has_wording_for_every_track():
    bank = load_bank()
    for kind in EXAMPLE_KINDS:
        for track in TRACK_IDS:
            wording = bank.example_wording(kind, track)
            assert wording is not None and wording.title and wording.result
        assert set(bank.example_wording(kind, "ages-13-plus").steps) == {p for p in EXAMPLE_FIELDS[kind] if p[0] != "@"}


def test_step_patterns_drop_the_numbers():
    assert example_step_pattern("hidden-1-product-2") == "hidden-product"
    assert example_step_pattern("dL/dw12") == "dL/dw" and example_step_pattern("round-7") == "round"


@pytest.mark.parametrize("template, complaint", [
    ("w × x = {weight}", "{weight} is not a value this step gives"),
    ("{w:bold}", "format must be one of"),
    ("{products}", "is a list of numbers"),
    ("{w:sum}", "only a list of numbers"),
    ("{w!r}", "write a plain {name}"),
    ("{w.real}", "write a plain {name}"),
    ("unclosed {w", "not a valid template"),
])
def test_a_bad_step_sentence_is_refused_with_where_it_is(edit_wording, template, complaint):
    def change(examples):
        pattern = "hidden-product" if "products" not in template else "hidden-z"
        examples["forward-pass"]["ages-9-12"]["steps"][pattern] = template

    issues = edit_wording(change)
    assert any(i.startswith("wording.yaml: examples.forward-pass.ages-9-12.steps.") and complaint in i
               for i in issues), issues


def test_unknown_patterns_missing_tracks_and_thin_13_plus_wording_are_refused(edit_wording):
    def change(examples):
        examples["mse"]["ages-9-12"]["steps"]["cube"] = "{result}"
        del examples["neuron"]["ages-5-8"]
        del examples["backprop-step"]["ages-13-plus"]["steps"]["dL/dw"]
        examples["guess-and-fix"]["ages-5-8"]["result"] = "Found in {rounds_played} tries by {nobody}"

    issues = "\n".join(edit_wording(change))
    assert "examples.mse.ages-9-12.steps.cube: 'mse' has no step pattern 'cube'" in issues
    assert "examples.neuron.ages-5-8: Field required" in issues
    assert "examples.backprop-step.ages-13-plus.steps.dL/dw: the ages-13-plus wording needs a sentence" in issues
    assert "examples.guess-and-fix.ages-5-8.result: {nobody} is not a value" in issues


def test_the_shipped_wording_is_valid():
    assert not [i for i in check() if i.file == "wording.yaml"]
