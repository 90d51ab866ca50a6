"""Languages: choosing one, direction from the table, the switcher, and nothing left in English."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.factories import make_campaign, ratings_for
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.i18n import LANGUAGES, normalize
from webapp.i18n_catalogs import catalog_paths, read_catalog
from webapp.models import Answer, Response

OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def test_explicit_lang_parameter_wins_over_everything(client, demo):
    client.set_cookie("lang", "vi")
    html = client.get("/s/demo?lang=es", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert 'lang="es"' in html_tag(html)


def test_explicit_choice_is_remembered_in_a_cookie(client, demo):
    response = client.get("/s/demo?lang=ar")
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert 'lang="ar"' in html_tag(client.get("/s/demo").get_data(as_text=True))


def test_cookie_wins_over_accept_language(client, demo):
    client.set_cookie("lang", "vi")
    html = client.get("/s/demo", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert 'lang="vi"' in html_tag(html)


def test_accept_language_wins_over_campaign_default(client, demo):
    html = client.get("/s/demo", headers={"Accept-Language": "fr;q=0.9, zh-CN;q=0.8, en;q=0.5"}).get_data(as_text=True)
    assert 'lang="zh-Hans"' in html_tag(html)


def test_campaign_default_is_the_last_resort(client, app):
    make_campaign(slug="es-first", languages=("es", "en"))
    html = client.get("/s/es-first", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="es"' in html_tag(html)


def test_language_the_campaign_does_not_offer_is_ignored(client, app):
    make_campaign(slug="two", languages=("en", "es"))
    html = client.get("/s/two?lang=ko").get_data(as_text=True)
    assert 'lang="en"' in html_tag(html)


def test_unknown_lang_parameter_is_ignored_without_error(client, demo):
    response = client.get("/s/demo?lang=<script>")
    assert response.status_code == 200 and 'lang="en"' in html_tag(response.get_data(as_text=True))


@pytest.mark.parametrize(("tag", "code"), [("zh-TW", None), ("zh-Hant", None), ("zh", "zh"), ("fil-PH", "tl"),
                                           ("es-MX", "es"), ("AR", "ar"), ("", None), ("xx", None)])
def test_browser_tags_map_to_our_languages(tag, code):
    assert normalize(tag) == code


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_html_lang_and_dir_come_from_the_language_table(client, demo, code):
    html = client.get(f"/s/demo?lang={code}").get_data(as_text=True)
    language = LANGUAGES[code]
    assert html_tag(html) == f'<html lang="{language.html_lang}" dir="{language.direction}">'


def test_only_arabic_is_right_to_left():
    assert [code for code, lang in LANGUAGES.items() if lang.direction == "rtl"] == ["ar"]


def test_switcher_lists_each_language_in_its_own_name(client, demo):
    html = client.get("/s/demo/thanks").get_data(as_text=True)
    for name in ("English", "Español", "简体中文", "Tiếng Việt", "العربية", "한국어", "Tagalog", "Kreyòl ayisyen"):
        assert name in html
    assert 'href="/s/demo/thanks?lang=vi"' in html


def test_switching_language_keeps_what_was_typed(client, demo):
    answers = {"need_childcare": "5", "barrier": "No bus on Sunday", "place": "Eastside", "switch_lang": "es"}
    response = fill_and_post(client, "/s/demo", answers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="es"' in html_tag(html)
    kept = form_values(html)
    assert kept["need_childcare"] == ["5"] and kept["barrier"] == ["No bus on Sunday"] and kept["place"] == ["Eastside"]
    assert "error-summary" not in html  # switching is not sending
    assert db.session.scalar(select(Response.id)) is None
    assert "lang=es" in response.headers["Set-Cookie"]


def test_errors_after_switching_are_in_the_new_language(client, demo):
    failed = fill_and_post(client, "/s/demo", {"barrier": "Keep me"})
    assert failed.status_code == 422
    data = form_values(failed.get_data(as_text=True)) | {"switch_lang": ["es"]}
    switched = client.post("/s/demo", data=data)
    html = switched.get_data(as_text=True)
    spanish = read_catalog(catalog_paths()["es"]).get("Please choose how important this is.").string
    assert spanish and spanish in html
    assert "Please choose how important this is." not in html
    assert form_values(html)["barrier"] == ["Keep me"]


def test_open_answers_are_stored_in_the_page_language_by_default(client, demo):
    fill_and_post(client, "/s/demo?lang=vi", ratings_for(demo) | {"change": "Thêm xe buýt"})
    answer = db.session.scalars(select(Answer)).one()
    assert (answer.text, answer.language) == ("Thêm xe buýt", "vi")
    assert db.session.scalars(select(Response)).one().language == "vi"


def test_resident_can_say_they_wrote_in_another_language(client, demo):
    fill_and_post(client, "/s/demo?lang=en", ratings_for(demo) | {"change": "Más parques", "text_language": "es"})
    assert db.session.scalars(select(Answer)).one().language == "es"


def test_missing_content_falls_back_to_the_default_language_and_is_reported(client, app):
    from webapp.services.campaigns import content_gaps

    campaign = make_campaign(slug="partial", languages=("en", "es"))
    del campaign.needs[0].texts["es"]
    db.session.commit()
    html = client.get("/s/partial?lang=es").get_data(as_text=True)
    assert "housing [en]" in html and 'lang="en"' in html  # marked as English for screen readers
    assert "food [es]" in html
    assert content_gaps(campaign) == {"es": ["need:housing"]}


def test_money_and_numbers_are_written_the_local_way(client, demo):
    english = client.get("/s/demo?lang=en").get_data(as_text=True)
    vietnamese = client.get("/s/demo?lang=vi").get_data(as_text=True)
    us_spanish = client.get("/s/demo?lang=es").get_data(as_text=True)
    assert "$25,000" in english and "2,000" in english
    assert "25.000" in vietnamese and "2.000" in vietnamese
    assert "$25,000" in us_spanish


# --- nothing left in English ------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text a person can read or hear: text nodes and labelling attributes, minus other-language islands."""

    SKIP = {"script", "style"}

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _foreign(self) -> bool:
        return any(foreign for _tag, foreign in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        foreign = tag in self.SKIP or (lang is not None and tag != "html" and lang != self.page_lang)
        if tag not in {"input", "meta", "link", "br", "img"}:
            self.stack.append((tag, foreign))
        if not (self._foreign() or foreign):
            self.parts += [attrs[a] for a in ("aria-label", "title", "alt", "placeholder", "content") if attrs.get(a)]

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._foreign() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, page_lang: str) -> str:
    parser = _VisibleText(page_lang)
    parser.feed(html)
    return "\n".join(parser.parts)


