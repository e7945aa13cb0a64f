"""Demo data: a family and a class to explore on first run, with realistic learning histories so the dashboards show
something meaningful (idempotent: running it twice changes nothing).

The histories are made the way real ones are: every answer is graded by the grading service on the bank's real
questions (and engine-made numeric ones), and each learner's mastery is updated by the mastery service after every
answer, at the moment it was given. They are seeded, so every fresh database gets the same class:
strong learners, middling ones, two who are stuck right now (several wrong answers in a row in their last session)
and a misconception most of the class shares (a bigger learning rate is always faster).
"""
from __future__ import annotations

import functools
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content import Bank

from ..models import Account, Assignment, Attempt, ChatTopic, Classroom, Learner, LessonProgress
from . import accounts, classes, grading, mastery, numeric

DEMO_PARENT = ("parent@demo.tutor", "demo-parent-password", "Sam (demo parent)")
DEMO_TEACHER = ("teacher@demo.tutor", "demo-teacher-password", "Ms Rivera (demo teacher)")
DEMO_CHILDREN = (("Mia", "fox", "ages-5-8", "1234"), ("Leo", "robot", "ages-9-12", "2345"))
DEMO_CLASS = "Class 5B (demo)"
DEMO_ROSTER = ("Ava", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jay", "Kai", "Lila",
               "Milo", "Nora", "Omar", "Priya", "Quinn", "Ruby", "Sami", "Theo")
DEMO_ASSIGNMENTS = ("gradient-descent", "learning-rate", "overfitting")
SHARED_MISCONCEPTION = "bigger-lr-always-faster"
SEED = 20240917
KEY_PREFIX = "demo-history-"
HISTORY_DAYS = 20  # the histories' sessions fall on days 1 to 20 before now
ASSIGNED_DAYS_AGO = 2  # when the class did the lessons its teacher set

# How often each kind of learner is right, and how far through the course (share of the concepts) they got.
PROFILES: dict[str, tuple[float, float]] = {
    "strong": (0.9, 1.0), "steady": (0.72, 0.8), "struggling": (0.45, 0.6), "stuck": (0.55, 0.55),
}
CLASS_PROFILES = {"Ava": "strong", "Chloe": "strong", "Grace": "strong", "Isla": "strong", "Nora": "strong",
                  "Ben": "stuck", "Hugo": "stuck", "Jay": "struggling", "Omar": "struggling", "Sami": "struggling"}


def load_demo(db: Session, bank: Bank | None = None, now: datetime | None = None) -> dict[str, str]:
    """Create the demo accounts, class and histories if they are missing; return what a person needs to sign in."""
    if bank is None:
        from ..content_bank import bank as current_bank

        bank = current_bank()
    now = mastery.utc(now) or mastery.now_utc()
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
    present = {m.learner.nickname for m in classroom.memberships}
    missing = [n for n in DEMO_ROSTER if n not in present]
    if missing:  # a database from before the roster grew gets the newcomers
        classes.add_learners(db, teacher, classroom.id, missing)
    _fill_histories(db, bank, parent, classroom, now)
    return {
        "parent": f"{DEMO_PARENT[0]} / {DEMO_PARENT[1]} (family code {parent.family_code}, PINs "
                  + ", ".join(f"{n} {p}" for n, _, _, p in DEMO_CHILDREN) + ")",
        "teacher": f"{DEMO_TEACHER[0]} / {DEMO_TEACHER[1]}",
        "class": f"{classroom.name}: join code {classroom.join_code}",
    }


# ---- histories -----------------------------------------------------------------------------------------------------

def _has_history(db: Session, learner_ids: list[int]) -> bool:
    return bool(db.scalar(select(func.count()).select_from(Attempt)
                          .where(Attempt.learner_id.in_(learner_ids), Attempt.idempotency_key.like(KEY_PREFIX + "%"))))


