"""Reads the YAML files of the content bank, validates them, and builds an immutable, indexed Bank.

Every problem found is collected as a ContentIssue (file, field, message) so that an author sees all of them at
once; the loader refuses the bank with a ContentError only after looking at everything.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .schema import (
    CONCEPT_IDS,
    EXAMPLE_COMMON_FIELDS,
    EXAMPLE_FIELD_FORMATS,
    EXAMPLE_FIELDS,
    EXAMPLE_KINDS,
    TRACK_IDS,
    ActivitiesFile,
    Activity,
    ChatHeldOutFile,
    ChatOffTopicFile,
    ChatSet,
    ChatTrainingFile,
    ChoiceItem,
    ConceptFile,
    ExampleWording,
    FaqEntry,
    FaqFile,
    Item,
    Lesson,
    MatchingFile,
    MatchingItem,
    MatchingSet,
    Misconception,
    MisconceptionsFile,
    MultiItem,
    NumericItem,
    OrderItem,
    Plan,
    PlanFile,
    Quiz,
    QuizFile,
    Track,
    TracksFile,
    TrueFalseItem,
    WordingFile,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_FILE_BYTES = 1_000_000

MIN_TRAINING_QUESTIONS = 25
MIN_HELD_OUT_QUESTIONS = 6
MIN_OFF_TOPIC_QUESTIONS = 30

SINGLE_FILES = {
    "tracks.yaml": TracksFile,
    "misconceptions.yaml": MisconceptionsFile,
    "matching.yaml": MatchingFile,
    "activities.yaml": ActivitiesFile,
    "plan.yaml": PlanFile,
    "faq.yaml": FaqFile,
    "wording.yaml": WordingFile,
    "chat/training.yaml": ChatTrainingFile,
    "chat/held-out.yaml": ChatHeldOutFile,
    "chat/off-topic.yaml": ChatOffTopicFile,
}
FOLDERS = ("concepts", "quizzes")


@dataclass(frozen=True)
class ContentIssue:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class ContentError(Exception):
    """The content bank is not usable; `issues` lists every problem found."""

    def __init__(self, issues: list[ContentIssue]):
        self.issues = list(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


# ---------------------------------------------------------------- YAML reading


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is present: much faster


class _StrictLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate keys, which PyYAML would otherwise silently overwrite."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
            ) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path, rel: str, issues: list[ContentIssue]) -> dict | None:
    """The file's top-level mapping, or None after recording why it cannot be used."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            issues.append(ContentIssue(rel, "", f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        issues.append(ContentIssue(rel, "", f"cannot read file: {exc.strerror or exc}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        issues.append(ContentIssue(rel, "", f"not UTF-8 text (byte {exc.start})"))
        return None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        issues.append(ContentIssue(rel, "", f"malformed YAML: {where}{problem}"))
        return None
    except (RecursionError, ValueError, OverflowError, TypeError) as exc:
        # PyYAML's constructors can raise these for odd scalars (e.g. impossible dates) or deep nesting.
        issues.append(ContentIssue(rel, "", f"malformed YAML: {type(exc).__name__}: {exc}"))
        return None
    if data is None:
        issues.append(ContentIssue(rel, "", "file is empty"))
        return None
    if not isinstance(data, dict):
        issues.append(ContentIssue(rel, "", f"top level must be a mapping, found {type(data).__name__}"))
        return None
    return data


M = TypeVar("M", bound=BaseModel)


