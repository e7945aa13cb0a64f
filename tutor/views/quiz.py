"""Practice: the quiz pages under /practice and the JSON routes for quizzes, attempts and progress under /api."""
from __future__ import annotations

import uuid
from typing import Any, Literal

from flask import Blueprint, render_template, request
from pydantic import BaseModel, ConfigDict, Field

from .. import identity
from ..api_spec import Header
from ..content_bank import bank
from ..db import get_db, one_statement_writes, reads_only
from ..errors import Invalid
from ..forms import form_again
from ..identity import current_learner, current_track
from ..models import TRACK_IDS, Learner
from ..services import numeric, practice, quiz_form
from .api import bp as api_bp
from .api import spec

bp = Blueprint("quiz", __name__, url_prefix="/practice")

TrackId = Literal["ages-5-8", "ages-9-12", "ages-13-plus"]
Seed = Field(default=None, ge=0, le=numeric.MAX_SEED, description="Fixes the numbers of engine-made questions")


# ---- request and response models ----------------------------------------------------------------------------------

class QuizListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    track: TrackId = Field(description="Age track id")


class QuizQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int | None = Seed


class NumericQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(min_length=1, max_length=40, description=f"One of {', '.join(numeric.QUESTION_KINDS)}")
    track: TrackId
    seed: int | None = Seed


class ProgressQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    track: TrackId | None = Field(default=None, description="Track to list concepts for when nobody is signed in")


class AttemptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_id: str = Field(min_length=1, max_length=160)
    answer: dict[str, Any] = Field(description='{"option": id}, {"options": [ids]}, {"value": true|false}, '
                                               '{"pairs": {term: definition}}, {"order": [ids]} or {"value": number}')


class Choice(BaseModel):
    id: str
    text: str


class Given(BaseModel):
    label: str
    value: float | int | str | None


class QuizItem(BaseModel):
    """A question as the browser sees it: never its answer."""

    id: str
    kind: Literal["choice", "multi", "truefalse", "matching", "order", "numeric"]
    prompt: str
    concept: str
    track: TrackId
    hint: str
    title: str | None = None
    lesson_message: str | None = None
    options: list[Choice] | None = None
    terms: list[Choice] | None = None
    definitions: list[Choice] | None = None
    steps: list[Choice] | None = None
    given: list[Given] | None = None
    tolerance: float | None = None
    unit: str | None = None


class QuizSummary(BaseModel):
    id: str
    title: str
    track: TrackId
    concepts: list[str]
    item_count: int
    kind: Literal["quiz", "matching", "numbers", "review"]


class QuizList(BaseModel):
    track: TrackId
    quizzes: list[QuizSummary]


class QuizDetail(QuizSummary):
    items: list[QuizItem]


class MasteryNow(BaseModel):
    concept: str
    level: Literal["not-started", "attempted", "familiar", "proficient", "mastered"]
    label: str


class AttemptReply(BaseModel):
    item_id: str
    correct: bool
    score: float = Field(ge=0, le=1)
    feedback: str
    misconception: str | None
    misconception_label: str | None = None
    lesson_link: str | None = None
    solution: dict[str, Any]
    mastery: MasteryNow | None = None


class ConceptMastery(BaseModel):
    concept: str
    level: str
    label: str
    score: float
    attempts: int
    review_due: str | None


class ProgressLearner(BaseModel):
    id: int
    nickname: str
    track: TrackId
    is_guest: bool


class Progress(BaseModel):
    learner: ProgressLearner | None
    track: TrackId
    attempts: int
    correct: int
    concepts: list[ConceptMastery]
    review_today: list[str]


# ---- who the attempt is for ----------------------------------------------------------------------------------------

def _learner_for(track: str) -> Learner | None:
    return identity.current_or_new_guest(track)


# ---- JSON routes ---------------------------------------------------------------------------------------------------

@spec.route(api_bp, "/quizzes", summary="Quizzes of a track (written quizzes, the matching exercise, numbers)",
            query=QuizListQuery, response=QuizList)
def quizzes_list(query: QuizListQuery):
    return QuizList(track=query.track, quizzes=practice.quiz_list(bank(), query.track))


@spec.route(api_bp, "/quizzes/<quiz_id>", summary="One quiz and its questions, never their answers",
            query=QuizQuery, response=QuizDetail)
def quiz_get(quiz_id: str, query: QuizQuery):
    detail = practice.quiz_detail(bank(), quiz_id, seed=query.seed, db=get_db(), learner=current_learner())
    return QuizDetail(**detail)


@spec.route(api_bp, "/numeric", summary="One numeric question made by the engine from a seed (no answer)",
            query=NumericQuery, response=QuizItem)
def numeric_get(query: NumericQuery):
    return QuizItem(**practice.numeric_question(query.kind, query.track, query.seed))


