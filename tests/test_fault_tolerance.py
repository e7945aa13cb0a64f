"""kill -9 in the middle of a class answering: after a restart and a resubmission of what was not acknowledged (same
Idempotency-Keys, same cookies), every acknowledged answer is stored exactly once and the database is consistent.

The server is the real one: gunicorn with 2 workers running tutor:create_app() on a free 127.0.0.1 port, in its own
process group so SIGKILL reaches the master and the workers at once, as a power cut or the OOM killer would. The
simulated learners and the server plumbing are bench/load.py's (the load benchmark), so this is that load, killed.
Runs on SQLite always and on PostgreSQL when 127.0.0.1:5432 answers.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import json
import random
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PG_OK, create_pg_database, drop_pg_database, pg_url

def run_async(coroutine):
    """asyncio.run in a thread of its own: after the browser tests, Playwright's sync API has left an event loop
    running in this thread, where asyncio.run() refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


ROOT = Path(__file__).resolve().parent.parent
LEARNERS = 12
KILL_AFTER_ACKS = 150  # acknowledged answers before the kill (a few seconds of load at most)
MAX_ANSWERS = 4000  # the load's hard bounds: it is killed long before either is reached
TIME_LIMIT = 30.0
SECRET = "fault-test-secret"  # fixed: the learners' signed cookies must still be valid after the restart


def _load_bench():
    spec = importlib.util.spec_from_file_location("tutor_bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


load = _load_bench()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    from tutor.db import upgrade_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/fault.db"
        upgrade_database(url)
        yield url
        return
    if not PG_OK:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = create_pg_database("tutor_fault")
    try:
        url = pg_url(name)
        upgrade_database(url)
        yield url
    finally:
        drop_pg_database(name)


async def _wait_for(predicate, seconds: float) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)


async def _kill_mid_load(server, learners, room):
    """Run the answers load and SIGKILL the server's process group once KILL_AFTER_ACKS answers are acknowledged."""
    result = load.PhaseResult("answers", keep_replies=True)
    stop = asyncio.Event()
    phase = asyncio.create_task(load.run_phase("answers", learners, room, {"answers": 1.0}, MAX_ANSWERS, TIME_LIMIT,
                                               seed=7, stop=stop, result=result))
    await _wait_for(lambda: len(result.acked) >= KILL_AFTER_ACKS or phase.done(), TIME_LIMIT)
    acked_before_kill = len(result.acked)
    server.kill(signal.SIGKILL)
    await asyncio.sleep(0.2)  # learners keep answering into the dead port for a moment
    stop.set()
    await phase
    return result, acked_before_kill


async def _resubmit(learners_by_name, result, port, sample):
    """Send every unacknowledged answer again, and a sample of acknowledged ones, with the same key and cookie."""
    for learner in learners_by_name.values():
        learner.conn.close()
        learner.conn.port = port
    replayed = {}
    for learner, item_id, answer, key in result.unacked:
        response = await learner.answer(item_id, answer, key)
        assert response.status == 200, (key, response.status, response.body[:300])
        replayed[key] = learner.name
    mismatched = []
    for key in sample:
        learner = learners_by_name[result.acked[key]]
        item_id, answer, body = result.replies[key]
        original = json.loads(body)
        response = await learner.answer(item_id, answer, key)
        assert response.status == 200, (key, response.status, response.body[:300])
        if response.json() != original:
            mismatched.append(key)
    for learner in learners_by_name.values():
        learner.conn.close()
    return replayed, mismatched


