"""Fixes from the third review pass on the learner side, each read where a child meets it: the demo a lesson message
shows speaks at the lesson's track, no 5-8 lesson "Show me" opens an engine plot (their labels say relu, loss, epoch,
0.267), and the question chips a 5-8-year-old taps in the chat use that track's words."""
from __future__ import annotations

import re

import pytest

from tutor.services import chat as chat_service

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")

# Words a 6-year-old should not meet on a chip (the 5-8 lessons say robot, helpers, knobs, the hill).
GROWN_UP = re.compile(r"gradient|backprop|activation|function|forward pass|\bloss\b|learning rate|training loop|"
                      r"overfit|epoch|relu|sigmoid|softmax|\bbias\b|parameter|\d\.\d", re.IGNORECASE)

DEMO_TAG = re.compile(r'data-demo="([a-z-]+)" data-track="([a-z0-9-]*)"')


@pytest.mark.parametrize("track", TRACKS)
def test_the_demo_a_lesson_message_shows_speaks_at_the_lessons_track(client, content_bank, track):
    """The review found the 5-8 neuron lesson's "Show me" open the 9-12 neuron lab ("z = 0.100 a = 0.525",
    "adds them up with the bias, then the activation…"): the cached lesson parts rendered the demos without a track."""
    shown = 0
    for lesson in content_bank.concepts(track):
        if not any(type(m.show).__name__ == "ShowDemo" for m in lesson.messages or []):
            continue
        html = client.get(f"/learn/{lesson.id}?track={track}").get_data(as_text=True)
        demos = DEMO_TAG.findall(html)
        assert demos, lesson.id
        assert {t for _, t in demos} == {track}, (lesson.id, demos)
        if track == "ages-5-8":
            assert 'data-gentle="false"' not in html, lesson.id
        shown += 1
    assert shown


def test_no_5_to_8_lesson_shows_an_engine_plot(client, content_bank, app):
    """Engine plots are labelled for older learners ("relu", "sigmoid", "loss L(w)", "lr 0.267", "epoch",
    "hidden (relu)", 0.46): a 5-8 "Show me" opens a gentle demo instead, and the chat shows no plot either."""
    for lesson in content_bank.concepts("ages-5-8"):
        html = client.get(f"/learn/{lesson.id}?track=ages-5-8").get_data(as_text=True)
        assert "/plots/" not in html, lesson.id
    with app.app_context():
        for lesson in content_bank.concepts("ages-5-8"):
            body, _ = chat_service.reply(lesson.title, "ages-5-8")
            assert body["topic"] == lesson.id
            assert body["figures"] == [] and body["plots"] == [], (lesson.id, body["figures"])


def test_the_5_to_8_chips_use_the_tracks_words_and_are_understood_when_tapped(app, content_bank):
    with app.app_context():
        training = {q for qs in content_bank.chat.training.values() for q in qs}
        for lesson in content_bank.concepts("ages-5-8"):
            question = chat_service.canonical_question(content_bank, lesson.id, "ages-5-8")
            assert not GROWN_UP.search(question), (lesson.id, question)
            assert question in training
            body, found = chat_service.reply(question, "ages-5-8")
            assert found.topic == lesson.id, (lesson.id, question)
            assert not any(GROWN_UP.search(q) for q in body["suggestions"]), body["suggestions"]
        starters = chat_service.starter_questions("ages-5-8", 6)
        assert len(starters) == 6 and not any(GROWN_UP.search(q) for q in starters), starters
        # An unsure reply's chips too.
        body, _ = chat_service.reply("whats for dinner tonight", "ages-5-8")
        assert body["suggestions"] and not any(GROWN_UP.search(q) for q in body["suggestions"])
        # Older tracks keep the plain "what is gradient descent" questions.
        assert chat_service.canonical_question(content_bank, "gradient-descent", "ages-9-12") == \
            content_bank.chat.training["gradient-descent"][0]


def test_the_5_to_8_chat_page_starts_with_chips_in_the_tracks_words(client):
    token = client.get("/api/session").get_json()["csrf_token"]
    assert client.post("/track", data={"track": "ages-5-8", "csrf_token": token}).status_code == 302
    html = client.get("/chat/").get_data(as_text=True)
    chips = re.findall(r'data-ask="([^"]+)"', html)
    assert len(chips) == 6 and not any(GROWN_UP.search(q) for q in chips), chips
