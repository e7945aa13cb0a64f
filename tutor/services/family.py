"""What a parent sees about one child: the 3-month plan with its evidence, the weekly summary, export and deletion.

Every function takes the signed-in parent and a learner id and goes through `accounts.child_of`, so another
family's child is "not found" here exactly as everywhere else on the parent pages.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from content import Bank
from engine import percent

from ..db import Base
from ..errors import Invalid
from ..models import Account, ActivityRun, Attempt, ChatTopic, Learner, LessonProgress, Mastery, Milestone
from . import numeric, roleplay, worksheets
from .accounts import AVATARS, child_of
from .dashboard import misconception_label
from .mastery import LEVEL_LABELS, LEVELS, level_for, now_utc, utc

MAX_EVIDENCE = 500
STRONG_LEVELS = ("proficient", "mastered")
# Tables that describe who the child is rather than what they did: "delete learning data" keeps them.
PROFILE_TABLES = frozenset({"learners", "memberships"})
# Misconception labels are written per track; the 9-12 wording is the plain-English one a parent reads best.
PARENT_LABEL_TRACK = "ages-9-12"
EARLIEST_WEEK = date(2000, 1, 3)
LATEST_WEEK = date(2999, 12, 30)
# Cells a spreadsheet would run as a formula when they start with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


# ---- the plan ---------------------------------------------------------------------------------------------------

def milestone_id(milestone) -> str:
    """A plan milestone's id, stored in Milestone.milestone: the plan has one milestone per month."""
    return f"month-{milestone.month}"


def plan_month(created: datetime | None, now: datetime | None = None) -> int:
    """Which month of the plan the child is in: 1 in the first month after the profile was made, then 2, 3, ..."""
    now = utc(now) or now_utc()
    created = utc(created) or now
    months = (now.year - created.year) * 12 + (now.month - created.month)
    if now.day < created.day:
        months -= 1
    return max(months, 0) + 1


def _milestone_by_id(bank: Bank, mid: str):
    found = next((m for m in bank.plan.milestones if milestone_id(m) == mid), None)
    if found is None:
        raise Invalid("That is not a milestone of the plan.", [{"field": "milestone", "message": "unknown"}])
    return found


def _activity_runs(db: Session, learner_id: int, start=None, end=None) -> list[ActivityRun]:
    query = select(ActivityRun).where(ActivityRun.learner_id == learner_id)
    if start is not None:
        query = query.where(ActivityRun.created_at >= start, ActivityRun.created_at < end)
    return list(db.scalars(query.order_by(ActivityRun.created_at, ActivityRun.id)))


def _runs_of(bank_activity_id: str, runs: list[ActivityRun]) -> int:
    """How many recorded runs count for a bank activity (the on-screen role-play stands for every
    human-backpropagation activity of the bank)."""
    return sum(1 for r in runs if r.activity == bank_activity_id
               or (r.activity == roleplay.ACTIVITY_ID and bank_activity_id.startswith(roleplay.ACTIVITY_ID + "-")))


def _lesson_state(row: LessonProgress | None) -> tuple[str, str]:
    """(state, words) for how far the child got in one lesson."""
    if row is None or (not row.messages_seen and not row.completed and not row.checked):
        return "not-started", "Not started"
    if row.checked and row.check_correct:
        return "checked", "Read it and got the check question right"
    if row.checked:
        return "tried", "Read it and tried the check question"
    if row.completed:
        return "read", "Read it to the end"
    return "started", "Started reading"


