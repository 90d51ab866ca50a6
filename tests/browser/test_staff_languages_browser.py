"""Staff pages as admins and outreach workers use them in Korean, Vietnamese and Haitian Creole, in a real browser:
where the focus goes after an action, what a time looks like, what a finger can tap, what a table keeps whole."""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, STAFF_PASSWORD, sign_in, staff_account
from webapp.extensions import db
from webapp.models import Campaign

pytestmark = pytest.mark.browser

ADMIN = "languages-admin@example.org"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def worker(live_server):
    """An outreach worker on the demo campaign (``email``), with an event to enter responses at (``entry``)."""
    from tests.factories import make_user
    from webapp.services.field import create_event

    email = f"languages-worker-{uuid.uuid4().hex[:6]}@example.org"
    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        make_user(email, "outreach", campaigns=[campaign], password=STAFF_PASSWORD)
        event = create_event(campaign, name="Fwa sante", date=dt.date(2026, 12, 5), place="Legliz Sen Pòl")
        entry = f"/field/demo/events/{event.id}/entry"
        db.session.remove()
    return {"email": email, "entry": entry}


def phone_page(browser, viewport=PHONE):
    context = browser.new_context(viewport=viewport, device_scale_factor=2 if viewport == PHONE else 1,
                                  is_mobile=viewport == PHONE, has_touch=viewport == PHONE)
    return context, context.new_page()


def test_a_failed_sign_in_puts_the_focus_on_what_went_wrong(live_server, phone):
    phone.goto(f"{live_server.url}/login?lang=ko")
    phone.fill("#email", "nobody@example.org")
    phone.fill("#password", "not the password")
    phone.locator("#login button[type=submit]").click()
    expect(phone.locator("#error-summary")).to_be_focused()
    expect(phone.locator("#email")).to_have_value("nobody@example.org")


def test_moving_a_need_with_the_keyboard_keeps_the_focus_on_its_button(live_server, phone):
    from tests.factories import make_campaign

    slug = f"keys-{uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        make_campaign(slug=slug, needs=("housing", "food", "transport", "parks"), languages=("en", "vi"))
        db.session.remove()
    staff_account(live_server, ADMIN)
    sign_in(phone, live_server, ADMIN)
    phone.goto(f"{live_server.url}/admin/campaigns/{slug}/needs?lang=vi")
    food = phone.locator(".need-item", has_text="food [vi]")  # found again on each new page
    food.locator("button[value=down]").focus()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    expect(food.locator("button[value=down]")).to_be_focused()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")  # food is last now: Move down is disabled, Move up has the focus
    assert phone.locator(".need-item .need-name > span:first-child").all_inner_texts()[-1] == "food [vi]"
    expect(food.locator("button[value=up]")).to_be_focused()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    expect(food.locator("button[value=up]")).to_be_focused()


