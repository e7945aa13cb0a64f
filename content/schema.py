"""Pydantic models for every kind of file in the content bank, and for the objects the bank hands out."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

TRACK_IDS: tuple[str, ...] = ("ages-5-8", "ages-9-12", "ages-13-plus")

CONCEPT_IDS: tuple[str, ...] = (
    "neural-network",
    "neuron",
    "weights-and-biases",
    "activation",
    "layers-and-deep-learning",
    "forward-pass",
    "loss",
    "backpropagation",
    "gradient-descent",
    "learning-rate",
    "training-loop",
    "overfitting",
    "data-and-bias",
    "ai-in-daily-life",
    "limits-of-ai",
)

# Names the engine and the web app own; content only refers to them by name.
EXAMPLE_KINDS: tuple[str, ...] = (
    "neuron",
    "forward-pass",
    "mse",
    "cross-entropy",
    "backprop-step",
    "learning-rate",
    "training-run",
    "overfitting",
    "guess-and-fix",
    "formal-or-casual",
)
DEMO_IDS: tuple[str, ...] = (
    "neuron-lab",
    "playground",
    "loop-stepper",
    "lr-explorer",
    "training-playground",
    "guess-and-fix",
    "bias-lab",
)
PLOT_NAMES: tuple[str, ...] = (
    "network",
    "loss-curves",
    "decision-boundary",
    "learning-rates",
    "descent-path",
    "activations",
    "group-accuracy",
)

TrackId = Literal["ages-5-8", "ages-9-12", "ages-13-plus"]
ExampleKind = Literal[
    "neuron", "forward-pass", "mse", "cross-entropy", "backprop-step", "learning-rate", "training-run",
    "overfitting", "guess-and-fix", "formal-or-casual",
]
DemoId = Literal["neuron-lab", "playground", "loop-stepper", "lr-explorer", "training-playground", "guess-and-fix", "bias-lab"]
PlotName = Literal["network", "loss-curves", "decision-boundary", "learning-rates", "descent-path", "activations", "group-accuracy"]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
ParamValue = bool | int | float | str


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- tracks


class Track(Model):
    id: TrackId
    label: ShortText
    min_age: int = Field(ge=3, le=25)
    max_age: int | None = Field(default=None, ge=3, le=25)
    description: ShortText
    gentle: bool

    @model_validator(mode="after")
    def _ages_in_order(self) -> Track:
        if self.max_age is not None and self.max_age < self.min_age:
            raise ValueError("max_age is below min_age")
        return self


class TracksFile(Model):
    tracks: list[Track] = Field(min_length=1)


# ---------------------------------------------------------------- misconceptions


class Misconception(Model):
    id: Slug
    label: ShortText | dict[TrackId, ShortText]
    explanation: Text

    def label_for(self, track: str) -> str:
        if isinstance(self.label, str):
            return self.label
        return self.label.get(track) or next(iter(self.label.values()))


class MisconceptionsFile(Model):
    misconceptions: list[Misconception] = Field(min_length=1)


# ---------------------------------------------------------------- question items


class Choice(Model):
    id: Slug
    text: ShortText
    correct: bool = False
    misconception: Slug | None = None
    feedback: ShortText | None = None

    @model_validator(mode="after")
    def _wrong_options_explain_themselves(self) -> Choice:
        if not self.correct and (self.misconception is None or self.feedback is None):
            raise ValueError("a wrong option needs both 'misconception' and 'feedback'")
        return self


class Term(Model):
    id: Slug
    text: ShortText


class ItemBase(Model):
    id: Slug
    concept: Slug
    track: TrackId
    prompt: Text
    hint: ShortText
    explanation: Text
    lesson_message: Slug | None = None


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {what} id {i!r}")
        seen.add(i)


class ChoiceItem(ItemBase):
    kind: Literal["choice"]
    options: list[Choice] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> ChoiceItem:
        _unique([o.id for o in self.options], "option")
        n = sum(o.correct for o in self.options)
        if n != 1:
            raise ValueError(f"a choice item needs exactly one correct option, found {n}")
        return self


class MultiItem(ItemBase):
    kind: Literal["multi"]
    options: list[Choice] = Field(min_length=3, max_length=8)

    @model_validator(mode="after")
    def _some_correct(self) -> MultiItem:
        _unique([o.id for o in self.options], "option")
        if not any(o.correct for o in self.options):
            raise ValueError("a multi item needs at least one correct option")
        return self


class TrueFalseItem(ItemBase):
    kind: Literal["truefalse"]
    answer: bool
    misconception: Slug
    feedback: ShortText


def check_pairs(terms: list[Term], definitions: list[Term], pairs: dict[str, str], feedback: dict[str, str]) -> None:
    """Every term is paired with exactly one existing definition, and no definition is used twice."""
    _unique([t.id for t in terms], "term")
    _unique([d.id for d in definitions], "definition")
    term_ids = {t.id for t in terms}
    def_ids = {d.id for d in definitions}
    problems = []
    for term in term_ids - pairs.keys():
        problems.append(f"term {term!r} has no pair")
    for term, definition in pairs.items():
        if term not in term_ids:
            problems.append(f"pair for unknown term {term!r}")
        if definition not in def_ids:
            problems.append(f"term {term!r} is paired with unknown definition {definition!r}")
    used = list(pairs.values())
    for d in sorted(set(used)):
        if used.count(d) > 1:
            problems.append(f"definition {d!r} is paired with more than one term")
    for term in feedback.keys() - term_ids:
        problems.append(f"feedback for unknown term {term!r}")
    for term in term_ids - feedback.keys():
        problems.append(f"term {term!r} has no feedback for a wrong match")
    if problems:
        raise ValueError("; ".join(problems))


class MatchingItem(ItemBase):
    kind: Literal["matching"]
    terms: list[Term] = Field(min_length=2, max_length=10)
    definitions: list[Term] = Field(min_length=2, max_length=12)
    pairs: dict[str, str]
    feedback: dict[str, ShortText]
    misconceptions: dict[str, Slug] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _pairs_complete(self) -> MatchingItem:
        check_pairs(self.terms, self.definitions, self.pairs, self.feedback)
        return self


class OrderItem(ItemBase):
    kind: Literal["order"]
    steps: list[Term] = Field(min_length=3, max_length=8)
    feedback: ShortText
    misconception: Slug | None = None

    @model_validator(mode="after")
    def _unique_steps(self) -> OrderItem:
        _unique([s.id for s in self.steps], "step")
        return self


class NumericAnswer(Model):
    """Which number in the engine's worked example is the answer: a key of its `result`, or a step's result."""

    result: str | None = None
    step: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> NumericAnswer:
        if (self.result is None) == (self.step is None):
            raise ValueError("name exactly one of 'result' (a result key) or 'step' (a step id)")
        return self


class NumericItem(ItemBase):
    """A question whose numbers the engine generates from a seed (engine.examples.run(generator, seed, **params))."""

    kind: Literal["numeric"]
    generator: ExampleKind
    params: dict[str, ParamValue] = Field(default_factory=dict)
    answer: NumericAnswer
    tolerance: float = Field(ge=0)
    unit: ShortText | None = None
    misconceptions: dict[str, Slug] = Field(
        default_factory=dict, description="engine-named slip (e.g. 'forgot-bias') -> misconception id"
    )


Item = Annotated[
    ChoiceItem | MultiItem | TrueFalseItem | MatchingItem | OrderItem | NumericItem,
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------- lessons


class ShowExample(Model):
    example: ExampleKind
    params: dict[str, ParamValue] = Field(default_factory=dict)


class ShowDemo(Model):
    demo: DemoId


class ShowPlot(Model):
    plot: PlotName
    params: dict[str, ParamValue] = Field(default_factory=dict)


Show = ShowExample | ShowDemo | ShowPlot


class Message(Model):
    id: Slug
    text: Text
    why: Text | None = None
    show: Show | None = None


class LessonMisconception(Model):
    id: Slug
    myth: ShortText
    truth: Text


class LessonBody(Model):
    """One concept at one track's reading level, as written in a concept file."""

    title: ShortText
    summary: ShortText
    messages: list[Message] = Field(min_length=4, max_length=8)
    analogy: Text
    everyday_example: Text
    misconceptions: list[LessonMisconception] = Field(min_length=1)
    check: Item
    key_takeaways: list[ShortText] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def _unique_message_ids(self) -> LessonBody:
        _unique([m.id for m in self.messages], "message")
        return self


