"""A class's progress for its teacher: the mastery grid, item analysis, misconceptions, who is stuck now, activity,
what the class asks the chat about, one learner's history, CSV exports, and the lessons the class was asked to do.

The overview reads the roster once and gives every panel the class's learner ids (`learner_id IN (<ids>)`). The item
analysis and the misconception map read two small summaries of the attempts, a row per learner and question
(learner_item_stats) and per learner, question and wrong answer (learner_wrong_answers), kept in step with the
attempts in the transaction that stores each one (see tutor/models.py); the database aggregates them to a row per
learner (the ranking for D), per question and per misconception, so about a hundred rows reach Python however many
attempts the class has. "Stuck now" and the activity plot read only recent attempts (the last 7 and 28 days), through
the index ix_attempts_learner_time (learner, time, correct). `from_attempts=True` computes the same panels from the
attempts themselves: what the summaries must equal (tests/tutor/test_item_stats.py) and the benchmark's baseline.

The statistics, as the dashboard's legend explains them:
- facility: the share of learners whose FIRST attempt at a question was right (retries after seeing the solution
  would flatter it), next to the share right over all attempts;
- discrimination index D (upper-lower 27% method): learners are ranked by the share of their first attempts that
  were right, over every question they answered (ties broken by learner id); the top 27% and the bottom 27%
  (rounded, at least one learner each, and only with 4 or more ranked learners) form the upper and lower groups;
  D = p_upper − p_lower, where p is the share of that group's learners who answered it right at the first attempt
  among those who tried it. D near 1: the question separates strong from struggling learners; near 0 or below:
  it does not (a confusing or mis-keyed question, or one everybody finds easy).
"""
from __future__ import annotations

import base64
import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, false, func, select
from sqlalchemy.orm import Session

from content import Bank
from engine import percent

from ..errors import Invalid
from ..models import (
    NO_VALUE,
    Account,
    Assignment,
    Attempt,
    ChatTopic,
    Classroom,
    Learner,
    LearnerItemStats,
    LearnerWrongAnswer,
    LessonProgress,
    Mastery,
    Membership,
)
from . import classes, grading, mastery, numeric

LEVELS = mastery.LEVELS  # lowest first
LEVEL_RANK = {level: n for n, level in enumerate(LEVELS)}
GOOD = LEVEL_RANK["proficient"]
GROUP_SHARE = 0.27
MIN_RANKED = 4  # fewer ranked learners than this: no discrimination index
HARDEST = 3
STUCK_STREAK = 3  # this many wrong answers in a row, at the end of the learner's last session
SESSION_GAP = timedelta(minutes=30)  # a longer pause than this starts a new session
STUCK_WITHIN = timedelta(days=7)  # a session older than this is not "now"
RECENT_ATTEMPTS = 10
ACTIVITY_DAYS = 28
CLASS_SUBJECT = "the class"  # who the class dashboard's activity plot says gave the answers
TOP_MISCONCEPTIONS = 6
TOP_TOPICS = 8
MAX_ASSIGNMENTS = 20
DEFAULT_TRACK = "ages-9-12"


def _members(classroom_id: int):
    return select(Membership.learner_id).where(Membership.classroom_id == classroom_id).scalar_subquery()


def _in_class(column, classroom_id: int, members: list[int] | None):
    """`column IN <the class's learners>`: the ids when the caller has them (the overview reads the roster first), else
    the membership subquery."""
    return column.in_(_members(classroom_id) if members is None else members)


def _read(db: Session, query):
    """A read of plain columns, run on the session's connection: Core rows, without the ORM's per-row machinery
    (the dashboard's panels read thousands of rows per class view)."""
    db.flush()
    return db.connection().execute(query)


def _member_ids(db: Session, classroom_id: int) -> list[int]:
    """The class's learner ids as a list: the summaries are read with `learner_id IN (<ids>)`, which PostgreSQL's
    planner answers from the primary key, where it would rather hash-join a membership subquery with a whole scan."""
    return sorted(_read(db, select(Membership.learner_id).where(Membership.classroom_id == classroom_id)).scalars())


def _utc(moment) -> datetime | None:
    if isinstance(moment, str):  # SQLite hands back the stored text from an aggregate (MIN, MAX)
        moment = datetime.fromisoformat(moment)
    return mastery.utc(moment)


def class_track(classroom: Classroom) -> str:
    return classroom.track or DEFAULT_TRACK


def concept_titles(bank: Bank, track: str) -> dict[str, str]:
    return {lesson.id: lesson.title for lesson in bank.concepts(track)}


# ---- question ids as the teacher sees them --------------------------------------------------------------------------