def _check_database(url: str) -> dict:
    from tutor.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT learner_id, idempotency_key FROM attempts")).all()
            mastery_mismatch = conn.execute(text(
                "SELECT m.learner_id, m.concept, m.attempts, count(a.id) FROM mastery m "
                "LEFT JOIN attempts a ON a.learner_id = m.learner_id AND a.concept = m.concept "
                "GROUP BY m.learner_id, m.concept, m.attempts HAVING m.attempts != count(a.id)")).all()
            missing_mastery = conn.execute(text(
                "SELECT DISTINCT a.learner_id, a.concept FROM attempts a LEFT JOIN mastery m "
                "ON m.learner_id = a.learner_id AND m.concept = a.concept WHERE m.learner_id IS NULL")).all()
            orphans = conn.execute(text(
                "SELECT count(*) FROM attempts a LEFT JOIN learners l ON l.id = a.learner_id WHERE l.id IS NULL"
            )).scalar_one()
            checks = {"rows": rows, "mastery_mismatch": mastery_mismatch, "missing_mastery": missing_mastery,
                      "orphans": orphans}
            if url.startswith("sqlite"):
                checks["integrity"] = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                checks["foreign_keys"] = conn.execute(text("PRAGMA foreign_key_check")).all()
            return checks
    finally:
        engine.dispose()


def test_acknowledged_answers_survive_kill_9_and_are_stored_once(database, tmp_path):
    room = load.Classroom.from_bank()
    server = load.Server(database, tmp_path / "server", workers=2, secret=SECRET)
    restarted = None
    try:
        server.start()
        learners = run_async(load.make_learners(server.port, room, LEARNERS))
        result, acked_before_kill = run_async(_kill_mid_load(server, learners, room))
        assert server.proc.poll() is not None and not server.pids(), "master and workers are all gone"
        assert acked_before_kill >= KILL_AFTER_ACKS, "the kill came in the middle of the load, not after it"
        assert result.unacked, "some answers were in flight or sent after the kill"
        five_xx = {e: {s: n for s, n in st.items() if s >= 500} for e, st in result.statuses.items()}
        assert not any(five_xx.values()), five_xx

        stored_at_kill = load.stored_keys(database)
        assert all(stored_at_kill.get(k) == 1 for k in result.acked), "acknowledged means committed"
        restarted = load.Server(database, tmp_path / "server", workers=2, secret=SECRET).start()
        by_name = {learner.name: learner for learner in learners}
        sample = random.Random(3).sample(sorted(result.acked), min(40, len(result.acked)))
        replayed, mismatched = run_async(_resubmit(by_name, result, restarted.port, sample))
        assert not mismatched, f"a retried key must get the stored reply back: {mismatched[:5]}"
    finally:
        server.kill()
        if restarted is not None:
            restarted.kill()

    checks = _check_database(database)
    ids = {learner.name: learner.learner_id for learner in learners}
    submitted = {**{k: ids[name] for k, name in result.acked.items()}, **{k: ids[n] for k, n in replayed.items()},
                 **{learner.first_key: learner.learner_id for learner in learners}}
    stored: dict[str, list[int]] = {}
    for learner_id, key in checks["rows"]:
        stored.setdefault(key, []).append(learner_id)

    already = sum(1 for k in replayed if k in stored_at_kill)
    print(f"acknowledged {len(result.acked)} ({acked_before_kill} at the kill), not acknowledged {len(result.unacked)} "
          f"(the server had committed {already} of them before dying; a resubmission of those got the stored reply)")
    not_once = {k: v for k, v in stored.items() if len(v) != 1}
    assert not not_once, f"keys stored more than once: {list(not_once.items())[:5]}"
    lost = [k for k in result.acked if k not in stored]
    assert not lost, f"{len(lost)} acknowledged answers are missing, e.g. {lost[:5]}"
    assert len(checks["rows"]) == len(submitted), "rows = unique keys submitted successfully"
    assert set(stored) == set(submitted)
    wrong_learner = [k for k, v in stored.items() if v != [submitted[k]]]
    assert not wrong_learner, f"stored for another learner: {wrong_learner[:5]}"
    assert not checks["mastery_mismatch"], f"mastery counts differ from the attempts: {checks['mastery_mismatch'][:5]}"
    assert not checks["missing_mastery"]
    assert checks["orphans"] == 0
    if "integrity" in checks:
        assert checks["integrity"] == ["ok"]
        assert checks["foreign_keys"] == []
