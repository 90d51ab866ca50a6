"""What the summary and the brief say beside a need: added after residents began answering, tied with another."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from tests.factories import make_campaign, make_priority_response, make_user
from webapp.extensions import db
from webapp.models import AuditEvent
from webapp.services.analysis_runs import run_now
from webapp.services.campaign_edits import NeedWords
from webapp.services.needs import add_need

BEGAN = dt.datetime(2026, 3, 1, 15, tzinfo=dt.timezone.utc)
ADDED = dt.datetime(2026, 3, 12, 15, tzinfo=dt.timezone.utc)


def row_of(html: str, need: str) -> str:
    return html.split(f'data-need="{need}"', 1)[1].split("</tr>", 1)[0]


def need_order(html: str) -> list[str]:
    table = html.split('id="needs-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-need="([^"]+)"', table)


def brief_top(html: str) -> str:
    return html.split('class="brief-top"', 1)[1].split("</ol>", 1)[0]


def add_need_on(campaign, key: str, when: dt.datetime):
    """Add a need as the admin page does (audited), as if on ``when``."""
    need = add_need(campaign, {"en": NeedWords(key.capitalize()), "es": NeedWords(f"{key.capitalize()} (es)")},
                    actor=None)
    assert need.key == key
    db.session.execute(update(AuditEvent).where(AuditEvent.action == "need.added", AuditEvent.target_id == need.id)
                       .values(occurred_at=when))
    db.session.commit()
    return need


@pytest.fixture
def lead(app, auth):
    def login(campaign):
        auth.login_as(make_user("lead@example.org", "lead", campaigns=[campaign]))
    return login


@pytest.fixture
def late_need(app):
    """30 residents from 1 March; clinics added on 12 March and rated by the 12 who answered after."""
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    add_need_on(campaign, "early", BEGAN - dt.timedelta(days=3))  # before anyone answered: every resident saw it
    for _ in range(18):
        make_priority_response(campaign, {"housing": 5, "food": 3, "early": 2}, created_at=BEGAN, commit=False)
    db.session.commit()
    add_need_on(campaign, "clinics", ADDED)
    for _ in range(12):
        make_priority_response(campaign, {"housing": 4, "food": 3, "early": 2, "clinics": 5},
                               created_at=ADDED + dt.timedelta(days=2), commit=False)
    db.session.commit()
    run_now(campaign, n_bootstrap=10)
    return campaign


def test_a_need_added_after_residents_began_says_when_and_how_few_rated_it(client, late_need, lead):
    lead(late_need)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "Added on March 12, 2026; rated by 12 of 30 residents" in row_of(html, "clinics")
    assert "Added on" not in row_of(html, "housing") and "Added on" not in row_of(html, "early")


def test_the_brief_says_a_need_was_added_later_in_the_readers_language(client, late_need, lead):
    lead(late_need)
    top = brief_top(client.get("/coalition/north/brief").get_data(as_text=True))
    assert "<bdi>Clinics</bdi></strong> (Added on March 12, 2026; rated by 12 of 30 residents)" in top
    assert top.count("Added on") == 1
    spanish = brief_top(client.get("/coalition/north/brief?lang=es").get_data(as_text=True))
    assert "12 de marzo de 2026" in spanish and "March" not in spanish


def test_a_need_added_later_and_rated_by_too_few_is_still_marked(client, app, lead):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    for _ in range(20):
        make_priority_response(campaign, {"housing": 5, "food": 3}, created_at=BEGAN, commit=False)
    db.session.commit()
    add_need_on(campaign, "clinics", ADDED)
    for _ in range(3):
        make_priority_response(campaign, {"housing": 5, "food": 3, "clinics": 4}, created_at=ADDED, commit=False)
    db.session.commit()
    run_now(campaign, n_bootstrap=10)
    lead(campaign)
    row = row_of(client.get("/coalition/north/summary").get_data(as_text=True), "clinics")
    assert "too few to say" in row and "rated by 3 of 23 residents" in row


def test_an_answer_given_offline_before_a_need_was_added_counts_as_begun(client, app, lead):
    """Stored after the need was added, but answered before: that resident was never asked it."""
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    add_need_on(campaign, "clinics", ADDED)
    make_priority_response(campaign, {"housing": 5, "food": 3}, created_at=ADDED - dt.timedelta(days=1),
                           channel="field")  # stored now, long after
    for _ in range(12):
        make_priority_response(campaign, {"housing": 5, "food": 3, "clinics": 4}, commit=False)
    db.session.commit()
    run_now(campaign, n_bootstrap=10)
    lead(campaign)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "rated by 12 of 13 residents" in row_of(html, "clinics")


@pytest.fixture
def tied(app):
    """Transport and food rated alike by every resident (listed in that order); parks below them."""
    campaign = make_campaign(slug="north", needs=("housing", "transport", "food", "parks"))
    for i in range(15):
        profile = {"income_band": "under_25k" if i % 3 == 0 else "100k_plus"}
        make_priority_response(campaign, {"housing": 5, "transport": 3 + i % 2, "food": 3 + i % 2, "parks": 2},
                               top_three=("housing",), profile=profile, commit=False)
    db.session.commit()
    run_now(campaign, n_bootstrap=20)
    return campaign


@pytest.mark.parametrize("emphasis", ["0", "1", "2"])
def test_needs_that_tie_share_a_rank_marked_tied_in_need_list_order(client, tied, lead, emphasis):
    lead(tied)
    html = client.get(f"/coalition/north/summary?emphasis={emphasis}").get_data(as_text=True)
    assert need_order(html) == ["housing", "transport", "food", "parks"]
    for need in ("transport", "food"):
        assert re.search(r'class="rank">2 <span class="tag">tied</span>', row_of(html, need)), row_of(html, need)
    assert re.search(r'class="rank">4\b', row_of(html, "parks"))
    assert "tied" not in row_of(html, "housing") and "tied" not in row_of(html, "parks")
    assert "listed in the order of the need list" in html


def test_a_summary_without_ties_does_not_explain_them(client, late_need, lead):
    lead(late_need)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "tied" not in html.split('id="needs-table"', 1)[1].split("</section>", 1)[0]


def test_the_brief_numbers_tied_needs_alike(client, tied, lead):
    lead(tied)
    top = brief_top(client.get("/coalition/north/brief").get_data(as_text=True))
    numbers = re.findall(r'<li value="(\d+)"><strong><bdi>([^<]+)</bdi></strong>( \(tied\))?', top)
    assert numbers == [("1", "housing [en]", ""), ("2", "transport [en]", " (tied)"), ("2", "food [en]", " (tied)"),
                       ("4", "parks [en]", "")]


def test_the_brief_never_cuts_a_tie_in_two(client, app, lead):
    campaign = make_campaign(slug="north", needs=("a", "b", "c", "d", "e", "f"))
    for _ in range(12):
        make_priority_response(campaign, {"a": 5, "b": 4, "c": 3, "d": 2, "e": 1, "f": 1}, top_three=("a", "b", "c"),
                               commit=False)
    db.session.commit()
    run_now(campaign, n_bootstrap=0)
    lead(campaign)
    top = brief_top(client.get("/coalition/north/brief").get_data(as_text=True))
    assert re.findall(r'<li value="(\d+)"><strong><bdi>(\w)', top) == [
        ("1", "a"), ("2", "b"), ("3", "c"), ("4", "d"), ("5", "e"), ("5", "f")]
