"""Interactive demos whose numbers come from the engine: the pages under /demos and their JSON under /api/demos."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Blueprint, abort, g, render_template, request
from pydantic import BaseModel, ConfigDict, Field

from ..content_bank import bank
from ..identity import current_track
from ..models import TRACK_IDS
from ..services import demos as service
from .api import bp as api_bp
from .api import spec

bp = Blueprint("demos", __name__, url_prefix="/demos")


def _track() -> str:
    track = request.args.get("track") or current_track() or service.DEFAULT_TRACK
    return track if track in TRACK_IDS else service.DEFAULT_TRACK


@bp.app_context_processor
def _demo_helpers() -> dict[str, Any]:
    def demo_uid(demo_id: str) -> str:
        """A page-unique prefix for ids inside one included demo (a lesson may include several)."""
        count = g.setdefault("_demo_uids", {})
        count[demo_id] = count.get(demo_id, 0) + 1
        return f"{demo_id}-{count[demo_id]}"

    def demo_talk_about(activity_id: str, count: int = 2) -> list[str]:
        """Questions for a grown-up to ask, from the content bank's activity."""
        activity = bank().activity(activity_id)
        return list(activity.talk_about[:count]) if activity else []

    return {"demo_uid": demo_uid, "demo_talk_about": demo_talk_about}


@bp.get("/")
def index():
    track = _track()
    return render_template("demos/index.html", demos=service.catalogue(track), track=track)


@bp.get("/<demo_id>")
def demo(demo_id: str):
    track = _track()
    info = service.demo_info(demo_id, track)
    if info is None:
        abort(404)
    return render_template("demos/page.html", demo=info, track=track)


# ------------------------------------------------------------------------------------------------ JSON models

Small = Annotated[float, Field(ge=-10, le=10, allow_inf_nan=False)]
Seed = Annotated[int, Field(ge=0, le=1_000_000)]
Weight = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NeuronBody(Body):
    inputs: list[Small] = Field(min_length=1, max_length=5)
    weights: list[Small] = Field(min_length=1, max_length=5)
    bias: Small
    activation: Literal["step", "sigmoid", "tanh", "relu", "linear"]


class Curve(BaseModel):
    z: list[float]
    a: list[float]


class NeuronResult(BaseModel):
    inputs: list[float]
    weights: list[float]
    bias: float
    activation: str
    products: list[float]
    z: float
    a: float
    formula: dict[str, str]
    steps: list[dict[str, Any]]
    curve: Curve


class PlaygroundBody(Body):
    seed: Seed = 0
    inputs: list[Small] = Field(min_length=2, max_length=2)


class PlaygroundResult(BaseModel):
    seed: int
    inputs: list[float]
    sizes: list[int]
    activations: list[str]
    nodes: list[list[float]]
    biases: list[list[float]]
    edges: list[dict[str, Any]]
    neurons: dict[str, list[dict[str, Any]]]
    output: float


class LoopBody(Body):
    seed: Seed = 0
    round: int = Field(0, ge=0, le=service.MAX_ROUNDS)


class LoopResult(BaseModel):
    seed: int
    round: int
    lr: float
    loss_name: str
    inputs: list[float]
    target: float
    weights: list[dict[str, Any]]
    forward: list[list[dict[str, Any]]]
    output: float
    loss: float
    loss_formula: str
    blame: list[list[dict[str, Any]]]
    grads: list[dict[str, Any]]
    weights_after: list[dict[str, Any]]
    loss_after: float
    loss_history: list[float]


class RatesBody(Body):
    seed: Seed = 0
    steps: int = Field(10, ge=2, le=40)
    your_rate: Annotated[float, Field(ge=service.MIN_RATE, le=5, allow_inf_nan=False)] | None = None


class RateRun(BaseModel):
    label: str
    lr: float
    outcome: str
    factor: float
    final_w: float | None
    final_loss: float | None
    path: list[dict[str, float | int | None]]


class RatesResult(BaseModel):
    seed: int
    steps: int
    bowl: dict[str, float]
    formulas: list[str]
    runs: list[RateRun]


class Layer(Body):
    W: list[list[Weight]] = Field(min_length=1, max_length=32)
    b: list[Weight] = Field(min_length=1, max_length=32)


class Watch(Body):
    best_epoch: int = Field(ge=0, le=1_000_000)
    best_test_loss: Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
    train_loss_at_best: Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]


class TrainBody(Body):
    dataset: Literal["xor", "moons", "circles", "spiral"]
    amount: Literal["plenty", "tiny"] = "plenty"
    seed: Seed = 0
    hidden: list[Annotated[int, Field(ge=1, le=32)]] = Field(min_length=1, max_length=3)
    activation: Literal["relu", "tanh", "sigmoid"] = "relu"
    lr: Annotated[float, Field(ge=0.0001, le=100, allow_inf_nan=False)]
    epochs: int = Field(10, ge=0, le=50, description="More epochs to train in this call (0: just look)")
    epoch_offset: int = Field(0, ge=0, le=1_000_000, description="Epochs already trained (0 for a fresh network)")
    weights: list[Layer] | None = Field(None, max_length=4, description="The weights the last call returned")
    watch: Watch | None = Field(None, description="The overfitting watch the last call returned")
    alarm: bool = Field(True, description="False keeps training past the overfitting alarm")
    include_data: bool = False


