"""The member asset and skill assessment at /members/<slug>: storing, validation, consent, languages."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from tests.factories import make_campaign
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.i18n_catalogs import catalog_paths, read_catalog
from webapp.models import Answer, MemberAssessment, MemberChoice, Response
from webapp.services.members import MemberSubmission, store_member_assessment
from webapp.services.submissions import Outcome

URL = "/members/north"
FORM = "member-form"
REQUIRED = {"sector": "community_org", "involvement": "active"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def send(client, answers: dict, url: str = URL, **kwargs):
    return fill_and_post(client, url, answers, form_id=FORM, **kwargs)


@pytest.fixture
def campaign(app):
    return make_campaign(slug="north", languages=("en", "es", "ar"))


def test_member_form_asks_every_question_in_fieldsets(client, campaign):
    html = client.get(URL).get_data(as_text=True)
    for name in ("directory_consent", "sector", "lived_experience", "skills", "translation_languages", "assets",
                 "languages", "involvement", "days", "times", "modes", "competency_facilitation",
                 "competency_leadership"):
        assert re.search(rf'<fieldset class="question[^"]*" id="{name}"', html), name
    for name in ("name", "email", "phone", "organisation", "sector_other", "other_languages", "help_involved"):
        assert f'id="{name}"' in html and f'for="{name}"' in html
    assert "<script>" not in html and "style=" not in html


def test_complete_assessment_is_stored_with_every_answer(client, campaign):
    answers = REQUIRED | {
        "name": " Ana Ruiz ", "email": "ana@example.org", "phone": "555 0100", "organisation": "Eastside Clinic",
        "directory_consent": "yes", "lived_experience": "yes", "skills": ["facilitation", "legal"],
        "assets": ["meeting_space", "food"], "languages": ["en", "vi"], "other_languages": "Somali",
        "days": ["mon", "sat"], "times": ["evening"], "modes": ["online"], "competency_leadership": "4",
        "competency_data_use": "1", "help_involved": "Meetings after 6 pm\r\nwith childcare",
    }
    response = send(client, answers)
    assert response.status_code == 302 and response.headers["Location"].startswith("/members/north/thanks")
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)

    stored = db.session.scalars(select(Response)).one()
    assert (stored.instrument, stored.channel, stored.language) == ("member", "web", "en")
    member = db.session.get(MemberAssessment, stored.id)
    assert (member.name, member.email, member.phone, member.organisation) == (
        "Ana Ruiz", "ana@example.org", "555 0100", "Eastside Clinic")
    assert member.directory_consent is True and member.lived_experience is True
    assert (member.sector, member.involvement, member.other_languages) == ("community_org", "active", "Somali")
    assert member.competency_leadership == 4 and member.competency_data_use == 1
    assert member.competency_facilitation is None
    assert member.chosen("skill") == ["facilitation", "legal"]
    assert member.chosen("asset") == ["food", "meeting_space"]
    assert member.chosen("language") == ["en", "vi"]
    assert (member.chosen("day"), member.chosen("time"), member.chosen("mode")) == (["mon", "sat"], ["evening"],
                                                                                     ["online"])
    answer = db.session.scalars(select(Answer)).one()
    assert (answer.question, answer.text, answer.language) == ("help_involved", "Meetings after 6 pm\nwith childcare",
                                                               "en")


def test_thanks_page_gives_a_reference_code_that_deletes_the_assessment(client, campaign):
    from webapp.services.data_protection import delete_response, find_by_reference

    response = send(client, REQUIRED | {"name": "Ana", "directory_consent": "yes", "skills": ["legal"],
                                        "help_involved": "More notice"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'<bdi class="code">([0-9A-F-]+)</bdi>', html).group(1)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and code not in title  # the tab's title is the page's name, not the reference paragraph
    (found,) = find_by_reference(code)
    assert found.instrument == "member"
    delete_response(found.id, actor=None, reason="asked by the member")
    assert count(MemberAssessment) == count(MemberChoice) == count(Answer) == count(Response) == 0


def test_only_the_sector_and_involvement_are_required(client, campaign):
    assert send(client, REQUIRED).status_code == 302
    member = db.session.scalars(select(MemberAssessment)).one()
    assert member.directory_consent is False and member.name is None and member.lived_experience is None
    assert count(MemberChoice) == 0 and count(Answer) == 0


def test_missing_required_answers_show_a_summary_and_keep_every_value(client, campaign):
    typed = {"name": "Bo", "directory_consent": "yes", "skills": ["design", "research"], "competency_leadership": "3",
             "help_involved": "Keep me", "other_languages": "Hmong"}
    response = send(client, typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#sector"' in html and 'href="#involvement"' in html
    assert "Please choose your sector." in html and "Please choose how involved you would like to be." in html
    kept = form_values(html, FORM)
    for name, value in typed.items():
        assert kept[name] == (value if isinstance(value, list) else [value]), name
    assert count(Response) == 0


def test_contact_details_need_an_answer_about_the_directory(client, campaign):
    response = send(client, REQUIRED | {"email": "bo@example.org"})
    assert response.status_code == 422
    assert "Please say if we may list you in the member directory." in response.get_data(as_text=True)
    assert count(Response) == 0


def test_who_a_member_is_is_not_kept_without_consent(client, campaign):
    answers = REQUIRED | {"name": "Cy", "email": "cy@example.org", "phone": "1", "organisation": "Cy's Shop",
                          "directory_consent": "no", "skills": ["design"]}
    assert send(client, answers).status_code == 302
    member = db.session.scalars(select(MemberAssessment)).one()
    assert member.directory_consent is False
    assert (member.name, member.email, member.phone, member.organisation) == (None, None, None, None)
    assert member.chosen("skill") == ["design"]  # still counted


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "not an address", "Please check the email address."),
    ("skills", ["juggling"], "Please choose from the options shown."),
    ("sector", "astrology", "Please choose one of the options."),
    ("competency_leadership", "5", "Please choose one of the options."),
    ("competency_leadership", "x", "Please choose one of the options."),
    ("help_involved", "x" * 2001, "Please shorten this answer to 2,000 characters or fewer. It has 2,001 characters now."),
    ("name", "x" * 121, "Please shorten this to 120 characters or fewer. It has 121 characters now."),
])
def test_bad_answers_are_refused_with_a_clear_message_and_kept(client, campaign, field, value, message):
    response = send(client, REQUIRED | {"directory_consent": "yes", field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'href="#{field}' in html
    assert count(Response) == 0


def test_nul_characters_are_dropped_so_postgresql_can_store_the_text(client, campaign):
    answers = REQUIRED | {"name": "Ana\u0000", "directory_consent": "yes", "help_involved": "a\u0000b"}
    assert send(client, answers).status_code == 302
    assert db.session.scalars(select(MemberAssessment.name)).one() == "Ana"
    assert db.session.scalars(select(Answer.text)).one() == "ab"


def test_naming_languages_one_interprets_records_the_translation_skill(client, campaign):
    assert send(client, REQUIRED | {"translation_languages": ["es", "zh"]}).status_code == 302
    member = db.session.scalars(select(MemberAssessment)).one()
    assert member.chosen("skill") == ["translation"]
    assert member.chosen("translation_language") == ["es", "zh"]


def test_same_form_sent_twice_is_stored_once(client, campaign):
    data = form_values(client.get(URL).get_data(as_text=True), FORM) | {k: [v] for k, v in REQUIRED.items()}
    assert client.post(URL, data=data).status_code == client.post(URL, data=data).status_code == 302
    assert count(Response) == 1 and count(MemberAssessment) == 1
    assert db.session.scalars(select(Response)).one().client_uuid == uuid.UUID(data["response_id"][0])


def test_the_same_assessment_sent_again_from_a_new_page_is_not_stored_twice_without_asking(client, campaign):
    answers = REQUIRED | {"name": "Ana", "email": "ana@example.org", "directory_consent": "yes"}
    assert send(client, answers).status_code == 302
    again = send(client, answers)  # a new page load: a new response UUID
    assert again.status_code == 200 and count(MemberAssessment) == 1
    assert "this device already sent the same answers" in again.get_data(as_text=True)
    kept = form_values(again.get_data(as_text=True), FORM)
    assert kept["name"] == ["Ana"] and client.post(URL, data=kept).status_code == 302
    assert count(MemberAssessment) == 2


def test_same_form_sent_again_with_changes_keeps_the_first(client, campaign):
    data = form_values(client.get(URL).get_data(as_text=True), FORM) | {k: [v] for k, v in REQUIRED.items()}
    client.post(URL, data=data)
    response = client.post(URL, data=data | {"involvement": ["leading"]}, follow_redirects=True)
    assert "We kept the first ones you sent" in response.get_data(as_text=True)
    assert db.session.scalars(select(MemberAssessment.involvement)).all() == ["active"]


def test_the_service_tells_a_replay_from_a_conflict(app, campaign):
    submission = MemberSubmission(uuid.uuid4(), "en", sector="media", involvement="informed",
                                  choices={"skill": ["design", "design"]})
    outcome, first = store_member_assessment(campaign, submission)
    assert outcome is Outcome.STORED
    assert store_member_assessment(campaign, submission) == (Outcome.DUPLICATE, first)
    submission.involvement = "leading"
    assert store_member_assessment(campaign, submission) == (Outcome.CONFLICT, None)
    assert count(MemberChoice) == 1  # a value ticked twice is one choice


def test_honeypot_filled_stores_nothing_but_says_thanks(client, campaign):
    response = send(client, REQUIRED | {"website": "http://spam.example"})
    assert response.status_code == 302 and "/thanks" in response.headers["Location"]
    assert count(Response) == 0


def test_post_without_csrf_token_keeps_what_was_typed(client, campaign):
    response = send(client, REQUIRED | {"csrf_token": None, "help_involved": "Keep me"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Please check your answers and send them again" in html
    assert form_values(html, FORM)["help_involved"] == ["Keep me"]
    assert count(Response) == 0


def test_switching_language_keeps_what_was_typed_and_stores_nothing(client, campaign):
    response = send(client, {"name": "Dee", "skills": ["legal"], "sector": "media", "switch_lang": "es"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="es"' in html
    kept = form_values(html, FORM)
    assert kept["name"] == ["Dee"] and kept["skills"] == ["legal"] and kept["sector"] == ["media"]
    assert "error-summary" not in html and count(Response) == 0


def test_switching_language_before_writing_makes_the_new_language_the_one_written_in(client, campaign):
    switched = send(client, {"sector": "media", "switch_lang": "ar"})
    assert form_values(switched.get_data(as_text=True), FORM)["text_language"] == ["ar"]
    typed_first = send(client, {"help_involved": "Evening meetings", "switch_lang": "es"}, url=URL + "?lang=en")
    assert form_values(typed_first.get_data(as_text=True), FORM)["text_language"] == ["en"]


def test_form_speaks_the_readers_language(client, campaign):
    spanish = client.get(URL + "?lang=es").get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in spanish
    assert "lunes" in spanish and "Monday" not in spanish  # day names from the locale's calendar
    assert "Enviar mis respuestas" in spanish
    assert '<html lang="ar" dir="rtl">' in client.get(URL + "?lang=ar").get_data(as_text=True)


def test_days_are_named_in_creole_where_the_locale_has_no_names_for_them(client, app):
    make_campaign(slug="lakay", languages=("en", "ht"))
    creole = client.get("/members/lakay?lang=ht").get_data(as_text=True)
    days = re.findall(r'name="days" type="checkbox" value="(\w+)"><span>([^<]*)</span>', creole)
    assert days == [("mon", "Lendi"), ("tue", "Madi"), ("wed", "Mèkredi"), ("thu", "Jedi"), ("fri", "Vandredi"),
                    ("sat", "Samdi"), ("sun", "Dimanch")]  # Babel alone: "Mon", "Tue", … in English


def test_languages_named_in_themselves_say_which_language_they_are(client, campaign):
    arabic = client.get(URL + "?lang=ar").get_data(as_text=True)
    # read by a screen reader in their own voice (and drawn in their own font), as the switcher's are
    assert '<span lang="zh-Hans">简体中文</span>' in arabic and '<span lang="en">English</span>' in arabic
    assert re.search(r'<option lang="vi"( selected)? value="vi">Tiếng Việt</option>', arabic)
    assert re.search(r'value="other">[^<]+</option>', arabic)  # "another language" is in the page's


def test_errors_are_in_the_readers_language(client, campaign):
    response = send(client, REQUIRED | {"skills": ["juggling"]}, url=URL + "?lang=es")
    spanish = read_catalog(catalog_paths()["es"]).get("Please choose from the options shown.").string
    assert spanish in response.get_data(as_text=True)


def test_a_post_without_the_writing_language_uses_the_page_language(client, campaign):
    send(client, REQUIRED | {"help_involved": "Más aviso", "text_language": None}, url=URL + "?lang=es")
    assert db.session.scalars(select(Answer.language)).one() == "es"


def test_answers_are_stored_in_the_language_they_were_written_in(client, campaign):
    send(client, REQUIRED | {"help_involved": "Más reuniones en la tarde"}, url=URL + "?lang=es")
    send(client, REQUIRED | {"help_involved": "Plis tradiksyon", "text_language": "other"}, url=URL + "?lang=en")
    assert sorted(db.session.scalars(select(Answer.language))) == ["es", "und"]
    assert sorted(db.session.scalars(select(Response.language))) == ["en", "es"]


def test_the_form_stays_open_while_the_campaign_is_closed_to_residents(client, app):
    make_campaign(slug="north", is_open=False)
    assert send(client, REQUIRED).status_code == 302
    assert count(MemberAssessment) == 1


def test_unknown_campaign_is_a_friendly_404(client, app):
    response = client.get("/members/nowhere")
    assert response.status_code == 404 and "We could not find that page" in response.get_data(as_text=True)


# --- hostile input ------------------------------------------------------------------------------

PAYLOADS = ["<script>alert(1)</script>", "=HYPERLINK(\"http://evil\")", "'; DROP TABLE response; --",
            "\u0000\u202e\ufeff", "{{ 7*7 }}", "%(x)s %s %d"]
MEMBER_FIELDS = ["name", "email", "phone", "organisation", "directory_consent", "sector", "sector_other",
                 "lived_experience", "skills", "translation_languages", "assets", "languages", "other_languages",
                 "involvement", "days", "times", "modes", "competency_leadership", "help_involved", "text_language",
                 "website", "lang", "response_id", "switch_lang", "unexpected"]


@pytest.mark.slow
def test_any_member_post_is_answered_without_error_or_partial_write(app, campaign):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    value = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=200), st.sampled_from(["", "yes", "4", "9", "en"]),
                      st.sampled_from(["community_org", "active", "legal", "food", "mon", "online"]))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(changes=st.dictionaries(st.sampled_from(MEMBER_FIELDS), st.lists(value, max_size=4), max_size=8),
           complete=st.booleans())
    def post(changes, complete):
        client = app.test_client()
        data = form_values(client.get(URL).get_data(as_text=True), FORM)
        data |= ({k: [v] for k, v in REQUIRED.items()} if complete else {}) | changes
        before = (count(Response), count(MemberAssessment), count(MemberChoice), count(Answer))
        response = client.post(URL, data=data)
        assert response.status_code in (200, 302, 422), response.status_code
        after = (count(Response), count(MemberAssessment), count(MemberChoice), count(Answer))
        assert after[0] - before[0] == after[1] - before[1] in (0, 1)  # all of it, or nothing
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)

    post()


def test_contact_boxes_read_left_to_right_and_free_text_goes_the_way_it_is_written(client, campaign):
    html = client.get(URL + "?lang=ar").get_data(as_text=True)
    for name in ("email", "phone"):  # +1 (206) 555-0100 would otherwise show as 555-0100 (206) 1+
        assert re.search(rf'<input[^>]*\bdir="ltr"[^>]*\bid="{name}"|<input[^>]*\bid="{name}"[^>]*\bdir="ltr"', html), name
    for name in ("name", "help_involved"):  # no dir: the page's, with each line laid out as typed (the stylesheet's
        tag = re.search(rf'<(input|textarea)[^>]*\bid="{name}"[^>]*>', html).group(0)  # unicode-bidi: plaintext)
        assert "dir=" not in tag and "maxlength" not in tag, tag


def test_the_questions_that_must_be_answered_say_so(client, campaign):
    html = client.get(URL + "?lang=ar").get_data(as_text=True)
    marked = re.findall(r'<fieldset[^>]*id="([a-z_]+)"[^>]*>\s*<legend>[^<]*<span class="required-mark">\(مطلوب\)</span>', html)
    assert marked == ["sector", "involvement"]  # as the page's introduction says: only those marked
    assert "«مطلوب»" in html.split('class="intro"', 1)[1].split("</p>", 1)[0]


def test_the_error_summary_gives_each_question_a_line_then_what_to_do(client, campaign):
    html = send(client, {}, url=URL + "?lang=ar").get_data(as_text=True)
    summary = html.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "؟<br>يُرجى اختيار قطاعك." in summary  # not "؟: يُرجى", a colon after the question mark
    assert "؟:" not in summary


def test_how_long_a_too_long_answer_is_is_said_in_the_readers_language(client, campaign):
    html = send(client, REQUIRED | {"help_involved": "ن" * 5000}, url=URL + "?lang=ar").get_data(as_text=True)
    assert "يوجد الآن 5,000 حرف." in html  # 5000 % 100 == 0: the "other" plural form