def _validate(model: type[M], data: Any, rel: str, issues: list[ContentIssue]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            message = err["msg"]
            if err["type"] == "string_type" and isinstance(err.get("input"), bool):
                message += " (YAML reads bare yes/no/on/off/true/false as a boolean: quote it)"
            issues.append(ContentIssue(rel, ".".join(str(p) for p in err["loc"]), message))
        return None
    except RecursionError:
        issues.append(ContentIssue(rel, "", "content is nested too deeply"))
        return None


# ---------------------------------------------------------------- the bank


@dataclass(frozen=True)
class Bank:
    """The validated content bank. Immutable; every lookup is a dict access."""

    tracks: tuple[Track, ...]
    lessons: tuple[Lesson, ...]
    items: tuple[Item, ...]
    all_quizzes: tuple[Quiz, ...]
    misconceptions: Mapping[str, Misconception]
    matching_sets: tuple[MatchingSet, ...]
    chat: ChatSet
    activities: tuple[Activity, ...]
    plan: Plan
    faq: tuple[FaqEntry, ...] = ()
    wording: Mapping[str, Mapping[str, ExampleWording]] = field(default_factory=dict)
    _tracks: Mapping[str, Track] = field(init=False, repr=False, compare=False)
    _lessons: Mapping[tuple[str, str], Lesson] = field(init=False, repr=False, compare=False)
    _by_track: Mapping[str, tuple[Lesson, ...]] = field(init=False, repr=False, compare=False)
    _items: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    _quizzes: Mapping[str, Quiz] = field(init=False, repr=False, compare=False)
    _activities: Mapping[str, Activity] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_track = {t.id: tuple(sorted((l for l in self.lessons if l.track == t.id), key=lambda l: l.order))
                    for t in self.tracks}
        set_ = object.__setattr__
        set_(self, "_tracks", MappingProxyType({t.id: t for t in self.tracks}))
        set_(self, "_lessons", MappingProxyType({(l.id, l.track): l for l in self.lessons}))
        set_(self, "_by_track", MappingProxyType(by_track))
        set_(self, "_items", MappingProxyType({i.id: i for i in self.items}))
        set_(self, "_quizzes", MappingProxyType({q.id: q for q in self.all_quizzes}))
        set_(self, "_activities", MappingProxyType({a.id: a for a in self.activities}))

    @property
    def concept_ids(self) -> tuple[str, ...]:
        return tuple(l.id for l in self._by_track.get(TRACK_IDS[0], ()))

    def track(self, track_id: str) -> Track | None:
        return self._tracks.get(track_id)

    def concepts(self, track_id: str) -> list[Lesson]:
        return list(self._by_track.get(track_id, ()))

    def lesson(self, concept_id: str, track_id: str) -> Lesson | None:
        return self._lessons.get((concept_id, track_id))

    def item(self, item_id: str) -> Item | None:
        return self._items.get(item_id)

    def items_for(self, concept_id: str, track_id: str) -> list[Item]:
        return [i for i in self.items if i.concept == concept_id and i.track == track_id]

    def quizzes(self, track_id: str) -> list[Quiz]:
        return [q for q in self.all_quizzes if q.track == track_id]

    def quiz(self, quiz_id: str) -> Quiz | None:
        return self._quizzes.get(quiz_id)

    def quiz_items(self, quiz_id: str) -> list[Item]:
        quiz = self.quiz(quiz_id)
        return [self._items[i] for i in quiz.items] if quiz else []

    def misconception(self, misconception_id: str) -> Misconception | None:
        return self.misconceptions.get(misconception_id)

    def matching_set(self, track_id: str) -> MatchingSet | None:
        return next((s for s in self.matching_sets if s.track == track_id), None)

    def activity(self, activity_id: str) -> Activity | None:
        return self._activities.get(activity_id)

    def activities_for(self, track_id: str) -> list[Activity]:
        return [a for a in self.activities if track_id in a.tracks]

    def faq_for(self, concept_id: str) -> list[FaqEntry]:
        return [f for f in self.faq if f.concept == concept_id]

    def example_wording(self, kind: str, track_id: str) -> ExampleWording | None:
        """How `track_id` talks through the worked example `kind` (title, intro, step sentences, result)."""
        return self.wording.get(kind, {}).get(track_id)


# ---------------------------------------------------------------- loading


def _item_misconception_refs(item: Item) -> Iterable[tuple[str, str]]:
    """(field path inside the item, misconception id) for every misconception an item names."""
    if isinstance(item, (ChoiceItem, MultiItem)):
        for n, option in enumerate(item.options):
            if option.misconception:
                yield f"options.{n}.misconception", option.misconception
    elif isinstance(item, TrueFalseItem):
        yield "misconception", item.misconception
    elif isinstance(item, (MatchingItem, NumericItem)):
        for key, mid in item.misconceptions.items():
            yield f"misconceptions.{key}", mid
    elif isinstance(item, OrderItem) and item.misconception:
        yield "misconception", item.misconception


def _normalise(question: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", question.lower()).strip()


class _Collector:
    def __init__(self, root: Path):
        self.root = root
        self.issues: list[ContentIssue] = []

    def add(self, file: str, fld: str, message: str) -> None:
        self.issues.append(ContentIssue(file, fld, message))

    def read(self, rel: str, model: type[M], prepare: Callable[[dict], None] | None = None) -> M | None:
        path = self.root / rel
        if not path.is_file():
            self.add(rel, "", "required file is missing")
            return None
        data = _read_yaml(path, rel, self.issues)
        if data is None:
            return None
        if prepare is not None:
            prepare(data)
        return _validate(model, data, rel, self.issues)


def _fill_check(concept_id: Any) -> Callable[[dict], None]:
    """Lesson checks inherit their concept and track from where they are written."""

    def prepare(data: dict) -> None:
        tracks = data.get("tracks")
        if not isinstance(tracks, dict):
            return
        for track_id, body in tracks.items():
            if isinstance(body, dict) and isinstance(body.get("check"), dict):
                body["check"].setdefault("concept", concept_id)
                body["check"].setdefault("track", track_id)

    return prepare


def _fill_quiz_items(data: dict) -> None:
    """Items in a quiz file inherit the file's track."""
    items = data.get("items")
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict):
                item.setdefault("track", data.get("track"))


def _template_issues(template: str, offered: set[str]) -> list[str]:
    """Why a sentence template cannot be filled from the `offered` names ('name[]' for a list; empty when it can)."""
    lists = {n.removesuffix("[]") for n in offered if n.endswith("[]")}
    names = {n.removesuffix("[]") for n in offered}
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        return [f"not a valid template: {exc} (write a literal brace as {{{{ or }}}})"]
    problems = []
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if conversion or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            problems.append(f"{{{name}}}: write a plain {{name}} or {{name:format}}")
            continue
        if name not in names:
            problems.append(f"{{{name}}} is not a value this step gives; it gives {', '.join(sorted(names))}")
        if spec not in EXAMPLE_FIELD_FORMATS:
            problems.append(f"{{{name}:{spec}}}: format must be one of {', '.join(f for f in EXAMPLE_FIELD_FORMATS if f)}")
        elif spec in ("sum", "list") and name not in lists:
            problems.append(f"{{{name}:{spec}}}: only a list of numbers is written with :{spec}")
        elif name in lists and spec not in ("sum", "list"):
            problems.append(f"{{{name}}} is a list of numbers: write {{{name}:sum}} or {{{name}:list}}")
    return problems


def wording_issues(kind: str, track_id: str, wording: ExampleWording) -> list[tuple[str, str]]:
    """(field, message) for every template of `wording` that names something the engine's `kind` does not give.

    The oldest track talks through every step with its formula, so its wording must cover every step pattern.
    """
    catalogue = EXAMPLE_FIELDS.get(kind, {})
    issues: list[tuple[str, str]] = []
    result_names = set(catalogue.get("@result", ()))
    for fld in ("intro", "result"):
        issues += [(fld, m) for m in _template_issues(getattr(wording, fld), result_names)]
    patterns = {p for p in catalogue if not p.startswith("@")}
    for pattern, template in wording.steps.items():
        if pattern not in patterns:
            issues.append((f"steps.{pattern}", f"{kind!r} has no step pattern {pattern!r}; it has "
                                               f"{', '.join(sorted(patterns))}"))
            continue
        names = set(catalogue[pattern]) | set(EXAMPLE_COMMON_FIELDS)
        issues += [(f"steps.{pattern}", m) for m in _template_issues(template, names)]
    if track_id == TRACK_IDS[-1]:
        for pattern in sorted(patterns - wording.steps.keys()):
            issues.append((f"steps.{pattern}", f"the {track_id} wording needs a sentence for every step"))
    return issues


def _load(root: Path) -> tuple[Bank | None, list[ContentIssue]]:
    c = _Collector(root)
    if not root.is_dir():
        return None, [ContentIssue(str(root), "", "content directory does not exist")]

    known = set(SINGLE_FILES)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        parts = rel.split("/")
        in_folder = len(parts) == 2 and parts[0] in FOLDERS and path.suffix == ".yaml"
        if path.is_file() and path.suffix in (".yaml", ".yml") and rel not in known and not in_folder:
            c.add(rel, "", "unexpected file: not part of the content layout")

    tracks_file = c.read("tracks.yaml", TracksFile)
    misconceptions_file = c.read("misconceptions.yaml", MisconceptionsFile)
    matching_file = c.read("matching.yaml", MatchingFile)
    activities_file = c.read("activities.yaml", ActivitiesFile)
    plan_file = c.read("plan.yaml", PlanFile)
    faq_file = c.read("faq.yaml", FaqFile)
    wording_file = c.read("wording.yaml", WordingFile)
    training = c.read("chat/training.yaml", ChatTrainingFile)
    held_out = c.read("chat/held-out.yaml", ChatHeldOutFile)
    off_topic = c.read("chat/off-topic.yaml", ChatOffTopicFile)

    concept_files: dict[str, ConceptFile] = {}
    for path in sorted((root / "concepts").glob("*.yaml")):
        rel = f"concepts/{path.name}"
        concept = c.read(rel, ConceptFile, _fill_check(path.stem))
        if concept is None:
            concept_files.setdefault(path.stem, None)  # type: ignore[arg-type]  # present, but broken
            continue
        if concept.id != path.stem:
            c.add(rel, "id", f"concept id {concept.id!r} does not match the file name {path.stem!r}")
        concept_files[path.stem] = concept

    quiz_files: dict[str, QuizFile] = {}
    for path in sorted((root / "quizzes").glob("*.yaml")):
        rel = f"quizzes/{path.name}"
        qf = c.read(rel, QuizFile, _fill_quiz_items)
        if qf is not None:
            quiz_files[rel] = qf

    # ---- tracks
    track_ids = [t.id for t in tracks_file.tracks] if tracks_file else list(TRACK_IDS)
    if tracks_file and track_ids != list(TRACK_IDS):
        c.add("tracks.yaml", "tracks", f"tracks must be exactly {list(TRACK_IDS)} in that order, found {track_ids}")

    # ---- misconceptions
    misconceptions: dict[str, Misconception] = {}
    for n, m in enumerate(misconceptions_file.misconceptions if misconceptions_file else []):
        if m.id in misconceptions:
            c.add("misconceptions.yaml", f"misconceptions.{n}.id", f"duplicate misconception id {m.id!r}")
        misconceptions[m.id] = m

    def misconception_ref(file: str, fld: str, mid: str) -> None:
        if misconceptions_file is not None and mid not in misconceptions:
            c.add(file, fld, f"unknown misconception {mid!r}")

    # ---- concepts and lessons
    concept_ids = set(concept_files)
    for cid in CONCEPT_IDS:
        if cid not in concept_files:
            c.add(f"concepts/{cid}.yaml", "", f"required concept {cid!r} is missing")

    def concept_ref(file: str, fld: str, cid: str) -> None:
        if cid not in concept_ids:
            c.add(file, fld, f"unknown concept {cid!r}")

    lessons: list[Lesson] = []
    items: list[tuple[str, str, Item]] = []  # (file, field prefix, item)
    orders: dict[int, str] = {}
    for cid, cf in concept_files.items():
        if cf is None:
            continue
        rel = f"concepts/{cid}.yaml"
        if cf.order in orders:
            c.add(rel, "order", f"order {cf.order} is also used by {orders[cf.order]!r}")
        orders[cf.order] = cid
        for n, prereq in enumerate(cf.prerequisites):
            concept_ref(rel, f"prerequisites.{n}", prereq)
            if prereq == cid:
                c.add(rel, f"prerequisites.{n}", "a concept cannot be its own prerequisite")
        for tid in TRACK_IDS:
            if tid not in cf.tracks:
                c.add(rel, f"tracks.{tid}", "Field required")
        for tid, body in cf.tracks.items():
            lesson = Lesson(id=cid, track=tid, order=cf.order, prerequisites=cf.prerequisites,
                            **{k: getattr(body, k) for k in type(body).model_fields})
            lessons.append(lesson)
            for n, lm in enumerate(body.misconceptions or []):
                misconception_ref(rel, f"tracks.{tid}.misconceptions.{n}.id", lm.id)
            if body.check is not None:
                if body.check.concept != cid or body.check.track != tid:
                    c.add(rel, f"tracks.{tid}.check", "a lesson check must be about its own concept and track")
                items.append((rel, f"tracks.{tid}.check", body.check))

    lesson_index = {(l.id, l.track): l for l in lessons}

    # ---- items (lesson checks and quiz files)
    for rel, qf in quiz_files.items():
        for n, item in enumerate(qf.items):
            if item.track != qf.track:
                c.add(rel, f"items.{n}.track", f"item track {item.track!r} differs from the file's {qf.track!r}")
            items.append((rel, f"items.{n}", item))
    item_index: dict[str, Item] = {}
    for rel, prefix, item in items:
        if item.id in item_index:
            c.add(rel, f"{prefix}.id", f"duplicate item id {item.id!r}")
        item_index[item.id] = item
        concept_ref(rel, f"{prefix}.concept", item.concept)
        for fld, mid in _item_misconception_refs(item):
            misconception_ref(rel, f"{prefix}.{fld}", mid)
        if item.lesson_message:
            lesson = lesson_index.get((item.concept, item.track))
            if lesson is not None and lesson.message(item.lesson_message) is None:
                c.add(rel, f"{prefix}.lesson_message",
                      f"lesson {item.concept}/{item.track} has no message {item.lesson_message!r}")

    # ---- quizzes
    quizzes: list[Quiz] = []
    seen_quizzes: set[str] = set()
    for rel, qf in quiz_files.items():
        for n, entry in enumerate(qf.quizzes):
            if entry.id in seen_quizzes:
                c.add(rel, f"quizzes.{n}.id", f"duplicate quiz id {entry.id!r}")
            seen_quizzes.add(entry.id)
            for k, cid in enumerate(entry.concepts):
                concept_ref(rel, f"quizzes.{n}.concepts.{k}", cid)
            for k, iid in enumerate(entry.items):
                item = item_index.get(iid)
                if item is None:
                    c.add(rel, f"quizzes.{n}.items.{k}", f"unknown item {iid!r}")
                elif item.track != qf.track:
                    c.add(rel, f"quizzes.{n}.items.{k}", f"item {iid!r} belongs to track {item.track!r}")
            if len(set(entry.items)) != len(entry.items):
                c.add(rel, f"quizzes.{n}.items", "an item is listed twice")
            quizzes.append(Quiz(track=qf.track, **entry.model_dump()))

    # ---- matching sets
    if matching_file:
        seen: set[str] = set()
        for n, ms in enumerate(matching_file.sets):
            if ms.id in seen:
                c.add("matching.yaml", f"sets.{n}.id", f"duplicate matching set id {ms.id!r}")
            seen.add(ms.id)
            for term, cid in ms.concepts.items():
                concept_ref("matching.yaml", f"sets.{n}.concepts.{term}", cid)
        for tid in TRACK_IDS:
            count = sum(ms.track == tid for ms in matching_file.sets)
            if count != 1:
                c.add("matching.yaml", "sets", f"track {tid!r} needs exactly one matching set, found {count}")

    # ---- chat questions
    if training:
        for cid in concept_ids:
            got = len(training.questions.get(cid, []))
            if got < MIN_TRAINING_QUESTIONS:
                c.add("chat/training.yaml", f"questions.{cid}",
                      f"needs at least {MIN_TRAINING_QUESTIONS} questions, found {got}")
        for cid in training.questions:
            concept_ref("chat/training.yaml", f"questions.{cid}", cid)
    if held_out:
        for cid in concept_ids:
            got = len(held_out.questions.get(cid, []))
            if got < MIN_HELD_OUT_QUESTIONS:
                c.add("chat/held-out.yaml", f"questions.{cid}",
                      f"needs at least {MIN_HELD_OUT_QUESTIONS} questions, found {got}")
        for cid in held_out.questions:
            concept_ref("chat/held-out.yaml", f"questions.{cid}", cid)
    if off_topic and len(off_topic.questions) < MIN_OFF_TOPIC_QUESTIONS:
        c.add("chat/off-topic.yaml", "questions",
              f"needs at least {MIN_OFF_TOPIC_QUESTIONS} questions, found {len(off_topic.questions)}")
    if training:
        trained = {_normalise(q) for qs in training.questions.values() for q in qs}
        for name, evaluation in (("chat/held-out.yaml", held_out), ("chat/off-topic.yaml", off_topic)):
            if evaluation is None:
                continue
            groups = evaluation.questions.items() if isinstance(evaluation.questions, dict) \
                else [("", evaluation.questions)]
            for key, qs in groups:
                for n, q in enumerate(qs):
                    if _normalise(q) in trained:
                        fld = f"questions.{key}.{n}" if key else f"questions.{n}"
                        c.add(name, fld, f"{q!r} is also a training question; evaluation questions must be unseen")

    # ---- activities
    activity_ids: set[str] = set()
    for n, a in enumerate(activities_file.activities if activities_file else []):
        if a.id in activity_ids:
            c.add("activities.yaml", f"activities.{n}.id", f"duplicate activity id {a.id!r}")
        activity_ids.add(a.id)
        for k, cid in enumerate(a.concepts):
            concept_ref("activities.yaml", f"activities.{n}.concepts.{k}", cid)

    # ---- frequently asked questions
    seen_faq: set[str] = set()
    for n, entry in enumerate(faq_file.faq if faq_file else []):
        if entry.id in seen_faq:
            c.add("faq.yaml", f"faq.{n}.id", f"duplicate question id {entry.id!r}")
        seen_faq.add(entry.id)
        concept_ref("faq.yaml", f"faq.{n}.concept", entry.concept)
        for tid in TRACK_IDS:
            if tid not in entry.answers:
                c.add("faq.yaml", f"faq.{n}.answers.{tid}", "Field required")

    # ---- plan
    if plan_file:
        months = [m.month for m in plan_file.plan.milestones]
        if months != sorted(set(months)):
            c.add("plan.yaml", "plan.milestones", "months must be unique and in order")
        for n, m in enumerate(plan_file.plan.milestones):
            for k, cid in enumerate(m.concepts):
                concept_ref("plan.yaml", f"plan.milestones.{n}.concepts.{k}", cid)
            for k, aid in enumerate(m.activities):
                if activities_file is not None and aid not in activity_ids:
                    c.add("plan.yaml", f"plan.milestones.{n}.activities.{k}", f"unknown activity {aid!r}")
            for tid in TRACK_IDS:
                if not m.talk_about.get(tid):
                    c.add("plan.yaml", f"plan.milestones.{n}.talk_about.{tid}", "Field required")
                if tid not in m.can_say:
                    c.add("plan.yaml", f"plan.milestones.{n}.can_say.{tid}", "Field required")

    # ---- worked-example wording
    if wording_file:
        for kind in EXAMPLE_KINDS:
            for tid in TRACK_IDS:
                if tid not in wording_file.examples.get(kind, {}):
                    c.add("wording.yaml", f"examples.{kind}.{tid}", "Field required")
        for kind, per_track in wording_file.examples.items():
            for tid, w in per_track.items():
                for issue_field, message in wording_issues(kind, tid, w):
                    c.add("wording.yaml", f"examples.{kind}.{tid}.{issue_field}", message)

    if c.issues:
        return None, c.issues
    assert tracks_file and misconceptions_file and matching_file and activities_file and plan_file and faq_file
    assert wording_file
    assert training and held_out and off_topic
    bank = Bank(
        tracks=tuple(tracks_file.tracks),
        lessons=tuple(sorted(lessons, key=lambda l: (l.order, TRACK_IDS.index(l.track)))),
        items=tuple(item_index.values()),
        all_quizzes=tuple(quizzes),
        misconceptions=MappingProxyType(misconceptions),
        matching_sets=tuple(matching_file.sets),
        chat=ChatSet(
            training={k: tuple(v) for k, v in training.questions.items()},
            held_out={k: tuple(v) for k, v in held_out.questions.items()},
            off_topic=tuple(off_topic.questions),
        ),
        activities=tuple(activities_file.activities),
        plan=plan_file.plan,
        faq=tuple(faq_file.faq),
        wording=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in wording_file.examples.items()}),
    )
    return bank, []


