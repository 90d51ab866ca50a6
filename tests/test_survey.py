"""The resident priority survey at /s/<slug>: happy path, validation, safety nets."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError

from tests.factories import make_campaign, ratings_for
from tests.helpers import fill_and_post, form_values, hidden
from webapp.extensions import db
from webapp.models import Answer, Profile, Rating, Response


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_survey_page_shows_every_need_as_a_question(client, demo):
    html = client.get("/s/demo").get_data(as_text=True)
    for need in demo.active_needs():
        assert f'id="need_{need.key}"' in html
        assert need.texts["en"].name in html
    assert html.count('type="radio"') >= 5 * len(demo.active_needs())


def test_complete_response_is_stored_and_thanks_follows(client, demo):
    answers = ratings_for(demo, 5) | {
        "top_three": ["affordable_housing", "healthy_food", "transportation"],
        "barrier": "Rent is too high\r\nand the bus is slow",
        "change": "More clinics open late",
        "place": " 98118 ",
        "age_band": "35_44",
        "race_ethnicity": ["black", "latino"],
        "income_band": "under_25k",
        "primary_language": "es",
        "hardships": ["uninsured", "food_insecurity"],
    }
    response = fill_and_post(client, "/s/demo", answers)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/s/demo/thanks")
    thanks = client.get(response.headers["Location"])
    assert "Thank you" in thanks.get_data(as_text=True)

    stored = db.session.scalars(select(Response)).one()
    assert stored.channel == "web" and stored.instrument == "priority" and stored.language == "en"
    assert len(stored.ratings) == len(demo.active_needs())
    assert {r.importance for r in stored.ratings} == {5}
    top = {r.need_id for r in stored.ratings if r.top_three}
    assert top == {n.id for n in demo.needs if n.key in ("affordable_housing", "healthy_food", "transportation")}
    answers_by_question = {a.question: a for a in stored.answers}
    assert answers_by_question["barrier"].text == "Rent is too high\nand the bus is slow"
    assert answers_by_question["barrier"].language == "en"
    profile = stored.profile
    assert profile.place == "98118" and profile.age_band == "35_44"
    assert profile.race_ethnicity == ["black", "latino"]
    assert profile.uninsured is True and profile.food_insecurity is True and profile.disability is False


def test_only_the_ratings_are_required(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo, 3))
    assert response.status_code == 302
    stored = db.session.scalars(select(Response)).one()
    assert stored.answers == [] and stored.profile is None


def test_unticked_hardships_stay_unknown_when_none_are_ticked(client, demo):
    fill_and_post(client, "/s/demo", ratings_for(demo) | {"age_band": "18_24"})
    profile = db.session.scalars(select(Profile)).one()
    assert profile.uninsured is None and profile.transportation_barrier is None


def test_none_of_these_records_every_hardship_as_no(client, demo):
    fill_and_post(client, "/s/demo", ratings_for(demo) | {"hardships": ["none"]})
    profile = db.session.scalars(select(Profile)).one()
    assert profile.uninsured is False and profile.housing_instability is False


def test_the_error_summary_lists_the_problems_in_page_order(client, demo):
    answers = ratings_for(demo) | {"need_healthy_food": None, "hardships": ["none", "uninsured"], "change": "x" * 2001}
    html = fill_and_post(client, "/s/demo", answers).get_data(as_text=True)
    summary = html[html.index('class="error-summary"'):]
    links = re.findall(r'href="#([a-z_]+)"', summary[:summary.index("</ul>")])
    assert links == ["need_healthy_food", "change", "hardships"]


@pytest.mark.parametrize("lang, prefix", [("en", "Error: "), ("zh", "错误："), ("ar", "خطأ: ")])
def test_a_refused_page_title_says_error_as_its_language_punctuates(client, demo, lang, prefix):
    client.get(f"/s/demo?lang={lang}")
    html = fill_and_post(client, "/s/demo", ratings_for(demo) | {"need_healthy_food": None}).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith(prefix) and not title.startswith(prefix + " ")


def test_missing_rating_shows_summary_and_keeps_every_value(client, demo):
    answers = ratings_for(demo, 2) | {
        "need_healthy_food": None,
        "barrier": "Nothing close by <b>really</b>",
        "place": "Southside",
        "top_three": ["childcare"],
        "race_ethnicity": ["asian"],
    }
    response = fill_and_post(client, "/s/demo", answers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#need_healthy_food"' in html
    assert "Please choose how important this is." in html
    kept = form_values(html)
    assert kept["need_affordable_housing"] == ["2"]
    assert "need_healthy_food" not in kept
    assert kept["barrier"] == ["Nothing close by <b>really</b>"]
    assert "&lt;b&gt;really" in html  # kept, and shown as text
    assert kept["place"] == ["Southside"]
    assert kept["top_three"] == ["childcare"]
    assert kept["race_ethnicity"] == ["asian"]
    assert count(Response) == 0


def test_more_than_three_top_picks_is_refused_with_values_kept(client, demo):
    picks = ["affordable_housing", "healthy_food", "transportation", "childcare"]
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"top_three": picks})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please pick no more than three." in html
    assert form_values(html)["top_three"] == picks
    assert count(Response) == 0


def test_free_text_over_2000_characters_is_refused_and_kept(client, demo):
    long_text = "x" * 2001
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"change": long_text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please shorten this answer to 2,000 characters or fewer. It has 2,001 characters now." in html  # how much
    assert form_values(html)["change"] == [long_text]
    assert count(Response) == 0


def test_free_text_of_exactly_2000_characters_is_accepted(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"change": "é" * 2000})
    assert response.status_code == 302
    assert db.session.scalars(select(Answer)).one().text == "é" * 2000


def test_out_of_range_rating_is_refused(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"need_childcare": "9"})
    assert response.status_code == 422
    assert "Please choose one of the options." in response.get_data(as_text=True)
    assert count(Rating) == 0


def test_non_numeric_rating_is_refused_without_error_500(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"need_childcare": "lots"})
    assert response.status_code == 422


def test_both_hardships_and_none_of_these_is_refused(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"hardships": ["none", "disability"]})
    assert response.status_code == 422
    assert "None of these" in response.get_data(as_text=True)


def test_unknown_choice_in_profile_is_refused(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"age_band": "ancient"})
    assert response.status_code == 422
    assert count(Response) == 0


def test_honeypot_filled_stores_nothing_but_says_thanks(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert "/thanks" in response.headers["Location"]
    assert count(Response) == 0


def test_post_without_csrf_token_is_refused_and_keeps_what_was_typed(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"csrf_token": None, "barrier": "Keep me"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Please check your answers and send them again" in html
    assert form_values(html)["barrier"] == ["Keep me"]
    assert count(Response) == 0


def test_post_with_forged_csrf_token_is_refused(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"csrf_token": "forged"})
    assert response.status_code == 200
    assert count(Response) == 0


def test_same_form_sent_twice_is_stored_once(client, demo):
    page = client.get("/s/demo").get_data(as_text=True)
    data = form_values(page) | {k: [v] for k, v in ratings_for(demo).items()}
    first = client.post("/s/demo", data=data)
    second = client.post("/s/demo", data=data)
    assert first.status_code == second.status_code == 302
    assert count(Response) == 1
    assert db.session.scalars(select(Response)).one().client_uuid == uuid.UUID(data["response_id"][0])


def test_same_form_sent_again_with_changes_keeps_the_first(client, demo):
    page = client.get("/s/demo").get_data(as_text=True)
    data = form_values(page) | {k: [v] for k, v in ratings_for(demo, 1).items()}
    client.post("/s/demo", data=data)
    changed = data | {"need_childcare": ["5"]}
    response = client.post("/s/demo", data=changed, follow_redirects=True)
    assert "We kept the first ones you sent" in response.get_data(as_text=True)
    assert count(Response) == 1
    assert {r.importance for r in db.session.scalars(select(Rating))} == {1}


SENT_BEFORE = "These answers were not sent: this device already sent the same answers, and those are stored."


def test_the_same_answers_sent_again_from_a_new_page_are_not_stored_twice_without_asking(client, demo):
    """Back after sending may load the form afresh: the browser puts the answers back, the page has a new UUID."""
    answers = ratings_for(demo, 4) | {"barrier": "The bus", "top_three": ["healthy_food"]}
    assert fill_and_post(client, "/s/demo", answers).status_code == 302
    again = fill_and_post(client, "/s/demo", answers)  # a new page load: a new response UUID
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and SENT_BEFORE in html and count(Response) == 1
    kept = form_values(html)
    assert kept["barrier"] == ["The bus"] and kept["send_again"] == ["1"]
    assert client.post("/s/demo", data=kept).status_code == 302  # someone else on this phone: stored anew
    assert count(Response) == 2


def test_other_answers_from_the_same_device_are_stored_without_asking(client, demo):
    assert fill_and_post(client, "/s/demo", ratings_for(demo, 4)).status_code == 302
    assert fill_and_post(client, "/s/demo", ratings_for(demo, 3)).status_code == 302
    assert count(Response) == 2


def test_what_a_device_sent_is_kept_in_a_cookie_of_the_forms_own_that_says_nothing_of_the_answers(client, demo):
    from http.cookies import SimpleCookie

    response = fill_and_post(client, "/s/demo", ratings_for(demo, 4))
    cookie = SimpleCookie(next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("sent=")))["sent"]
    assert cookie["path"] == "/s/demo" and cookie["httponly"] and cookie["samesite"] == "Lax"
    answers, client_uuid = cookie.value.split(".")
    stored = db.session.scalars(select(Response)).one()
    assert answers not in stored.content_hash  # keyed digests: not the hash itself,
    assert stored.client_uuid.hex[:12] not in cookie.value  # nor the response's id (its reference code)


def test_a_sent_cookie_that_is_not_ours_is_ignored_not_an_error(client, demo):
    client.set_cookie("sent", "éé.ü", path="/s/demo")  # a sibling site's, an extension's, a broken one
    assert fill_and_post(client, "/s/demo", ratings_for(demo, 4)).status_code == 302
    assert count(Response) == 1


def test_under_a_prefix_the_sent_cookie_is_set_for_the_forms_whole_address(client, demo):
    mounted = {"base_url": "http://localhost/chorus"}  # served at /chorus/ (SCRIPT_NAME)
    response = fill_and_post(client, "/s/demo", ratings_for(demo, 4), **mounted)
    assert "Path=/chorus/s/demo" in next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("sent="))


def test_each_page_load_gets_a_new_response_id(client, demo):
    first = hidden(client.get("/s/demo").get_data(as_text=True), "response_id")
    second = hidden(client.get("/s/demo").get_data(as_text=True), "response_id")
    assert first != second and uuid.UUID(first) and uuid.UUID(second)


def test_invalid_response_id_gets_a_fresh_one(client, demo):
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"response_id": "not-a-uuid"})
    assert response.status_code == 302
    assert count(Response) == 1


def test_closed_campaign_says_so_instead_of_the_form(client, app):
    make_campaign(slug="closed", is_open=False)
    html = client.get("/s/closed").get_data(as_text=True)
    assert "This survey is closed" in html
    assert "<form" not in html


def close_minutes_ago(campaign, minutes: float) -> None:
    import datetime as dt

    from webapp.models import utcnow
    from webapp.services.campaign_edits import set_campaign_open

    set_campaign_open(campaign, False, actor=None)
    campaign.closed_at = utcnow() - dt.timedelta(minutes=minutes)
    db.session.commit()


def test_post_to_a_campaign_closed_longer_than_the_grace_stores_nothing(client, app):
    campaign = make_campaign(slug="closing")
    page = client.get("/s/closing").get_data(as_text=True)
    close_minutes_ago(campaign, app.config["CLOSING_GRACE_MINUTES"] + 1)
    response = client.post("/s/closing", data=form_values(page) | ratings_for(campaign))
    assert "This survey is closed" in response.get_data(as_text=True)
    assert count(Response) == 0


def test_answers_from_a_page_opened_before_closing_are_still_taken_for_a_while(client, app):
    """A resident who was answering when the coalition closed the survey does not lose what they wrote."""
    campaign = make_campaign(slug="closing")
    page = client.get("/s/closing").get_data(as_text=True)
    close_minutes_ago(campaign, 10)
    assert "This survey is closed" in client.get("/s/closing").get_data(as_text=True)  # no one new starts
    response = client.post("/s/closing", data=form_values(page) | ratings_for(campaign))
    assert response.status_code == 302 and "/s/closing/thanks" in response.headers["Location"]
    assert count(Response) == 1


def test_unknown_campaign_is_a_friendly_404(client, app):
    response = client.get("/s/no-such-campaign")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We could not find that page" in html and "Traceback" not in html


def test_retired_needs_are_not_asked(client, app):
    from webapp.models import utcnow

    campaign = make_campaign(slug="retire", needs=("a", "b", "c"))
    campaign.needs[1].retired_at = utcnow()
    db.session.commit()
    html = client.get("/s/retire").get_data(as_text=True)
    assert 'id="need_a"' in html and 'id="need_c"' in html and 'id="need_b"' not in html
    assert fill_and_post(client, "/s/retire", ratings_for(campaign)).status_code == 302


def test_campaign_without_profile_questions_has_no_profile_section(client, app):
    campaign = make_campaign(slug="noprofile")
    campaign.profile_questions = []
    db.session.commit()
    html = client.get("/s/noprofile").get_data(as_text=True)
    assert "About you" not in html and 'name="age_band"' not in html


def test_survey_page_has_security_headers(client, demo):
    headers = client.get("/s/demo").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_survey_has_no_inline_script_or_style(client, demo):
    html = client.get("/s/demo").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_edited_content_shows_at_once_on_the_cached_survey_page(client, demo):
    assert "Affordable housing" in client.get("/s/demo").get_data(as_text=True)
    demo.needs[0].texts["en"].name = "Homes people can afford"
    db.session.commit()
    html = client.get("/s/demo").get_data(as_text=True)
    assert "Homes people can afford" in html and "Affordable housing" not in html


def test_cached_survey_page_carries_this_sessions_csrf_token(app, demo):
    first, second = app.test_client(), app.test_client()
    first_token = hidden(first.get("/s/demo").get_data(as_text=True), "csrf_token")
    second_token = hidden(second.get("/s/demo").get_data(as_text=True), "csrf_token")
    assert first_token != second_token
    assert fill_and_post(second, "/s/demo", ratings_for(demo)).status_code == 302


@pytest.mark.parametrize("lost", [
    lambda: OperationalError("INSERT", {}, Exception("server closed the connection")),
    lambda: InterfaceError("INSERT", {}, Exception("the connection is closed"), connection_invalidated=True),
], ids=["database-down", "link-broken"])
def test_a_failed_save_keeps_the_answers_and_asks_to_send_again(client, demo, monkeypatch, lost):
    import webapp.survey.routes as routes

    def database_gone(*args, **kwargs):
        raise lost()

    monkeypatch.setattr(routes, "store_priority_response", database_gone)
    response = fill_and_post(client, "/s/demo", ratings_for(demo) | {"change": "Keep this"})
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Nothing is lost: please press “Send my answers” again." in html
    assert form_values(html)["change"] == ["Keep this"]


def test_a_database_fault_that_is_not_an_outage_is_a_500_without_details(client, demo, monkeypatch):
    import webapp.survey.routes as routes

    def bad_statement(*args, **kwargs):
        raise ProgrammingError("INSERT", {}, Exception("syntax error at or near secret_column"))

    monkeypatch.setattr(routes, "store_priority_response", bad_statement)
    response = fill_and_post(client, "/s/demo", ratings_for(demo))
    assert response.status_code == 500
    assert "secret_column" not in response.get_data(as_text=True)


def test_a_post_without_the_writing_language_uses_the_page_language(client, demo):
    response = fill_and_post(client, "/s/demo?lang=es", ratings_for(demo) | {"change": "Más buses",
                                                                            "text_language": None})
    assert response.status_code == 302
    assert db.session.scalars(select(Answer)).one().language == "es"


def test_a_too_long_answers_two_sentences_are_joined_as_chinese_joins_sentences(client, demo):
    response = fill_and_post(client, "/s/demo?lang=zh", ratings_for(demo) | {"change": "字" * 2001})
    error = response.get_data(as_text=True).split('id="change-error"', 1)[1].split("</p>", 1)[0]
    assert "。现在有 2,001 个字符。" in error  # no space after the full stop


def test_needs_left_unrated_are_one_line_of_the_error_summary(client, demo):
    response = fill_and_post(client, "/s/demo", {"change": "Keep this"})  # not one need rated
    html = response.get_data(as_text=True)
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    lines = re.findall(r"<li>(.*?)</li>", summary, re.S)
    needs = re.findall(r'<fieldset class="question rating[^"]*" id="(need_[a-z_]+)"', html)
    assert f"Please fix {len(needs)} things before sending" in summary  # still counts every question
    assert len(lines) == 1 and f'href="#{needs[0]}"' in lines[0]  # one line, linked to the first
    assert lines[0].count(" · ") == len(needs) - 1 and "Affordable housing" in lines[0]  # naming each need
    assert lines[0].count("Please choose how important each of these is.") == 1  # not "… this is." of fourteen


def test_switching_language_before_writing_makes_the_new_language_the_one_written_in(client, demo):
    # the page offers "What language did you write in?" set to its own language; a resident who switches to
    # Spanish first and then writes in Spanish leaves it alone, so it must follow the switch
    switched = fill_and_post(client, "/s/demo?lang=en", {"switch_lang": "es"})
    kept = form_values(switched.get_data(as_text=True), "survey")
    assert kept["text_language"] == ["es"]
    kept.update({key: [value] for key, value in ratings_for(demo).items()} | {"change": ["Más autobuses"]})
    assert client.post("/s/demo", data=kept).status_code == 302
    assert db.session.scalars(select(Answer)).one().language == "es"


@pytest.mark.parametrize("answers", [{"change": "More buses"}, {"text_language": "other"}])
def test_switching_language_keeps_the_language_written_in_once_text_is_typed_or_it_was_chosen(client, demo, answers):
    switched = fill_and_post(client, "/s/demo?lang=en", answers | {"switch_lang": "es"})
    assert form_values(switched.get_data(as_text=True), "survey")["text_language"] == [
        answers.get("text_language", "en")]
