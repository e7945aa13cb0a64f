"""One blueprint per area of the site."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import activities, api, auth, chat, demos, learn, media, parent, quiz, teacher

    for module in (api, auth, learn, chat, quiz, demos, activities, media, parent, teacher):
        app.register_blueprint(module.bp)