def _evidence(bank: Bank, child: Learner, milestone, progress: dict, levels: dict, runs: list) -> dict[str, Any]:
    track = child.track
    lessons = []
    for concept in milestone.concepts:
        lesson = bank.lesson(concept, track)
        state, words = _lesson_state(progress.get(concept))
        row = levels.get(concept)
        level = row.level if row is not None else "not-started"
        lessons.append({"concept": concept, "title": lesson.title if lesson else concept, "state": state,
                        "words": words, "level": level, "level_label": LEVEL_LABELS.get(level, level)})
    activities = []
    for aid in milestone.activities:
        activity = bank.activity(aid)
        if activity is None or track not in activity.tracks:
            continue
        activities.append({"id": aid, "title": activity.title, "summary": activity.summary,
                           "minutes": activity.minutes, "done": _runs_of(aid, runs),
                           # Only the on-screen role-play is recorded; the others are played away from the screen.
                           "recorded": aid.startswith(roleplay.ACTIVITY_ID + "-")})
    signals = sum(1 for lesson in lessons if lesson["state"] != "not-started") \
        + sum(1 for lesson in lessons if lesson["level"] in STRONG_LEVELS) + sum(1 for a in activities if a["done"])
    return {"lessons": lessons, "activities": activities, "signals": signals,
            "lessons_started": sum(1 for lesson in lessons if lesson["state"] != "not-started"),
            "strong": sum(1 for lesson in lessons if lesson["level"] in STRONG_LEVELS)}


def _status(month: int, current: int, reached: bool, last: int) -> tuple[str, str]:
    if reached:
        return "reached", "Reached"
    if current > last:
        return "ongoing", "Keep talking about it"
    if month == current:
        return "this-month", "This month"
    if month < current:
        return "ongoing", "Still to reach"
    return "later", f"Month {month}"


def child_plan(db: Session, bank: Bank, parent: Account, learner_id: int,
               now: datetime | None = None) -> dict[str, Any]:
    """The 3-month plan for one child: each milestone with its status, evidence from the app and the parent's note."""
    child = child_of(db, parent, learner_id)
    current = plan_month(child.created_at, now)
    last = bank.plan.milestones[-1].month
    progress = {p.concept: p for p in db.scalars(select(LessonProgress).where(LessonProgress.learner_id == child.id))}
    levels = {m.concept: m for m in db.scalars(select(Mastery).where(Mastery.learner_id == child.id))}
    runs = _activity_runs(db, child.id)
    notes = {m.milestone: m for m in db.scalars(select(Milestone).where(Milestone.learner_id == child.id))}
    milestones = []
    for m in bank.plan.milestones:
        mid = milestone_id(m)
        note = notes.get(mid)
        status, status_label = _status(m.month, current, note is not None, last)
        milestones.append({
            "id": mid, "month": m.month, "title": m.title, "goal": m.goal, "can_say": m.can_say.get(child.track, ""),
            "talk_about": list(m.talk_about.get(child.track, [])), "status": status, "status_label": status_label,
            "note": {"evidence": note.evidence, "recorded_at": utc(note.recorded_at)} if note else None,
            "evidence": _evidence(bank, child, m, progress, levels, runs),
        })
    return {"child": child, "avatar": AVATARS.get(child.avatar, AVATARS["owl"])[0], "month": current,
            "last_month": last, "title": bank.plan.title, "intro": bank.plan.intro, "milestones": milestones,
            "current": current_milestone(bank, current, set(notes))}


def current_milestone(bank: Bank, month: int, reached: set[str] | None = None):
    """This month's milestone; after the plan's last month, the first one not reached yet (or the last one)."""
    milestones = bank.plan.milestones
    found = next((m for m in milestones if m.month == month), None)
    if found is None and month > milestones[-1].month:
        found = next((m for m in milestones if milestone_id(m) not in (reached or set())), milestones[-1])
    return found or milestones[0]


def clean_evidence(text: str | None) -> str:
    evidence = " ".join((text or "").split())
    if not evidence:
        raise Invalid("Write down what your child said first: marking a milestone needs their words.",
                      [{"field": "evidence", "message": "Write down what they said, in their words."}])
    if len(evidence) > MAX_EVIDENCE:
        raise Invalid(f"Keep the note to {MAX_EVIDENCE} characters.",
                      [{"field": "evidence", "message": f"Use at most {MAX_EVIDENCE} characters."}])
    return evidence


def record_milestone(db: Session, bank: Bank, parent: Account, learner_id: int, mid: str, evidence: str | None,
                     *, reached: bool = True) -> Milestone | None:
    """Mark a milestone reached with the child's own words (or, with reached=False, take the mark back)."""
    child = child_of(db, parent, learner_id)
    _milestone_by_id(bank, mid)
    row = db.get(Milestone, (child.id, mid))
    if not reached:
        if row is not None:
            db.delete(row)
            db.commit()
        return None
    text = clean_evidence(evidence)
    if row is None:
        row = Milestone(learner_id=child.id, milestone=mid)
        db.add(row)
    row.evidence, row.recorded_by, row.recorded_at = text, parent.id, now_utc()
    db.commit()
    return row


