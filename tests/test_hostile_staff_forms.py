"""Hostile input to the admin forms (accounts, campaigns, needs, wording): whatever is posted,
no 500, no partial write, each refusal a clear message, and nothing comes back as live markup."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from tests.factories import make_campaign, make_user
from tests.helpers import form_values
from tests.hostile_helpers import FUZZ, assert_answered, audit_count, changes_to, count, form_of, page_form
from webapp.extensions import db
from webapp.models import Campaign, CampaignAssignment, CampaignText, Need, NeedText, PasswordResetToken, User

pytestmark = pytest.mark.slow

#: ids a URL or a form may name: none, unknown, too large for the database, not a number
WRONG_IDS = ["0", "-1", "999999", "2147483648", "99999999999999999999", "abc", ""]


@pytest.fixture
def admin(client, auth):
    user = make_user("admin@example.org", "admin")
    auth.login_as(user)
    return user


@pytest.fixture
def campaign(app):
    return make_campaign(slug="north", languages=("en", "es"))


# --- accounts ----------------------------------------------------------------------------------

emails = st.one_of(st.sampled_from(["new@example.org", "ADMIN@example.org", "a@b.c", "x@y", "İ" * 240 + "@x.org"]),
                   st.emails().map(str))


@FUZZ
@given(changes=changes_to({"email": emails, "role": st.sampled_from(["lead", "admin", "boss"]),
                           "campaigns": st.sampled_from(["1", "2", "3"])}))
def test_any_new_account_post_creates_one_whole_account_or_nothing(client, admin, campaign, changes):
    data = page_form(client, "/admin/users/new", "user") | {"email": ["someone@example.org"]}
    before = (count(User), count(CampaignAssignment), count(PasswordResetToken), audit_count())
    response = client.post("/admin/users/new", data=data | changes)
    assert_answered(client, response, (200, 400, 413, 422))
    after = (count(User), count(CampaignAssignment), count(PasswordResetToken), audit_count())
    if response.status_code != 200:
        assert after == before
        return
    user = db.session.scalars(select(User).order_by(User.id.desc())).first()
    assert after == (before[0] + 1, before[1] + len(user.assignments), before[2] + 1, before[3] + 2)
    assert "/reset/" in response.get_data(as_text=True)
    assert len(user.email) <= 254 and "@" in user.email


def account_state(user_id: int) -> tuple:
    db.session.rollback()
    user = db.session.get(User, user_id)
    return user.role, user.is_active, sorted(user.campaign_ids)


@FUZZ
@given(changes=changes_to({"role": st.sampled_from(["lead", "admin", "outreach"]),
                           "campaigns": st.sampled_from(["1", "2"]), "is_active": st.sampled_from(["y", ""])}),
       target=st.one_of(st.sampled_from(["worker", "self"]), st.sampled_from(WRONG_IDS)))
def test_any_account_edit_changes_the_account_wholly_or_not_at_all(client, admin, campaign, changes, target):
    db.session.execute(update(User).where(User.id != admin.id).values(role="outreach"))  # admin is the last one
    db.session.commit()  # before count() below rolls back: an earlier example may have promoted a worker
    worker = make_user(f"w{count(User)}@example.org", "outreach", campaigns=[campaign])
    user_id = {"worker": worker.id, "self": admin.id}.get(target, target)
    data = page_form(client, f"/admin/users/{worker.id}", "user")
    before, audits = (account_state(worker.id), account_state(admin.id)), audit_count()
    response = client.post(f"/admin/users/{user_id}", data=data | changes)
    assert_answered(client, response, (302, 400, 404, 413, 422), notice_after_redirect=True)
    after = (account_state(worker.id), account_state(admin.id))
    assert after[1][:2] == ("admin", True)  # the last admin is never demoted nor locked out
    if response.status_code != 302:
        assert (after, audit_count()) == (before, audits)
    else:
        changed = sum(a != b for pair in zip(before, after) for a, b in zip(*pair))
        assert audit_count() - audits == changed


@FUZZ
@given(changes=changes_to(["confirm"]), target=st.one_of(st.just("worker"), st.sampled_from(WRONG_IDS)))
def test_any_reset_link_post_issues_one_link_or_nothing(client, admin, changes, target):
    worker = make_user(f"w{count(User)}@example.org", "outreach")
    user_id = worker.id if target == "worker" else target
    data = form_of(client.get(f"/admin/users/{worker.id}").get_data(as_text=True), "/reset-link")
    before, audits = count(PasswordResetToken), audit_count()
    response = client.post(f"/admin/users/{user_id}/reset-link", data=data | changes)
    assert_answered(client, response, (200, 400, 404, 413))
    if response.status_code == 200:
        assert "/reset/" in response.get_data(as_text=True)
        assert (count(PasswordResetToken), audit_count()) == (before + 1, audits + 1)
    else:
        assert (count(PasswordResetToken), audit_count()) == (before, audits)


# --- campaigns ---------------------------------------------------------------------------------

languages = st.sampled_from(["en", "es", "ar", "fr", "EN", "zz"])
slugs = st.one_of(st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}[a-z0-9]\Z"), st.sampled_from(["north", "a", "A-b"]))


@FUZZ
@given(changes=changes_to({"slug": slugs, "default_language": languages, "languages": languages, "title": None,
                           "intro": None}))
def test_any_new_campaign_post_creates_one_whole_campaign_or_nothing(client, admin, changes):
    data = page_form(client, "/admin/campaigns/new", "campaign") | {"slug": ["fresh"], "title": ["A title"]}
    before = (count(Campaign), count(CampaignText), audit_count())
    response = client.post("/admin/campaigns/new", data=data | changes)
    assert_answered(client, response, (302, 400, 413, 422), notice_after_redirect=True)
    after = (count(Campaign), count(CampaignText), audit_count())
    assert after == before if response.status_code != 302 else after == tuple(n + 1 for n in before)
    if response.status_code == 302:
        made = db.session.scalars(select(Campaign).order_by(Campaign.id.desc())).first()
        assert made.texts[made.default_language].title.strip()  # the default language has its title
        db.session.delete(made)  # keeps "fresh" free for the next example
        db.session.commit()


def campaign_state(slug: str = "north") -> tuple:
    db.session.rollback()
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    return (campaign.default_language, tuple(campaign.languages), tuple(campaign.profile_questions),
            campaign.is_open, audit_count())


@FUZZ
@given(changes=changes_to({"default_language": languages, "languages": languages,
                           "profile_questions": st.sampled_from(["age_band", "place", "income_band", "name"])}))
def test_any_settings_post_saves_every_setting_or_none(client, lead, changes):
    data = page_form(client, "/admin/campaigns/north/", "settings")
    before = campaign_state()
    response = client.post("/admin/campaigns/north/", data=data | changes)
    assert_answered(client, response, (302, 400, 413, 422), notice_after_redirect=True)
    after = campaign_state()
    if response.status_code != 302 or after[-1] == before[-1]:
        assert after == before
    else:
        assert after[-1] == before[-1] + 1 and after[0] in after[1]


@FUZZ
@given(changes=changes_to({"open": st.sampled_from(["0", "1"])}), needs=st.booleans())
def test_any_open_or_close_post_is_answered_clearly(client, lead, campaign, changes, needs):
    if not needs:
        for need in campaign.needs:
            db.session.delete(need)
        db.session.commit()
    data = form_of(client.get("/admin/campaigns/north/").get_data(as_text=True), "/status") | {
        "open": [str(int(not campaign.is_open))]}  # the form's button
    before = campaign_state()
    response = client.post("/admin/campaigns/north/status", data=data | changes)
    assert_answered(client, response, (302, 400, 413), notice_after_redirect=True)
    after = campaign_state()
    assert after == before or (after[3] != before[3] and after[-1] == before[-1] + 1)


@FUZZ
@given(changes=changes_to(["name_en", "name_es", "description_en", "description_es"]))
def test_any_add_need_post_adds_one_whole_need_or_nothing(client, lead, changes):
    data = page_form(client, "/admin/campaigns/north/needs", "need") | {"name_en": ["Parks"]}
    before = (count(Need), count(NeedText), audit_count())
    response = client.post("/admin/campaigns/north/needs", data=data | changes)
    assert_answered(client, response, (302, 400, 413, 422), notice_after_redirect=True)
    after = (count(Need), count(NeedText), audit_count())
    if response.status_code != 302:
        assert after == before
        return
    need = db.session.scalars(select(Need).order_by(Need.id.desc())).first()
    assert after == (before[0] + 1, before[1] + len(need.texts), before[2] + 1)
    assert need.texts["en"].name.strip() and len(need.key) <= 64


def need_state() -> tuple:
    """Every need's (id, campaign, position, asked), and the audit count."""
    db.session.rollback()
    rows = db.session.execute(select(Need.id, Need.campaign_id, Need.position, Need.retired_at.is_(None))
                              .order_by(Need.id)).all()
    return tuple(map(tuple, rows)), audit_count()


