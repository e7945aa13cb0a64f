"""tutor.db.writer_turn: SQLite writers queue on an flock() instead of sleeping in SQLite's busy handler.

Each check can only pass if the queue really holds the next writer back (or really lets it go).
"""
from __future__ import annotations

import fcntl
import gc
import os
import select
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PG_OK
from tutor.db import make_engine, upgrade_database, writer_turn

HELD_BACK = 0.3  # seconds a second writer is watched while the first holds the turn (it must not get in)


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path}/turns.db"
    upgrade_database(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def lock_is_free(path: Path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_second_writer_waits_until_the_first_leaves_then_goes_at_once(engine, tmp_path):
    first_in, first_out, second_in = threading.Event(), threading.Event(), threading.Event()

    def writer(entered: threading.Event, leave: threading.Event | None) -> None:
        with engine.connect() as connection, writer_turn(connection):
            entered.set()
            connection.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
            connection.commit()
            if leave is not None:
                assert leave.wait(10)

    first = threading.Thread(target=writer, args=(first_in, first_out))
    first.start()
    assert first_in.wait(10)
    second = threading.Thread(target=writer, args=(second_in, None))  # a thread of its own: its own lock file
    second.start()
    assert not second_in.wait(HELD_BACK)  # held back while the first is inside
    assert not lock_is_free(Path(f"{tmp_path}/turns.db-writer"))
    first_out.set()
    assert second_in.wait(10)
    first.join(10)
    second.join(10)
    assert lock_is_free(Path(f"{tmp_path}/turns.db-writer"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_the_turn_is_given_up_when_the_write_fails(engine, tmp_path):
    with engine.connect() as connection, pytest.raises(ZeroDivisionError), writer_turn(connection):
        raise ZeroDivisionError
    assert lock_is_free(Path(f"{tmp_path}/turns.db-writer"))


def test_a_forked_process_queues_behind_its_parent_instead_of_sharing_its_lock(engine):
    """After fork the child has the parent's open files; sharing one would let both in at once."""
    with engine.connect() as connection:
        with writer_turn(connection):
            pass  # this process now has its lock file open
        read_end, write_end = os.pipe()
        with writer_turn(connection):
            child = os.fork()
            if child == 0:  # pragma: no cover - the child reports through the pipe and exits
                try:
                    with engine.connect() as own, writer_turn(own):
                        os.write(write_end, b"in")
                finally:
                    os._exit(0)
            ready, _, _ = select.select([read_end], [], [], HELD_BACK)
            assert ready == []  # the child waits while the parent holds the turn
        ready, _, _ = select.select([read_end], [], [], 10)
        assert ready and os.read(read_end, 2) == b"in"
        os.waitpid(child, 0)
        os.close(read_end)
        os.close(write_end)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:",
                                 pytest.param("postgresql", marks=pytest.mark.skipif(not PG_OK, reason="no PG"))])
def test_other_databases_need_no_queue(url, tmp_path, monkeypatch):
    from tests.conftest import pg_url

    monkeypatch.chdir(tmp_path)
    engine = make_engine(pg_url("test") if url == "postgresql" else url)
    try:
        with engine.connect() as connection, writer_turn(connection):
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert list(tmp_path.iterdir()) == []


def test_a_thread_that_ends_closes_its_lock_file(engine, tmp_path):
    """The development server starts a thread per request: their lock files must not pile up."""
    def open_lock_files() -> int:
        target = f"{tmp_path}/turns.db-writer"
        return sum(1 for fd in os.listdir("/proc/self/fd") if os.path.realpath(f"/proc/self/fd/{fd}") == target)

    def write_once() -> None:
        with engine.connect() as connection, writer_turn(connection):
            assert open_lock_files() >= 1

    before = open_lock_files()
    for _ in range(20):
        thread = threading.Thread(target=write_once)
        thread.start()
        thread.join(10)
    gc.collect()
    assert open_lock_files() == before
