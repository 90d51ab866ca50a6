"""Staff accounts: password hashing, signing in and out, password change, one-time reset links."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import select

from tests.factories import PASSWORD, make_campaign, make_user
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import AuditEvent, PasswordResetToken, User, utcnow
from webapp.services.accounts import issue_reset_token
from webapp.services.passwords import hash_password, needs_rehash, verify_password

NEW_PASSWORD = "a brand new long passphrase"


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- hashing ---------------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2id_hash_never_in_plain_text(app):
    user = make_user(password=PASSWORD)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD + "x")


def test_the_same_password_hashes_differently_each_time(app):
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_production_uses_the_rfc_9106_argon2_profile():
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from webapp.config import settings_from_env

    settings = settings_from_env({"CHORUS_ENV": "production"}, "/tmp")
    assert (settings["ARGON2_TIME_COST"], settings["ARGON2_MEMORY_COST"], settings["ARGON2_PARALLELISM"]) == (
        RFC_9106_LOW_MEMORY.time_cost, RFC_9106_LOW_MEMORY.memory_cost, RFC_9106_LOW_MEMORY.parallelism,
    )


def test_hash_made_with_old_parameters_is_upgraded_at_sign_in(app, auth):
    from argon2 import PasswordHasher

    user = make_user(email="old@example.org")
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    db.session.commit()
    assert needs_rehash(user.password_hash)
    assert auth.login("old@example.org").status_code == 302
    db.session.refresh(user)
    assert not needs_rehash(user.password_hash) and verify_password(user.password_hash, PASSWORD)


# --- signing in ----------------------------------------------------------------------------


def test_login_with_right_password_signs_in_and_goes_to_staff_home(client, auth):
    make_user(email="lead@example.org", role="lead")
    response = auth.login("Lead@Example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    home = client.get("/staff/")
    assert home.status_code == 200 and "lead@example.org" in home.get_data(as_text=True)
    assert audit_actions() == ["login.succeeded"]


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client, auth):
    make_user(email="lead@example.org")
    wrong = auth.login("lead@example.org", "not the password at all")
    unknown = auth.login("nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    message = "The email or password is not right, or the account cannot sign in."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302  # still signed out
    assert audit_actions() == ["login.failed", "login.failed"]


def test_failed_login_on_unknown_email_does_not_store_what_was_typed(app, auth):
    auth.login("my secret password", "x" * 12)
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "login.failed" and "secret" not in str(event.detail)
    assert event.ip == "127.0.0.1"


def test_inactive_account_cannot_sign_in(client, auth):
    make_user(email="gone@example.org", is_active=False)
    response = auth.login("gone@example.org")
    assert response.status_code == 401
    assert client.get("/staff/").status_code == 302


def test_deactivating_an_account_signs_it_out_at_once(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    worker = make_user(email="worker@example.org")
    auth.login("worker@example.org")
    assert client.get("/staff/").status_code == 200
    from webapp.services.accounts import update_user

    update_user(worker, actor=admin, is_active=False)
    assert client.get("/staff/").status_code == 302


def test_next_brings_you_back_to_the_page_you_asked_for(client, auth):
    make_user(email="admin@example.org", role="admin")
    page = client.get("/admin/users")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/admin/users"
    response = fill_and_post(client, page.headers["Location"], {"email": "admin@example.org", "password": PASSWORD},
                             form_id="login")
    assert response.headers["Location"] == "/admin/users"


def test_next_pointing_to_another_site_is_ignored(client, auth):
    make_user(email="admin@example.org", role="admin")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = fill_and_post(client, "/login", {"email": "admin@example.org", "password": PASSWORD,
                                                     "next": target}, form_id="login")
        assert response.headers["Location"] == "/staff/", target


def test_login_starts_a_fresh_session(client, auth):
    make_user(email="lead@example.org", role="lead")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login("lead@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"]


def test_the_signed_in_address_reads_whole_on_a_right_to_left_page(client, auth):
    auth.login_as(make_user(email="1234.worker-a@example.org", role="lead"))
    html = client.get("/staff/?lang=ar").get_data(as_text=True)
    # isolated and left to right, or Arabic text around it would show "worker-a.1234"
    assert '<bdi dir="ltr">1234.worker-a@example.org</bdi>' in html


def test_session_cookie_is_httponly_and_samesite_and_secure_in_production():
    from webapp.config import settings_from_env

    settings = settings_from_env({"CHORUS_ENV": "production"}, "/tmp")
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["REMEMBER_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_HTTPONLY"]


def test_session_cookie_flags_on_the_wire(client, auth):
    make_user(email="lead@example.org")
    response = auth.login("lead@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_needs_a_post_with_the_form_token(client, auth):
    make_user(email="lead@example.org")
    auth.login("lead@example.org")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/staff/").status_code == 200
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/staff/").status_code == 302
    assert audit_actions()[-1] == "logout"


def test_staff_pages_are_not_cached(client, auth):
    user = make_user(email="lead@example.org", role="lead")
    auth.login_as(user)
    assert client.get("/staff/").headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers["Cache-Control"] == "no-store"


# --- changing your password ------------------------------------------------------------------


def change(client, current, new, confirm=None):
    return fill_and_post(client, "/account/password",
                         {"current_password": current, "new_password": new, "confirm": confirm or new},
                         form_id="password")


def test_password_change_requires_the_current_password(client, auth):
    user = make_user(email="lead@example.org")
    auth.login("lead@example.org")
    response = change(client, "not my password", NEW_PASSWORD)
    assert response.status_code == 422
    assert "Your current password is not right." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_password_change_refuses_short_or_mismatched_passwords(client, auth):
    make_user(email="lead@example.org")
    auth.login("lead@example.org")
    short = change(client, PASSWORD, "short")
    assert short.status_code == 422 and "Use at least 12 characters." in short.get_data(as_text=True)
    mismatch = change(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "!")
    assert "The two new passwords are not the same." in mismatch.get_data(as_text=True)


def test_password_change_works_and_keeps_this_session_but_ends_others(app, client, auth):
    user = make_user(email="lead@example.org")
    other_device = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other_device).login("lead@example.org")
    auth.login("lead@example.org")
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD) and user.password_changed_at is not None
    assert client.get("/staff/").status_code == 200
    assert other_device.get("/staff/").status_code == 302
    assert "password.changed" in audit_actions()


# --- one-time reset links --------------------------------------------------------------------


def issue_link_as_admin(client, auth, user) -> str:
    admin = make_user(email="admin@example.org", role="admin")
    auth.login_as(admin)
    page = client.get(f"/admin/users/{user.id}")
    token = form_values(page.get_data(as_text=True), None)["csrf_token"][0]
    response = client.post(f"/admin/users/{user.id}/reset-link", data={"csrf_token": token})
    assert response.status_code == 200
    link = re.search(r'id="link" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    with client.session_transaction() as session:
        session.clear()
    return link


def test_admin_issues_a_link_that_sets_the_password_once(client, auth):
    user = make_user(email="worker@example.org")
    link = issue_link_as_admin(client, auth, user)
    assert link.startswith("http://localhost/reset/")
    path = link.removeprefix("http://localhost")
    stored = db.session.scalars(select(PasswordResetToken)).one()
    assert path.rsplit("/", 1)[1] not in stored.token_hash  # only the hash is kept
    response = fill_and_post(client, path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, form_id="reset")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    again = client.get(path)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert auth.login("worker@example.org", NEW_PASSWORD).status_code == 302
    actions = audit_actions()
    assert "password.reset_issued" in actions and "password.reset_used" in actions


def test_reset_link_cannot_be_used_twice_even_from_a_form_opened_before(app, client):
    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=None)
    other_tab = app.test_client()
    first = form_values(client.get(f"/reset/{token}").get_data(as_text=True), "reset")
    second = form_values(other_tab.get(f"/reset/{token}").get_data(as_text=True), "reset")
    first |= {"new_password": [NEW_PASSWORD], "confirm": [NEW_PASSWORD]}
    second |= {"new_password": ["a different long passphrase"], "confirm": ["a different long passphrase"]}
    assert client.post(f"/reset/{token}", data=first).status_code == 302
    assert other_tab.post(f"/reset/{token}", data=second).status_code == 410
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_page_sends_only_its_origin_as_referrer_and_still_works_over_https(app, client):
    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=None)
    https = {"wsgi.url_scheme": "https"}
    page = client.get(f"/reset/{token}?lang=ar", environ_base=https)
    assert page.headers["Referrer-Policy"] == "origin"  # the token is not sent with its CSS and its form
    assert '<bdi dir="ltr">worker@example.org</bdi>' in page.get_data(as_text=True)  # whole in Arabic
    data = form_values(page.get_data(as_text=True), "reset") | {"new_password": [NEW_PASSWORD],
                                                                 "confirm": [NEW_PASSWORD]}
    # what a browser sends under that policy; Flask-WTF's HTTPS check of the referrer accepts it
    response = client.post(f"/reset/{token}", data=data, environ_base=https, headers={"Referer": "https://localhost/"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_one_time_link_tokens_are_kept_out_of_the_access_log(tmp_path):
    from types import SimpleNamespace

    from gunicorn.config import Config

    from webapp.access_log import RedactingLogger

    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = RedactingLogger(config)
    token = "s3cret-T0ken_value"
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/reset/{token}?lang=es", "PATH_INFO": f"/reset/{token}",
               "QUERY_STRING": "lang=es", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": f"https://survey.example.org/reset/{token}"}
    response = SimpleNamespace(status="200 OK", sent=120, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("REFERER", f"https://survey.example.org/reset/{token}")])
    logger.access(response, request, environ, dt.timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert "GET /reset/…?lang=es HTTP/1.1" in line and token not in line
    from webapp import serving

    assert serving.logger_class == "webapp.access_log.RedactingLogger"
    run_script = (Path(__file__).resolve().parent.parent / "run").read_text()
    assert "--config python:webapp.serving" in run_script  # ./run serve logs through it


def test_reset_link_expires(client):
    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=None)
    stored = db.session.scalars(select(PasswordResetToken)).one()
    stored.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/reset/{token}").status_code == 410


def test_reset_link_lifetime_is_configurable(app, client):
    app.config["PASSWORD_RESET_HOURS"] = 0.5
    user = make_user(email="worker@example.org")
    issue_reset_token(user, actor=None)
    stored = db.session.scalars(select(PasswordResetToken)).one()
    assert dt.timedelta(minutes=29) < stored.expires_at - stored.created_at <= dt.timedelta(minutes=30)


def test_a_new_link_replaces_the_previous_one(client):
    user = make_user(email="worker@example.org")
    first = issue_reset_token(user, actor=None)
    second = issue_reset_token(user, actor=None)
    assert client.get(f"/reset/{first}").status_code == 410
    assert client.get(f"/reset/{second}").status_code == 200


def test_made_up_link_is_refused(client):
    assert client.get("/reset/not-a-real-token").status_code == 410


def test_new_account_gets_a_link_and_cannot_sign_in_before_using_it(client, auth):
    campaign = make_campaign(slug="north")
    admin = make_user(email="admin@example.org", role="admin")
    auth.login_as(admin)
    response = fill_and_post(client, "/admin/users/new",
                             {"email": "New.Worker@example.org", "role": "outreach", "campaigns": [str(campaign.id)]},
                             form_id="user")
    assert response.status_code == 200
    link = re.search(r'id="link" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    user = db.session.scalar(select(User).where(User.email == "new.worker@example.org"))
    assert user.role == "outreach" and user.campaign_ids == {campaign.id}
    with client.session_transaction() as session:
        session.clear()
    path = link.removeprefix("http://localhost")
    fill_and_post(client, path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, form_id="reset")
    assert auth.login("new.worker@example.org", NEW_PASSWORD).status_code == 302


def test_an_email_too_long_once_lower_cased_is_refused_not_a_500(client, auth):
    auth.login_as(make_user(email="admin@example.org", role="admin"))
    email = "İ" * 240 + "@example.org"  # 252 characters as typed; "İ" lower-cases to two
    response = fill_and_post(client, "/admin/users/new", {"email": email}, form_id="user")
    assert response.status_code == 422
    assert "Please enter an email address, like name@example.org." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.role == "outreach")) is None


def test_reset_link_uses_public_base_url_when_set(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://survey.example.org"
    from webapp.links import public_url

    with app.test_request_context("/"):
        assert public_url("auth.reset_password", token="abc") == "https://survey.example.org/reset/abc"


def test_an_accounts_dates_are_written_in_haitian_creole_words(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    worker = make_user(email="worker@example.org", role="outreach")
    worker.created_at = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.timezone.utc)
    worker.last_login_at = dt.datetime(2026, 12, 3, 18, 25, tzinfo=dt.timezone.utc)
    db.session.commit()
    auth.login_as(admin)
    html = client.get(f"/admin/users/{worker.id}?lang=ht").get_data(as_text=True)
    assert "Kreye 21 novanm 2026." in html and "3 desanm 2026 18:25" in html and " M1" not in html
