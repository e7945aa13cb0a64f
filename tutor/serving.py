"""What `tutor serve --prod` (and bench/load.py) give gunicorn: an access log that costs little per request.

gunicorn's own Logger.access builds every atom a format could name for every request (all request and response
headers, the whole WSGI environ, a strftime of the time) and copies them once more to quote them, although a format
names a handful. That was several percent of a small request's CPU under load. AccessLog works out only the atoms
its format asks for, the same way and with the same quoting; an atom it has no quick way to compute (a header or
environ atom, `{...}i`) falls back to gunicorn's full table, so every format still logs exactly what gunicorn logs.
"""
from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any

from gunicorn.glogging import Logger, SafeAtoms


def _status(resp, _environ, _time) -> str:
    status = resp.status
    return status.split(None, 1)[0] if isinstance(status, str) else status


def _sent(resp) -> Any:
    return getattr(resp, "sent", None)


QUICK: dict[str, Callable[[Any, dict, Any], Any]] = {
    "h": lambda _r, e, _t: e.get("REMOTE_ADDR", "-"),
    "l": lambda _r, _e, _t: "-",
    "r": lambda _r, e, _t: f"{e['REQUEST_METHOD']} {e['RAW_URI']} {e['SERVER_PROTOCOL']}",
    "s": _status,
    "m": lambda _r, e, _t: e.get("REQUEST_METHOD"),
    "U": lambda _r, e, _t: e.get("PATH_INFO"),
    "q": lambda _r, e, _t: e.get("QUERY_STRING"),
    "H": lambda _r, e, _t: e.get("SERVER_PROTOCOL"),
    "b": lambda r, _e, _t: _sent(r) is not None and str(_sent(r)) or "-",
    "B": lambda r, _e, _t: _sent(r),
    "f": lambda _r, e, _t: e.get("HTTP_REFERER", "-"),
    "a": lambda _r, e, _t: e.get("HTTP_USER_AGENT", "-"),
    "T": lambda _r, _e, t: t.seconds,
    "D": lambda _r, _e, t: t.seconds * 1000000 + t.microseconds,
    "M": lambda _r, _e, t: t.seconds * 1000 + int(t.microseconds / 1000),
    "L": lambda _r, _e, t: f"{t.seconds:d}.{t.microseconds:06d}",
    "p": lambda _r, _e, _t: f"<{os.getpid()}>",
}


class _Atoms(dict):
    """The atoms of one access line, each worked out when the format asks for it (quoted as SafeAtoms quotes)."""

    def __init__(self, log: Logger, resp, req, environ: dict, request_time) -> None:
        super().__init__(lazy=True)  # logging only treats a non-empty mapping as the format's mapping
        self._call = (log, resp, req, environ, request_time)
        self._full: SafeAtoms | None = None

    def __getitem__(self, key: str) -> Any:
        log, resp, req, environ, request_time = self._call
        quick = QUICK.get(key)
        if quick is None:
            if self._full is None:
                self._full = SafeAtoms(Logger.atoms(log, resp, req, environ, request_time))
            return self._full[key]
        value = quick(resp, environ, request_time)
        return value.replace('"', '\\"') if isinstance(value, str) else value


class AccessLog(Logger):
    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        try:
            self.access_log.info(self.cfg.access_log_format, _Atoms(self, resp, req, environ, request_time))
        except Exception:  # noqa: BLE001 - as gunicorn's own: a log line never fails a request
            self.error(traceback.format_exc())
