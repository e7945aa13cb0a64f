"""Load benchmark: the tutor under gunicorn on a free loopback port, driven by a class of simulated learners.

First it serves bench/bare_app.py (the same URLs and reply sizes, nothing behind them) the same way and runs the
lessons and answers phases against it: this machine's ceiling for a Flask app today, which the targets line
compares with. Then, for SQLite and then PostgreSQL (when 127.0.0.1:5432 answers), it starts `gunicorn tutor:create_app()` in a temp
folder, gives every simulated learner its own keep-alive connection and cookie (GET /api/session for the session
cookie and CSRF token; guests are created lazily by their first answer), and runs fixed-size phases:

  lessons  GET /learn/<concept>?track=<track>
  chat     POST /api/chat with the bank's held-out questions
  answers  POST /api/attempts, a fresh Idempotency-Key per answer
  mix      a classroom: 60% lesson pages, 15% chat, 25% answers

It prints requests per second, client-side p50/p99 per endpoint, server-side p50/p99 per endpoint (gunicorn's
access log, %(D)s: the worker's time for the request), server and client CPU per request, 5xx counts, and answers
acknowledged (2xx received) against rows stored, checked key by key. Then the plot / worked-example cache: first and
cached render times in-process and over HTTP. Nothing is asserted; targets are printed next to the numbers.

Every loop is bounded by a request count and a hard time limit, traffic goes to 127.0.0.1 only, and each server's
process group is killed at the end (try/finally and atexit).

Run: .venv/bin/python bench/load.py [--db sqlite|postgresql|both] [--scale 1.0] [--concurrency 16]
     [--workers 2] [--worker-class inline|gthread|sync] [--threads 1] [--redis] [--no-cache-bench] [--no-baseline]
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # bench/engine.py would otherwise shadow the engine package

HOST = "127.0.0.1"  # the only address this benchmark ever talks to
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
WORKER_CLASSES = {"inline": "tutor.serving.InlineWorker"}  # other names are gunicorn's own (gthread, sync)
TARGETS = {
    "answers": "≥ 1,000 req/s, p99 < 50 ms",
    "lessons": "≥ 2,000 req/s",
    "chat": "p50 < 5 ms in the server",
}


# ---- a small HTTP/1.1 client over asyncio streams -------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class Connection:
    """One keep-alive connection; reconnects when the server closed it (gunicorn's sync workers close each one)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.loop = asyncio.get_running_loop()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes | None = None) -> Response:
        if self.writer is not None and self.loop is not asyncio.get_running_loop():
            self.reader = self.writer = None  # opened in an earlier asyncio.run(): that loop is gone
        fresh = self.writer is None
        if fresh:
            await self._connect()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")
        try:
            return await self._exchange(raw)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            if fresh:
                raise
        # The server closed an idle keep-alive connection before reading the request: send it once more on a new
        # connection. Nothing reached the application, so this is not a retry of a request it saw.
        await self._connect()
        try:
            return await self._exchange(raw)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            raise

    async def _exchange(self, raw: bytes) -> Response:
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookies.append(value)
            headers[name] = value
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Response(status, headers, cookies, body)


class Learner:
    """A simulated learner: its own connection, cookies (so guests are distinct) and CSRF token."""

    def __init__(self, port: int, track: str, name: str):
        self.conn = Connection(HOST, port)
        self.track = track
        self.name = name
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None
        self.learner_id: int | None = None
        self.first_key: str | None = None

    async def call(self, method: str, path: str, body=None, headers: dict[str, str] | None = None) -> Response:
        hdrs = {"User-Agent": "tutor-load/1", "Accept": "*/*"}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        response = await self.conn.request(method, path, hdrs, data)
        for cookie in response.set_cookies:
            pair = cookie.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if value and "expires=thu, 01 jan 1970" not in cookie.lower():
                self.cookies[name.strip()] = value.strip()
            else:
                self.cookies.pop(name.strip(), None)
        return response

    async def start(self) -> Response:
        response = await self.call("GET", "/api/session")
        if response.status == 200:
            info = response.json()
            self.csrf = info["csrf_token"]
            self.learner_id = (info.get("user") or {}).get("id")
        return response

    async def answer(self, item_id: str, answer: dict, key: str) -> Response:
        return await self.call("POST", "/api/attempts", {"item_id": item_id, "answer": answer},
                               {"X-CSRF-Token": self.csrf or "", "Idempotency-Key": key})


# ---- what learners do ----------------------------------------------------------------------------------------------

@dataclass
class Classroom:
    """The bank's lessons, chat questions and auto-answerable quiz items per track."""

    lessons: dict[str, list[str]]
    questions: dict[str, list[str]]
    items: dict[str, list[tuple[str, dict]]]

    @classmethod
    def from_bank(cls) -> Classroom:
        from content import load_bank

        bank = load_bank()
        lessons, questions, items = {}, {}, {}
        held_out = [q for qs in bank.chat.held_out.values() for q in qs]
        for track in bank.tracks:
            lessons[track.id] = [lesson.id for lesson in bank.concepts(track.id)]
            questions[track.id] = held_out
            found = []
            for quiz in bank.quizzes(track.id):
                for item in bank.quiz_items(quiz.id):
                    if item.kind == "choice":
                        found += [(item.id, {"option": o.id}) for o in item.options]
                    elif item.kind == "truefalse":
                        found += [(item.id, {"value": True}), (item.id, {"value": False})]
            items[track.id] = found
        return cls(lessons, questions, items)

    def tracks(self) -> list[str]:
        return list(self.lessons)


def endpoint_of(path: str) -> str:
    path = path.split("?", 1)[0]
    if path.startswith("/learn/"):
        return "lessons"
    return {"/api/chat": "chat", "/api/attempts": "answers", "/api/session": "session"}.get(path, path)


@dataclass
class PhaseResult:
    name: str
    seconds: float = 0.0
    requests: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    acked: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> name of the learner who sent it
    # with keep_replies: Idempotency-Key -> (item id, answer, the acknowledged reply's body)
    replies: dict[str, tuple[str, dict, bytes]] = field(default_factory=dict)
    unacked: list[tuple] = field(default_factory=list)  # (learner, item, answer, key) whose reply never came
    keep_replies: bool = False
    client_cpu: float = 0.0
    server_cpu: float | None = None

    def record(self, endpoint: str, seconds: float, status: int) -> None:
        self.latencies.setdefault(endpoint, []).append(seconds)
        by_status = self.statuses.setdefault(endpoint, {})
        by_status[status] = by_status.get(status, 0) + 1


async def learner_loop(learner: Learner, room: Classroom, mix: dict[str, float], budget: list[int], deadline: float,
                       result: PhaseResult, rng: random.Random, run_id: str, counter: list[int],
                       stop: asyncio.Event | None = None) -> None:
    kinds, weights = list(mix), list(mix.values())
    while budget[0] > 0 and time.monotonic() < deadline and not (stop is not None and stop.is_set()):
        budget[0] -= 1
        kind = rng.choices(kinds, weights)[0]
        start = time.perf_counter()
        key = None
        try:
            if kind == "lessons":
                concept = rng.choice(room.lessons[learner.track])
                response = await learner.call("GET", f"/learn/{concept}?track={learner.track}")
            elif kind == "chat":
                response = await learner.call("POST", "/api/chat", {"message": rng.choice(room.questions[learner.track]),
                                                                     "track": learner.track})
            else:
                item_id, answer = rng.choice(room.items[learner.track])
                counter[0] += 1
                key = f"{run_id}-{counter[0]}"
                response = await learner.answer(item_id, answer, key)
                if 200 <= response.status < 300:
                    result.acked[key] = learner.name
                    if result.keep_replies:
                        result.replies[key] = (item_id, answer, response.body)
                else:
                    result.unacked.append((learner, item_id, answer, key))
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            result.errors[kind] = result.errors.get(kind, 0) + 1
            if key is not None:
                result.unacked.append((learner, item_id, answer, key))
            if isinstance(exc, ConnectionRefusedError):
                await asyncio.sleep(0.05)  # the server is down (the fault test kills it): do not spin
            continue
        result.record(kind, time.perf_counter() - start, response.status)
        result.requests += 1


async def run_phase(name: str, learners: list[Learner], room: Classroom, mix: dict[str, float], requests: int,
                    time_limit: float, seed: int = 0, run_id: str | None = None, stop: asyncio.Event | None = None,
                    result: PhaseResult | None = None) -> PhaseResult:
    """Every learner sends its next request as soon as the last one is answered, until `requests` were sent,
    `time_limit` seconds passed or `stop` is set (requests in flight then are waited for). `result` may be given
    to watch it fill while the phase runs."""
    result = result or PhaseResult(name)
    budget, counter = [requests], [0]
    run_id = run_id or f"{name}-{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + time_limit
    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(learner_loop(learner, room, mix, budget, deadline, result,
                                        random.Random(f"{seed}-{i}"), f"{run_id}-{i}", counter, stop)
                           for i, learner in enumerate(learners)))
    result.seconds = time.perf_counter() - t0
    result.client_cpu = time.process_time() - cpu0
    return result


