"""Hostile input to the coalition lead's forms (themes, meetings, summary settings, recompute) and
the field entry form without JavaScript: no 500, no partial write, each refusal a clear message,
and nothing comes back as live markup."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.factories import make_campaign, make_priority_response
from tests.field_helpers import make_field_world
from tests.helpers import form_values
from tests.hostile_helpers import FUZZ, any_text, assert_answered, audit_count, changes_to, count, form_of
from tests.test_theme_edits import add_answers
from webapp.extensions import db
from webapp.models import AnalysisRun, Answer, AnswerTheme, Event, Meeting, Rating, Response, Theme
from webapp.services.analysis_runs import run_now
from webapp.services.field import create_event

pytestmark = pytest.mark.slow

WRONG_IDS = ["0", "-1", "999999", "2147483648", "99999999999999999999", "abc", ""]


@pytest.fixture
def campaign(app):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    for i in range(12):
        make_priority_response(campaign, {"housing": 1 + i % 5, "food": 5 - i % 5}, commit=False,
                               profile={"place": "east" if i % 3 else "west", "income_band": "under_25k"})
    db.session.commit()
    return campaign


# --- themes --------------------------------------------------------------------------------------


def theme_state() -> tuple:
    db.session.rollback()
    themes = db.session.execute(select(Theme.id, Theme.label, Theme.merged_into_id).order_by(Theme.id)).all()
    links = db.session.execute(select(AnswerTheme.answer_id, AnswerTheme.theme_id, AnswerTheme.pinned)
                               .order_by(AnswerTheme.answer_id)).all()
    return tuple(map(tuple, themes)), tuple(map(tuple, links)), audit_count()


@pytest.fixture
def themes(campaign):
    """The campaign's themes found by a first run, and a theme of another campaign."""
    add_answers(campaign, rounds=3)
    assert run_now(campaign, n_bootstrap=0).results["themes"]["fitted"]
    foreign = Theme(campaign_id=make_campaign(slug="south").id, label="Theirs", terms=[], edited=False)
    db.session.add(foreign)
    db.session.commit()
    return foreign.id


def theme_ids(foreign_id: int) -> dict[str, int]:
    """Symbolic names for ids a form may name: live and merged themes, a foreign theme, a quote."""
    themes, links, _audits = theme_state()
    live = [i for i, _label, merged in themes if merged is None and i != foreign_id]
    merged = [i for i, _label, into in themes if into is not None]
    return {"first": live[0], "last": live[-1], "merged": merged[0] if merged else 999, "foreign": foreign_id,
            "quote": links[0][0], "last_quote": links[-1][0]}


named_ids = st.sampled_from(["first", "last", "merged", "foreign", "quote", "last_quote", *WRONG_IDS])


@FUZZ
@given(action=st.sampled_from(["rename", "merge", "move"]),
       changes=changes_to({"theme_id": named_ids, "into_id": named_ids, "answer_id": named_ids, "label": None}))
def test_any_theme_edit_makes_one_whole_edit_or_none(client, lead, themes, action, changes):
    ids = theme_ids(themes)
    changes = {name: [str(ids.get(v, v)) for v in values] for name, values in changes.items()}
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    marker = {"rename": "theme-rename", "merge": "theme-merge", "move": "theme-move"}[action]
    form = form_of(html, marker if marker in html else "theme-rename")  # one theme left: only renaming is shown
    before = theme_state()
    response = client.post(f"/coalition/north/themes/{action}", data=form | changes)
    page = assert_answered(client, response, (302, 400, 413), notice_after_redirect=True)
    after = theme_state()
    if after == before:
        assert response.status_code != 302 or "notice-error" in page
    else:
        assert after[2] == before[2] + 1 and "notice-info" in page
        assert all(label.strip() and len(label) <= 200 for _id, label, _merged in after[0])


# --- meetings ------------------------------------------------------------------------------------

dates = st.one_of(st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "10000-01-01", "2099-01-01", "1.1.2026"]),
                  st.dates().map(str))


@FUZZ
@given(changes=changes_to({"title": None, "held_on": dates, "mode": st.sampled_from(["online", "hybrid", "x"]),
                           "place": None, "facilitator": None, "open_days": st.integers(-2, 62).map(str)}))
def test_any_new_meeting_post_adds_one_whole_meeting_or_nothing(client, lead, changes):
    data = form_values(client.get("/coalition/north/meetings").get_data(as_text=True), "meeting") | {
        "title": ["Spring forum"], "held_on": ["2099-01-01"], "mode": ["online"]}
    before = (count(Meeting), audit_count())
    response = client.post("/coalition/north/meetings", data=data | changes)
    assert_answered(client, response, (302, 400, 413, 422), notice_after_redirect=True)
    after = (count(Meeting), audit_count())
    assert after == before if response.status_code != 302 else after == (before[0] + 1, before[1] + 1)
    if response.status_code == 302:
        meeting = db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
        assert meeting.title.strip()


