"""Hostile input to signing out and the password forms: whatever is posted, no 500, no partial
write, each refusal a clear message, and nothing comes back as live markup."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_user
from tests.helpers import form_values
from tests.hostile_helpers import FUZZ, any_text, assert_answered, audit_count, changes_to, count, form_of, page_form
from webapp.extensions import db
from webapp.models import User
from webapp.services.accounts import issue_reset_token

pytestmark = pytest.mark.slow

NEW_PASSWORD = "a brand new long passphrase"

passwords = st.sampled_from([PASSWORD, NEW_PASSWORD, "x" * 1025, " " * 12])  # and any value, see changes_to


@FUZZ
@given(changes=changes_to(dict.fromkeys(["current_password", "new_password", "confirm"], passwords)))
def test_any_password_change_post_changes_it_wholly_or_not_at_all(app, changes):
    client, user = app.test_client(), make_user(f"w{count(User)}@example.org", "outreach")
    AuthActions(client).login_as(user)
    data = page_form(client, "/account/password", "password") | {
        "current_password": [PASSWORD], "new_password": [NEW_PASSWORD], "confirm": [NEW_PASSWORD]}
    before = (password_of(user.id), audit_count())
    response = client.post("/account/password", data=data | changes)
    assert_answered(client, response, (302, 400, 413, 422), notice_after_redirect=True)
    after = (password_of(user.id), audit_count())
    assert after == before if response.status_code != 302 else (after[0] != before[0] and after[1] == before[1] + 1)


def password_of(user_id: int) -> str:
    db.session.rollback()
    return db.session.get(User, user_id).password_hash


@FUZZ
@given(changes=changes_to(dict.fromkeys(["new_password", "confirm"], passwords)),
       token=st.one_of(st.just("issued"), any_text.filter(lambda t: "/" not in t and t.strip())))
def test_any_reset_post_sets_the_password_once_or_not_at_all(app, changes, token):
    client, user = app.test_client(), make_user(f"w{count(User)}@example.org", "outreach")
    issued = issue_reset_token(user, actor=None)
    data = form_values(client.get(f"/reset/{issued}").get_data(as_text=True), "reset") | {
        "new_password": [NEW_PASSWORD], "confirm": [NEW_PASSWORD]}
    url = "/reset/" + quote(issued if token == "issued" else token)
    before = (password_of(user.id), audit_count())
    response = client.post(url, data=data | changes)
    assert_answered(client, response, (302, 400, 404, 410, 413, 422), notice_after_redirect=True)
    after = (password_of(user.id), audit_count())
    assert after == before if response.status_code != 302 else (after[0] != before[0] and after[1] == before[1] + 1)


@FUZZ
@given(changes=changes_to(["next"]))
def test_any_sign_out_post_signs_out_or_says_why_not(app, changes):
    client, user = app.test_client(), make_user(f"w{count(User)}@example.org", "outreach")
    AuthActions(client).login_as(user)
    data = form_of(client.get("/staff/").get_data(as_text=True), "/logout")
    audits = audit_count()
    response = client.post("/logout", data=data | changes)
    assert_answered(client, response, (302, 400, 413), notice_after_redirect=True)
    signed_in = client.get("/staff/").status_code == 200
    assert signed_in == (response.status_code != 302)
    assert audit_count() == audits + (not signed_in)