def english_leftovers(text: str, locale: str) -> list[str]:
    """English source messages found in ``text`` whose translation differs from the English."""
    leftovers = []
    for message in read_catalog(catalog_paths()[locale]):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        translated = message.string if isinstance(message.string, str) else message.string[0]
        if translated == source:
            continue
        pieces = [p for p in re.split(r"%\(\w+\)[sd]", source) if len(p.strip()) >= 3]
        if pieces and all(re.search(rf"(?<!\w){re.escape(p.strip())}(?!\w)", text) for p in pieces):
            leftovers.append(source)
    return leftovers


def public_pages(client, code):
    """Every page a resident can reach, in language ``code``."""
    client.set_cookie("lang", code)
    yield "survey", client.get("/s/demo")
    yield "survey with errors", fill_and_post(client, "/s/demo", {"barrier": "x" * 2001, "top_three": [
        "affordable_housing", "healthy_food", "transportation", "childcare"], "hardships": ["none", "disability"]})
    yield "thanks", client.get("/s/demo/thanks")
    yield "not found", client.get("/s/nothing-here")
    yield "expired form", client.post("/plain-form", data={})
    yield "too large", client.post("/s/demo", data={"barrier": "x" * (2 * 1024 * 1024)})


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_public_pages_have_no_untranslated_english(app, demo, code):
    app.add_url_rule("/plain-form", "plain_form", lambda: "sent", methods=["POST"])  # a form without keep-data
    client = app.test_client()
    language = LANGUAGES[code]
    for name, response in public_pages(client, code):
        html = response.get_data(as_text=True)
        assert f'lang="{language.html_lang}"' in html_tag(html), name
        leftovers = english_leftovers(visible_text(html, language.html_lang), language.locale.removesuffix("_US"))
        assert leftovers == [], f"{name} in {code}: {leftovers}"


def member_and_meeting_pages(client, code, meeting_code):
    """Every page a coalition member or meeting participant can reach, in language ``code``."""
    client.set_cookie("lang", code)
    yield "member form", client.get("/members/demo")
    yield "member form with errors", fill_and_post(client, "/members/demo", {"email": "nope", "skills": ["x"]},
                                                   form_id="member-form")
    yield "member thanks", client.get("/members/demo/thanks")
    yield "evaluation", client.get(f"/m/{meeting_code}")
    yield "evaluation with errors", fill_and_post(client, f"/m/{meeting_code}", {"improve": "x" * 2001},
                                                  form_id="evaluation")
    yield "evaluation thanks", client.get(f"/m/{meeting_code}/thanks")


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_member_and_meeting_pages_have_no_untranslated_english(app, demo, code):
    import datetime as dt

    from webapp.services.meetings import create_meeting

    meeting = create_meeting(demo, title="Partners", held_on=dt.date.today(), mode="online")
    client = app.test_client()
    language = LANGUAGES[code]
    for name, response in member_and_meeting_pages(client, code, meeting.code):
        html = response.get_data(as_text=True)
        assert f'lang="{language.html_lang}"' in html_tag(html), name
        leftovers = english_leftovers(visible_text(html, language.html_lang), language.locale.removesuffix("_US"))
        assert leftovers == [], f"{name} in {code}: {leftovers}"


def test_closed_page_has_no_untranslated_english(client, app):
    make_campaign(slug="shut", languages=("en", "ko"), is_open=False)
    html = client.get("/s/shut?lang=ko").get_data(as_text=True)
    assert english_leftovers(visible_text(html, "ko"), "ko") == []


def test_leftover_detector_finds_english(client, demo):
    text = "Please choose how important this is.\nSend my answers"
    assert set(english_leftovers(text, "es")) == {"Please choose how important this is.", "Send my answers"}
