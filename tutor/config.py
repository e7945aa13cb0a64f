"""Configuration classes: defaults for development, tests and production, read from the environment."""
from __future__ import annotations

import os
import secrets


class Config:
    """Development defaults: an embedded SQLite file under the instance folder, memory rate limits."""

    SECRET_KEY: str | None = None  # filled from the environment or a generated instance secret
    DATABASE_URL: str | None = None  # None means sqlite:///<instance>/tutor.db
    REDIS_URL: str | None = None
    TESTING = False
    DEBUG = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True  # relaxed to False only in debug/testing, see create_app
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30

    MAX_CONTENT_LENGTH = 256 * 1024  # no form or JSON body the tutor accepts is anywhere near this
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session: a child may sit on a page for hours
    WTF_CSRF_HEADERS = ["X-CSRF-Token", "X-CSRFToken"]

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;60 per hour"
    PIN_RATE_LIMIT = "5 per minute;30 per hour"

    # argon2id parameters (RFC 9106 "second recommended" profile is the argon2-cffi default)
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536

    CONTENT_ROOT: str | None = None  # None means the content package's own data


class TestConfig(Config):
    TESTING = True
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = True  # tests that need it off say so; CSRF is part of what is tested
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 1024


ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "TESTING", "CONTENT_ROOT")


def from_environment() -> dict:
    """Configuration keys given as environment variables (used when create_app gets no overrides)."""
    found: dict = {}
    for key in ENV_KEYS:
        value = os.environ.get(key)
        if value:
            found[key] = value.lower() in ("1", "true", "yes") if key == "TESTING" else value
    return found


def instance_secret(instance_path: str) -> str:
    """A secret key kept in the instance folder, so a development server keeps sessions across restarts."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
    with open(path) as f:
        return f.read().strip()
