"""Flask's signed-cookie sessions, with each distinct cookie's signature checked once per process.

Every request of a signed-in learner carries the same session cookie until the session changes. Checking its
signature (HMAC), decoding it and rebuilding its values cost more than the rest of a small JSON request's session
work, so the first check's result is kept, keyed by the exact cookie text and the secret keys, in a bounded LRU.
What a request gets is the same as Flask's own interface gives: a fresh session holding a private copy of the
values, an empty one for a bad signature, and an empty one once the cookie is older than the session lifetime (the
age is checked on every request, from the time signed into the cookie, exactly as itsdangerous checks it).
"""
from __future__ import annotations

import copy
import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

from .cache import MemoryCache

_PLAIN = (str, int, float, bool, type(None))


def _private_copy(data: dict[str, Any]) -> dict[str, Any]:
    """A copy whose containers are not shared with the cache (a view may change session['prefs'] in place)."""
    return {key: value if isinstance(value, _PLAIN) else copy.deepcopy(value) for key, value in data.items()}


class VerifiedCookieSessions(SecureCookieSessionInterface):
    def __init__(self, max_entries: int = 8192) -> None:
        self._verified = MemoryCache(max_entries)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        val = request.cookies.get(self.get_cookie_name(app))
        if not val or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), val)
        verified = self._verified.get(key)
        if verified is None:
            try:
                data, signed_at = self.get_signing_serializer(app).loads(val, max_age=max_age, return_timestamp=True)
            except BadSignature:  # expired cookies too (SignatureExpired is a BadSignature)
                return self.session_class()
            verified = (data, int(signed_at.timestamp()))
            self._verified.set(key, verified)
        data, signed_at = verified
        age = int(time.time()) - signed_at
        if age > max_age or age < 0:
            return self.session_class()
        return self.session_class(_private_copy(data))

    def save_session(self, app: Flask, session: SecureCookieSession, response) -> None:
        if not session.modified and not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            # Nothing to send (Flask's save_session would look up seven cookie settings to decide that).
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