def check(root: str | Path | None = None) -> list[ContentIssue]:
    """Every problem in the content bank at `root` (the package's data when None); empty when it is valid."""
    try:
        return _load(Path(root) if root is not None else DATA_DIR)[1]
    except RecursionError:
        return [ContentIssue(str(root or DATA_DIR), "", "content is nested too deeply")]


def load_bank(root: str | Path | None = None) -> Bank:
    """The validated bank at `root` (the package's data when None); raises ContentError listing every problem."""
    try:
        bank, issues = _load(Path(root) if root is not None else DATA_DIR)
    except RecursionError:
        raise ContentError([ContentIssue(str(root or DATA_DIR), "", "content is nested too deeply")]) from None
    if bank is None:
        raise ContentError(issues)
    return bank


class Summary(dict):
    """Counts of everything in the bank (a plain dict), printed as one readable line."""

    def __str__(self) -> str:
        return (f"{self['concepts']} concepts × {self['tracks']} tracks, {self['items']} question items in "
                f"{self['quizzes']} quizzes, {self['misconceptions']} misconceptions, {self['activities']} activities, "
                f"{self['faq']} FAQ answers, {self['chat_training_questions']} chat training questions "
                f"(+{self['chat_held_out_questions']} held out, {self['chat_off_topic_questions']} off topic)")