# Every field a full lesson has beyond its title and summary (all required).
FULL_LESSON_FIELDS = ("messages", "analogy", "everyday_example", "misconceptions", "check", "key_takeaways")


class ConceptFile(Model):
    id: Slug
    order: int = Field(ge=1)
    prerequisites: list[Slug] = Field(default_factory=list)
    tracks: dict[TrackId, LessonBody]


class Lesson(LessonBody):
    """What the bank hands out: a lesson body plus its concept id, track, order and prerequisites."""

    id: Slug
    track: TrackId
    order: int
    prerequisites: list[Slug]

    @property
    def concept(self) -> str:
        return self.id

    def message(self, message_id: str) -> Message | None:
        return next((m for m in self.messages if m.id == message_id), None)


# ---------------------------------------------------------------- quizzes


class Quiz(Model):
    id: Slug
    track: TrackId
    title: ShortText
    concepts: list[Slug] = Field(min_length=1)
    items: list[Slug] = Field(min_length=1)


class QuizEntry(Model):
    """A quiz as written in a quiz file: its track comes from the file."""

    id: Slug
    title: ShortText
    concepts: list[Slug] = Field(min_length=1)
    items: list[Slug] = Field(min_length=1)


class QuizFile(Model):
    track: TrackId
    items: list[Item] = Field(default_factory=list)
    quizzes: list[QuizEntry] = Field(default_factory=list)


