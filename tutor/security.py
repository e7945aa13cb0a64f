"""Passwords and PINs (argon2id), codes people type, security headers, CSRF, rate limits and the session user."""
from __future__ import annotations

import secrets
from functools import wraps
from typing import Any, Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()


class AppLimits:
    """Rate limits declared once on the views, counted by a flask-limiter Limiter of each app's own.

    flask-limiter keeps its storage and its on/off switch on the Limiter object, so one module-level Limiter shared
    by several apps in a process (tests, or a WSGI server hosting two) would count with whichever app was created
    last. Here each app gets its own Limiter in `app.extensions["tutor_limiter"]` (its RATELIMIT_* settings, its
    storage: Redis when REDIS_URL is set, shared by every process and app using that Redis), and `limit()`
    decorates a view so that it is checked by the limiter of the app serving the request.
    """

    def __init__(self, **limiter_options: Any) -> None:
        self._options = limiter_options

    def init_app(self, app: Flask) -> Limiter:
        instance = Limiter(**self._options)
        instance.init_app(app)
        app.extensions["tutor_limiter"] = instance
        app.extensions["tutor_limited_views"] = {}
        return instance

    def limit(self, limit_value: str | Callable[[], str], **options: Any) -> Callable:
        """Like Limiter.limit (same arguments), for a view of any app this extension was initialised on."""

        def decorate(view: Callable) -> Callable:
            @wraps(view)
            def limited(*args, **kwargs):
                views = current_app.extensions["tutor_limited_views"]
                checked = views.get(view)
                if checked is None:  # the app's own limiter wraps the view once, on its first use
                    checked = views[view] = for_app().limit(limit_value, **options)(view)
                return checked(*args, **kwargs)

            return limited

        return decorate


def for_app(app: Flask | None = None) -> Limiter:
    """The rate limiter of `app` (the current app by default)."""
    return (app or current_app).extensions["tutor_limiter"]


limiter = AppLimits(key_func=get_remote_address, default_limits=[], strategy="fixed-window")

# No 0/O, 1/I/L: codes are read off a whiteboard by children.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What a child typed as a code, forgiving spaces, dashes and lower case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    key = (cfg["PASSWORD_HASH_TIME_COST"], cfg["PASSWORD_HASH_MEMORY_COST"])
    hasher = current_app.extensions.get("password_hasher")
    if hasher is None or hasher[0] != key:
        hasher = (key, PasswordHasher(time_cost=key[0], memory_cost=key[1]))
        current_app.extensions["password_hasher"] = hasher
    return hasher[1]


def hash_secret(secret: str) -> str:
    return _hasher().hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    if not stored_hash:
        # Spend the same time as a real check, so timing does not reveal which accounts exist.
        _hasher().hash(secret)
        return False
    try:
        return _hasher().verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.path.startswith("/api/") or "text/html" in (response.content_type or ""):
        headers.setdefault("Cache-Control", "no-store")
    if not (current_app.debug or current_app.testing):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_characters() -> None:
    """No field of the tutor can hold a NUL character (PostgreSQL cannot store one): refuse it before any view, in
    the query string and in form fields (JSON bodies are checked by api_spec.read_json)."""
    from .errors import ServiceError

    fields = list(request.args.lists())
    if request.mimetype in FORM_TYPES:
        fields += list(request.form.lists())
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in fields):
        raise ServiceError("Something typed contains a hidden NUL character. Type it again and send it once more.",
                           code="bad_characters", status=400)


def start_session_for(user, *, keep_csrf: bool = False) -> None:
    """Sign a person in on a fresh session (no data from before sign-in carries over: no fixation).

    keep_csrf is for a guest profile made in the middle of a page (its first answer): nobody changes identity, and
    the page's CSRF token must keep working for its next request.
    """
    from flask_login import login_user

    carried = ("track", "prefs", "csrf_token") if keep_csrf else ("track", "prefs")
    keep = {k: session[k] for k in carried if k in session}
    session.clear()
    session.update(keep)
    login_user(user)
    g.pop("_login_user", None)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    storage = app.config.get("REDIS_URL") or "memory://"
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage)
    app.config["RATELIMIT_STORAGE_URI"] = storage
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
