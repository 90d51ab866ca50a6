"""Every free-text field staff fill in, saved with a hostile payload, is shown escaped on each
page that displays it, and exported CSVs start formula-like text with an apostrophe."""
from __future__ import annotations

import csv
import io

import pytest
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.factories import make_campaign, make_priority_response, make_user
from tests.helpers import fill_and_post, form_values
from tests.hostile_helpers import PAYLOADS, assert_inert, form_of
from tests.test_hostile_input import as_typed
from tests.test_theme_edits import add_answers
from webapp.extensions import db
from webapp.models import Meeting, Need, Theme
from webapp.services.analysis_runs import run_now
from webapp.services.summary_settings import parse_equity
from webapp.services.exports import BOM, FORMULA_STARTS

pytestmark = pytest.mark.slow


def as_saved(payload: str) -> str:
    """The payload as a form stores it: without control characters and outer spaces."""
    return as_typed(payload).strip()


def assert_shown_escaped(client, path: str, payload: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.get_data(as_text=True)
    assert_inert(html)
    assert str(escape(as_saved(payload))) in html, (path, payload)


def csv_cells(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv", path
    return [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix(BOM))) for cell in row]


def assert_exported_as_text(cells: list[str], payload: str) -> None:
    """The payload is in the export, an apostrophe before it when a spreadsheet would run it."""
    saved = as_saved(payload)
    assert ("'" + saved if saved.startswith(FORMULA_STARTS) else saved) in cells, payload
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)


@pytest.fixture
def campaign(app):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    for i in range(12):
        make_priority_response(campaign, {"housing": 1 + i % 5, "food": 5 - i % 5}, commit=False,
                               profile={"place": "east" if i % 3 else "west"})
    db.session.commit()
    return campaign


def test_need_names_and_descriptions_are_shown_escaped_and_exported_as_text(client, campaign, lead):
    for n, payload in enumerate(PAYLOADS):
        response = fill_and_post(client, "/admin/campaigns/north/needs",
                                 {"name_en": f"{payload} {n}", "description_en": payload}, form_id="need")
        assert response.status_code == 302, payload
    run_now(campaign, n_bootstrap=0)
    for n, payload in enumerate(PAYLOADS):
        for path in ("/s/north", "/admin/campaigns/north/needs", "/admin/campaigns/north/content/es",
                     "/coalition/north/summary"):
            assert_shown_escaped(client, path, f"{payload} {n}")
        assert_shown_escaped(client, "/s/north", payload)  # the description
    housing = db.session.scalar(select(Need.id).where(Need.key == "housing"))
    for payload in PAYLOADS:  # the brief names only the top needs, so a rated one is renamed
        response = fill_and_post(client, "/admin/campaigns/north/content/en", {f"need_{housing}_name": payload},
                                 form_id="content")
        assert response.status_code == 302, payload
        assert_shown_escaped(client, "/coalition/north/brief", payload)
    codebook = csv_cells(client, "/coalition/north/export.csv?table=codebook")
    for n, payload in enumerate(PAYLOADS):
        assert_exported_as_text(codebook, f"{payload} {n}")


def test_campaign_titles_and_introductions_are_shown_escaped(client, campaign, lead):
    for payload in PAYLOADS:
        data = {"title": payload, "intro": payload}
        assert fill_and_post(client, "/admin/campaigns/north/content/es", data, form_id="content").status_code == 302
        assert fill_and_post(client, "/admin/campaigns/north/content/en", data, form_id="content").status_code == 302
        for path in ("/s/north", "/s/north?lang=es", "/admin/campaigns/north/content/es", "/staff/",
                     "/admin/campaigns/north/flyer", "/coalition/north/brief"):
            assert_shown_escaped(client, path, payload)


def test_a_new_campaigns_title_is_shown_escaped(client, auth):
    auth.login_as(make_user("admin@example.org", "admin"))
    for n, payload in enumerate(PAYLOADS):
        response = fill_and_post(client, "/admin/campaigns/new", {"slug": f"c{n}", "title": payload, "intro": payload},
                                 form_id="campaign")
        assert response.status_code == 302, payload
        for path in (f"/admin/campaigns/c{n}/", "/admin/", f"/admin/campaigns/c{n}/content/en"):
            assert_shown_escaped(client, path, payload)


