"""The ages 5-8 neuron lab, learning-rate explorer and training playground as the server renders them, the fixed
settings those pages send to the engine, and the 5-8 quiz words: plain words for young children, no jargon."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import product
from pathlib import Path

import pytest
import textstat

GENTLE_DEMOS = ["neuron-lab", "lr-explorer", "training-playground"]
JS = Path(__file__).resolve().parents[2] / "tutor" / "static" / "js" / "demos"

JARGON = re.compile(
    r"\b(loss|losses|epochs?|sigmoid|tanh|relu|activation|gradient|log scale|converged|diverged|xor|learning rate)\b"
    r"|dL/dw|\d(\.\d+)?e[-+−]?\d|[=×]",
    re.IGNORECASE,
)


class _Words(HTMLParser):
    """The words a child meets in a demo: text, accessible names and the messages the page keeps in data-*-text,
    without <script>, hidden inputs' values or comments."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs.items():
            if value and (name in ("aria-label", "title", "alt") or (name.startswith("data-") and name.endswith("-text"))):
                self.words.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def demo_section(html: str, demo_id: str) -> str:
    start = html.index(f'data-demo="{demo_id}"')
    return html[html.rindex("<section", 0, start):html.index("</section>", start)]


def words(html: str) -> str:
    parser = _Words()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())


def hidden_inputs(section: str) -> dict[str, str]:
    return {name: value for name, value in re.findall(
        r'<input type="hidden" data-(?:input|setting)="(\w+)" value="([^"]*)">', section)}


@pytest.mark.parametrize("demo_id", GENTLE_DEMOS)
def test_young_page_has_plain_words_and_older_pages_are_unchanged(client, demo_id):
    young = demo_section(client.get(f"/demos/{demo_id}?track=ages-5-8").get_data(as_text=True), demo_id)
    assert 'data-gentle="true"' in young and " gentle" in young
    found = sorted({m.group(0) for m in JARGON.finditer(words(young))})
    assert not found, f"{demo_id} for ages 5-8 says {found}: {words(young)}"
    # The same reading level as the 5-8 lessons (tests/content/test_content_reading_level.py).
    assert textstat.flesch_kincaid_grade(words(young)) <= 3.0, words(young)
    for track in ("ages-9-12", "ages-13-plus"):
        older = demo_section(client.get(f"/demos/{demo_id}?track={track}").get_data(as_text=True), demo_id)
        assert 'data-gentle="false"' in older and "gentle" not in older.split(">", 1)[0].split("class=")[1][:40]
        assert not hidden_inputs(older)


def test_older_tracks_keep_their_controls(client):
    lab = client.get("/demos/neuron-lab?track=ages-13-plus").get_data(as_text=True)
    assert lab.count('data-input="activation"') == 4 and "a = sigmoid(z)" in lab and 'data-input="b"' in lab
    rates = client.get("/demos/lr-explorer?track=ages-9-12").get_data(as_text=True)
    assert 'data-input="rate"' in rates
    train = client.get("/demos/training-playground?track=ages-13-plus").get_data(as_text=True)
    for words_ in ("XOR (four corners)", "Hidden layers", "Neurons per hidden layer", "Learning rate", "Train loss",
                   "Epoch"):
        assert words_ in train


def test_young_pages_offer_one_or_two_things_to_set(client):
    lab = client.get("/demos/neuron-lab?track=ages-5-8").get_data(as_text=True)
    assert re.findall(r'type="range" id="[^"]+" data-input="(\w+)"', lab) == ["w1", "w2"]
    assert 'type="radio"' not in demo_section(lab, "neuron-lab")
    rates = client.get("/demos/lr-explorer?track=ages-5-8").get_data(as_text=True)
    assert re.findall(r'type="range" id="[^"]+" data-input="(\w+)"', rates) == ["steps"]
    train = demo_section(client.get("/demos/training-playground?track=ages-5-8").get_data(as_text=True),
                         "training-playground")
    assert train.count("<select") == 1 and 'type="range"' not in train
    assert set(re.findall(r'data-setting="(\w+)"', train)) == {"dataset", "amount", "layers", "activation"}


