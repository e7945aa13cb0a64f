"""tutor.serving.warm and tutor.gunicorn_config: the app is warmed once in gunicorn's master, before it forks.

Warming must fill the caches a class hits first (every lesson on every track, the chat's reply per lesson), give
exactly the pages a cold app gives (also under a script root), touch no database, and leave no pooled connection
for a forked worker to share with its master.
"""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from tutor import create_app, gunicorn_config
from tutor.services import chat as chat_service
from tutor.services import lessons as lesson_service
from tutor.serving import warm

ROOT = Path(__file__).resolve().parents[2]


def make_app(database_url, content_bank):
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                       "CONTENT_BANK": content_bank})


@pytest.fixture
def cold_and_warm(database_url, content_bank):
    apps = make_app(database_url, content_bank), make_app(database_url, content_bank)
    yield apps
    for app in apps:
        app.extensions["db_engine"].dispose()


def lesson_ids(content_bank) -> list[tuple[str, str]]:
    return [(lesson.id, track.id) for track in content_bank.tracks for lesson in content_bank.concepts(track.id)]


def without_token(html: str) -> str:
    return re.sub(r'name="csrf-token" content="[^"]*"', 'name="csrf-token" content=""', html)


def test_warm_renders_every_lesson_and_chat_reply_so_requests_render_none(cold_and_warm, content_bank, monkeypatch):
    _, app = cold_and_warm
    chat_service.plot_description.cache_clear()
    connections = []
    event.listen(app.extensions["db_engine"], "connect", lambda *_: connections.append(1))

    done = warm(app)

    every = lesson_ids(content_bank)
    assert done == len(every)
    assert connections == []  # the master opens no connection a forked worker could inherit
    described = chat_service.plot_description.cache_info()
    assert described.currsize > 0

    def no_rendering(*_args, **_kwargs):
        raise AssertionError("a warmed lesson was rendered again")

    monkeypatch.setattr(lesson_service, "lesson_page", no_rendering)
    client = app.test_client()
    for concept, track in every:
        assert client.get(f"/learn/{concept}?track={track}").status_code == 200
    for concept, track in every[:: len(every) // 6]:
        reply = client.post("/api/chat", json={
            "message": chat_service.canonical_question(content_bank, concept), "track": track})
        assert reply.status_code == 200
    assert chat_service.plot_description.cache_info().misses == described.misses  # no plot described again


@pytest.mark.parametrize("script_root", ["", "/tutor"])
def test_a_warmed_page_is_the_page_a_cold_app_renders(cold_and_warm, content_bank, monkeypatch, script_root):
    cold, warmed = cold_and_warm
    monkeypatch.setenv("SCRIPT_NAME", script_root)  # what gunicorn gives every request as its script root
    warm(warmed)
    base = f"http://localhost{script_root}/"
    for concept, track in lesson_ids(content_bank)[::7]:
        path = f"/learn/{concept}?track={track}"
        pages = [without_token(app.test_client().get(path, base_url=base).get_data(as_text=True))
                 for app in (cold, warmed)]
        assert pages[0] == pages[1]
        assert f'href="{script_root}/learn/' in pages[1]


def test_a_forked_worker_drops_the_connections_its_pool_inherited_without_closing_them(database_url, content_bank):
    app = make_app(database_url, content_bank)
    engine = app.extensions["db_engine"]
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        inherited = connection.connection.dbapi_connection
    assert engine.pool.checkedin() == 1

    class Server:  # what gunicorn's hook is given: the arbiter, whose app is the loaded one
        class app:
            wsgi = staticmethod(lambda: app)

    gunicorn_config.post_fork(Server, worker=None)

    assert engine.pool.checkedin() == 0
    # close=False: the master's connection is left open for the master (the worker just forgets it)
    inherited.cursor().execute("SELECT 1")
    inherited.close()
    with engine.connect() as connection:  # the worker opens its own
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_gunicorn_with_the_config_warms_once_in_the_master_and_serves(tmp_path):
    from tutor.db import upgrade_database

    url = f"sqlite:///{tmp_path}/served.db"
    upgrade_database(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:tutor.gunicorn_config", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "1", "tutor:create_app()"],
            cwd=ROOT, env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "SECRET_KEY": "warm-test",
                           "PYTHONPATH": str(ROOT)},
            stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60  # bounded: loading and warming take a few seconds
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                    sock.sendall(b"GET /learn/neuron?track=ages-5-8 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    status = sock.recv(64).split(b" ")[1]
                    break
            except OSError:
                time.sleep(0.2)
        assert status == b"200", log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lines = log.read_text()
    assert len(re.findall(r"warmed [1-9]\d* lessons and their chat replies", lines)) == 1, lines  # in the master only
    booted = re.findall(r"Booting worker with pid", lines)
    assert len(booted) == 2, lines