def summary(bank: Bank | str | Path | None = None) -> Summary:
    """Counts of everything in the bank, per track where that makes sense (for `tutor content check`).

    Takes a loaded Bank, or a content root (None for the package's data) to load; raises ContentError if invalid.
    """
    if not isinstance(bank, Bank):
        bank = load_bank(bank)
    per_track = {}
    for t in bank.tracks:
        lessons = bank.concepts(t.id)
        per_track[t.id] = {
            "lessons": len(lessons),
            "messages": sum(len(l.messages) for l in lessons),
            "items": sum(i.track == t.id for i in bank.items),
            "quizzes": len(bank.quizzes(t.id)),
            "activities": len(bank.activities_for(t.id)),
            "matching_terms": len(ms.terms) if (ms := bank.matching_set(t.id)) else 0,
        }
    return Summary(
        tracks=len(bank.tracks),
        concepts=len(bank.concept_ids),
        misconceptions=len(bank.misconceptions),
        items=len(bank.items),
        quizzes=len(bank.all_quizzes),
        activities=len(bank.activities),
        faq=len(bank.faq),
        chat_training_questions=sum(len(v) for v in bank.chat.training.values()),
        chat_held_out_questions=sum(len(v) for v in bank.chat.held_out.values()),
        chat_off_topic_questions=len(bank.chat.off_topic),
        per_track=per_track,
    )
