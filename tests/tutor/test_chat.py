"""POST /api/chat and the chat page: the contract, errors without 500s or writes, answers made only of bank texts,
honest "not sure" replies, and privacy (topics for progress, never the words with who typed them)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tutor.models import ChatTopic, Learner, UnansweredQuestion
from tutor.services import chat as chat_service

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")


def counts(db):
    db.expire_all()
    return tuple(db.scalar(select(func.count()).select_from(m)) for m in (ChatTopic, UnansweredQuestion, Learner))


def lesson_texts(bank, concept, track):
    lesson = bank.lesson(concept, track)
    texts = {lesson.summary}
    for m in lesson.messages or []:
        texts.add(m.text)
        if m.why:
            texts.add(m.why)
    return texts


def all_training_questions(bank):
    return {q for qs in bank.chat.training.values() for q in qs}


def post(api, body, **kw):
    return api.post("/api/chat", body, csrf=False, **kw)


# ---------------------------------------------------------------- the contract


@pytest.mark.parametrize("track", TRACKS)
def test_a_question_is_answered_from_the_lesson_at_the_learners_track(api, content_bank, track):
    response = post(api, {"message": "why does the computer go backwards", "track": track})
    assert response.status_code == 200
    data = response.get_json()
    assert data["topic"] == "backpropagation" and data["status"] == "answered"
    assert 0 < data["confidence"] <= 1
    paragraphs = data["reply"].split("\n\n")
    assert paragraphs[0] == content_bank.lesson("backpropagation", track).summary
    assert set(paragraphs) <= lesson_texts(content_bank, "backpropagation", track)
    assert 2 <= len(data["suggestions"]) <= 3
    assert set(data["suggestions"]) <= all_training_questions(content_bank)
    assert data["title"] == content_bank.lesson("backpropagation", track).title
    for example in data["examples"]:
        assert example["url"].startswith("/api/examples/" if example["type"] == "example" else "/demos/")
    assert all(url.startswith("/plots/") and ".svg?" in url for url in data["plots"])
    assert [f["url"] for f in data["figures"]] == data["plots"]


@pytest.mark.parametrize("message,topic", [("wats a wieght", "weights-and-biases"), ("is it like a brain?", "neural-network")])
def test_childrens_own_words_are_understood(api, message, topic):
    assert post(api, {"message": message, "track": "ages-9-12"}).get_json()["topic"] == topic


def test_plots_carry_the_engines_description(api, content_bank):
    data = post(api, {"message": "is it like a brain?", "track": "ages-9-12"}).get_json()
    lesson = content_bank.lesson("neural-network", "ages-9-12")
    shows_plot = any(type(m.show).__name__ == "ShowPlot" for m in lesson.messages or [])
    assert bool(data["plots"]) == shows_plot
    for figure in data["figures"]:
        assert figure["alt"] and figure["url"].startswith("/plots/")


@pytest.mark.parametrize("track", TRACKS)
def test_off_topic_gets_an_honest_reply_and_the_closest_topics(api, content_bank, track):
    data = post(api, {"message": "whats for dinner tonight", "track": track}).get_json()
    assert data["topic"] is None and data["status"] in ("unsure", "off-topic")
    assert data["reply"] == chat_service.PHRASES[data["status"]][track]
    assert data["examples"] == [] and data["plots"] == []
    assert 2 <= len(data["suggestions"]) <= 3
    assert set(data["suggestions"]) <= all_training_questions(content_bank)
    assert [c["id"] for c in data["closest"]] and all(0 <= c["confidence"] <= 1 for c in data["closest"])


def test_every_suggestion_is_understood_when_tapped(app, content_bank):
    with app.app_context():
        for concept in content_bank.concept_ids:
            question = chat_service.canonical_question(content_bank, concept)
            body, found = chat_service.reply(question, "ages-9-12")
            assert found.topic == concept, question


def test_replies_are_only_bank_texts_for_every_held_out_question(app, content_bank):
    phrases = {p for by_track in chat_service.PHRASES.values() for p in by_track.values()}
    with app.app_context():
        for track in TRACKS:
            for concept, questions in content_bank.chat.held_out.items():
                for question in questions:
                    body, _ = chat_service.reply(question, track)
                    if body["topic"] is None:
                        assert body["reply"] in phrases
                    else:
                        assert set(body["reply"].split("\n\n")) <= lesson_texts(content_bank, body["topic"], track)


def test_how_did_you_understand_me(api):
    data = post(api, {"message": "why does it go backwards??", "track": "ages-9-12"}).get_json()
    how = data["how"]
    assert how["topic"] == "backpropagation"
    assert how["network"]["activations"] == ["relu", "softmax"]
    assert how["network"]["sizes"][-1] == len(how["network"]["outputs"])
    assert "backwards" in [w["text"] for w in how["words"]]
    assert len(how["top"]) == 3 and how["top"][0]["topic"] == "backpropagation"
    assert how["top"][0]["confidence"] == pytest.approx(data["confidence"])
    assert 0 < how["threshold"] < 1


def test_a_reply_reads_the_message_once_and_each_lessons_messages_once(app, content_bank, monkeypatch):
    # Speed without changing results: the recogniser's reading of a message is shared by recognise() and explain(),
    # and a lesson's messages are featurised once per process, so a reply counts n-grams for two texts only (the
    # message as the recogniser reads it, and as typed for picking the lesson message).
    from tutor import recogniser as rec

    calls = []
    original = rec._counts
    monkeypatch.setattr(rec, "_counts", lambda texts, *a, **kw: calls.append(len(texts)) or original(texts, *a, **kw))
    with app.app_context():
        chat_service.reply("why does the computer go backwards", "ages-9-12")  # may featurise the lesson once
        rec.shipped()._readings.clear()  # a message seen before (another database's run) is not read again
        calls.clear()
        body, found = chat_service.reply("why does my computer go backwards", "ages-9-12")
    assert found.topic == "backpropagation" and body["how"]["topic"] == "backpropagation"
    assert calls == [1, 1]


def test_cached_lesson_features_pick_the_same_message_as_fresh_ones(content_bank):
    import numpy as np

    from tutor import recogniser as rec

    for concept in content_bank.concept_ids:
        lesson = content_bank.lesson(concept, "ages-13-plus")
        messages = list(lesson.messages or [])
        for question in content_bank.chat.training[concept][:5]:
            fresh = rec.features([m.text + (" " + m.why if m.why else "") for m in messages])
            expected = messages[int(np.argmax(fresh @ rec.features([question])[0]))] if messages else None
            assert chat_service._best_message(lesson, question) is expected
            assert chat_service._best_message(lesson, question) is expected  # second time from the cache


def test_track_defaults_to_the_sessions_then_ages_9_12(client, api, content_bank):
    data = post(api, {"message": "why does it go backwards"}).get_json()
    assert data["reply"].split("\n\n")[0] == content_bank.lesson("backpropagation", "ages-9-12").summary
    with client.session_transaction() as session:
        session["track"] = "ages-5-8"
    data = post(api, {"message": "why does it go backwards"}).get_json()
    assert data["reply"].split("\n\n")[0] == content_bank.lesson("backpropagation", "ages-5-8").summary


def test_chat_is_documented_in_the_openapi_document(client):
    doc = client.get("/api/openapi.json").get_json()
    operation = doc["paths"]["/api/chat"]["post"]
    assert {"200", "400", "422"} <= set(operation["responses"])
    reply = doc["components"]["schemas"]["ChatReply"]
    assert {"topic", "confidence", "reply", "examples", "plots", "suggestions"} <= set(reply["required"])


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("body,status", [
    ({"message": ""}, 422),
    ({"message": "   \n "}, 422),
    ({"message": "x" * 501}, 422),
    ({"message": "what is a weight", "track": "ages-99"}, 422),
    ({"message": "what is a weight", "extra": 1}, 422),
    ({"message": 42}, 422),
    ({}, 422),
    ([], 422),
])
def test_bad_input_is_a_clear_4xx_and_stores_nothing(api, db, body, status):
    before = counts(db)
    response = post(api, body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    assert counts(db) == before


def test_malformed_json_and_other_content_types(api, client, db):
    before = counts(db)
    response = api.post("/api/chat", raw="{not json", csrf=False)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed_json"
    response = client.post("/api/chat", data="message=hi", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "error" in response.get_json()
    assert client.get("/api/chat").status_code == 405
    assert counts(db) == before


def test_exactly_500_characters_are_accepted(api):
    assert post(api, {"message": "weights " * 62 + "abcd"}).status_code == 200


def test_no_csrf_token_is_needed_but_other_writes_still_need_one(client):
    response = client.post("/api/chat", data=json.dumps({"message": "what is a weight"}),
                           content_type="application/json")
    assert response.status_code == 200


# ---------------------------------------------------------------- privacy


def _sign_in_guest(app):
    """A guest learner signed in on the test client's session, the way learner pages do it."""
    from tutor import identity

    @app.get("/_test/guest")
    def _guest():
        return str(identity.current_or_new_guest("ages-9-12").id)

    return _guest


