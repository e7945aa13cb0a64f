"""One blueprint per area of the site."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.globals import _cv_request

from engine import percent

from ..cache import MemoryCache


def remembered_url_for(build: Callable[..., str], max_entries: int = 4096) -> Callable[..., str]:
    """`build` (Flask's url_for) remembering the relative URLs it built, per script root, for the templates.

    A page builds twenty-odd URLs (the stylesheets, the menu, the forms), and the same ones on every request; the
    routing map builds each in about ten microseconds. A URL with options (`_external`, `_anchor`, ...), a
    blueprint-relative endpoint or an unhashable value is built every time, as is any URL outside a request.
    """
    known = MemoryCache(max_entries)

    def url_for(endpoint: str, **values: Any) -> str:
        ctx = _cv_request.get(None)
        if ctx is None or endpoint.startswith(".") or any(name.startswith("_") for name in values):
            return build(endpoint, **values)
        try:
            key = (ctx.request.script_root, endpoint, *sorted(values.items()))
            url = known.get(key)
        except TypeError:
            return build(endpoint, **values)
        if url is None:
            url = build(endpoint, **values)
            known.set(key, url)
        return url

    return url_for


def register(app: Flask) -> None:
    from . import activities, api, auth, chat, demos, learn, media, parent, quiz, teacher

    for module in (api, auth, learn, chat, quiz, demos, activities, media, parent, teacher):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["url_for"] = remembered_url_for(app.url_for)
    # A share shown as a percent rounds a half up, as everywhere else (engine.percent); Jinja's round halves to even.
    app.jinja_env.filters["percent"] = percent
