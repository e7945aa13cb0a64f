"""The chat tutor: recognise what a learner asks, answer only with the bank's reviewed texts at their track, and keep
the topic and confidence (never the words) for progress; questions it could not answer are kept only scrubbed.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import numpy as np
from sqlalchemy.orm import Session

from content import Bank
from content.schema import Lesson, ShowDemo, ShowExample, ShowPlot

from .. import recogniser as rec
from ..content_bank import bank
from ..db import writer_turn
from ..errors import Invalid
from ..models import ChatTopic, UnansweredQuestion
from . import grading

MAX_MESSAGE = 500
MAX_STORED = 300

# Reviewed phrases for when the tutor cannot answer, at each track's reading level. Everything else the chat says
# is a lesson text from the content bank, word for word.
PHRASES: dict[str, dict[str, str]] = {
    "hello": {
        "ages-5-8": "Hi! Ask me about how computers learn. Or tap a question below.",
        "ages-9-12": "Hi! Ask me anything about how neural networks learn, in your own words. Spelling does not matter.",
        "ages-13-plus": "Ask me about how neural networks work and learn. I will answer from the lessons and show you "
                        "how I understood your question.",
    },
    "unsure": {
        "ages-5-8": "Hmm, I am not sure what you mean. Did you want to ask one of these?",
        "ages-9-12": "I'm not sure what you mean, and I don't want to guess. Were you asking about one of these?",
        "ages-13-plus": "I'm not confident I understood that, so I won't guess. These are the closest topics I know:",
    },
    "thanks": {
        "ages-5-8": "You're welcome! Do you want to ask me something else?",
        "ages-9-12": "You're welcome! Ask me anything else about how neural networks learn.",
        "ages-13-plus": "You're welcome. Ask me anything else about how neural networks work and learn.",
    },
    "confused": {
        "ages-5-8": "That's OK! Learning takes a few tries. Tap a question below, or ask me in your own words.",
        "ages-9-12": "That's OK, it often takes a couple of tries. Ask me about the part that was confusing, in your "
                     "own words, or start with one of these:",
        "ages-13-plus": "No problem. Tell me which part didn't make sense (the more specific, the better), or start "
                        "from one of these:",
    },
    "off-topic": {
        "ages-5-8": "I don't know about that. I only know how computers learn. You can ask me one of these!",
        "ages-9-12": "That's not something I know about. I can only answer questions about how neural networks "
                     "learn. You could ask me one of these:",
        "ages-13-plus": "That's outside what I can answer: I only cover how neural networks work and learn. "
                        "Some questions I can answer:",
    },
}

# ---------------------------------------------------------------- privacy

_EMAIL = re.compile(r"\S*@\S+")  # anything around an @: addresses, and handles like @sam too
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?]\s*$")

# Capitalised words that are not names: the pronoun I, and the terms children type about this subject.
KNOWN_TERMS = frozenset("""
i i'm i've i'd i'll ai ml nn relu sigmoid tanh softmax mse gpu cpu chatgpt gpt llm api json python perceptron
neural network networks neuron neurons backprop backpropagation gradient descent epoch epochs loss bias weights weight
mr mrs ms miss dr sir
""".split())

# Common first names (ambiguous everyday words such as "will", "may", "mark" or "rose" are left out on purpose;
# capitalised names are caught by the capital-letter rule anyway).
FIRST_NAMES = frozenset("""
aaliyah adam aiden alex alfie alice amelia amy andrew anna archie arthur ava ben benjamin charlie charlotte chloe
daniel david dylan ella ellie emily emma ethan evie finn freddie george grace hannah harper harry henry isabella isla
isaac jack jacob james jessica john joshua kai katie leo liam lily lucas lucy luke maya mia mohammed muhammad noah
oliver olivia oscar poppy ruby ryan sam samuel sarah sofia sophia sophie thomas tom william zara zoe
""".split())


def scrub(text: str, known_terms: frozenset[str] = KNOWN_TERMS) -> str:
    """A question with what could identify someone taken out: links -> [link], e-mail addresses -> [email],
    digits -> '#', names (capitalised words inside a sentence, and common first names anywhere) -> [name];
    at most MAX_STORED characters."""
    text = _URL.sub("[link]", text)
    text = _EMAIL.sub("[email]", text)
    text = _DIGIT.sub("#", text)
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        before = text[last:match.start()]
        out.append(before)
        lower = word.lower()
        sentence_start = not "".join(out).strip() or bool(_SENTENCE_END.search("".join(out)))
        is_marker = match.start() > 0 and text[match.start() - 1] == "[" and lower in ("link", "email", "name")
        if is_marker:
            out.append(word)
        elif lower in FIRST_NAMES:
            out.append("[name]")
        elif word[0].isupper() and not sentence_start and lower not in known_terms:
            out.append("[name]")
        else:
            out.append(word)
        last = match.end()
    out.append(text[last:])
    return "".join(out)[:MAX_STORED]


# ---------------------------------------------------------------- answers from the bank


def known_track(track: str) -> str:
    if bank().track(track) is None:
        raise Invalid(f"Unknown track '{track}'.", [{"field": "track", "message": "unknown track"}])
    return track


# The chips a 5-8-year-old taps: one of the bank's training questions per concept, picked by hand in the words of
# that track's lessons (robot, helpers, knobs, the hill), never "gradient descent" or "activation function".
# A question no longer in the bank falls back to the first one (a test checks each is understood when tapped).
GENTLE_QUESTIONS: dict[str, str] = {
    "neural-network": "is it like a brain?",
    "neuron": "how does a tiny helper in the network work",
    "weights-and-biases": "what do the knobs inside the network do",
    "activation": "what does the go or stop rule do",
    "layers-and-deep-learning": "how many rows of neurons should a network have",
    "forward-pass": "how does the network make a guess",
    "loss": "how far off was the guess",
    "backpropagation": "why does the fixing start at the end",
    "gradient-descent": "how does the network walk down the hill",
    "learning-rate": "what happens if the steps are too big",
    "training-loop": "does it guess and fix loads of times",
    "overfitting": "why is memorising bad",
    "data-and-bias": "can ai be unfair",
    "ai-in-daily-life": "how does my phone know my face",
    "limits-of-ai": "does the robot understand me",
}


def canonical_question(content: Bank, concept: str, track: str | None = None) -> str:
    """The question a suggestion chip asks about a concept: the first of the bank's training questions for it, or on
    the gentle track (ages 5-8) the one picked in that track's words."""
    questions = content.chat.training.get(concept) or ()
    gentle = content.track(track) if track else None
    if gentle is not None and gentle.gentle and GENTLE_QUESTIONS.get(concept) in questions:
        return GENTLE_QUESTIONS[concept]
    return questions[0] if questions else concept.replace("-", " ")