async def make_learners(port: int, room: Classroom, count: int, first_answers: bool = True) -> list[Learner]:
    """`count` learners spread over the tracks, each with a session; with first_answers each answers once, which
    creates its guest (the cookie then identifies it across a server restart)."""
    tracks = room.tracks()
    learners = [Learner(port, tracks[i % len(tracks)], f"learner-{i}") for i in range(count)]
    for learner in learners:
        response = await learner.start()
        if response.status != 200:
            raise RuntimeError(f"GET /api/session answered {response.status}")
        if first_answers:
            item_id, answer = room.items[learner.track][0]
            learner.first_key = f"first-{uuid.uuid4().hex}"
            reply = await learner.answer(item_id, answer, learner.first_key)
            if reply.status != 200:
                raise RuntimeError(f"first answer: {reply.status} {reply.body[:300]!r}")
            await learner.start()  # the guest's id
    return learners


# ---- the server ----------------------------------------------------------------------------------------------------

_SERVERS: list[Server] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn running tutor:create_app() in its own process group, so one signal stops master and workers."""

    def __init__(self, database_url: str, folder: Path, *, port: int | None = None, workers: int = 2,
                 worker_class: str = "inline", threads: int = 1, secret: str = "load-bench-secret",
                 redis_url: str | None = None, access_log: bool = True, app: str = "tutor:create_app()",
                 config: str | None = "python:tutor.gunicorn_config"):
        self.database_url, self.folder = database_url, Path(folder)
        self.app, self.config = app, config
        self.port = port or free_port()
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.secret, self.redis_url = secret, redis_url
        self.access_log = self.folder / "access.log" if access_log else None
        self.proc: subprocess.Popen | None = None
        self.log_offset = 0

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "gunicorn", *(["--config", self.config] if self.config else []),  # as `tutor serve --prod`
               "--workers", str(self.workers), "--bind", f"{HOST}:{self.port}",
               "--worker-class", WORKER_CLASSES.get(self.worker_class, self.worker_class), "--threads", str(self.threads),
               "--graceful-timeout", "2",
               "--timeout", "30", "--backlog", "512"]
        if self.access_log is not None:
            cmd += ["--access-logfile", str(self.access_log), "--access-logformat", ACCESS_LOG_FORMAT,
                    "--logger-class", "tutor.serving.AccessLog"]  # as `tutor serve --prod`
        return cmd + [self.app]

    def start(self, timeout: float = 60.0) -> Server:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TESTING")}
        env.update(DATABASE_URL=self.database_url, SECRET_KEY=self.secret, PYTHONUNBUFFERED="1",
                   PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "server.out", "ab") as out:
            self.proc = subprocess.Popen(self.command(), cwd=self.folder, env=env, stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        if self not in _SERVERS:
            _SERVERS.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.output()[-2000:]}")
            if self.healthy():
                return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer /api/health within {timeout:.0f} s: {self.output()[-2000:]}")

    def healthy(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as s:
                s.sendall(f"GET /api/health HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                return s.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    def output(self) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / "server.out").read_text(errors="replace")
        return ""

    def pids(self) -> list[int]:
        """Master and workers: every process in the server's process group."""
        if self.proc is None:
            return []
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[2]) == self.proc.pid and fields[0] not in "ZX":  # same pgrp, not a zombie
                        found.append(int(entry))
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its live workers so far."""
        total, tick = 0, os.sysconf("SC_CLK_TCK")
        for pid in self.pids():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (master and workers), reap the master, wait for the workers to die."""
        if self.proc is None or self.proc.poll() is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError, TypeError):
                if self.proc is not None:
                    os.killpg(self.proc.pid, signal.SIGKILL)  # leftover workers of a dead master
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def server_times(self) -> dict[str, list[float]]:
        """Seconds per request by endpoint, from the access log lines written since the last call."""
        out: dict[str, list[float]] = {}
        if self.access_log is None or not self.access_log.exists():
            return out
        with open(self.access_log) as f:
            f.seek(self.log_offset)
            data = f.read()
            self.log_offset = f.tell()
        for line in data.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[3].isdigit():
                out.setdefault(endpoint_of(parts[1]), []).append(int(parts[3]) / 1e6)
        return out