def test_chat_keeps_topics_for_progress_but_never_the_words(app, client, db):
    _sign_in_guest(app)
    learner_id = int(client.get("/_test/guest").get_data(as_text=True))
    secret = "why does it go backwards zebra1234"
    assert client.post("/api/chat", json={"message": secret}).get_json()["topic"] == "backpropagation"
    off = "Tell Priya in 5B to write to priya.k@example.com about 42 pizzas"
    assert client.post("/api/chat", json={"message": off}).get_json()["topic"] is None

    db.expire_all()
    topics = db.scalars(select(ChatTopic)).all()
    assert [(t.learner_id, t.topic, t.track) for t in topics] == [(learner_id, "backpropagation", "ages-9-12")]
    unanswered = db.scalars(select(UnansweredQuestion)).all()
    assert len(unanswered) == 1
    stored = unanswered[0]
    assert not hasattr(stored, "learner_id")
    assert "Priya" not in stored.text and "@" not in stored.text and "42" not in stored.text and "5B" not in stored.text
    assert "pizzas" in stored.text
    assert (stored.created_at.hour, stored.created_at.minute, stored.created_at.second) == (0, 0, 0)

    # Nothing anywhere in the database holds the words typed with the learner's identity.
    dump = json.dumps([[str(v) for v in row] for table in ("chat_topics", "unanswered_questions", "learners")
                       for row in db.execute(select(*_table(db, table).c)).all()])
    assert "zebra" not in dump and "backwards" not in dump and "priya" not in dump.lower()


