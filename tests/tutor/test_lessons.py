"""The lesson page and lesson progress: every lesson renders at every track with the engine's numbers, works without
JavaScript, and progress is stored once per learner (or guest), with nothing stored for bad input."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from content.schema import CONCEPT_IDS, TRACK_IDS
from engine import examples as engine_examples
from tests.conftest import Api
from tutor.models import Learner, LessonProgress
from tutor.services import media
from tutor.services.examples import fmt

from .test_examples import resolve


class LessonHtml(HTMLParser):
    """Collects the worked examples (with their shown numbers), message ids, read-aloud buttons and plot images."""

    def __init__(self):
        super().__init__()
        self.examples: list[dict] = []
        self.messages: list[str] = []
        self.speak = 0
        self.images: list[dict] = []
        self.h1 = 0
        self._num: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "worked-example" in classes:
            self.examples.append({"kind": a["data-example"], "seed": int(a["data-seed"]), "track": a["data-track"],
                                  "params": json.loads(a["data-params"]), "numbers": []})
        if tag == "li" and "data-message" in a:
            self.messages.append(a["data-message"])
        if "data-speak" in a:
            self.speak += 1
        if tag == "img" and a.get("src", "").startswith("/plots/"):
            self.images.append(a)
        if tag == "h1":
            self.h1 += 1
        if "num" in classes:
            self._num = {"path": a["data-path"], "format": a["data-format"], "text": ""}

    def handle_data(self, data):
        if self._num is not None:
            self._num["text"] += data

    def handle_endtag(self, tag):
        if tag == "span" and self._num is not None:
            self.examples[-1]["numbers"].append(self._num)
            self._num = None


def parse(html: str) -> LessonHtml:
    parser = LessonHtml()
    parser.feed(html)
    return parser


def count(db, model, **where) -> int:
    db.expire_all()
    q = select(func.count()).select_from(model)
    for k, v in where.items():
        q = q.where(getattr(model, k) == v)
    return db.scalar(q)


# ---- the page -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("track", TRACK_IDS)
def test_every_lesson_renders_with_the_engines_numbers(client, content_bank, track):
    for concept in CONCEPT_IDS:
        r = client.get(f"/learn/{concept}?track={track}")
        assert r.status_code == 200, concept
        page = parse(r.get_data(as_text=True))
        lesson = content_bank.lesson(concept, track)
        assert page.h1 == 1
        assert page.messages == [m.id for m in lesson.messages], "without JavaScript every message is listed"
        assert page.speak >= len(lesson.messages) + 1, "a read-aloud button on every message"
        expected = [m.show.example for m in lesson.messages if m.show is not None and hasattr(m.show, "example")]
        assert [e["kind"] for e in page.examples] == expected
        for example in page.examples:
            engine = engine_examples.run(example["kind"], example["seed"], **example["params"])
            assert example["track"] == track
            for number in example["numbers"]:
                assert number["text"] == fmt(resolve(engine, number["path"]), number["format"]), (concept, number)
            if track == "ages-13-plus" and example["kind"] in ("neuron", "forward-pass", "backprop-step", "mse"):
                assert len(example["numbers"]) >= 8, "13+ shows every number"


def test_a_seed_in_the_address_changes_the_numbers(client):
    first = parse(client.get("/learn/forward-pass?track=ages-13-plus").get_data(as_text=True)).examples[0]
    other = parse(client.get("/learn/forward-pass?track=ages-13-plus&seed=5").get_data(as_text=True)).examples[0]
    assert other["seed"] == 5 and [n["text"] for n in first["numbers"]] != [n["text"] for n in other["numbers"]]
    engine = engine_examples.run("forward-pass", 5)
    assert all(n["text"] == fmt(resolve(engine, n["path"]), n["format"]) for n in other["numbers"])


def test_plots_carry_the_engines_description_as_alt_text(client, app):
    page = parse(client.get("/learn/activation?track=ages-9-12").get_data(as_text=True))
    assert page.images
    with app.app_context():
        description = media.plot("activations", {})["description"]
    assert page.images[0]["alt"] == description and description


def test_the_page_has_the_check_takeaways_and_next_steps(client, content_bank):
    html = client.get("/learn/neuron?track=ages-9-12").get_data(as_text=True)
    lesson = content_bank.lesson("neuron", "ages-9-12")
    assert f'data-item="{lesson.check.id}"' in html and 'id="check-form"' in html
    for takeaway in lesson.key_takeaways:
        assert takeaway.replace("'", "&#39;") in html
    assert "/learn/weights-and-biases" in html, "links the next lesson"
    assert 'data-demo="neuron-lab"' in html, "the demo is embedded where the message shows it"
    assert "correct" not in html.split('id="check"')[1].split("</section>")[0], "the check never carries its answer"


def test_unknown_lessons_are_404(client):
    assert client.get("/learn/no-such-concept?track=ages-9-12").status_code == 404
    assert client.get("/learn/neuron?track=ages-9-12&seed=99999999999999").status_code == 200


# ---- progress ---------------------------------------------------------------------------------------------------

URL = "/api/lessons/neuron/progress"


def test_a_guest_gets_one_progress_row_that_only_grows(api, db):
    before = count(db, Learner)
    r = api.post(URL, {"track": "ages-9-12", "messages_seen": 2})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["stored"] and body["messages_seen"] == 2 and not body["completed"] and not body["checked"]
    assert count(db, Learner) == before + 1
    guest = db.scalars(select(Learner).order_by(Learner.id.desc())).first()
    assert guest.is_guest and guest.track == "ages-9-12"
    for seen in (4, 1, 4):  # the same row; never goes backwards; a repeat stores nothing new
        assert api.post(URL, {"track": "ages-9-12", "messages_seen": seen}).status_code == 200
    assert count(db, Learner) == before + 1
    assert count(db, LessonProgress, learner_id=guest.id) == 1
    row = db.get(LessonProgress, (guest.id, "neuron"))
    assert row.messages_seen == 4 and not row.completed
    assert api.post(URL, {"track": "ages-9-12", "messages_seen": 4, "completed": True}).get_json()["completed"]


@pytest.mark.parametrize("body, status", [
    ({"track": "ages-9-12", "messages_seen": 99}, 422),
    ({"track": "ages-9-12", "messages_seen": -1}, 422),
    ({"track": "adults", "messages_seen": 1}, 422),
    ({"track": "ages-9-12", "messages_seen": 1, "checked": True}, 422),
    ({"track": "ages-9-12"}, 422),
    ({"track": "ages-9-12", "messages_seen": "two"}, 422),
])
def test_bad_progress_stores_nothing(api, db, body, status):
    learners, rows = count(db, Learner), count(db, LessonProgress)
    r = api.post(URL, body)
    assert r.status_code == status and r.get_json()["error"]["message"]
    assert (count(db, Learner), count(db, LessonProgress)) == (learners, rows)


def test_progress_for_an_unknown_lesson_or_without_csrf_stores_nothing(api, db):
    learners = count(db, Learner)
    assert api.post("/api/lessons/nope/progress", {"track": "ages-9-12", "messages_seen": 1}).status_code == 404
    assert api.post(URL, {"track": "ages-9-12", "messages_seen": 1}, csrf=False).status_code == 400
    assert api.post(URL, None, raw="messages_seen=1").status_code in (400, 415)
    assert (count(db, Learner), count(db, LessonProgress)) == (learners, 0)


def _right_answer(item) -> dict:
    if item.kind == "choice":
        return {"option": next(o.id for o in item.options if o.correct)}
    if item.kind == "truefalse":
        return {"value": item.answer}
    if item.kind == "order":
        return {"order": [s.id for s in item.steps]}
    raise AssertionError(item.kind)


@pytest.mark.parametrize("concept, track", [("neuron", "ages-9-12"), ("loss", "ages-5-8"),
                                            ("weights-and-biases", "ages-5-8")])
def test_the_check_answer_marks_the_lesson_checked(api, db, content_bank, concept, track):
    item = content_bank.lesson(concept, track).check
    url = f"/api/lessons/{concept}/progress"
    assert api.post(url, {"track": track, "messages_seen": 1}).get_json()["checked"] is False
    r = api.post("/api/attempts", {"item_id": item.id, "answer": _right_answer(item)},
                 headers={"Idempotency-Key": f"check-{concept}"})
    assert r.status_code == 200 and r.get_json()["correct"]
    body = api.post(url, {"track": track, "messages_seen": 1, "completed": True}).get_json()
    assert body["checked"] and body["check_correct"] and body["completed"]
    assert count(db, LessonProgress) == 1


def test_the_lessons_list_shows_progress(api, client):
    api.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 5, "completed": True})
    api.post("/api/lessons/activation/progress", {"track": "ages-9-12", "messages_seen": 1})
    html = client.get("/learn?track=ages-9-12").get_data(as_text=True)
    assert html.count("✓ Seen") == 1 and html.count("… Started") == 1


def test_the_progress_route_is_documented(client):
    doc = client.get("/api/openapi.json").get_json()
    operation = doc["paths"]["/api/lessons/{concept_id}/progress"]["post"]
    assert operation["requestBody"] and {"400", "404", "422"} <= set(operation["responses"])


# ---- the parts of a lesson page that are the same for everyone ---------------------------------------------------------

def test_a_lesson_page_shows_each_learners_own_progress_around_the_shared_parts(app, content_bank):
    """The conversation, the check question and the next steps are rendered once and reused; the progress and the
    name in the page are still each learner's own."""
    first, second = Api(app.test_client()), Api(app.test_client())
    item = content_bank.lesson("neuron", "ages-9-12").check
    first.post("/api/attempts", {"item_id": item.id, "answer": _right_answer(item)},
               headers={"Idempotency-Key": "shared-parts"})
    first.post(URL, {"track": "ages-9-12", "messages_seen": 3})  # progress reads the check answer from attempts
    second.post(URL, {"track": "ages-9-12", "messages_seen": 1})
    pages = [who.get("/learn/neuron?track=ages-9-12").get_data(as_text=True) for who in (first, second)]
    assert 'data-seen="3"' in pages[0] and 'data-seen="1"' in pages[1]
    assert "check-done" in pages[0] and "check-done" not in pages[1]
    shared = pages[1][pages[1].index('<ol class="conversation"'):pages[1].index('id="check-h"')]
    assert len(shared) > 1000 and shared in pages[0]


def test_the_shared_parts_never_carry_a_learners_name(app):
    api = Api(app.test_client())
    api.post(URL, {"track": "ages-9-12", "messages_seen": 1})
    name = api.get("/api/session").get_json()["user"]["name"]
    html = api.get("/learn/neuron?track=ages-9-12").get_data(as_text=True)
    assert html.count(name) == 1  # in the page's header only
    part = html[html.index('<ol class="conversation"'):]
    assert name not in part