class Grid(BaseModel):
    size: int
    x: list[float]
    y: list[float]
    label: list[int]
    confidence: list[float]


class TrainResult(BaseModel):
    epochs: list[int]
    train_loss: list[float | None]
    test_loss: list[float | None]
    train_accuracy: list[float | None]
    test_accuracy: list[float | None]
    epoch: int
    weights: list[dict[str, Any]] | None
    diverged: bool
    exploding: bool
    initial_loss: float
    chance: float
    classes: int
    loss_name: str
    sizes: list[int]
    activations: list[str]
    watch: dict[str, float | int] | None
    overfitting: dict[str, float | int] | None
    grid: Grid | None
    data: dict[str, Any] | None = None


class HotColdBody(Body):
    seed: Seed
    guesses: list[Annotated[int, Field(ge=service.LINE[0], le=service.LINE[1])]] = Field(max_length=30)


class HotColdResult(BaseModel):
    seed: int
    hints: list[dict[str, Any]]
    found: bool
    tries: int
    treasure: int | None


class RobotBody(Body):
    seed: Seed
    rate: Annotated[float, Field(ge=0.1, le=1.9, allow_inf_nan=False)] = 0.5


class RobotResult(BaseModel):
    seed: int
    treasure: int
    line: list[int]
    rate: float
    rounds: list[dict[str, Any]]
    formula: str
    result: dict[str, Any]


class BiasBody(Body):
    seed: Seed = 0
    shift: Annotated[float, Field(ge=0, le=3, allow_inf_nan=False)] = 1.5


class BiasResult(BaseModel):
    seed: int
    shift: float
    groups: list[str]
    test: dict[str, Any]
    results: list[dict[str, Any]]


# ------------------------------------------------------------------------------------------------- JSON routes


@spec.route(api_bp, "/demos/neuron", "POST", summary="One neuron: products, weighted sum z and activation a",
            body=NeuronBody, response=NeuronResult, csrf=True)
def neuron_api(body: NeuronBody):
    return NeuronResult(**service.neuron(body.inputs, body.weights, body.bias, body.activation))


@spec.route(api_bp, "/demos/playground", "POST", summary="The 2-3-1 playground network run on two inputs",
            body=PlaygroundBody, response=PlaygroundResult, csrf=True)
def playground_api(body: PlaygroundBody):
    return PlaygroundResult(**service.playground(body.seed, body.inputs))


@spec.route(api_bp, "/demos/loop", "POST", summary="One round of the learning loop on a tiny network, every number",
            body=LoopBody, response=LoopResult, csrf=True)
def loop_api(body: LoopBody):
    return LoopResult(**service.loop_round(body.seed, body.round))


@spec.route(api_bp, "/demos/learning-rates", "POST", summary="One loss bowl descended with several learning rates",
            body=RatesBody, response=RatesResult, csrf=True)
def learning_rates_api(body: RatesBody):
    return RatesResult(**service.learning_rates(body.seed, body.steps, body.your_rate))


@spec.route(api_bp, "/demos/train", "POST", summary="Train the playground network a few more epochs (stateless)",
            body=TrainBody, response=TrainResult, csrf=True)
def train_api(body: TrainBody):
    result = service.train_chunk(
        dataset=body.dataset, amount=body.amount, seed=body.seed, hidden=body.hidden, activation=body.activation,
        lr=body.lr, epochs=body.epochs, epoch_offset=body.epoch_offset,
        weights=[layer.model_dump() for layer in body.weights] if body.weights is not None else None,
        watch=body.watch.model_dump() if body.watch else None, alarm=body.alarm, include_data=body.include_data)
    return TrainResult(**result)


@spec.route(api_bp, "/demos/hot-cold", "POST", summary="Warmer or colder for a child's guesses on the treasure line",
            body=HotColdBody, response=HotColdResult, csrf=True)
def hot_cold_api(body: HotColdBody):
    return HotColdResult(**service.hot_cold(body.seed, body.guesses))


@spec.route(api_bp, "/demos/robot", "POST", summary="The robot plays hot and cold: guess, error, fix, round by round",
            body=RobotBody, response=RobotResult, csrf=True)
def robot_api(body: RobotBody):
    return RobotResult(**service.robot_game(body.seed, body.rate))


@spec.route(api_bp, "/demos/bias", "POST", summary="Few, many and varied training data tested in two lightings",
            body=BiasBody, response=BiasResult, csrf=True)
def bias_api(body: BiasBody):
    return BiasResult(**service.bias_lab(body.seed, body.shift))