@FUZZ
@given(action=st.sampled_from(["move", "retire", "restore"]),
       which=st.one_of(st.sampled_from(["first", "last", "other campaign's"]), st.sampled_from(WRONG_IDS)),
       changes=changes_to({"direction": st.sampled_from(["up", "down"])}))
def test_any_need_list_button_changes_one_need_or_nothing(client, lead, campaign, action, which, changes):
    other = db.session.scalar(select(Campaign).where(Campaign.slug == "south")) or make_campaign(slug="south")
    ids = {"first": campaign.needs[0].id, "last": campaign.needs[-1].id, "other campaign's": other.needs[0].id}
    html = client.get("/admin/campaigns/north/needs").get_data(as_text=True)
    data = form_of(html, f"/needs/{campaign.needs[0].id}/move")
    before = need_state()
    response = client.post(f"/admin/campaigns/north/needs/{ids.get(which, which)}/{action}", data=data | changes)
    assert_answered(client, response, (302, 400, 404, 413))
    after = need_state()
    changed = [(old, new) for old, new in zip(before[0], after[0]) if old != new]
    assert all(old[1] == campaign.id for old, _new in changed)  # only this campaign's needs
    if changed:
        assert after[1] == before[1] + 1 and len(changed) == (2 if action == "move" else 1)
    else:
        assert after[1] == before[1]
    assert any(asked for _id, campaign_id, _position, asked in after[0] if campaign_id == campaign.id)


