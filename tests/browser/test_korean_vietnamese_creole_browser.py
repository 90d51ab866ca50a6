"""Korean, Vietnamese and Haitian Creole on a 360 px phone: Korean lines that wrap between words, a
scale's ends named under their own tiles, a meeting item's described points that read as blocks after
their numbers, and a rating chosen from the keyboard wholly in view."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Campaign

pytestmark = pytest.mark.browser

#: Every place a line wraps between two Hangul syllables of one word ("우선순|위"), in the visible text of ``selector``.
BREAKS_INSIDE_KOREAN_WORDS = r"""(selector) => {
  const hangul = /[\uAC00-\uD7A3]/;
  const found = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent.checkVisibility() || parent.closest('.visually-hidden, .trap, .tile-label')) continue;
      const text = node.textContent, range = document.createRange();
      let lastTop = null;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (!box.height) continue;
        if (lastTop !== null && box.top > lastTop + 4 && hangul.test(text[i]) && hangul.test(text[i - 1])) {
          found.push(text.slice(Math.max(0, i - 6), i) + '|' + text.slice(i, i + 6));
        }
        lastTop = box.top;
      }
    }
  }
  return found;
}"""

#: How far (CSS px) each line of the high end's name ("5 = …") stops short of the end of the row it sits in.
HIGH_END_SHORT_OF_THE_EDGE = """(ends) => {
  const row = ends.getBoundingClientRect(), range = document.createRange();
  range.selectNodeContents(ends.lastElementChild);
  return Array.from(range.getClientRects(), (line) => Math.round(row.right - line.right));
}"""


#: Where each line of each described point of a scale ("5  Trè klè; tout moun te konnen …") starts (CSS px).
DESCRIPTION_LINE_STARTS = """() => Array.from(document.querySelectorAll('.anchors li'), (point) => {
  const range = document.createRange();
  range.setStartAfter(point.querySelector('.anchor-number')); range.setEndAfter(point.lastChild);
  return [...new Set(Array.from(range.getClientRects(), (line) => Math.round(line.left)))];
})"""


@pytest.fixture(scope="module")
def meeting_code(live_server):
    """A meeting of the demo campaign, held today."""
    from webapp.services.meetings import create_meeting

    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "demo"))
        code = create_meeting(campaign, title="Reyinyon kominote", held_on=dt.date.today(), mode="in_person").code
        db.session.remove()
    return code


@pytest.mark.parametrize("path", ["/s/demo", "/members/demo"])
def test_korean_wraps_between_words_never_inside_one(live_server, phone, path):
    phone.goto(f"{live_server.url}{path}?lang=ko")
    # a Korean reader meets "우선순" at the end of one line and "위" on the next as a misprint
    assert phone.evaluate(BREAKS_INSIDE_KOREAN_WORDS, "main") == []


def test_the_korean_error_summary_wraps_between_words_too(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo?lang=ko")
    phone.locator("#survey .submit-row button").click()
    phone.locator("#error-summary").wait_for()
    assert phone.evaluate(BREAKS_INSIDE_KOREAN_WORDS, "#error-summary") == []


@pytest.mark.parametrize(("code", "path"), [("vi", "/members/demo"), ("ko", "/members/demo"), ("ht", "/s/demo")])
def test_the_high_end_of_a_scale_is_named_under_its_tile_even_on_two_lines(live_server, phone, code, path):
    phone.goto(f"{live_server.url}{path}?lang={code}")
    for ends in phone.locator("fieldset.rating .scale-ends").all()[:3]:
        # "4 = Tôi có thể dạy người khác" takes two lines: the second ("khác") too ends under the last tile
        assert all(gap <= 1 for gap in ends.evaluate(HIGH_END_SHORT_OF_THE_EDGE)), ends.inner_text()


def test_a_rating_chosen_from_the_keyboard_is_wholly_in_view_with_its_focus_ring(live_server, phone):
    phone.goto(f"{live_server.url}/s/demo?lang=ko")
    height = phone.viewport_size["height"]
    seen = 0
    for _ in range(40):
        phone.keyboard.press("Tab")
        focused = phone.evaluate("""() => {
          const input = document.activeElement;
          if (!input.classList.contains('tile-input')) return null;
          const face = input.nextElementSibling.getBoundingClientRect();
          return {id: input.id, top: face.top - 5, bottom: face.bottom + 5};  // the ring: 3 px, 2 px off the face
        }""")
        if focused is None:
            if seen:
                break
            continue
        seen += 1
        assert 0 <= focused["top"] and focused["bottom"] <= height, focused
    assert seen == 14  # every need of the demo, one Tab each


@pytest.mark.parametrize("code", ["ht", "vi", "ko"])
def test_a_described_point_on_two_lines_reads_as_one_block_after_its_number(live_server, phone, meeting_code, code):
    phone.goto(f"{live_server.url}/m/{meeting_code}?lang={code}")
    starts = phone.evaluate(DESCRIPTION_LINE_STARTS)
    assert all(len(lines) == 1 for lines in starts), starts  # every line of a description starts in one place
    wrapped = phone.evaluate("""() => Array.from(document.querySelectorAll('.anchors li'))
      .filter((point) => point.getClientRects().length && point.getBoundingClientRect().height > 30).length""")
    assert wrapped  # some do take two lines on a phone: the check above had something to check
