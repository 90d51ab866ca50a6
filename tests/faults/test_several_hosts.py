"""Two app servers sharing PostgreSQL and Redis: whatever begins on one completes on the other."""
from __future__ import annotations

import re
import uuid

import pytest
import redis

from bench.web_harness import chorus_env, fresh_database, gunicorn, prepare_chorus
from tests.conftest import drop_postgres_database, scratch_name
from tests.faults.conftest import (
    POSTGRES_ONLY, POSTGRES_URL, CookieClient, FieldDevice, create_account, csrf_token, signed_in,
)

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "two hosts, one database"


def forget_rate_limits() -> None:
    """Delete this run's rate-limit counters (only ours: other runs may share the Redis database)."""
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*{scratch_name('chorus')}*"):
        store.delete(key)


@pytest.fixture(scope="module", params=POSTGRES_ONLY)
def servers(tmp_path_factory):
    """Hosts A and B: separate gunicorn servers, one PostgreSQL database, one Redis (started once: they take
    half a minute to set up, and each test below leaves only what it stored)."""
    database_url = fresh_database("postgresql", tmp_path_factory.mktemp("two_hosts"),
                                  scratch_name("chorus_two_hosts"), server=POSTGRES_URL)
    prepare_chorus(database_url)
    forget_rate_limits()
    # a key prefix of this run's own: a concurrent test run's sign-ins never count against ours
    env = chorus_env(database_url) | {"RATELIMIT_STORAGE_URI": REDIS_URL,
                                      "RATELIMIT_KEY_PREFIX": scratch_name("chorus")}
    create_account(database_url, "admin@example.org", PASSWORD, "admin")
    create_account(database_url, "worker@example.org", PASSWORD, "outreach", "demo")
    with gunicorn("wsgi:app", env, ready_path="/healthz") as (url_a, _), \
            gunicorn("wsgi:app", env, ready_path="/healthz") as (url_b, _):
        yield url_a, url_b, database_url
    forget_rate_limits()
    drop_postgres_database(scratch_name("chorus_two_hosts"))


@pytest.fixture
def two_hosts(servers):
    """The two hosts, with no sign-in counted yet."""
    forget_rate_limits()
    yield servers


def stored_count(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM response").fetchone()[0]


def test_survey_opened_on_one_host_is_accepted_by_the_other(two_hosts):
    url_a, url_b, database_url = two_hosts
    before = stored_count(database_url)
    browser = CookieClient()
    _status, _headers, html = browser.request(f"{url_a}/s/demo")
    needs = sorted(set(re.findall(r'name="(need_[a-z_]+)"', html)))
    form = {"csrf_token": csrf_token(html), "lang": "en", "response_id": str(uuid.uuid4()), "website": ""}
    form |= {need: "4" for need in needs}
    status, headers, _body = browser.request(f"{url_b}/s/demo", "POST", form)
    assert status == 302 and "/thanks" in headers["Location"]
    assert browser.request(f"{url_a}/s/demo", "POST", form)[0] == 302  # the replay on A: stored once
    assert stored_count(database_url) == before + 1


def test_signing_in_on_one_host_is_a_session_on_the_other(two_hosts):
    url_a, url_b, _database_url = two_hosts
    browser = signed_in(url_a, "admin@example.org", PASSWORD)
    status, _headers, html = browser.request(f"{url_b}/staff/")
    assert status == 200 and "admin@example.org" in html


def test_failed_sign_ins_are_counted_across_hosts(two_hosts):
    url_a, url_b, _database_url = two_hosts
    browser = CookieClient()
    statuses = []
    for attempt in range(6):
        host = url_a if attempt % 2 == 0 else url_b
        _status, _headers, html = browser.request(f"{host}/login")
        statuses.append(browser.request(f"{host}/login", "POST", {
            "csrf_token": csrf_token(html), "email": "admin@example.org", "password": f"wrong {attempt}",
            "next": ""})[0])
    assert statuses[:5] == [401] * 5 and statuses[5] == 429  # 5 per minute per account, on A and B together


def test_an_offline_sync_begun_on_one_host_completes_on_the_other(two_hosts):
    url_a, url_b, database_url = two_hosts
    before = stored_count(database_url)
    device = FieldDevice(url_a, "worker@example.org", PASSWORD)
    queue = [device.item(str(uuid.uuid4()), importance) for importance in (2, 3, 4)]
    assert device.sync(queue[:1]) == (200, ["stored"])  # host A took the first, then the connection dropped
    assert device.sync(queue, url_b) == (200, ["duplicate", "stored", "stored"])  # the whole queue, resent to B
    assert device.sync(queue) == (200, ["duplicate"] * 3)  # and replayed to A once more
    assert stored_count(database_url) == before + 3