# ---- the week ---------------------------------------------------------------------------------------------------

def week_start(day: date | None = None, now: datetime | None = None) -> date:
    """The Monday of the week that holds `day` (today, UTC, by default)."""
    day = day or (utc(now) or now_utc()).date()
    if not EARLIEST_WEEK <= day <= LATEST_WEEK:
        raise Invalid("Pick a week between the years 2000 and 2999.", [{"field": "start", "message": "out of range"}])
    return day - timedelta(days=day.weekday())


def _bounds(monday: date) -> tuple[datetime, datetime]:
    start = datetime.combine(monday, time.min, tzinfo=UTC)
    return start, start + timedelta(days=7)


def _stars(share: float) -> int:
    return 3 if share >= 0.8 else 2 if share >= 0.5 else 1


STAR_WORDS = {3: "Nearly all right", 2: "More right than wrong", 1: "Still practising, which is how learning works"}


def _questions(bank: Bank, child: Learner, attempts: list[Attempt]) -> dict[str, Any]:
    total = len(attempts)
    right = sum(1 for a in attempts if a.correct)
    track = bank.track(child.track)
    gentle = bool(track and track.gentle)
    info: dict[str, Any] = {"total": total, "gentle": gentle}
    if total == 0:
        return info
    stars = _stars(right / total)
    if gentle:  # the youngest see stars, never scores: their parents get the same picture
        info.update(stars=stars, words=STAR_WORDS[stars])
    else:
        info.update(right=right, percent=percent(right, total))  # halves up, as every page rounds
    return info


def _hard(bank: Bank, child: Learner, attempts: list[Attempt]) -> dict[str, Any]:
    wrong = [a for a in attempts if not a.correct]
    concepts = []
    for concept, count in Counter(a.concept for a in wrong).most_common(3):
        lesson = bank.lesson(concept, child.track)
        concepts.append({"concept": concept, "title": lesson.title if lesson else concept, "wrong": count})
    ideas = []
    for mid, count in Counter(a.misconception for a in wrong if a.misconception).most_common(3):
        found = bank.misconception(mid)
        if found is None:
            continue
        ideas.append({"id": mid, "label": found.label_for(PARENT_LABEL_TRACK), "explanation": found.explanation,
                      "times": count})
    return {"concepts": concepts, "misconceptions": ideas}


def _activity_title(bank: Bank, run: ActivityRun, track: str) -> tuple[str, Any]:
    """(title, the bank activity it stands for or None) of one recorded run."""
    if run.activity == roleplay.ACTIVITY_ID:
        run_track = (run.result or {}).get("track") if isinstance(run.result, dict) else None
        run_track = run_track if run_track in roleplay.TITLES else track
        bank_id = roleplay.BANK_ACTIVITY.get(run_track) or f"{roleplay.ACTIVITY_ID}-{run_track.removeprefix('ages-')}"
        return roleplay.TITLES[run_track], bank.activity(bank_id)
    activity = bank.activity(run.activity)
    return (activity.title if activity else run.activity), activity


def _starters(bank: Bank, child: Learner, did: list[str], hard: list[str], activities: list, milestone,
              want: int = 3) -> list[dict[str, str]]:
    """Two or three dinner-table questions at the child's level: from the activities they played this week, from
    `milestone` (the plan's month the parent pages name for the child, so the card and the goal above it agree) and
    about the lessons they worked on this week, hardest first. A concept the child met this week that belongs to
    another month of the plan comes in through its lesson's question, never as that month's plan question."""
    track = child.track
    # An activity's questions are written for the youngest track it lists: only use them at or above that level.
    from_activities = [{"text": q, "from": f"the “{a.title}” activity"} for a in activities if track in a.tracks
                       for q in a.talk_about]
    from_plan = [{"text": q, "from": f"the plan, month {milestone.month}"} for q in milestone.talk_about.get(track, [])]
    from_lessons = []
    for concept in hard + [c for c in did if c not in hard]:
        lesson = bank.lesson(concept, track)
        if lesson is not None:
            from_lessons.append({"text": f"Can you explain this to me in your own words: “{lesson.key_takeaways[0]}”",
                                 "from": f"the lesson “{lesson.title}”"})
    picked: list[dict[str, str]] = []
    sources = [from_activities, from_plan, from_lessons]
    while len(picked) < want and any(sources):
        for source in sources:
            while source:
                candidate = source.pop(0)
                if candidate["text"] not in {p["text"] for p in picked}:
                    picked.append(candidate)
                    break
            if len(picked) >= want:
                break
    return picked


