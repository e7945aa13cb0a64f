"""The tutor's stored data: grown-up accounts, learners (children and guests), families, classes."""
from __future__ import annotations

import functools
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    case,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base

TRACK_IDS = ("ages-5-8", "ages-9-12", "ages-13-plus")
ROLES = ("parent", "teacher")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Account(Base):
    """A parent or a teacher: the only people who sign in with an e-mail address."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("role IN ('parent', 'teacher')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(80))
    # Parents get a family code the children type (once per device) to reach their own sign-in screen.
    family_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    children: Mapped[list[Learner]] = relationship(back_populates="parent", order_by="Learner.id")
    classrooms: Mapped[list[Classroom]] = relationship(back_populates="teacher", order_by="Classroom.id")

    # flask-login protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"account:{self.id}"

    @property
    def kind(self) -> str:
        return self.role


class Learner(Base):
    """A child or teenager who learns: a guest, a family's child, a class member, or several of these at once.

    No e-mail and no personal data beyond a nickname and an avatar are ever stored for a learner.
    """

    __tablename__ = "learners"
    __table_args__ = (CheckConstraint("track IN ('ages-5-8', 'ages-9-12', 'ages-13-plus')", name="track"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str] = mapped_column(String(40))
    avatar: Mapped[str] = mapped_column(String(24), default="owl")
    track: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # Picture passwords are deliberately readable by the child's teacher (they print them on cards), so they are
    # stored as picture ids, not hashed; they only work together with a class or family code and are rate-limited.
    picture_password: Mapped[str | None] = mapped_column(String(64))
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    claim_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    parent: Mapped[Account | None] = relationship(back_populates="children")
    memberships: Mapped[list[Membership]] = relationship(back_populates="learner", cascade="all, delete-orphan")

    is_authenticated = True
    is_active = True
    is_anonymous = False
    kind = "learner"

    def get_id(self) -> str:
        return f"learner:{self.id}"


class Classroom(Base):
    __tablename__ = "classrooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    track: Mapped[str | None] = mapped_column(String(16))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    teacher: Mapped[Account] = relationship(back_populates="classrooms")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="classroom", cascade="all, delete-orphan", order_by="Membership.learner_id"
    )


class Membership(Base):
    """A learner in a class. A learner may be in several classes and in a family at the same time."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_classroom_id", "classroom_id"),)

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    learner: Mapped[Learner] = relationship(back_populates="memberships")
    classroom: Mapped[Classroom] = relationship(back_populates="memberships")


# ---- learning records -------------------------------------------------------------------------------------------------

