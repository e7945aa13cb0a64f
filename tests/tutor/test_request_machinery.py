"""The per-request machinery kept cheap for load (issue 8): cookie sessions checked once per cookie, CSRF tokens
signed and checked once per token, URLs built once, no rate-limit hook on views without limits, and a lean gunicorn
access log. Each must behave exactly as the library it shortens."""
from __future__ import annotations

import datetime
import io
import logging

import pytest
from flask import url_for
from flask.sessions import SecureCookieSessionInterface
from gunicorn.config import Config as GunicornConfig
from gunicorn.glogging import Logger

from tests.conftest import Api
from tests.tutor.test_accounts import add_guest_route
from tests.tutor.test_csrf_and_limits import _eleven_sign_ins
from tutor import sessions as tutor_sessions
from tutor.security import for_app
from tutor.serving import AccessLog
from tutor.sessions import VerifiedCookieSessions
from tutor.views import remembered_url_for


def cookie_for(app, data: dict) -> str:
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(data)


def open_with(app, interface, cookie: str | None):
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    with app.test_request_context("/", headers=headers) as ctx:
        return interface.open_session(app, ctx.request)


# ---- sessions ---------------------------------------------------------------------------------------------------

def test_a_remembered_cookie_opens_as_flasks_own_interface_opens_it(app):
    cookie = cookie_for(app, {"track": "ages-5-8", "prefs": {"large-text": True}, "_user_id": "learner:7"})
    ours = VerifiedCookieSessions()
    first, second = open_with(app, ours, cookie), open_with(app, ours, cookie)  # the second from the cache
    flasks = open_with(app, SecureCookieSessionInterface(), cookie)
    assert dict(first) == dict(second) == dict(flasks)
    assert not second.modified and not second.accessed


def test_each_request_gets_its_own_copy_of_the_values(app):
    ours = VerifiedCookieSessions()
    cookie = cookie_for(app, {"prefs": {"large-text": True}, "seen": [1, 2]})
    first = open_with(app, ours, cookie)
    first["prefs"]["large-text"] = False
    first["seen"].append(3)
    again = open_with(app, ours, cookie)
    assert again["prefs"] == {"large-text": True} and again["seen"] == [1, 2]


@pytest.mark.parametrize("cookie", ["", "not-a-cookie", "eyJ0cmFjayI6ImFnZXMtNS04In0.ZZZZZZ.forged-signature"])
def test_a_missing_or_forged_cookie_opens_an_empty_session(app, cookie):
    ours = VerifiedCookieSessions()
    for _ in range(2):
        assert dict(open_with(app, ours, cookie)) == {}


def test_a_cookie_signed_with_another_key_is_not_taken_from_the_cache(app, content_bank, database_url):
    from tutor import create_app

    ours = VerifiedCookieSessions()
    cookie = cookie_for(app, {"_user_id": "account:1"})
    assert dict(open_with(app, ours, cookie)) == {"_user_id": "account:1"}
    other = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "another-secret", "TESTING": True,
                        "CONTENT_BANK": content_bank})
    assert dict(open_with(other, ours, cookie)) == {}
    other.extensions["db_engine"].dispose()


def test_a_remembered_cookie_still_expires_with_the_session_lifetime(app, monkeypatch):
    ours = VerifiedCookieSessions()
    cookie = cookie_for(app, {"_user_id": "learner:3"})
    assert open_with(app, ours, cookie)  # verified and remembered
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    real_time = tutor_sessions.time.time
    monkeypatch.setattr(tutor_sessions.time, "time", lambda: real_time() + lifetime - 5)
    assert dict(open_with(app, ours, cookie)) == {"_user_id": "learner:3"}
    monkeypatch.setattr(tutor_sessions.time, "time", lambda: real_time() + lifetime + 5)
    assert dict(open_with(app, ours, cookie)) == {}
    monkeypatch.setattr(tutor_sessions.time, "time", lambda: real_time() - 60)  # signed "in the future"
    assert dict(open_with(app, ours, cookie)) == {}