# ---------------------------------------------------------------- matching sets


class MatchingSet(Model):
    id: Slug
    track: TrackId
    title: ShortText
    instructions: ShortText
    terms: list[Term] = Field(min_length=4, max_length=12)
    definitions: list[Term] = Field(min_length=4, max_length=12)
    pairs: dict[str, str]
    feedback: dict[str, ShortText]
    concepts: dict[str, Slug] = Field(description="term id -> the concept it practises")

    @model_validator(mode="after")
    def _pairs_complete(self) -> MatchingSet:
        check_pairs(self.terms, self.definitions, self.pairs, self.feedback)
        missing = {t.id for t in self.terms} - self.concepts.keys()
        if missing:
            raise ValueError(f"terms without a concept: {sorted(missing)}")
        return self


class MatchingFile(Model):
    sets: list[MatchingSet] = Field(min_length=1)


# ---------------------------------------------------------------- chat questions


class ChatTrainingFile(Model):
    """Example questions per concept, used to train the chat topic classifier."""

    questions: dict[Slug, list[ShortText]]


class ChatHeldOutFile(Model):
    """Questions written differently from the training set, only ever used to evaluate the classifier."""

    questions: dict[Slug, list[ShortText]]


class ChatOffTopicFile(Model):
    """Questions the tutor should not claim to know a topic for."""

    questions: list[ShortText] = Field(min_length=1)


class ChatSet(Model):
    training: dict[str, tuple[str, ...]]
    held_out: dict[str, tuple[str, ...]]
    off_topic: tuple[str, ...]


# ---------------------------------------------------------------- frequently asked questions


class FaqEntry(Model):
    """A question children and parents often ask, answered at each track's level (the chat can reply with it)."""

    id: Slug
    concept: Slug
    question: ShortText
    answers: dict[TrackId, Text]


class FaqFile(Model):
    faq: list[FaqEntry] = Field(min_length=1)


# ---------------------------------------------------------------- activities


class Activity(Model):
    id: Slug
    tracks: list[TrackId] = Field(min_length=1)
    title: ShortText
    summary: ShortText
    concepts: list[Slug] = Field(min_length=1)
    minutes: int = Field(ge=1, le=120)
    materials: list[ShortText] = Field(default_factory=list)
    steps: list[Text] = Field(min_length=2)
    talk_about: list[ShortText] = Field(default_factory=list)
    demo: DemoId | None = None
    example: ExampleKind | None = None
    answer_key: list[ShortText] = Field(default_factory=list)


class ActivitiesFile(Model):
    activities: list[Activity] = Field(min_length=1)


# ---------------------------------------------------------------- parent plan


class Milestone(Model):
    month: int = Field(ge=1, le=12)
    title: ShortText
    goal: Text
    can_say: dict[TrackId, ShortText] = Field(description="what a child who has got it might say, per track")
    concepts: list[Slug] = Field(min_length=1)
    activities: list[Slug] = Field(default_factory=list)
    talk_about: dict[TrackId, list[ShortText]]


class Plan(Model):
    title: ShortText
    intro: Text
    milestones: list[Milestone] = Field(min_length=1)


class PlanFile(Model):
    plan: Plan


# ---------------------------------------------------------------- worked-example wording


def example_step_pattern(step_id: str) -> str:
    """The sentence pattern of an engine step: its id without numbers ('hidden-1-product-2' -> 'hidden-product')."""
    return re.sub(r"-+", "-", re.sub(r"\d+", "", step_id)).strip("-")


