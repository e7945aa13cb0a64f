"""Activities away from the quiz format: the human-backpropagation role-play and printable cards."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Blueprint, render_template, request, session
from pydantic import BaseModel, ConfigDict, Field

from engine import text_features

from .. import identity
from ..content_bank import bank
from ..db import get_db
from ..identity import current_track
from ..models import Learner
from ..services import demos as demo_service
from ..services import roleplay as service
from .api import bp as api_bp
from .api import spec

bp = Blueprint("activities", __name__, url_prefix="/activities")

TrackId = Literal["ages-5-8", "ages-9-12", "ages-13-plus"]
FeatureId = Literal[text_features.FEATURES]  # type: ignore[valid-type]
Seed = Annotated[int, Field(ge=0, le=service.MAX_SEED)]
MAX_SENTENCES = max(service.SENTENCE_COUNT.values())


class PageQuery(BaseModel):
    """Pages are forgiving about the track (an unknown one falls back to the visitor's), strict about the seed."""

    model_config = ConfigDict(extra="ignore")
    track: str | None = None
    seed: Seed = 0


def _page_args() -> tuple[str, int]:
    query = PageQuery.model_validate(request.args.to_dict())
    return service.known_track(query.track or current_track()), query.seed


@bp.app_template_filter("engine_number")
def engine_number(value: float) -> str:
    return service.fmt(value)


@bp.app_template_filter("engine_change")
def engine_change(value: float) -> str:
    """A weight change with its sign, so a rise reads +1 and a fall −1."""
    return ("+" if value > 0 else "") + service.fmt(value)


@bp.get("/")
def index():
    track, _ = _page_args()
    return render_template("activities/index.html", track=track, activities=service.catalogue(bank(), track),
                           demo_titles={d: demo_service.demo_info(d, track)["title"] for d in demo_service.DEMO_IDS
                                        if d in demo_service.CATALOGUE}, tracks=bank().tracks)


@bp.get("/human-backprop")
def human_backprop():
    track, seed = _page_args()
    return render_template("activities/human_backprop.html", play=service.page(track, seed, bank()),
                           track=track, tracks=bank().tracks)


@bp.get("/human-backprop/card")
def human_backprop_card():
    track, seed = _page_args()
    return render_template("activities/card.html", play=service.page(track, seed, bank()), track=track,
                           tracks=bank().tracks)


# ------------------------------------------------------------------------------------------------ JSON


class RoleplayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    track: TrackId = Field("ages-9-12", description="Age track id")
    seed: Seed = Field(0, description="Which sentences, in which order (the same seed gives the same role-play)")


class Feature(BaseModel):
    id: str
    label: str
    picture: str
    example: str


class Sentence(BaseModel):
    index: int
    text: str
    label: Literal["formal", "casual"]
    counts: list[float] = Field(description="Feature counts in FEATURES order")
    features: dict[str, float]
    picture: dict[str, str] | None


class Step(BaseModel):
    epoch: int
    example: int
    features: list[float]
    weights_before: list[float]
    bias_before: float
    products: list[float]
    score: float
    predicted: int
    target: int
    error: int
    weight_change: list[float]
    bias_change: float
    weights_after: list[float]
    bias_after: float
    updated: bool
    label: str
    prediction: str
    blame: list[str]


class Learned(BaseModel):
    weights: dict[str, float]
    bias: float
    predictions: list[str]
    accuracy: float
    converged: bool
    mistakes_first_pass: int


class Roleplay(BaseModel):
    activity: str
    track: TrackId
    seed: int
    lr: float
    title: str
    features: list[Feature]
    sentences: list[Sentence]
    steps: list[Step] = Field(description="Every perceptron step, pass after pass, with weights before and after")
    epochs_run: int
    result: Learned


class Blame(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sentence: int = Field(ge=0, lt=MAX_SENTENCES, description="Index of a sentence the learner guessed wrong")
    feature: FeatureId
    direction: Literal["too-high", "too-low"]


class RunBody(BaseModel):
    """A finished role-play: the learner's choices only. Rules the learner typed stay in the page."""

    model_config = ConfigDict(extra="forbid")
    activity: Literal["human-backprop"] = "human-backprop"
    track: TrackId
    seed: Seed
    guesses: list[Literal["formal", "casual"]] = Field(min_length=1, max_length=MAX_SENTENCES)
    blamed: list[Blame] = Field(default_factory=list, max_length=MAX_SENTENCES)
    tally: dict[FeatureId, Annotated[int, Field(ge=-20, le=20)]] | None = None  # type: ignore[valid-type]
    rules_written: int = Field(0, ge=0, le=MAX_SENTENCES, description="How many rules the learner wrote (not the text)")


class RunReply(BaseModel):
    stored: bool
    run_id: int | None
    correct: int
    sentences: int
    tally_agrees: list[str] | None = None
    message: str


@spec.route(api_bp, "/activities/human-backprop", summary="The human-backpropagation role-play for a track: "
            "sentences, features and the engine perceptron's update log", query=RoleplayQuery, response=Roleplay)
def human_backprop_api(query: RoleplayQuery):
    return Roleplay(**service.roleplay(query.track, query.seed))


def _learner_for(track: str) -> Learner | None:
    token = session.get("csrf_token")
    learner = identity.current_or_new_guest(track)
    # Starting a guest session clears the session; the page's CSRF token must keep working afterwards.
    if token and "csrf_token" not in session:
        session["csrf_token"] = token
    return learner


@spec.route(api_bp, "/activities/runs", "POST", summary="Record a finished human-backpropagation role-play "
            "(choices only, never typed text)", body=RunBody, response=RunReply, csrf=True)
def activity_runs_post(body: RunBody):
    result = service.summarise_run(body.track, body.seed, list(body.guesses),
                                   [b.model_dump() for b in body.blamed], body.tally, body.rules_written)
    run = service.record_run(get_db(), _learner_for(body.track), result)
    message = ("Saved to your progress." if run is not None
               else "Not saved: grown-ups trying the activity are not recorded.")
    reply: dict[str, Any] = {"stored": run is not None, "run_id": run.id if run is not None else None,
                             "correct": result["correct"], "sentences": result["sentences"],
                             "tally_agrees": result.get("tally_agrees"), "message": message}
    return RunReply(**reply)