def _related(content: Bank, concept: str, track: str) -> list[str]:
    """Up to three concepts to suggest next: the one after it, what builds on it, then what it builds on."""
    lessons = content.concepts(track)
    ids = [l.id for l in lessons]
    lesson = content.lesson(concept, track)
    found: list[str] = []
    if concept in ids and ids.index(concept) + 1 < len(ids):
        found.append(ids[ids.index(concept) + 1])
    found += [l.id for l in lessons if concept in l.prerequisites]
    found += list(lesson.prerequisites if lesson else [])
    unique = [c for c in dict.fromkeys(found) if c != concept and c in ids]
    return unique[:3]


# id(lesson) -> (lesson, features of its messages, which of them restate its summary): each lesson's messages are
# featurised once per process. The lesson itself is kept in the entry, so its id cannot be reused by another object
# while the entry exists.
_MESSAGE_FEATURES: dict[int, tuple[Lesson, np.ndarray, list[bool]]] = {}
RESTATES = 0.6  # cosine of word features at or above which a message says what the lesson's summary says


def _lesson_features(lesson: Lesson, messages: list) -> tuple[np.ndarray, list[bool]]:
    cached = _MESSAGE_FEATURES.get(id(lesson))
    if cached is not None and cached[0] is lesson:
        return cached[1], cached[2]
    X = rec.features([m.text + (" " + m.why if m.why else "") for m in messages])
    texts = rec.features([lesson.summary] + [m.text for m in messages])
    texts = texts / np.maximum(np.linalg.norm(texts, axis=1, keepdims=True), 1e-12)
    restates = [bool(r >= RESTATES) for r in texts[1:] @ texts[0]]
    if len(_MESSAGE_FEATURES) >= 512:
        _MESSAGE_FEATURES.clear()
    _MESSAGE_FEATURES[id(lesson)] = (lesson, X, restates)
    return X, restates


def _message_features(lesson: Lesson, messages: list) -> np.ndarray:
    return _lesson_features(lesson, messages)[0]