def _fill_histories(db: Session, bank: Bank, parent: Account, classroom: Classroom, now: datetime) -> None:
    members = sorted((m.learner for m in classroom.memberships if m.learner.nickname in DEMO_ROSTER),
                     key=lambda l: DEMO_ROSTER.index(l.nickname))
    children = sorted(parent.children, key=lambda l: l.nickname)
    everyone = members + children
    if not everyone or _has_history(db, [l.id for l in everyone]):
        return
    rng = random.Random(SEED)
    _backdate(parent, classroom, everyone, now - timedelta(days=HISTORY_DAYS + 1))
    for learner in members:
        _history(db, bank, learner, "ages-9-12", CLASS_PROFILES.get(learner.nickname, "steady"), rng, now)
    for child in children:
        _history(db, bank, child, child.track, "steady" if child.track == "ages-9-12" else "strong", rng, now,
                 sessions=4)
    topics = ["learning-rate", "learning-rate", "overfitting", "gradient-descent", "neuron", "loss",
              "backpropagation", "learning-rate", "activation"]
    for k, learner in enumerate(members[:14]):
        for topic in rng.sample(topics, 2 if k % 3 else 1):
            db.add(ChatTopic(learner_id=learner.id, topic=topic, confidence=round(rng.uniform(0.6, 0.95), 2),
                             track="ages-9-12", created_at=now - timedelta(days=rng.randint(0, 12))))
    if db.scalar(select(func.count()).select_from(Assignment).where(Assignment.classroom_id == classroom.id)) == 0:
        for position, concept in enumerate(DEMO_ASSIGNMENTS):
            db.add(Assignment(classroom_id=classroom.id, concept=concept, position=position))
    db.commit()


def _backdate(parent: Account, classroom: Classroom, learners: list[Learner], moment: datetime) -> None:
    """The demo's accounts, class and learners made before the history they are given (the family page and an
    export would otherwise show a child who answered before they existed)."""
    moment = moment.replace(hour=8, minute=0, second=0, microsecond=0)
    for row in (parent, classroom.teacher, classroom, *classroom.memberships, *learners):
        field = "joined_at" if hasattr(row, "joined_at") else "created_at"
        setattr(row, field, moment)


def _session_times(rng: random.Random, now: datetime, sessions: int, after_days: int = 0) -> list[datetime]:
    """Session start times over the last three weeks, oldest first, in school hours, none in the last
    `after_days` days."""
    days = sorted(rng.sample(range(after_days + 1, HISTORY_DAYS + 1), sessions), reverse=True)
    return [(now - timedelta(days=d)).replace(hour=rng.choice((9, 10, 11, 13, 14)), minute=rng.randint(0, 50),
                                              second=0, microsecond=0) for d in days]