# What a sentence may name, per example kind: for each step pattern, and for the intro and result sentences. These
# are the values the web app takes from every engine run of that kind (a test runs the engine to hold it to that):
# a step's inputs with their numbers dropped (w1 -> w, dL/da_out -> dL_da_out, δ1 -> delta), `result`, `formula`,
# the step id's numbers `i` and `j`, and its other fields; for the result sentence, the result's and parameters'
# scalars (a list's items as name_1, name_2, ...). A name ending in [] holds a list of numbers, written {name:sum}
# or {name:list}.
_NEURON = {"product": ("i", "w", "x", "result"), "z": ("products[]", "b", "result"), "a": ("activation", "z", "result")}
_FORWARD = {
    "hidden-product": ("i", "j", "w", "x", "result"), "hidden-z": ("i", "products[]", "b", "result"),
    "hidden-a": ("i", "activation", "z", "result"), "output-product": ("i", "v", "h", "result"),
    "output-z": ("products[]", "b", "result"), "output-a": ("activation", "z", "result"),
}
EXAMPLE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "neuron": {**_NEURON, "@result": ("a", "z", "activation", "bias")},
    "forward-pass": {**_FORWARD, "@result": ("output", "hidden_1", "hidden_2", "hidden_3", "inputs_1", "inputs_2")},
    "mse": {"error": ("i", "prediction", "target", "result"), "squared": ("i", "error", "result"),
            "mean": ("squared_errors[]", "n", "result"), "@result": ("loss", "prediction_1", "target_1")},
    "cross-entropy": {"correct-probability": ("class", "probabilities[]", "result"), "log": ("p", "result"),
                      "loss": ("ln_p", "result"), "sum-form": ("y[]", "p[]", "terms[]", "result"),
                      "@result": ("loss", "predicted_class", "probabilities_1", "classes_1")},
    "backprop-step": {
        **{k: v + ("phase",) for k, v in _FORWARD.items()},
        "loss": ("a_out", "y", "result", "phase"), "dL/da_out": ("a_out", "y", "result", "phase"),
        "da_out/dz_out": ("a_out", "result", "phase"), "delta_out": ("dL_da_out", "da_out_dz_out", "result", "phase"),
        "dL/dv": ("i", "delta_out", "h", "result", "phase"), "dL/dc": ("delta_out", "result", "phase"),
        "dL/dh": ("i", "delta_out", "v", "result", "phase"), "dh/dz": ("i", "h", "result", "phase"),
        "delta": ("i", "dL_dh", "dh_dz", "result", "phase"), "dL/dw": ("i", "delta", "x", "result", "phase"),
        "dL/db": ("i", "delta", "result", "phase"), "update-w": ("i", "w", "lr", "dL_dw", "result", "phase"),
        "update-b": ("i", "b", "lr", "dL_db", "result", "phase"), "update-v": ("i", "v", "lr", "dL_dv", "result", "phase"),
        "update-c": ("c", "lr", "dL_dc", "result", "phase"), "loss-after": ("a_out_new", "y", "result", "phase"),
        "@result": ("loss_before", "loss_after", "output_before", "output_after", "lr", "target", "inputs_1",
                    "inputs_2"),
    },
    "learning-rate": {"loss": ("c", "w_best"), "gradient": ("c", "w_best"), "update": ("lrs[]",),
                      "run": ("i", "lr", "factor", "start_loss", "final_loss", "final_w", "outcome", "steps_taken"),
                      "@result": ("c", "w_best", "start", "steps", "lrs_1", "lrs_2", "lrs_3")},
    "training-run": {"chance": ("classes", "result"),
                     "@result": ("chance", "classes", "epochs", "accuracy_start", "accuracy_end", "train_accuracy_end",
                                 "loss_start", "loss_end")},
    "overfitting": {"best-epoch": ("result",),
                    "@result": ("best_epoch", "epochs", "n_train", "n_val", "train_loss_end", "val_loss_best",
                                "val_loss_end", "train_accuracy_end", "val_accuracy_end", "gap_end")},
    "guess-and-fix": {"round": ("i", "round", "guess", "error", "distance", "hint", "fix", "next_guess"),
                      "@result": ("target", "start", "rate", "final_guess", "final_distance", "rounds_played")},
    "formal-or-casual": {"update": ("i", "epoch", "text", "label", "guess", "outcome", "score", "error",
                                    "bias_before", "bias_after", "bias_change"),
                         "@result": ("accuracy", "bias", "lr", "epochs")},
}
EXAMPLE_FIELD_FORMATS = ("", "pct", "whole", "term", "sum", "list")
# Names every step offers whatever its pattern.
EXAMPLE_COMMON_FIELDS = ("formula",)


class ExampleWording(Model):
    """How one track talks through one kind of worked example. Templates name engine values as {name} or {name:fmt}."""

    title: ShortText
    intro: Text
    steps: dict[str, ShortText] = Field(default_factory=dict,
                                        description="step pattern -> sentence; a pattern left out is not shown")
    result: Text


class WordingFile(Model):
    examples: dict[ExampleKind, dict[TrackId, ExampleWording]]
