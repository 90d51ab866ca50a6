"""The resident survey in a real browser at phone size: fill, submit, and accessibility."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import axe_violations, horizontal_overflow
from webapp.extensions import db
from webapp.models import Campaign, Response

pytestmark = pytest.mark.browser


def rate_every_need(page, importance: int, skip: str | None = None) -> int:
    fieldsets = page.locator("fieldset.rating")
    count = fieldsets.count()
    for index in range(count):
        fieldset = fieldsets.nth(index)
        if skip and fieldset.get_attribute("id") == f"need_{skip}":
            continue
        fieldset.locator("label.tile").nth(importance - 1).click()
    return count


def stored_responses(live_server) -> list[Response]:
    with live_server.app.app_context():
        responses = db.session.scalars(select(Response).order_by(Response.id)).all()
        for response in responses:
            _ = response.ratings, response.answers, response.profile
        db.session.expunge_all()
        return responses


def test_resident_completes_the_survey_on_a_small_phone(live_server, phone, artifacts):
    before = len(stored_responses(live_server))
    phone.goto(f"{live_server.url}/s/demo")
    assert horizontal_overflow(phone) == 0
    needs = rate_every_need(phone, 4)
    for label in ("Affordable housing", "Childcare", "Internet access"):
        phone.locator("#top_three").get_by_text(label, exact=True).click()
    phone.fill("#barrier", "The clinic closes before I finish work.")
    phone.fill("#change", "Evening clinic hours")
    phone.fill("#place", "98118")
    phone.locator("#age_band").get_by_text("25 to 34").click()
    phone.screenshot(path=artifacts / "survey-filled-360.png", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url("**/s/demo/thanks**")
    assert "We received your answers" in phone.content()

    responses = stored_responses(live_server)
    assert len(responses) == before + 1
    stored = responses[-1]
    assert len(stored.ratings) == needs and {r.importance for r in stored.ratings} == {4}
    assert sum(r.top_three for r in stored.ratings) == 3
    assert {a.question: a.text for a in stored.answers}["barrier"] == "The clinic closes before I finish work."
    assert stored.profile.place == "98118" and stored.profile.age_band == "25_34"


def test_back_after_sending_then_sending_again_stores_the_answers_once(live_server, phone):
    """This chromium keeps no back-forward cache, so Back loads the form afresh with a new response UUID, as a
    phone does once that cache is cleared. The page was reached through a language switch (a POST): Back must
    bring the form, not the browser's "Confirm form resubmission" page."""
    before = len(stored_responses(live_server))
    phone.goto(f"{live_server.url}/s/demo")
    phone.get_by_role("button", name="Español").click()
    phone.wait_for_load_state()
    assert phone.url.endswith("/s/demo?lang=es")  # the address of the page in history, not the POST's
    rate_every_need(phone, 3)
    phone.fill("#barrier", "El autobús no pasa los domingos.")
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    phone.wait_for_url("**/s/demo/thanks**")
    phone.go_back()
    phone.wait_for_load_state()
    assert phone.locator("form#survey").count() == 1, phone.content()[:500]
    rate_every_need(phone, 3)  # what the browser put back, or the same answers typed again
    phone.fill("#barrier", "El autobús no pasa los domingos.")
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    phone.wait_for_load_state()
    assert "Estas respuestas no se enviaron" in phone.content()
    assert len(stored_responses(live_server)) == before + 1


def test_the_survey_and_its_thanks_load_without_a_browser_error(live_server, phone):
    errors = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    phone.goto(f"{live_server.url}/s/demo?lang=ar")
    rate_every_need(phone, 3)
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_url("**/s/demo/thanks**")
    phone.wait_for_load_state("networkidle")
    assert errors == []  # no script error, no CSP refusal, nothing asked for that is not there


