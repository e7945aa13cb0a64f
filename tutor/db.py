"""Database plumbing: the declarative base, engines for SQLite and PostgreSQL, one session per request, migrations."""
from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Connection, Dialect, Engine, Executable, MetaData, Select, create_engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers and one writer work at once; foreign keys are off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class _LockFile:
    """One open lock file ("<database>-writer"), closed when dropped: a thread's files go with the thread (the
    development server starts a thread per request)."""

    def __init__(self, path: str) -> None:
        self.pid = os.getpid()
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def __del__(self) -> None:
        if hasattr(self, "fd"):  # not when os.open failed
            os.close(self.fd)  # in a forked child this closes only its copy: the parent's lock stays with the parent


class _WriterFiles(threading.local):
    """This thread's lock file per SQLite database (one per thread and per process: flock() locks belong to an open
    file, so two threads sharing one would not wait for each other)."""

    def __init__(self) -> None:
        self.files: dict[str, _LockFile] = {}


_writer_files = _WriterFiles()


@contextlib.contextmanager
def writer_turn(connection: Connection) -> Iterator[None]:
    """Wait for this SQLite database's writers queued before us, then write and commit inside the block.

    SQLite lets one connection write at a time. A writer that finds the database locked sleeps in SQLite's busy
    handler, 1 ms, then 2, 5, 10..., and looks again; a write holds the lock a fraction of a millisecond, so under
    a class's answers a worker spent much of its time asleep after the lock was already free (the load bench saw
    about one answer in five sleep). Waiting for an flock() on "<database>-writer" instead wakes the next writer the
    moment the last one leaves the block. It is only a queue in front of SQLite's own lock, which still decides:
    a writer that does not use it (another program, a migration) is waited for by the busy handler as before, and
    a killed process's flock is released by the kernel. Nothing to do for other databases (their writers do not
    wait for one another per database)."""
    url = connection.engine.url
    path = url.database if url.get_backend_name() == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    lock = _writer_files.files.get(path)
    if lock is None or lock.pid != os.getpid():  # a forked child must not share its parent's open file (and lock)
        lock = _writer_files.files[path] = _LockFile(f"{path}-writer")
    fcntl.flock(lock.fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock.fd, fcntl.LOCK_UN)


PING_AFTER_IDLE = 10.0  # seconds a pooled PostgreSQL connection may sit unused before it is checked on checkout


def _ping(dbapi_connection) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT 1")
    finally:
        cursor.close()


