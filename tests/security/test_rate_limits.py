"""Sign-in and PIN guessing are rate-limited per app, and shared through Redis when REDIS_URL is set.

Each app has a limiter of its own (tutor.security.AppLimits): creating a second app, with limits off or another
storage, does not change how the first one counts.
"""
from __future__ import annotations

import pytest

from tests.conftest import clean_redis
from tests.tutor.test_accounts import PASSWORD, sign_in, sign_up, token, who
from tutor.security import for_app

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_db():
    yield from clean_redis(14)


def _account(app, email="sam@example.org"):
    client = app.test_client()
    sign_up(client, email)
    client.post("/auth/sign-out", data={"csrf_token": token(client)})
    return client


def test_two_apps_on_one_redis_share_the_sign_in_count(make_app, redis_db):
    first = make_app(RATELIMIT_ENABLED=True, REDIS_URL=REDIS_URL)
    database = first.config["DATABASE_URL"]
    second = make_app(RATELIMIT_ENABLED=True, REDIS_URL=REDIS_URL, DATABASE_URL=database)  # two servers, one site
    assert for_app(first) is not for_app(second)
    one, two = _account(first), second.test_client()
    answers = [sign_in(one if i % 2 else two, "sam@example.org", "wrong password").status_code for i in range(10)]
    assert answers == [401] * 10
    eleventh = sign_in(two, "sam@example.org", PASSWORD)  # the right password, on the app that saw only five tries
    assert eleventh.status_code == 429 and who(two) is None
    assert "Too many tries" in eleventh.get_data(as_text=True)
    assert redis_db.dbsize() > 0


def test_apps_with_their_own_memory_count_separately(make_app):
    first = make_app(RATELIMIT_ENABLED=True)
    second = make_app(RATELIMIT_ENABLED=True, DATABASE_URL=first.config["DATABASE_URL"])
    one, two = _account(first), second.test_client()
    assert [sign_in(one, "sam@example.org", "wrong").status_code for _ in range(10)] == [401] * 10
    assert sign_in(one, "sam@example.org", PASSWORD).status_code == 429
    assert sign_in(two, "sam@example.org", PASSWORD).status_code == 302  # memory storage is per app


def test_an_app_created_later_with_limits_off_does_not_switch_off_the_first(make_app):
    limited = make_app(RATELIMIT_ENABLED=True)
    unlimited = make_app(RATELIMIT_ENABLED=False)  # before the fix, the last app created decided for every app
    client = _account(limited)
    assert [sign_in(client, "sam@example.org", "wrong").status_code for _ in range(10)] == [401] * 10
    assert sign_in(client, "sam@example.org", PASSWORD).status_code == 429
    other = _account(unlimited, "kim@example.org")
    assert [sign_in(other, "kim@example.org", "wrong").status_code for _ in range(12)] == [401] * 12


def test_a_refused_sign_in_says_when_to_try_again(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = _account(app)
    for _ in range(10):
        sign_in(client, "sam@example.org", "wrong")
    r = client.post("/auth/sign-in", data={"email": "sam@example.org", "password": PASSWORD,
                                           "csrf_token": token(client)}, headers={"Accept": "application/json"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
