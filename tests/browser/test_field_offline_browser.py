"""Field mode in a real browser: entry with the network off, reload, sync exactly once; export and
upload; an expired session; two workers at one event."""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, STAFF_PASSWORD, axe_violations, horizontal_overflow, sign_in
from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import Campaign, Response

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def field(live_server):
    """Two outreach workers assigned to the demo campaign, and an event of it."""
    from tests.factories import make_user
    from webapp.services.field import create_event

    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        workers = [make_user(f"field-{n}-{uuid.uuid4().hex[:6]}@example.org", "outreach", campaigns=[campaign],
                             password=STAFF_PASSWORD).email for n in (1, 2)]
        event = create_event(campaign, name="Pantry day", date=dt.date.today(), place="St. Mark's hall")
        info = {"workers": workers, "event_id": event.id, "entry": f"/field/demo/events/{event.id}/entry"}
        db.session.remove()
    return info


@pytest.fixture(scope="module")
def signed_in(browser, live_server, field):
    """Each worker signs in once for the module (the sign-in page limits tries per address)."""
    states = {}
    for email in field["workers"]:
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, live_server, email)
        states[email] = context.storage_state()
        context.close()
    return states


def new_worker_page(browser, live_server, field, signed_in, email: str):
    """A phone-sized browser, signed in as ``email``, on the event's entry screen (ready offline)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  accept_downloads=True, storage_state=signed_in[email])
    page = context.new_page()
    page.goto(live_server.url + field["entry"])
    page.wait_for_selector("html[data-offline-ready='1']", timeout=15000)
    return context, page


@pytest.fixture
def worker(browser, live_server, field, signed_in):
    context, page = new_worker_page(browser, live_server, field, signed_in, field["workers"][0])
    yield page
    context.close()


def enter_response(page, paper: str, importance: int = 4, language: str = "Español") -> None:
    """Fill the entry form as a worker copying a paper form, and save it."""
    page.fill("#paper_number", paper)
    page.select_option("#respondent_language", label=language)
    fieldsets = page.locator("fieldset.rating")
    for index in range(fieldsets.count()):
        fieldsets.nth(index).locator("label.tile").nth(importance - 1).click()
    page.fill("#barrier", f"Paper form {paper}")
    page.get_by_role("button", name="Save and start the next one").click()
    expect(page.locator("#paper_number")).to_be_focused()
    message = page.locator("#sync-message").bounding_box()  # "saved" is in view, on a phone too
    assert 0 <= message["y"] and message["y"] + message["height"] <= page.viewport_size["height"]


def waiting(page) -> str:
    return page.locator("#waiting-count").inner_text()


def stored_with(live_server, prefix: str) -> list[Response]:
    """Stored responses whose paper number starts with ``prefix``."""
    with live_server.app.app_context():
        rows = db.session.scalars(select(Response).where(Response.paper_number.like(f"{prefix}%"))
                                  .order_by(Response.paper_number)).all()
        db.session.expunge_all()
        return rows


def wait_stored(live_server, prefix: str, count: int, seconds: float = 10) -> list[Response]:
    """The stored responses with ``prefix``, once there are ``count`` (or after ``seconds``)."""
    deadline = time.monotonic() + seconds
    stored = stored_with(live_server, prefix)
    while len(stored) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        stored = stored_with(live_server, prefix)
    return stored


def test_three_responses_entered_offline_survive_a_reload_and_are_stored_once(worker, live_server, field, artifacts):
    page = worker
    assert horizontal_overflow(page) == 0
    page.context.set_offline(True)
    for n in (1, 2, 3):
        enter_response(page, f"OFF-{n}", importance=n + 1)
        assert page.locator("#paper_number").input_value() == ""  # blank again, ready for the next
        expect(page.locator("#waiting-count")).to_have_text(f"{n}", timeout=20000)
    assert stored_with(live_server, "OFF-") == []
    page.screenshot(path=artifacts / "field-offline-360.png", full_page=True)

    reloaded = page.reload()  # still offline: the service worker serves the page, IndexedDB kept the queue
    assert reloaded.from_service_worker
    expect(page.locator("#waiting-count")).to_have_text("3", timeout=20000)
    assert page.locator("#event-count").inner_text() == "3"

    page.context.set_offline(False)
    expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)
    stored = wait_stored(live_server, "OFF-", 3)
    assert [r.paper_number for r in stored] == ["OFF-1", "OFF-2", "OFF-3"]
    assert {(r.event_id, r.channel, r.language) for r in stored} == {(field["event_id"], "paper", "es")}
    assert page.locator("#last-sync").inner_text() != "not yet"

    page.get_by_role("button", name="Send now").click()  # sending again stores nothing twice
    expect(page.locator("#sync-message")).not_to_have_text("")
    assert len(stored_with(live_server, "OFF-")) == 3


def test_a_paper_number_used_already_is_flagged_before_saving(worker, live_server):
    page = worker
    page.context.set_offline(True)
    enter_response(page, "DUP-1")
    page.fill("#paper_number", "DUP-1")
    page.get_by_role("button", name="Save and start the next one").click()
    assert page.get_by_text("This paper form number is already entered for this event.").first.is_visible()
    assert waiting(page) == "1"
    page.context.set_offline(False)
    expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)
    assert [r.paper_number for r in wait_stored(live_server, "DUP-", 1)] == ["DUP-1"]


def test_a_paper_number_sent_a_moment_ago_is_flagged_before_saving_again(worker, live_server):
    page = worker
    enter_response(page, "SENT-1")
    assert [r.paper_number for r in wait_stored(live_server, "SENT-", 1)] == ["SENT-1"]
    expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)  # sent, and gone from the queue
    page.fill("#paper_number", "SENT-1")
    page.get_by_role("button", name="Save and start the next one").click()
    assert page.get_by_text("This paper form number is already entered for this event.").first.is_visible()
    assert waiting(page) == "0"


def test_a_page_reloaded_offline_still_counts_and_flags_what_was_sent_since_it_was_saved(worker, live_server):
    page = worker
    enter_response(page, "KEPT-1")
    assert [r.paper_number for r in wait_stored(live_server, "KEPT-", 1)] == ["KEPT-1"]
    expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)
    count = page.locator("#event-count").inner_text()
    page.context.set_offline(True)
    assert page.reload().from_service_worker  # the copy saved when the page was first opened
    expect(page.locator("#event-count")).to_have_text(count, timeout=20000)
    page.fill("#paper_number", "KEPT-1")
    page.get_by_role("button", name="Save and start the next one").click()
    assert page.get_by_text("This paper form number is already entered for this event.").first.is_visible()
    assert waiting(page) == "0"
    page.context.set_offline(False)


def test_exported_waiting_responses_upload_once_however_often(browser, live_server, field, signed_in, tmp_path):
    context, page = new_worker_page(browser, live_server, field, signed_in, field["workers"][0])
    context.set_offline(True)
    enter_response(page, "EXP-1")
    enter_response(page, "EXP-2", importance=2)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Save waiting responses to a file").click()
    path = tmp_path / "queue.json"
    download_info.value.save_as(path)
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported["format"] == "chorus-field-queue" and len(exported["responses"]) == 2
    assert "-part-" not in download_info.value.suggested_filename  # one file when one will do
    context.close()  # the device's storage is lost before it ever got a connection

    context, page = new_worker_page(browser, live_server, field, signed_in, field["workers"][1])
    for attempt in range(2):
        page.goto(f"{live_server.url}/field/demo/upload")
        page.set_input_files("#queue_file", str(path))
        page.get_by_role("button", name="Upload").click()
        summary = page.locator("#upload-summary").inner_text()
        assert ("Stored: 2." if attempt == 0 else "Already stored: 2.") in summary
    context.close()
    stored = stored_with(live_server, "EXP-")
    assert [r.paper_number for r in stored] == ["EXP-1", "EXP-2"]


SEED_QUEUE = """async ({count, prefix}) => {
  const entry = document.getElementById('field-entry').dataset;
  const needs = Array.from(document.querySelectorAll('fieldset.rating'), (rating) => rating.id);
  const queue = new ResponseQueue(entry.campaign);
  const start = Date.now() - count * 1000;
  await Promise.all(Array.from({length: count}, (_, n) => {
    const fields = {respondent_language: ['en'], paper_number: [prefix + String(n + 1).padStart(4, '0')]};
    needs.forEach((need) => { fields[need] = [String(1 + n % 5)]; });
    return queue.add({uuid: ResponseQueue.newUUID(), event_id: parseInt(entry.eventId, 10),
                      entered_by: parseInt(entry.worker, 10), created_at: new Date(start + n * 1000).toISOString(),
                      fields});
  }));
}"""


def test_a_queue_longer_than_one_upload_takes_is_saved_in_parts_each_uploaded(browser, live_server, field, signed_in,
                                                                               tmp_path):
    from webapp.services.field import MAX_BATCH

    context, page = new_worker_page(browser, live_server, field, signed_in, field["workers"][0])
    context.set_offline(True)  # a day at a pantry with no signal
    page.evaluate(SEED_QUEUE, {"count": MAX_BATCH + 1, "prefix": "PART-"})
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.get_by_role("button", name="Save waiting responses to a file").click()
    expect(page.locator("#sync-message")).to_have_text(
        "The waiting responses are saved in several files (2), each small enough to upload. "
        "Keep them until every one is uploaded.")
    deadline = time.monotonic() + 10
    while len(downloads) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    # the two start one after the other; a busy browser may report the second one first
    downloads.sort(key=lambda download: download.suggested_filename)
    names = [download.suggested_filename for download in downloads]
    assert len(names) == 2 and names[0].endswith("-part-1-of-2.json") and names[1].endswith("-part-2-of-2.json")
    assert names[0].removesuffix("-part-1-of-2.json") == names[1].removesuffix("-part-2-of-2.json")
    paths = []
    for download in downloads:
        paths.append(tmp_path / download.suggested_filename)
        download.save_as(paths[-1])
    parts = [json.loads(path.read_text(encoding="utf-8"))["responses"] for path in paths]
    assert [len(part) for part in parts] == [MAX_BATCH, 1]
    numbers = [response["fields"]["paper_number"][0] for part in parts for response in part]
    assert numbers == [f"PART-{n:04d}" for n in range(1, MAX_BATCH + 2)]  # in the order they were entered
    context.close()  # the device's storage is lost before it ever got a connection

    context, page = new_worker_page(browser, live_server, field, signed_in, field["workers"][1])
    for path, count in zip(paths, (MAX_BATCH, 1)):
        page.goto(f"{live_server.url}/field/demo/upload")
        page.set_input_files("#queue_file", str(path))
        page.get_by_role("button", name="Upload").click()
        assert f"Stored: {count}. Already stored: 0." in page.locator("#upload-summary").inner_text()
    context.close()
    assert len(stored_with(live_server, "PART-")) == MAX_BATCH + 1


def test_sync_after_the_session_expired_keeps_the_queue_until_signed_in_again(worker, live_server, field):
    page = worker
    page.context.set_offline(True)
    enter_response(page, "EXPIRED-1")
    enter_response(page, "EXPIRED-2")
    page.context.clear_cookies()  # the session ended while the worker was offline
    page.context.set_offline(False)
    page.get_by_role("button", name="Send now").click()
    page.wait_for_selector("#sign-in-again:not([hidden])", timeout=20000)
    assert waiting(page) == "2" and stored_with(live_server, "EXPIRED-") == []
    assert "No connection" not in page.locator("#sync-message").inner_text()  # not above "Sign in again" any more

    page.get_by_role("link", name="Sign in again").click()
    page.fill("#email", field["workers"][0])
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{field['entry']}")
    expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)
    assert [r.paper_number for r in wait_stored(live_server, "EXPIRED-", 2)] == ["EXPIRED-1", "EXPIRED-2"]


def test_two_workers_at_the_same_event_are_each_counted_and_credited(browser, live_server, field, signed_in):
    pages = [new_worker_page(browser, live_server, field, signed_in, email) for email in field["workers"]]
    for number, (_context, page) in enumerate(pages):
        enter_response(page, f"TWO-{number}-a")
        enter_response(page, f"TWO-{number}-b")
    for _context, page in pages:
        expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)
    stored = wait_stored(live_server, "TWO-", 4)
    assert len(stored) == 4 and len({r.entered_by_id for r in stored}) == 2
    with live_server.app.app_context():
        total = db.session.scalar(select(db.func.count()).select_from(Response)
                                  .where(Response.event_id == field["event_id"]))
    _context, page = pages[0]
    page.get_by_role("button", name="Send now").click()
    expect(page.locator("#event-count")).to_have_text(f"{total}", timeout=20000)
    for context, _page in pages:
        context.close()


STANDALONE_LINKS = """() => Array.from(document.querySelectorAll('main a'))
    .filter(a => a.offsetParent !== null && a.parentElement.textContent.trim() === a.textContent.trim())
    .map(a => [a.textContent.trim(), Math.round(a.getBoundingClientRect().height)]).filter(([, h]) => h < 44)"""


def test_field_pages_pass_axe_and_fit_a_small_phone(worker, live_server):
    page = worker
    assert axe_violations(page) == []
    assert page.evaluate(STANDALONE_LINKS) == []  # "Other events", "Upload…": touch targets of their own
    page.goto(f"{live_server.url}/field/demo/")
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0
    assert page.evaluate(STANDALONE_LINKS) == []
    page.goto(f"{live_server.url}/field/demo/upload")
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0
    assert page.locator("input[type=file]").bounding_box()["height"] >= 44  # a touch target, as every control


def test_a_refused_response_stays_visible_with_its_reason_until_removed(worker, live_server, field):
    page = worker
    page.context.set_offline(True)
    enter_response(page, "CONF-1")
    # the same UUID was already stored from another copy with different answers
    queued = page.evaluate("() => new ResponseQueue('demo').all()")
    record = next(r for r in queued if r["fields"].get("paper_number") == ["CONF-1"])
    from webapp.services.campaigns import campaign_snapshot, survey_content
    from webapp.services.field import store_field_response
    from webapp.services.submissions import PrioritySubmission

    with live_server.app.app_context():
        campaign = campaign_snapshot("demo")
        content = survey_content(campaign, "en")
        store_field_response(campaign, content, PrioritySubmission(
            uuid.UUID(record["uuid"]), "en", {content.needs[0].key: 1}), event_id=field["event_id"],
            entered_by_id=None, paper_number=None, created_at=None)
        db.session.remove()
    page.context.set_offline(False)
    page.get_by_role("button", name="Send now").click()
    expect(page.locator("#problem-list li")).to_have_count(1, timeout=20000)
    expect(page.locator("#problem-list")).to_contain_text("Conflict")
    expect(page.locator("#waiting-count")).to_have_text("0")
    page.reload()  # a refused response is kept on the device, not dropped
    expect(page.locator("#problem-list li")).to_have_count(1, timeout=20000)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#problem-list").get_by_role("button", name="Remove").click()
    expect(page.locator("#problem-list li")).to_have_count(0)
    expect(page.locator("#problems")).to_be_hidden()


def test_offline_the_event_list_opens_and_other_pages_point_back_to_entry(worker, live_server, field):
    page = worker
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/field/demo/")
    expect(page.get_by_role("heading", name="Pantry day").first).to_be_visible()
    expect(page.get_by_role("link", name="Enter responses").first).to_be_visible()
    page.goto(f"{live_server.url}/field/demo/upload")  # never opened on this device
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    page.get_by_role("link", name="Back to entering responses").click()
    expect(page.locator("#entry")).to_be_visible()
    expect(page.locator("#waiting-count")).to_have_text("0")


def test_two_workers_typing_the_same_paper_number_offline_are_told_which_one_lost(browser, live_server, field,
                                                                                   signed_in):
    (first_context, first), (second_context, second) = [
        new_worker_page(browser, live_server, field, signed_in, email) for email in field["workers"]]
    for context, page in ((first_context, first), (second_context, second)):
        context.set_offline(True)
        enter_response(page, "SAME-1")
    first_context.set_offline(False)
    expect(first.locator("#waiting-count")).to_have_text("0", timeout=20000)
    second_context.set_offline(False)
    expect(second.locator("#waiting-count")).to_have_text("0", timeout=20000)
    expect(second.locator("#problem-list")).to_contain_text(
        "Paper form number (if any): This paper form number is already entered for this event.")
    # never "All waiting responses are sent" over a refusal
    assert second.locator("#sync-message").inner_text() == \
        "Sent, except the responses under “Responses that need attention”."
    assert len(wait_stored(live_server, "SAME-", 1)) == 1
    first_context.close()
    second_context.close()


def test_a_double_tap_on_save_queues_the_response_once(worker, live_server):
    page = worker
    page.context.set_offline(True)
    page.fill("#paper_number", "TAP-1")
    page.select_option("#respondent_language", label="English")
    fieldsets = page.locator("fieldset.rating")
    for index in range(fieldsets.count()):
        fieldsets.nth(index).locator("label.tile").nth(2).click()
    save = page.get_by_role("button", name="Save and start the next one")
    save.dblclick()  # (where the second click lands depends on whether the save had scrolled the page up)
    expect(page.locator("#waiting-count")).to_have_text("1")
    save.click()  # a slower double tap: its second half lands on the button after the save, on the fresh form
    expect(page.locator("#paper_number")).to_be_focused()
    assert "fix the marked answers" not in page.locator("#sync-message").inner_text()
    assert page.locator(".js-error, .has-error").count() == 0
    expect(page.locator("#waiting-count")).to_have_text("1")
    page.context.set_offline(False)
    expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)
    assert len(wait_stored(live_server, "TAP-", 1)) == 1
    time.sleep(0.5)
    assert len(stored_with(live_server, "TAP-")) == 1


def test_a_response_saved_while_a_send_is_under_way_is_sent_straight_after(worker, live_server):
    page = worker
    for n in range(4):  # online: each save starts a send; the next save lands during it
        enter_response(page, f"QUICK-{n}")
    assert len(wait_stored(live_server, "QUICK-", 4)) == 4  # well before the 30 s retry
    expect(page.locator("#waiting-count")).to_have_text("0")


KEPT_FIELD_PAGES = """async () => {
  const kept = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) { kept.push(new URL(request.url).pathname); }
  }
  return kept.filter((path) => path.startsWith('/field/') && path !== '/field/offline-fallback');
}"""


def test_signing_out_makes_the_device_forget_the_kept_field_pages(browser, live_server, field, signed_in):
    # last in the module: signing out ends this worker's sessions, which earlier tests reuse
    context, page = new_worker_page(browser, live_server, field, signed_in, field["workers"][1])
    try:
        assert field["entry"] in page.evaluate(KEPT_FIELD_PAGES)  # they name the worker and the event
        page.fill("#barrier", "A resident's words, half entered")
        assert len(page.evaluate(DRAFT_KEYS)) == 1
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")
        page.wait_for_function(f"({KEPT_FIELD_PAGES})().then((kept) => kept.length === 0)", timeout=10000)
        assert page.evaluate(KEPT_FIELD_PAGES) == []
        assert page.evaluate(DRAFT_KEYS) == []  # nor does the tab keep the half-entered response
    finally:
        context.close()


def test_offline_a_page_is_served_in_the_language_it_was_kept_in(worker, live_server):
    page = worker
    entry = page.url.split("?", 1)[0]
    for code in ("vi", "zh"):  # both kept while online
        page.goto(f"{entry}?lang={code}")
        expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[code].html_lang)
    page.goto(f"{entry}?lang=vi")
    page.context.set_offline(True)
    assert page.goto(f"{entry}?lang=zh").from_service_worker
    assert page.get_attribute("html", "lang") == LANGUAGES["zh"].html_lang  # not the Vietnamese copy
    page.context.set_offline(False)


DRAFT_KEYS = "() => Object.keys(sessionStorage).filter((key) => key.startsWith('chorus-field-draft:'))"


def test_a_half_entered_response_survives_a_language_switch_and_is_saved_once(worker, live_server):
    page = worker
    ratings = page.locator("fieldset.rating")
    ratings.first.locator("label.tile").nth(3).click()  # a 4
    page.fill("#paper_number", "DRAFT-1")
    page.fill("#barrier", "The clinic closes before the bus comes")
    page.select_option("#text_language", "vi")
    options = page.locator("#top_three input[type=checkbox]")
    for index in (0, 2):
        page.locator("#top_three label.option").nth(index).click()
    top = [options.nth(index).get_attribute("value") for index in (0, 2)]

    page.locator("details.staff-nav summary").click()  # staff pages fold the languages behind one line
    page.locator(".switcher").get_by_role("link", name="Español").click()  # a plain link: a new page
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.wait_for_selector("html[data-offline-ready='1']", timeout=15000)
    expect(page.locator("#draft-status")).to_have_text(page.get_attribute("#field-words", "data-draft-kept"))
    assert page.input_value("#paper_number") == "DRAFT-1"
    assert page.input_value("#barrier") == "The clinic closes before the bus comes"
    assert page.input_value("#text_language") == "vi"
    assert ratings.first.locator("input:checked").get_attribute("value") == "4"
    assert page.eval_on_selector_all("#top_three input:checked", "boxes => boxes.map((b) => b.value)") == top

    for index in range(1, ratings.count()):
        ratings.nth(index).locator("label.tile").nth(1).click()
    page.select_option("#respondent_language", "es")
    page.context.set_offline(True)
    page.locator("#entry button[type=submit]").click()
    expect(page.locator("#waiting-count")).to_have_text("1", timeout=20000)
    expect(page.locator("#draft-status")).to_have_text("")

    assert page.reload().from_service_worker
    expect(page.locator("#waiting-count")).to_have_text("1", timeout=20000)
    page.wait_for_timeout(1000)  # longer than the script waits before it says a draft was kept
    assert page.locator("#draft-status").inner_text() == "" and page.evaluate(DRAFT_KEYS) == []
    assert page.input_value("#paper_number") == "" and page.input_value("#barrier") == ""
    assert page.input_value("#text_language") != "vi"
    assert page.locator("#entry fieldset.rating input:checked, #top_three input:checked").count() == 0

    page.context.set_offline(False)
    expect(page.locator("#waiting-count")).to_have_text("0", timeout=20000)
    assert [r.paper_number for r in wait_stored(live_server, "DRAFT-", 1)] == ["DRAFT-1"]
    time.sleep(0.5)
    assert len(stored_with(live_server, "DRAFT-")) == 1


def test_a_need_may_be_left_unrated_but_not_every_one(worker, live_server):
    """A worker copies a paper form as it is: a blank need stays blank; a form with no rating at all is a slip."""
    page = worker
    page.context.set_offline(True)
    page.select_option("#respondent_language", label="English")
    save = page.get_by_role("button", name="Save and start the next one")
    save.click()
    ratings = page.locator("fieldset.rating")
    expect(ratings.first.locator(".js-error")).to_have_text("Please rate at least one need.")
    assert page.locator(".js-error").count() == 1  # not one complaint per need
    clear = page.locator(".clear-rating")
    assert clear.first.is_hidden()  # nothing to clear yet
    ratings.first.locator("label.tile").nth(2).click()  # a slip: the paper left the first need blank
    expect(clear.first).to_be_visible()
    assert clear.first.bounding_box()["height"] >= 44
    clear.first.click()
    assert ratings.first.locator("input:checked").count() == 0 and clear.first.is_hidden()
    ratings.nth(1).locator("label.tile").nth(4).click()  # only the second need, as on the paper
    save.click()
    expect(page.locator("#waiting-count")).to_have_text("1", timeout=20000)
    queued = page.evaluate("() => new ResponseQueue('demo').all()")
    assert len(queued) == 1 and [name for name in queued[0]["fields"] if name.startswith("need_")] == [
        ratings.nth(1).get_attribute("id")]


def test_the_written_language_follows_the_language_the_person_answered_in(worker):
    page = worker
    page.context.set_offline(True)
    expect(page.locator("label[for=text_language]")).to_have_text("What language did they write in?")
    assert page.input_value("#text_language") == ""  # "the same language they answered in", not the page's
    page.select_option("#respondent_language", "es")
    assert page.input_value("#text_language") == "es"
    page.select_option("#respondent_language", "en")
    assert page.input_value("#text_language") == "en"
    page.select_option("#text_language", "vi")  # chosen on purpose: it stays
    page.select_option("#respondent_language", "es")
    assert page.input_value("#text_language") == "vi"

    enter_response(page, "WRITTEN-1", language="Español")
    assert page.input_value("#respondent_language") == "es"
    assert page.input_value("#text_language") == "es"  # the next form starts from the person's language
    queued = page.evaluate("() => new ResponseQueue('demo').all()")
    assert [r["fields"]["text_language"] for r in queued] == [["vi"]]


def test_a_worker_taken_off_the_campaign_is_told_to_save_the_waiting_responses_to_a_file(browser, live_server, field,
                                                                                        tmp_path):
    from tests.factories import make_user
    from webapp.services.accounts import update_user

    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        email = make_user(f"field-off-{uuid.uuid4().hex[:6]}@example.org", "outreach", campaigns=[campaign],
                          password=STAFF_PASSWORD).email
        db.session.remove()
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, live_server, email)
        page.goto(live_server.url + field["entry"])
        page.wait_for_selector("html[data-offline-ready='1']", timeout=15000)
        context.set_offline(True)
        enter_response(page, "GONE-1")
        enter_response(page, "GONE-2")
        with live_server.app.app_context():  # an admin unticks the campaign while the worker is out
            from webapp.models import User

            update_user(db.session.scalar(select(User).where(User.email == email)), actor=None, campaign_ids=[])
            db.session.remove()
        sent = []
        page.on("request", lambda request: sent.append(request.url) if "/field/demo/" in request.url
                and ("/status" in request.url or "/api/" in request.url) else None)
        context.set_offline(False)
        notice = page.locator("#not-allowed")
        expect(notice).to_be_visible(timeout=20000)
        expect(notice).to_have_text("This account can no longer send responses to this campaign. The waiting responses "
                                    "are still on this device: save them to a file and give it to a lead.")
        assert "Trying again" not in page.locator("#sync-message").inner_text()
        assert waiting(page) == "2" and stored_with(live_server, "GONE-") == []

        tries = len(sent)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")  # what the retry timer and the network do
        enter_response(page, "GONE-3")  # a save sends straight after, too
        page.wait_for_timeout(1000)
        assert len(sent) == tries  # no more tries that can only fail
        expect(page.locator("#waiting-count")).to_have_text("3")
        assert "Trying again" not in page.locator("#sync-message").inner_text()

        with page.expect_download() as download_info:  # the queue is whole, to hand to a lead
            page.get_by_role("button", name="Save waiting responses to a file").click()
        path = tmp_path / "queue.json"
        download_info.value.save_as(path)
        exported = json.loads(path.read_text(encoding="utf-8"))["responses"]
        assert sorted(r["fields"]["paper_number"][0] for r in exported) == ["GONE-1", "GONE-2", "GONE-3"]
        assert stored_with(live_server, "GONE-") == []
    finally:
        context.close()


def test_upload_results_read_on_a_small_phone_in_english_and_arabic(browser, live_server, field, signed_in, tmp_path,
                                                                   artifacts):
    """The problems of each response are sentences in view, not a word a line beside a long identifier."""
    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        needs = [need.key for need in campaign.active_needs()]
        db.session.remove()

    def queued(paper: str, **fields) -> dict:
        answers = {f"need_{key}": ["3"] for key in needs} | {"paper_number": [paper], "respondent_language": ["en"]}
        return {"uuid": str(uuid.uuid4()), "event_id": field["event_id"], "created_at": "2026-01-02T10:00:00Z",
                "fields": answers | fields}

    context, page = new_worker_page(browser, live_server, field, signed_in, field["workers"][0])
    try:
        for code in ("en", "ar"):
            path = tmp_path / f"queue-{code}.json"
            path.write_text(json.dumps({"responses": [
                queued(f"NARROW-{code}-1", respondent_language=[""]), queued(f"NARROW-{code}-2", top_three=["nope"]),
                queued(f"NARROW-{code}-3")]}), encoding="utf-8")
            page.goto(f"{live_server.url}/field/demo/upload?lang={code}")
            page.set_input_files("#queue_file", str(path))
            page.locator("#upload button[type=submit]").click()
            page.wait_for_selector("#upload-summary")
            assert page.get_attribute("html", "dir") == ("rtl" if code == "ar" else "ltr")
            assert horizontal_overflow(page) == 0
            table = page.evaluate("""() => { const wrap = document.querySelector('.upload-results .table-wrap');
                return [wrap.scrollWidth, wrap.clientWidth]; }""")
            assert table[0] <= table[1], table  # every column in view, none scrolled off
            problems = page.locator(".upload-results .field-error")
            assert problems.count() == 2
            for index in range(problems.count()):
                box = problems.nth(index).bounding_box()
                assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
                assert box["width"] >= 250, box  # room for words, not one a line
            codes = page.locator(".upload-results tbody th > span[dir=ltr]")  # each on one line
            assert codes.count() == 3
            assert len({round(codes.nth(index).bounding_box()["height"]) for index in range(3)}) == 1
            assert codes.first.bounding_box()["height"] < 2 * problems.first.evaluate(
                "(el) => parseFloat(getComputedStyle(el).fontSize)")
            page.screenshot(path=artifacts / f"field-upload-360-{code}.png", full_page=True)
            assert axe_violations(page) == []
    finally:
        context.close()


def test_without_javascript_back_then_save_again_is_told_the_paper_form_is_entered_already(browser, live_server, field,
                                                                                  signed_in):
    """Back brings the entry form again from the server, with a new response UUID; the browser puts back
    what was typed, the paper number too, which is what tells the same paper form saved twice."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False,
                                  storage_state=signed_in[field["workers"][0]])
    page = context.new_page()
    try:
        page.goto(live_server.url + field["entry"])
        page.fill("#paper_number", "NOJS-1")
        page.select_option("#respondent_language", label="Tiếng Việt")
        page.locator("fieldset.rating").first.locator("input[value='5']").check()
        page.get_by_role("button", name="Save and start the next one").click()
        page.wait_for_load_state()
        assert "Saved." in page.content()
        page.go_back()
        page.wait_for_load_state()
        assert page.input_value("#paper_number") == "NOJS-1"
        page.get_by_role("button", name="Save and start the next one").click()
        page.wait_for_load_state()
        assert "This paper form number is already entered for this event." in page.content()
        assert len(stored_with(live_server, "NOJS-")) == 1
    finally:
        context.close()


def test_errors_found_before_saving_are_tied_to_their_questions_for_a_screen_reader(worker):
    worker.get_by_role("button", name="Save and start the next one").click()
    language = worker.locator("#respondent_language")
    expect(language).to_have_attribute("aria-invalid", "true")
    assert "respondent_language-js-error" in language.get_attribute("aria-describedby").split()
    expect(worker.locator("#respondent_language-js-error")).to_contain_text("language")
    first_need = worker.locator("fieldset.rating").first
    assert f"{first_need.get_attribute('id')}-js-error" in first_need.get_attribute("aria-describedby").split()
    worker.select_option("#respondent_language", label="Español")
    first_need.locator("label.tile").nth(2).click()
    worker.get_by_role("button", name="Save and start the next one").click()
    expect(worker.locator("#paper_number")).to_be_focused()
    assert language.get_attribute("aria-invalid") is None and language.get_attribute("aria-describedby") is None
    assert "-js-error" not in (first_need.get_attribute("aria-describedby") or "")
