"""Idle guests are deleted with what they stored (`tutor guests prune`); nobody else ever is.

Guests are made the way a browser makes them (an answer, a lesson's progress, through the JSON API); how long ago
they did it is then written into their rows, since tests never wait for the wall clock.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from tests.conftest import Api
from tests.tutor.test_accounts import Store, add_child, enter_code, learner_attempt, post_form, sign_up
from tests.tutor.test_classes import create_class, join
from tests.tutor.test_family import choice_answer
from tutor.cli import main
from tutor.models import Account, Attempt, Classroom, Learner, LessonProgress, Mastery
from tutor.services.family import learning_tables
from tutor.services.mastery import now_utc
from tutor.services.retention import ACTIVITY_TIMES, idle_guests, prune_guests


@pytest.fixture
def store(app) -> Store:
    return Store(app)


def guest_who_answered(app, content_bank) -> tuple[int, Api]:
    api = Api(app.test_client())
    item = next(i for i in content_bank.items if i.track == "ages-9-12" and i.kind == "choice")
    r = api.post("/api/attempts", {"item_id": item.id, "answer": choice_answer(content_bank, item.id, True)},
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 200, r.text
    return api.client.get("/api/session").get_json()["user"]["id"], api


def age(app, learner_id: int, days: float, *, profile: bool = True) -> None:
    """Everything the learner stored (and, with profile, the profile itself) happened `days` ago."""
    when = now_utc() - timedelta(days=days)
    with app.extensions["db_sessionmaker"]() as db:
        for table in learning_tables():
            values = {name: when for name in ACTIVITY_TIMES if name in table.c}
            if values:
                db.execute(update(table).where(table.c.learner_id == learner_id).values(**values))
        if profile:
            db.execute(update(Learner).where(Learner.id == learner_id).values(created_at=when))
        db.commit()


def rows_of(app, learner_id: int) -> int:
    with app.extensions["db_sessionmaker"]() as db:
        return sum(db.scalar(select(func.count()).select_from(t).where(t.c.learner_id == learner_id))
                   for t in learning_tables())


def test_only_guests_idle_for_the_whole_period_are_deleted_with_what_they_stored(app, content_bank, store, db):
    idle, _ = guest_who_answered(app, content_bank)
    age(app, idle, 100)
    back, back_api = guest_who_answered(app, content_bank)
    lesson = content_bank.concepts("ages-9-12")[0].id
    progress = {"track": "ages-9-12", "messages_seen": 1}
    assert back_api.post(f"/api/lessons/{lesson}/progress", progress).get_json()["stored"]
    age(app, back, 100)
    # back at work today: the same lesson's row is updated (its updated_at), nothing new is created
    assert back_api.post(f"/api/lessons/{lesson}/progress", {**progress, "messages_seen": 2}).status_code == 200
    recent, _ = guest_who_answered(app, content_bank)
    age(app, recent, 60)
    assert rows_of(app, idle) > 1 and store.count(Attempt, Attempt.learner_id == idle) == 1

    assert idle_guests(db, 90) == [idle]
    assert prune_guests(db, 90, dry_run=True) == 1 and store.count(Learner, Learner.id == idle) == 1
    assert prune_guests(db, 90) == 1
    assert store.count(Learner, Learner.id == idle) == 0 and rows_of(app, idle) == 0
    assert store.count(Mastery, Mastery.learner_id == idle) == 0
    assert {row.id for row in store.all(Learner)} == {back, recent}
    assert store.count(LessonProgress, LessonProgress.learner_id == back) == 1
    assert prune_guests(db, 90) == 0
    assert prune_guests(db, 31) == 1 and {row.id for row in store.all(Learner)} == {back}


def test_children_class_members_and_claimed_guests_are_never_pruned(app, content_bank, store, db):
    parent = app.test_client()
    sign_up(parent, "sam@example.org")
    add_child(parent, "Mia", track="ages-9-12", pin="1234")
    mia = store.one(Learner, Learner.nickname == "Mia")
    teacher = app.test_client()
    sign_up(teacher, "rivera@example.org", "teacher", "Ms Rivera")
    classroom = store.one(Classroom, Classroom.id == create_class(teacher, "Class 5B", "ages-9-12"))
    device = app.test_client()
    assert join(device, classroom.join_code, "Ava").status_code == 302
    ava = store.one(Learner, Learner.nickname == "Ava")
    # a guest who joined a class with their own progress: no longer a guest
    guest, api = guest_who_answered(app, content_bank)
    enter_code(api.client, classroom.join_code)
    assert post_form(api.client, "/auth/learner/join", {"nickname": "Gus", "chosen": "cat-dog-sun", "go": "1"}
                     ).status_code == 302
    # and the family child answers too, long ago
    child = Api(app.test_client())
    enter_code(child.client, store.one(Account, Account.role == "parent").family_code)
    assert learner_attempt(child.client, mia.id, pin="1234").status_code == 302
    for learner_id in (mia.id, ava.id, guest):
        age(app, learner_id, 400)
    assert idle_guests(db, 31) == [] and prune_guests(db, 31) == 0
    assert store.count(Learner) == 3


def test_the_command_prunes_and_refuses_a_period_shorter_than_a_session(app, content_bank, store, database_url):
    idle, _ = guest_who_answered(app, content_bank)
    age(app, idle, 200)
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret"}
    runner = CliRunner()
    for bad in (["--idle-days", "30"], ["--idle-days", "ninety"], ["--idle-days", "-1"]):
        result = runner.invoke(main, ["guests", "prune", *bad], env=env)
        assert result.exit_code == 2 and "idle-days" in result.output, result.output
    assert store.count(Learner) == 1
    result = runner.invoke(main, ["guests", "prune", "--dry-run"], env=env)
    assert result.exit_code == 0 and "1 guest(s) idle for 90 days or more would be deleted." in result.output
    assert store.count(Learner) == 1
    result = runner.invoke(main, ["guests", "prune"], env=env)
    assert result.exit_code == 0 and "1 guest(s) idle for 90 days or more deleted." in result.output
    assert store.count(Learner) == 0


def test_the_command_says_what_is_wrong_with_an_unmigrated_database(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/empty.db", "SECRET_KEY": "test-secret"}
    result = CliRunner().invoke(main, ["guests", "prune"], env=env)
    assert result.exit_code == 1 and "tutor db upgrade" in result.output and "Traceback" not in result.output
