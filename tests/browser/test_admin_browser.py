"""An admin sets up a campaign on a small phone, in a real browser; the pages pass axe."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import PHONE, axe_violations, horizontal_overflow, sign_in, staff_account
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


# --- the audit page: wide on a desktop, scrolling in its own box on a phone ---------------------------------

AUDIT_READER = "audit-reader@example.org"
AUDIT_TABLE = """() => {
    const wrap = document.querySelector('main .table-wrap'), table = wrap.querySelector('table');
    const headers = Array.from(table.querySelectorAll('thead th')).map(th => th.getBoundingClientRect());
    return {scrolls: wrap.scrollWidth > wrap.clientWidth + 1,
            hidden: headers.filter(r => r.left < -1 || r.right > innerWidth + 1).length,
            narrowest: Math.min(...headers.map(r => r.width)),
            main: document.querySelector('main').getBoundingClientRect().width,
            codes: Array.from(table.querySelectorAll('tbody code')).map(code => code.textContent)};
}"""


@pytest.fixture
def long_audit_entries(live_server):
    """Entries as wide as real ones get: a long list of pieces, an IPv6 address, a long file path."""
    from webapp.models import AuditEvent

    staff_account(live_server, AUDIT_READER)
    with live_server.app.app_context():
        pieces = [f"need:neighbourhood_safety_{n}:description" for n in range(6)]
        db.session.add(AuditEvent(action="content.edited", target_type="campaign", target_id=1,
                                  detail={"slug": "demo", "language": "ar", "pieces": pieces},
                                  ip="2001:db8:85a3:8d3:1319:8a2e:370:7348"))
        db.session.add(AuditEvent(action="backup.created", detail={"file": "/srv/" + "chorusbackup" * 16 + ".db"}))
        db.session.commit()
        db.session.remove()


def audit_page_layout(browser, live_server, lang: str, viewport: dict, phone: bool = False) -> dict:
    """How the audit table lies in chromium at ``viewport``, and whether the page overflows sideways."""
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    try:
        page = context.new_page()
        sign_in(page, live_server, AUDIT_READER)
        page.goto(f"{live_server.url}/admin/audit?lang={lang}")
        return {**page.evaluate(AUDIT_TABLE), "overflow": horizontal_overflow(page)}
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_audit_table_uses_the_width_it_needs_on_a_desktop(live_server, browser, long_audit_entries, lang):
    layout = audit_page_layout(browser, live_server, lang, {"width": 1280, "height": 800})
    assert layout["main"] > 1000  # not held to the 42rem column of reading pages
    assert (layout["scrolls"], layout["hidden"], layout["overflow"]) == (False, 0, 0)  # Address, Details in view
    assert "content.edited" in layout["codes"]  # action codes are shown as they are, never translated


def test_the_audit_table_scrolls_in_its_own_box_on_a_phone(live_server, browser, long_audit_entries):
    layout = audit_page_layout(browser, live_server, "zh", PHONE, phone=True)
    assert layout["scrolls"] and layout["overflow"] == 0  # the box scrolls sideways, the page does not
    assert layout["narrowest"] >= 48  # no column squeezed to a character a line