@spec.route(api_bp, "/attempts", "POST", summary="Grade one answer and store it once per Idempotency-Key",
            body=AttemptBody, response=AttemptReply, errors=(409,), csrf=True,
            headers={"Idempotency-Key": Header(
                "A key made once per answer (e.g. a UUID); a retry of the same answer with it is stored once", required=True,
                max_length=practice.MAX_KEY, pattern=r"^[!-~]([ -~]*[!-~])?$")})
@one_statement_writes  # the attempt, mastery and summaries are one statement on PostgreSQL (practice._answer_writes)
def attempts_post(body: AttemptBody):
    reply = practice.submit_attempt(get_db(), bank(), body.item_id, body.answer,
                                    request.headers.get("Idempotency-Key"), _learner_for)
    return AttemptReply(**reply)


@spec.route(api_bp, "/progress", summary="The current learner's attempts, mastery per concept and review list",
            query=ProgressQuery, response=Progress)
def progress_get(query: ProgressQuery):
    return Progress(**practice.progress(get_db(), bank(), current_learner(), query.track or current_track()))


# ---- pages ---------------------------------------------------------------------------------------------------------

def _page_track() -> str | None:
    track = request.args.get("track") or current_track()
    return track if track in TRACK_IDS else None


@bp.get("/")
@reads_only
def index():
    track = _page_track()
    if track is None:
        return render_template("quiz/index.html", track=None, tracks=bank().tracks)
    learner = current_learner()
    return render_template("quiz/index.html", track=bank().track(track), tracks=bank().tracks,
                           quizzes=practice.quiz_list(bank(), track),
                           progress=practice.progress(get_db(), bank(), learner, track))


@bp.get("/<quiz_id>")
@reads_only
def take(quiz_id: str):
    # Unknown quizzes raise NotFound, which becomes the friendly 404 page; the questions are fetched by quiz.js.
    detail = practice.quiz_detail(bank(), quiz_id, db=get_db(), learner=current_learner())
    return render_template("quiz/take.html", quiz=detail, track=bank().track(detail["track"]))


# ---- the same quiz on one page, without JavaScript (tutor.services.quiz_form) ---------------------------------------

@bp.app_template_filter("quiz_number")
def quiz_number(value: float) -> str:
    """A number as the quiz page (quiz.js) writes it: up to 4 decimals, a real minus sign."""
    return numeric.fmt(value)


@bp.app_template_global("quiz_choices")
def quiz_choices(item: dict[str, Any], gentle: bool) -> list[dict[str, str]]:
    """The options a choice, multi or true/false question shows; true/false as two, worded as quiz.js words them."""
    if item["kind"] == "truefalse":
        return [{"id": "true", "text": "👍 True" if gentle else "True"},
                {"id": "false", "text": "👎 Not true" if gentle else "False"}]
    return item["options"]


@bp.app_template_global("quiz_prompt")
def quiz_prompt(item: dict[str, Any], gentle: bool) -> str:
    """A question's prompt on the one-page form; a matching exercise's says to tap or drag (quiz.js's widget), so the
    form's lists get words of their own."""
    if item["kind"] == "matching":
        return "What does each word mean?" if gentle else "Match each word with its meaning."
    return item["prompt"]


def _seed_arg() -> int | None:
    seed = request.args.get("seed", "")
    return int(seed) if seed.isdigit() and int(seed) <= numeric.MAX_SEED else None


@bp.get("/<quiz_id>/form")
@reads_only
def form(quiz_id: str):
    detail = practice.quiz_detail(bank(), quiz_id, seed=_seed_arg(), db=get_db(), learner=current_learner())
    track = bank().track(detail["track"])
    return render_template("quiz/form.html", quiz=detail, items=detail["items"], track=track,
                           form_key=uuid.uuid4().hex, answers={}, errors=[])


@bp.post("/<quiz_id>/form")
def form_post(quiz_id: str):
    detail = practice.quiz_detail(bank(), quiz_id, seed=0, db=get_db(), learner=current_learner())
    track = bank().track(detail["track"])
    context = {"quiz": detail, "track": track}
    key, items, answers, problems = quiz_form.read_form(bank(), request.form, track.gentle)
    context |= {"items": items, "form_key": key, "answers": request.form}
    if problems:
        message = ("Question {} needs an answer." if len(problems) == 1 else "{} questions need an answer.")
        return form_again("quiz/form.html", Invalid(message.format(problems[0]["question"] if len(problems) == 1
                                                                   else len(problems)), problems), **context)
    try:
        replies = quiz_form.submit(get_db(), bank(), key, items, answers, _learner_for)
    except Invalid as exc:
        return form_again("quiz/form.html", exc, **context)
    return render_template("quiz/form_results.html", results=list(zip(items, answers, replies, strict=True)),
                           **context)