def question_key(item_id: str) -> str:
    """Engine-made numeric questions have a seed in their id; all seeds of one kind are one question here."""
    if item_id.startswith("num:"):
        parsed = numeric.parse_id(item_id)
        if parsed is not None:
            name, track, _ = parsed
            return f"num:{name}:{track}" if track else f"num:{name}"
    return item_id


# What each kind of engine-made number question asks, in the teacher's words (its numbers differ for every learner).
NUMERIC_TITLES = {
    "weighted-sum": "Work out a neuron's weighted sum",
    "neuron-output": "Work out a neuron's output after its activation",
    "mse": "Work out the squared error of the guesses",
    "cross-entropy": "Work out the cross-entropy loss",
    "gd-update": "Do one gradient-descent step on a weight",
    "weight-direction": "Say which way, and how far, a weight should move",
}


def question_text(bank: Bank, key: str) -> str:
    if key.startswith(grading.MATCHING_PREFIX):
        found = grading.matching_set_by_id(bank, key.removeprefix(grading.MATCHING_PREFIX))
        return f"Matching: {found.title}" if found else key
    if key.startswith("num:"):
        name = key.split(":")[1]
        item = bank.item(name)
        if item is not None:
            return item.prompt
        title = NUMERIC_TITLES.get(name, name.replace("-", " ").capitalize())
        return f"{title} (a number question, with new numbers for each learner)"
    item = bank.item(key)
    return item.prompt if item is not None else key


def misconception_label(bank: Bank, misconception: str | None, track: str) -> str | None:
    return grading._label(bank, misconception, track) if misconception else None  # the one labeller of the project


def _wrong_answer_text(bank: Bank, key: str, option: str | None, misconception: str | None, track: str) -> str:
    """What a wrong answer was, in words: the option's text, True/False, or the misconception it showed."""
    item = bank.item(key)
    if item is not None and item.kind == "choice" and option:
        chosen = next((o for o in item.options if o.id == option), None)
        if chosen is not None:
            return chosen.text
    if item is not None and item.kind == "truefalse":
        return "True" if not item.answer else "False"
    label = misconception_label(bank, misconception, track)
    return label or "various wrong answers"


# ---- the mastery grid ----------------------------------------------------------------------------------------------

def roster(db: Session, classroom_id: int) -> list[dict[str, Any]]:
    rows = _read(db, select(Learner.id, Learner.nickname).join(Membership, Membership.learner_id == Learner.id)
                      .where(Membership.classroom_id == classroom_id))
    return sorted(({"id": i, "nickname": n} for i, n in rows), key=lambda r: (r["nickname"].lower(), r["id"]))


def mastery_rows(db: Session, classroom_id: int, members: list[int] | None = None
                 ) -> dict[int, dict[str, tuple[str, float]]]:
    """{learner id: {concept: (level, score)}} for the class's learners, from their Mastery rows."""
    out: dict[int, dict[str, tuple[str, float]]] = defaultdict(dict)
    for learner_id, concept, level, score in _read(db, 
            select(Mastery.learner_id, Mastery.concept, Mastery.level, Mastery.score)
            .where(_in_class(Mastery.learner_id, classroom_id, members))):
        out[learner_id][concept] = (level, score)
    return out


SORTS = ("name", "total")


def grid(learners: list[dict[str, Any]], rows: dict[int, dict[str, tuple[str, float]]], concepts: list[str],
         sort: str = "name", descending: bool = False) -> list[dict[str, Any]]:
    """One row per learner: a cell per concept (level, its rank 0–4, label) and the total of concepts at "Good at it"
    or above. sort: "name", "total" or a concept id (by level, then score); ties by name."""
    out = []
    for learner in learners:
        mine = rows.get(learner["id"], {})
        cells = []
        for concept in concepts:
            level, score = mine.get(concept, ("not-started", 0.0))
            cells.append({"concept": concept, "level": level, "rank": LEVEL_RANK.get(level, 0), "score": score,
                          "label": mastery.LEVEL_LABELS.get(level, level)})
        total = sum(1 for c in cells if c["rank"] >= GOOD)
        out.append({**learner, "cells": cells, "total": total})
    out.sort(key=lambda r: (r["nickname"].lower(), r["id"]))  # the tie-breaker for every other order
    if sort == "total":
        out.sort(key=lambda r: (r["total"], sum(c["rank"] for c in r["cells"])), reverse=descending)
    elif sort in concepts:
        k = concepts.index(sort)
        out.sort(key=lambda r: (r["cells"][k]["rank"], r["cells"][k]["score"]), reverse=descending)
    elif descending:
        out.reverse()
    return out


def distribution(rows: dict[int, dict[str, tuple[str, float]]], learner_ids: list[int],
                 concepts: list[str]) -> list[list[int]]:
    """Per concept, how many of the class's learners are at each level (lowest first)."""
    counts = []
    for concept in concepts:
        c = Counter(rows.get(i, {}).get(concept, ("not-started", 0.0))[0] for i in learner_ids)
        counts.append([c.get(level, 0) for level in LEVELS])
    return counts


