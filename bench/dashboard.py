"""The class dashboard at scale: 1,000,000 attempts by 2,000 learners in 60 classes, on SQLite and PostgreSQL.

Three ways of computing the same class view (dashboard.overview) are timed:
- "summaries": the dashboard as it runs, reading the per-question summaries (learner_item_stats,
  learner_wrong_answers) and the attempts' indexes;
- "attempts, indexed": the item analysis and misconceptions computed from the attempts themselves (the dashboard
  before the summaries), with the project's indexes;
- "no index": the same as the previous on a copy whose attempts table has no index at all and no summaries: the
  unindexed baseline.
Prints the median time per class view over several classes, the ratios and the verdict against issue 7's target
(< 20 ms per class view); asserts nothing. The load average is printed first: other work on the machine slows it.

The summaries of the bulk-loaded attempts are filled by migration 0030's own backfill() (the SQL that fills them on
an existing database), so the bench also times that.

Run: .venv/bin/python bench/dashboard.py [--sqlite-only] [--rebuild]
The SQLite database is cached in .cache/bench/ (built once, about a minute) and upgraded in place (the migrations run,
backfill included) when the schema moved on; PostgreSQL (127.0.0.1:5432, user postgres) gets databases tutor_bench
and tutor_bench_noindex, reused while they hold the right number of rows at the current schema revision.
"""
from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # bench/engine.py would otherwise shadow the engine package