# --- summary settings and recomputing ----------------------------------------------------------

margin_lines = st.lists(st.tuples(st.sampled_from(["place", "income_band", "age_band", "shoe", ""]),
                                  st.one_of(st.sampled_from(["east", "west", "under_25k", ""]), any_text),
                                  st.one_of(st.floats(allow_nan=True).map(str), st.sampled_from(["0.5", "x", ""]))),
                        max_size=4).map(lambda rows: "variable,category,target\n" + "\n".join(map(",".join, rows)))
numbers = st.one_of(st.decimals().map(str), st.sampled_from(["sNaN", "-Infinity", "1", "100", "100.01", "5,5"]))
toml_text = st.one_of(st.sampled_from(["emphasis = 2", "emphasis = [", "a=" + "[" * 3000, "a=" + "{b=" * 2000,
                                       "[[groups]]\nweight = -1", "emphasis = 1e400", "threshold = 'x'"]),
                      st.builds("{}\nemphasis = {}".format, any_text, st.floats().map(str)))


@FUZZ
@given(changes=changes_to({"margins_csv": margin_lines, "equity_toml": toml_text, "trim_ratio": numbers}))
def test_any_settings_post_saves_them_all_or_none_and_a_run_can_use_them(client, campaign, lead, changes):
    data = form_values(client.get("/coalition/north/summary/settings").get_data(as_text=True), "analysis-settings")
    before = audit_count()
    response = client.post("/coalition/north/summary/settings", data=data | changes)
    assert_answered(client, response, (302, 400, 413, 422), notice_after_redirect=True)
    assert audit_count() == before + (response.status_code == 302)
    if response.status_code == 302:
        run = run_now(campaign, n_bootstrap=0)
        assert run.status == "done" or run.error_message, run.error  # a failure is a message for the lead


@FUZZ
@given(changes=changes_to(["emphasis"]))
def test_any_recompute_post_starts_one_run_or_says_why_not(client, campaign, lead, changes):
    form = form_of(client.get("/coalition/north/summary").get_data(as_text=True), "recompute")
    before = (count(AnalysisRun), audit_count())
    response = client.post("/coalition/north/summary/recompute", data=form | changes)
    page = assert_answered(client, response, (302, 400, 413), notice_after_redirect=True)
    after = (count(AnalysisRun), audit_count())
    assert after == before if response.status_code != 302 else after == (before[0] + 1, before[1] + 1)
    assert "Something went wrong" not in page


# --- field entry without JavaScript --------------------------------------------------------------

ENTRY_FIELDS = ["need_housing", "need_food", "top_three", "barrier", "change", "respondent_language", "paper_number",
                "text_language", "place", "age_band", "hardships", "response_id"]


@pytest.fixture
def world(app):
    world = make_field_world()
    create_event(world.other_campaign, name="South fair", date=dt.date(2026, 11, 1))
    return world


@FUZZ
@given(changes=changes_to(dict.fromkeys(ENTRY_FIELDS, st.sampled_from(["housing", "food", "3", "es", "A-1"]))),
       event=st.one_of(st.just("event"), st.just("event"), st.sampled_from(["other campaign's", *WRONG_IDS])))
def test_any_entry_form_post_stores_one_whole_response_or_nothing(client, world, changes, event):
    AuthActions(client).login_as(world.worker)
    url = f"/field/north/events/{world.event.id}/entry"
    other = db.session.scalars(select(Event).where(Event.campaign_id == world.other_campaign.id)).one()
    data = form_values(client.get(url).get_data(as_text=True), "entry") | {
        f"need_{need.key}": ["4"] for need in world.campaign.active_needs()} | {"respondent_language": ["es"]}
    event_id = {"event": world.event.id, "other campaign's": other.id}.get(event, event)
    before = (count(Response), count(Rating), count(Answer))
    response = client.post(f"/field/north/events/{event_id}/entry", data=data | changes)
    html = assert_answered(client, response, (200, 302, 400, 404, 413, 422), notice_after_redirect=True)
    if response.status_code == 200:  # answers this device saved a moment ago (an earlier example), kept to save again
        assert "This response was not saved: the same answers were just saved on this device." in html
    after = (count(Response), count(Rating), count(Answer))
    if response.status_code != 302 or after == before:  # a replay of a stored response is "saved" too
        assert after == before
    else:  # one rating for each need given (one left unrated is stored as not rated)
        sent = data | changes
        rated = sum(1 for need in world.campaign.active_needs() if sent.get(f"need_{need.key}"))
        assert after[0] == before[0] + 1 and after[1] == before[1] + rated and rated >= 1