# ---- item analysis -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LearnerItem:
    """One learner's record on one question: attempts, how many right, and whether the first was right."""

    learner_id: int
    key: str
    attempts: int
    right: int
    first_at: Any  # only compared with other first_at values of the same query
    first_right: bool


def learner_items(db: Session, classroom_id: int) -> list[LearnerItem]:
    """The class's records per learner and question, read from the learner_item_stats summary (a row per learner and
    question, kept in step with the attempts; numeric questions are already one question across their seeds)."""
    s = LearnerItemStats
    query = (select(s.learner_id, s.question, s.attempts, s.correct, s.first_at, s.first_correct)
             .where(s.learner_id.in_(_member_ids(db, classroom_id))))
    return [LearnerItem(learner_id, key, int(n), int(right), first, bool(first_right))
            for learner_id, key, n, right, first, first_right in _read(db, query)]


def learner_items_from_attempts(db: Session, classroom_id: int) -> list[LearnerItem]:
    """learner_items() computed from the attempts themselves (one GROUP BY over all of the class's attempts): what the
    summary must always equal (tests), and the dashboard before the summaries existed (bench/dashboard.py)."""
    first_at = func.min(Attempt.created_at)
    # The first attempt was right when the earliest right attempt is the earliest attempt.
    first_right = case((first_at == func.min(case((Attempt.correct, Attempt.created_at), else_=None)), 1), else_=0)
    query = (select(Attempt.learner_id, Attempt.item_id, func.count(),
                    func.sum(case((Attempt.correct, 1), else_=0)), first_at, first_right)
             .where(Attempt.learner_id.in_(_members(classroom_id)))
             .group_by(Attempt.learner_id, Attempt.item_id))
    merged: dict[tuple[int, str], LearnerItem] = {}
    for learner_id, item_id, n, right, first, was_right in _read(db, query):
        key = question_key(item_id) if item_id.startswith("num:") else item_id
        item = LearnerItem(learner_id, key, int(n), int(right or 0), first, bool(was_right))
        seen = merged.get((learner_id, key))
        if seen is None:
            merged[(learner_id, key)] = item
        else:  # several seeds of one numeric question: add up, the earliest attempt is the first (at the same
            # moment: right if either was, as for one item)
            earliest = item if item.first_at < seen.first_at else seen  # same type per database: text or datetime
            first_right = (item.first_right or seen.first_right) if item.first_at == seen.first_at \
                else earliest.first_right
            merged[(learner_id, key)] = LearnerItem(learner_id, key, seen.attempts + item.attempts,
                                                    seen.right + item.right, earliest.first_at, first_right)
    return list(merged.values())


def upper_lower_groups(records: list[LearnerItem]) -> tuple[set[int], set[int]]:
    """The top and bottom 27% of learners by the share of their first attempts that were right (see the module)."""
    per_learner: dict[int, list[bool]] = defaultdict(list)
    for r in records:
        per_learner[r.learner_id].append(r.first_right)
    return _groups({i: (sum(firsts), len(firsts)) for i, firsts in per_learner.items()})


def _groups(first_right: dict[int, tuple[int, int]]) -> tuple[set[int], set[int]]:
    """Upper and lower groups from {learner: (questions right at the first attempt, questions answered)}."""
    if len(first_right) < MIN_RANKED:
        return set(), set()
    ranked = sorted(first_right, key=lambda i: (-first_right[i][0] / first_right[i][1], i))
    size = max(1, round(GROUP_SHARE * len(ranked)))
    return set(ranked[:size]), set(ranked[-size:])


