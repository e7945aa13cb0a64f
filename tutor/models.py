"""The tutor's stored data: grown-up accounts, learners (children and guests), families, classes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base

TRACK_IDS = ("ages-5-8", "ages-9-12", "ages-13-plus")
ROLES = ("parent", "teacher")


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
