"""The names content gives to engine worked examples agree with what the engine actually provides.

The content package never imports the engine (layer rule); this test checks the contract from the outside.
"""

import pytest

from content import EXAMPLE_KINDS
from content.schema import NumericItem, ShowExample

examples = pytest.importorskip("engine.examples")


def test_every_example_kind_named_by_content_exists_in_the_engine():
    assert set(EXAMPLE_KINDS) <= set(examples.EXAMPLES)


def test_lesson_examples_take_their_params(bank):
    for lesson in bank.lessons:
        for m in lesson.messages:
            if isinstance(m.show, ShowExample):
                unknown = set(m.show.params) - set(examples.params_of(m.show.example))
                assert not unknown, (lesson.id, lesson.track, m.id, unknown)


@pytest.mark.parametrize("seed", [0, 7])
def test_numeric_items_resolve_to_a_number(bank, seed):
    for item in bank.items:
        if not isinstance(item, NumericItem):
            continue
        assert set(item.params) <= set(examples.params_of(item.generator)), item.id
        params = dict(item.params)
        if item.generator == "overfitting":
            params.setdefault("epochs", 60)  # keep the test quick; the answer reference is what is checked
        worked = examples.run(item.generator, seed=seed, **params)
        if item.answer.result is not None:
            value = worked["result"][item.answer.result]
        else:
            value = next(s["result"] for s in worked["steps"] if s.get("id") == item.answer.step)
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (item.id, value)


def test_every_calculation_slip_the_app_names_is_a_known_misconception(bank):
    numeric = pytest.importorskip("tutor.services.numeric")
    slips = set(getattr(numeric, "SLIPS", {}))
    assert {s for s in slips if bank.misconception(s) is None} == set()