class Attempt(Base):
    """One graded answer. The reply is kept so a retried submission (same Idempotency-Key) gets the same answer."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("learner_id", "idempotency_key", name="uq_attempts_learner_id_idempotency_key"),
        # Covers the dashboard's questions (per learner, per item, correctness over time) without touching the table.
        Index("ix_attempts_learner_item_correct_time", "learner_id", "item_id", "correct", "created_at"),
        Index("ix_attempts_item_id", "item_id", "correct"),
        # "Stuck now", the activity plots and a learner's history read a learner's attempts by time.
        Index("ix_attempts_learner_time", "learner_id", "created_at", "correct"),
        # Mastery's evidence: a learner's latest scores on one concept, newest first (id order), read from the index
        # alone (score is in it) on every answer, however many attempts the learner has on other concepts.
        Index("ix_attempts_learner_concept_recent", "learner_id", "concept", "id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(160))
    concept: Mapped[str] = mapped_column(String(40))
    track: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    answer: Mapped[dict] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    misconception: Mapped[str | None] = mapped_column(String(60))
    reply: Mapped[dict] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    # Set by the app (to the microsecond, so answers a moment apart keep their order); the server default stays for
    # rows written around the ORM.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, server_default=func.now())


# ---- per-question summaries of the attempts, for the class dashboard ---------------------------------------------------
#
# The class dashboard's item analysis and misconception map need, per learner and question, only a few numbers; reading
# them from these small tables (~2,000 rows for a class) instead of from the class's attempts (~17,000 rows and more
# every week) keeps the dashboard fast however long a class has been practising. They are kept in step with the
# attempts by the flush that inserts an attempt (see the event at the end of this section), or, for an answer stored
# around the ORM (practice.submit_attempt), by the statements that insert it, so they commit or roll back with it: a
# retried answer that is not stored again is not counted again. Migration 0030 filled them from the attempts that
# existed before; SEED_SUFFIX and the backfill there compute the same question key as question_of() below.

SEED_SUFFIX = ":seed="
NO_VALUE = ""  # stands for "none" in the key columns of learner_wrong_answers (key columns cannot be NULL)


def question_of(item_id: str) -> str:
    """The question an attempt answered: engine-made numeric items ("num:<kind>[:<track>]:seed=<n>") are one question
    across their seeds; every other item id is its own question."""
    if item_id.startswith("num:") and SEED_SUFFIX in item_id:
        return item_id[:item_id.index(SEED_SUFFIX)]
    return item_id


class LearnerItemStats(Base):
    """One learner's record on one question: how many attempts, how many right, and when the first attempt was made
    and whether it was right (several attempts at that same first moment: right when any of them was)."""

    __tablename__ = "learner_item_stats"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(String(160), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    first_correct: Mapped[bool] = mapped_column(Boolean)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LearnerWrongAnswer(Base):
    """How often a learner gave one wrong answer to one question: the option chosen (choice questions; "" otherwise)
    and the misconception the grader saw in it ("" for none)."""

    __tablename__ = "learner_wrong_answers"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(String(160), primary_key=True)
    option: Mapped[str] = mapped_column(String(160), primary_key=True)
    misconception: Mapped[str] = mapped_column(String(60), primary_key=True)
    times: Mapped[int] = mapped_column(Integer)


_SUMMARY_COLUMNS = ("learner_id", "question", "attempts", "correct", "first_at", "first_correct", "last_at")


@functools.cache
def summary_statements(dialect: str, prefix: str = ""):
    """The two INSERT … ON CONFLICT statements that add one attempt to the summaries, built once per dialect (both
    dialects have the construct, each its own): building these expressions costs more than running them. Their bind
    parameters are the keys of summary_values() with `prefix` in front (the answer path sends them with statements on
    other tables, on one dict of values)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stats = LearnerItemStats.__table__
    new = insert(stats).values({c: bindparam(prefix + c) for c in _SUMMARY_COLUMNS})
    x = new.excluded
    earlier, same = x.first_at < stats.c.first_at, x.first_at == stats.c.first_at
    add_stats = new.on_conflict_do_update(
        index_elements=[stats.c.learner_id, stats.c.question],
        set_={"attempts": stats.c.attempts + x.attempts, "correct": stats.c.correct + x.correct,
              "first_correct": case((earlier, x.first_correct),
                                    (same, or_(stats.c.first_correct, x.first_correct)), else_=stats.c.first_correct),
              "first_at": case((earlier, x.first_at), else_=stats.c.first_at),
              "last_at": case((x.last_at > stats.c.last_at, x.last_at), else_=stats.c.last_at)})
    wrong = LearnerWrongAnswer.__table__
    add_wrong = insert(wrong).values(
        {**{c: bindparam(prefix + c) for c in ("learner_id", "question", "option", "misconception")}, "times": 1}
    ).on_conflict_do_update(
        index_elements=[wrong.c.learner_id, wrong.c.question, wrong.c.option, wrong.c.misconception],
        set_={"times": wrong.c.times + 1})
    return add_stats, add_wrong


