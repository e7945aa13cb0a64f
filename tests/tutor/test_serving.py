"""tutor.serving.InlineWorker under a real gunicorn: kept-alive connections, request bodies, a silent connection
that must not hold the worker, and errors that close only their own connection."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def echo_app(environ, start_response):
    """A WSGI app for these tests: echoes the method, path and body; /boom raises."""
    if environ["PATH_INFO"] == "/boom":
        raise RuntimeError("boom")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.dumps({"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],
                       "body": environ["wsgi.input"].read(length).decode(), "pid": os.getpid(),
                       "main_thread": threading.current_thread() is threading.main_thread()}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture(scope="module")
def server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                             "--worker-class", "tutor.serving.InlineWorker", "--graceful-timeout", "1",
                             "tests.tutor.test_serving:echo_app"],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # bounded: up to 20 s for gunicorn to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def exchange(sock: socket.socket, method: str, path: str, body: bytes = b"") -> tuple[int, dict, bytes]:
    sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    while len(rest) < int(headers.get("content-length", 0)):
        rest += sock.recv(65536)
    return int(lines[0].split()[1]), headers, rest


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    return sock


def test_one_connection_carries_many_requests_with_their_bodies(server):
    with connect(server) as sock:
        pids = set()
        for n in range(20):
            status, _, body = exchange(sock, "POST", f"/answer/{n}", json.dumps({"n": n}).encode())
            reply = json.loads(body)
            assert status == 200 and reply["path"] == f"/answer/{n}" and json.loads(reply["body"]) == {"n": n}
            pids.add(reply["pid"])
            assert reply["main_thread"]  # handled in the worker's loop, not handed to a pool thread
        assert len(pids) == 1


def test_a_silent_connection_does_not_hold_the_worker(server):
    """One worker, one request at a time: a connection that sends nothing waits in the poller while others are
    served, and is served once it speaks."""
    with connect(server) as silent, connect(server) as busy:
        for n in range(5):
            assert exchange(busy, "GET", f"/page/{n}")[0] == 200
        assert exchange(silent, "GET", "/late")[0] == 200  # and it is served once it speaks


def test_an_error_answers_500_and_the_next_connection_is_served(server):
    with connect(server) as sock:
        assert exchange(sock, "GET", "/boom")[0] == 500
    with connect(server) as sock:
        assert exchange(sock, "GET", "/fine")[0] == 200


def test_a_connection_is_closed_after_its_hundredth_request_so_clients_spread_over_workers(server):
    from tutor.serving import REQUESTS_PER_CONNECTION

    with connect(server) as sock:
        for n in range(1, REQUESTS_PER_CONNECTION + 1):
            status, headers, _ = exchange(sock, "GET", f"/page/{n}")
            assert status == 200
            assert headers["connection"].lower() == ("close" if n == REQUESTS_PER_CONNECTION else "keep-alive")
        assert sock.recv(1) == b""  # the server closed it, after answering


# ---- OneWriteResponse: the same bytes as gunicorn's Response, the head going out with the body's first bytes --------

class RecordingSocket:
    def __init__(self) -> None:
        self.sends: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.sends.append(bytes(data))


def respond(response_class, method: str, status: str, headers: list, chunks: list[bytes], monkeypatch):
    from types import SimpleNamespace

    from gunicorn import util
    from gunicorn.config import Config

    monkeypatch.setattr(util, "http_date", lambda *_: "Sun, 29 Nov 2026 12:00:00 GMT")
    req = SimpleNamespace(version=(1, 1), method=method, should_close=lambda: False)
    sock = RecordingSocket()
    resp = response_class(req, sock, Config())
    resp.start_response(status, headers)
    for chunk in chunks:
        resp.write(chunk)
    resp.close()
    return sock.sends


@pytest.mark.parametrize(("method", "status", "headers", "chunks"), [
    ("GET", "200 OK", [("Content-Type", "text/html"), ("Content-Length", "5")], [b"hello"]),
    ("POST", "200 OK", [("Content-Type", "application/json")], [b'{"a":', b"", b"1}"]),  # chunked
    ("GET", "204 No Content", [], []),
    ("HEAD", "200 OK", [("Content-Length", "5")], [b"hello"]),
    ("GET", "200 OK", [("Content-Length", "0")], [b""]),
    ("GET", "200 OK", [("Content-Length", "3")], [b"he", b"llo"]),  # more than promised: cut, as gunicorn cuts
])
def test_one_write_response_sends_gunicorns_bytes_with_the_head_in_the_first_send(method, status, headers, chunks,
                                                                                   monkeypatch):
    from gunicorn.http.wsgi import Response

    from tutor.serving import OneWriteResponse

    theirs = respond(Response, method, status, headers, chunks, monkeypatch)
    ours = respond(OneWriteResponse, method, status, headers, chunks, monkeypatch)
    assert b"".join(ours) == b"".join(theirs)
    head = theirs[0]
    assert head.endswith(b"\r\n\r\n") and ours[0].startswith(head)
    assert len(ours) == max(1, len(theirs) - 1)  # gunicorn's separate head write is gone, nothing else changes


def test_one_write_response_puts_the_head_on_the_wire_before_a_sendfile_body(tmp_path):
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.http.wsgi import FileWrapper

    from tutor.serving import OneWriteResponse

    page = tmp_path / "page.css"
    page.write_bytes(b"body { color: teal }" * 500)
    server, client = socket.socketpair()
    with server, client:
        req = SimpleNamespace(version=(1, 1), method="GET", should_close=lambda: False)
        resp = OneWriteResponse(req, server, Config())
        resp.start_response("200 OK", [("Content-Length", str(page.stat().st_size))])
        with open(page, "rb") as f:
            resp.write_file(FileWrapper(f))
        resp.close()
        server.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := client.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and body == page.read_bytes()


def test_a_kept_alive_response_arrives_whole_in_one_read(server):
    """On loopback, one send is one read for the client: headers and body together."""
    with connect(server) as sock:
        for n in range(3):
            sock.sendall(f"GET /page/{n} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            data = sock.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            assert len(body) == length and json.loads(body)["path"] == f"/page/{n}"
