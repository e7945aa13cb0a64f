"""Busy pages rendered once per shape, then filled in per request.

A lesson page is the same HTML for everyone on the same lesson except for a few values: the CSRF token, the name of
the person signed in, the track of the page's <html>, how far the learner got. Rendering the whole template (the site
layout with its menu, stylesheets and forms) for every request was a large part of the page's cost under load.
`render` renders the template once per *shape* with a marker in place of each such value, keeps the result split
at the markers, and per request joins the pieces with the request's values, escaped as Jinja escapes them.

The shape is everything that can change the HTML's structure rather than a value in it: which kind of person is
signed in (nobody, a guest, a learner with an account, a parent, a teacher), the caller's `key`, and each value
that is empty, zero, a boolean or None (those are put in the frame as they are, since a template may test them).
Other strings and numbers become markers. When the frame cannot be used the page is rendered whole:
flashed messages are waiting (the frame has none), a person has no name, or a marker did not come through the
template unchanged (a template that transforms a value, say `|upper`, must not be framed; this is checked when the
frame is made, and tests/tutor/test_frames.py compares framed pages with whole renders for every shape).
"""
from __future__ import annotations

import logging
import re
from typing import Any

from flask import current_app, render_template, session
from markupsafe import escape

from .cache import MemoryCache
from .identity import current_actor, current_track
from .models import Learner
from .security import csrf

log = logging.getLogger(__name__)

_MARK = "\x00frame-slot:{}\x00"  # a NUL never comes from content or people (tutor.security refuses it in requests)
_MARKS = re.compile("\x00frame-slot:([a-z_]+)\x00")
_UNFRAMEABLE = object()


class _StandIn:
    """What templates read of the person signed in, with a marker for their name."""

    def __init__(self, kind: str, is_guest: bool) -> None:
        self.kind, self.is_guest = kind, is_guest
        self.nickname = self.display_name = _MARK.format("actor_name")


def _frames() -> MemoryCache:
    frames = current_app.extensions.get("tutor_frames")
    if frames is None:
        frames = current_app.extensions["tutor_frames"] = MemoryCache(512)
    return frames


def _is_marker_value(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and value not in ("", 0)


def render(template: str, key: tuple, context: dict[str, Any], slots: dict[str, Any]) -> str:
    """render_template(template, **context, **slots), from a frame kept per (template, key, shape).

    `key` names what the static `context` depends on (the same key must always come with the same context);
    `slots` are the per-request values the template shows (strings, numbers, booleans or None)."""
    if "_flashes" in session:
        return render_template(template, **context, **slots)
    actor = current_actor()
    values: dict[str, Any] = {"csrf": csrf.token()}
    if actor is not None:
        values["actor_name"] = actor.nickname if isinstance(actor, Learner) else actor.display_name
    page_track = current_track()
    if page_track:
        values["current_track"] = page_track
    literal = {name: value for name, value in slots.items() if not _is_marker_value(value)}
    values.update({name: value for name, value in slots.items() if name not in literal})
    try:
        shape = (template, key, None if actor is None else (actor.kind, bool(getattr(actor, "is_guest", False))),
                 tuple(sorted(literal.items())), tuple(sorted(values)))
        hash(shape)
    except TypeError:
        return render_template(template, **context, **slots)
    if not values.get("actor_name", True):
        return render_template(template, **context, **slots)
    frames = _frames()
    frame = frames.get(shape)
    if frame is None:
        frame, html = _make_frame(template, context, slots, literal, values, shape[2])
        frames.set(shape, frame)
        return html
    if frame is _UNFRAMEABLE:
        return render_template(template, **context, **slots)
    return _fill(frame, values)


def _fill(frame: list[str], values: dict[str, Any]) -> str:
    filled = {name: str(escape(value)) for name, value in values.items()}
    return "".join(piece if i % 2 == 0 else filled[piece] for i, piece in enumerate(frame))


def _make_frame(template: str, context: dict[str, Any], slots: dict[str, Any], literal: dict[str, Any],
                values: dict[str, Any], actor_shape: tuple | None) -> tuple[list[str] | object, str]:
    """The frame for this shape, and this request's page rendered whole.

    The frame is kept only if filling it with this request's values gives exactly the whole page: a template that
    transforms a value (`|length`, `|upper`, a comparison) would otherwise show the transformed marker."""
    marks = {name: _MARK.format(name) for name in values}
    stand_ins: dict[str, Any] = {
        "csrf_token": lambda: marks["csrf"],
        "actor": None if actor_shape is None else _StandIn(*actor_shape),
        "current_track": marks.get("current_track"),
        **{name: mark for name, mark in marks.items() if name not in ("csrf", "actor_name", "current_track")},
    }
    whole = render_template(template, **context, **slots)
    try:
        framed = render_template(template, **context, **literal, **stand_ins)
    except Exception:  # noqa: BLE001 - a template comparing a value, say; the whole render above worked
        framed = None
    pieces = _MARKS.split(framed) if framed is not None else []
    if framed is None or not set(pieces[1::2]) <= set(values) or _fill(pieces, values) != whole:
        log.warning("%s cannot be framed: a value does not come through it unchanged; it is rendered whole", template)
        return _UNFRAMEABLE, whole
    return pieces, whole
