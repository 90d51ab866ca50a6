"""Every language in a real browser: right-to-left Arabic, scripts that render, errors in the reader's language."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import horizontal_overflow
from tests.browser.test_survey_browser import rate_every_need
from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.i18n_catalogs import catalog_paths, read_catalog
from webapp.models import Response

pytestmark = pytest.mark.browser

#: Does each character render with a real glyph? A missing glyph draws the same box as a
#: private-use code point with no glyph at all.
MISSING_GLYPHS = """(text) => {
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d');
  const family = getComputedStyle(document.body).fontFamily;
  const draw = (s) => { ctx.clearRect(0, 0, 64, 64); ctx.font = `40px ${family}`; ctx.fillText(s, 8, 48);
                        return canvas.toDataURL(); };
  const box = draw('\\uE000');
  return Array.from(text).filter((ch) => ch.trim() && draw(ch) === box);
}"""


def translation(code: str, message: str) -> str:
    locale = LANGUAGES[code].locale.removesuffix("_US")
    if code == "en":
        return message
    return read_catalog(catalog_paths()[locale]).get(message).string


def test_arabic_survey_is_right_to_left_and_fits_a_small_phone(live_server, phone, artifacts):
    phone.goto(f"{live_server.url}/s/demo?lang=ar")
    assert phone.get_attribute("html", "dir") == "rtl"
    assert phone.get_attribute("html", "lang") == "ar"
    assert horizontal_overflow(phone) == 0
    # mirrored: the first rating tile sits at the right-hand edge
    first = phone.locator("fieldset.rating").first.locator("label.tile").first.bounding_box()
    last = phone.locator("fieldset.rating").first.locator("label.tile").last.bounding_box()
    assert first["x"] > last["x"]
    phone.screenshot(path=artifacts / "survey-ar-360.png")
    phone.screenshot(path=artifacts / "survey-ar-360-full.png", full_page=True)


@pytest.mark.parametrize(("code", "sample"), [("vi", "Những ưu tiên về sức khỏe"), ("zh", "我们社区的健康优先事项"),
                                              ("ko", "우리 지역사회의 건강 우선순위"), ("ar", "أولويات الصحة في مجتمعنا")])
def test_each_script_renders_with_real_glyphs(live_server, phone, artifacts, code, sample):
    phone.goto(f"{live_server.url}/s/demo?lang={code}")
    assert sample in phone.locator("h1").inner_text()
    assert phone.evaluate(MISSING_GLYPHS, sample) == []
    phone.screenshot(path=artifacts / f"survey-{code}-360.png")


def test_glyph_check_notices_a_script_with_no_font(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo")
    assert phone.evaluate(MISSING_GLYPHS, "\U00013000") == ["\U00013000"]  # Egyptian hieroglyph: no font here


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_survey_can_be_completed_in_every_language(live_server, phone, code):
    phone.goto(f"{live_server.url}/s/demo?lang={code}")
    send = translation(code, "Send my answers")
    phone.locator("#survey").get_by_role("button", name=send).click()
    summary = phone.locator("#error-summary")
    summary.wait_for()
    assert translation(code, "Please choose how important each of these is.") in summary.inner_text()
    rate_every_need(phone, 3)
    phone.fill("#change", "✓")
    phone.locator("#survey").get_by_role("button", name=send).click()
    phone.wait_for_url("**/thanks**")
    assert translation(code, "We received your answers.") in phone.content()
    assert phone.get_attribute("html", "lang") == LANGUAGES[code].html_lang
    with live_server.app.app_context():
        latest = db.session.scalars(select(Response).order_by(Response.id.desc())).first()
        assert latest.language == code and latest.answers[0].language == code


def test_switching_language_in_the_browser_keeps_typed_answers(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo?lang=en")
    phone.fill("#barrier", "Rent keeps going up")
    rate_every_need(phone, 4, skip="childcare")
    phone.get_by_role("button", name="Español").click()
    phone.wait_for_load_state()
    assert phone.get_attribute("html", "lang") == "es"
    assert phone.input_value("#barrier") == "Rent keeps going up"
    assert phone.locator("#need_affordable_housing-3").is_checked()


@pytest.mark.parametrize("code", ["ht", "tl", "en"])
def test_the_skip_link_is_out_of_sight_until_focused_however_many_lines_it_takes(live_server, phone, code):
    phone.goto(f"{live_server.url}/s/demo?lang={code}")
    box = phone.locator(".skip-link").bounding_box()
    assert box["y"] + box["height"] <= 0  # "Ale nan kontni prensipal la" takes two lines on a phone
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    assert phone.locator(".skip-link").bounding_box()["y"] >= 0