@atexit.register
def _stop_servers() -> None:
    for server in _SERVERS:
        with contextlib.suppress(Exception):
            server.kill()


# ---- databases -----------------------------------------------------------------------------------------------------

PG_ADMIN = {"host": HOST, "port": 5432, "user": os.environ.get("PGUSER", "postgres"), "dbname": "test"}


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(**PG_ADMIN, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@contextlib.contextmanager
def temp_database(kind: str, folder: Path):
    """A migrated, empty database URL; a PostgreSQL one is dropped afterwards."""
    from tutor.db import upgrade_database

    if kind == "sqlite":
        url = f"sqlite:///{folder}/load.db"
        upgrade_database(url)
        yield url
        return
    import psycopg

    name = f"tutor_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(**PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://{PG_ADMIN['user']}@{HOST}:5432/{name}"
    try:
        upgrade_database(url)
        yield url
    finally:
        with psycopg.connect(**PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stored_keys(url: str) -> dict[str, int]:
    """Idempotency-Key -> number of rows stored with it."""
    from sqlalchemy import text

    from tutor.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT idempotency_key, count(*) FROM attempts GROUP BY idempotency_key"))
            return {key: int(n) for key, n in rows}
    finally:
        engine.dispose()


# ---- reporting -----------------------------------------------------------------------------------------------------

def pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))] * 1000


