"""The validated content bank, loaded once per app; the app refuses to start on an invalid bank."""
from __future__ import annotations

from flask import Flask, current_app

from content import Bank, load_bank


def init_app(app: Flask) -> None:
    # A caller may hand over an already loaded bank (tests load it once per session; it is immutable).
    given = app.config.get("CONTENT_BANK")
    app.extensions["content_bank"] = given if given is not None else load_bank(app.config.get("CONTENT_ROOT"))


def bank() -> Bank:
    return current_app.extensions["content_bank"]