def _table(db, name):
    from tutor.db import Base

    return Base.metadata.tables[name]


def test_chatting_without_signing_in_creates_no_guest(client, db):
    before = counts(db)
    client.post("/api/chat", json={"message": "what is a weight"})
    client.post("/api/chat", json={"message": "what is the capital of peru"})
    after = counts(db)
    assert after[2] == before[2]  # no learner row
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1
    db.expire_all()
    assert db.scalars(select(ChatTopic)).one().learner_id is None


# ---------------------------------------------------------------- the scrubber


def test_scrub_examples():
    scrub = chat_service.scrub
    assert scrub("my name is Sam and im 9") == "my name is [name] and im #"
    assert scrub("email me at kid_99@school.org.uk now") == "email me at [email] now"
    assert scrub("Why does ReLU help? Ask Mr Jones.") == "Why does ReLU help? Ask Mr [name]."
    assert scrub("ella told me AI is alive") == "[name] told me AI is alive"
    assert scrub("see https://example.com/x?id=7") == "see [link]"
    assert len(scrub("a" * 1000)) == chat_service.MAX_STORED


names = st.sampled_from(sorted(chat_service.FIRST_NAMES)).map(str.capitalize) | \
    st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True).filter(lambda w: w.lower() not in chat_service.KNOWN_TERMS)
emails = st.emails()
words = st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=600))
def test_scrubbed_text_has_no_digits_and_fits_the_column(text):
    out = chat_service.scrub(text)
    assert not any(ch.isdigit() for ch in out if ch.isascii())
    assert len(out) <= chat_service.MAX_STORED