def report(result: PhaseResult, server: dict[str, list[float]], stored: dict[str, int] | None) -> list[str]:
    lines = [f"  {result.name:8s} {result.requests:6d} requests in {result.seconds:5.2f} s = "
             f"{result.requests / result.seconds:7.0f} req/s   (client CPU {result.client_cpu / max(result.requests, 1) * 1e6:5.0f} µs/req"
             + (f", server CPU {result.server_cpu / max(result.requests, 1) * 1e3:5.2f} ms/req"
                if result.server_cpu is not None else "") + ")"]
    for endpoint, samples in sorted(result.latencies.items()):
        srv = server.get(endpoint, [])
        bad = sum(n for status, n in result.statuses[endpoint].items() if status >= 500)
        other = {s: n for s, n in result.statuses[endpoint].items() if not 200 <= s < 300}
        lines.append(f"    {endpoint:8s} n={len(samples):6d}  client p50 {pct(samples, 50):6.2f} ms  p99 "
                     f"{pct(samples, 99):6.2f} ms | server p50 {pct(srv, 50):6.2f} ms  p99 {pct(srv, 99):6.2f} ms"
                     f" | 5xx {bad}" + (f"  non-2xx {other}" if other else ""))
    if result.errors:
        lines.append(f"    connection errors: {result.errors}")
    if stored is not None:
        stored = stored or {}
        lost = [k for k in result.acked if stored.get(k, 0) == 0]
        dupes = [k for k in result.acked if stored.get(k, 0) > 1]
        lines.append(f"    answers acknowledged {len(result.acked)}, rows stored for them "
                     f"{sum(stored.get(k, 0) for k in result.acked)}; lost {len(lost)}, stored twice {len(dupes)}")
    return lines


# ---- the benchmark -------------------------------------------------------------------------------------------------

PHASES = [  # name, mix, requests at scale 1, hard time limit (s)
    ("lessons", {"lessons": 1.0}, 20_000, 60),
    ("chat", {"chat": 1.0}, 5_000, 60),
    ("answers", {"answers": 1.0}, 10_000, 60),
    ("mix", {"lessons": 0.60, "chat": 0.15, "answers": 0.25}, 12_000, 60),
]


async def run_phases(server: Server, learners: list[Learner], room: Classroom, args, phases=PHASES,
                     url: str | None = None) -> tuple[list[str], dict[str, PhaseResult], dict[str, list[float]]]:
    """Each phase in turn, reported; with `url`, acknowledged answers are checked against the rows stored."""
    out: list[str] = []
    seen: dict[str, tuple[PhaseResult, dict[str, list[float]]]] = {}
    for name, mix, requests, limit in phases:
        cpu0 = server.cpu_seconds()
        result = await run_phase(name, learners, room, mix, max(1, int(requests * args.scale)), limit)
        result.server_cpu = server.cpu_seconds() - cpu0
        await asyncio.sleep(0.3)  # the access log is flushed per line; give the workers a moment
        stored = stored_keys(url) if url is not None and "answers" in mix else None
        times = server.server_times()
        out += report(result, times, stored)
        seen[name] = (result, times)
    return out, seen