def test_an_unchanged_session_sends_no_cookie_but_varies_on_it(app):
    add_guest_route(app)
    client = app.test_client()
    assert "Set-Cookie" in client.get("/_test/guest").headers  # a guest: a session with someone signed in
    client.get("/learn/neuron?track=ages-9-12")  # its first page adds the CSRF token to the session
    again = client.get("/learn/neuron?track=ages-9-12")
    assert again.status_code == 200 and "Set-Cookie" not in again.headers
    assert "Cookie" in again.headers.get("Vary", "")


# ---- CSRF ---------------------------------------------------------------------------------------------------------

def test_a_checked_token_keeps_working_and_only_for_its_own_session(app, client):
    api = Api(client)
    for key in ("a", "b"):  # the second POST takes the remembered check
        assert api.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 1}).status_code == 200
    stolen = api.token
    other = Api(app.test_client())
    other.token  # noqa: B018 - gives the other client a session with a token of its own
    r = other.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 1},
                   headers={"X-CSRF-Token": stolen}, csrf=False)
    assert r.status_code == 400 and "do not match" in r.get_data(as_text=True)
    assert key == "b"


@pytest.mark.parametrize("token, message", [(None, "missing"), ("garbage", "invalid")])
def test_a_missing_or_bad_token_gets_flask_wtfs_message(client, token, message):
    api = Api(client)
    api.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 1})  # a checked token exists
    r = api.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 1},
                 headers={"X-CSRF-Token": token} if token else {}, csrf=False)
    assert r.status_code == 400 and message in r.get_data(as_text=True).lower()


def test_pages_and_the_session_api_hand_out_the_same_signed_token(client):
    token = client.get("/api/session").get_json()["csrf_token"]
    assert f'<meta name="csrf-token" content="{token}">' in client.get("/learn/neuron?track=ages-9-12").text


def test_with_a_time_limit_tokens_are_checked_by_flask_wtf_every_time(app, client, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    import flask_wtf.csrf

    checks = []
    real = flask_wtf.csrf.validate_csrf
    monkeypatch.setattr(flask_wtf.csrf, "validate_csrf", lambda *a, **k: checks.append(1) or real(*a, **k))
    api = Api(client)
    for _ in range(3):
        assert api.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 1}).status_code == 200
    assert len(checks) == 3


# ---- URLs ---------------------------------------------------------------------------------------------------------

def test_remembered_urls_are_flasks_urls_per_script_root(app):
    built = remembered_url_for(app.url_for)
    cases = [("static", {"filename": "css/app.css"}), ("learn.lessons", {}),
             ("api.lesson_progress", {"concept_id": "neuron"}), ("learn.lesson", {"concept_id": "loss", "track": "x"})]
    for root in ("", "/tutor"):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            for endpoint, values in cases:
                assert built(endpoint, **values) == built(endpoint, **values) == url_for(endpoint, **values)
                assert built(endpoint, **values).startswith(root + "/")
            assert built("learn.lessons", _external=True) == url_for("learn.lessons", _external=True)
            assert built("learn.lesson", concept_id="neuron", _anchor="check").endswith("/learn/neuron#check")


# ---- rate limits ---------------------------------------------------------------------------------------------------

def test_no_rate_limit_hook_runs_on_every_request_but_view_limits_still_count(limited_app):
    app = limited_app()
    instance = for_app(app)
    assert instance.enabled
    hooks = app.before_request_funcs.get(None, [])
    assert not [hook for hook in hooks if getattr(hook, "__self__", None) is instance]
    client = app.test_client()
    limited = client.post("/auth/sign-in", data={"email": "x@example.org", "password": "wrong",
                                                 "csrf_token": client.get("/api/session").get_json()["csrf_token"]})
    assert limited.status_code == 401 and limited.headers["X-RateLimit-Limit"] == "10"
    assert "X-RateLimit-Limit" not in client.get("/learn/neuron?track=ages-9-12").headers
    _eleven_sign_ins(limited_app())  # the sign-in view's own limit still refuses the eleventh, with Retry-After