def _got_good_at(db: Session, child: Learner, concepts: set[str], begin: datetime,
                 end: datetime) -> list[tuple[str, str]]:
    """(concept, level at the end of the week) for each concept whose mastery level rose this week to one of
    STRONG_LEVELS, alphabetical.

    Mastery stores only the current level, and its updated_at moves on every answer (and when the demo loader
    writes a history) whether or not the level changed, so it cannot say when a level was reached. The levels are
    recomputed instead from the stored attempts with the mastery service's own rule (mastery.level_for over the
    latest scores, in the order the attempts were stored): the level from the attempts made before the week
    against the level from those made up to its end. Only concepts answered this week (`concepts`) can have
    changed. This is the level the mastery service stored at each moment, except just after two answers on one
    concept stored at the same moment (its stored level misses one of them until the next answer); a concept
    whose level rose and fell back within the week is not listed."""
    if not concepts:
        return []
    scores: dict[str, tuple[list[float], list[float]]] = {c: ([], []) for c in concepts}
    for concept, score, at in db.execute(select(Attempt.concept, Attempt.score, Attempt.created_at)
                                         .where(Attempt.learner_id == child.id, Attempt.concept.in_(concepts),
                                                Attempt.created_at < end).order_by(Attempt.id)):
        before, by_end = scores[concept]
        by_end.append(score)
        if utc(at) < begin:
            before.append(score)
    rose = []
    for concept in sorted(concepts):
        before, by_end = scores[concept]
        level_before, level_after = level_for(before)[0], level_for(by_end)[0]
        if level_after in STRONG_LEVELS and LEVELS.index(level_after) > LEVELS.index(level_before):
            rose.append((concept, level_after))
    return rose


def week_summary(db: Session, bank: Bank, parent: Account, learner_id: int, start: date | None = None,
                 now: datetime | None = None) -> dict[str, Any]:
    """What one child did in the week starting on the Monday of `start` (this week by default), UTC."""
    child = child_of(db, parent, learner_id)
    monday = week_start(start, now)
    begin, end = _bounds(monday)
    track = child.track
    lessons = []
    for row in db.scalars(select(LessonProgress).where(LessonProgress.learner_id == child.id,
                                                       LessonProgress.updated_at >= begin,
                                                       LessonProgress.updated_at < end)
                          .order_by(LessonProgress.updated_at)):
        lesson = bank.lesson(row.concept, row.track) or bank.lesson(row.concept, track)
        lessons.append({"concept": row.concept, "title": lesson.title if lesson else row.concept,
                        "words": _lesson_state(row)[1]})
    attempts = list(db.scalars(select(Attempt).where(Attempt.learner_id == child.id, Attempt.created_at >= begin,
                                                     Attempt.created_at < end).order_by(Attempt.created_at)))
    mastered = []
    for concept, level in _got_good_at(db, child, {a.concept for a in attempts}, begin, end):
        lesson = bank.lesson(concept, track)
        mastered.append({"concept": concept, "title": lesson.title if lesson else concept,
                         "label": LEVEL_LABELS[level]})
    topics = []
    for topic, count in db.execute(select(ChatTopic.topic, func.count()).where(
            ChatTopic.learner_id == child.id, ChatTopic.topic.is_not(None), ChatTopic.created_at >= begin,
            ChatTopic.created_at < end).group_by(ChatTopic.topic).order_by(func.count().desc(), ChatTopic.topic)):
        lesson = bank.lesson(topic, track)
        topics.append({"concept": topic, "title": lesson.title if lesson else topic, "times": int(count)})
    activities, bank_activities = [], []
    for title, rows in _group_runs(bank, _activity_runs(db, child.id, begin, end), track).items():
        activities.append({"title": title, "times": len(rows[1])})
        if rows[0] is not None:
            bank_activities.append(rows[0])
    hard = _hard(bank, child, attempts)
    did = [c for c, _ in Counter([a.concept for a in attempts] + [lesson["concept"] for lesson in lessons]
                                 + [t["concept"] for t in topics]).most_common()]
    month = plan_month(child.created_at, now)
    reached = set(db.scalars(select(Milestone.milestone).where(Milestone.learner_id == child.id)))
    goal = current_milestone(bank, month, reached)
    today = (utc(now) or now_utc()).date()
    return {
        "child": child, "avatar": AVATARS.get(child.avatar, AVATARS["owl"])[0],
        "start": monday, "end": monday + timedelta(days=6),
        "previous": monday - timedelta(days=7) if monday - timedelta(days=7) >= EARLIEST_WEEK else None,
        "next": monday + timedelta(days=7) if monday + timedelta(days=7) <= week_start(None, now) else None,
        "is_this_week": monday == week_start(today),
        "lessons": lessons, "questions": _questions(bank, child, attempts), "mastered": mastered, "hard": hard,
        "topics": topics, "activities": activities,
        "month": month, "goal": goal, "reached": reached,
        "starters": _starters(bank, child, did, [c["concept"] for c in hard["concepts"]], bank_activities, goal),
        "empty": not (lessons or attempts or topics or activities),
    }


