"""Accounts and learners: sign-up and sign-in for grown-ups, child profiles, picture passwords, PINs and guests."""
from __future__ import annotations

import re
import secrets
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..models import ROLES, TRACK_IDS, Account, Learner
from ..security import hash_secret, new_code, normalise_code, verify_secret

PICTURES: dict[str, tuple[str, str]] = {
    # id: (emoji, spoken name) - the name is what a screen reader says and what a teacher prints.
    "cat": ("🐱", "cat"), "dog": ("🐶", "dog"), "fish": ("🐟", "fish"), "frog": ("🐸", "frog"),
    "star": ("⭐", "star"), "moon": ("🌙", "moon"), "sun": ("🌞", "sun"), "tree": ("🌳", "tree"),
    "apple": ("🍎", "apple"), "car": ("🚗", "car"), "boat": ("⛵", "boat"), "rocket": ("🚀", "rocket"),
}
PICTURE_PASSWORD_LENGTH = 3

AVATARS: dict[str, tuple[str, str]] = {
    "owl": ("🦉", "owl"), "fox": ("🦊", "fox"), "panda": ("🐼", "panda"), "lion": ("🦁", "lion"),
    "robot": ("🤖", "robot"), "unicorn": ("🦄", "unicorn"), "octopus": ("🐙", "octopus"), "turtle": ("🐢", "turtle"),
    "penguin": ("🐧", "penguin"), "bee": ("🐝", "bee"), "dino": ("🦕", "dinosaur"), "whale": ("🐳", "whale"),
}

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PIN_RE = re.compile(r"[0-9]{4,6}")
MIN_PASSWORD = 10
GENERIC_SIGN_IN_FAILURE = "That e-mail and password do not match an account."


# ---- validation helpers -------------------------------------------------------------------------------------------

# Characters that do not show but change how a name reads or compares: zero-width spaces and joiners that are not
# part of an emoji or a script's spelling, bidi marks and overrides ("Ana\u202egnp" displays reversed), BOMs.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\ufeff\u061c"
                        "\u180e\ufff9-\ufffb]")
_HIDDEN_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}  # control, surrogate, private use, unassigned
_SPACES = " \t\r\n"


def clean_name(text: str, *, field: str, max_length: int, what: str) -> str:
    """A name a person typed (nickname, class name, display name): NFC, spaces collapsed, 1 to max_length
    characters, any script and emoji, but no hidden or control characters (which PostgreSQL cannot store, as for NUL,
    or which make two names look alike)."""
    text = unicodedata.normalize("NFC", text or "")
    if _INVISIBLE.search(text) or any(unicodedata.category(ch) in _HIDDEN_CATEGORIES
                                      for ch in text if ch not in _SPACES):
        raise Invalid(f"{what} has hidden or control characters in it. Type it again with letters, numbers, spaces "
                      "or emoji.", [{"field": field, "message": "no hidden or control characters"}])
    name = " ".join(text.split())
    if not 1 <= len(name) <= max_length:
        raise Invalid(f"{what} needs 1 to {max_length} characters.",
                      [{"field": field, "message": f"1 to {max_length} characters"}])
    return name


def clean_nickname(text: str) -> str:
    nickname = clean_name(text, field="nickname", max_length=40, what="A nickname")
    if "@" in nickname or re.search(r"\d{5,}", nickname):
        # Children's nicknames must not carry an e-mail address or phone number.
        raise Invalid("Please use a nickname, not an e-mail address or phone number.",
                      [{"field": "nickname", "message": "no e-mail or phone number"}])
    return nickname


def check_track(track: str) -> str:
    if track not in TRACK_IDS:
        # Grown-ups read this next to the track buttons: name no internal ids (ages-5-8, ...), which they never see.
        raise Invalid("Pick one of the age tracks.", [{"field": "track", "message": "pick one of the age tracks"}])
    return track


def check_avatar(avatar: str) -> str:
    if avatar not in AVATARS:
        raise Invalid("Pick one of the avatars.", [{"field": "avatar", "message": "unknown"}])
    return avatar