# ---- the access log ------------------------------------------------------------------------------------------------

class _Response:
    status, sent = "201 CREATED", 1234
    headers = (("Content-Type", "application/json"), ("X-Thing", 'say "hi"'))


class _Request:
    headers = (("HOST", "127.0.0.1:8000"), ("USER-AGENT", 'bench "1"'))


ENVIRON = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/attempts", "RAW_URI": "/api/attempts?x=1",
           "QUERY_STRING": "x=1", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
           "HTTP_USER_AGENT": 'bench "1"', "HTTP_REFERER": "http://127.0.0.1/learn", "wsgi.url_scheme": "http"}


@pytest.mark.parametrize("log_format", [
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',  # gunicorn's default
    "%(m)s %(U)s %(s)s %(D)s",  # bench/load.py's
    "%(q)s %(H)s %(B)s %(T)s %(M)s %(L)s %(p)s %({user-agent}i)s %({x-thing}o)s %({wsgi.url_scheme}e)s %(zz)s",
])
def test_the_lean_access_log_writes_what_gunicorns_writes(log_format):
    cfg = GunicornConfig()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", log_format)
    lines = []
    for cls in (Logger, AccessLog):
        log = cls(cfg)
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.access_log.handlers = [handler]
        log.access(_Response(), _Request(), dict(ENVIRON), datetime.timedelta(seconds=1, microseconds=2345))
        lines.append(stream.getvalue())
    assert lines[0] == lines[1] and lines[0].strip()


# ---- the signed-in person ------------------------------------------------------------------------------------------

def test_the_signed_in_learner_is_a_session_row_whose_changes_are_saved(app, db):
    from sqlalchemy import inspect

    from tutor.identity import load_user
    from tutor.models import Learner

    add_guest_route(app)
    client = app.test_client()
    guest_id = client.get("/_test/guest").get_json()["id"]
    with app.test_request_context("/"):
        learner = load_user(f"learner:{guest_id}")
        state = inspect(learner)
        assert state.persistent and not state.modified and learner.is_guest and learner.track == "ages-9-12"
        assert load_user(f"learner:{guest_id}") is learner  # one object per row in a session
        assert load_user("learner:999999") is None and load_user("learner:x") is None and load_user("robot:1") is None
    token = client.get("/api/session").get_json()["csrf_token"]
    assert client.post("/track", data={"track": "ages-5-8", "csrf_token": token}).status_code == 302
    assert db.get(Learner, guest_id).track == "ages-5-8"  # the change to the loaded row was written