def _restates_summary(lesson: Lesson, message) -> bool:
    """A message that mostly repeats the summary the reply already starts with (the review read two paragraphs in a
    row saying "Backpropagation starts at the mistake at the output and works backwards")."""
    messages = list(lesson.messages or [])
    return _lesson_features(lesson, messages)[1][messages.index(message)]


def _best_message(lesson: Lesson, question: str):
    """The lesson message whose words overlap most with the question (the first one on a tie or no overlap)."""
    messages = list(lesson.messages or [])
    if not messages:
        return None
    X = _message_features(lesson, messages)
    q = rec.features([question])[0]
    return messages[int(np.argmax(X @ q))]


def example_url(kind: str, track: str, params: dict[str, Any]) -> str:
    return f"/api/examples/{kind}?" + urlencode({"seed": 0, "track": track, **params})


def plot_url(name: str, params: dict[str, Any]) -> str:
    return f"/plots/{name}.svg?" + urlencode({"seed": 0, **params})


@lru_cache(maxsize=64)
def plot_description(name: str, params: tuple[tuple[str, Any], ...]) -> str:
    """The engine's own one-sentence description of a plot (deterministic, so cached per process)."""
    from engine import plots

    try:
        return plots.render(name, **dict(params))[1]
    except ValueError:
        return ""


def _media(lesson: Lesson, first, track: str) -> tuple[list[dict], list[str], list[dict]]:
    """Examples, demos and plots the lesson shows, the chosen message's own first: at most one of each kind."""
    examples: list[dict] = []
    plots: list[str] = []
    figures: list[dict] = []
    messages = [first] + [m for m in lesson.messages or [] if m is not first] if first else list(lesson.messages or [])
    for m in messages:
        show = m.show
        # `url` is the JSON (for programs); `page` is where a person sees it: the lesson, at the message that shows
        # the worked example with the engine's numbers, or the demo's own page.
        if isinstance(show, ShowExample) and not any(e["type"] == "example" for e in examples):
            examples.append({"type": "example", "kind": show.example, "url": example_url(show.example, track, show.params),
                             "page": grading.lesson_link(lesson.concept, track, m.id)})
        elif isinstance(show, ShowDemo) and not any(e["type"] == "demo" for e in examples):
            examples.append({"type": "demo", "kind": show.demo, "url": f"/demos/{show.demo}",
                             "page": f"/demos/{show.demo}?" + urlencode({"track": track})})
        elif isinstance(show, ShowPlot) and not plots:
            url = plot_url(show.plot, show.params)
            plots.append(url)
            figures.append({"url": url, "alt": plot_description(show.plot, tuple(sorted(show.params.items())))})
    return examples, plots, figures


def _titles(content: Bank, track: str) -> dict[str, str]:
    return {l.id: l.title for l in content.concepts(track)}


def _how(recogniser: rec.Recogniser, message: str, topic: str | None, titles: dict[str, str]) -> dict[str, Any]:
    how = recogniser.explain(message, topic)
    for entry in how["top"]:
        entry["title"] = titles.get(entry["topic"], entry["topic"])
    how["threshold"] = recogniser.threshold
    how["topic_title"] = titles.get(how["topic"], how["topic"])
    return how


# What children type that is not a question: a greeting, a thank-you, or saying they are lost. The recogniser was
# trained on questions about the lessons, so it calls these "not sure" or "I don't know about that"; they get a
# friendly word and the starter questions instead. Matched whole (after the recogniser's normalise: lower case, apostrophes and punctuation dropped), never as part of a
# longer message ("hi, what is a neuron" is a question).
SMALL_TALK: dict[str, frozenset[str]] = {
    "hello": frozenset({"hi", "hello", "hey", "hiya", "hi there", "hello there", "hey there", "good morning",
                        "good afternoon", "good evening", "howdy", "yo", "hola", "hallo", "sup", "whats up"}),
    "thanks": frozenset({"thanks", "thank you", "thankyou", "thx", "ty", "thanks a lot", "thank you very much",
                         "ok thanks", "ok thank you", "cool thanks", "cheers", "great thanks"}),
    "confused": frozenset({"i dont get it", "i do not get it", "i dont understand", "i do not understand",
                           "i dont understand it", "i dont get this", "i dont understand this", "i dont know",
                           "confused", "im confused", "i am confused", "so confused", "huh", "what", "wat", "wut",
                           "help", "help me", "i need help", "i am lost", "im lost", "lost"}),
}