def ascii_digits(pin: str) -> str:
    """The PIN with any script's digits (Arabic-Indic ٣, Devanagari ३, full-width ３...) as 0-9: the PIN pad on the
    child's device sends 0-9, so a PIN typed on a parent's Arabic or Persian keyboard must be stored as the same."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in pin or "")


def check_pin(pin: str) -> str:
    pin = ascii_digits(pin)
    if not PIN_RE.fullmatch(pin):
        raise Invalid("A PIN is 4 to 6 digits.", [{"field": "pin", "message": "4 to 6 digits"}])
    return pin


def parse_picture_password(value: str | list[str]) -> str:
    parts = value if isinstance(value, list) else [p for p in re.split(r"[\s,;-]+", value or "") if p]
    if len(parts) != PICTURE_PASSWORD_LENGTH or any(p not in PICTURES for p in parts):
        raise Invalid(f"A picture password is {PICTURE_PASSWORD_LENGTH} pictures.",
                      [{"field": "pictures", "message": f"{PICTURE_PASSWORD_LENGTH} known picture ids"}])
    return "-".join(parts)


def describe_pictures(password: str | None) -> list[tuple[str, str]]:
    """A stored picture password as (emoji, word) pairs, for the teacher's roster and printed sign-in cards."""
    return [PICTURES[p] for p in (password or "").split("-") if p in PICTURES]


def random_picture_password() -> str:
    return "-".join(secrets.choice(list(PICTURES)) for _ in range(PICTURE_PASSWORD_LENGTH))


def suggest_track(age: int) -> str:
    """The track an age points to; parents can always choose another."""
    if age <= 8:
        return "ages-5-8"
    if age <= 12:
        return "ages-9-12"
    return "ages-13-plus"


def _unique_code(db: Session, column) -> str:
    for _ in range(20):
        code = new_code()
        if db.scalar(select(func.count()).where(column == code)) == 0:
            return code
    raise RuntimeError("could not find a free code")  # 31^8 codes: unreachable in practice


# ---- grown-ups ----------------------------------------------------------------------------------------------------

def sign_up(db: Session, *, email: str, password: str, role: str, display_name: str) -> Account:
    email = (email or "").strip().lower()
    problems = []
    if not _plausible_email(email):
        problems.append({"field": "email", "message": "Enter an e-mail address like name@example.org."})
    if len(password or "") < MIN_PASSWORD or len(password) > 200:
        problems.append({"field": "password", "message": f"Use at least {MIN_PASSWORD} characters."})
    if role not in ROLES:
        problems.append({"field": "role", "message": "Choose parent or teacher."})
    try:
        name = clean_name(display_name, field="display_name", max_length=80, what="Your name")
    except Invalid as exc:
        problems.append({"field": "display_name", "message": f"Tell us what to call you: {exc.message[0].lower()}"
                                                             f"{exc.message[1:]}"})
    if problems:
        raise Invalid("Please fix the highlighted fields.", problems)
    account = Account(email=email, password_hash=hash_secret(password), role=role, display_name=name)
    if role == "parent":
        account.family_code = _unique_code(db, Account.family_code)
    db.add(account)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        # Same wording whether or not the address is known would hide it, but a sign-up must say something:
        # point to sign-in without confirming anything about who owns the address.
        raise Conflict("We could not create that account. If you already have one, sign in instead.",
                       [{"field": "email", "message": "cannot be used"}])
    return account


def _plausible_email(email: str) -> bool:
    return bool(EMAIL_RE.match(email)) and len(email) <= 254 and email.isprintable()


def authenticate(db: Session, email: str, password: str) -> Account:
    email = (email or "").strip().lower()
    # An address that cannot exist is not looked up (PostgreSQL refuses NUL characters in a query).
    account = db.scalar(select(Account).where(Account.email == email)) if _plausible_email(email) else None
    if not verify_secret(account.password_hash if account else None, password or ""):
        raise Invalid(GENERIC_SIGN_IN_FAILURE, code="sign_in_failed", status=401)
    return account


def change_password(db: Session, account: Account, current: str, new: str) -> None:
    if not verify_secret(account.password_hash, current or ""):
        raise Invalid("Your current password is not right.", [{"field": "current", "message": "does not match"}])
    if len(new or "") < MIN_PASSWORD or len(new) > 200:
        raise Invalid(f"Use at least {MIN_PASSWORD} characters.", [{"field": "new", "message": "too short"}])
    account.password_hash = hash_secret(new)
    db.commit()


