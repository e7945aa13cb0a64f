"""What `tutor serve --prod` (and bench/load.py) give gunicorn: a worker that serves kept-alive connections without
handing each request to another thread, and an access log that costs little per request.

InlineWorker is gunicorn's gthread worker (keep-alive connections waiting in a poller) with its one request thread
folded into the main loop. With `--threads 1`, gthread passes every request from the loop to its single pool thread
and the finished connection back: two thread hand-offs per request, each waking a thread and waiting for the GIL
(for a trivial app, 213 µs of server CPU per request against 149 µs here; bench/README.md). Here the loop handles a
request itself when its connection has data, one at a time, as the one pool thread did. A new connection
that has sent nothing yet waits in the poller instead of holding the worker (gthread waits up to 5 s for it in the
pool thread). As with any worker that serves one request at a time, a client sending its body very slowly holds
the worker until gunicorn's timeout; a production setup puts a buffering proxy (nginx) in front, as gunicorn advises.

gunicorn's own Logger.access builds every atom a format could name for every request (all request and response
headers, the whole WSGI environ, a strftime of the time) and copies them once more to quote them, although a format
names a handful. That was several percent of a small request's CPU under load. AccessLog works out only the atoms
its format asks for, the same way and with the same quoting; an atom it has no quick way to compute (a header or
environ atom, `{...}i`) falls back to gunicorn's full table, so every format still logs exactly what gunicorn logs.

gunicorn's Response writes the status line and headers with one send() and the body with another. On a kept-alive
connection each send is a TCP segment of its own: the client is woken for the headers, reads them, and sleeps again
until the body comes, and both sides pay for the extra system calls. OneWriteResponse holds the headers back and
sends them with the body's first bytes in one send() (or alone, when there is no body, at the end of the response).
"""
from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from concurrent import futures
from datetime import datetime
from typing import Any

from gunicorn import util
from gunicorn.glogging import Logger, SafeAtoms
from gunicorn.http import wsgi
from gunicorn.workers import gthread


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