def test_meeting_titles_places_and_facilitators_are_shown_escaped_and_exported_as_text(client, lead):
    for payload in PAYLOADS:
        response = fill_and_post(client, "/coalition/north/meetings", {
            "title": payload, "held_on": "2099-01-01", "mode": "online", "place": payload, "facilitator": payload,
        }, form_id="meeting")
        assert response.status_code == 302, payload
        meeting = db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
        for path in ("/coalition/north/meetings", f"/coalition/north/meetings/{meeting.id}", f"/m/{meeting.code}"):
            assert_shown_escaped(client, path, payload)
    cells = csv_cells(client, "/coalition/north/meetings.csv")
    for payload in PAYLOADS:
        assert_exported_as_text(cells, payload)


def test_theme_names_are_shown_escaped_and_exported_as_text(client, campaign, lead):
    add_answers(campaign, rounds=3)
    run_now(campaign, n_bootstrap=0)
    theme_id = db.session.scalars(select(Theme.id).where(Theme.campaign_id == campaign.id)).first()
    for payload in PAYLOADS:
        html = client.get("/coalition/north/summary").get_data(as_text=True)
        form = form_of(html, "theme-rename") | {"theme_id": [str(theme_id)], "label": [payload]}
        assert client.post("/coalition/north/themes/rename", data=form).status_code == 302
        for path in ("/coalition/north/summary", "/coalition/north/brief"):
            assert_shown_escaped(client, path, " ".join(payload.split()))
        assert_exported_as_text(csv_cells(client, "/coalition/north/export.csv?table=answers"),
                                " ".join(payload.split()))


def test_margin_categories_and_the_equity_lens_are_shown_escaped(client, campaign, lead):
    for payload in [p for p in PAYLOADS if as_saved(p) and "\n" not in p]:  # one line: a comment, a category
        buffer = io.StringIO()
        csv.writer(buffer).writerows([("variable", "category", "target"), ("place", as_saved(payload), "0.5"),
                                      ("place", "east", "0.5")])
        lens = f"# {as_saved(payload)}\n{parse_equity('').text}"  # the default lens, with a comment
        response = fill_and_post(client, "/coalition/north/summary/settings",
                                 {"margins_csv": buffer.getvalue(), "equity_toml": lens}, form_id="analysis-settings")
        assert response.status_code == 302, payload
        run_now(campaign, n_bootstrap=0)
        for path in ("/coalition/north/summary", "/coalition/north/summary/settings"):
            assert_shown_escaped(client, path, payload)
        assert_inert(client.get("/coalition/north/brief").get_data(as_text=True))


def test_account_emails_are_shown_escaped(client, auth):
    auth.login_as(make_user("admin@example.org", "admin"))
    for payload in [p for p in PAYLOADS if p.isprintable() and " " not in p and "@" not in p]:
        email = f"{payload}@example.org".lower()
        response = fill_and_post(client, "/admin/users/new", {"email": email}, form_id="user")
        assert response.status_code == 200 and "/reset/" in response.get_data(as_text=True), payload
        assert_inert(response.get_data(as_text=True))
        for path in ("/admin/users", "/admin/audit"):
            assert_shown_escaped(client, path, email)


def test_event_names_and_places_are_shown_escaped_and_exported_as_text(client, campaign):
    worker = make_user("worker@example.org", "outreach", campaigns=[campaign])
    AuthActions(client).login_as(worker)
    for payload in PAYLOADS:
        response = fill_and_post(client, "/field/north/", {"name": payload, "date": "2026-11-22", "place": payload},
                                 form_id="event")
        assert response.status_code == 302, payload
        assert_shown_escaped(client, response.headers["Location"], payload)
        data = form_values(client.get(response.headers["Location"]).get_data(as_text=True), "entry")
        data |= {f"need_{need.key}": ["4"] for need in db.session.scalars(select(Need))} | {
            "respondent_language": ["en"]}
        assert client.post(response.headers["Location"], data=data).status_code == 302
        assert_shown_escaped(client, "/field/north/", payload)
    AuthActions(client).login_as(make_user("lead@example.org", "lead", campaigns=[campaign]))
    cells = csv_cells(client, "/coalition/north/export.csv?table=responses")
    for payload in PAYLOADS:
        assert_exported_as_text(cells, payload)