#: the e-mails, addresses and action codes of the audit log that a line break cuts inside a word (a break after
#: "-", ".", "@" or "_" is where such a text may wrap), each with where it was cut
# an IPv6 address may wrap anywhere (it is longer than a phone's column); an IPv4 address, an e-mail, a code may not
BROKEN_MID_WORD = """() => Array.from(document.querySelectorAll('.audit-who, .audit-ip, .audit-code'))
  .filter(cell => !(cell.classList.contains('audit-ip') && cell.textContent.includes(':'))).flatMap(cell => {
    const text = cell.firstChild, cuts = [];
    for (let i = 1; text && i < text.length; i++) {
      const range = document.createRange(), before = document.createRange();
      range.setStart(text, i); range.setEnd(text, i + 1); before.setStart(text, i - 1); before.setEnd(text, i);
      const newLine = range.getBoundingClientRect().top > before.getBoundingClientRect().bottom - 1;
      if (newLine && !'-._@'.includes(text.data[i - 1])) {
        cuts.push(text.data.slice(0, i) + '|' + text.data.slice(i));
      }
    }
    return cuts;
  })"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_the_audit_log_never_cuts_an_email_or_address_inside_a_word(live_server, browser, viewport):
    staff_account(live_server, ADMIN)
    context, page = phone_page(browser, viewport)
    try:
        sign_in(page, live_server, ADMIN)
        page.goto(f"{live_server.url}/admin/audit?lang=ht")
        assert page.locator(".audit-who").count() > 0
        assert page.evaluate(BROKEN_MID_WORD) == []
    finally:
        context.close()


def test_the_entry_screen_writes_the_last_send_day_first_in_haitian_creole(live_server, phone, worker):
    # the browser has no Haitian Creole calendar: it wrote "12/5/2026, 6:27:05 PM", read in Haiti as 12 May
    sign_in(phone, live_server, worker["email"])
    phone.goto(f"{live_server.url}{worker['entry']}?lang=ht")
    last = phone.locator("#last-sync")
    expect(last).not_to_have_text("poko", timeout=15000)
    today = dt.datetime.now()
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", last.inner_text()), last.inner_text()
    assert last.inner_text().startswith(f"{today.day:02d}/{today.month:02d}/")


def test_links_that_stand_alone_on_staff_pages_are_tall_enough_to_tap(live_server, phone):
    staff_account(live_server, ADMIN)
    sign_in(phone, live_server, ADMIN)
    phone.goto(f"{live_server.url}/admin/users/new?lang=vi")
    phone.fill("#email", f"tap-{uuid.uuid4().hex[:6]}@example.org")
    phone.locator("#user button[type=submit]").click()
    heights = [phone.locator("main a", has_text="Quay lại tài khoản").bounding_box()["height"]]
    phone.goto(f"{live_server.url}/field/demo/upload?lang=vi")
    heights.append(phone.locator("main a", has_text="Quay lại danh sách sự kiện").bounding_box()["height"])
    phone.goto(f"{live_server.url}/reset/not-a-real-link?lang=vi")
    heights.append(phone.locator("main a", has_text="Đăng nhập").bounding_box()["height"])
    assert min(heights) >= 44, heights


def test_every_staff_navigation_link_is_wide_enough_to_tap_even_when_its_word_is_short(live_server, phone):
    staff_account(live_server, ADMIN)
    sign_in(phone, live_server, ADMIN)
    phone.goto(f"{live_server.url}/admin/campaigns/demo?lang=ko")  # Korean "홈" (Home) is one syllable
    boxes = [link.bounding_box() for link in phone.locator("nav.staff-nav a, .sub-nav a").all()]
    assert len(boxes) >= 5 and min(min(box["width"], box["height"]) for box in boxes) >= 44, boxes


def test_staff_pages_fold_the_languages_away_so_the_heading_starts_in_a_phones_first_screen(live_server, phone,
                                                                                               worker):
    sign_in(phone, live_server, worker["email"])
    phone.goto(f"{live_server.url}{worker['entry']}?lang=ko")
    assert phone.locator("h1").bounding_box()["y"] < 200  # under three rows of language names it was at 287
    switcher = phone.locator(".switcher")
    expect(switcher).to_be_hidden()
    phone.locator("details.staff-nav summary", has_text="한국어").click()
    expect(switcher).to_be_visible()
    switcher.get_by_role("link", name="Tiếng Việt").click()
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    phone.goto(f"{live_server.url}/s/demo?lang=ko")  # residents still see every language at once
    expect(phone.locator(".switcher")).to_be_visible()
    assert phone.locator("details.staff-nav").count() == 0


def test_an_uploaded_files_summary_takes_the_focus(live_server, phone, worker, tmp_path):
    queue_file = tmp_path / "waiting.json"
    queue_file.write_text(json.dumps({"format": "chorus-field-queue", "version": 1, "campaign": "demo",
                                      "responses": [{"uuid": str(uuid.uuid4()), "event_id": 0, "fields": {}}]}))
    sign_in(phone, live_server, worker["email"])
    phone.goto(f"{live_server.url}/field/demo/upload?lang=ko")
    phone.set_input_files("#queue_file", str(queue_file))
    phone.locator("#upload button[type=submit]").click()
    expect(phone.locator("#upload-summary")).to_be_focused()
