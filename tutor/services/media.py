"""Worked examples and plots from the engine, cached by their parameters (the same request renders once)."""
from __future__ import annotations

from typing import Any

from engine import examples as engine_examples
from engine import plots as engine_plots

from ..cache import cached_json
from ..errors import Invalid, NotFound

MAX_PARAM_LENGTH = 200


def _clean_params(params: dict[str, Any]) -> dict[str, Any]:
    for name, value in params.items():
        if isinstance(value, str) and len(value) > MAX_PARAM_LENGTH:
            raise Invalid(f"The value of {name} is too long.", [{"field": name, "message": "too long"}])
    return params


def plot(name: str, params: dict[str, Any]) -> dict[str, str]:
    """{"svg": ..., "description": ...} for an engine plot; Invalid with the engine's message on bad parameters."""
    if name not in engine_plots.PLOTS:
        raise NotFound(f"There is no plot called '{name}'. Plots: {', '.join(engine_plots.PLOTS)}.")
    params = _clean_params(params)

    def compute() -> dict[str, str]:
        try:
            svg, description = engine_plots.render(name, **params)
        except ValueError as exc:
            raise Invalid(str(exc), [{"field": "query", "message": str(exc)}]) from None
        return {"svg": svg, "description": description}

    return cached_json(f"plot:{name}", params, compute)


def example(kind: str, seed: int, params: dict[str, Any]) -> dict[str, Any]:
    """The engine's worked example `kind` for `seed`, as a JSON-able dict; Invalid on bad parameters."""
    if kind not in engine_examples.EXAMPLES:
        raise NotFound(f"There is no worked example called '{kind}'. "
                       f"Examples: {', '.join(engine_examples.EXAMPLES)}.")
    params = _clean_params(params)

    def compute() -> dict[str, Any]:
        try:
            return engine_examples.run(kind, seed, **params)
        except ValueError as exc:
            raise Invalid(str(exc), [{"field": "query", "message": str(exc)}]) from None

    return cached_json(f"example:{kind}", {"seed": seed, **params}, compute)