class OneWriteResponse(wsgi.Response):
    """gunicorn's Response, with the status line and headers sent together with the body's first bytes."""

    def __init__(self, req, sock, cfg) -> None:
        super().__init__(req, sock, cfg)
        self._head: bytes | None = None  # headers made but not yet on the wire
        self._hold_head = True

    def send_headers(self) -> None:
        if self.headers_sent or not self._hold_head:
            super().send_headers()
            return
        real_sock, self.sock = self.sock, _Keep()
        try:
            super().send_headers()  # builds the head exactly as gunicorn does, into _Keep
        finally:
            self.sock, self._head = real_sock, self.sock.data

    def _send_head(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            util.write(self.sock, head)

    def _emit_body(self, data: bytes) -> None:
        if self._head is None:
            super()._emit_body(data)
            return
        head, self._head = self._head, None
        if self.chunked:
            data = b"%X\r\n%s\r\n" % (len(data), data)  # util.write_chunk's framing
        util.write(self.sock, head + data)

    def sendfile(self, respiter) -> bool:
        # os.sendfile writes the body straight from the file: the head must be on the wire first.
        self._send_head()
        self._hold_head = False
        return super().sendfile(respiter)

    def close(self) -> None:
        if not self.headers_sent:
            self.send_headers()
        self._send_head()  # a response without a body (204, 304, HEAD, an empty one)
        super().close()


class _Keep:
    """Stands in for the socket while OneWriteResponse builds its head: keeps what would have been sent."""

    data = b""

    def sendall(self, data: bytes) -> None:
        self.data += data


REQUESTS_PER_CONNECTION = 100


class InlineWorker(gthread.ThreadWorker):
    def handle_request(self, req, conn):
        """gthread's handle_request (gunicorn 27), with OneWriteResponse for its responses.

        Every kept-alive connection stays with the worker that accepted it. Clients that connect at the same moment
        can all land on one worker (the load bench saw 16 of 16 on one, and the other idle), so after
        REQUESTS_PER_CONNECTION requests a response says "Connection: close" (as nginx's keepalive_requests does)
        and the client's next connection goes to whichever worker is free to accept it."""
        conn.requests_served = getattr(conn, "requests_served", 0) + 1
        if conn.requests_served >= REQUESTS_PER_CONNECTION:
            req.must_close = True
        environ: dict = {}
        resp = None
        try:
            self.cfg.pre_request(self, req)
            request_start = datetime.now()
            resp, environ = wsgi.create(req, conn.sock, conn.client, conn.server, self.cfg,
                                        response_class=OneWriteResponse)
            environ["wsgi.multithread"] = True
            self.nr += 1
            if self.nr >= self.max_requests:
                if self.alive:
                    self.log.info("Autorestarting worker after current request.")
                    self.alive = False
                resp.force_close()
            if not self.alive or not self.cfg.keepalive or len(self.keepalived_conns) >= self.max_keepalived:
                resp.force_close()
            respiter = self.wsgi(environ, resp.start_response)
            try:
                if isinstance(respiter, environ["wsgi.file_wrapper"]):
                    resp.write_file(respiter)
                else:
                    for item in respiter:
                        resp.write(item)
                resp.close()
            finally:
                self.log.access(resp, req, environ, datetime.now() - request_start)
                if hasattr(respiter, "close"):
                    respiter.close()
            if resp.should_close():
                self.log.debug("Closing connection.")
                return False
        except OSError:
            util.reraise(*sys.exc_info())  # to the next level, as gthread does
        except (Exception, SystemExit):
            if resp and resp.headers_sent:
                # A response already begun cannot become a 500 on the same socket (gthread's rule).
                self.log.exception("Error handling request")
                util.close_graceful(conn.sock)
                raise StopIteration() from None
            raise
        finally:
            try:
                self.cfg.post_request(self, req, environ, resp)
            except Exception:
                self.log.exception("Exception in post_request hook")
        return True

    def enqueue_req(self, conn) -> None:
        done: futures.Future = futures.Future()
        if not conn.initialized and not conn.data_ready and not conn.wait_for_data(0):
            done.set_result(gthread._DEFER)  # gthread's own "wait in the poller" answer
        else:
            try:
                done.set_result(self.handle(conn))
            except Exception as exc:  # noqa: BLE001 - handle() answers errors itself; this closes the connection
                done.set_exception(exc)
        self.finish_request(conn, done)


def warm(app) -> int:
    """Render once, before any learner asks, what every class asks for first and is the same for everyone: each
    lesson's parts on each track (its worked examples and plots come from the engine) and the chat's reply to each
    lesson's first question (the recogniser, the lesson's messages read for matching, the plot descriptions).

    gunicorn calls this in its master after loading the app (tutor.gunicorn_config: preload_app, when_ready), so the
    workers it forks, and any it forks again after one dies, start with these caches filled instead of each
    rendering them for its first visitors (about a second of CPU per worker on the load bench's machine). Nothing
    here reads or writes the database. Returns how many lessons were warmed (each with its chat reply)."""
    from .content_bank import bank
    from .services import chat as chat_service
    from .views.learn import lesson_parts

    # One request context per lesson, as a real request has (the demos number their ids per request), with the
    # script root gunicorn will give requests (its SCRIPT_NAME): the cached parts hold URLs.
    # (A request context pushed inside an app context would share that context's `g`: so none is pushed around.)
    base_url = f"http://localhost{os.environ.get('SCRIPT_NAME', '')}/"
    with app.app_context():
        lessons = [(concept.id, track.id) for track in bank().tracks for concept in bank().concepts(track.id)]
    for concept, track in lessons:
        with app.test_request_context(f"/learn/{concept}", base_url=base_url):
            lesson_parts(concept, track, 0)
            chat_service.reply(chat_service.canonical_question(bank(), concept), track)
    return len(lessons)