BARE_PHASES = [phase for phase in PHASES if phase[0] in ("lessons", "answers")]


def rate(result: PhaseResult) -> float:
    return result.requests / result.seconds if result.seconds else float("nan")


async def bench_bare(server: Server, room: Classroom, args) -> tuple[list[str], dict[str, float]]:
    learners = await make_learners(server.port, room, args.concurrency, first_answers=False)
    await run_phase("warm-up", learners, room, {"lessons": 1, "answers": 1}, 600, 30)
    server.server_times()
    out, seen = await run_phases(server, learners, room, args, BARE_PHASES)
    for learner in learners:
        learner.conn.close()
    return out, {name: rate(result) for name, (result, _) in seen.items()}


def bare_baseline(room: Classroom, args) -> dict[str, float]:
    """Serve bench/bare_app.py as the tutor is served and run the lessons and answers phases against it: this
    machine's ceiling for a Flask app today. Returns req/s per phase."""
    with tempfile.TemporaryDirectory(prefix="tutor-load-bare-") as folder:
        server = Server("sqlite://", Path(folder), workers=args.workers, worker_class=args.worker_class,
                        threads=args.threads, app="bench.bare_app:app", config=None)
        try:
            server.start()
            lines, rates = asyncio.run(bench_bare(server, room, args))
        finally:
            server.stop()
    print(f"== baseline: a bare Flask app (bench/bare_app.py: same URLs and reply sizes, no database, session or "
          f"templates) under the same gunicorn, {args.concurrency} learners", flush=True)
    print("\n".join(lines), flush=True)
    return rates


def share(value: float, baseline: dict[str, float], name: str) -> str:
    return f", {value / baseline[name]:.2f} of the bare app's {baseline[name]:.0f}" if name in baseline else ""


async def bench_database(kind: str, url: str, server: Server, room: Classroom, args) -> list[str]:
    out = [f"== {kind}: gunicorn {server.workers} workers ({server.worker_class}"
           + (f", {server.threads} threads" if server.threads > 1 else "") + f"), {args.concurrency} learners"]
    learners = await make_learners(server.port, room, args.concurrency)
    await run_phase("warm-up", learners, room, {"lessons": 1, "chat": 1, "answers": 1}, 600, 30)
    server.server_times()
    lines, seen = await run_phases(server, learners, room, args, url=url)
    out += lines
    stored = stored_keys(url)
    lost = sum(1 for result, _ in seen.values() for k in result.acked if not stored.get(k))
    five_xx = sum(n for result, _ in seen.values() for st in result.statuses.values() for s, n in st.items()
                  if s >= 500)
    for learner in learners:
        learner.conn.close()
    answers, lessons, chat = seen["answers"][0], seen["lessons"][0], seen["chat"][1].get("chat", [])
    baseline = getattr(args, "baseline", {})
    out.append(f"  targets: answers {rate(answers):.0f} req/s (≥ 1000{share(rate(answers), baseline, 'answers')}), p99 "
               f"{pct(answers.latencies.get('answers', []), 99):.1f} ms (< 50); lessons "
               f"{rate(lessons):.0f} req/s (≥ 2000{share(rate(lessons), baseline, 'lessons')}); chat server p50 "
               f"{pct(chat, 50):.2f} ms (< 5); acknowledged answers lost {lost} (0); 5xx {five_xx} (0)")
    return out