def _check_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use only when it sat unused for `idle_seconds`.

    SQLAlchemy's pool_pre_ping checks every checkout with a round trip to the server: one more query per request
    under load, when every connection was used a moment ago. Connections go stale when they sit idle (a database
    restart, a firewall's timeout), so only those are checked; a dead one is replaced before the request uses it
    (DisconnectionError makes the pool connect afresh), as pool_pre_ping would."""
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            _ping(dbapi_connection)
        except Exception as exc:  # whatever the driver raises for a dead connection
            raise DisconnectionError(f"a pooled connection did not answer after {idle_seconds:.0f} s idle") from exc


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10)
    _check_idle_connections(engine, PING_AFTER_IDLE)
    return engine


def init_app(app: Flask, url: str) -> None:
    engine = make_engine(url)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    if engine.dialect.name == "postgresql":
        # Same pool; each connection is in autocommit while a reads_only view has it, back to normal when returned.
        reader = engine.execution_options(isolation_level="AUTOCOMMIT", tutor_reads_only=True)
        event.listen(reader, "before_cursor_execute", _refuse_writes)
        app.extensions["db_read_sessionmaker"] = sessionmaker(reader, expire_on_commit=False)
        # The same again, without the guard, for views whose writes are each one statement (one_statement_writes).
        statements = engine.execution_options(isolation_level="AUTOCOMMIT")
        app.extensions["db_statement_sessionmaker"] = sessionmaker(statements, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


class WriteInReadOnlyView(RuntimeError):
    """A view marked reads_only tried to write (it would have been committed statement by statement)."""


def _refuse_writes(_conn, _cursor, statement: str, _params, _context, _executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        raise WriteInReadOnlyView(f"a view marked reads_only ran: {statement[:80]}")


def reads_only(view):
    """Mark a view whose GET and HEAD requests only read the database (a lesson page, say).

    On PostgreSQL their session runs in autocommit, so psycopg sends no BEGIN before the first query and no ROLLBACK
    when the session closes: two round trips less per request, each costing the worker and the database server
    CPU. Each query still sees committed data, but two queries may see two moments (as two requests would). Nothing
    changes on SQLite (whose driver begins a transaction only before a write anyway). A statement other than a
    SELECT in such a request raises WriteInReadOnlyView, so a view that starts writing cannot do it half-atomically
    unnoticed."""
    view.reads_only = True
    return view


def one_statement_writes(view):
    """Mark a view whose POST requests make each write that must stand or fall together ONE statement (an answer:
    the attempt, its mastery row and the dashboard's counts in one INSERT with data-modifying WITH clauses).

    On PostgreSQL their session runs in autocommit: each statement is its own transaction, so psycopg sends no BEGIN
    before the first query and no COMMIT after the write: two round trips of an answer's five, each costing the
    worker and the database server CPU. A statement that fails changes nothing (PostgreSQL runs each statement
    atomically), so a retry is as safe as before; reads see committed data, as in a READ COMMITTED transaction.
    What such a view writes in separate statements is committed statement by statement: the only such write of
    POST /api/attempts is a new guest's row before its first answer, which then stays if the answer's write fails
    (a guest that stored nothing, as a visitor who never answered leaves; `tutor guests prune` deletes them). Nothing
    changes on SQLite, whose writes queue for its one write lock anyway (writer_turn)."""
    view.one_statement_writes = True
    return view


def _session_maker() -> sessionmaker:
    extensions = current_app.extensions
    if "db_read_sessionmaker" in extensions and has_request_context():
        view = current_app.view_functions.get(request.endpoint)
        if request.method in ("GET", "HEAD") and getattr(view, "reads_only", False):
            return extensions["db_read_sessionmaker"]
        if request.method == "POST" and getattr(view, "one_statement_writes", False):
            return extensions["db_statement_sessionmaker"]
    return extensions["db_sessionmaker"]


def get_db() -> Session:
    """The request's session, opened on first use and closed when the request ends."""
    if "db" not in g:
        g.db = _session_maker()()
    return g.db


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


# ---- the hottest statements, through the driver's own cursor -----------------------------------------------------------

class _DriverStatement:
    """A prebuilt statement compiled once for one dialect: its SQL, how its parameters are passed and the bind
    processors Core would apply to them on the way in (SQLite's datetimes, JSON), and for a SELECT the names of its
    columns and the result processors Core would apply on the way out (SQLite's booleans, datetimes and JSON),
    worked out from the driver's column types the first time it runs (PostgreSQL's numbers need them)."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        binders = {}
        for name, bind in compiled.binds.items():
            if bind.expanding:
                raise ValueError(f"driver statements: parameter {name!r} needs Core (an expanding IN list)")
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None:
                binders[name] = process
        self.dialect = dialect
        self.sql = compiled.string
        self.positions = tuple(compiled.positiontup) if compiled.positiontup else None
        self.binders = tuple(binders.items())
        self.literal = {name: binders[name](bind.value) if name in binders else bind.value
                        for name, bind in compiled.binds.items() if not bind.required}
        self.columns = list(statement.selected_columns) if isinstance(statement, Select) else []
        self.keys = tuple(column.key for column in self.columns)
        self.processors: tuple | None = None

    def parameters(self, params: Mapping[str, Any]) -> tuple | dict[str, Any]:
        values = {**self.literal, **params}
        for name, process in self.binders:
            if name in params:  # a literal's value was processed once, above
                values[name] = process(values[name])
        try:
            return tuple(values[name] for name in self.positions) if self.positions is not None else values
        except KeyError as missing:
            raise ValueError(f"driver statements: no value for parameter {missing}") from None

    def processors_for(self, description) -> tuple:
        if self.processors is None:
            self.processors = tuple(column.type.dialect_impl(self.dialect).result_processor(self.dialect, info[1])
                                    for column, info in zip(self.columns, description))
        return self.processors


@lru_cache(maxsize=256)
def _driver_statement(statement: Executable, dialect: Dialect) -> _DriverStatement:
    return _DriverStatement(statement, dialect)


def _run(connection: Connection, compiled: _DriverStatement, params: Mapping[str, Any], fetch: bool):
    """Run a compiled statement on the connection's driver cursor; a driver error is raised as Core raises it."""
    parameters = compiled.parameters(params)
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.sql, parameters)
        if not fetch:
            return None
        return cursor.fetchall(), compiled.processors_for(cursor.description)
    except dbapi.Error as error:
        gone = connection.dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
        if gone:
            connection.invalidate(error)  # as Core does: the pool replaces the connection the server dropped
        raise DBAPIError.instance(compiled.sql, parameters, error, dbapi.Error, dialect=connection.dialect,
                                  connection_invalidated=gone) from error
    finally:
        cursor.close()


def driver_rows(connection: Connection, statement: Select, params: Mapping[str, Any]) -> list[tuple]:
    """The rows of a prebuilt SELECT, with the values Core would give, read with the driver's own cursor.

    A request's few hottest reads (the signed-in person, the lesson's progress, an answer's recent scores) are one
    small query each, and Core's execute costs several times such a query: an execution context, a result object
    and their bookkeeping, 40–90 µs per query in-process on the load bench's machine. Their SQL, bind and result
    processors are worked out once per statement and dialect. A driver error is raised as SQLAlchemy's wrapped
    error (IntegrityError, OperationalError...), and a connection the server dropped is invalidated, as Core does.
    No SQLAlchemy event sees these statements.

    `statement` must be built once (a module constant): the compiled form is cached by the statement object."""
    raw, processors = _run(connection, _driver_statement(statement, connection.dialect), params, fetch=True)
    return [tuple(value if process is None else process(value) for process, value in zip(processors, row))
            for row in raw]


def driver_execute(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> None:
    """Run a prebuilt INSERT, UPDATE or DELETE (no RETURNING) with the driver's own cursor, as driver_rows reads: the
    statements that store an answer, Core's bookkeeping costing more than SQLite's write itself. It runs in the
    connection's transaction, as Core's execute would; the same parameters, processed as Core would. No SQLAlchemy
    event sees it, so it refuses itself in a reads_only view (whose guard is such an event)."""
    compiled = _driver_statement(statement, connection.dialect)
    if connection.get_execution_options().get("tutor_reads_only"):
        raise WriteInReadOnlyView(f"a view marked reads_only ran: {compiled.sql[:80]}")
    _run(connection, compiled, params, fetch=False)


def driver_keys(connection: Connection, statement: Select) -> tuple[str, ...]:
    """The column names of driver_rows' rows (None for a column without one, such as an EXISTS)."""
    return _driver_statement(statement, connection.dialect).keys


def alembic_config(url: str):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the database at url to the given Alembic revision (creating an SQLite file if needed)."""
    from alembic import command

    make_engine(url).dispose()  # creates the SQLite folder
    command.upgrade(alembic_config(url), revision)


def downgrade_database(url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)
