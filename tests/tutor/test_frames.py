"""Framed pages (tutor.frames): a lesson page filled in from its frame is byte for byte the page rendered whole,
for every kind of visitor and every state of their progress, and a template that would not survive framing is
rendered whole."""
from __future__ import annotations

import pytest
from flask import flash
from jinja2 import ChoiceLoader, DictLoader

from tests.tutor.test_accounts import add_guest_route, enter_code, learner_attempt, sign_up
from tests.tutor.test_lessons import _right_answer
from tutor import frames
from tutor.db import get_db
from tutor.services import accounts

PIN = "2468"
# Names that need escaping, so a frame that forgot to escape (or escaped twice) shows.
PARENT_NAME = 'Sam "the" <Parent> & Co'
CHILD_NAME = "Zoë <b>O'Neil</b> & Kiwi"
LESSONS = [("neuron", "ages-9-12"), ("loss", "ages-5-8"), ("weights-and-biases", "ages-13-plus")]


@pytest.fixture
def visitors(app, client):
    """A function that signs the test client in as one kind of visitor."""
    add_guest_route(app)

    def become(role: str):
        if role == "guest":
            client.get("/_test/guest")
        elif role == "parent":
            sign_up(client, "framed-parent@example.org", "parent", PARENT_NAME)
        elif role == "teacher":
            sign_up(client, "framed-teacher@example.org", "teacher", "Ms <Owl>")
        elif role == "learner":
            with app.app_context():
                db = get_db()
                parent = accounts.sign_up(db, email="framed-family@example.org", password="a long password 1",
                                          role="parent", display_name="Family")
                child = accounts.add_child(db, parent, nickname=CHILD_NAME, avatar="fox", track="ages-9-12",
                                           pin=PIN)
                code, child_id = parent.family_code, child.id
            enter_code(client, code)
            assert learner_attempt(client, child_id, pin=PIN).status_code == 302
    return become


class RenderSpy:
    def __init__(self, monkeypatch):
        self.calls = 0
        real = frames.render_template

        def counting(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(frames, "render_template", counting)


def whole_then_framed(app, client, path: str, spy: RenderSpy) -> tuple[str, str]:
    client.get("/")  # shows (and so clears) any message flashed at sign-in
    app.extensions.pop("tutor_frames", None)  # no frames yet: the next page is rendered whole (and framed)
    whole = client.get(path)
    before = spy.calls
    framed = client.get(path)
    assert whole.status_code == framed.status_code == 200
    assert spy.calls == before, "the second page should come from the frame, without rendering the template"
    return whole.get_data(as_text=True), framed.get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "guest", "learner", "parent", "teacher"])
def test_a_framed_lesson_page_is_the_page_rendered_whole(app, client, visitors, monkeypatch, role):
    visitors(role)
    spy = RenderSpy(monkeypatch)
    for concept, track in LESSONS:
        whole, framed = whole_then_framed(app, client, f"/learn/{concept}?track={track}", spy)
        assert framed == whole
        assert "\x00" not in framed
    if role == "learner":
        assert "Zoë &lt;b&gt;O&#39;Neil&lt;/b&gt; &amp; Kiwi" in framed
    if role == "parent":
        assert "Sam &#34;the&#34; &lt;Parent&gt; &amp; Co" in framed


@pytest.mark.parametrize("role", ["guest", "learner"])
def test_the_learners_progress_is_filled_in_for_every_state(app, client, api, visitors, monkeypatch, content_bank,
                                                            role):
    visitors(role)
    spy = RenderSpy(monkeypatch)
    concept, track = "neuron", "ages-9-12"
    path = f"/learn/{concept}?track={track}"
    item = content_bank.lesson(concept, track).check
    wrong = {"option": next(o.id for o in item.options if not o.correct)} if item.kind == "choice" else None
    pages = []

    def page() -> str:
        whole, framed = whole_then_framed(app, client, path, spy)
        assert framed == whole
        pages.append(framed)
        return framed

    def progress(seen: int) -> None:
        assert api.post(f"/api/lessons/{concept}/progress", {"track": track, "messages_seen": seen}).status_code == 200

    def answer(body: dict, key: str) -> None:
        assert api.post("/api/attempts", {"item_id": item.id, "answer": body},
                        headers={"Idempotency-Key": key}).status_code == 200

    assert 'data-seen="0"' in page()
    progress(3)
    assert 'data-seen="3"' in page() and "check-done" not in pages[-1]
    if wrong is not None:
        answer(wrong, "wrong-1")
        progress(4)
        assert "You tried this one before." in page()
    answer(_right_answer(item), "right-1")
    progress(5)
    assert "You did this one before." in page() and 'data-seen="5"' in pages[-1]


def test_one_frame_serves_everyone_of_a_shape(app, client, visitors, monkeypatch):
    """Two guests on the same lesson: the second one's page comes from the first one's frame, with their own token."""
    visitors("guest")
    path = "/learn/neuron?track=ages-9-12"
    app.extensions.pop("tutor_frames", None)
    first = client.get(path).get_data(as_text=True)
    spy = RenderSpy(monkeypatch)
    other = app.test_client()
    other.get("/_test/guest")
    second = other.get(path).get_data(as_text=True)
    assert spy.calls == 0
    token = other.get("/api/session").get_json()["csrf_token"]
    assert f'content="{token}"' in second and f'content="{token}"' not in first


def test_pending_flashed_messages_render_the_page_whole(app):
    with app.test_request_context("/"):
        flash("Saved & done")
        html = frames.render("learn/home.html", ("flash",), {"tracks": [], "emoji": {}}, {})
        assert "Saved &amp; done" in html
    assert "tutor_frames" not in app.extensions or not app.extensions["tutor_frames"].get(("flash",))


@pytest.mark.parametrize("body", [
    "<p>{{ seen + 1 }}</p>",  # arithmetic on a value
    "<p>{{ word | upper }}</p>",  # a filter that changes it
    "<p>{{ word | length }}</p>",  # a filter that replaces it
    "<p>{% if seen > 2 %}many{% endif %}</p>",  # a comparison
])
def test_a_template_that_changes_a_value_is_rendered_whole(app, body):
    app.jinja_env.loader = ChoiceLoader([DictLoader({"framed-test.html": body}), app.jinja_env.loader])
    for seen, word in [(3, "kiwi"), (4, "mango"), (1, "fig")]:
        with app.test_request_context("/"):
            html = frames.render("framed-test.html", ("t",), {}, {"seen": seen, "word": word})
            assert html == app.jinja_env.get_template("framed-test.html").render(seen=seen, word=word)