def test_a_fourth_top_pick_is_unticked_with_a_word_why_and_every_box_stays_in_reach(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo")
    group = phone.locator("#top_three")
    for label in ("Affordable housing", "Healthy food", "Transportation"):
        group.get_by_text(label, exact=True).click()
    said = phone.locator("#top-three-said")
    assert said.inner_text() == "" and group.locator("input:disabled").count() == 0
    fourth = group.locator("input:not(:checked)").first
    fourth.focus()
    phone.keyboard.press("Space")  # with the keyboard, as a screen reader user picks
    assert not fourth.is_checked() and group.locator("input:checked").count() == 3
    assert said.inner_text() == "Please pick no more than three." and said.get_attribute("aria-live") == "polite"
    group.locator("input:checked").first.click()  # one taken back: another may be picked
    fourth.check()
    assert group.locator("input:checked").count() == 3 and said.inner_text() == ""


def test_missing_rating_shows_error_summary_and_keeps_answers(live_server, phone, artifacts):
    phone.goto(f"{live_server.url}/s/demo")
    rate_every_need(phone, 2, skip="healthy_food")
    phone.fill("#change", "Keep what I typed")
    phone.get_by_role("button", name="Send my answers").click()
    summary = phone.locator("#error-summary")
    summary.wait_for()
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert "Healthy food" in summary.inner_text()
    assert phone.input_value("#change") == "Keep what I typed"
    assert phone.locator("#need_affordable_housing-1").is_checked()
    summary.get_by_role("link").first.click()
    assert phone.evaluate("location.hash") == "#need_healthy_food"
    assert phone.evaluate("document.activeElement.id") == "need_healthy_food"  # the question, named in view
    assert phone.locator("#need_healthy_food legend").bounding_box()["y"] >= 0
    assert phone.locator("#need_healthy_food .field-error").is_visible()
    phone.screenshot(path=artifacts / "survey-error-360.png", full_page=True)


def test_an_error_link_to_a_text_box_focuses_it_with_its_question_and_message_in_view(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo")
    rate_every_need(phone, 3)
    phone.fill("#change", "x" * 2001)
    phone.get_by_role("button", name="Send my answers").click()
    summary = phone.locator("#error-summary")
    summary.wait_for()
    summary.get_by_role("link").first.click()
    assert phone.evaluate("document.activeElement.id") == "change"  # ready to shorten
    question = phone.locator(".question:has(#change)")
    assert question.locator("label").bounding_box()["y"] >= 0  # not scrolled above the screen
    assert question.locator(".field-error").bounding_box()["y"] >= 0


def test_survey_works_with_javascript_disabled(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    before = len(stored_responses(live_server))
    page.goto(f"{live_server.url}/s/demo")
    rate_every_need(page, 3)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/thanks**")
    assert len(stored_responses(live_server)) == before + 1
    context.close()


def test_touch_targets_are_at_least_44_px(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo")
    too_small = phone.evaluate(
        """() => Array.from(document.querySelectorAll('label.tile, label.option, button, .switcher-link, input[type=text], select, textarea'))
              .filter(el => el.offsetParent !== null && !el.classList.contains('trap'))
              .map(el => [el.textContent.trim().slice(0, 30) || el.id, el.getBoundingClientRect().height])
              .filter(([, h]) => h < 44)"""
    )
    assert too_small == []


@pytest.mark.parametrize("state", ["survey", "error", "thanks"])
def test_pages_have_no_wcag_a_or_aa_violations(live_server, phone, state):
    phone.goto(f"{live_server.url}/s/demo")
    if state == "error":
        phone.get_by_role("button", name="Send my answers").click()
        phone.locator("#error-summary").wait_for()
    elif state == "thanks":
        rate_every_need(phone, 5)
        phone.get_by_role("button", name="Send my answers").click()
        phone.wait_for_url("**/thanks**")
    assert axe_violations(phone) == []


def test_closed_campaign_page_in_browser(live_server, phone):
    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        campaign.is_open = False
        db.session.commit()
    try:
        phone.goto(f"{live_server.url}/s/demo")
        assert "This survey is closed" in phone.content()
        assert phone.locator("form#survey").count() == 0
    finally:
        with live_server.app.app_context():
            campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
            campaign.is_open = True
            db.session.commit()


@pytest.mark.parametrize("width", [544, 600, 672, 1024])
def test_the_scales_words_stay_inside_their_tiles_at_any_width(live_server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{live_server.url}/s/demo?lang=es")  # "Extremadamente importante": the longest word of the scale
    spilled = page.evaluate("""() => [...document.querySelectorAll('.tile-label')].filter(label => {
        const box = label.getBoundingClientRect(), tile = label.closest('.tile-face').getBoundingClientRect();
        return box.width > 0 && (box.left < tile.left - 1 || box.right > tile.right + 1);
    }).length""")
    page.close()
    assert spilled == 0


@pytest.mark.parametrize("lang", ["es", "tl", "ht"])
def test_text_enlarged_to_200_percent_wraps_without_sideways_scrolling(live_server, phone, lang):
    """A phone's larger-text setting, as WCAG 1.4.4 asks: the form and its errors still fit 360 px."""
    phone.goto(f"{live_server.url}/s/demo?lang={lang}")
    phone.evaluate("document.documentElement.style.fontSize = '200%'")  # CSSOM: the page's CSP allows it
    assert horizontal_overflow(phone) == 0
    phone.locator("form#survey button.button-primary[type=submit]").click()
    phone.locator("#error-summary").wait_for()
    phone.evaluate("document.documentElement.style.fontSize = '200%'")  # CSSOM: the page's CSP allows it
    assert horizontal_overflow(phone) == 0


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_keyboard_focus_ring_stands_out_3_to_1_from_the_page(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo")
    page_colour = phone.evaluate("getComputedStyle(document.body).backgroundColor")
    page_colour = "rgb(255, 255, 255)" if page_colour == "rgba(0, 0, 0, 0)" else page_colour
    phone.keyboard.press("Tab")
    skip = phone.locator("a.skip-link")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["height"] >= 44  # a touch target like the others, though keyboards reach it
    for _ in range(12):  # through the language buttons to the first rating tiles
        phone.keyboard.press("Tab")
        ring = phone.evaluate("""() => {
            const el = document.activeElement;
            const shown = el.classList.contains('tile-input') ? el.nextElementSibling : el;
            const style = getComputedStyle(shown);
            return [style.outlineStyle, style.outlineColor];
        }""")
        assert ring[0] == "solid" and contrast(ring[1], page_colour) >= 3, ring
