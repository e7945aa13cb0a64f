"""What the HTML forms share: turning a broken rule into a re-rendered form, and reading picture passwords.

The services validate every field (one place for the rules), so the views hand them `request.form` values and,
when a rule is broken, show the same form again with the message and per-field errors and nothing stored.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, request

from .db import get_db
from .errors import ServiceError
from .services.accounts import AVATARS, PICTURE_PASSWORD_LENGTH, PICTURES


def form_again(template: str, exc: ServiceError, status: int | None = None, **context):
    """Render `template` again with the error's message and field errors; undo anything the service left unsaved."""
    get_db().rollback()
    return render_template(template, error=exc.message, errors=exc.details, form=request.form, **context), (
        status or exc.status)


def safe_next(target: str | None) -> str | None:
    """A redirect target after sign-in, only if it stays on this site (no //host, no scheme)."""
    if not target or not target.startswith("/") or "\\" in target or any(ord(ch) < 33 for ch in target):
        return None  # browsers drop tabs and newlines, so "/\t/evil.example" would become "//evil.example"
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


class PictureChoice:
    """The pictures chosen so far in a picture-password form.

    With JavaScript the choice happens in the page and is sent once; without it every tap of a picture is a
    submit button, and the pictures chosen so far travel in a hidden field, so the form works either way.
    """

    def __init__(self, form) -> None:
        chosen = [p for p in (form.get("chosen") or "").split("-") if p in PICTURES]
        self.action = "go"
        if form.get("clear") is not None:
            chosen, self.action = [], "clear"
        elif form.get("pick") in PICTURES:
            if len(chosen) < PICTURE_PASSWORD_LENGTH:
                chosen.append(form["pick"])
            self.action = "pick"
        self.chosen = chosen[:PICTURE_PASSWORD_LENGTH]

    @property
    def complete(self) -> bool:
        return len(self.chosen) == PICTURE_PASSWORD_LENGTH

    @property
    def value(self) -> str:
        return "-".join(self.chosen)


def picture_context(chosen: list[str] | None = None) -> dict:
    """What the picture-password widget (templates/auth/_pictures.html) needs."""
    return {"pictures": PICTURES, "avatars": AVATARS, "chosen": chosen or [], "needed": PICTURE_PASSWORD_LENGTH}
