"""Engine output over HTTP: SVG plots at /plots/<name>.svg and worked examples at /api/examples/<kind>."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from pydantic import BaseModel, Field

from ..services import media
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