def test_driver_rows_give_what_core_gives(app, db):
    """tutor.db.driver_rows reads the hottest SELECTs with the driver's cursor: the same rows as Core's execute,
    types included (SQLite's booleans, datetimes and JSON come back as bool, datetime and dict), for the signed-in
    person (learner and account), a lesson's progress and an answer's recent scores and review card."""
    from tests.tutor.test_accounts import sign_up
    from tutor.db import driver_keys, driver_rows, get_db
    from tutor.identity import _USER_ROWS
    from tutor.models import Account, Learner
    from tutor.services import mastery
    from tutor.services.lessons import _PROGRESS_ROW

    add_guest_route(app)
    client = app.test_client()
    guest_id = client.get("/_test/guest").get_json()["id"]
    api = Api(client)
    assert api.post("/api/lessons/neuron/progress", {"track": "ages-9-12", "messages_seen": 2}).status_code == 200
    with app.app_context():
        from tutor.content_bank import bank
        item = next(i for q in bank().quizzes("ages-9-12") for i in bank().quiz_items(q.id) if i.kind == "truefalse")
    for n, value in enumerate((True, False)):
        reply = api.post("/api/attempts", {"item_id": item.id, "answer": {"value": value}},
                         headers={"Idempotency-Key": f"driver-rows-{n}"})
        assert reply.status_code == 200, reply.text
    concept = reply.get_json()["mastery"]["concept"]
    sign_up(app.test_client(), "row@example.org")
    account_id = db.query(Account.id).filter_by(email="row@example.org").scalar()
    recent, card, _, _ = mastery.answer_statements()
    cases = [(_USER_ROWS[Learner], {"id": guest_id}), (_USER_ROWS[Account], {"id": account_id}),
             (_USER_ROWS[Learner], {"id": 999_999}),
             (_PROGRESS_ROW, {"learner_id": guest_id, "concept": "neuron"}),
             (recent, {"p_learner": guest_id, "p_concept": concept}),
             (card, {"p_learner": guest_id, "p_concept": concept})]
    with app.test_request_context("/"):
        connection = get_db().connection()
        for statement, params in cases:
            ours = driver_rows(connection, statement, params)
            theirs = [tuple(row) for row in connection.execute(statement, params).all()]
            assert ours == theirs and [list(map(type, r)) for r in ours] == [list(map(type, r)) for r in theirs]
            if None not in driver_keys(connection, statement):
                assert driver_keys(connection, statement) == tuple(connection.execute(statement, params).keys())
        rows = driver_rows(connection, recent, {"p_learner": guest_id, "p_concept": concept})
        assert len(rows) == 2 and rows[0][1] is True and isinstance(rows[0][2], dict)  # score, has a card, the card
        assert isinstance(driver_rows(connection, _USER_ROWS[Learner], {"id": guest_id})[0][7], bool)


def test_an_answer_written_with_the_drivers_cursor_stores_what_core_would(app, db, monkeypatch):
    """tutor.db.driver_execute writes an answer's statements (the attempt, its mastery row, the dashboard's counts)
    with the driver's cursor: the rows stored are the ones Core's execute stores from the same values, JSON,
    booleans and datetimes included. One learner answers through Core, another through the driver."""
    from sqlalchemy import select

    from tutor.models import Attempt, LearnerItemStats, LearnerWrongAnswer, Mastery
    from tutor.services import practice

    with app.app_context():
        from tutor.content_bank import bank
        item = next(i for q in bank().quizzes("ages-9-12") for i in bank().quiz_items(q.id) if i.kind == "choice")
    right = next(o.id for o in item.options if o.correct)
    wrong = next(o.id for o in item.options if not o.correct)
    add_guest_route(app)

    def answer_twice(client) -> int:
        learner_id = client.get("/_test/guest").get_json()["id"]
        api = Api(client)
        for n, option in enumerate((wrong, right, wrong)):
            reply = api.post("/api/attempts", {"item_id": item.id, "answer": {"option": option}},
                             headers={"Idempotency-Key": f"same-{n}"})
            assert reply.status_code == 200, reply.text
        return learner_id

    with monkeypatch.context() as patch:
        patch.setattr(practice, "driver_execute", lambda connection, statement, values:
                      connection.execute(statement, values))
        by_core = answer_twice(app.test_client())
    by_driver = answer_twice(app.test_client())

    def timeless(key, value):  # the moments differ between the two learners; their types must not
        if key.endswith(("_at", "_due")):
            return type(value)
        if key == "review_card":
            return {k: (type(v) if k in ("due", "last_review") else v) for k, v in value.items()}
        return value

    def stored(model, learner_id, skip=("id", "learner_id")):
        rows = db.execute(select(model.__table__).where(model.__table__.c.learner_id == learner_id)
                          .order_by(*model.__table__.primary_key.columns)).mappings().all()
        return [{k: timeless(k, v) for k, v in row.items() if k not in skip} for row in rows]

    for model in (Attempt, Mastery, LearnerItemStats, LearnerWrongAnswer):
        ours, theirs = stored(model, by_driver), stored(model, by_core)
        assert ours and ours == theirs, model.__name__
    attempt = db.scalars(select(Attempt).where(Attempt.learner_id == by_driver)).first()
    assert isinstance(attempt.reply, dict) and attempt.reply["correct"] is False
    assert attempt.created_at.tzinfo is not None or db.bind.dialect.name == "sqlite"


