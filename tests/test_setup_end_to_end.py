"""The issue's "done when", in one story: an admin made on the command line sets up a
campaign in two languages, prints its flyer, adds an outreach worker and a lead, and
each of them sees exactly what their role allows."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import AuthActions
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import Campaign

ADMIN_PASSWORD = "admin passphrase, long enough"


def one_time_link(response) -> str:
    return re.search(r'id="link" value="http://localhost([^"]+)"', response.get_data(as_text=True)).group(1)


def add_account(client, email: str, role: str, campaign_id: int) -> str:
    response = fill_and_post(client, "/admin/users/new",
                             {"email": email, "role": role, "campaigns": [str(campaign_id)]}, form_id="user")
    assert response.status_code == 200
    return one_time_link(response)


def set_password_and_sign_in(app, link: str, email: str, password: str):
    client = app.test_client()
    fill_and_post(client, link, {"new_password": password, "confirm": password}, form_id="reset")
    assert AuthActions(client).login(email, password).status_code == 302
    return client


def test_admin_from_the_cli_sets_up_a_campaign_and_lets_staff_in(app, runner, client, auth):
    result = runner.invoke(args=["users", "create", "--role", "admin", "--password-stdin", "admin@example.org"],
                           input=ADMIN_PASSWORD + "\n")
    assert result.exit_code == 0
    assert auth.login("admin@example.org", ADMIN_PASSWORD).status_code == 302

    fill_and_post(client, "/admin/campaigns/new", {"slug": "harbor", "languages": ["en", "es"],
                                                   "title": "Harbor health"}, form_id="campaign")
    fill_and_post(client, "/admin/campaigns/harbor/needs", {"name_en": "Clean air", "name_es": "Aire limpio"},
                  form_id="need")
    fill_and_post(client, "/admin/campaigns/harbor/content/es", {"title": "Salud en Harbor"}, form_id="content")
    token = form_values(client.get("/admin/campaigns/harbor/").get_data(as_text=True), None)["csrf_token"][0]
    client.post("/admin/campaigns/harbor/status", data={"csrf_token": token, "open": "1"})
    flyer = client.get("/admin/campaigns/harbor/flyer?lang=es").get_data(as_text=True)
    assert "Salud en Harbor" in flyer and "/s/harbor?lang=es" in flyer and "<svg" in flyer
    assert "Aire limpio" in client.get("/s/harbor?lang=es").get_data(as_text=True)

    campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.slug == "harbor"))
    worker = set_password_and_sign_in(app, add_account(client, "worker@example.org", "outreach", campaign_id),
                                      "worker@example.org", "worker passphrase, long enough")
    lead = set_password_and_sign_in(app, add_account(client, "lead@example.org", "lead", campaign_id),
                                    "lead@example.org", "lead passphrase, long enough")

    # the outreach worker: their home lists the campaign; nothing of the admin pages
    assert "Harbor health" in worker.get("/staff/").get_data(as_text=True)
    for url in ("/admin/", "/admin/campaigns/harbor/", "/admin/campaigns/harbor/flyer", "/admin/users", "/admin/audit"):
        assert worker.get(url).status_code == 403, url
    # the lead: their campaign's pages, but not accounts or the audit log
    for url in ("/admin/", "/admin/campaigns/harbor/", "/admin/campaigns/harbor/content/es",
                "/admin/campaigns/harbor/flyer?lang=es"):
        assert lead.get(url).status_code == 200, url
    for url in ("/admin/users", "/admin/audit", "/admin/campaigns/new"):
        assert lead.get(url).status_code == 403, url
    # the admin: everything
    for url in ("/admin/users", "/admin/audit"):
        assert client.get(url).status_code == 200