def small_talk(text: str) -> str | None:
    """Which kind of small talk `text` is, if it is only that ("hello", "thanks", "confused"), else None."""
    said = rec.normalise(text)
    return next((kind for kind, phrases in SMALL_TALK.items() if said in phrases), None)


def _small_talk_reply(kind: str, track: str) -> dict[str, Any]:
    return {"topic": None, "status": "small-talk", "confidence": 0.0, "reply": PHRASES[kind][track], "title": None,
            "examples": [], "plots": [], "figures": [], "closest": [],
            "suggestions": starter_questions(track, 3)}


def reply(message: str, track: str,
          recogniser: rec.Recogniser | None = None) -> tuple[dict[str, Any], rec.Recognition | None]:
    """The chat answer for `message` at `track` (no storage): see tutor.views.chat.ChatReply for the shape. The
    recognition is None for small talk (a greeting, a thank-you, "I don't get it"), which is not a question."""
    known_track(track)
    text = message.strip()
    if not text or len(text) > MAX_MESSAGE:
        raise Invalid(f"Write a question of 1 to {MAX_MESSAGE} characters.",
                      [{"field": "message", "message": f"must be 1 to {MAX_MESSAGE} characters"}])
    if (kind := small_talk(text)) is not None:
        return _small_talk_reply(kind, track), None
    content = bank()
    recogniser = recogniser or rec.shipped()
    found = recogniser.recognise(text)
    titles = _titles(content, track)
    lesson = content.lesson(found.topic, track) if found.topic else None
    if lesson is None:
        closest = [c for c, _ in found.ranked[:3]]
        body = {
            "topic": None, "status": found.status, "confidence": found.confidence,
            "reply": PHRASES[found.status if found.status in PHRASES else "unsure"][track],
            "title": None, "examples": [], "plots": [], "figures": [],
            "suggestions": [canonical_question(content, c, track) for c in closest],
            "closest": [{"id": c, "title": titles.get(c, c), "confidence": p} for c, p in found.ranked[:3]],
        }
    else:
        best = _best_message(lesson, text)
        paragraphs = [lesson.summary]
        if best is not None:
            if not _restates_summary(lesson, best):
                paragraphs.append(best.text)
            if best.why and track != "ages-5-8":
                paragraphs.append(best.why)
        examples, plots, figures = _media(lesson, best, track)
        related = _related(content, lesson.id, track)
        body = {
            "topic": lesson.id, "status": "answered", "confidence": found.confidence,
            "reply": "\n\n".join(paragraphs), "title": lesson.title,
            "examples": examples, "plots": plots, "figures": figures,
            "suggestions": [canonical_question(content, c, track) for c in related],
            "closest": [{"id": c, "title": titles.get(c, c), "confidence": p} for c, p in found.ranked[:3]],
            "lesson_url": f"/learn/{lesson.id}",
        }
    body["how"] = _how(recogniser, text, found.topic or found.ranked[0][0], titles)
    return body, found


def answer(db: Session, message: str, track: str, learner_id: int | None,
           recogniser: rec.Recogniser | None = None) -> dict[str, Any]:
    """Reply to a chat message and record what it was about.

    Answered: a ChatTopic (learner id only when a learner or guest is signed in, topic, confidence, track), never the
    text. Small talk (a greeting, a thank-you, "I don't get it"): nothing. Not answered: an UnansweredQuestion with the text scrubbed, no learner id, and only the day it was asked
    (so it cannot be matched to a learner's activity by its time).
    """
    body, found = reply(message, track, recogniser)
    if found is None:  # small talk: nothing to learn from, nothing stored
        return body
    if found.topic is not None:
        db.add(ChatTopic(learner_id=learner_id, topic=found.topic, confidence=found.confidence, track=track))
    else:
        today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        db.add(UnansweredQuestion(text=scrub(message.strip()), track=track, best_guess=found.ranked[0][0],
                                  confidence=found.confidence, created_at=today))
    with writer_turn(db.connection()):  # SQLite: queue for the write lock (every chat message writes a row)
        db.commit()
    return body


def starter_questions(track: str, count: int = 4) -> list[str]:
    """Questions for the chips on an empty chat: the first concepts of the track."""
    content = bank()
    return [canonical_question(content, l.id, track) for l in content.concepts(known_track(track))[:count]]
