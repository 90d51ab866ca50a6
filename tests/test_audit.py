"""The audit trail records who did what, when and from where; admins can read it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

import webapp
from tests.factories import make_campaign, make_user
from tests.helpers import fill_and_post
from webapp.extensions import db
from webapp.models import AuditEvent
from webapp.services import audit
from webapp.services.accounts import AccountError, issue_reset_token, update_user
from webapp.services.campaign_edits import NeedWords, save_content, set_campaign_open, update_settings
from webapp.services.needs import add_need, retire_need


def events(action=None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def test_role_and_assignment_changes_and_deactivation_are_recorded(app):
    admin = make_user(email="admin@example.org", role="admin")
    north = make_campaign(slug="north")
    worker = make_user(email="worker@example.org", role="outreach")
    update_user(worker, actor=admin, role="lead", campaign_ids=[north.id])
    update_user(worker, actor=admin, is_active=False)
    recorded = [(e.action, e.actor_id, e.target_type, e.target_id) for e in events()]
    assert recorded == [
        ("user.role_changed", admin.id, "users", worker.id),
        ("user.assignments_changed", admin.id, "users", worker.id),
        ("user.deactivated", admin.id, "users", worker.id),
    ]
    assert events("user.role_changed")[0].detail == {"from": "outreach", "to": "lead", "via": "web"}
    assert events("user.assignments_changed")[0].detail["added"] == ["north"]
    assert all(event.occurred_at is not None for event in events())


def test_the_last_admin_cannot_lock_everyone_out(app):
    admin = make_user(email="admin@example.org", role="admin")
    with pytest.raises(AccountError):
        update_user(admin, actor=admin, role="lead")
    with pytest.raises(AccountError):
        update_user(admin, actor=admin, is_active=False)
    assert events() == []


def test_content_and_need_edits_are_recorded_with_what_changed(app):
    lead = make_user(email="lead@example.org", role="lead")
    campaign = make_campaign(slug="north")
    save_content(campaign, "es", "Nuevo título", "", {}, actor=lead)
    need = add_need(campaign, {"en": NeedWords("Parks"), "es": NeedWords("Parques")}, actor=lead)
    retire_need(campaign, need, actor=lead)
    set_campaign_open(campaign, False, actor=lead)
    assert [e.action for e in events()] == ["content.edited", "need.added", "need.retired", "campaign.closed"]
    edited = events("content.edited")[0]
    assert edited.actor_id == lead.id and edited.detail == {"slug": "north", "language": "es", "pieces": ["title"]}
    assert events("need.added")[0].detail["key"] == "parks"


def test_logins_and_failed_logins_are_recorded_with_the_address(client, auth):
    user = make_user(email="lead@example.org")
    auth.login("lead@example.org", "wrong password!!", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    auth.login("lead@example.org", environ_base={"REMOTE_ADDR": "203.0.113.8"})
    failed, succeeded = events()
    assert (failed.action, failed.target_id, failed.actor_id, failed.ip) == ("login.failed", user.id, None, "203.0.113.7")
    assert failed.detail == {"reason": "wrong_password"}
    assert (succeeded.action, succeeded.actor_id, succeeded.ip) == ("login.succeeded", user.id, "203.0.113.8")


def test_an_edit_that_fails_leaves_no_audit_entry(app):
    lead = make_user(email="lead@example.org", role="lead")
    campaign = make_campaign(slug="north")
    from webapp.services.campaign_edits import CampaignError

    with pytest.raises(CampaignError):
        save_content(campaign, "en", "", "", {}, actor=lead)  # the default language needs a title
    db.session.rollback()
    assert events() == []


def test_unknown_actions_are_refused(app):
    with pytest.raises(ValueError):
        audit.record("something.made_up")


def test_admin_reads_the_audit_log_filtered_by_action(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    campaign = make_campaign(slug="north")
    save_content(campaign, "es", "Título", "", {}, actor=admin)
    auth.login("admin@example.org")
    page = client.get("/admin/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "content.edited" in html and "login.succeeded" in html
    filtered = client.get("/admin/audit?action=content.edited").get_data(as_text=True)
    assert shown("content.edited") in filtered and shown("login.succeeded") not in filtered
    by_prefix = client.get("/admin/audit?action=login").get_data(as_text=True)
    assert shown("login.succeeded") in by_prefix and shown("content.edited") not in by_prefix


def shown(action: str) -> str:
    """An action's code as a row of the audit log shows it, under its name in words."""
    return f'<code class="audit-code" dir="ltr">{action}</code>'