def _group_runs(bank: Bank, runs: list[ActivityRun], track: str) -> dict[str, tuple[Any, list]]:
    grouped: dict[str, tuple[Any, list]] = {}
    for run in runs:
        title, activity = _activity_title(bank, run, track)
        grouped.setdefault(title, (activity, []))[1].append(run)
    return grouped


# ---- the family dashboard -----------------------------------------------------------------------------------------

def dashboard(db: Session, bank: Bank, parent: Account, now: datetime | None = None) -> list[dict[str, Any]]:
    """One card per child: this month's goal, a line about this week and what to talk about at dinner."""
    cards = []
    for child in parent.children:
        week = week_summary(db, bank, parent, child.id, None, now)
        month, goal, reached = week["month"], week["goal"], week["reached"]
        line = _week_line(len(week["lessons"]), week["questions"]["total"],
                          sum(a["times"] for a in week["activities"]))
        cards.append({"child": child, "month": month, "goal": goal, "goal_reached": milestone_id(goal) in reached,
                      "reached": len(reached), "week": line, "starters": week["starters"][:2]})
    return cards


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _week_line(lessons: int, questions: int, activities: int) -> str:
    parts = [_plural(n, w) for n, w in ((lessons, "lesson"), (questions, "question"), (activities, "activity"))
             if n]
    if not parts:
        return "Nothing yet this week."
    line = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"This week: {line.replace('activitys', 'activities')}."


# ---- export -----------------------------------------------------------------------------------------------------

def _iso(moment: datetime | None) -> str | None:
    moment = utc(moment)
    return moment.isoformat() if moment else None