def _share(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def item_statistics(records: list[LearnerItem]) -> dict[str, dict[str, Any]]:
    """Per question: learners, attempts, facility (first attempts), share right over all attempts, and D."""
    upper, lower = upper_lower_groups(records)
    by_key: dict[str, list[LearnerItem]] = defaultdict(list)
    for r in records:
        by_key[r.key].append(r)
    stats = {}
    for key, rs in by_key.items():
        p_upper = _share([r.first_right for r in rs if r.learner_id in upper])
        p_lower = _share([r.first_right for r in rs if r.learner_id in lower])
        attempts = sum(r.attempts for r in rs)
        stats[key] = {"key": key, "learners": len(rs), "attempts": attempts,
                      "facility": _share([r.first_right for r in rs]),
                      "all_right": sum(r.right for r in rs) / attempts,
                      "p_upper": p_upper, "p_lower": p_lower,
                      "discrimination": None if p_upper is None or p_lower is None else p_upper - p_lower}
    return stats


def class_item_statistics(db: Session, classroom_id: int, learner_ids: list[int] | None = None
                          ) -> dict[str, dict[str, Any]]:
    """item_statistics() of the class, aggregated by the database from learner_item_stats: one query ranks the
    learners (a row per learner), one counts per question (a row per question), so only ~100 rows reach Python."""
    s = LearnerItemStats
    members = s.learner_id.in_(_member_ids(db, classroom_id) if learner_ids is None else learner_ids)
    first = case((s.first_correct, 1), else_=0)
    upper, lower = _groups({learner_id: (int(right), int(n)) for learner_id, right, n in _read(db, 
        select(s.learner_id, func.sum(first), func.count()).where(members).group_by(s.learner_id))})

    def in_group(group: set[int]):
        return s.learner_id.in_(sorted(group)) if group else false()

    query = (select(s.question, func.count(), func.sum(s.attempts), func.sum(s.correct), func.sum(first),
                    func.sum(case((in_group(upper), 1), else_=0)), func.sum(case((in_group(upper), first), else_=0)),
                    func.sum(case((in_group(lower), 1), else_=0)), func.sum(case((in_group(lower), first), else_=0)))
             .where(members).group_by(s.question))
    stats = {}
    for key, learners, attempts, right, first_right, n_upper, r_upper, n_lower, r_lower in _read(db, query):
        p_upper = int(r_upper) / int(n_upper) if n_upper else None
        p_lower = int(r_lower) / int(n_lower) if n_lower else None
        stats[key] = {"key": key, "learners": int(learners), "attempts": int(attempts),
                      "facility": int(first_right) / int(learners), "all_right": int(right) / int(attempts),
                      "p_upper": p_upper, "p_lower": p_lower,
                      "discrimination": None if p_upper is None or p_lower is None else p_upper - p_lower}
    return stats


def wrong_answer_rows(db: Session, classroom_id: int) -> list[tuple[int, str, str | None, str | None, int]]:
    """The class's wrong answers as (learner, question, option chosen, misconception shown, times), from the
    learner_wrong_answers summary (the CSV and tests; the dashboard's panels read the aggregates below)."""
    w = LearnerWrongAnswer
    query = (select(w.learner_id, w.question, w.option, w.misconception, w.times)
             .where(w.learner_id.in_(_member_ids(db, classroom_id))))
    return [(learner_id, key, option or None, misconception or None, int(n))
            for learner_id, key, option, misconception, n in _read(db, query)]


def _wrong_per_question(db: Session, learner_ids: list[int]) -> list[tuple[None, str, str | None, str | None, int]]:
    """wrong_answer_rows() added up over the class's learners (a row per question and wrong answer)."""
    w = LearnerWrongAnswer
    query = (select(w.question, w.option, w.misconception, func.sum(w.times))
             .where(w.learner_id.in_(learner_ids)).group_by(w.question, w.option, w.misconception))
    return [(None, key, option or None, misconception or None, int(n)) for key, option, misconception, n in
            _read(db, query)]


def _misconceptions_per_learner(db: Session, learner_ids: list[int]) -> list[tuple[int, None, None, str, int]]:
    """wrong_answer_rows() with a misconception, added up per misconception and learner."""
    w = LearnerWrongAnswer
    query = (select(w.learner_id, w.misconception, func.sum(w.times))
             .where(w.learner_id.in_(learner_ids), w.misconception != NO_VALUE)
             .group_by(w.learner_id, w.misconception))
    return [(learner_id, None, None, misconception, int(n)) for learner_id, misconception, n in _read(db, query)]


def wrong_answer_rows_from_attempts(db: Session, classroom_id: int) -> list[tuple[int, str, str | None, str | None, int]]:
    """wrong_answer_rows() computed from the attempts themselves (like learner_items_from_attempts)."""
    option = case((Attempt.kind == "choice", Attempt.answer["option"].as_string()), else_=None)
    query = (select(Attempt.learner_id, Attempt.item_id, option, Attempt.misconception, func.count())
             .where(Attempt.learner_id.in_(_members(classroom_id)), Attempt.correct.is_(False))
             .group_by(Attempt.learner_id, Attempt.item_id, option, Attempt.misconception))
    counts: Counter = Counter()
    for learner_id, item_id, chosen, misconception, n in _read(db, query):
        counts[(learner_id, question_key(item_id), chosen, misconception)] += int(n)
    return [(*k, n) for k, n in counts.items()]


def wrong_answers(rows) -> dict[str, list[tuple[str | None, str | None, int]]]:
    """Per question, its wrong answers grouped by (option chosen, misconception shown), the most chosen first."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for _, key, chosen, misconception, n in rows:
        counts[key][(chosen, misconception)] += n
    return {key: [(o, m, n) for (o, m), n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))]
            for key, c in counts.items()}


def item_analysis(db: Session, bank: Bank, classroom_id: int, track: str, from_attempts: bool = False,
                  members: list[int] | None = None) -> list[dict[str, Any]]:
    """Every question the class answered, hardest (lowest facility) first, with its most-chosen wrong answer.
    from_attempts: computed from the attempts, not the summaries (what the summaries must equal; the benchmark)."""
    if from_attempts:
        stats = item_statistics(learner_items_from_attempts(db, classroom_id))
        wrong = wrong_answers(wrong_answer_rows_from_attempts(db, classroom_id))
    else:
        learner_ids = _member_ids(db, classroom_id) if members is None else members
        stats = class_item_statistics(db, classroom_id, learner_ids)
        wrong = wrong_answers(_wrong_per_question(db, learner_ids))
    out = []
    for key, s in stats.items():
        top = wrong.get(key, [])
        most = top[0] if top else None
        row = {**s, "question": question_text(bank, key), "wrong_answer": None, "wrong_count": 0,
               "misconception": None, "misconception_label": None}
        if most is not None:
            chosen, misconception, n = most
            row.update(wrong_answer=_wrong_answer_text(bank, key, chosen, misconception, track), wrong_count=n,
                       misconception=misconception,
                       misconception_label=misconception_label(bank, misconception, track))
        out.append(row)
    out.sort(key=lambda r: (r["facility"], -r["learners"], r["key"]))
    return out


# ---- misconceptions, who is stuck, activity, chat topics -----------------------------------------------------------

def misconception_map(db: Session, bank: Bank, classroom_id: int, track: str, from_attempts: bool = False,
                      members: list[int] | None = None) -> dict[str, Any]:
    """The class's most widespread misconceptions, and how often each learner showed each one."""
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for learner_id, _, _, misconception, n in (wrong_answer_rows_from_attempts(db, classroom_id) if from_attempts
                                               else _misconceptions_per_learner(
                                                   db, _member_ids(db, classroom_id) if members is None else members)):
        if misconception is not None:
            counts[misconception][learner_id] += n
    ranked = sorted(counts, key=lambda m: (-len(counts[m]), -sum(counts[m].values()), m))[:TOP_MISCONCEPTIONS]
    top = max((n for m in ranked for n in counts[m].values()), default=0)
    return {"misconceptions": [{"id": m, "label": misconception_label(bank, m, track), "learners": len(counts[m]),
                                "times": sum(counts[m].values())} for m in ranked],
            "counts": {m: dict(counts[m]) for m in ranked}, "max": top}


def stuck_now(db: Session, classroom_id: int, now: datetime, members: list[int] | None = None
              ) -> list[dict[str, Any]]:
    """Learners whose last session (attempts less than SESSION_GAP apart), within STUCK_WITHIN of now, ends with
    STUCK_STREAK or more wrong answers in a row; the longest streak first."""
    recent = (select(Attempt.learner_id, Attempt.correct, Attempt.created_at, Attempt.concept,
                     func.row_number().over(partition_by=Attempt.learner_id,
                                            order_by=(Attempt.created_at.desc(), Attempt.id.desc())).label("n"))
              .where(_in_class(Attempt.learner_id, classroom_id, members), Attempt.created_at >= now - STUCK_WITHIN)
              .subquery())
    last: dict[int, list[tuple[bool, datetime, str]]] = defaultdict(list)
    for learner_id, correct, at, concept in _read(db, 
            select(recent.c.learner_id, recent.c.correct, recent.c.created_at, recent.c.concept)
            .where(recent.c.n <= RECENT_ATTEMPTS).order_by(recent.c.learner_id, recent.c.n)):
        last[learner_id].append((bool(correct), _utc(at), concept))
    stuck = []
    for learner_id, attempts in last.items():  # newest first
        streak, previous = [], None
        for correct, at, concept in attempts:
            if correct or (previous is not None and previous - at > SESSION_GAP):
                break
            streak.append(concept)
            previous = at
        if len(streak) >= STUCK_STREAK:
            stuck.append({"learner_id": learner_id, "wrong_in_a_row": len(streak), "last_at": attempts[0][1],
                          "concepts": list(dict.fromkeys(streak))})
    stuck.sort(key=lambda s: (-s["wrong_in_a_row"], -s["last_at"].timestamp(), s["learner_id"]))
    return stuck


def activity(db: Session, classroom_id: int, now: datetime, days: int = ACTIVITY_DAYS,
             members: list[int] | None = None) -> dict[str, list]:
    """Answers and right answers per day over the last `days` days (UTC), every day listed, oldest first."""
    start = now.date() - timedelta(days=days - 1)
    day = func.date(Attempt.created_at)
    rows = _read(db, select(day, func.count(), func.sum(case((Attempt.correct, 1), else_=0)))
                      .where(_in_class(Attempt.learner_id, classroom_id, members),
                             Attempt.created_at >= datetime.combine(start, datetime.min.time(), now.tzinfo))
                      .group_by(day))
    by_day = {(d if isinstance(d, date) else date.fromisoformat(str(d))): (int(n), int(r or 0)) for d, n, r in rows}
    dates = [start + timedelta(days=k) for k in range(days)]
    return {"days": [d.isoformat() for d in dates], "attempts": [by_day.get(d, (0, 0))[0] for d in dates],
            "correct": [by_day.get(d, (0, 0))[1] for d in dates]}


def chat_topics(db: Session, classroom_id: int, titles: dict[str, str], members: list[int] | None = None
                ) -> list[dict[str, Any]]:
    """What the class asks the chat about: topics with how many questions and how many learners asked (never the
    words: only the recognised topic is ever stored)."""
    rows = _read(db, select(ChatTopic.topic, func.count(), func.count(func.distinct(ChatTopic.learner_id)))
                      .where(_in_class(ChatTopic.learner_id, classroom_id, members), ChatTopic.topic.is_not(None))
                      .group_by(ChatTopic.topic)
                      .order_by(func.count().desc(), ChatTopic.topic).limit(TOP_TOPICS))
    return [{"topic": t, "title": titles.get(t, t), "questions": int(n), "learners": int(k)} for t, n, k in rows]


# ---- lessons to do -------------------------------------------------------------------------------------------------

def assignments_for_class(db: Session, classroom_id: int) -> list[str]:
    return list(db.scalars(select(Assignment.concept).where(Assignment.classroom_id == classroom_id)
                           .order_by(Assignment.position, Assignment.concept)))


def assignments_for_learner(db: Session, learner: Learner | None) -> list[str]:
    """The concepts (lesson ids) the learner's active classes were asked to do, in the teachers' order, each once."""
    if learner is None:
        return []
    rows = db.scalars(select(Assignment.concept)
                      .join(Membership, Membership.classroom_id == Assignment.classroom_id)
                      .join(Classroom, Classroom.id == Assignment.classroom_id)
                      .where(Membership.learner_id == learner.id, Classroom.archived.is_(False))
                      .order_by(Assignment.classroom_id, Assignment.position, Assignment.concept))
    return list(dict.fromkeys(rows))


def set_assignments(db: Session, bank: Bank, teacher: Account, classroom_id: int, concepts: list[str]) -> list[str]:
    """Replace the class's lessons to do with `concepts` (in that order). Unknown or repeated ids store nothing."""
    classroom = classes.class_of(db, teacher, classroom_id)
    known = set(bank.concept_ids)
    unknown = [c for c in concepts if c not in known]
    if unknown:
        raise Invalid("Some of those lessons do not exist.",
                      [{"field": "concepts", "message": f"unknown lesson: {c[:40]}"} for c in unknown[:5]])
    if len(set(concepts)) != len(concepts):
        raise Invalid("A lesson is in the list twice.", [{"field": "concepts", "message": "repeated lesson"}])
    if len(concepts) > MAX_ASSIGNMENTS:
        raise Invalid(f"Choose at most {MAX_ASSIGNMENTS} lessons.", [{"field": "concepts", "message": "too many"}])
    db.execute(delete(Assignment).where(Assignment.classroom_id == classroom.id))
    for position, concept in enumerate(concepts):
        db.add(Assignment(classroom_id=classroom.id, concept=concept, position=position))
    db.commit()
    return list(concepts)


def assignment_progress(db: Session, classroom_id: int, concepts: list[str], members: list[int] | None = None
                        ) -> dict[str, int]:
    """How many of the class's learners finished each assigned lesson."""
    if not concepts:
        return {}
    rows = _read(db, select(LessonProgress.concept, func.count())
                      .where(_in_class(LessonProgress.learner_id, classroom_id, members),
                             LessonProgress.concept.in_(concepts), LessonProgress.completed.is_(True))
                      .group_by(LessonProgress.concept))
    done = {c: int(n) for c, n in rows}
    return {c: done.get(c, 0) for c in concepts}


# ---- the whole dashboard -------------------------------------------------------------------------------------------

def overview(db: Session, bank: Bank, classroom: Classroom, *, sort: str = "name", descending: bool = False,
             now: datetime | None = None, from_attempts: bool = False) -> dict[str, Any]:
    """Everything the class dashboard shows (the data; the plots are drawn from it by the view). from_attempts:
    compute the item analysis and misconceptions from the attempts, not the summaries (tests and the benchmark)."""
    now = mastery.utc(now) or mastery.now_utc()
    track = class_track(classroom)
    titles = concept_titles(bank, track)
    concepts = list(titles)
    learners = roster(db, classroom.id)
    names = {r["id"]: r["nickname"] for r in learners}
    members = sorted(names)  # every panel reads `learner_id IN (<these>)`: no membership subquery per panel
    rows = mastery_rows(db, classroom.id, members)
    items = item_analysis(db, bank, classroom.id, track, from_attempts, members)
    stuck = [{**s, "nickname": names.get(s["learner_id"], "?")} for s in stuck_now(db, classroom.id, now, members)]
    assigned = assignments_for_class(db, classroom.id)
    return {
        "classroom": classroom, "track": track, "concepts": concepts, "titles": titles, "learners": learners,
        "levels": [{"id": level, "rank": n, "label": mastery.LEVEL_LABELS[level]} for n, level in enumerate(LEVELS)],
        "grid": grid(learners, rows, concepts, sort, descending), "sort": sort, "descending": descending,
        "distribution": distribution(rows, [r["id"] for r in learners], concepts),
        "questions": items, "hardest": [i for i in items if i["facility"] < 1][:HARDEST],
        "misconceptions": misconception_map(db, bank, classroom.id, track, from_attempts, members),
        "stuck": stuck, "activity": {**activity(db, classroom.id, now, members=members), "subject": CLASS_SUBJECT},
        "topics": chat_topics(db, classroom.id, titles, members),
        "assignments": [{"concept": c, "title": titles.get(c, c), "done": n}
                        for c, n in assignment_progress(db, classroom.id, assigned, members).items()],
        "now": now,
    }


def class_dashboard(db: Session, bank: Bank, teacher: Account, classroom_id: int, *, sort: str = "name",
                    descending: bool = False, now: datetime | None = None) -> dict[str, Any]:
    """The dashboard of one of the teacher's own classes (404 for anybody else's)."""
    classroom = classes.class_of(db, teacher, classroom_id)
    return overview(db, bank, classroom, sort=sort, descending=descending, now=now)


# ---- one learner -----------------------------------------------------------------------------------------------------

HISTORY_LENGTH = 40


def _answer_text(bank: Bank, attempt: Attempt) -> str:
    item = bank.item(attempt.item_id)
    answer = attempt.answer or {}
    if item is not None and item.kind in ("choice", "multi"):
        chosen = [answer.get("option")] if item.kind == "choice" else answer.get("options", [])
        texts = {o.id: o.text for o in item.options}
        return "; ".join(texts.get(c, str(c)) for c in chosen if c) or "nothing chosen"
    if "value" in answer:
        value = answer["value"]
        return ("True" if value else "False") if isinstance(value, bool) else numeric.fmt(float(value))
    if "pairs" in answer:
        return f"{len(answer['pairs'])} pairs"
    if "order" in answer:
        return f"an order of {len(answer['order'])} steps"
    return "an answer"


def learner_history(db: Session, bank: Bank, teacher: Account, classroom_id: int, learner_id: int,
                    now: datetime | None = None) -> dict[str, Any]:
    """One learner of the teacher's class: mastery per concept, lessons, recent answers and activity."""
    learner = classes.member_of(db, teacher, classroom_id, learner_id)
    classroom = classes.class_of(db, teacher, classroom_id)
    now = mastery.utc(now) or mastery.now_utc()
    track = classroom.track or learner.track
    titles = concept_titles(bank, track)
    rows = mastery.rows(db, learner.id)
    lessons = {p.concept: p for p in db.scalars(select(LessonProgress).where(LessonProgress.learner_id == learner.id))}
    attempts = list(db.scalars(select(Attempt).where(Attempt.learner_id == learner.id)
                               .order_by(Attempt.created_at.desc(), Attempt.id.desc()).limit(HISTORY_LENGTH)))
    counts = db.execute(select(func.count(), func.coalesce(func.sum(case((Attempt.correct, 1), else_=0)), 0))
                        .where(Attempt.learner_id == learner.id)).one()
    per_day = db.execute(select(func.date(Attempt.created_at), func.count(),
                                func.sum(case((Attempt.correct, 1), else_=0)))
                         .where(Attempt.learner_id == learner.id,
                                Attempt.created_at >= now - timedelta(days=ACTIVITY_DAYS))
                         .group_by(func.date(Attempt.created_at)))
    by_day = {str(d): (int(n), int(r or 0)) for d, n, r in per_day}
    dates = [(now.date() - timedelta(days=ACTIVITY_DAYS - 1 - k)).isoformat() for k in range(ACTIVITY_DAYS)]
    return {
        "classroom": classroom, "learner": learner, "track": track, "titles": titles,
        "concepts": [{**mastery.summary(rows.get(c), c), "title": t, "rank": LEVEL_RANK.get(
            rows[c].level if c in rows else "not-started", 0),
            "lesson": ("finished" if lessons[c].completed else "started") if c in lessons else "not opened"}
            for c, t in titles.items()],
        "total_attempts": int(counts[0]), "total_right": int(counts[1]),
        "recent": [{"at": mastery.utc(a.created_at), "question": question_text(bank, question_key(a.item_id)),
                    "concept": titles.get(a.concept, a.concept), "answer": _answer_text(bank, a),
                    "correct": a.correct, "score": a.score,
                    "misconception": misconception_label(bank, a.misconception, track)} for a in attempts],
        "activity": {"days": dates, "attempts": [by_day.get(d, (0, 0))[0] for d in dates],
                     "correct": [by_day.get(d, (0, 0))[1] for d in dates], "subject": learner.nickname},
        "stuck": next((s for s in stuck_now(db, classroom.id, now) if s["learner_id"] == learner.id), None),
    }


# ---- CSV exports ---------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): text starting with = + - @ gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list[Any]]) -> str:
    """UTF-8 CSV text with a byte-order mark so Excel reads accents and emoji right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


def _percent(share: float | None) -> str:
    """A share as a whole percent for the CSV, a half rounded up as on every page (1 of 8 is 13)."""
    return "" if share is None else f"{percent(share)}"


def grid_csv(db: Session, bank: Bank, teacher: Account, classroom_id: int) -> tuple[str, str]:
    """(file name, CSV) of the mastery grid: a row per learner, the level label per concept and the total."""
    classroom = classes.class_of(db, teacher, classroom_id)
    track = class_track(classroom)
    titles = concept_titles(bank, track)
    concepts = list(titles)
    rows = grid(roster(db, classroom.id), mastery_rows(db, classroom.id), concepts)
    header = ["Learner", *[titles[c] for c in concepts], "Concepts at Good at it or above"]
    body = [[r["nickname"], *[c["label"] for c in r["cells"]], r["total"]] for r in rows]
    return f"{_file_name(classroom)}-mastery-grid.csv", to_csv(header, body)


def items_csv(db: Session, bank: Bank, teacher: Account, classroom_id: int) -> tuple[str, str]:
    """(file name, CSV) of the item analysis."""
    classroom = classes.class_of(db, teacher, classroom_id)
    items = item_analysis(db, bank, classroom.id, class_track(classroom))
    header = ["Question id", "Question", "Learners", "Attempts", "Facility, first attempts (%)",
              "Right over all attempts (%)", "Discrimination index D", "Most-chosen wrong answer",
              "Times chosen", "Misconception"]
    body = [[i["key"], i["question"], i["learners"], i["attempts"], _percent(i["facility"]), _percent(i["all_right"]),
             "" if i["discrimination"] is None else f"{i['discrimination']:.2f}", i["wrong_answer"] or "",
             i["wrong_count"], i["misconception_label"] or ""] for i in items]
    return f"{_file_name(classroom)}-item-analysis.csv", to_csv(header, body)


def _file_name(classroom: Classroom) -> str:
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in classroom.name.lower()).strip("-")
    return "-".join(part for part in slug.split("-") if part) or f"class-{classroom.id}"



# ---- plots ---------------------------------------------------------------------------------------------------------

def _plot(name: str, params: dict[str, Any]) -> dict[str, str]:
    """An engine plot drawn twice, as data URIs: "src" for a laptop's column and "narrow_src" for a phone (the engine's
    layout="narrow": 3.3 inches wide, so its text is read at the size it was drawn), which the page offers below its
    phone breakpoint instead of a wide chart that would have to scroll sideways; and its "description" (the same for
    both: one set of data). Each is rendered once per distinct data (the plot cache)."""
    from . import media

    drawn = {layout: media.plot(name, {**params, "layout": layout}) for layout in ("wide", "narrow")}
    return {"src": _data_uri(drawn["wide"]["svg"]), "narrow_src": _data_uri(drawn["narrow"]["svg"]),
            "description": drawn["wide"]["description"]}


def _data_uri(svg: str) -> str:
    return f"data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"


def activity_plot(days: dict[str, Any]) -> dict[str, str]:
    """The activity plot of `days` (activity()'s lists, and "subject": who gave the answers, named in its
    description: CLASS_SUBJECT on the class dashboard, the learner's nickname on their page)."""
    return _plot("activity", dict(days))


def distribution_plot(data: dict[str, Any]) -> dict[str, str]:
    """The mastery distribution of overview()'s data: concept names beside the bars on a laptop, above them on a phone
    (so that on a phone the names do not take half of the chart's width)."""
    return _plot("mastery-distribution", {"concepts": [short_title(data["titles"][c]) for c in data["concepts"]],
                                          "counts": data["distribution"],
                                          "levels": [mastery.LEVEL_LABELS[level] for level in LEVELS]})


def short_title(title: str) -> str:
    """"The Learning Rate: How Big a Step?" -> "The Learning Rate" (column headers and plot labels)."""
    return title.split(":")[0].strip()[:40]
