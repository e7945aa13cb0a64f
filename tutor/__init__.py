"""The tutor web service: create_app() builds the Flask application from configuration, nothing happens at import."""
from __future__ import annotations

from flask import Flask

from .config import Config, TestConfig, from_environment, instance_secret


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app. Keys of `overrides` win over the config class; without overrides the environment is read.

    Raises content.ContentError (listing every problem) when the content bank is not valid.
    """
    settings = dict(overrides) if overrides is not None else from_environment()
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(TestConfig if settings.get("TESTING") else Config)
    app.config.update(settings)
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            app.config["SECRET_KEY"] = instance_secret(app.instance_path)
        else:
            app.config["SECRET_KEY"] = "dev-only-secret"
    if app.debug or app.testing or app.config.get("ALLOW_INSECURE_COOKIES"):
        app.config["SESSION_COOKIE_SECURE"] = bool(settings.get("SESSION_COOKIE_SECURE", False))
        app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    else:
        app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["DATABASE_URL"] = app.config.get("DATABASE_URL") or f"sqlite:///{app.instance_path}/tutor.db"

    from . import cache, content_bank, db, errors, identity, security, views

    content_bank.init_app(app)
    db.init_app(app, app.config["DATABASE_URL"])
    security.init_app(app)
    cache.init_app(app)
    identity.init_app(app)
    errors.register(app)
    views.register(app)
    return app


__all__ = ["create_app", "Config", "TestConfig"]