# --- wording and translations ------------------------------------------------------------------


def texts() -> tuple:
    db.session.rollback()
    return (tuple(db.session.execute(select(CampaignText.campaign_id, CampaignText.language, CampaignText.title,
                                            CampaignText.intro).order_by(CampaignText.language)).all()),
            tuple(db.session.execute(select(NeedText.need_id, NeedText.language, NeedText.name, NeedText.description)
                                     .order_by(NeedText.need_id, NeedText.language)).all()))


@FUZZ
@given(language=st.sampled_from(["en", "es", "es", "fr", "zz"]), data=st.data())
def test_any_wording_post_saves_every_piece_or_none(client, lead, campaign, language, data):
    needs = [f"need_{need.id}_{part}" for need in campaign.needs for part in ("name", "description")]
    changes = data.draw(changes_to(["title", "intro", *needs]))
    url = f"/admin/campaigns/north/content/{language}"
    shown = client.get(url)
    form = form_values(shown.get_data(as_text=True), "content") if shown.status_code == 200 else {}
    before, audits = texts(), audit_count()
    response = client.post(url, data=form | changes)
    assert_answered(client, response, (302, 400, 404, 413, 422), notice_after_redirect=True)
    if response.status_code != 302:
        assert (texts(), audit_count()) == (before, audits)
    else:
        assert audit_count() - audits in (0, 1, 2) and (texts() == before) == (audit_count() == audits)
        default = {row.language: row.title for row in texts()[0]}["en"]
        assert default.strip()  # the default language keeps its title
