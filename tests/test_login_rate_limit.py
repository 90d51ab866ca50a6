"""Sign-in is rate-limited per account and per address, in memory or in Redis."""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from tests.factories import PASSWORD, make_user
from tests.helpers import form_values

REDIS_URL = "redis://127.0.0.1:6379/15"


def login_post(client, email, password, address="127.0.0.1", lang=None):
    """POST the login form from ``address`` (the form token comes from a GET, as a browser's would)."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/login" + (f"?lang={lang}" if lang else ""), environ_base=environ)
    data = form_values(page.get_data(as_text=True), "login") | {"email": [email], "password": [password]}
    return client.post("/login", data=data, environ_base=environ)


def test_one_address_is_limited_across_accounts(client):
    for number in range(10):
        assert login_post(client, f"person{number}@example.org", "wrong password!").status_code == 401
    assert login_post(client, "person10@example.org", "wrong password!").status_code == 429
    # another address is not affected
    assert login_post(client, "person10@example.org", "wrong password!", address="10.0.0.9").status_code == 401


def test_one_account_is_limited_across_addresses(client):
    make_user(email="lead@example.org")
    for number in range(5):
        response = login_post(client, "lead@example.org", "wrong password!", address=f"10.0.0.{number}")
        assert response.status_code == 401
    # even the right password, from yet another address, waits now
    blocked = login_post(client, "LEAD@example.org", PASSWORD, address="10.0.1.1")
    assert blocked.status_code == 429
    assert client.get("/staff/").status_code == 302
    # other accounts can still sign in
    make_user(email="other@example.org")
    assert login_post(client, "other@example.org", PASSWORD, address="10.0.1.2").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_account_limit(client):
    make_user(email="lead@example.org")
    for number in range(7):
        assert login_post(client, "lead@example.org", PASSWORD, address=f"10.0.2.{number}").status_code == 302


def test_limits_come_from_settings(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "2 per minute"
    for _ in range(2):
        assert login_post(client, "someone@example.org", "wrong password!").status_code == 401
    assert login_post(client, "someone@example.org", "wrong password!").status_code == 429


def test_a_limit_counted_over_an_hour_says_to_wait_an_hour_not_a_minute(app, client):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "5 per minute; 2 per hour"
    make_user(email="lead@example.org")
    for number in range(2):
        assert login_post(client, "lead@example.org", "wrong password!", address=f"10.0.3.{number}").status_code == 401
    blocked = login_post(client, "lead@example.org", PASSWORD, address="10.0.3.9")
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many tries. Please wait 1 hour and try again." in html and "a minute" not in html


def test_viewing_the_login_page_is_not_limited(client):
    for _ in range(30):
        assert client.get("/login").status_code == 200


@pytest.fixture
def spanish_catalog(tmp_path):
    """A Spanish catalog with the words of the 429 page (the shipped catalogs are filled separately).

    Flask-Babel keeps loaded catalogs in one cache for every app of the process, so it is
    emptied before and after: this app reads this catalog, and later apps the shipped ones.
    """
    from webapp.extensions import babel

    catalog = Catalog(locale="es")
    catalog.add("Too many tries", "Demasiados intentos")
    catalog.add("Too many tries. Please wait a minute and try again.",
                "Demasiados intentos. Espere un minuto y vuelva a intentarlo.")
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    babel.domain_instance.cache.clear()
    yield tmp_path
    babel.domain_instance.cache.clear()


def test_429_page_is_in_the_readers_language(app_with, spanish_catalog):
    app = app_with(BABEL_TRANSLATION_DIRECTORIES=str(spanish_catalog), LOGIN_LIMIT_PER_ADDRESS="1 per minute")
    client = app.test_client()
    with app.app_context():
        assert login_post(client, "a@example.org", "wrong password!", lang="es").status_code == 401
        response = login_post(client, "a@example.org", "wrong password!", lang="es")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "Demasiados intentos. Espere un minuto y vuelva a intentarlo." in html
    assert "Retry-After" in response.headers


def test_redis_storage_is_shared_between_hosts(app_with):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    try:
        first_host = app_with(RATELIMIT_STORAGE_URI=REDIS_URL, LOGIN_LIMIT_PER_ADDRESS="3 per minute")
        second_host = app_with(RATELIMIT_STORAGE_URI=REDIS_URL, LOGIN_LIMIT_PER_ADDRESS="3 per minute")
        with first_host.app_context():
            client = first_host.test_client()
            for _ in range(3):
                assert login_post(client, "a@example.org", "wrong password!").status_code == 401
        assert any(b"/chorus/127.0.0.1/auth.login/" in key for key in connection.keys("*"))
        with second_host.app_context():
            assert login_post(second_host.test_client(), "b@example.org", "wrong password!").status_code == 429
    finally:
        connection.flushdb()
        connection.close()


@pytest.fixture
def redis_may_go_down():
    """One limiter serves every app of this test process: a test that finds its Redis down leaves the
    next app's storage up."""
    from webapp.extensions import limiter

    yield
    limiter._storage_dead = False