# ---- children of a family -----------------------------------------------------------------------------------------

def child_track(track: str | None, age: str | None = None) -> str:
    """The track a parent picked; without one, the track suggested for the age they typed (an age is only read to
    suggest a track, never stored). A typed age must be a number from 3 to 19 even when a track is picked."""
    track, age = track or "", (age or "").strip()
    # isdecimal, not isdigit: "²" is a digit that int() cannot read, and a server error would greet the parent.
    if age and not (age.isdecimal() and 3 <= int(age) <= 19):
        raise Invalid("Type the child's age as a number from 3 to 19.",
                      [{"field": "age", "message": "a number from 3 to 19"}])
    if not track and age:
        return suggest_track(int(age))
    if not track:
        raise Invalid("Type the child's age or pick an age track.",
                      [{"field": "track", "message": "type the age above or pick a track"}])
    return check_track(track)


def _checked(problems: list[dict], check, *args):
    """check(*args), or None after adding what is wrong to `problems`: one entry per field, with the full sentence
    a person reads next to that field and in the form's list of problems."""
    try:
        return check(*args)
    except Invalid as exc:
        fields = [d.get("field") for d in exc.details if isinstance(d, dict)] or [None]
        problems.extend({"field": field, "message": exc.message} for field in dict.fromkeys(fields))
        return None


def _all_problems(problems: list[dict]) -> Invalid:
    """One error for every problem found: the only problem's own sentence, or how many there are to fix."""
    if len(problems) == 1:
        return Invalid(problems[0]["message"], problems)
    return Invalid(f"There are {len(problems)} things to fix before we can save this.", problems)


def add_child(db: Session, parent: Account, *, nickname: str, avatar: str, track: str | None,
              age: str | None = None, pin: str | None = None, pictures: str | list[str] | None = None) -> Learner:
    """A new child in the parent's family. Every field is checked before anything is stored, and every problem is
    reported at once (each with its field), so the parent fixes the form in one go."""
    if parent.role != "parent":
        raise Forbidden("Only parents add children.")
    problems: list[dict] = []
    nickname = _checked(problems, clean_nickname, nickname)
    avatar = _checked(problems, check_avatar, avatar)
    track = _checked(problems, child_track, track, age)
    secret = _checked(problems, _child_secret, pin, pictures)
    if problems:
        raise _all_problems(problems)
    child = Learner(nickname=nickname, avatar=avatar, track=track, parent_id=parent.id, is_guest=False)
    _store_secret(child, secret)
    db.add(child)
    db.commit()
    return child


def _child_secret(pin: str | None, pictures) -> tuple[str, str]:
    """("pin", the PIN in 0-9) or ("pictures", the picture password), checked but not yet stored."""
    if pin:
        return "pin", check_pin(pin)
    if pictures:
        return "pictures", parse_picture_password(pictures)
    raise Invalid("Choose a PIN or a picture password for the child.",
                  [{"field": "pin", "message": "a PIN or a picture password is needed"}])


def _store_secret(child: Learner, secret: tuple[str, str]) -> None:
    kind, value = secret
    if kind == "pin":
        child.pin_hash, child.picture_password = hash_secret(value), None
    else:
        child.picture_password, child.pin_hash = value, None


def _set_child_secret(child: Learner, pin: str | None, pictures) -> None:
    _store_secret(child, _child_secret(pin, pictures))


def child_of(db: Session, parent: Account, learner_id: int) -> Learner:
    """The parent's own child, or NotFound: other people's children are invisible, not forbidden."""
    child = db.get(Learner, learner_id)
    if child is None or parent.role != "parent" or child.parent_id != parent.id:
        raise Forbidden("There is no such child in your family.")
    return child


def update_child(db: Session, parent: Account, learner_id: int, *, nickname: str | None = None,
                 avatar: str | None = None, track: str | None = None) -> Learner:
    """Change what the parent sent (None: keep it); every problem is reported at once and nothing is changed."""
    child = child_of(db, parent, learner_id)
    problems: list[dict] = []
    changes = {name: _checked(problems, check, value) for name, check, value in (
        ("nickname", clean_nickname, nickname), ("avatar", check_avatar, avatar), ("track", check_track, track))
        if value is not None}
    if problems:
        raise _all_problems(problems)
    for name, value in changes.items():
        setattr(child, name, value)
    db.commit()
    return child


