"""The chat tutor: the /chat/ page and POST /api/chat (the one JSON write without a CSRF token: it changes nothing
a forged request could abuse, and it never stores the words with who typed them)."""
from __future__ import annotations

import re
from typing import Literal

from flask import Blueprint, render_template, request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..content_bank import bank
from ..db import get_db
from ..identity import current_learner, current_track
from ..models import TRACK_IDS
from ..security import csrf
from ..services import chat
from .api import bp as api_bp
from .api import spec

bp = Blueprint("chat", __name__, url_prefix="/chat")

DEFAULT_TRACK = "ages-9-12"
TrackId = Literal["ages-5-8", "ages-9-12", "ages-13-plus"]


class ChatBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=chat.MAX_MESSAGE, description="What the learner typed")
    track: TrackId | None = Field(default=None, description="Age track; the session's track (or ages-9-12) if left out")

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("write a question")
        return value


class ChatExample(BaseModel):
    type: Literal["example", "demo"] = Field(description="a worked example from the engine, or an interactive demo")
    kind: str = Field(description="engine example kind or demo id")
    url: str = Field(description="the example's JSON (GET /api/examples/...) or the demo's page")
    page: str = Field(description="where a person sees it: the lesson at the message showing the worked example, "
                                  "or the demo's page for the track")


class ChatFigure(BaseModel):
    url: str
    alt: str = Field(description="the engine's description of the plot")


class ChatTopicScore(BaseModel):
    id: str
    title: str
    confidence: float = Field(ge=0, le=1)


class HowScore(BaseModel):
    text: str
    score: float
    read_as: str | None = Field(default=None, description="the word as the tutor read it (slang and misspellings "
                                                             "fixed); letter groups have none")


class HowTop(BaseModel):
    topic: str
    title: str
    confidence: float = Field(ge=0, le=1)


class HowNetwork(BaseModel):
    sizes: list[int]
    activations: list[str]
    inputs: str
    hidden: int
    outputs: list[str]
    networks: int = Field(default=1, description="how many networks (trained from different seeds) vote together")


class ChatHow(BaseModel):
    """How the recogniser understood the message: its network, what pushed it toward the topic, its top three."""

    network: HowNetwork
    topic: str = Field(description="the concept the word scores are about (the best guess when unsure)")
    topic_title: str
    words: list[HowScore] = Field(description="words of the message that pushed toward the topic (gradient x input)")
    pieces: list[HowScore] = Field(description="letter groups and word pairs that pushed toward the topic")
    read_as: str = Field(default="", description="the whole message as the tutor read it, after fixing slang and "
                                                 "spelling")
    top: list[HowTop]
    other: float = Field(ge=0, le=1, description="probability of the 'not about neural networks' output")
    threshold: float = Field(description="below this confidence the tutor says it is not sure")
    active_hidden: int


class ChatReply(BaseModel):
    topic: str | None = Field(description="concept id, or null when the tutor is not sure or the question is off-topic")
    confidence: float = Field(ge=0, le=1, description="probability of the most likely concept")
    reply: str = Field(description="reviewed bank texts at the track's level, paragraphs separated by a blank line")
    examples: list[ChatExample]
    plots: list[str] = Field(description="plot image URLs")
    suggestions: list[str] = Field(description="2-3 follow-up questions")
    status: Literal["answered", "unsure", "off-topic", "small-talk"] = Field(
        description="small-talk: a greeting, a thank-you or 'I don't get it', answered with a friendly word and "
                    "starter questions")
    title: str | None = Field(default=None, description="the lesson's title when answered")
    lesson_url: str | None = None
    figures: list[ChatFigure] = Field(default=[], description="the plots again, with their text descriptions")
    closest: list[ChatTopicScore] = Field(default=[], description="the three most likely concepts")
    how: ChatHow | None = None


def chat_track(requested: str | None) -> str:
    return requested or current_track() or DEFAULT_TRACK


def question_label(question: str) -> str:
    """A question as a chip shows it: the bank's training questions are lower case without a question mark ("can ai
    be unfair"), but a child reads the chip and read-aloud says it with a question's rise: "Can AI be unfair?".
    chat.js words the suggestions of a reply the same way (questionLabel)."""
    text = re.sub(r"\b(ai|i)\b", lambda word: word.group(0).upper(), question.strip())
    text = text[:1].upper() + text[1:]
    return text if re.search(r"[?!.]$", text) else text + "?"


@bp.get("/")
def page():
    # ?track= as on the lesson pages: a grown-up previews a track's chat, a link from a lesson keeps its track.
    asked = request.args.get("track")
    track = chat_track(asked if asked in TRACK_IDS else None)
    content = bank()
    learner = current_learner()
    fixed = learner is not None and not learner.is_guest  # a parent or teacher chose this learner's track
    starters = chat.starter_questions(track, 6 if track == "ages-5-8" else 4)
    return render_template(
        "chat/page.html", track=track, gentle=bool(content.track(track) and content.track(track).gentle),
        hello=chat.PHRASES["hello"][track], starters=[question_label(q) for q in starters],
        tracks=None if fixed else content.tracks,  # the age-track switcher, for everyone but such a learner
    )


@spec.route(api_bp, "/chat", "POST", summary="Ask the tutor a question; it answers from the lessons or says it is not sure",
            body=ChatBody, response=ChatReply, errors=(422,))
def chat_reply(body: ChatBody):
    learner = current_learner()
    result = chat.answer(get_db(), body.message, chat_track(body.track), learner.id if learner else None)
    return ChatReply(**result)


csrf.exempt(chat_reply)
