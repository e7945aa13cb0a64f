"""Bad input to forms, the JSON API and the content loader: a clear 4xx (or a clear content error) and nothing stored.

- bodies over MAX_CONTENT_LENGTH are a 413 (the standard JSON error under /api, a friendly page for forms);
- JSON endpoints take application/json only (415), refuse malformed JSON (400) and JSON of the wrong type (422);
- names people type (nicknames, class names, display names) are checked for length and for invisible characters
  (control characters, zero-width spaces, bidi overrides that make one name look like another), keep real-world
  scripts and emoji, and are shown escaped on every page that shows them;
- NUL characters, which PostgreSQL refuses to store, are refused before any query on both databases;
- malformed, huge or hostile YAML in the content folder is a ContentError naming the file, and no app starts on it.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.tutor.test_access_matrix import PASSWORD, become, build_world, email
from tests.tutor.test_accounts import add_guest_route, enter_code, post_form, sign_up, token
from tutor.db import Base


def row_counts(app) -> dict[str, int]:
    with app.extensions["db_sessionmaker"]() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def json_post(client, path: str, raw: str | bytes, content_type: str = "application/json", **headers):
    return client.post(path, data=raw, content_type=content_type,
                       headers={"X-CSRF-Token": token(client), "Idempotency-Key": "k1", **headers})


def standard_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body


def api_writes() -> list[str]:
    from tests.security.test_fuzz_api import _document

    return sorted(p.replace("{concept_id}", "neuron") for p, entry in _document()["paths"].items() if "post" in entry)


# ---- sizes and content types ----------------------------------------------------------------------------------------

MEGABYTE = 1024 * 1024


@pytest.mark.parametrize("path", api_writes())
def test_a_megabyte_of_json_is_a_413_with_the_standard_body(sapp, path):
    client = sapp.test_client()
    before = row_counts(sapp)
    raw = json.dumps({"message": "a" * MEGABYTE})
    assert len(raw) > sapp.config["MAX_CONTENT_LENGTH"]
    standard_error(json_post(client, path, raw), 413, "too_large")
    assert row_counts(sapp) == before


@pytest.mark.parametrize("path", ["/auth/sign-up", "/auth/sign-in", "/auth/learner", "/track"])
def test_a_megabyte_form_is_a_413_page_and_nothing_stored(sapp, path):
    client = sapp.test_client()
    before = row_counts(sapp)
    r = client.post(path, data={"csrf_token": token(client), "email": "a@example.org", "password": PASSWORD,
                                "role": "parent", "display_name": "x" * MEGABYTE})
    assert r.status_code == 413 and r.mimetype == "text/html"
    assert "too much data" in r.get_data(as_text=True)
    assert row_counts(sapp) == before


@pytest.mark.parametrize("path", api_writes())
@pytest.mark.parametrize("content_type, raw", [
    ("text/plain", '{"message": "hi"}'),
    ("application/x-www-form-urlencoded", "message=hi"),
    ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nhi\r\n--x--\r\n"),
    ("application/xml", "<message>hi</message>"),
])
def test_json_endpoints_take_json_only(sapp, path, content_type, raw):
    client = sapp.test_client()
    before = row_counts(sapp)
    standard_error(json_post(client, path, raw, content_type), 415, "unsupported_media_type")
    assert row_counts(sapp) == before


@pytest.mark.parametrize("path", api_writes())
@pytest.mark.parametrize("raw, status", [
    ('{"message": ', 400), ("", 400), ("\xff\xfe", 400), ("[1, 2]", 422), ('"text"', 422), ("42", 422),
    ("null", 400), ('{"message": "hi", "message": {"nested": [[[[[]]]]]}}', 422),
])
def test_malformed_or_wrong_type_json_is_refused(sapp, path, raw, status):
    client = sapp.test_client()
    before = row_counts(sapp)
    standard_error(json_post(client, path, raw.encode("latin-1")), status)
    assert row_counts(sapp) == before


def test_deeply_nested_json_is_refused_cleanly(sapp):
    client = sapp.test_client()
    deep = "[" * 100_000 + "]" * 100_000  # under the size limit; Python's json would hit its recursion limit
    for path in ("/api/attempts", "/api/chat", "/api/demos/neuron"):
        r = json_post(client, path, json.dumps({"item_id": "x", "answer": {"value": 1}})[:-1] + ', "x": ' + deep + "}")
        assert r.status_code in (400, 413, 422), (path, r.status_code)
        standard_error(r, r.status_code)


# ---- names people type ----------------------------------------------------------------------------------------------

SCRIPT = '<script>alert("x")</script>'
HOSTILE = f'Zed{SCRIPT}"\'&<b>'
ACCEPTED_NAMES = ["Zoë 🦄", "علي", "דנה", "李小龙", "Ana-María O'Neil", "👩‍💻 Kai", HOSTILE[:40]]
INVISIBLE = {"zero-width space": "Ana\u200b", "right-to-left override": "Ana\u202egnp", "NUL": "Ana\x00",
             "bell": "Ana\x07", "byte-order mark": "\ufeffAna", "left-to-right mark": "Ana\u200e",
             "private use": "Ana\ue000", "unassigned": "Ana\U000e0080", "word joiner": "A\u2060na"}


@pytest.mark.parametrize("what, nickname", list(INVISIBLE.items()))
def test_invisible_characters_in_a_childs_nickname_are_refused(app, what, nickname):
    """On SQLite and PostgreSQL (which cannot store NUL at all: that must be a 422, not a 500)."""
    client = app.test_client()
    sign_up(client, "sam@example.org")
    before = row_counts(app)
    r = post_form(client, "/parent/children/new", {"nickname": nickname, "avatar": "owl", "track": "ages-5-8",
                                                     "secret_kind": "pin", "pin": "1234", "go": "1"})
    assert r.status_code == (400 if what == "NUL" else 422), what  # NUL is refused before any view runs
    assert "hidden" in r.get_data(as_text=True)
    assert row_counts(app) == before


@pytest.mark.parametrize("field, value", [("email", "sam\x00@example.org"), ("display_name", "Sam\x00"),
                                          ("display_name", "Sam\u202e"), ("password", "pass\x00word123")])
def test_nul_and_invisible_characters_at_sign_up_and_sign_in_are_a_clear_4xx(app, field, value):
    client = app.test_client()
    before = row_counts(app)
    form = {"email": "sam@example.org", "password": PASSWORD, "role": "parent", "display_name": "Sam", field: value}
    r = post_form(client, "/auth/sign-up", form)
    assert r.status_code == (400 if "\x00" in value else 422), (field, r.status_code)
    assert "hidden" in r.get_data(as_text=True) or field == "email"
    assert row_counts(app) == before
    r = post_form(client, "/auth/sign-in", {"email": form["email"], "password": form["password"]})
    assert r.status_code == (400 if "\x00" in value and field != "display_name" else 401)


def test_nul_in_a_code_or_a_class_name_is_a_clear_4xx(app):
    client = app.test_client()
    assert enter_code(client, "AB\x00CD").status_code == 400
    sign_up(client, "kim@example.org", role="teacher")
    before = row_counts(app)
    r = post_form(client, "/teacher/classes/new", {"name": "Owls\x00"})
    assert r.status_code == 400 and "hidden NUL" in r.get_data(as_text=True) and row_counts(app) == before
    r = post_form(client, "/teacher/classes/new", {"name": "Owls\u202e"})
    assert r.status_code == 422 and "hidden" in r.get_data(as_text=True) and row_counts(app) == before
    assert client.get("/api/concepts?track=ages-9-12%00").status_code == 400


def test_nul_in_chat_and_answers_is_never_a_500(app):
    client = app.test_client()
    before = row_counts(app)
    for path, body in (("/api/chat", {"message": "what is a neuron\x00?"}),
                       ("/api/attempts", {"item_id": "q1", "answer": {"value": "\x00"}}),
                       ("/api/activities/runs", {"track": "ages-5-8", "seed": 0, "guesses": ["formal\x00"]}),
                       ("/api/demos/neuron", {"inputs": [1], "weights": [1], "bias": 0, "activation": "step",
                                              "\x00": 1})):
        standard_error(json_post(client, path, json.dumps(body)), 400, "bad_characters")
    assert row_counts(app) == before


@pytest.mark.parametrize("name", ACCEPTED_NAMES)
def test_real_names_in_any_script_and_emoji_are_kept(sapp, name):
    client = sapp.test_client()
    sign_up(client, "sam@example.org")
    r = post_form(client, "/parent/children/new", {"nickname": name, "avatar": "owl", "track": "ages-5-8",
                                                     "secret_kind": "pin", "pin": "1234", "go": "1"})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


@pytest.mark.parametrize("value, status", [("", 422), ("   ", 422), ("x" * 41, 422), ("x" * 100_000, 422)])
def test_empty_and_overlong_nicknames_are_refused(sapp, value, status):
    client = sapp.test_client()
    sign_up(client, "sam@example.org")
    before = row_counts(sapp)
    r = post_form(client, "/parent/children/new", {"nickname": value, "avatar": "owl", "track": "ages-5-8",
                                                     "secret_kind": "pin", "pin": "1234", "go": "1"})
    assert r.status_code == status and row_counts(sapp) == before
    assert "1 to 40 characters" in r.get_data(as_text=True)


def test_wrong_types_in_forms_are_refused(sapp):
    client = sapp.test_client()
    sign_up(client, "sam@example.org")
    before = row_counts(sapp)
    for form in ({"nickname": ["a", "b"], "avatar": "owl", "track": "ages-5-8", "pin": "1234", "go": "1"},
                 {"nickname": "Mia", "avatar": "not-an-avatar", "track": "ages-5-8", "pin": "1234", "go": "1"},
                 {"nickname": "Mia", "avatar": "owl", "track": 12, "pin": "1234", "go": "1"},
                 {"nickname": "Mia", "avatar": "owl", "track": "ages-5-8", "pin": "12ab", "go": "1"},
                 {"nickname": "Mia", "avatar": "owl", "age": "-3", "pin": "1234", "go": "1"}):
        r = post_form(client, "/parent/children/new", {**form, "secret_kind": "pin"})
        if form["nickname"] == ["a", "b"]:
            assert r.status_code in (302, 422)  # the first value of a repeated field is the one read
            continue
        assert r.status_code == 422, form
    assert row_counts(sapp)["learners"] <= before["learners"] + 1


# ---- escaped everywhere it is shown -------------------------------------------------------------------------------

def _pages_showing_names(world: dict, client_for) -> dict[str, str]:
    parent, teacher = client_for("parent"), client_for("teacher")
    child, classroom, member = world["child"], world["classroom"], world["member"]
    pages = {f"parent {p}": parent.get(p).get_data(as_text=True) for p in (
        "/parent/", f"/parent/children/{child}/edit", f"/parent/children/{child}/secret",
        f"/parent/children/{child}/remove")}
    pages |= {f"teacher {p}": teacher.get(p).get_data(as_text=True) for p in (
        "/teacher/", f"/teacher/classes/{classroom}", f"/teacher/classes/{classroom}/join-sheet",
        f"/teacher/classes/{classroom}/edit", f"/teacher/classes/{classroom}/learners/{member}/remove")}
    device = client_for("anonymous")
    enter_code(device, world["family_code"])
    pages["family sign-in avatars"] = device.get("/auth/learner").get_data(as_text=True)
    pages["family child page"] = device.get(f"/auth/learner/{child}").get_data(as_text=True)
    board = client_for("anonymous")
    enter_code(board, world["class_code"])
    pages["class sign-in avatars"] = board.get("/auth/learner").get_data(as_text=True)
    pages["class join page"] = board.get("/auth/learner/join").get_data(as_text=True)
    learner = client_for("learner")
    for p in ("/learn?track=ages-5-8", "/practice/", "/chat/", "/auth/guest"):
        pages[f"learner {p}"] = learner.get(p).get_data(as_text=True)
    for p in ("/api/session", "/api/progress"):
        # JSON is never rendered as HTML: its type says so and browsers may not sniff another
        r = learner.get(p)
        assert r.mimetype == "application/json" and r.headers["X-Content-Type-Options"] == "nosniff"
    assert learner.get("/api/session").get_json()["user"]["name"] == HOSTILE[:40]
    return pages


def test_html_in_names_is_shown_escaped_on_every_page_that_shows_them(sapp):
    add_guest_route(sapp)
    world = build_world(sapp)
    with sapp.app_context():
        from tutor.db import get_db
        from tutor.models import Account, Classroom, Learner

        db = get_db()
        db.get(Learner, world["child"]).nickname = HOSTILE[:40]
        db.get(Learner, world["member"]).nickname = "M" + HOSTILE[:39]
        db.get(Classroom, world["classroom"]).name = "Class " + HOSTILE
        for role in ("parent", "teacher"):
            db.scalars(select(Account).where(Account.email == email(role, world))).one().display_name = "G" + HOSTILE
        db.commit()

    def client_for(role):
        client = sapp.test_client()
        become(client, role, world)
        return client

    pages = _pages_showing_names(world, client_for)
    shown = []
    for where, html in pages.items():
        assert "<script>alert" not in html, f"{where} shows a name unescaped"
        assert "<b>" not in html, f"{where} shows a name unescaped"
        if "&lt;script&gt;" in html or "\\u003cscript\\u003e" in html or "<script>" in html.replace(SCRIPT, ""):
            shown.append(where)
    # every page that shows one of the names showed it (escaped): the check above looked at real names
    assert len(shown) >= 12, shown


def test_flash_messages_escape_names_too(sapp):
    client = sapp.test_client()
    sign_up(client, "sam@example.org")
    r = post_form(client, "/parent/children/new", {"nickname": HOSTILE[:40], "avatar": "owl", "track": "ages-5-8",
                                                     "secret_kind": "pin", "pin": "1234", "go": "1"})
    assert r.status_code == 302
    html = client.get("/parent/").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


# ---- the content loader -------------------------------------------------------------------------------------------

@pytest.fixture
def content_copy(tmp_path) -> Path:
    import content

    source = Path(content.__file__).parent / "data"
    target = tmp_path / "data"
    shutil.copytree(source, target)
    return target


def _first_yaml(root: Path, folder: str) -> Path:
    return sorted((root / folder).glob("*.yaml"))[0]


HOSTILE_YAML = {
    "malformed": "id: [unclosed\n  - nope: : :\n",
    "tabs": "id:\tbad\n\t- x\n",
    "duplicate keys": "id: a\nid: b\n",
    "not a mapping": "- just\n- a list\n",
    "empty": "",
    "python object": "!!python/object/apply:os.system ['echo pwned']\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "binary": "\xff\xfe\x00garbage",
    "deep nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
}


@pytest.mark.parametrize("what", list(HOSTILE_YAML))
def test_hostile_yaml_is_a_clear_content_error_naming_the_file(content_copy, what):
    from content import ContentError, check, load_bank

    target = _first_yaml(content_copy, "lessons" if (content_copy / "lessons").is_dir() else ".")
    target.write_bytes(HOSTILE_YAML[what].encode("latin-1"))
    issues = check(content_copy)
    assert issues, what
    rel = target.relative_to(content_copy).as_posix()
    assert any(rel in str(issue) for issue in issues), (what, [str(i) for i in issues][:3])
    with pytest.raises(ContentError):
        load_bank(content_copy)
    assert not Path("pwned").exists()


def test_a_huge_content_file_is_refused_before_it_is_parsed(content_copy):
    from content import check

    target = _first_yaml(content_copy, "lessons" if (content_copy / "lessons").is_dir() else ".")
    with target.open("a", encoding="utf-8") as f:
        f.write("\n# " + "x" * (2 * MEGABYTE) + "\n")
    issues = check(content_copy)
    assert any("limit" in str(i) and target.name in str(i) for i in issues), [str(i) for i in issues][:3]


def test_no_app_starts_on_broken_content_and_nothing_is_stored(content_copy, tmp_path, sqlite_template):
    from content import ContentError
    from tutor import create_app

    _first_yaml(content_copy, "lessons" if (content_copy / "lessons").is_dir() else ".").write_text("id: [")
    db = tmp_path / "broken.db"
    shutil.copy(sqlite_template, db)
    with pytest.raises(ContentError) as raised:
        create_app({"DATABASE_URL": f"sqlite:///{db}", "TESTING": True, "CONTENT_ROOT": str(content_copy)})
    assert "malformed YAML" in str(raised.value)