def reset_child_secret(db: Session, parent: Account, learner_id: int, *, pin: str | None = None,
                       pictures=None) -> Learner:
    child = child_of(db, parent, learner_id)
    _set_child_secret(child, pin, pictures)
    db.commit()
    return child


def remove_child(db: Session, parent: Account, learner_id: int) -> None:
    """Deletes the child and, through ON DELETE CASCADE, everything stored about them."""
    child = child_of(db, parent, learner_id)
    db.delete(child)
    db.commit()


def family_by_code(db: Session, code: str) -> Account:
    parent = db.scalar(select(Account).where(Account.family_code == normalise_code(code), Account.role == "parent"))
    if parent is None:
        raise NotFound("We don't know that code. Check it with your grown-up.")
    return parent


def sign_in_child(db: Session, family_code: str, learner_id: int, *, pin: str | None = None,
                  pictures=None) -> Learner:
    parent = family_by_code(db, family_code)
    child = db.get(Learner, learner_id)
    if child is None or child.parent_id != parent.id:
        raise NotFound("We don't know that code. Check it with your grown-up.")
    if child.pin_hash:
        typed = pin or ""
        # A PIN set before digits were made 0-9 may be stored in another script's digits: it still works as typed.
        ok = verify_secret(child.pin_hash, ascii_digits(typed)) or (
            ascii_digits(typed) != typed and verify_secret(child.pin_hash, typed))
    else:
        ok = bool(pictures) and _same_pictures(child.picture_password, pictures)
    if not ok:
        raise Invalid("That is not quite right. Try again!", code="sign_in_failed", status=401)
    return child


def _same_pictures(stored: str | None, given) -> bool:
    try:
        return stored is not None and secrets.compare_digest(stored, parse_picture_password(given))
    except Invalid:
        return False


# ---- guests ----------------------------------------------------------------------------------------------------------

def create_guest(db: Session, track: str) -> Learner:
    guest = Learner(nickname="Guest", avatar="owl", track=check_track(track), is_guest=True)
    db.add(guest)
    db.commit()
    return guest


def guest_claim_code(db: Session, guest: Learner) -> str:
    """A code the guest shows a grown-up so the grown-up can keep the guest's progress."""
    if not guest.is_guest:
        raise Invalid("Only a guest's progress can be claimed.")
    if not guest.claim_code:
        guest.claim_code = _unique_code(db, Learner.claim_code)
        db.commit()
    return guest.claim_code


def _guest_by_claim_code(db: Session, code: str) -> Learner:
    guest = db.scalar(select(Learner).where(Learner.claim_code == normalise_code(code), Learner.is_guest.is_(True)))
    if guest is None:
        raise NotFound("That code does not match a guest. Ask the learner to show it again.")
    return guest


def _claimable_guest(db: Session, code: str) -> Learner:
    """The guest a claim code names; an unknown code is a problem with the form's code field."""
    try:
        return _guest_by_claim_code(db, code)
    except NotFound as exc:
        raise Invalid(exc.message, [{"field": "code", "message": exc.message}]) from None


def claim_guest_as_child(db: Session, parent: Account, code: str, *, nickname: str, avatar: str,
                         pin: str | None = None, pictures=None) -> Learner:
    if parent.role != "parent":
        raise Forbidden("Only parents add children.")
    problems: list[dict] = []  # every problem at once, as add_child reports them; nothing changes if there is one
    guest = _checked(problems, _claimable_guest, db, code)
    nickname = _checked(problems, clean_nickname, nickname)
    avatar = _checked(problems, check_avatar, avatar)
    secret = _checked(problems, _child_secret, pin, pictures)
    if problems:
        raise _all_problems(problems)
    guest.nickname, guest.avatar = nickname, avatar
    _store_secret(guest, secret)
    guest.parent_id, guest.is_guest, guest.claim_code = parent.id, False, None
    db.commit()
    return guest


def set_guest_track(db: Session, learner: Learner, track: str) -> None:
    if not learner.is_guest:
        raise Forbidden("A grown-up chooses this learner's track.")
    learner.track = check_track(track)
    db.commit()
