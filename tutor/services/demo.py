"""Demo data: a family and a class to explore on first run (idempotent: running it twice changes nothing)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, Classroom
from . import accounts, classes

DEMO_PARENT = ("parent@demo.tutor", "demo-parent-password", "Sam (demo parent)")
DEMO_TEACHER = ("teacher@demo.tutor", "demo-teacher-password", "Ms Rivera (demo teacher)")
DEMO_CHILDREN = (("Mia", "fox", "ages-5-8", "1234"), ("Leo", "robot", "ages-9-12", "2345"))
DEMO_CLASS = "Class 5B (demo)"
DEMO_ROSTER = ("Ava", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jay", "Kai", "Lila")


def load_demo(db: Session) -> dict[str, str]:
    """Create the demo accounts if they are missing; return what a person needs to sign in."""
    parent = db.scalar(select(Account).where(Account.email == DEMO_PARENT[0]))
    if parent is None:
        parent = accounts.sign_up(db, email=DEMO_PARENT[0], password=DEMO_PARENT[1], role="parent",
                                  display_name=DEMO_PARENT[2])
        for nickname, avatar, track, pin in DEMO_CHILDREN:
            accounts.add_child(db, parent, nickname=nickname, avatar=avatar, track=track, pin=pin)
    teacher = db.scalar(select(Account).where(Account.email == DEMO_TEACHER[0]))
    if teacher is None:
        teacher = accounts.sign_up(db, email=DEMO_TEACHER[0], password=DEMO_TEACHER[1], role="teacher",
                                   display_name=DEMO_TEACHER[2])
    classroom = db.scalar(select(Classroom).where(Classroom.teacher_id == teacher.id, Classroom.name == DEMO_CLASS))
    if classroom is None:
        classroom = classes.create_class(db, teacher, name=DEMO_CLASS, track="ages-9-12")
        classes.add_learners(db, teacher, classroom.id, list(DEMO_ROSTER))
    return {
        "parent": f"{DEMO_PARENT[0]} / {DEMO_PARENT[1]} (family code {parent.family_code}, PINs "
                  + ", ".join(f"{n} {p}" for n, _, _, p in DEMO_CHILDREN) + ")",
        "teacher": f"{DEMO_TEACHER[0]} / {DEMO_TEACHER[1]}",
        "class": f"{classroom.name}: join code {classroom.join_code}",
    }
