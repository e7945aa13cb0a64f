"""Printable worksheets: the matching sheet's key matches the bank's pairs, the numeric sheet's numbers and answers
are the engine's (through the numeric generators), the key prints on its own page, bad input is a clear 4xx."""
from __future__ import annotations

import pytest

from tests.tutor.test_dashboard import PASSWORD, make_class, make_teacher  # noqa: F401 - fixtures' helpers
from tests.tutor.test_dashboard import _remember_app  # noqa: F401 - the autouse fixture those helpers need
from tests.tutor.test_accounts import sign_in
from tutor.errors import Invalid
from tutor.services import numeric, worksheets


def test_matching_key_is_the_banks(content_bank):
    sheet = worksheets.matching_sheet(content_bank, "ages-9-12")
    ms = content_bank.matching_set("ages-9-12")
    letter_text = {d["letter"]: d["text"] for d in sheet["definitions"]}
    definitions = {d.id: d.text for d in ms.definitions}
    for k, term in zip(sheet["key"], ms.terms):
        assert k["term"] == term.text and letter_text[k["letter"]] == definitions[ms.pairs[term.id]]
    assert sorted(letter_text) == [chr(ord("A") + n) for n in range(len(ms.definitions))]


@pytest.mark.parametrize("track", ["ages-9-12", "ages-13-plus"])
def test_numeric_sheet_numbers_are_the_engines(track):
    sheet = worksheets.numeric_sheet(track, 42)
    assert sheet == worksheets.numeric_sheet(track, 42)  # the same number prints the same sheet
    assert len(sheet["questions"]) == worksheets.QUESTIONS_PER_KIND * len(numeric.kinds_for(track))
    for q in sheet["questions"]:
        made = numeric.question(q["id"], lambda _: None)
        assert q["answer"] == numeric.fmt(made.answer) and q["given"] == made.given
        assert q["steps"] == [s["text"] for s in made.steps]


def test_no_number_questions_for_the_youngest():
    with pytest.raises(Invalid):
        worksheets.numeric_sheet("ages-5-8", 1)


@pytest.mark.parametrize("seed", ["abc", "-1", str(numeric.MAX_SEED + 1)])
def test_bad_seeds(seed):
    with pytest.raises(Invalid):
        worksheets.parse_seed(seed)


def test_worksheet_pages(client, db, content_bank):
    teacher = make_teacher(db)
    classroom, _ = make_class(db, teacher, ["Nia"], track="ages-5-8")
    sign_in(client, "dash@example.org", PASSWORD)
    base = f"/teacher/classes/{classroom.id}/worksheets"
    html = client.get(base).get_data(as_text=True)
    assert "/activities/human-backprop/card?track=ages-5-8" in html
    html = client.get(f"{base}/numeric?seed=7").get_data(as_text=True)
    sheet = worksheets.numeric_sheet("ages-9-12", 7)  # a 5–8 class gets the 9–12 numbers
    assert 'class="worksheet answer-key"' in html and "Sheet 7" in html
    for q in sheet["questions"]:
        assert q["answer"] in html
    assert client.get(f"{base}/numeric?seed=nope").status_code == 422
    assert client.get(f"{base}/numeric?track=ages-5-8").status_code == 422
    html = client.get(f"{base}/matching").get_data(as_text=True)
    assert content_bank.matching_set("ages-5-8").title in html and "Answer key" in html
    assert client.get(f"{base}/matching?track=ages-13-plus").status_code == 200