def _history(db: Session, bank: Bank, learner: Learner, track: str, profile: str, rng: random.Random,
             now: datetime, sessions: int | None = None) -> None:
    skill, reach = PROFILES[profile]
    concepts = [lesson.id for lesson in bank.concepts(track)]
    reached = concepts[:max(2, round(reach * len(concepts)) - rng.randint(0, 2))]
    assignments = track == "ages-9-12" and sessions is None  # the class's set lessons, two days ago, come last
    starts = _session_times(rng, now, sessions or rng.randint(6, 9),
                            after_days=ASSIGNED_DAYS_AGO if assignments else 0)
    if sessions is None:  # a class member: a few lessons per session, then reviews
        per_session = max(1, len(reached) // len(starts) + 1)
        chunks = [reached[n * per_session:(n + 1) * per_session] for n in range(len(starts))]
    else:  # a family child's few sessions: each brings new lessons, the furthest last (the plan's later months)
        chunks = [reached[n * len(reached) // len(starts):(n + 1) * len(reached) // len(starts)]
                  for n in range(len(starts))]
    for start, chunk in zip(starts, chunks):
        todo = chunk or rng.sample(reached, 1)  # then review
        at = start
        for concept in todo:
            at = _session(db, bank, learner, concept, track, at, rng, lambda q: rng.random() < skill)
            _lesson(db, learner, concept, track, skill, at)
    if assignments:
        # Two days ago the class did the lessons the teacher set; most fell for the shared misconception. It is
        # their last session but for the stuck ones' today, and it ends on a right answer: the dashboard's "stuck
        # now" shows the two it is meant to, whatever the bank's questions and labels.
        at = (now - timedelta(days=ASSIGNED_DAYS_AGO)).replace(hour=10, minute=rng.randint(0, 40), second=0, microsecond=0)
        for concept in DEMO_ASSIGNMENTS:
            at = _session(db, bank, learner, concept, track, at, rng,
                          lambda q: rng.random() < (skill if not _offers_shared(q) else skill - 0.45),
                          ends_right=profile != "stuck" and concept == DEMO_ASSIGNMENTS[-1])
            _lesson(db, learner, concept, track, skill, at)
    if profile == "stuck":
        # Today: a session on the learning rate going wrong again and again.
        at = now - timedelta(minutes=rng.randint(20, 90))
        _session(db, bank, learner, "learning-rate", track, at, rng, lambda q: False, repeat=2)


def _offers_shared(question: Any) -> bool:
    options = getattr(question, "options", None) or []
    return (any(o.misconception == SHARED_MISCONCEPTION for o in options)
            or getattr(question, "misconception", None) == SHARED_MISCONCEPTION)


def _session(db: Session, bank: Bank, learner: Learner, concept: str, track: str, at: datetime,
             rng: random.Random, right, repeat: int = 1, ends_right: bool = False) -> datetime:
    """Answer a few questions on `concept` from `at` on; the mastery service updates the concept once, at the end
    of the session (a review per session, as spaced repetition counts them). Returns when the session ended.
    `ends_right`: the last answer is right (the random draws stay the same, so the rest of the history does)."""
    score = 0.0
    questions = _questions(bank, concept, track, rng) * repeat
    for n, question in enumerate(questions, 1):
        is_right = right(question) or (ends_right and n == len(questions))
        score = _answer(db, bank, learner, question, is_right, at, rng)
        at += timedelta(seconds=rng.randint(30, 150))
    mastery.record(db, learner.id, concept, score, at)
    return at


def _questions(bank: Bank, concept: str, track: str, rng: random.Random) -> list[Any]:
    items = [i for i in bank.items_for(concept, track) if i.kind != "numeric"]
    picked = rng.sample(items, min(len(items), 3))
    kinds = [k for k, c in _numeric_concepts(track).items() if c == concept]
    if kinds:
        picked.append(numeric.generated(kinds[0], track, rng.randint(0, 9999)))
    return picked


@functools.cache
def _numeric_concepts(track: str) -> dict[str, str]:
    return {k: numeric.generated(k, track, 0).concept for k in numeric.kinds_for(track)}


def _right_answer(question: Any) -> dict[str, Any]:
    kind = grading.kind_of(question)
    if kind == "choice":
        return {"option": next(o.id for o in question.options if o.correct)}
    if kind == "multi":
        return {"options": [o.id for o in question.options if o.correct]}
    if kind == "truefalse":
        return {"value": question.answer}
    if kind == "order":
        return {"order": [s.id for s in question.steps]}
    if kind == "matching":
        return {"pairs": dict(question.pairs)}
    return {"value": question.answer}


def _wrong_answer(question: Any, rng: random.Random) -> dict[str, Any]:
    kind = grading.kind_of(question)
    if kind == "choice":
        wrong = [o for o in question.options if not o.correct]
        shared = [o for o in wrong if o.misconception == SHARED_MISCONCEPTION]
        # Most of the class falls for the shared misconception whenever a question offers it.
        return {"option": (shared[0] if shared and rng.random() < 0.8 else rng.choice(wrong)).id}
    if kind == "multi":
        wrong = next(o.id for o in question.options if not o.correct)
        return {"options": [o.id for o in question.options if o.correct][1:] + [wrong]}
    if kind == "truefalse":
        return {"value": not question.answer}
    if kind == "order":
        steps = [s.id for s in question.steps]
        return {"order": [steps[1], steps[0], *steps[2:]]}
    if kind == "matching":
        pairs = dict(question.pairs)
        a, b = list(pairs)[:2]
        pairs[a], pairs[b] = pairs[b], pairs[a]
        return {"pairs": pairs}
    slips = [v for values in question.slips.values() for v in values if not question.accepts(v)]
    return {"value": rng.choice(slips) if slips else question.answer + 10 * question.tolerance + 1}


def _answer(db: Session, bank: Bank, learner: Learner, question: Any, right: bool, at: datetime,
            rng: random.Random) -> float:
    graded = grading.grade(bank, question.id, _right_answer(question) if right else _wrong_answer(question, rng))
    attempt = Attempt(learner_id=learner.id, item_id=graded.item_id, concept=graded.concept, track=graded.track,
                      kind=graded.kind, answer=graded.answer, correct=graded.correct, score=graded.score,
                      misconception=graded.misconception, reply=graded.reply(),
                      idempotency_key=f"{KEY_PREFIX}{learner.id}-{rng.getrandbits(48):x}", created_at=at)
    db.add(attempt)
    return graded.score


def _lesson(db: Session, learner: Learner, concept: str, track: str, skill: float, at: datetime) -> None:
    if db.get(LessonProgress, (learner.id, concept)) is None:
        db.add(LessonProgress(learner_id=learner.id, concept=concept, track=track, messages_seen=6,
                              completed=True, checked=True, check_correct=skill > 0.6, updated_at=at))