def export_data(db: Session, bank: Bank, parent: Account, learner_id: int) -> dict[str, Any]:
    """Everything stored about the child's learning, as plain data; never a PIN hash or a picture password."""
    child = child_of(db, parent, learner_id)
    lid = child.id

    def rows(model, *order):
        return list(db.scalars(select(model).where(model.learner_id == lid).order_by(*order)))

    return {
        "profile": {"nickname": child.nickname, "avatar": child.avatar, "track": child.track,
                    "created": _iso(child.created_at)},
        "lessons": [{"concept": p.concept, "track": p.track, "messages_seen": p.messages_seen,
                     "completed": p.completed, "checked": p.checked, "check_correct": p.check_correct,
                     "updated": _iso(p.updated_at)} for p in rows(LessonProgress, LessonProgress.concept)],
        "attempts": [{"time": _iso(a.created_at), "item": a.item_id, "question": _question_text(bank, a.item_id),
                      "concept": a.concept, "track": a.track, "kind": a.kind, "answer": a.answer,
                      "correct": a.correct, "score": a.score, "misconception": a.misconception,
                      "misconception_label": misconception_label(bank, a.misconception, a.track)}
                     for a in rows(Attempt, Attempt.created_at, Attempt.id)],
        "mastery": [{"concept": m.concept, "level": m.level, "score": m.score, "attempts": m.attempts,
                     "review_due": _iso(m.review_due), "updated": _iso(m.updated_at)}
                    for m in rows(Mastery, Mastery.concept)],
        "activities": [{"activity": r.activity, "result": r.result, "time": _iso(r.created_at)}
                       for r in rows(ActivityRun, ActivityRun.created_at, ActivityRun.id)],
        "milestones": [{"milestone": m.milestone, "evidence": m.evidence, "recorded": _iso(m.recorded_at)}
                       for m in rows(Milestone, Milestone.milestone)],
        "chat_topics": [{"topic": t.topic, "confidence": t.confidence, "track": t.track, "time": _iso(t.created_at)}
                        for t in rows(ChatTopic, ChatTopic.created_at, ChatTopic.id)],
    }


def _question_text(bank: Bank, item_id: str) -> str:
    item = bank.item(item_id)
    if item is not None:
        return item.prompt
    if item_id.startswith("match:"):
        found = next((s for s in bank.matching_sets if f"match:{s.id}" == item_id), None)
        if found is not None:
            return found.title
    made = numeric.question(item_id, bank.item)  # an engine-made question: its id names its kind and seed
    if made is not None:  # the question as the child saw it, numbers included, not its id
        given = ", ".join(f"{g['label']} = {worksheets.given_text(g['value'])}" for g in made.given
                          if isinstance(g.get("value"), (int, float, str)))
        return f"{made.prompt} ({given})" if given else made.prompt
    return item_id


def spreadsheet_safe(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP's CSV-injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


CSV_COLUMNS = ("time", "concept", "question", "correct", "misconception")


def export_csv(db: Session, bank: Bank, parent: Account, learner_id: int) -> str:
    """The child's answers as CSV (time, concept, question, correct, misconception), safe to open in a spreadsheet.
    The misconception is the idea in words, as the week page says it, not its id ("forgot-bias")."""
    data = export_data(db, bank, parent, learner_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in data["attempts"]:
        writer.writerow([spreadsheet_safe(v) for v in (a["time"], a["concept"], a["question"],
                                                       "yes" if a["correct"] else "no", a["misconception_label"] or "")])
    return out.getvalue()


def export_filename(child: Learner, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", child.nickname.lower()).strip("-") or "child"
    return f"{slug}-learning-data.{extension}"


# ---- deletion ---------------------------------------------------------------------------------------------------

def learning_tables():
    """Every table that stores something a learner did, found from the models (so a new one is never forgotten)."""
    return [t for t in Base.metadata.sorted_tables if "learner_id" in t.c and t.name not in PROFILE_TABLES]


def confirm_nickname(child: Learner, typed: str | None) -> None:
    if " ".join((typed or "").split()).casefold() != child.nickname.casefold():
        raise Invalid(f"Type {child.nickname} to confirm.",
                      [{"field": "confirm", "message": f"type {child.nickname} exactly"}])


def delete_learning_data(db: Session, parent: Account, learner_id: int, confirm: str | None) -> dict[str, int]:
    """Delete everything the child did (answers, mastery, lessons, activities, chat topics, milestones); the profile,
    its sign-in and class memberships stay. Returns the number of rows deleted per table."""
    child = child_of(db, parent, learner_id)
    confirm_nickname(child, confirm)
    deleted = {}
    for table in reversed(learning_tables()):
        deleted[table.name] = db.execute(delete(table).where(table.c.learner_id == child.id)).rowcount or 0
    db.commit()
    return deleted


def data_counts(db: Session, parent: Account, learner_id: int) -> dict[str, int]:
    """How many rows each learning table holds for the child (shown before deleting)."""
    child = child_of(db, parent, learner_id)
    return {t.name: db.scalar(select(func.count()).select_from(t).where(t.c.learner_id == child.id)) or 0
            for t in learning_tables()}