def summary_values(learner_id: int, item_id: str, kind: str, answer: dict | None, correct: bool,
                   misconception: str | None, created_at: datetime) -> tuple[dict, dict | None]:
    """The values summary_statements() add for one stored attempt: learner_item_stats's, and learner_wrong_answers's
    (None for a right answer: there is no wrong answer to count)."""
    question = question_of(item_id)
    stats = {"learner_id": learner_id, "question": question, "attempts": 1, "correct": 1 if correct else 0,
             "first_at": created_at, "first_correct": bool(correct), "last_at": created_at}
    if correct:
        return stats, None
    option = (answer or {}).get("option") if kind == "choice" else None
    return stats, {"learner_id": learner_id, "question": question,
                   "option": NO_VALUE if option is None else str(option), "misconception": misconception or NO_VALUE}


def count_attempt(connection, attempt_id: int, learner_id: int, item_id: str, kind: str, answer: dict | None,
                  correct: bool, misconception: str | None, created_at: datetime | None = None) -> None:
    """Add one stored attempt to the summaries (called in the flush that inserted it, on the same connection).

    `created_at` is the stored row's time; when it is not known (the row took the database's clock, the column's
    server default) it is read back from the row."""
    add_stats, add_wrong = summary_statements(connection.dialect.name)
    if created_at is None:
        a = Attempt.__table__
        created_at = connection.scalar(select(a.c.created_at).where(a.c.id == attempt_id))
    stats, wrong = summary_values(learner_id, item_id, kind, answer, correct, misconception, created_at)
    connection.execute(add_stats, stats)
    if wrong is not None:
        connection.execute(add_wrong, wrong)


@event.listens_for(Attempt, "after_insert")
def _count_new_attempt(_mapper, connection, attempt: Attempt) -> None:
    # Every attempt added through a session is counted once, when (and only when) its row is inserted. Rows written
    # around the ORM are counted by their writer (practice.submit_attempt, in the same transaction) or, for bulk COPY
    # and raw SQL, with migration 0030's backfill.
    count_attempt(connection, attempt.id, attempt.learner_id, attempt.item_id, attempt.kind, attempt.answer,
                  bool(attempt.correct), attempt.misconception, attempt.created_at)


class LessonProgress(Base):
    """How far a learner got in one concept's lesson: seen, check question answered, answered right."""

    __tablename__ = "lesson_progress"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    concept: Mapped[str] = mapped_column(String(40), primary_key=True)
    track: Mapped[str] = mapped_column(String(16))
    messages_seen: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    check_correct: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class Mastery(Base):
    """A learner's current level in a concept, recomputed from recent attempts, and its spaced-review schedule."""

    __tablename__ = "mastery"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    concept: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    review_card: Mapped[dict | None] = mapped_column(JSON)
    review_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class ActivityRun(Base):
    """A finished activity (guess-and-fix, human backpropagation, a demo): what the learner chose, not free text."""

    __tablename__ = "activity_runs"
    __table_args__ = (Index("ix_activity_runs_learner_id", "learner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    activity: Mapped[str] = mapped_column(String(60))
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ChatTopic(Base):
    """What a learner asked the chat about: topic and confidence only, never the words they typed."""

    __tablename__ = "chat_topics"
    __table_args__ = (Index("ix_chat_topics_learner_id", "learner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    topic: Mapped[str | None] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    track: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class UnansweredQuestion(Base):
    """A chat question the tutor could not answer, scrubbed of digits, e-mail addresses and names; no learner id."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    track: Mapped[str] = mapped_column(String(16))
    best_guess: Mapped[str | None] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# ---- parents' plan and teachers' assignments -------------------------------------------------------------------------

class Milestone(Base):
    """A 3-month-plan milestone a parent marked as reached, with the evidence they noted (the child's own words)."""

    __tablename__ = "milestones"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    milestone: Mapped[str] = mapped_column(String(60), primary_key=True)
    evidence: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Assignment(Base):
    """A lesson (concept) a teacher asked a class to do."""

    __tablename__ = "assignments"

    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True)
    concept: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
