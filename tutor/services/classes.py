"""Classes: a teacher's classes, join codes, rosters and learners' picture passwords."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..models import Account, Classroom, Learner, Membership
from ..security import normalise_code
from . import accounts

MAX_BULK = 60


def _clean_class_name(name: str) -> str:
    return accounts.clean_name(name, field="name", max_length=80, what="A class name")


def create_class(db: Session, teacher: Account, *, name: str, track: str | None = None) -> Classroom:
    if teacher.role != "teacher":
        raise Forbidden("Only teachers create classes.")
    classroom = Classroom(teacher_id=teacher.id, name=_clean_class_name(name),
                          track=accounts.check_track(track) if track else None,
                          join_code=accounts._unique_code(db, Classroom.join_code), archived=False)
    db.add(classroom)
    db.commit()
    return classroom


def class_of(db: Session, teacher: Account, classroom_id: int) -> Classroom:
    """The teacher's own class, or NotFound: other teachers' classes are invisible."""
    classroom = db.get(Classroom, classroom_id)
    if classroom is None or teacher.role != "teacher" or classroom.teacher_id != teacher.id:
        raise Forbidden("There is no such class.")
    return classroom


def update_class(db: Session, teacher: Account, classroom_id: int, *, name: str | None = None,
                 track: str | None = None, archived: bool | None = None) -> Classroom:
    classroom = class_of(db, teacher, classroom_id)
    if name is not None:
        classroom.name = _clean_class_name(name)
    if track is not None:
        classroom.track = accounts.check_track(track) if track else None
        for membership in classroom.memberships:  # the class track applies to its learners at once
            if membership.learner.parent_id is None:
                membership.learner.track = classroom.track or membership.learner.track
    if archived is not None:
        classroom.archived = archived
    db.commit()
    return classroom


def regenerate_join_code(db: Session, teacher: Account, classroom_id: int) -> Classroom:
    classroom = class_of(db, teacher, classroom_id)
    classroom.join_code = accounts._unique_code(db, Classroom.join_code)
    db.commit()
    return classroom


def class_by_code(db: Session, code: str) -> Classroom:
    classroom = db.scalar(select(Classroom).where(Classroom.join_code == normalise_code(code)))
    if classroom is None or classroom.archived:
        raise NotFound("We don't know that class code. Check the board and try again.")
    return classroom


def _free_nickname(classroom: Classroom, nickname: str) -> str:
    """A nickname nobody in the class has yet: learners pick their own name from the class list to sign in."""
    nickname = accounts.clean_nickname(nickname)
    if any(m.learner.nickname.lower() == nickname.lower() for m in classroom.memberships):
        raise Conflict("Someone in this class already has that nickname. Add a letter or pick another.",
                       [{"field": "nickname", "message": "taken in this class"}])
    return nickname


def _new_member(db: Session, classroom: Classroom, nickname: str, pictures=None) -> Learner:
    nickname = _free_nickname(classroom, nickname)
    learner = Learner(nickname=nickname, avatar="owl", track=classroom.track or "ages-9-12", is_guest=False,
                      picture_password=accounts.parse_picture_password(pictures) if pictures
                      else accounts.random_picture_password())
    classroom.memberships.append(Membership(learner=learner))
    db.add(learner)
    return learner


def join_class(db: Session, code: str, *, nickname: str, pictures, current: Learner | None = None) -> Learner:
    """A learner joins with the class code. A signed-in learner (a family's child, a guest) keeps their progress."""
    classroom = class_by_code(db, code)
    if current is not None:
        if any(m.classroom_id == classroom.id for m in current.memberships):
            return current
        if current.is_guest:
            current.nickname = _free_nickname(classroom, nickname)
            current.is_guest, current.claim_code = False, None
        if current.picture_password is None and current.pin_hash is None:
            current.picture_password = accounts.parse_picture_password(pictures)
        if classroom.track and current.parent_id is None:
            current.track = classroom.track
        current.memberships.append(Membership(classroom=classroom))
        db.commit()
        return current
    learner = _new_member(db, classroom, nickname, pictures)
    db.commit()
    return learner


def add_learners(db: Session, teacher: Account, classroom_id: int, names: list[str]) -> list[Learner]:
    """Bulk-add learners by nickname; each gets a random picture password the teacher can print. All or nothing."""
    classroom = class_of(db, teacher, classroom_id)
    names = [" ".join(n.split()) for n in names if n and n.strip()]
    if not names:
        raise Invalid("Add at least one name.", [{"field": "names", "message": "empty"}])
    if len(names) > MAX_BULK:
        raise Invalid(f"Add at most {MAX_BULK} names at a time.", [{"field": "names", "message": "too many"}])
    lowered = [n.lower() for n in names]
    dupes = sorted({n for n in names if lowered.count(n.lower()) > 1})
    if dupes:
        raise Invalid("Some names are in the list twice: " + ", ".join(dupes),
                      [{"field": "names", "message": f"duplicate: {d}"} for d in dupes])
    try:
        added = [_new_member(db, classroom, name) for name in names]
        db.commit()
    except Exception:
        db.rollback()
        raise
    return added


def member_of(db: Session, teacher: Account, classroom_id: int, learner_id: int) -> Learner:
    classroom = class_of(db, teacher, classroom_id)
    membership = db.get(Membership, (learner_id, classroom.id))
    if membership is None:
        raise Forbidden("There is no such learner in this class.")
    return membership.learner


def learner_for_new_pictures(db: Session, teacher: Account, classroom_id: int, learner_id: int) -> Learner:
    """The class's learner whose picture password the teacher gives out, or Invalid for a family's child: they sign
    in with their family code, and their parent resets their PIN or pictures."""
    learner = member_of(db, teacher, classroom_id, learner_id)
    if learner.parent_id is not None:
        raise Invalid("This learner signs in through their family; their parent resets it.")
    return learner


def reset_picture_password(db: Session, teacher: Account, classroom_id: int, learner_id: int) -> Learner:
    learner = learner_for_new_pictures(db, teacher, classroom_id, learner_id)
    learner.picture_password = accounts.random_picture_password()
    db.commit()
    return learner


def only_in_class(db: Session, learner: Learner, classroom_id: int) -> bool:
    """True when this class is all the learner has: no family and no other class (archived ones count). Such a
    learner signs in only with this class's code and pictures, and only this class's teacher sees their record."""
    if learner.parent_id is not None:
        return False
    other = select(Membership.classroom_id).where(Membership.learner_id == learner.id,
                                                  Membership.classroom_id != classroom_id).limit(1)
    return db.scalar(other) is None


def remove_from_class(db: Session, teacher: Account, classroom_id: int, learner_id: int) -> bool:
    """Take the learner out of the class. A learner the class was all of (only_in_class) is deleted with everything
    stored about them, as a parent's removed child is: once out of the class nobody could sign in as them, see their
    record or delete it, so it would be kept about a child for no one. A learner with a family or another class
    keeps their profile and record there. Returns True when the learner was deleted."""
    learner = member_of(db, teacher, classroom_id, learner_id)
    deleted = only_in_class(db, learner, classroom_id)
    if deleted:
        db.delete(learner)  # memberships and every learning record go with it (ON DELETE CASCADE)
    else:
        db.delete(db.get(Membership, (learner.id, classroom_id)))
    db.commit()
    return deleted


def claim_guest_into_class(db: Session, teacher: Account, classroom_id: int, code: str, nickname: str) -> Learner:
    classroom = class_of(db, teacher, classroom_id)
    guest = accounts._guest_by_claim_code(db, code)
    guest.nickname = _free_nickname(classroom, nickname)
    guest.is_guest, guest.claim_code = False, None
    guest.picture_password = guest.picture_password or accounts.random_picture_password()
    if classroom.track:
        guest.track = classroom.track
    classroom.memberships.append(Membership(learner=guest))
    db.commit()
    return guest


def sign_in_member(db: Session, code: str, learner_id: int, pictures) -> Learner:
    classroom = class_by_code(db, code)
    membership = db.get(Membership, (learner_id, classroom.id))
    if membership is None or not accounts._same_pictures(membership.learner.picture_password, pictures):
        raise Invalid("Those pictures are not quite right. Try again!", code="sign_in_failed", status=401)
    return membership.learner


def classes_for(db: Session, teacher: Account, include_archived: bool = False) -> list[Classroom]:
    if teacher.role != "teacher":
        raise Forbidden("Only teachers have classes.")
    query = select(Classroom).where(Classroom.teacher_id == teacher.id).order_by(Classroom.archived, Classroom.name)
    if not include_archived:
        query = query.where(Classroom.archived.is_(False))
    return list(db.scalars(query))


def sign_in_cards(db: Session, teacher: Account, classroom_id: int) -> tuple[Classroom, list[dict]]:
    """The class and one printable sign-in card per learner in it, in name order: {"learner", "how", "pictures"}.

    how is "pictures" (class code, own name, then the learner's 3 pictures: the ones this class gave them or they
    chose when they joined, which the teacher sees in the roster too), "family" (a family's child signs in with the
    family code their grown-up has; the child's PIN or pictures are the family's and are never shown to the teacher)
    or "none" (no pictures yet: the teacher gives them new ones first). pictures: [(emoji, name)] in order."""
    classroom = class_of(db, teacher, classroom_id)
    cards = []
    for learner in sorted((m.learner for m in classroom.memberships), key=lambda l: (l.nickname.lower(), l.id)):
        if learner.parent_id is not None:
            how, pictures = "family", []
        elif learner.picture_password:
            how = "pictures"
            pictures = accounts.describe_pictures(learner.picture_password)
        else:
            how, pictures = "none", []
        cards.append({"learner": learner, "how": how, "pictures": pictures})
    return classroom, cards