@settings(max_examples=60, deadline=None)
@given(words, names, words)
def test_a_name_inside_a_sentence_never_survives(before, name, after):
    out = chat_service.scrub(f"{before} {name} {after}")
    assert name not in out.split()
    assert "[name]" in out


@settings(max_examples=60, deadline=None)
@given(words, emails, words)
def test_an_email_address_never_survives(before, email, after):
    out = chat_service.scrub(f"{before} {email} {after}")
    assert email not in out and "@" not in out
    assert "[email]" in out


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_scrubbing_twice_changes_nothing_more(text):
    once = chat_service.scrub(text)
    assert chat_service.scrub(once) == once


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("track", TRACKS)
def test_chat_page(client, track):
    with client.session_transaction() as session:
        session["track"] = track
    html = client.get("/chat/").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert 'for="chat-input"' in html and 'id="chat-input"' in html
    assert 'role="log"' in html and "chat.js" in html and "chat.css" in html
    assert f'data-track="{track}"' in html
    assert chat_service.PHRASES["hello"][track].replace("'", "&#39;") in html
    assert "style=" not in html.split("<main", 1)[1]
    assert ("gentle" in html.split("<body", 1)[1].split(">", 1)[0]) == (track == "ages-5-8")


@pytest.mark.parametrize("track", TRACKS)
def test_no_reply_says_the_same_thing_twice(api, content_bank, track):
    """The summary opens every answer; a lesson message that mostly repeats it is left out of the reply."""
    import numpy as np

    from tutor import recogniser as rec
    from tutor.services import chat

    for lesson in content_bank.concepts(track):
        question = chat.canonical_question(content_bank, lesson.id)
        paragraphs = post(api, {"message": question, "track": track}).get_json()["reply"].split("\n\n")
        X = rec.features(paragraphs)
        X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
        similar = X @ X.T - np.eye(len(paragraphs))
        assert similar.max() < chat.RESTATES, (lesson.id, paragraphs)


# ---- small talk: what children type that is not a question ------------------------------------------------------------

SMALL_TALK = [("hi", "hello"), ("Hello!!", "hello"), ("hey there", "hello"), ("thank you", "thanks"),
              ("Thanks!", "thanks"), ("I don't get it", "confused"), ("i dont understand", "confused"),
              ("huh?", "confused"), ("I’m confused…", "confused")]


@pytest.mark.parametrize("track", TRACKS)
@pytest.mark.parametrize("message, kind", SMALL_TALK)
def test_small_talk_gets_a_friendly_word_and_the_starter_questions_and_stores_nothing(app, api, db, track, message,
                                                                                     kind):
    before = counts(db)
    data = post(api, {"message": message, "track": track}).get_json()
    assert data["status"] == "small-talk" and data["topic"] is None
    assert data["reply"] == chat_service.PHRASES[kind][track]
    with app.app_context():
        assert data["suggestions"] == chat_service.starter_questions(track, 3)
    assert data["examples"] == [] and data["plots"] == [] and data.get("how") is None
    assert counts(db) == before  # not a question: nothing to record


@pytest.mark.parametrize("message", ["hi, what is a neuron", "help me understand backpropagation",
                                     "thank you but why does it go backwards"])
def test_a_question_with_a_greeting_is_still_a_question(api, message):
    data = post(api, {"message": message, "track": "ages-9-12"}).get_json()
    assert data["status"] != "small-talk"


def test_no_question_about_a_topic_is_taken_for_small_talk(content_bank):
    """Small talk is matched before the recogniser: no training or held-out question may be caught by it. (The
    off-topic evaluation set's "hello" is: it gets the greeting, not "I don't know about that".)"""
    chat = content_bank.chat
    questions = [q for qs in (*chat.training.values(), *chat.held_out.values()) for q in qs]
    assert [q for q in questions if chat_service.small_talk(q)] == []
    assert {q for q in chat.off_topic if chat_service.small_talk(q)} <= SMALL_TALK_WORDS


SMALL_TALK_WORDS = {"hello", "hi", "thanks", "thank you"}
