"""The validated content bank, loaded once per app; the app refuses to start on an invalid bank."""
from __future__ import annotations

from flask import Flask, current_app

from content import Bank, load_bank


def init_app(app: Flask) -> None:
    app.extensions["content_bank"] = load_bank(app.config.get("CONTENT_ROOT"))


def bank() -> Bank:
    return current_app.extensions["content_bank"]
