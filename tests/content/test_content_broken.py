"""Broken content is reported in full: every problem at once, each with its file and field, and nothing else escapes."""

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content import ContentError, ContentIssue, check, load_bank
from content.loader import MAX_FILE_BYTES


def edit(root: Path, rel: str, change) -> None:
    path = root / rel
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def first_choice_option_list(data: dict) -> list:
    for body in data["tracks"].values():
        check_item = body.get("check") or {}
        if check_item.get("kind") == "choice":
            return check_item["options"]
    raise AssertionError("no choice check to break")


def find(issues: list[ContentIssue], file: str, field: str = "", words: str = "") -> ContentIssue:
    for issue in issues:
        if issue.file == file and issue.field.startswith(field) and words.lower() in issue.message.lower():
            return issue
    raise AssertionError(f"no issue for {file} {field} {words!r} in:\n" + "\n".join(map(str, issues)))


def test_every_problem_is_reported_at_once(bank_copy: Path):
    # malformed YAML
    (bank_copy / "concepts/neuron.yaml").write_text("id: neuron\ntracks: [unclosed\n  title: x\n")
    # unknown key
    edit(bank_copy, "concepts/loss.yaml", lambda d: d["tracks"]["ages-9-12"].update(colour="blue"))
    # missing field
    edit(bank_copy, "concepts/activation.yaml", lambda d: d["tracks"]["ages-5-8"].pop("summary"))
    # wrong type
    edit(bank_copy, "concepts/forward-pass.yaml", lambda d: d.update(order="first"))
    # duplicate id
    def duplicate_track(d):
        d["tracks"].append(dict(d["tracks"][0]))
    edit(bank_copy, "tracks.yaml", duplicate_track)
    edit(bank_copy, "misconceptions.yaml", lambda d: d["misconceptions"].append(dict(d["misconceptions"][0])))
    # dangling references
    edit(bank_copy, "concepts/overfitting.yaml", lambda d: d.update(prerequisites=["time-travel"]))
    edit(bank_copy, "activities.yaml", lambda d: d["activities"][0].update(concepts=["no-such-concept"]))
    # two correct options
    edit(bank_copy, "concepts/learning-rate.yaml",
         lambda d: [o.update(correct=True, misconception=None, feedback=None)
                    for o in first_choice_option_list(d)[:2]])
    # an oversized file
    big = bank_copy / "concepts/limits-of-ai.yaml"
    big.write_text(big.read_text() + "# " + "x" * MAX_FILE_BYTES + "\n")
    # empty file and a non-mapping file
    (bank_copy / "plan.yaml").write_text("")
    (bank_copy / "matching.yaml").write_text("- just\n- a list\n")

    with pytest.raises(ContentError) as caught:
        load_bank(bank_copy)
    issues = caught.value.issues
    text = str(caught.value)

    find(issues, "concepts/neuron.yaml", "", "malformed YAML")
    assert "line " in find(issues, "concepts/neuron.yaml").message
    find(issues, "concepts/loss.yaml", "tracks.ages-9-12.colour", "extra inputs")
    assert "concepts/activation.yaml: tracks.ages-5-8.summary: Field required" in text.splitlines()
    find(issues, "concepts/forward-pass.yaml", "order", "integer")
    find(issues, "tracks.yaml", "tracks")
    find(issues, "misconceptions.yaml", "misconceptions.", "duplicate")
    find(issues, "concepts/overfitting.yaml", "prerequisites.0", "unknown concept")
    find(issues, "activities.yaml", "activities.0.concepts.0", "unknown concept")
    find(issues, "concepts/learning-rate.yaml", "tracks.", "exactly one correct")
    find(issues, "concepts/limits-of-ai.yaml", "", "over the")
    find(issues, "plan.yaml", "", "empty")
    find(issues, "matching.yaml", "", "mapping")
    assert check(bank_copy) == issues
    assert len(text.splitlines()) == len(issues) >= 12


def test_duplicate_item_ids_and_dangling_item_references(bank_copy: Path, bank):
    lesson = next(l for l in bank.lessons if l.check is not None and l.check.kind == "choice")
    other = next(l for l in bank.lessons if l.check is not None and l.id != lesson.id)

    def copy_check_id(d):
        d["tracks"][other.track]["check"]["id"] = lesson.check.id
    edit(bank_copy, f"concepts/{other.id}.yaml", copy_check_id)

    def dangle(d):
        opts = d["tracks"][lesson.track]["check"]["options"]
        wrong = next(o for o in opts if not o.get("correct"))
        wrong["misconception"] = "thinks-the-moon-is-cheese"
        d["tracks"][lesson.track]["check"]["lesson_message"] = "no-such-message"
    edit(bank_copy, f"concepts/{lesson.id}.yaml", dangle)

    issues = check(bank_copy)
    find(issues, f"concepts/{other.id}.yaml", f"tracks.{other.track}.check.id", "duplicate item id")
    find(issues, f"concepts/{lesson.id}.yaml", f"tracks.{lesson.track}.check.options.", "unknown misconception")
    find(issues, f"concepts/{lesson.id}.yaml", f"tracks.{lesson.track}.check.lesson_message", "no message")


def test_missing_concept_and_track(bank_copy: Path):
    (bank_copy / "concepts/neuron.yaml").unlink()
    edit(bank_copy, "concepts/loss.yaml", lambda d: d["tracks"].pop("ages-13-plus"))
    issues = check(bank_copy)
    find(issues, "concepts/neuron.yaml", "", "missing")
    find(issues, "concepts/loss.yaml", "tracks.ages-13-plus", "required")


def test_incomplete_matching_set(bank_copy: Path):
    edit(bank_copy, "matching.yaml", lambda d: d["sets"][0]["pairs"].popitem())
    find(check(bank_copy), "matching.yaml", "sets.0", "has no pair")


def test_unexpected_file_and_duplicate_keys(bank_copy: Path):
    (bank_copy / "stray.yaml").write_text("a: 1\n")
    (bank_copy / "concepts/loss.yaml").write_text((bank_copy / "concepts/loss.yaml").read_text() + "order: 99\n")
    issues = check(bank_copy)
    find(issues, "stray.yaml", "", "unexpected")
    find(issues, "concepts/loss.yaml", "", "duplicate key")


def test_missing_directory_is_an_issue(tmp_path: Path):
    with pytest.raises(ContentError) as caught:
        load_bank(tmp_path / "nowhere")
    assert caught.value.issues


yamlish = st.text(alphabet=string.printable + "äé–\t", max_size=300) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
).map(lambda v: yaml.safe_dump(v, allow_unicode=True))

TARGETS = ["tracks.yaml", "concepts/loss.yaml", "misconceptions.yaml", "plan.yaml", "chat/off-topic.yaml",
           "matching.yaml", "activities.yaml"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=yamlish, target=st.sampled_from(TARGETS), data=st.data())
def test_garbage_only_ever_raises_content_error(bank_copy: Path, garbage: str, target: str, data):
    path = bank_copy / target
    original = path.read_text()
    if data.draw(st.booleans(), label="mutate the real file instead"):
        # Near-valid YAML is the interesting case: cut the real file short and splice garbage in.
        cut = data.draw(st.integers(0, len(original)), label="cut")
        garbage = original[:cut] + garbage[: data.draw(st.integers(0, 40), label="splice")]
    try:
        path.write_text(garbage)
        try:
            load_bank(bank_copy)
        except ContentError as exc:
            assert exc.issues and all(isinstance(i, ContentIssue) for i in exc.issues)
            assert all(i.file for i in exc.issues)
    finally:
        path.write_text(original)
