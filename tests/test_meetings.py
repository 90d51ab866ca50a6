"""Meetings: creating them, the anonymous evaluation at /m/<code>, results, suppression, trend, CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from tests.factories import make_campaign, make_user
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import Answer, AuditEvent, Meeting, MeetingEvaluation, Response, utcnow
from webapp.models.meetings import MEI_ITEMS
from webapp.services import meetings as meeting_service
from webapp.services.exports import BOM
from webapp.services.meetings import (
    ANSWERS_EXPORT_HEADER,
    CODE_ALPHABET,
    EXPORT_HEADER,
    EvaluationSubmission,
    ItemResult,
    campaign_results,
    closing_time,
    create_meeting,
    mark_lowest,
    store_evaluation,
    trend,
)
from webapp.services.submissions import Outcome

ITEMS = ("goals", "participation", "leadership", "decisions", "cohesiveness", "conflict", "organisation",
         "productivity")
TODAY = dt.date.today()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def meeting_of(campaign, title="Monthly meeting", held_on=TODAY, **values) -> Meeting:
    return create_meeting(campaign, title=title, held_on=held_on, mode=values.pop("mode", "in_person"), **values)


def evaluate(meeting, scores: dict | int = 4, access=None, answers=None):
    """Store one evaluation; ``scores`` is one score for every item, or item -> score (conflict None: no conflict)."""
    if isinstance(scores, int):
        scores = dict.fromkeys(ITEMS, scores)
    else:
        scores = dict.fromkeys(ITEMS, 3) | scores
    return store_evaluation(meeting, EvaluationSubmission(uuid.uuid4(), "en", scores, access or {}, answers or {}))


def every_item(score: str) -> dict:
    return dict.fromkeys(ITEMS, score)


@pytest.fixture
def campaign(app):
    return make_campaign(slug="north", languages=("en", "es", "ar"))


# --- creating a meeting ---------------------------------------------------------------------


def test_lead_creates_a_meeting_and_lands_on_its_page(client, lead, campaign):
    response = fill_and_post(client, "/coalition/north/meetings", {
        "title": "November partners meeting", "held_on": TODAY.isoformat(), "mode": "hybrid",
        "place": "Library, room 2", "facilitator": "Sam", "open_days": "7"}, form_id="meeting")
    meeting = db.session.scalars(select(Meeting)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/coalition/north/meetings/{meeting.id}"
    assert (meeting.title, meeting.held_on, meeting.mode, meeting.place, meeting.facilitator) == (
        "November partners meeting", TODAY, "hybrid", "Library, room 2", "Sam")
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", meeting.code)
    assert meeting.closes_at == closing_time(TODAY, 7, "UTC") and meeting.created_by_id == lead.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.created")).one()
    assert event.actor_id == lead.id and event.detail["code"] == meeting.code
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"http://localhost/m/{meeting.code}" in page
    assert re.search(r'<svg role="img" focusable="false" viewBox="0 0 \d+ \d+" class="qr-code"><title>', page)
    last_day = TODAY + dt.timedelta(days=7)  # open through the 7th day after, not into the 8th's first minute
    assert f"The evaluation is open until {last_day.month}/{last_day.day}/{last_day:%y}, 11:59\u202fPM." in page


def test_a_meetings_words_are_marked_with_the_language_the_lead_wrote_them_in(client, lead, campaign):
    client.get("/coalition/north/meetings?lang=es")
    fill_and_post(client, "/coalition/north/meetings", {
        "title": "Reunión de socios", "held_on": TODAY.isoformat(), "mode": "in_person", "place": "Biblioteca",
        "facilitator": "Ana", "open_days": "7"}, form_id="meeting")
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.language == "es"
    english = client.get(f"/m/{meeting.code}?lang=en").get_data(as_text=True)  # a participant reading English
    assert '<p class="lead" lang="es" dir="ltr">Reunión de socios</p>' in english
    assert '<bdi lang="es" dir="ltr">Biblioteca</bdi>' in english
    arabic = client.get(f"/coalition/north/meetings/{meeting.id}?lang=ar").get_data(as_text=True)
    assert '<h1 lang="es" dir="ltr">Reunión de socios</h1>' in arabic and '<bdi lang="es" dir="ltr">Ana</bdi>' in arabic
    listed = client.get("/coalition/north/meetings?lang=en").get_data(as_text=True)
    assert f'/meetings/{meeting.id}" lang="es" dir="ltr">Reunión de socios</a>' in listed
    spanish = client.get(f"/m/{meeting.code}?lang=es").get_data(as_text=True)  # nothing to mark on a Spanish page
    assert '<p class="lead">Reunión de socios</p>' in spanish


def test_a_meeting_added_without_a_language_is_in_its_campaigns_default_language(campaign):
    assert meeting_of(campaign).language == campaign.default_language


def test_a_meeting_ahead_says_when_its_evaluation_opens_not_that_it_is_open(client, lead, campaign):
    next_week = TODAY + dt.timedelta(days=7)
    response = fill_and_post(client, "/coalition/north/meetings", {
        "title": "Planning retreat", "held_on": next_week.isoformat(), "mode": "online", "open_days": "3"},
        form_id="meeting")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    opens, closes = f"{next_week:%B} {next_week.day}, {next_week.year}", next_week + dt.timedelta(days=3)
    assert (f"The evaluation opens on {opens}, the day of the meeting, and stays open until "
            f"{closes.month}/{closes.day}/{closes:%y}, 11:59\u202fPM.") in page
    listed = client.get("/coalition/north/meetings").get_data(as_text=True)
    assert f"Opens on {next_week:%b} {next_week.day}, {next_week.year}" in listed and "Open until" not in listed


@pytest.mark.parametrize(("answers", "message"), [
    ({"title": ""}, "Please give the meeting a title."),
    ({"title": "   "}, "Please give the meeting a title."),
    ({"held_on": ""}, "Please give the date."),
    ({"held_on": "22/11/2026"}, "Please give a date like 2026-11-22."),
    ({"mode": None}, "Please say where the meeting is."),
    ({"open_days": "0"}, "Please give a number from 1 to 60."),
    ({"open_days": "61"}, "Please give a number from 1 to 60."),
    ({"open_days": "a week"}, "Please give a whole number."),
])
def test_meeting_form_refuses_bad_answers_and_keeps_the_rest(client, lead, answers, message):
    good = {"title": "Kickoff", "held_on": TODAY.isoformat(), "mode": "online", "place": "Zoom"}
    response = fill_and_post(client, "/coalition/north/meetings", good | answers, form_id="meeting")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and html.count(message) == 2  # in the summary and at the field
    assert form_values(html, "meeting")["place"] == ["Zoom"]
    assert count(Meeting) == 0


def test_nul_characters_are_dropped_from_meetings_and_evaluations(client, lead):
    fill_and_post(client, "/coalition/north/meetings", {"title": "Kick\u0000off", "held_on": TODAY.isoformat(),
                                                         "mode": "online"}, form_id="meeting")
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.title == "Kickoff"
    response = fill_and_post(client, f"/m/{meeting.code}", every_item("4") | {"improve": "x\u0000y"},
                             form_id="evaluation")
    assert response.status_code == 302 and db.session.scalars(select(Answer.text)).one() == "xy"


def test_a_meeting_whose_evaluation_would_already_be_closed_is_refused(client, lead):
    long_ago = (TODAY - dt.timedelta(days=30)).isoformat()
    response = fill_and_post(client, "/coalition/north/meetings", {
        "title": "Old", "held_on": long_ago, "mode": "online", "open_days": "7"}, form_id="meeting")
    assert response.status_code == 422
    assert "the evaluation would already be closed" in response.get_data(as_text=True)
    assert count(Meeting) == 0


@pytest.mark.parametrize("held_on", ["9999-12-31", "9999-11-20"])
def test_a_meeting_on_the_calendars_last_days_is_refused_not_a_500(client, lead, held_on):
    response = fill_and_post(client, "/coalition/north/meetings", {
        "title": "Far away", "held_on": held_on, "mode": "online", "open_days": "60"}, form_id="meeting")
    assert response.status_code == 422
    assert "This date is too far in the future. Please check the date." in response.get_data(as_text=True)
    assert count(Meeting) == 0


def test_evaluations_close_at_the_end_of_the_last_open_day_in_the_coalitions_time_zone():
    utc = dt.timezone.utc
    assert closing_time(dt.date(2026, 11, 22), 7, "UTC") == dt.datetime(2026, 11, 30, tzinfo=utc)
    assert closing_time(dt.date(2026, 11, 22), 1, "America/Los_Angeles") == dt.datetime(2026, 11, 24, 8, tzinfo=utc)


def test_codes_are_unique_even_when_the_generator_repeats_itself(app, campaign, monkeypatch):
    codes = iter(["AAAAAA", "AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(meeting_service, "new_code", lambda: next(codes))
    first, second = meeting_of(campaign, "First"), meeting_of(campaign, "Second")
    assert (first.code, second.code) == ("AAAAAA", "BBBBBB")
    assert count(Meeting) == 2


def test_codes_use_no_characters_people_confuse():
    assert not set("01OIL") & set(CODE_ALPHABET)
    codes = {meeting_service.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", code) for code in codes)


# --- the evaluation participants fill ---------------------------------------------------------


def test_evaluation_page_asks_the_eight_items_with_their_anchors(client, campaign):
    meeting = meeting_of(campaign, place="Library")
    html = client.get(f"/m/{meeting.code}").get_data(as_text=True)
    for item in ITEMS:
        assert re.search(rf'<fieldset class="question rating" id="{item}"', html), item
    assert "Very clear; everyone knew what we wanted to do" in html and "The goals were not clear" in html
    assert 'value="none"' in html and "There was no conflict" in html
    for name in ("access_time_place", "access_take_part", "access_welcome", "went_well", "improve"):
        assert f'id="{name}"' in html
    assert "Monthly meeting" in html and "Library" in html
    assert "style=" not in html and "<script>" not in html


def test_the_short_link_works_in_any_case(client, campaign):
    meeting = meeting_of(campaign)
    assert client.get(f"/m/{meeting.code.lower()}").status_code == 200


def test_evaluation_is_stored_once_and_names_no_one(client, lead, campaign):
    meeting = meeting_of(campaign)
    page = client.get(f"/m/{meeting.code}").get_data(as_text=True)  # even a signed-in lead stays anonymous
    data = form_values(page, "evaluation") | {k: [v] for k, v in every_item("4").items()} | {
        "conflict": ["none"], "access_welcome": ["somewhat"], "went_well": ["Clear agenda"], "improve": [""]}
    first, second = client.post(f"/m/{meeting.code}", data=data), client.post(f"/m/{meeting.code}", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"].startswith(f"/m/{meeting.code}/thanks")
    response = db.session.scalars(select(Response)).one()
    assert (response.instrument, response.entered_by_id, response.event_id) == ("meeting", None, None)
    assert response.client_uuid == uuid.UUID(data["response_id"][0])
    evaluation = db.session.scalars(select(MeetingEvaluation)).one()
    assert (evaluation.meeting_id, evaluation.goals, evaluation.conflict, evaluation.no_conflict) == (
        meeting.id, 4, None, True)
    assert (evaluation.access_welcome, evaluation.access_time_place) == ("somewhat", None)
    assert [(a.question, a.text) for a in db.session.scalars(select(Answer))] == [("went_well", "Clear agenda")]
    assert db.session.scalars(select(AuditEvent.action)).all() == ["meeting.created"]  # nothing about the sender


def test_the_same_evaluation_sent_again_from_a_new_page_is_not_stored_twice_without_asking(client, campaign):
    meeting = meeting_of(campaign)
    answers = every_item("5") | {"conflict": "none"}
    assert fill_and_post(client, f"/m/{meeting.code}", answers, form_id="evaluation").status_code == 302
    again = fill_and_post(client, f"/m/{meeting.code}", answers, form_id="evaluation")
    assert again.status_code == 200 and count(MeetingEvaluation) == 1
    assert "this device already sent the same answers" in again.get_data(as_text=True)
    kept = form_values(again.get_data(as_text=True), "evaluation")
    assert client.post(f"/m/{meeting.code}", data=kept).status_code == 302  # a phone passed round the room
    assert count(MeetingEvaluation) == 2


def test_an_evaluation_has_no_place_for_a_name_an_address_or_an_account():
    columns = set(MeetingEvaluation.__table__.columns.keys())
    assert columns == {"response_id", "meeting_id", *ITEMS, "no_conflict", "access_time_place", "access_take_part",
                       "access_welcome"}


def test_the_service_tells_a_replay_from_a_conflict(app, campaign):
    meeting = meeting_of(campaign)
    submission = EvaluationSubmission(uuid.uuid4(), "en", dict.fromkeys(ITEMS, 5))
    outcome, first = store_evaluation(meeting, submission)
    assert outcome is Outcome.STORED and store_evaluation(meeting, submission) == (Outcome.DUPLICATE, first)
    submission.scores["goals"] = 1
    assert store_evaluation(meeting, submission) == (Outcome.CONFLICT, None)
    assert count(MeetingEvaluation) == 1


def test_missing_items_are_listed_and_everything_typed_is_kept(client, campaign):
    meeting = meeting_of(campaign)
    response = fill_and_post(client, f"/m/{meeting.code}", {"goals": "2", "conflict": "none", "improve": "Start on time"},
                             form_id="evaluation")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please fix 6 things before sending" in html
    assert 'href="#participation"' in html and 'href="#goals"' not in html
    kept = form_values(html, "evaluation")
    assert kept["goals"] == ["2"] and kept["conflict"] == ["none"] and kept["improve"] == ["Start on time"]
    assert count(Response) == 0


@pytest.mark.parametrize(("field", "value"), [("goals", "6"), ("goals", "x"), ("conflict", "0"),
                                              ("access_welcome", "maybe")])
def test_answers_outside_the_scale_are_refused(client, campaign, field, value):
    meeting = meeting_of(campaign)
    response = fill_and_post(client, f"/m/{meeting.code}", every_item("3") | {field: value}, form_id="evaluation")
    assert response.status_code == 422 and "Please choose one of the options." in response.get_data(as_text=True)
    assert count(Response) == 0


def test_a_closed_evaluation_says_so_and_stores_nothing(client, app, campaign):
    meeting = meeting_of(campaign)
    page = client.get(f"/m/{meeting.code}").get_data(as_text=True)
    meeting.closes_at = utcnow() - dt.timedelta(minutes=app.config["CLOSING_GRACE_MINUTES"] + 1)
    db.session.commit()
    closed = client.get(f"/m/{meeting.code}")
    assert closed.status_code == 200 and "This evaluation is closed" in closed.get_data(as_text=True)
    assert "<form" not in closed.get_data(as_text=True)
    data = form_values(page, "evaluation") | {k: [v] for k, v in every_item("5").items()}
    assert "This evaluation is closed" in client.post(f"/m/{meeting.code}", data=data).get_data(as_text=True)
    assert count(Response) == 0


CREOLE_MONTHS = ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm", "oktòb", "novanm",
                 "desanm")


def in_creole(day: dt.date) -> str:
    return f"{day.day} {CREOLE_MONTHS[day.month - 1]} {day.year}"


def test_a_meetings_date_is_written_in_creole_on_a_haitian_page(client, app):
    # CLDR has no month names for Haitian Creole: Babel alone writes "2026 M12 3"
    campaign = make_campaign(slug="lakay", languages=("en", "ht"))
    today, ahead = meeting_of(campaign), meeting_of(campaign, held_on=TODAY + dt.timedelta(days=40))
    page = client.get(f"/m/{today.code}?lang=ht").get_data(as_text=True)
    assert f'<p class="hint">{in_creole(TODAY)}</p>' in page
    not_yet = client.get(f"/m/{ahead.code}?lang=ht").get_data(as_text=True)
    assert f"Evalyasyon sa a ap louvri {in_creole(ahead.held_on)}, jou reyinyon an." in not_yet
    english = client.get(f"/m/{today.code}?lang=en").get_data(as_text=True)
    assert f'<p class="hint">{TODAY:%B} {TODAY.day}, {TODAY.year}</p>' in english  # CLDR's, where it has names


def test_the_leads_meeting_pages_write_dates_in_creole_too(client, lead, campaign):
    campaign.languages = ["en", "ht"]
    db.session.commit()
    meeting = meeting_of(campaign, held_on=TODAY + dt.timedelta(days=40))
    listed = client.get(f"/coalition/{campaign.slug}/meetings?lang=ht").get_data(as_text=True)
    assert in_creole(meeting.held_on) in listed and " M1" not in listed  # not Babel's "2026 M12 3"
    page = client.get(f"/coalition/{campaign.slug}/meetings/{meeting.id}?lang=ht").get_data(as_text=True)
    weekday = ("Lendi", "Madi", "Mèkredi", "Jedi", "Vandredi", "Samdi", "Dimanch")[meeting.held_on.weekday()]
    assert f"{weekday} {in_creole(meeting.held_on)}" in page


def test_creole_calendar_names_leave_every_other_locale_as_cldr_has_it(app):
    from babel import localedata
    from babel.dates import format_date, format_datetime

    day = dt.date(2026, 12, 3)
    assert format_datetime(dt.datetime(2026, 12, 3, 18, 5), "short", locale="ht") == "03/12/2026 18:05"
    assert format_date(day, "long", locale="en") == "December 3, 2026"
    assert format_date(day, "long", locale="fil") == "Disyembre 3, 2026"
    assert localedata.load("root")["months"]["format"]["wide"][12] == "M12"  # shared with ht: replaced, not changed


def test_an_unknown_code_is_a_friendly_404(client, app):
    response = client.get("/m/ZZZZZZ")
    assert response.status_code == 404 and "We could not find that page" in response.get_data(as_text=True)


def test_evaluation_speaks_the_campaigns_languages_and_keeps_answers_when_switching(client, campaign):
    meeting = meeting_of(campaign)
    assert '<html lang="ar" dir="rtl">' in client.get(f"/m/{meeting.code}?lang=ar").get_data(as_text=True)
    assert 'hreflang="es"' not in client.get(f"/m/{meeting.code}?lang=en").get_data(as_text=True)  # a form: buttons
    response = fill_and_post(client, f"/m/{meeting.code}?lang=en", {"goals": "5", "went_well": "Buena comida",
                                                                     "switch_lang": "es"}, form_id="evaluation")
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html and "Enviar mis respuestas" in html
    kept = form_values(html, "evaluation")
    assert kept["goals"] == ["5"] and kept["went_well"] == ["Buena comida"] and count(Response) == 0
    assert 'value="ko"' not in html.split('class="switcher"')[1].split("</nav>")[0]  # only the campaign's languages


def test_switching_language_before_writing_makes_the_new_language_the_one_written_in(client, campaign):
    meeting = meeting_of(campaign)
    response = fill_and_post(client, f"/m/{meeting.code}?lang=en", {"goals": "5", "switch_lang": "es"},
                             form_id="evaluation")
    assert form_values(response.get_data(as_text=True), "evaluation")["text_language"] == ["es"]


def test_open_answers_keep_the_language_they_were_written_in(client, campaign):
    meeting = meeting_of(campaign)
    fill_and_post(client, f"/m/{meeting.code}?lang=es", every_item("4") | {"went_well": "Todo bien"},
                  form_id="evaluation")
    answer = db.session.scalars(select(Answer)).one()
    assert (answer.text, answer.language) == ("Todo bien", "es")


# --- results -----------------------------------------------------------------------------------


def test_means_distributions_and_n_are_exact(app, campaign):
    meeting = meeting_of(campaign)
    for goals, conflict in ((5, 2), (4, 4), (4, None), (1, None)):
        evaluate(meeting, {"goals": goals, "conflict": conflict},
                 access={"welcome": "yes"} if goals > 1 else {"welcome": "no", "time_place": "somewhat"})
    (results,) = campaign_results(campaign.id)
    assert results.evaluations == 4 and not results.withheld
    goals = results.item("goals")
    assert (goals.distribution, goals.n, goals.mean) == ((1, 0, 0, 2, 1), 4, Fraction(14, 4))
    conflict = results.item("conflict")
    assert (conflict.distribution, conflict.n, conflict.mean) == ((0, 1, 0, 1, 0), 2, Fraction(3))
    assert results.no_conflict == 2  # "there was no conflict" stays out of the mean
    assert results.item("productivity").mean == 3
    access = {a.key: a for a in results.access}
    assert access["welcome"].counts == {"yes": 3, "somewhat": 0, "no": 1} and access["welcome"].n == 4
    assert access["time_place"].counts == {"yes": 0, "somewhat": 1, "no": 0} and access["take_part"].n == 0


def test_a_mean_ending_in_a_half_is_rounded_up_on_the_page_and_in_the_export(client, lead, campaign):
    meeting = meeting_of(campaign)
    for leadership, goals in ((3, 1), (5, 5), (3, 3), (2, 2)):  # means 3.25 and 2.75
        evaluate(meeting, {"leadership": leadership, "goals": goals}, access={"welcome": "yes"})
    html = client.get(f"/coalition/north/meetings/{meeting.id}").get_data(as_text=True)
    assert ">3.3<" in html and ">2.8<" in html and ">3.2<" not in html  # not to the even digit
    [row] = csv.DictReader(io.StringIO(client.get("/coalition/north/meetings.csv").get_data(as_text=True)
                                       .removeprefix(BOM)))
    assert (row["leadership_mean"], row["goals_mean"]) == ("3.25", "2.75")
    for _ in range(4):  # 8 answers: leadership 25 / 8 = 3.125, which round() takes to the even 3.12
        evaluate(meeting, {"leadership": 3, "goals": 1}, access={"welcome": "yes"})
    [row] = csv.DictReader(io.StringIO(client.get("/coalition/north/meetings.csv").get_data(as_text=True)
                                       .removeprefix(BOM)))
    assert row["leadership_mean"] == "3.13"


def test_lowest_items_are_the_two_lowest_means_ties_included():
    def item(key, *distribution):
        return ItemResult(key, distribution)

    items = [item("a", 0, 0, 0, 1, 0), item("b", 0, 1, 0, 0, 0), item("c", 0, 0, 1, 0, 0), item("d", 0, 0, 1, 0, 0),
             item("e", 0, 0, 0, 0, 0)]
    assert [i.key for i in mark_lowest(items) if i.lowest] == ["b", "c", "d"]
    same = [item("a", 0, 0, 1, 0, 0), item("b", 0, 0, 2, 0, 0)]
    assert not any(i.lowest for i in mark_lowest(same))  # all equal: nothing to point out


def test_lowest_items_are_highlighted_on_the_meeting_page(client, lead, campaign):
    meeting = meeting_of(campaign)
    for _ in range(3):
        evaluate(meeting, {"decisions": 1, "organisation": 2, "goals": 5})
    html = client.get(f"/coalition/north/meetings/{meeting.id}").get_data(as_text=True)
    lowest = re.findall(r'<tr class="is-lowest">\s*<th scope="row">([^<]+)', html)
    assert [name.strip() for name in lowest] == ["Decisions", "Organization"]


def test_the_meeting_page_says_above_the_results_that_the_columns_1_to_5_count_people(client, lead, campaign):
    meeting = meeting_of(campaign)
    for _ in range(3):
        evaluate(meeting)
    html = client.get(f"/coalition/north/meetings/{meeting.id}").get_data(as_text=True)
    about = ("<p class=\"hint\" id=\"results-about\">Each question's average, how many answered, "
             "and how many chose each score</p>")
    assert about in html  # shown, not a hidden caption: "1 … 5" read alone look like scores
    assert html.index(about) < html.index('<table class="data-table results-table" aria-labelledby="results-about">')


def test_a_place_and_a_facilitator_in_latin_letters_keep_their_order_on_an_arabic_page(client, lead, campaign):
    meeting = meeting_of(campaign, place="Room 2, Library", facilitator="Dr. Sam Lee")
    html = client.get(f"/coalition/north/meetings/{meeting.id}?lang=ar").get_data(as_text=True)
    assert '<bdi lang="en" dir="ltr">Room 2, Library</bdi>' in html and '<bdi lang="en" dir="ltr">Dr. Sam Lee</bdi>' in html


def test_each_meeting_in_the_list_is_named_by_its_row_header(client, lead, campaign):
    meeting = meeting_of(campaign, title="Planning retreat")
    html = client.get("/coalition/north/meetings").get_data(as_text=True)
    assert f'<th scope="row"><a href="/coalition/north/meetings/{meeting.id}">Planning retreat</a></th>' in html


def test_results_are_withheld_below_three_evaluations_everywhere(client, lead, campaign):
    meeting = meeting_of(campaign, title="Small meeting")
    for goals in (1, 5):
        evaluate(meeting, {"goals": goals}, answers={"went_well": ("Only two of us were there", "en")})
    (results,) = campaign_results(campaign.id)
    assert results.withheld and results.items == [] and results.answers == [] and results.access == []
    html = client.get(f"/coalition/north/meetings/{meeting.id}").get_data(as_text=True)
    assert "Results appear after 3 evaluations" in html
    assert "results-table" not in html and "Only two of us were there" not in html
    assert "2 evaluations" not in html
    assert "Withheld: fewer than 3 evaluations" in html  # the trend's table
    assert "<polyline" not in html and "chart-marker" not in html  # the trend's charts: a gap
    rows = list(csv.reader(io.StringIO(client.get("/coalition/north/meetings.csv").get_data(as_text=True)[1:])))
    assert rows[1][:8] == [str(meeting.id), meeting.code, TODAY.isoformat(), "Small meeting", "in_person", "", "",
                           "withheld"]
    assert set(rows[1][8:]) == {""}
    evaluate(meeting, 3)
    assert "Results appear after" not in client.get(f"/coalition/north/meetings/{meeting.id}").get_data(as_text=True)


def test_open_answers_are_listed_with_their_language(client, lead, campaign):
    meeting = meeting_of(campaign)
    evaluate(meeting, answers={"went_well": ("Good snacks", "en"), "improve": ("Más tiempo", "es")})
    evaluate(meeting, answers={"improve": ("Ít nói dài", "vi")})
    evaluate(meeting)
    (results,) = campaign_results(campaign.id)
    assert [(a.question, a.language, a.text) for a in results.answers] == [
        ("improve", "es", "Más tiempo"), ("improve", "vi", "Ít nói dài"), ("went_well", "en", "Good snacks")]
    html = client.get(f"/coalition/north/meetings/{meeting.id}").get_data(as_text=True)
    assert '<blockquote lang="es" dir="ltr">Más tiempo</blockquote>' in html and "Spanish" in html
    assert '<blockquote lang="vi" dir="ltr">Ít nói dài</blockquote>' in html and "Vietnamese" in html


def test_trend_follows_each_item_across_meetings_with_a_gap_where_withheld(client, lead, campaign):
    dates = [TODAY - dt.timedelta(days=d) for d in (21, 14, 7, 0)]
    meetings = [meeting_of(campaign, f"Meeting {i}", held_on=date, open_days=60) for i, date in enumerate(dates)]
    for meeting, goals, n in zip(meetings, (2, 3, 5, 4), (3, 4, 2, 3)):
        for _ in range(n):
            evaluate(meeting, {"goals": goals})
    results = campaign_results(campaign.id)
    assert [r.meeting.title for r in results] == ["Meeting 0", "Meeting 1", "Meeting 2", "Meeting 3"]
    assert trend(results)["goals"] == [2, 3, None, 4]
    html = client.get("/coalition/north/meetings").get_data(as_text=True)
    chart = re.search(r'<svg[^>]*aria-labelledby="trend-goals-title trend-goals-desc">.*?</svg>', html, re.S).group(0)
    assert chart.count("<polyline") == 1 and chart.count("chart-marker") == 3  # 2 joined, a gap, 1 alone
    assert '<title id="trend-goals-title">Clear goals</title>' in chart
    table = html[html.index('class="chart-data"'):]
    assert "Withheld: fewer than 3 evaluations" in table and ">2.0<" in table and ">4.0<" in table


def test_meetings_csv_round_trips(client, lead, campaign):
    first = meeting_of(campaign, title="=cmd|' /C calc'!A0", held_on=TODAY - dt.timedelta(days=1), open_days=30)
    for goals, conflict in ((5, 4), (4, None), (3, 2)):
        evaluate(first, {"goals": goals, "conflict": conflict}, access={"welcome": "yes"})
    meeting_of(campaign, title="Nobody answered yet")
    response = client.get("/coalition/north/meetings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="north-meetings.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert list(rows[0]) == EXPORT_HEADER and len(rows) == 2
    done, empty = rows
    assert done["title"] == "'=cmd|' /C calc'!A0" and done["status"] == "results" and done["evaluations"] == "3"
    assert (done["goals_mean"], done["goals_n"], done["goals_3"], done["goals_4"], done["goals_5"]) == (
        "4.0", "3", "1", "1", "1")
    assert (done["conflict_mean"], done["conflict_n"], done["conflict_none"]) == ("3.0", "2", "1")
    assert (done["access_welcome_yes"], done["access_take_part_yes"]) == ("3", "0")
    assert empty["status"] == "withheld" and empty["evaluations"] == "" and empty["goals_mean"] == ""
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.downloaded")).one()
    assert event.detail == {"export": "meetings", "slug": "north", "rows": 2}


def test_open_answers_csv_has_every_shown_meetings_answers_and_none_withheld(client, lead, campaign):
    shown = meeting_of(campaign, title="Spring forum")
    evaluate(shown, answers={"went_well": ("=HYPERLINK(\"http://x\")", "en"), "improve": ("Más tiempo", "es")})
    evaluate(shown, answers={"improve": ("Ít nói dài\nand a second line", "vi")})
    evaluate(shown)
    small = meeting_of(campaign, title="Small meeting")
    evaluate(small, answers={"went_well": ("Only two of us were there", "en")})
    evaluate(small)
    response = client.get("/coalition/north/meeting-answers.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="north-meeting-answers.csv"'
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert list(rows[0]) == ANSWERS_EXPORT_HEADER
    assert [(r["meeting_id"], r["code"], r["title"], r["question"], r["language"], r["text"]) for r in rows] == [
        (str(shown.id), shown.code, "Spring forum", "improve", "es", "Más tiempo"),
        (str(shown.id), shown.code, "Spring forum", "improve", "vi", "Ít nói dài\nand a second line"),
        (str(shown.id), shown.code, "Spring forum", "went_well", "en", "'=HYPERLINK(\"http://x\")"),
    ]
    assert "Only two of us were there" not in text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.downloaded")).one()
    assert event.detail == {"export": "meeting_answers", "slug": "north", "rows": 3}
    for path in ("/coalition/north/meetings", f"/coalition/north/meetings/{shown.id}"):
        assert 'href="/coalition/north/meeting-answers.csv"' in client.get(path).get_data(as_text=True)


def test_a_meeting_of_another_campaign_is_not_found_through_this_one(client, lead):
    other = make_campaign(slug="south")
    meeting = meeting_of(other)
    assert client.get(f"/coalition/north/meetings/{meeting.id}").status_code == 404


@pytest.mark.parametrize(("role", "assigned", "status"), [
    ("lead", True, 200), ("lead", False, 403), ("outreach", True, 403), ("admin", False, 200)])
def test_only_admins_and_the_campaigns_leads_see_meetings(client, auth, campaign, role, assigned, status):
    meeting = meeting_of(campaign)
    auth.login_as(make_user(f"{role}@example.org", role, campaigns=[campaign] if assigned else []))
    for path in ("/coalition/north/meetings", f"/coalition/north/meetings/{meeting.id}",
                 "/coalition/north/meetings.csv", "/coalition/north/meeting-answers.csv"):
        assert client.get(path).status_code == status, path
    assert fill_and_post(client, f"/m/{meeting.code}", every_item("3"), form_id="evaluation").status_code == 302


def test_leads_see_members_and_meetings_from_the_staff_home(client, lead):
    html = client.get("/staff/").get_data(as_text=True)
    assert 'href="/coalition/north/members"' in html and 'href="/coalition/north/meetings"' in html


@pytest.mark.slow
def test_any_evaluation_post_is_answered_without_error_or_partial_write(app, campaign):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    meeting = meeting_of(campaign)
    url = f"/m/{meeting.code}"
    fields = [*ITEMS, "access_time_place", "access_take_part", "access_welcome", "went_well", "improve",
              "text_language", "website", "lang", "response_id", "switch_lang", "unexpected"]
    value = st.one_of(st.sampled_from(["<script>alert(1)</script>", "=1+1", "\u0000\u202e", "none", "yes", "0", "6"]),
                      st.text(max_size=200), st.integers(-2, 7).map(str))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(changes=st.dictionaries(st.sampled_from(fields), st.lists(value, max_size=4), max_size=8),
           complete=st.booleans())
    def post(changes, complete):
        client = app.test_client()
        data = form_values(client.get(url).get_data(as_text=True), "evaluation")
        data |= ({k: [v] for k, v in every_item("3").items()} if complete else {}) | changes
        before = (count(Response), count(MeetingEvaluation))
        response = client.post(url, data=data)
        assert response.status_code in (200, 302, 422), response.status_code
        after = (count(Response), count(MeetingEvaluation))
        assert after[0] - before[0] == after[1] - before[1] in (0, 1)  # all of it, or nothing
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)

    post()


def test_every_rating_of_the_evaluation_is_marked_required_on_a_focusable_question(
        client, campaign):
    meeting = meeting_of(campaign)
    html = client.get(f"/m/{meeting.code}").get_data(as_text=True)
    legends = re.findall(r'<fieldset class="question rating[^"]*" id="([a-z_]+)" tabindex="-1"[^>]*>\s*<legend>[^<]*'
                         r'<span class="required-mark">\(required\)</span>', html)
    assert legends == list(MEI_ITEMS)


def test_the_new_meeting_boxes_do_not_silently_cut_pasted_text(client, lead):
    assert "maxlength" not in client.get("/coalition/north/meetings").get_data(as_text=True)