ATTEMPTS, LEARNERS, CLASSES = 1_000_000, 2_000, 60
NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
DAYS = 120
CACHE = ROOT / ".cache" / "bench"
SQLITE_FILE = CACHE / "dashboard.sqlite"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
PG_DB, PG_PLAIN = "tutor_bench", "tutor_bench_noindex"
TIMED_CLASSES, PLAIN_CLASSES, REPEATS = 15, 4, 5
ATTEMPT_INDEXES = ("ix_attempts_learner_item_correct_time", "ix_attempts_item_id", "ix_attempts_learner_time")
SUMMARIES = ("learner_item_stats", "learner_wrong_answers")
TARGET_MS = 20


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    from tutor.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def backfill(url: str) -> float:
    """Fill the summaries with migration 0030's backfill (the same SQL an upgraded database runs); seconds taken."""
    from tutor.db import make_engine

    path = next((ROOT / "migrations" / "versions").glob("0030_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0030", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = make_engine(url)
    start = time.perf_counter()
    with engine.begin() as conn:
        migration.backfill(conn)
    engine.dispose()
    return time.perf_counter() - start


# ---- the data --------------------------------------------------------------------------------------------------------

def rows(bank):
    """Every table's rows as tuples, deterministic (seeded): teachers, classes, learners, memberships, attempts,
    mastery and chat topics."""
    from tutor.services import grading, mastery

    rng = random.Random(7)
    items = [i for i in bank.items if i.track == "ages-9-12" and i.kind in ("choice", "truefalse", "order", "multi")]
    concepts = [lesson.id for lesson in bank.concepts("ages-9-12")]
    created = NOW - timedelta(days=DAYS + 1)
    teachers = [(t + 1, f"bench-teacher-{t}@example.org", "x", "teacher", f"Teacher {t}", None, created)
                for t in range(CLASSES // 3)]
    classes = [(c + 1, c // 3 + 1, f"Class {c}", f"BENCH{c:03d}", "ages-9-12", False, created) for c in range(CLASSES)]
    learners = [(n + 1, f"Learner {n}", "owl", "ages-9-12", None, None, "ABC", False, None, created)
                for n in range(LEARNERS)]
    memberships = [(n + 1, n % CLASSES + 1, created) for n in range(LEARNERS)]
    per_learner = ATTEMPTS // LEARNERS
    answers = {}
    for item in items:  # a right and a wrong answer per item, graded by the real grader once
        right = {"choice": lambda i: {"option": next(o.id for o in i.options if o.correct)},
                 "truefalse": lambda i: {"value": i.answer},
                 "order": lambda i: {"order": [s.id for s in i.steps]},
                 "multi": lambda i: {"options": [o.id for o in i.options if o.correct]}}[item.kind](item)
        wrong = {"choice": lambda i: {"option": next(o.id for o in i.options if not o.correct)},
                 "truefalse": lambda i: {"value": not i.answer},
                 "order": lambda i: {"order": [i.steps[1].id, i.steps[0].id, *[s.id for s in i.steps[2:]]]},
                 "multi": lambda i: {"options": [o.id for o in i.options if not o.correct][:1]}}[item.kind](item)
        answers[item.id] = (grading.grade(bank, item.id, right), grading.grade(bank, item.id, wrong))

    def attempts():
        n = 0
        for learner in range(1, LEARNERS + 1):
            skill = rng.uniform(0.35, 0.95)
            moments = sorted(rng.uniform(0, DAYS * 86400) for _ in range(per_learner))
            for second in moments:
                n += 1
                item = items[rng.randrange(len(items))]
                g = answers[item.id][0 if rng.random() < skill else 1]
                at = NOW - timedelta(days=DAYS) + timedelta(seconds=second)
                yield (n, learner, g.item_id, g.concept, g.track, g.kind, json.dumps(g.answer), g.correct, g.score,
                       g.misconception, "{}", f"k{n}", at)

    levels = mastery.LEVELS
    mastery_rows = [(learner, c, levels[rng.randrange(len(levels))], round(rng.random(), 3), rng.randint(1, 40), None,
                     None, NOW) for learner in range(1, LEARNERS + 1) for c in concepts]
    topics = [(k + 1, rng.randint(1, LEARNERS), rng.choice(concepts), 0.8, "ages-9-12",
               NOW - timedelta(days=rng.uniform(0, DAYS))) for k in range(20_000)]
    return {"accounts": (("id", "email", "password_hash", "role", "display_name", "family_code", "created_at"), teachers),
            "classrooms": (("id", "teacher_id", "name", "join_code", "track", "archived", "created_at"), classes),
            "learners": (("id", "nickname", "avatar", "track", "parent_id", "pin_hash", "picture_password", "is_guest",
                          "claim_code", "created_at"), learners),
            "memberships": (("learner_id", "classroom_id", "joined_at"), memberships),
            "attempts": (("id", "learner_id", "item_id", "concept", "track", "kind", "answer", "correct", "score",
                          "misconception", "reply", "idempotency_key", "created_at"), attempts()),
            "mastery": (("learner_id", "concept", "level", "score", "attempts", "review_card", "review_due",
                         "updated_at"), mastery_rows),
            "chat_topics": (("id", "learner_id", "topic", "confidence", "track", "created_at"), topics)}


# ---- SQLite ----------------------------------------------------------------------------------------------------------

def sqlite_value(v):
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")  # as SQLAlchemy stores it
    return v


def build_sqlite(bank) -> None:
    from tutor.db import upgrade_database

    CACHE.mkdir(parents=True, exist_ok=True)
    partial = SQLITE_FILE.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    upgrade_database(f"sqlite:///{partial}")
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA synchronous=OFF")
    for table, (columns, values) in rows(bank).items():
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        batch = []
        for row in values:
            batch.append(tuple(sqlite_value(v) for v in row))
            if len(batch) == 50_000:
                conn.executemany(sql, batch)
                batch.clear()
        conn.executemany(sql, batch)
    conn.commit()
    conn.close()
    print(f"summaries filled by migration 0030's backfill in {backfill(f'sqlite:///{partial}'):.1f} s (SQLite)")
    conn = sqlite3.connect(partial)
    conn.execute("ANALYZE")
    conn.close()
    partial.rename(SQLITE_FILE)


def sqlite_revision() -> str | None:
    try:
        with sqlite3.connect(SQLITE_FILE) as conn:
            return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.Error:
        return None


def upgrade_sqlite() -> None:
    """A cache built at an older schema revision is migrated in place, as a deployed database would be."""
    from tutor.db import upgrade_database

    old = sqlite_revision()
    if old is not None and old < "0030":  # the bench of revision 0020 made 0030's index by hand
        with sqlite3.connect(SQLITE_FILE) as conn:
            conn.execute("DROP INDEX IF EXISTS ix_attempts_learner_time")
    start = time.perf_counter()
    upgrade_database(f"sqlite:///{SQLITE_FILE}")
    with sqlite3.connect(SQLITE_FILE) as conn:
        conn.execute("ANALYZE")
    print(f"upgraded {SQLITE_FILE.relative_to(ROOT)} from revision {old} to {head_revision()} (migrations with the "
          f"backfill of 1M attempts) in {time.perf_counter() - start:.1f} s")


def sqlite_without_indexes() -> Path:
    """A copy whose attempts table has no index at all (the unique key's index would also serve learner lookups), and
    whose summaries are empty."""
    plain = CACHE / "dashboard-noindex.sqlite"
    if plain.exists() and plain.stat().st_mtime >= SQLITE_FILE.stat().st_mtime:
        return plain
    shutil.copy(SQLITE_FILE, plain)
    conn = sqlite3.connect(plain)
    conn.executescript("""
        PRAGMA foreign_keys=OFF;
        CREATE TABLE attempts_plain AS SELECT * FROM attempts;
        DROP TABLE attempts;
        ALTER TABLE attempts_plain RENAME TO attempts;
        DELETE FROM learner_item_stats;
        DELETE FROM learner_wrong_answers;
        ANALYZE;
    """)
    conn.close()
    return plain


# ---- PostgreSQL ------------------------------------------------------------------------------------------------------

def pg_url(name: str) -> str:
    return f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def pg_count(name: str) -> tuple[int, str] | None:
    import psycopg

    try:
        with psycopg.connect(**PG, dbname=name, connect_timeout=3) as conn:
            return (conn.execute("SELECT count(*) FROM attempts").fetchone()[0],
                    conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    except Exception:  # noqa: BLE001 - missing database or table: build it
        return None


def build_pg(bank, rebuild: bool) -> bool:
    import psycopg

    try:
        psycopg.connect(**PG, dbname="postgres", connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL not reachable ({exc}); skipped.")
        return False
    current = (ATTEMPTS, head_revision())
    if not rebuild and pg_count(PG_DB) == current and pg_count(PG_PLAIN) == current:
        return True
    from tutor.db import upgrade_database

    with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:
        for name in (PG_DB, PG_PLAIN):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    upgrade_database(pg_url(PG_DB))
    with psycopg.connect(**PG, dbname=PG_DB) as conn:
        for table, (columns, values) in rows(bank).items():
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        for table in ("accounts", "classrooms", "learners", "attempts", "chat_topics"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    print(f"summaries filled by migration 0030's backfill in {backfill(pg_url(PG_DB)):.1f} s (PostgreSQL)")
    with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{PG_PLAIN}" TEMPLATE "{PG_DB}"')
    with psycopg.connect(**PG, dbname=PG_PLAIN, autocommit=True) as conn:
        for index in ATTEMPT_INDEXES:
            conn.execute(f"DROP INDEX {index}")
        conn.execute("ALTER TABLE attempts DROP CONSTRAINT uq_attempts_learner_id_idempotency_key")
        conn.execute("ALTER TABLE attempts DROP CONSTRAINT pk_attempts")
        conn.execute(f"TRUNCATE {', '.join(SUMMARIES)}")
    for name in (PG_DB, PG_PLAIN):  # index-only scans need the visibility map
        with psycopg.connect(**PG, dbname=name, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    return True


# ---- timing ----------------------------------------------------------------------------------------------------------

def backend_cpu(db) -> float | None:
    """CPU seconds used so far by the PostgreSQL backend serving this session (it runs on this machine), or None."""
    from sqlalchemy import text

    if db.bind.dialect.name != "postgresql":
        return None
    pid = db.execute(text("SELECT pg_backend_pid()")).scalar()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def time_views(url: str, bank, class_ids: list[int], from_attempts: bool = False
               ) -> tuple[float, list[float], float | None]:
    """Median over classes of the median of REPEATS dashboard computations (ms), the per-class times, and the CPU
    time per view (ms: this process plus, on PostgreSQL, its backend): what a view costs when nothing else runs."""
    from sqlalchemy.orm import Session

    from tutor.db import make_engine
    from tutor.models import Classroom
    from tutor.services import dashboard

    engine = make_engine(url)
    per_class, cpu, views = [], 0.0, 0
    with Session(engine) as db:
        for class_id in class_ids:
            classroom = db.get(Classroom, class_id)
            # warm the caches, as a teacher's second look would
            dashboard.overview(db, bank, classroom, now=NOW, from_attempts=from_attempts)
            times = []
            server = backend_cpu(db)
            own = time.process_time()
            for _ in range(REPEATS):
                start = time.perf_counter()
                dashboard.overview(db, bank, classroom, now=NOW, from_attempts=from_attempts)
                times.append(time.perf_counter() - start)
                db.rollback()  # a fresh transaction per view, as per request
            cpu += time.process_time() - own
            if server is not None:
                cpu += backend_cpu(db) - server
            views += REPEATS
            per_class.append(statistics.median(times) * 1000)
    engine.dispose()
    return statistics.median(per_class), per_class, 1000 * cpu / views


def report(label: str, summaries: tuple, indexed: tuple, plain: tuple) -> None:
    (ms, _, cpu), (ms_indexed, _, cpu_indexed), (ms_plain, _, cpu_plain) = summaries, indexed, plain
    print(f"{label:<11} summaries {ms:7.2f} ms/class | attempts, indexed {ms_indexed:7.2f} ({ms_indexed / ms:4.1f}x) "
          f"| no index {ms_plain:8.2f} ({ms_plain / ms:5.1f}x) | target < {TARGET_MS} ms: "
          f"{'met' if ms < TARGET_MS else 'NOT met'}")
    print(f"{'':<11} CPU per view{' (client + server)' if label == 'PostgreSQL' else ''}: summaries {cpu:.2f} ms, "
          f"attempts indexed {cpu_indexed:.2f} ms, no index {cpu_plain:.2f} ms "
          f"(target on CPU time: {'met' if cpu < TARGET_MS else 'NOT met'})")
    print(f"{'':<11} summaries per class: min {min(summaries[1]):.2f}, max {max(summaries[1]):.2f} ms")


def main() -> None:
    from content import load_bank

    bank = load_bank()
    rebuild = "--rebuild" in sys.argv
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs (other work on "
          "this machine slows every number below)")
    print(f"Dashboard benchmark: {ATTEMPTS:,} attempts, {LEARNERS:,} learners, {CLASSES} classes "
          f"(~{LEARNERS // CLASSES} learners and ~{ATTEMPTS // CLASSES:,} attempts per class)")
    if rebuild or not SQLITE_FILE.exists():
        start = time.perf_counter()
        build_sqlite(bank)
        print(f"built {SQLITE_FILE.relative_to(ROOT)} in {time.perf_counter() - start:.0f} s")
    elif sqlite_revision() != head_revision():
        upgrade_sqlite()
    plain = sqlite_without_indexes()
    rng = random.Random(1)
    timed = sorted(rng.sample(range(1, CLASSES + 1), TIMED_CLASSES))
    urls = {"SQLite": (f"sqlite:///{SQLITE_FILE}", f"sqlite:///{plain}")}
    if "--sqlite-only" not in sys.argv and build_pg(bank, rebuild):
        urls["PostgreSQL"] = (pg_url(PG_DB), pg_url(PG_PLAIN))
    results = {}
    for label, (url, plain_url) in urls.items():
        results[label] = (time_views(url, bank, timed), time_views(url, bank, timed, from_attempts=True),
                          time_views(plain_url, bank, timed[:PLAIN_CLASSES], from_attempts=True))
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"median over {TIMED_CLASSES} classes ({PLAIN_CLASSES} without indexes) of the median of {REPEATS} views "
          "each, after one warm-up view:")
    for label, (summaries, indexed, unindexed) in results.items():
        report(label, summaries, indexed, unindexed)


if __name__ == "__main__":
    main()
