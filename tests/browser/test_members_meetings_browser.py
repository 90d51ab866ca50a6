"""Members and meetings in a real browser: phones fill both forms at 360 px; axe on the forms and the
leads' pages; the meeting's QR code, decoded from a chromium screenshot, opens its evaluation."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from tests.browser.conftest import axe_violations, horizontal_overflow, sign_in, staff_account
from tests.browser.test_flyer_browser import decode_qr
from webapp.extensions import db
from webapp.models import Campaign, Meeting, MeetingEvaluation, MemberAssessment

pytestmark = pytest.mark.browser

ITEMS = ("goals", "participation", "leadership", "decisions", "cohesiveness", "conflict", "organisation",
         "productivity")


@pytest.fixture(scope="module")
def meeting(live_server):
    """A meeting of the demo campaign with three evaluations already (so its results show)."""
    from webapp.services.meetings import EvaluationSubmission, create_meeting, store_evaluation

    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        meeting = create_meeting(campaign, title="Partners meeting", held_on=dt.date.today(), mode="hybrid",
                                 place="Library")
        for score in (2, 4, 5):
            store_evaluation(meeting, EvaluationSubmission(
                uuid.uuid4(), "en", dict.fromkeys(ITEMS, score), {"welcome": "yes"},
                {"went_well": ("Clear agenda", "en"), "improve": ("Más tiempo para hablar", "es")}))
        info = {"id": meeting.id, "code": meeting.code}
        db.session.remove()
    return info


@pytest.fixture(scope="module")
def lead_context(live_server, browser):
    """A laptop-sized browser context signed in once as an admin."""
    staff_account(live_server, "members-admin@example.org")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "members-admin@example.org")
    page.close()
    yield context
    context.close()


def stored(live_server, model, **where):
    with live_server.app.app_context():
        rows = db.session.scalars(select(model).filter_by(**where)).all()
        db.session.expunge_all()
        return rows


def test_participant_evaluates_the_meeting_on_a_small_phone(live_server, phone, meeting, artifacts):
    before = len(stored(live_server, MeetingEvaluation, meeting_id=meeting["id"]))
    phone.goto(f"{live_server.url}/m/{meeting['code']}")
    assert horizontal_overflow(phone) == 0
    for item in ITEMS:
        if item == "conflict":
            phone.locator("#conflict").get_by_text("There was no conflict").click()
        else:
            phone.locator(f"#{item} label.tile").nth(3).click()  # 4
    phone.locator("#access_welcome").get_by_text("Yes").click()
    phone.fill("#went_well", "We finished on time.")
    phone.screenshot(path=artifacts / "meeting-evaluation-360.png", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url("**/thanks**")
    assert "We received your answers" in phone.content()
    evaluations = stored(live_server, MeetingEvaluation, meeting_id=meeting["id"])
    assert len(evaluations) == before + 1
    latest = evaluations[-1]
    assert (latest.goals, latest.conflict, latest.no_conflict, latest.access_welcome) == (4, None, True, "yes")


def test_member_fills_the_assessment_on_a_small_phone(live_server, phone, artifacts):
    before = len(stored(live_server, MemberAssessment))
    phone.goto(f"{live_server.url}/members/demo")
    assert horizontal_overflow(phone) == 0
    phone.fill("#name", "Rosa Phone")
    phone.locator("#directory_consent").get_by_text("Yes, list me").click()
    phone.locator("#sector").get_by_text("Faith-based group").click()
    phone.locator("#skills").get_by_text("Event planning").click()
    phone.locator("#assets").get_by_text("Meeting space").click()
    phone.locator("#languages").get_by_text("Español").click()
    phone.locator("#involvement").get_by_text("Help now and then").click()
    phone.locator("#competency_leadership label.tile").nth(2).click()
    phone.fill("#help_involved", "Childcare at meetings")
    phone.screenshot(path=artifacts / "member-assessment-360.png", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url("**/members/demo/thanks**")
    members = stored(live_server, MemberAssessment)
    assert len(members) == before + 1
    rosa = members[-1]
    assert (rosa.name, rosa.sector, rosa.involvement, rosa.competency_leadership) == (
        "Rosa Phone", "faith", "occasional", 3)


def test_back_after_sending_the_assessment_brings_back_every_box_and_a_resend_is_caught(live_server, phone):
    """Back loads the form afresh (this chromium keeps no back-forward cache) with a new response UUID:
    every box must come back as typed, so that sending again is recognised as the same answers."""
    before = len(stored(live_server, MemberAssessment))
    phone.goto(f"{live_server.url}/members/demo?lang=zh")
    phone.locator("#sector").locator("input[value='other']").check()
    phone.fill("#sector_other", "社区卫生工作者")
    phone.fill("#other_languages", "粤语, 台山话")
    phone.locator("#involvement").locator("input[value='occasional']").check()
    phone.locator("form button.button-primary[type=submit]").click()
    phone.wait_for_url("**/members/demo/thanks**")
    phone.go_back()
    phone.wait_for_load_state()
    assert (phone.input_value("#sector_other"), phone.input_value("#other_languages")) == ("社区卫生工作者", "粤语, 台山话")
    phone.locator("form button.button-primary[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-error").count() == 1  # not sent again: this device sent these answers
    assert len(stored(live_server, MemberAssessment)) == before + 1


def test_a_missing_answer_is_summarised_and_focused(live_server, phone):
    phone.goto(f"{live_server.url}/members/demo")
    phone.fill("#other_languages", "Somali")
    phone.get_by_role("button", name="Send my answers").click()
    phone.locator("#error-summary").wait_for()
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert phone.input_value("#other_languages") == "Somali"


def test_an_error_link_of_the_meeting_form_takes_focus_to_its_question(live_server, phone, meeting):
    phone.goto(f"{live_server.url}/m/{meeting['code']}?lang=ar")
    phone.locator("form button.button-primary[type=submit]").click()
    summary = phone.locator("#error-summary")
    summary.wait_for()
    summary.get_by_role("link").first.click()
    focused = phone.evaluate("document.activeElement.id")
    assert focused and phone.evaluate("location.hash") == f"#{focused}"  # the question, not the page's body
    assert phone.locator(f"#{focused} .field-error").is_visible()


def test_text_boxes_read_as_written_and_keep_everything_pasted(live_server, phone):
    phone.goto(f"{live_server.url}/members/demo?lang=ar")
    style = "el => [getComputedStyle(el).direction, getComputedStyle(el).unicodeBidi]"
    assert phone.eval_on_selector("#name", style) == ["rtl", "plaintext"]  # empty: the cursor starts on the right
    assert phone.eval_on_selector("#help_involved", style) == ["rtl", "plaintext"]  # each line by its own letters
    assert phone.eval_on_selector("#email", style)[0] == "ltr"
    long_name = "Community Health Workers Association of the Greater Rainier Valley " * 4  # 272 characters
    phone.fill("#organisation", long_name)
    assert phone.input_value("#organisation") == long_name  # not cut at 200 without a word
    phone.locator("form button.button-primary[type=submit]").click()
    phone.locator("#error-summary").wait_for()
    assert phone.input_value("#organisation") == long_name  # kept, with a message to shorten it
    assert phone.locator(".text-question.has-error #organisation").count() == 1


def test_forms_have_44_px_touch_targets(live_server, phone, meeting):
    for path in (f"/m/{meeting['code']}", "/members/demo"):
        phone.goto(live_server.url + path)
        too_small = phone.evaluate(
            """() => Array.from(document.querySelectorAll('label.tile, label.option, button, input[type=text], select, textarea'))
                  .filter(el => el.offsetParent !== null && !el.classList.contains('trap'))
                  .map(el => [el.textContent.trim().slice(0, 30) || el.id, el.getBoundingClientRect().height])
                  .filter(([, h]) => h < 44)""")
        assert too_small == [], path


@pytest.mark.parametrize("path", ["/m/{code}", "/m/{code}?lang=ar", "/members/demo", "/members/demo?lang=vi"])
@pytest.mark.parametrize("state", ["blank", "errors"])
def test_public_forms_have_no_wcag_a_or_aa_violations(live_server, phone, meeting, path, state):
    phone.goto(live_server.url + path.format(code=meeting["code"]))
    if state == "errors":
        phone.locator("button.button-primary").click()
        phone.locator("#error-summary").wait_for()
    assert axe_violations(phone) == []


@pytest.mark.parametrize("path", ["/coalition/demo/meetings", "/coalition/demo/meetings/{id}",
                                  "/coalition/demo/members"])
def test_leads_pages_have_no_wcag_a_or_aa_violations(live_server, lead_context, meeting, path, artifacts):
    page = lead_context.new_page()
    try:
        page.goto(live_server.url + path.format(id=meeting["id"]))
        page.screenshot(path=artifacts / f"lead{path.replace('/', '-').format(id='meeting')}.png", full_page=True)
        assert axe_violations(page) == []
    finally:
        page.close()


def test_meeting_qr_code_seen_by_a_camera_opens_the_evaluation(live_server, lead_context, meeting):
    page = lead_context.new_page()
    try:
        page.goto(f"{live_server.url}/coalition/demo/meetings/{meeting['id']}")
        png = page.locator(".meeting-qr").screenshot()
    finally:
        page.close()
    assert decode_qr(png) == [f"{live_server.url}/m/{meeting['code']}"]


def test_a_long_email_in_the_members_directory_fits_a_small_phone(live_server, phone, lead_context):
    email = "outreach.coordinator.for.the.eastside.neighborhood@community-health-coalition.example.org"
    phone.goto(f"{live_server.url}/members/demo")
    phone.fill("#name", "Long Address")
    phone.fill("#email", email)
    phone.locator("#directory_consent").get_by_text("Yes, list me").click()
    phone.locator("#sector").get_by_text("Faith-based group").click()
    phone.locator("#involvement").get_by_text("Help now and then").click()
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url("**/members/demo/thanks**")
    page = lead_context.new_page()
    try:
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(f"{live_server.url}/coalition/demo/members")
        assert page.get_by_text(email).first.is_visible()
        assert horizontal_overflow(page) == 0
    finally:
        page.close()


@pytest.mark.parametrize("path", ["/coalition/demo/meetings", "/coalition/demo/meetings/{id}",
                                  "/coalition/demo/members", "/coalition/demo/summary"])
def test_a_link_standing_on_its_own_is_a_44_px_target(live_server, lead_context, meeting, path):
    page = lead_context.new_page()
    page.goto(live_server.url + path.format(id=meeting["id"]))
    too_small = page.evaluate(
        """() => Array.from(document.querySelectorAll('main a'))
              .filter(a => a.offsetParent !== null && a.parentElement.textContent.trim() === a.textContent.trim())
              .map(a => [a.textContent.trim().slice(0, 40), Math.round(a.getBoundingClientRect().height)])
              .filter(([, h]) => h < 44)""")
    page.close()
    assert too_small == []  # a link inside a sentence may be smaller (WCAG 2.5.8's exception)


def narrow_table_cells(page) -> list:
    """Cells of the page's scrolling tables with room for fewer than three characters of their own font
    (Chinese, which may break between any two characters, stood one character a line in a squeezed table)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-wrap > .data-table th, .table-wrap > .data-table td'))
              .filter(cell => cell.offsetParent !== null)
              .map(cell => {
                  const style = getComputedStyle(cell);
                  const room = cell.getBoundingClientRect().width - parseFloat(style.paddingLeft)
                      - parseFloat(style.paddingRight);
                  return [cell.textContent.trim().slice(0, 24), Math.round(room / parseFloat(style.fontSize) * 10) / 10];
              })
              .filter(([, characters]) => characters < 2.9)""")


@pytest.fixture(scope="module")
def listed_members(live_server):
    """Members listed by name, with long names and organisations, who bring skills and speak languages."""
    from webapp.services.members import MemberSubmission, store_member_assessment

    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        for name, organisation in (("Nguyễn Văn An", "Vietnamese Health Board"),
                                   ("Fatima Al-Sayed", "Eastside Mosque Outreach"),
                                   ("Jordan Smith", "King County Public Health — Community Health Services")):
            store_member_assessment(campaign, MemberSubmission(
                uuid.uuid4(), "en", sector="public_health", involvement="active", directory_consent=True, name=name,
                organisation=organisation, choices={"skill": ["facilitation", "translation"], "language": ["en", "vi"]}))
        db.session.remove()


@pytest.mark.parametrize("path", ["/coalition/demo/members", "/coalition/demo/meetings",
                                  "/coalition/demo/meetings/{id}"])
def test_tables_in_chinese_on_a_small_phone_scroll_rather_than_stand_one_character_a_line(
        live_server, lead_context, meeting, listed_members, path, artifacts):
    page = lead_context.new_page()
    try:
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(live_server.url + path.format(id=meeting["id"]) + "?lang=zh")
        page.screenshot(path=artifacts / f"lead-zh-360{path.replace('/', '-').format(id='meeting')}.png",
                        full_page=True)
        assert narrow_table_cells(page) == []
        assert horizontal_overflow(page) == 0  # a wide table scrolls in its own box, not the page
    finally:
        page.close()


def test_long_option_words_stay_in_their_column_on_a_phone_in_tagalog(live_server, phone):
    """"Pangangalagang pangkalusugan" is wider than half a 360 px screen: the options take one column there."""
    phone.goto(f"{live_server.url}/members/demo?lang=tl")
    phone.locator("#member-form button[type=submit]").last.click()  # sent empty: error borders as well
    phone.wait_for_load_state()
    assert horizontal_overflow(phone) == 0
    spilled = phone.evaluate("""() => [...document.querySelectorAll('.option')].filter(option => {
        const box = option.getBoundingClientRect(), column = option.parentElement.getBoundingClientRect();
        return option.scrollWidth > option.clientWidth + 1 || box.right > column.right + 1;
    }).map(option => option.textContent.trim())""")
    assert spilled == []


LONG_LINK = "https://docs.google.com/forms/d/e/" + "1FAIpQLSdXk" * 14 + "/viewform?usp=sf_link"


def test_long_unbroken_text_wraps_on_staff_pages_of_a_small_phone(live_server, lead_context, meeting):
    """A pasted link in an answer, a long word in an event's name, a long address on the new account's page."""
    from webapp.services.field import create_event
    from webapp.services.meetings import EvaluationSubmission, store_evaluation

    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        store_evaluation(db.session.get(Meeting, meeting["id"]), EvaluationSubmission(
            uuid.uuid4(), "en", dict.fromkeys(ITEMS, 3), {}, {"improve": (LONG_LINK, "en"), "went_well": ("x" * 2000, "en")}))
        event = create_event(campaign, name="Supercalifragilisticexpialidocious" * 3, date=dt.date.today(), place="Hall")
        entry = f"/field/demo/events/{event.id}/entry"
        db.session.remove()
    page = lead_context.new_page()
    try:
        page.set_viewport_size({"width": 360, "height": 740})
        for path in (f"/coalition/demo/meetings/{meeting['id']}", entry):
            page.goto(live_server.url + path)
            assert horizontal_overflow(page) == 0, path
        page.goto(f"{live_server.url}/admin/users/new?lang=en")  # an earlier test may have chosen another
        page.fill("#email", "outreach.coordinator.for.the.eastside.neighborhood." * 2 + "x@community-health.example.org")
        page.locator("#role input[value='outreach']").check()
        page.get_by_role("button", name="Add the account").click()
        page.wait_for_load_state()
        assert page.locator("#link").count() == 1 and horizontal_overflow(page) == 0
    finally:
        page.close()