def test_with_redis_unreachable_sign_in_works_and_is_still_limited(app_with, redis_may_go_down):
    host = app_with(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    with host.app_context():
        client = host.test_client()
        make_user(email="lead@example.org")
        assert login_post(client, "lead@example.org", PASSWORD, address="10.0.3.1").status_code == 302  # no 500
        for _ in range(3):
            assert login_post(client, "a@example.org", "wrong password!").status_code == 401
        assert login_post(client, "a@example.org", "wrong password!").status_code == 429  # counted in memory


def test_a_redis_that_never_answers_holds_sign_in_for_about_a_second_not_minutes(app_with, redis_may_go_down):
    import socket
    import time

    with socket.socket() as silent:  # takes connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        host = app_with(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        with host.app_context():
            started = time.monotonic()
            assert login_post(host.test_client(), "a@example.org", "wrong password!").status_code == 401
            assert time.monotonic() - started < 10


def test_every_limited_view_is_known_to_the_limiters_hooks(app):
    """The limiter's hooks skip views ``rate_limited`` did not mark; a limit added another way would go unchecked."""
    from webapp.extensions import _LIMITED_VIEWS, limiter

    assert _LIMITED_VIEWS
    assert limiter._marked_for_limiting <= _LIMITED_VIEWS  # Flask-Limiter's own record of decorated views


def test_requests_to_views_without_limits_leave_the_limiter_alone(client):
    """The survey and other pages are never counted, however many times they are asked for."""
    for _ in range(30):
        assert client.get("/login").status_code == 200
        assert client.get("/healthz").status_code == 200
    assert "X-RateLimit-Limit" not in client.get("/healthz").headers


def test_the_limiters_hooks_all_wait_for_a_limited_view(app):
    from webapp.extensions import limiter

    hooks = [*app.before_request_funcs[None], *app.after_request_funcs[None], *app.teardown_request_funcs[None]]
    assert not [hook for hook in hooks if getattr(hook, "__self__", None) is limiter or limiter in getattr(hook, "args", ())]


def test_a_limited_sign_in_still_says_how_many_tries_are_left(client):
    response = login_post(client, "someone@example.org", "wrong password!")
    assert response.status_code == 401
    assert response.headers["X-RateLimit-Limit"]


def test_too_many_tries_show_the_sign_in_form_again_with_the_email_kept(client):
    for number in range(5):
        assert login_post(client, "lead@example.org", "wrong password!", address=f"10.0.4.{number}").status_code == 401
    blocked = login_post(client, "lead@example.org", "wrong password!", address="10.0.4.9")
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert "Too many tries. Please wait a minute and try again." in html
    assert form_values(html, "login")["email"] == ["lead@example.org"] and "wrong password!" not in html
