"""The fifth review pass on the human-backpropagation role-play, in the pages as the server sends them:

- each track's role-play and card speak that track's words: "perceptron" only on 13+ (9-12 lessons call the same
  thing a neuron, 5-8 a robot), and 9-12 says clue wherever 13+ says feature, as the 9-12 activity and tally do;
- the results tables label every cell with its column heading (what a phone shows in its card per row);
- "Try other sentences" from the last card number goes round to the first instead of to a page that refuses it.

(The browser side of the same review: tests/browser/test_review_pass5_roleplay.py.)
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tutor.services import roleplay

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")
PAGES = ("/activities/human-backprop", "/activities/human-backprop/card")
ROLEPLAY_JS = Path(roleplay.__file__).resolve().parents[1] / "static" / "js" / "roleplay.js"


def shown_text(page: str) -> str:
    """What a person reads or hears: the text of <main> without tags, plus every aria-label."""
    main = page[page.index("<main"):page.index("</main>")]
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', main))
    return html.unescape(re.sub(r"<[^>]+>", " ", main) + " " + labels)


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


@pytest.mark.parametrize("track", ["ages-5-8", "ages-9-12"])
def test_the_younger_tracks_roleplay_and_card_never_say_perceptron(client, content_bank, track):
    for path in PAGES:
        for seed in (0, 1, 7):
            text = shown_text(client.get(f"{path}?track={track}&seed={seed}").get_data(as_text=True))
            assert "perceptron" not in text.lower(), (path, seed)
    for activity in content_bank.activities_for(track):
        if activity.id == roleplay.BANK_ACTIVITY[track]:
            prose = " ".join([activity.summary, *activity.steps, *activity.talk_about, *activity.answer_key])
            assert "perceptron" not in prose.lower()
    # the 9-12 lessons have the word the role-play uses instead; neither younger track's lessons say perceptron
    lessons = " ".join(m.text for lesson in content_bank.concepts(track) for m in lesson.messages)
    assert "perceptron" not in words(lessons)
    if track == "ages-9-12":
        assert "neuron" in words(lessons)


def test_the_9_12_roleplay_names_the_computers_neuron_and_says_clue_not_feature(client):
    for path in PAGES:
        text = shown_text(client.get(f"{path}?track=ages-9-12&seed=3").get_data(as_text=True))
        assert "feature" not in words(text), path
        assert "computer's neuron" in text, path
    page = client.get("/activities/human-backprop?track=ages-9-12&seed=3").get_data(as_text=True)
    assert "Which clue did you weight too high or too low?" in page
    assert 'data-clue="clue"' in page  # the script's "Which clue misled you?" after a wrong guess
    assert "Neuron (first round)" in shown_text(page) and "Neuron's weight" in shown_text(page)


def test_13_plus_keeps_its_own_words(client):
    page = client.get("/activities/human-backprop?track=ages-13-plus&seed=3").get_data(as_text=True)
    text = shown_text(page)
    assert "How you did, and what the perceptron learned" in text
    assert "Perceptron (first pass)" in text and "Which feature did you weight too high or too low?" in text
    assert 'data-clue="feature"' in page


def test_the_script_takes_its_clue_word_and_model_name_from_the_page_not_from_13_plus():
    script = re.sub(r"//[^\n]*", "", ROLEPLAY_JS.read_text(encoding="utf-8"))
    strings = " ".join(s for s in re.findall(r'"([^"\n]*)"', script) if " " in s)  # sentences, not selectors
    assert "perceptron" not in strings.lower()
    assert "Which feature" not in strings


LABELLED_CELLS = re.compile(r"<table class=\"[^\"]*\brp-cards\b[^\"]*\".*?</table>", re.DOTALL)


@pytest.mark.parametrize("track", TRACKS)
def test_every_results_cell_is_labelled_with_its_column_heading(client, track):
    page = client.get(f"/activities/human-backprop?track={track}&seed=2").get_data(as_text=True)
    results = page[page.index('data-part="results"'):]
    tables = LABELLED_CELLS.findall(results[:results.index("</section>")])
    assert len(tables) == (1 if track == "ages-5-8" else 2), "each results table shows as cards on a phone"
    for table in tables:
        heads = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip()
                 for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.DOTALL)]
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table.split("<tbody>")[1], re.DOTALL):
            cells = re.findall(r"<(t[dh])\b([^>]*)>", row)
            assert len(cells) == len(heads), row
            for (tag, attrs), head in zip(cells, heads):
                if tag == "td":
                    assert html.unescape(re.search(r'data-label="([^"]*)"', attrs).group(1)) == head, (attrs, head)


@pytest.mark.parametrize("path", PAGES)
def test_other_sentences_from_the_last_card_number_goes_round_to_the_first(client, path):
    page = client.get(f"{path}?track=ages-9-12&seed={roleplay.MAX_SEED}").get_data(as_text=True)
    links = re.findall(r'href="([^"]*seed=[^"]*)"', page)
    assert links and all(f"seed={roleplay.MAX_SEED + 1}" not in html.unescape(link) for link in links)
    assert any(re.search(r"[?&;]seed=0(&|$)", html.unescape(link)) for link in links)
    for link in {html.unescape(link) for link in links}:
        assert client.get(link).status_code == 200, link
