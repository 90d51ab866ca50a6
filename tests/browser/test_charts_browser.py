"""The leads' charts in a real browser: on a 360 px phone and on a laptop, left to right and right to left, and
with the long words of Tagalog, Vietnamese and Chinese, every piece of a chart's text is drawn at 12 CSS px or
more and inside its chart, and no chart makes the page wider than the screen."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.browser.conftest import PHONE, horizontal_overflow, sign_in
from tests.browser.test_dashboard_browser import LEAD, summary_server  # noqa: F401 (a fixture)
from tests.browser.test_members_meetings_browser import ITEMS

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 900}

#: per <text> of every chart: its words, the CSS px its font is drawn at (its font size in the chart's units times
#: the chart's scale on the screen), and how far it is drawn outside its chart (0 or less when inside)
CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const chart = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(text => {
    const scale = text.getScreenCTM(), drawn = text.getBoundingClientRect();
    return {chart: svg.getAttribute('aria-labelledby').split(' ')[0], words: text.textContent,
            px: parseFloat(getComputedStyle(text).fontSize) * Math.hypot(scale.a, scale.b),
            outside: Math.max(chart.left - drawn.left, drawn.right - chart.right,
                              chart.top - drawn.top, drawn.bottom - chart.bottom)};
  });
})"""


@pytest.fixture(scope="module")
def signed_in(browser, summary_server, tmp_path_factory):  # noqa: F811
    """The lead's session, kept once for every page of this module (sign-ins from one address are limited);
    and three meetings with evaluations, so that the meetings page draws its trend charts."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Campaign
    from webapp.services.meetings import EvaluationSubmission, create_meeting, store_evaluation

    with summary_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        for weeks_ago, scores in ((6, (3, 4, 4)), (4, (2, 3, 5)), (2, (4, 5, 5))):
            meeting = create_meeting(campaign, title=f"Meeting {weeks_ago}", mode="in_person", place="Library",
                                     held_on=dt.date.today() - dt.timedelta(weeks=weeks_ago))
            for score in scores:
                store_evaluation(meeting, EvaluationSubmission(uuid.uuid4(), "en", dict.fromkeys(ITEMS, score)))
        db.session.remove()
    context = browser.new_context()
    sign_in(context.new_page(), summary_server, LEAD)
    state = tmp_path_factory.mktemp("lead") / "state.json"
    context.storage_state(path=str(state))
    context.close()
    return str(state)


@pytest.fixture
def page_of(browser, summary_server, signed_in):  # noqa: F811
    """Open a lead's page at a screen size, signed in; the contexts are closed afterwards."""
    contexts = []

    def open_page(path: str, viewport: dict):
        context = browser.new_context(viewport=viewport, device_scale_factor=2, storage_state=signed_in)
        contexts.append(context)
        page = context.new_page()
        page.goto(summary_server.url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("viewport", "lang"), [
    (PHONE, "en"), (PHONE, "ar"), (LAPTOP, "en"), (LAPTOP, "ar"), (PHONE, "fil"), (PHONE, "vi"), (PHONE, "zh"),
], ids=["360-en", "360-ar", "1280-en", "1280-ar", "360-fil", "360-vi", "360-zh"])
@pytest.mark.parametrize("path", ["/coalition/demo/summary", "/coalition/demo/meetings", "/coalition/demo/members"])
def test_chart_text_is_at_least_12_px_and_inside_its_chart_and_the_page_fits_the_screen(
        page_of, artifacts, path, viewport, lang):
    page = page_of(f"{path}?lang={lang}", viewport)
    texts = page.evaluate(CHART_TEXT)
    charts = {text["chart"] for text in texts}
    assert len(charts) >= {"summary": 9, "meetings": 8, "members": 1}[path.rsplit("/", 1)[1]], charts
    too_small = [(t["chart"], t["words"], round(t["px"], 2)) for t in texts if t["px"] < 12]
    assert too_small == [], too_small
    cut_off = [(t["chart"], t["words"], round(t["outside"], 1)) for t in texts if t["outside"] > 0.5]  # antialiased
    assert cut_off == [], cut_off
    assert horizontal_overflow(page) == 0
    if path.endswith("summary") and viewport == PHONE:
        page.screenshot(path=str(artifacts / f"charts-summary-{lang}-360.png"), full_page=True)
