"""Meeting evaluations at the edges of their window: before the meeting's day, and a retry after it closed."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.factories import make_campaign
from tests.helpers import form_values
from webapp.extensions import db
from webapp.models import MeetingEvaluation, Response, utcnow
from webapp.services.meetings import create_meeting, opening_time

ITEMS = ("goals", "participation", "leadership", "decisions", "cohesiveness", "conflict", "organisation",
         "productivity")
UTC = dt.timezone.utc


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def every_item(score: str) -> dict:
    return dict.fromkeys(ITEMS, score)


@pytest.fixture
def campaign(app):
    return make_campaign(slug="north", languages=("en", "es", "ar"))


def test_evaluations_open_at_the_start_of_the_meetings_day_in_the_coalitions_time_zone():
    assert opening_time(dt.date(2026, 11, 22), "UTC") == dt.datetime(2026, 11, 22, tzinfo=UTC)
    assert opening_time(dt.date(2026, 11, 22), "America/Los_Angeles") == dt.datetime(2026, 11, 22, 8, tzinfo=UTC)


def test_a_meeting_cannot_be_evaluated_before_the_day_it_is_held(client, campaign):
    today = utcnow().date()
    held = create_meeting(campaign, title="Held today", held_on=today, mode="online")
    coming = create_meeting(campaign, title="Next week's meeting", held_on=today + dt.timedelta(days=7),
                            mode="online", place="Library")
    page = client.get(f"/m/{coming.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Next week&#39;s meeting" in html
    assert "This evaluation opens on" in html and "the day of the meeting" in html and "<form" not in html
    # a form of another meeting (the same session's token) sent to this one stores nothing
    data = form_values(client.get(f"/m/{held.code}").get_data(as_text=True), "evaluation")
    data |= {k: [v] for k, v in every_item("2").items()}
    response = client.post(f"/m/{coming.code}", data=data)
    assert response.status_code == 200 and "This evaluation opens on" in response.get_data(as_text=True)
    assert count(Response) == 0


def test_the_first_day_of_evaluations_is_the_meetings_day_where_the_coalition_is(client, app, campaign, monkeypatch):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "America/Los_Angeles"
    meeting = create_meeting(campaign, title="Evening forum", held_on=dt.date(2026, 11, 22), mode="in_person",
                             open_days=7, timezone="America/Los_Angeles")
    # 2026-11-21, 23:59 in Los Angeles: the day before, although it is already the 22nd in UTC
    monkeypatch.setattr("webapp.survey.meetings.utcnow", lambda: dt.datetime(2026, 11, 22, 7, 59, tzinfo=UTC))
    assert "This evaluation opens on" in client.get(f"/m/{meeting.code}").get_data(as_text=True)
    # midnight in Los Angeles: open
    monkeypatch.setattr("webapp.survey.meetings.utcnow", lambda: dt.datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    html = client.get(f"/m/{meeting.code}").get_data(as_text=True)
    assert '<form id="evaluation"' in html and "This evaluation opens on" not in html


def test_a_form_sent_before_closing_and_again_after_is_thanked_not_called_closed(client, app, campaign):
    meeting = create_meeting(campaign, title="Monthly meeting", held_on=utcnow().date(), mode="online")
    page = client.get(f"/m/{meeting.code}").get_data(as_text=True)
    data = form_values(page, "evaluation") | {k: [v] for k, v in every_item("4").items()}
    assert client.post(f"/m/{meeting.code}", data=data).status_code == 302  # stored; the phone never saw the answer
    meeting.closes_at = utcnow() - dt.timedelta(minutes=app.config["CLOSING_GRACE_MINUTES"] + 1)  # long after
    db.session.commit()
    retry = client.post(f"/m/{meeting.code}", data=data)
    assert retry.status_code == 302 and retry.headers["Location"].startswith(f"/m/{meeting.code}/thanks")
    assert count(Response) == count(MeetingEvaluation) == 1
    # another person's new evaluation is still refused
    fresh = form_values(page, "evaluation") | {k: [v] for k, v in every_item("4").items()}
    fresh["response_id"] = ["8f0c3f5e-1c1b-4c39-9d0e-6f4a3f1d2b7a"]
    closed = client.post(f"/m/{meeting.code}", data=fresh)
    assert closed.status_code == 200 and "This evaluation is closed" in closed.get_data(as_text=True)
    assert count(Response) == 1


def test_an_evaluation_opened_before_closing_and_sent_just_after_is_taken(client, app, campaign):
    meeting = create_meeting(campaign, title="Monthly meeting", held_on=utcnow().date(), mode="online")
    page = client.get(f"/m/{meeting.code}").get_data(as_text=True)
    meeting.closes_at = utcnow() - dt.timedelta(minutes=5)  # midnight passed while they answered
    db.session.commit()
    assert "This evaluation is closed" in client.get(f"/m/{meeting.code}").get_data(as_text=True)  # no one new
    data = form_values(page, "evaluation") | {k: [v] for k, v in every_item("4").items()}
    response = client.post(f"/m/{meeting.code}", data=data)
    assert response.status_code == 302 and count(Response) == count(MeetingEvaluation) == 1
    meeting.closes_at = utcnow() - dt.timedelta(minutes=app.config["CLOSING_GRACE_MINUTES"] + 1)
    db.session.commit()
    late = form_values(page, "evaluation") | {k: [v] for k, v in every_item("4").items()}
    late["response_id"] = ["8f0c3f5e-1c1b-4c39-9d0e-6f4a3f1d2b7a"]
    assert "This evaluation is closed" in client.post(f"/m/{meeting.code}", data=late).get_data(as_text=True)
    assert count(Response) == 1