async def cache_over_http(server: Server, plots: list[str], class_size: int) -> list[str]:
    """A class of `class_size` asks for the same plot at once (a seed nobody asked for yet): how many renders?"""
    out = []
    seed = random.randrange(10_000, 1_000_000)
    for name in plots:
        learners = [Learner(server.port, "ages-9-12", f"c{i}") for i in range(class_size)]
        path = f"/plots/{name}.svg?seed={seed}"
        server.server_times()
        first = await learners[0].call("GET", path)
        times = []

        async def ask(learner: Learner, path: str = path, times: list[float] = times) -> None:
            t = time.perf_counter()
            response = await learner.call("GET", path)
            times.append(time.perf_counter() - t)
            assert response.status == 200, response.status

        await asyncio.gather(*(ask(learner) for learner in learners[1:]))
        await asyncio.sleep(0.2)
        srv = server.server_times().get(path.split("?")[0], [])
        if first.status != 200:
            out.append(f"  {name}: HTTP {first.status}")
            continue
        first_ms = srv[0] * 1000 if srv else float("nan")
        slow = sum(1 for s in srv if s > max(0.02, srv[0] / 4)) if srv else 0
        out.append(f"  {name:16s} first {first_ms:8.1f} ms (server)   the other {class_size - 1}: server p50 "
                   f"{pct(srv[1:], 50):6.2f} ms, p99 {pct(srv[1:], 99):6.2f} ms; slower than a quarter of the first: {slow} "
                   f"(renders, at most one per worker, or waits for a busy CPU)")
        for learner in learners:
            learner.conn.close()
    return out


def cache_in_process(url: str) -> list[str]:
    from engine import examples, plots
    from tutor import create_app
    from tutor.services import media

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    out = []
    seed = random.randrange(10_000, 1_000_000)
    with app.app_context():
        for name in plots.PLOTS:
            t = time.perf_counter()
            media.plot(name, {"seed": seed})
            first = time.perf_counter() - t
            cached = []
            for _ in range(20):
                t = time.perf_counter()
                media.plot(name, {"seed": seed})
                cached.append(time.perf_counter() - t)
            out.append(f"  plot {name:16s} first {first * 1000:8.1f} ms   cached p50 "
                       f"{statistics.median(cached) * 1e6:7.0f} µs")
        for kind in list(examples.EXAMPLES)[:5]:
            t = time.perf_counter()
            media.example(kind, seed, {})
            first = time.perf_counter() - t
            cached = []
            for _ in range(20):
                t = time.perf_counter()
                media.example(kind, seed, {})
                cached.append(time.perf_counter() - t)
            out.append(f"  example {kind:13s} first {first * 1000:8.1f} ms   cached p50 "
                       f"{statistics.median(cached) * 1e6:7.0f} µs")
    app.extensions["db_engine"].dispose()
    return out


def redis_reachable() -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, 6379), timeout=1):
        return True
    return False


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    mem = next((line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "?")
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return [(f"machine: {os.cpu_count()} CPUs ({cpu}), memory {mem}, Python {sys.version.split()[0]}, "
             f"load average {load}, {time.strftime('%Y-%m-%d %H:%M %Z')}")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every phase's request count")
    parser.add_argument("--concurrency", type=int, default=16, help="simulated learners (one connection each)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="inline",
                        help="inline (tutor.serving.InlineWorker, as `tutor serve --prod`), gthread or sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--redis", action="store_true", help="give the server REDIS_URL (a cache shared by workers)")
    parser.add_argument("--no-cache-bench", action="store_true")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare Flask app (bench/bare_app.py)")
    args = parser.parse_args(argv)

    print("\n".join(machine()), flush=True)
    room = Classroom.from_bank()
    args.baseline = {} if args.no_baseline else bare_baseline(room, args)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    redis_url = f"redis://{HOST}:6379/0" if args.redis and redis_reachable() else None
    for kind in kinds:
        if kind == "postgresql" and not postgres_reachable():
            print("== postgresql: not reachable on 127.0.0.1:5432, skipped")
            continue
        with tempfile.TemporaryDirectory(prefix=f"tutor-load-{kind}-") as folder, \
                temp_database(kind, Path(folder)) as url:
            server = Server(url, Path(folder), workers=args.workers, worker_class=args.worker_class,
                            threads=args.threads, redis_url=redis_url)
            try:
                server.start()
                lines = asyncio.run(bench_database(kind, url, server, room, args))
                print("\n".join(lines), flush=True)
                if kind == kinds[0] and not args.no_cache_bench:
                    print(f"== plot cache over HTTP ({'Redis, shared by the workers' if redis_url else 'per worker'}"
                          f"), a class of 30 asking for the same plot:", flush=True)
                    print("\n".join(asyncio.run(cache_over_http(server, ["loss-curves", "decision-boundary",
                                                                         "network"], 30))), flush=True)
            finally:
                server.stop()
            if kind == kinds[0] and not args.no_cache_bench:
                print("== plot and worked-example cache in-process (first render, then cached):", flush=True)
                print("\n".join(cache_in_process(url)), flush=True)


if __name__ == "__main__":
    main()
