"""Hostile requests found by sweeping every route, as every role, with odd query strings, methods,
bodies, headers, tokens and path values: each was a 500, left a file open, or lost what was typed."""
from __future__ import annotations

import pytest

import webapp.coalition.exports
from tests.factories import make_campaign, make_user
from tests.helpers import form_values
from tests.hostile_helpers import audit_count


@pytest.fixture
def lead(client, auth, app):
    campaign = make_campaign(slug="north")
    auth.login_as(make_user(email="lead@example.org", role="lead", campaigns=[campaign]))
    return campaign


@pytest.mark.parametrize("after", ["up-\u00b2", "down-\u2460", "retire-\u00b9\u00b2", "up-99999999999999999999", "up--1"])
def test_a_need_list_address_whose_focus_is_no_need_id_shows_the_list(client, lead, after):
    # ² and ① are digits to str.isdigit(), which int() refuses: the list shows, focused on nothing
    response = client.get("/admin/campaigns/north/needs", query_string={"after": after})
    assert response.status_code == 200, response.status_code
    assert "autofocus" not in response.get_data(as_text=True)


def test_the_need_list_still_focuses_the_need_just_moved(client, lead):
    need = lead.needs[1]
    html = client.get(f"/admin/campaigns/north/needs?after=up-{need.id}").get_data(as_text=True)
    assert "autofocus" in html


def test_the_xlsx_export_closes_its_temporary_file_whether_or_not_it_is_read(client, lead, monkeypatch):
    opened = []
    write_xlsx = webapp.coalition.exports.write_xlsx

    def remembered(*args, **kwargs):
        opened.append(write_xlsx(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(webapp.coalition.exports, "write_xlsx", remembered)
    response = client.get("/coalition/north/export.xlsx")
    assert response.status_code == 200
    response.close()  # before the body is read
    assert len(opened) == 1 and opened[0].closed
    monkeypatch.setattr(webapp.coalition.exports, "write_xlsx", lambda *args: pytest.fail("a HEAD wrote a workbook"))
    assert client.head("/coalition/north/export.xlsx").status_code == 200


EXPORTS = ["/coalition/north/export.xlsx", "/coalition/north/export.csv?table=ratings",
           "/coalition/north/members.csv", "/coalition/north/meetings.csv", "/coalition/north/meeting-answers.csv"]


@pytest.mark.parametrize("url", EXPORTS)
def test_a_head_on_an_export_says_what_it_would_be_and_is_not_recorded_as_a_download(client, lead, url):
    before = audit_count()
    response = client.head(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="north-')
    assert "Content-Length" not in response.headers  # as the streamed download has none (not: an empty file)
    assert audit_count() == before  # nothing was taken away
    response = client.get(url)
    assert response.status_code == 200 and response.get_data()
    assert audit_count() == before + 1


#: staff forms with typed text: (address, form id, a text field)
STAFF_FORMS = [
    ("/admin/campaigns/new", "campaign", "title"),
    ("/admin/campaigns/north/", None, "contact"),
    ("/admin/campaigns/north/needs", None, "name_en"),
    ("/admin/campaigns/north/content/es", "content", "title"),
    ("/admin/users/new", None, "email"),
    ("/coalition/north/summary/settings", None, "margins_csv"),
    ("/coalition/north/meetings", "meeting", "title"),
    ("/field/north/", "event", "name"),
]
TYPED = "Written over an hour, while signed in again in another tab"


def sent_with_a_stale_token(client, url, form_id, field):
    """Post the form at ``url`` with ``field`` typed, after the session's form-token secret changed (the person
    signed in again in another tab: a fresh session)."""
    data = form_values(client.get(url).get_data(as_text=True), form_id)
    assert data["csrf_token"], url
    with client.session_transaction() as session:
        session.pop("csrf_token", None)
    data[field] = [TYPED]
    return client.post(url, data=data)


@pytest.mark.parametrize(("url", "form_id", "field"), STAFF_FORMS)
def test_a_staff_form_sent_with_a_stale_token_comes_back_as_typed_and_saves_nothing(client, auth, url, form_id, field):
    make_campaign(slug="north")
    auth.login_as(make_user(email="admin@example.org", role="admin"))
    before = audit_count()  # every save is audited
    response = sent_with_a_stale_token(client, url, form_id, field)
    assert response.status_code == 400, response.status_code  # refused, as before, but with the form
    html = response.get_data(as_text=True)
    assert TYPED in html
    assert "nothing was saved" in html and 'class="error-summary' not in html  # said once, no complaint per field
    assert audit_count() == before


def test_a_staff_form_shown_again_after_a_stale_token_saves_when_sent_again(client, auth):
    make_campaign(slug="north")
    auth.login_as(make_user(email="admin@example.org", role="admin"))
    html = sent_with_a_stale_token(client, "/admin/campaigns/north/content/es", "content", "title").get_data(as_text=True)
    response = client.post("/admin/campaigns/north/content/es", data=form_values(html, "content"))
    assert response.status_code == 302
    assert TYPED in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(("url", "status"), [
    ("/admin/campaigns/south/content/es", 403), ("/admin/campaigns/north/content/fr", 404), ("/admin/users/999", 403),
])
def test_a_stale_token_on_a_staff_form_one_may_not_use_gets_its_refusal_not_a_500(client, auth, url, status):
    north, _south = make_campaign(slug="north"), make_campaign(slug="south")
    auth.login_as(make_user(email="lead@example.org", role="lead", campaigns=[north]))
    client.get("/admin/campaigns/north/content/es")  # the session has a form-token secret
    response = client.post(url, data={"csrf_token": "stale", "title": TYPED})
    assert response.status_code == status, response.status_code


def test_a_stale_token_on_an_unknown_account_is_not_found_for_an_admin(client, auth):
    auth.login_as(make_user(email="admin@example.org", role="admin"))
    response = client.post("/admin/users/999", data={"csrf_token": "stale", "role": "admin"})
    assert response.status_code == 404, response.status_code
