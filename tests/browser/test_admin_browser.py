"""An admin sets up a campaign on a small phone, in a real browser; the pages pass axe."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import axe_violations, horizontal_overflow, sign_in, staff_account
from webapp.extensions import db
from webapp.models import Campaign

pytestmark = pytest.mark.browser

ADMIN = "phone-admin@example.org"


def test_login_page_has_no_wcag_a_or_aa_violations(live_server, phone):
    phone.goto(f"{live_server.url}/login")
    assert horizontal_overflow(phone) == 0
    assert axe_violations(phone) == []


def test_admin_sets_up_a_campaign_on_a_small_phone(live_server, phone, artifacts):
    staff_account(live_server, ADMIN)
    sign_in(phone, live_server, ADMIN)

    phone.get_by_role("link", name="Start a new campaign").click()
    phone.fill("#slug", "riverside")
    phone.select_option("#default_language", "en")
    phone.locator("#languages").get_by_text("Español", exact=True).click()
    phone.fill("#title", "Riverside health priorities")
    phone.get_by_role("button", name="Create the campaign").click()
    phone.wait_for_url("**/admin/campaigns/riverside/needs")

    phone.fill("#name_en", "Safe streets")
    phone.fill("#name_es", "Calles seguras")
    phone.get_by_role("button", name="Add the need").click()
    phone.wait_for_url("**/admin/campaigns/riverside/needs*")
    assert "Safe streets" in phone.content()
    assert horizontal_overflow(phone) == 0
    phone.screenshot(path=artifacts / "admin-needs-360.png", full_page=True)

    phone.goto(f"{live_server.url}/admin/campaigns/riverside/content/es")
    phone.fill("#title", "Prioridades de salud de Riverside")
    phone.get_by_role("button", name="Save the wording").click()
    phone.wait_for_url("**/content/es")
    assert horizontal_overflow(phone) == 0
    assert axe_violations(phone) == []
    phone.screenshot(path=artifacts / "admin-content-es-360.png", full_page=True)

    phone.goto(f"{live_server.url}/admin/campaigns/riverside/")
    phone.get_by_role("button", name="Open the survey to residents").click()
    phone.get_by_role("link", name="Printable flyer").first.click()
    phone.wait_for_url("**/flyer")
    assert phone.locator("svg.qr-code").count() == 1
    phone.goto(f"{live_server.url}/admin/campaigns/riverside/flyer?lang=es")
    assert "Prioridades de salud de Riverside" in phone.content()
    assert f"{live_server.url}/s/riverside?lang=es" in phone.content()

    phone.goto(f"{live_server.url}/s/riverside?lang=es")
    assert "Calles seguras" in phone.content()
    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "riverside"))
        assert campaign.is_open and [need.key for need in campaign.needs] == ["safe_streets"]
        db.session.remove()


SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
        'main a, main button, nav a, nav button, label.option, input[type=text], select, textarea'))
    .filter(el => el.offsetParent !== null)
    // a link inside a sentence is exempt (WCAG 2.5.8); one that stands alone is not
    .filter(el => !(el.tagName === 'A' && el.closest('p') && el.closest('p').textContent.trim() !== el.textContent.trim()))
    .map(el => [el.textContent.trim().slice(0, 30) || el.id, el.getBoundingClientRect().height])
    .filter(([, h]) => h < 44)"""


@pytest.mark.parametrize("path", ["/admin/campaigns/demo/needs", "/admin/campaigns/demo/", "/admin/?lang=ar",
                                  "/admin/?lang=zh"])
def test_staff_pages_keep_touch_targets_at_least_44_px(live_server, phone, path):
    staff_account(live_server, ADMIN)
    sign_in(phone, live_server, ADMIN)
    phone.goto(f"{live_server.url}{path}")
    assert phone.evaluate(SMALL_TARGETS) == []
