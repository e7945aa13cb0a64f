"""Passwords and PINs (argon2id), codes people type, security headers, CSRF, rate limits and the session user."""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import lru_cache, partial, wraps
from hashlib import sha512
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login.utils import _get_remote_addr
from flask_wtf.csrf import CSRFProtect, generate_csrf

from .cache import MemoryCache
from .sessions import VerifiedCookieSessions

IDENTIFIER_CACHE_MAX_HEADER = 512


def session_identifier() -> str:
    """Flask-Login's session-protection identifier (flask_login.utils._create_identifier, the same value): a sha512
    of the client's address and User-Agent. Every signed-in request computes it to compare with the one kept in the
    session; the digest is kept per (address, agent) pair, as a class sends the same pair all day. Unusually long
    headers are hashed every time, so the cache's memory stays bounded by its size."""
    user_agent = request.headers.get("User-Agent")
    address = _get_remote_addr()
    if (user_agent is not None and len(user_agent) > IDENTIFIER_CACHE_MAX_HEADER) or (
            address is not None and len(address) > IDENTIFIER_CACHE_MAX_HEADER):
        return _identifier(address, user_agent)
    return _cached_identifier(address, user_agent)


def _identifier(address: bytes | None, user_agent: str | None) -> str:
    agent = user_agent.encode("utf-8") if user_agent is not None else None
    return sha512(f"{address}|{agent}".encode()).hexdigest()


_cached_identifier = lru_cache(maxsize=4096)(_identifier)


class CachedCSRF(CSRFProtect):
    """Flask-WTF's CSRF protection, signing and checking each session's token once per process.

    The tutor's tokens never expire on their own (WTF_CSRF_TIME_LIMIT is None: a token lives as long as its
    session), so the signed form of a session's raw token and the result of checking a signed token do not change;
    Flask-WTF redoes both (an HMAC and a serializer) on every page and every POST. This keeps them in bounded LRUs,
    keyed by the secret key. A request is accepted only when the token it sent was once verified by Flask-WTF for
    the raw token in this request's own session; anything else (no token, a bad one, another session's, a time
    limit set) goes through Flask-WTF's own check, with its own messages.
    """

    def __init__(self, app: Flask | None = None) -> None:
        self._signed = MemoryCache(8192)  # (secret, raw token) -> signed token
        self._checked = MemoryCache(8192)  # (secret, signed token) -> raw token
        super().__init__(app)

    def init_app(self, app: Flask) -> None:
        processors = app.template_context_processors[None]
        before = len(processors)
        super().init_app(app)
        # Flask-WTF offers csrf_token() to templates as a global and through a context processor; offer ours.
        app.jinja_env.globals["csrf_token"] = self.token
        processors[before:] = [lambda: {"csrf_token": self.token}]

    @staticmethod
    def _keys() -> tuple[str, str, bool]:
        cfg = current_app.config
        return (cfg.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, cfg.get("WTF_CSRF_FIELD_NAME", "csrf_token"),
                cfg.get("WTF_CSRF_TIME_LIMIT", 3600) is None)

    def token(self) -> str:
        """The signed CSRF token of this request's session (what flask_wtf.csrf.generate_csrf returns)."""
        secret, field, lasting = self._keys()
        if field in g:
            return g.get(field)
        raw = session.get(field)
        signed = self._signed.get((secret, raw)) if lasting and isinstance(raw, str) else None
        if signed is None:
            signed = generate_csrf()
            if lasting:
                self._signed.set((secret, session[field]), signed)
                self._checked.set((secret, signed), session[field])
        setattr(g, field, signed)
        return signed

    def _sent_token(self) -> str | None:
        """The token the request sent, found where Flask-WTF looks; a JSON request has no form fields to parse."""
        if request.mimetype in FORM_TYPES:
            return self._get_csrf_token()
        return next(filter(None, map(request.headers.get, current_app.config["WTF_CSRF_HEADERS"])), None)

    def protect(self, apply_exemptions: bool = False) -> None:
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return  # what Flask-WTF does for a GET, without looking up the rest first
        secret, field, lasting = self._keys()
        if lasting and not (request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]):
            if apply_exemptions and (not request.endpoint or self._is_exempt()):
                return
            sent, raw = self._sent_token(), session.get(field)
            known = self._checked.get((secret, sent)) if sent else None
            if known is not None and isinstance(raw, str) and hmac.compare_digest(known, raw):
                g.csrf_valid = True
                return
            super().protect(apply_exemptions)  # raises with Flask-WTF's message when the token is not good
            self._checked.set((secret, sent), raw)
            return
        super().protect(apply_exemptions)


csrf = CachedCSRF()
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
                g.rate_limited_view = True  # flask-limiter's after-request and teardown hooks have work to do
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


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
NO_STORE = ("Cache-Control", "no-store")
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def set_security_headers(response):
    """Add each security header the view did not set itself (one pass over the response's headers)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    wanted = list(SECURITY_HEADERS)
    if request.path.startswith("/api/") or "text/html" in (response.content_type or ""):
        wanted.append(NO_STORE)
    if not (current_app.debug or current_app.testing):
        wanted.append(HSTS)
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_characters() -> None:
    """No field of the tutor can hold a NUL character (PostgreSQL cannot store one): refuse it before any view, in
    the query string and in form fields (JSON bodies are checked by api_spec.read_json)."""
    from .errors import ServiceError

    query = request.query_string
    fields = list(request.args.lists()) if b"%00" in query or b"\x00" in query else []
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


def _belongs_to(hook: Callable, instance: Limiter) -> bool:
    """A hook flask-limiter registered for `instance` (a bound method, or a partial of the class's function)."""
    return getattr(hook, "__self__", None) is instance or (isinstance(hook, partial) and hook.args[:1] == (instance,))


def _after_limited_view(hook: Callable) -> Callable:
    @wraps(hook)
    def run_after_limited_view(value):
        if g.get("rate_limited_view"):
            return hook(value)
        return value  # the response (after_request) or the exception (teardown, whose result is ignored)

    return run_after_limited_view


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    storage = app.config.get("REDIS_URL") or "memory://"
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage)
    app.config["RATELIMIT_STORAGE_URI"] = storage
    instance = limiter.init_app(app)
    manager = instance.limit_manager
    if not (manager.default_limits or manager.application_limits or manager._blueprint_limits
            or instance._meta_limits):
        # flask-limiter checks every request in a before_request hook, for limits that apply to all views. The
        # tutor has none (its limits sit on single views, checked by their decorators), so the hook only costs time.
        # Its after-request hook (the X-RateLimit headers) and teardown hook (resetting what the check kept) only
        # have work after a limited view ran, so they run only then.
        hooks = app.before_request_funcs.setdefault(None, [])
        hooks[:] = [hook for hook in hooks if not _belongs_to(hook, instance)]
        for hooks in (app.after_request_funcs.setdefault(None, []), app.teardown_request_funcs.setdefault(None, [])):
            hooks[:] = [_after_limited_view(hook) if _belongs_to(hook, instance) else hook for hook in hooks]
    app.session_interface = VerifiedCookieSessions()
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager._session_identifier_generator = session_identifier  # no public setter; flask_login's own value
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
