"""Accounts at their edges: an admin editing their own account, links for deactivated accounts or made before a
password change, guessing the current password, emails as keyboards and pastes bring them, and a sign-in
page left open while the session changed."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_user
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import User
from webapp.services.accounts import change_password, issue_reset_token, update_user
from webapp.services.passwords import verify_password

NEW_PASSWORD = "a brand new long passphrase"


# --- an admin editing their own account ------------------------------------------------------


def test_an_admin_who_makes_themselves_a_lead_lands_on_their_home_not_a_refusal(client, auth):
    me = make_user(email="me@example.org", role="admin")
    make_user(email="other@example.org", role="admin")
    auth.login_as(me)
    response = fill_and_post(client, f"/admin/users/{me.id}", {"role": "lead"}, form_id="user")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    home = client.get("/staff/")
    assert home.status_code == 200 and "Saved." in home.get_data(as_text=True)
    db.session.refresh(me)
    assert me.role == "lead"


def test_an_admin_cannot_deactivate_their_own_account(client, auth):
    me = make_user(email="me@example.org", role="admin")
    make_user(email="other@example.org", role="admin")
    auth.login_as(me)
    response = fill_and_post(client, f"/admin/users/{me.id}", {"is_active": None}, form_id="user")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "You cannot deactivate your own account. Another administrator can." in html
    assert client.get("/staff/").status_code == 200  # still signed in
    db.session.refresh(me)
    assert me.is_active


def test_another_admin_can_still_deactivate_an_admin(client, auth):
    me = make_user(email="me@example.org", role="admin")
    other = make_user(email="other@example.org", role="admin")
    auth.login_as(me)
    response = fill_and_post(client, f"/admin/users/{other.id}", {"is_active": None}, form_id="user")
    assert response.status_code == 302
    db.session.refresh(other)
    assert not other.is_active


# --- one-time links ----------------------------------------------------------------------------


def test_no_link_is_made_for_a_deactivated_account_and_the_admin_is_told_why(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    gone = make_user(email="gone@example.org", is_active=False)
    auth.login_as(admin)
    page = client.get(f"/admin/users/{gone.id}")
    assert "Make a one-time link" not in page.get_data(as_text=True)
    token = form_values(page.get_data(as_text=True), None)["csrf_token"][0]
    response = client.post(f"/admin/users/{gone.id}/reset-link", data={"csrf_token": token}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'id="link"' not in html
    assert "This account is deactivated, so a one-time link would not work." in html


def test_a_link_made_before_a_password_change_no_longer_works(client):
    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=None)
    change_password(user, PASSWORD, NEW_PASSWORD)
    assert client.get(f"/reset/{token}").status_code == 410


def test_a_link_handed_out_before_deactivation_does_not_come_back_with_reactivation(client):
    admin = make_user(email="admin@example.org", role="admin")
    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=admin)
    update_user(user, actor=admin, is_active=False)
    update_user(user, actor=admin, is_active=True)
    assert client.get(f"/reset/{token}").status_code == 410


# --- guessing the current password ---------------------------------------------------------------


def change(client, current):
    return fill_and_post(client, "/account/password",
                         {"current_password": current, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                         form_id="password")


def test_guessing_the_current_password_on_the_change_form_is_rate_limited(app, client, auth):
    user = make_user(email="lead@example.org")
    auth.login_as(user)
    for number in range(5):
        assert change(client, f"a wrong guess {number}").status_code == 422
    assert change(client, PASSWORD).status_code == 429
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)
    # another account is not held up
    other = app.test_client()
    AuthActions(other).login_as(make_user(email="other@example.org"))
    assert change(other, PASSWORD).status_code == 302


def test_changing_the_password_with_the_right_one_does_not_use_up_the_limit(app, client, auth):
    user = make_user(email="lead@example.org")
    auth.login_as(user)
    current = PASSWORD
    for number in range(6):
        new = f"{NEW_PASSWORD} {number}"
        response = fill_and_post(client, "/account/password",
                                 {"current_password": current, "new_password": new, "confirm": new},
                                 form_id="password")
        assert response.status_code == 302
        current = new


# --- emails as typed ---------------------------------------------------------------------------


def test_an_email_typed_in_full_width_or_pasted_with_invisible_marks_signs_in(client, auth):
    make_user(email="lead@example.org")
    assert auth.login("ｌｅａｄ＠ｅｘａｍｐｌｅ．ｏｒｇ").status_code == 302  # a CJK keyboard in full-width mode
    with client.session_transaction() as session:
        session.clear()
    assert auth.login("\u200blead@example.org\u200e").status_code == 302  # copied from a chat or a document


def test_the_account_form_takes_a_pasted_email_with_spaces_around_it(client, auth):
    auth.login_as(make_user(email="admin@example.org", role="admin"))
    response = fill_and_post(client, "/admin/users/new", {"email": " New.Worker@example.org\t"}, form_id="user")
    assert response.status_code == 200 and 'id="link"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "new.worker@example.org")) is not None


def test_the_command_line_refuses_an_address_with_a_name_around_it(runner):
    result = runner.invoke(args=["users", "create", "--role", "admin", "--password-stdin",
                                 "First Admin <first@example.org>"], input=NEW_PASSWORD + "\n")
    assert result.exit_code != 0 and "not an email address" in result.output
    assert db.session.scalar(select(User)) is None


def test_a_huge_email_is_not_kept_whole_as_a_rate_limit_key(app):
    from webapp.auth.routes import _login_account_key

    with app.test_request_context("/login", method="POST", data={"email": "a" * 100_000 + "@example.org"}):
        assert len(_login_account_key()) < 300


# --- a sign-in page left open ------------------------------------------------------------------


def test_a_sign_in_page_left_open_while_the_session_changed_is_shown_again_with_the_email(app, client):
    make_user(email="lead@example.org")
    stale = form_values(client.get("/login?next=/staff/").get_data(as_text=True), "login")
    AuthActions(client).login("lead@example.org")  # in another tab: a fresh session, a new form token
    AuthActions(client).logout()
    data = stale | {"email": ["lead@example.org"], "password": [PASSWORD]}
    response = client.post("/login", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This page was open for a long time. Please sign in again." in html
    again = form_values(html, "login")
    assert again["email"] == ["lead@example.org"] and again["password"] == [""] and again["next"] == ["/staff/"]
    retried = client.post("/login", data=again | {"password": [PASSWORD]})
    assert retried.status_code == 302 and retried.headers["Location"] == "/staff/"


def test_a_sign_in_with_a_stale_token_counts_once_against_the_address_limit(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "2 per minute"
    stale = {"csrf_token": ["not a token"], "email": ["a@example.org"], "password": ["wrong password!"]}
    assert client.post("/login", data=stale).status_code == 200
    assert client.post("/login", data=stale).status_code == 200
    assert client.post("/login", data=stale).status_code == 429


def test_a_post_without_any_form_token_is_still_refused(client):
    make_user(email="lead@example.org")
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302