def test_driver_rows_convert_parameters_as_core_does(app, db):
    """A parameter Core converts on the way in (a datetime, which SQLite stores as text) is converted the same way."""
    from sqlalchemy import DateTime, bindparam, select

    from tutor.db import driver_rows, get_db
    from tutor.models import Learner

    add_guest_route(app)
    app.test_client().get("/_test/guest")
    table = Learner.__table__
    for moment in (datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)):
        since = select(table.c.id).where(table.c.created_at > bindparam("since", type_=DateTime(timezone=True)))
        with app.test_request_context("/"):
            connection = get_db().connection()
            ours = driver_rows(connection, since, {"since": moment})
            assert ours == [tuple(row) for row in connection.execute(since, {"since": moment}).all()]
            assert len(ours) == (1 if moment.year == 2000 else 0)


def test_a_driver_error_is_raised_as_cores_error(app, monkeypatch):
    """A driver error comes out as SQLAlchemy's wrapped error, as Core raises it (the callers catch those: an
    answer's IntegrityError is a retried key), and the connection goes on working. PostgreSQL: see the
    dead-connection test below."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from tutor import db as tutor_db
    from tutor.identity import _USER_ROWS
    from tutor.models import Learner

    add_guest_route(app)
    guest_id = app.test_client().get("/_test/guest").get_json()["id"]
    with app.test_request_context("/"):
        connection = tutor_db.get_db().connection()
        if connection.dialect.name != "sqlite":
            pytest.skip("on PostgreSQL a failed statement ends the transaction: the disconnect test covers it")
        good = tutor_db.driver_rows(connection, _USER_ROWS[Learner], {"id": guest_id})
        compiled = tutor_db._driver_statement(_USER_ROWS[Learner], connection.dialect)
        monkeypatch.setattr(compiled, "sql", "SELECT * FROM no_such_table WHERE id = ?")
        with pytest.raises(OperationalError, match="no_such_table") as raised:
            tutor_db.driver_rows(connection, _USER_ROWS[Learner], {"id": guest_id})
        assert not raised.value.connection_invalidated
        monkeypatch.undo()
        assert tutor_db.driver_rows(connection, _USER_ROWS[Learner], {"id": guest_id}) == good
        table = Learner.__table__
        twin = table.insert().values(id=guest_id, nickname="twin", track="ages-5-8", is_guest=True)
        with pytest.raises(IntegrityError):
            tutor_db.driver_execute(connection, twin, {})


def test_a_dead_connection_under_the_person_read_is_dropped_from_the_pool(app, database_url):
    """The driver's own cursor skips Core's error handling, so tutor.db does what Core does: a connection the database
    server dropped raises SQLAlchemy's error with the connection invalidated, and the next request gets a fresh one
    instead of the dead one again."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a server-side disconnect needs PostgreSQL")
    import psycopg
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from tests.conftest import PG_ADMIN
    from tutor.db import get_db
    from tutor.identity import load_user

    add_guest_route(app)
    guest_id = app.test_client().get("/_test/guest").get_json()["id"]
    with app.test_request_context("/"):
        pid = get_db().connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
        with psycopg.connect(**PG_ADMIN, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(DBAPIError) as raised:
            load_user(f"learner:{guest_id}")
        assert raised.value.connection_invalidated
    with app.test_request_context("/"):
        assert load_user(f"learner:{guest_id}").id == guest_id


def test_a_session_of_someone_deleted_is_nobodys(app, db):
    from tutor.models import Learner

    add_guest_route(app)
    client = app.test_client()
    guest_id = client.get("/_test/guest").get_json()["id"]
    db.delete(db.get(Learner, guest_id))
    db.commit()
    assert client.get("/api/session").get_json()["user"] is None