def test_every_recorded_action_has_a_name_in_words():
    from webapp.admin.audit import ACTION_LABELS

    assert set(ACTION_LABELS) == set(audit.ACTIONS)


def test_the_audit_log_names_each_action_in_words(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    save_content(make_campaign(slug="north"), "es", "Título", "", {}, actor=admin)
    auth.login_as(admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="content.edited">Wording edited</option>' in html
    assert f'<td class="audit-what">Wording edited {shown("content.edited")}</td>' in html


def test_the_audit_log_shows_a_change_as_before_and_after(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    campaign = make_campaign(slug="north")
    update_settings(campaign, campaign.default_language, campaign.languages, campaign.profile_questions, actor=admin,
                    contact="health@example.org")
    issue_reset_token(make_user(email="worker@example.org", role="outreach"), actor=admin, hours=24)
    auth.login_as(admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "How residents reach the coalition: <bdi>— → health@example.org</bdi>" in html and "&#39;from&#39;" not in html
    assert "Hours the link works: <bdi>24<" in html and "24.0" not in html


def test_audit_details_are_written_in_the_readers_words_whatever_their_kind(app):
    from webapp.admin.audit import detail_text

    with app.test_request_context("/?lang=es"):
        assert detail_text(True) == "Sí" and detail_text(False) == "No"
        assert detail_text(10**400) == str(10**400)  # larger than any float: no OverflowError
        assert detail_text(24.0) == "24" and detail_text(2.5) == "2.5" and detail_text(25000) == "25,000"
        assert detail_text({"from": "", "to": ["a", "b"]}) == "— → a, b"


def test_every_detail_the_audit_log_records_is_named_in_words():
    from webapp.admin.audit import DETAIL_LABELS

    recorded = set()
    for path in Path(webapp.__file__).parent.rglob("*.py"):  # every detail={...} passed to audit.record
        for call in re.findall(r"audit\.record\((.*?)\)\n", path.read_text(), re.S):
            recorded |= set(re.findall(r'"([a-z_]+)": ', call.split("detail=", 1)[-1]))
    recorded |= {"default_language", "languages", "profile_questions", "contact"}  # settings changed, as **changed
    assert recorded - set(DETAIL_LABELS) == set()


def test_the_audit_log_names_details_and_targets_in_the_readers_language(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    campaign = make_campaign(slug="north")
    update_settings(campaign, campaign.default_language, campaign.languages, campaign.profile_questions, actor=admin,
                    contact="health@example.org")
    auth.login_as(admin)
    html = client.get("/admin/audit?lang=es").get_data(as_text=True)
    assert "Cómo se comunican los residentes con la coalición: <bdi>— → health@example.org</bdi>" in html and "How residents" not in html
    assert "Dirección web: <bdi>north</bdi>" in html and "Campaña " in html
    assert ">campaign " not in html


def test_leads_cannot_read_the_audit_log(client, auth):
    lead = make_user(email="lead@example.org", role="lead")
    auth.login_as(lead)
    assert client.get("/admin/audit").status_code == 403


def test_creating_an_account_from_the_web_is_recorded(client, auth):
    admin = make_user(email="admin@example.org", role="admin")
    auth.login_as(admin)
    fill_and_post(client, "/admin/users/new", {"email": "new@example.org", "role": "lead"}, form_id="user")
    created, issued = events()
    assert created.action == "user.created" and created.actor_id == admin.id
    assert created.detail == {"email": "new@example.org", "role": "lead", "campaigns": [], "via": "web"}
    assert issued.action == "password.reset_issued" and issued.actor_id == admin.id
