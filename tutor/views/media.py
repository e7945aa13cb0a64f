"""Engine output over HTTP: SVG plots at /plots/<name>.svg and worked examples at /api/examples/<kind>."""
from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, Response, request, url_for
from pydantic import BaseModel, ConfigDict, Field

from ..services import examples, media
from .api import bp as api_bp
from .api import spec

bp = Blueprint("media", __name__)

RESERVED = {"track"}


def _engine_params() -> dict[str, Any]:
    """Query parameters meant for the engine (everything but the track), validated by the engine itself."""
    return {k: v for k, v in request.args.items() if k not in RESERVED}


@bp.get("/plots/<name>.svg")
def plot_svg(name: str):
    rendered = media.plot(name, _engine_params())
    response = Response(rendered["svg"], mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    # The description travels with the image for scripts that fetch it; pages put it in the alt text.
    response.headers["X-Plot-Description"] = rendered["description"].encode("ascii", "replace").decode()
    return response


class PlotInfo(BaseModel):
    name: str
    url: str
    description: str = Field(description="One sentence, computed from the plotted data, for screen readers")


@spec.route(api_bp, "/plots/<name>", summary="Where a plot is and its text description (parameters as for the SVG)",
            response=PlotInfo, errors=(422,))
def plot_info(name: str):
    params = _engine_params()
    rendered = media.plot(name, params)
    return PlotInfo(name=name, url=url_for("media.plot_svg", name=name, **params),
                    description=rendered["description"])


class ExampleQuery(BaseModel):
    """seed and track; any other query parameter goes to the engine (e.g. inputs=0.5&inputs=1 for a neuron)."""

    model_config = ConfigDict(extra="allow")
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Fixes the example's numbers")
    track: Literal["ages-5-8", "ages-9-12", "ages-13-plus"] = Field(
        default="ages-13-plus", description="Whose wording the sentences use")


class SentencePart(BaseModel):
    text: str
    value: Any = Field(default=None, description="The engine's full-precision number behind `text`, if a number")
    path: str | None = Field(default=None, description="Where that number is in `engine` (e.g. steps.3.inputs.w1)")
    format: str | None = None


class WorkedStep(BaseModel):
    id: str
    pattern: str
    phase: str | None = None
    formula: str
    inputs: dict[str, Any]
    result: Any = None
    sentence: str | None = Field(description="The step at the track's level; null when this track skips it")
    parts: list[SentencePart] | None = None


class WorkedExample(BaseModel):
    kind: str
    seed: int
    track: str
    title: str
    intro: str
    intro_parts: list[SentencePart]
    steps: list[WorkedStep]
    result: dict[str, Any]
    result_sentence: str
    result_parts: list[SentencePart]
    visual: dict[str, Any] | None = None
    engine: dict[str, Any] = Field(description="The engine's own answer, every number at full precision")


def _engine_query() -> dict[str, Any]:
    """Engine parameters from the query string: a repeated name is a list (inputs=0.5&inputs=1)."""
    out: dict[str, Any] = {}
    for key in request.args:
        if key in ("seed", "track"):
            continue
        values = request.args.getlist(key)
        out[key] = values if len(values) > 1 else values[0]
    return out


@spec.route(api_bp, "/examples/<kind>", summary="A worked example computed by the engine, in a track's wording",
            query=ExampleQuery, response=WorkedExample, errors=(422,))
def example_api(kind: str, query: ExampleQuery):
    return WorkedExample(**examples.worked_example(kind, query.track, query.seed, _engine_query()))