@pytest.mark.parametrize("track_id, gentle", [("ages-5-8", True), ("ages-9-12", False), ("ages-13-plus", False)])
@pytest.mark.parametrize("demo_id", GENTLE_DEMOS)
def test_a_lesson_embed_follows_the_tracks_gentle_flag(app, content_bank, demo_id, track_id, gentle):
    from flask import render_template_string

    track = content_bank.track(track_id)
    assert track.gentle is gentle
    with app.test_request_context("/learn/neuron"):
        html = render_template_string('{% include "demos/_' + demo_id + '.html" %}', track=track)
    assert f'data-gentle="{"true" if gentle else "false"}"' in html


def test_young_neuron_lab_numbers_are_whole_for_every_knob_setting(api, client):
    section = demo_section(client.get("/demos/neuron-lab?track=ages-5-8").get_data(as_text=True), "neuron-lab")
    fixed = hidden_inputs(section)
    assert fixed == {"x1": "1", "x2": "1", "b": "0", "activation": "relu"}
    for w1, w2 in product(range(-3, 4), repeat=2):
        r = api.post("/api/demos/neuron", {"inputs": [1.0, 1.0], "weights": [w1, w2], "bias": 0.0,
                                           "activation": "relu"})
        assert r.status_code == 200
        body = r.get_json()
        for value in [*body["products"], body["z"], body["a"]]:
            assert value == int(value)
        assert body["a"] == max(0, w1 + w2)          # go passes on the sum, stop passes on 0


def test_young_learning_rate_explorer_has_words_for_every_walker(api):
    script = (JS / "lr-explorer.js").read_text(encoding="utf-8")
    for steps in (2, 10, 30):
        for seed in (0, 1, 2):
            r = api.post("/api/demos/learning-rates", {"seed": seed, "steps": steps})
            assert r.status_code == 200
            runs = r.get_json()["runs"]
            assert [run["label"] for run in runs] == ["too small", "about right", "too large"]
            assert runs[-1]["outcome"] == "diverged"
            for run in runs:
                assert f'"{run["label"]}":' in script and f"{run['outcome']}:" in script


def test_young_training_playground_learns_with_its_fixed_network(api, client):
    section = demo_section(client.get("/demos/training-playground?track=ages-5-8").get_data(as_text=True),
                           "training-playground")
    fixed = hidden_inputs(section)
    assert fixed == {"layers": "2", "units": "16", "activation": "relu", "rate": "5"}
    rates = re.search(r"var RATES = \[([^\]]+)\]", (JS / "training-playground.js").read_text(encoding="utf-8"))
    lr = float(rates.group(1).split(",")[int(fixed["rate"])])
    assert lr == 0.3
    for dataset in re.findall(r'<option value="(\w+)"', section):
        body = {"dataset": dataset, "amount": "plenty", "seed": 0, "hidden": [16, 16], "activation": "relu",
                "lr": lr, "epochs": 30}
        r = api.post("/api/demos/train", body)
        assert r.status_code == 200
        out = r.get_json()
        assert not out["exploding"] and out["train_loss"][-1] < out["train_loss"][0], dataset


def test_young_quizzes_use_plain_words(content_bank):
    def texts(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("id", "kind", "concept", "misconception", "lesson_message", "track", "answer"):
                    yield from texts(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                yield from texts(value)
        elif isinstance(node, str):
            yield node

    plain = re.compile(r"\b(loss|losses|epochs?|sigmoid|tanh|relu|activation|gradient)\b", re.IGNORECASE)
    for quiz in content_bank.quizzes("ages-5-8"):
        for item in content_bank.quiz_items(quiz.id):
            said = " ".join(texts(item.model_dump()))
            assert not plain.search(said), f"{quiz.id} / {item.id}: {said}"
    best = content_bank.item("q5-loss-best")
    assert best.prompt == "Which miss is best?"
    assert best.id in [i.id for i in content_bank.quiz_items("quiz-5-8-guess-and-fix")]
