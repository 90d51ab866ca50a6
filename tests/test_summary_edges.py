"""The summary under odd input: emphasis in the URL, lens weights at the edge of floats, no profiles, crashes."""
from __future__ import annotations

from fractions import Fraction

import re

import numpy as np
import pytest

from analysis.equity import affectedness_scores, equity_config_from_toml
from tests.factories import make_campaign, make_priority_response
from webapp.extensions import db
from webapp.services import analysis_runs
from webapp.services.analysis_runs import run_now
from webapp.services.summary_settings import analysis_settings

AFFECTED = {"income_band": "under_25k", "uninsured": True, "food_insecurity": True}


@pytest.fixture
def campaign(app):
    """10 affected residents who put food first, 20 others who put housing first."""
    campaign = make_campaign(slug="north", needs=("housing", "food", "transport"))
    for _ in range(10):
        make_priority_response(campaign, {"housing": 2, "food": 5, "transport": 1}, top_three=("food",),
                               profile=AFFECTED, commit=False)
    for _ in range(20):
        make_priority_response(campaign, {"housing": 5, "food": 3, "transport": 1}, top_three=("housing",),
                               profile={"income_band": "100k_plus"}, commit=False)
    db.session.commit()
    return campaign


def set_lens(campaign, toml: str) -> None:
    analysis_settings(campaign).equity_toml = toml
    db.session.commit()


def need_order(html: str) -> list[str]:
    table = html.split('id="needs-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-need="([^"]+)"', table)


@pytest.mark.parametrize("url", ["/coalition/north/summary?emphasis=-0", "/coalition/north/brief?emphasis=-0",
                                 "/coalition/north/summary?emphasis=-0.0"])
def test_minus_zero_emphasis_in_the_url_is_emphasis_zero_not_a_500(client, campaign, lead, url):
    run_now(campaign, n_bootstrap=5)
    response = client.get(url)
    assert response.status_code == 200
    if "summary" in url:
        assert 'value="0" checked' in response.get_data(as_text=True)


def test_a_lens_whose_emphasis_is_minus_zero_opens_the_summary_at_zero(client, campaign, lead):
    set_lens(campaign, "emphasis = -0.0\n[hardships]\nuninsured = 1\n")
    run_now(campaign, n_bootstrap=5)
    response = client.get("/coalition/north/summary")
    assert response.status_code == 200 and 'value="0" checked' in response.get_data(as_text=True)


def test_lens_weights_near_the_largest_float_score_as_their_shares_say():
    lens = equity_config_from_toml("[hardships]\nuninsured = 1e308\nfood_insecurity = 1e308\n")
    profiles = {"uninsured": [True, True, False], "food_insecurity": [True, False, False]}
    with np.errstate(all="raise"):
        scores = affectedness_scores(profiles, lens, 3)
    assert scores.tolist() == [1.0, 0.5, 0.0]


def test_huge_lens_weights_weigh_residents_as_the_same_weights_written_small(client, campaign, lead):
    set_lens(campaign, "[hardships]\nuninsured = 1\nfood_insecurity = 1\n")
    small = run_now(campaign, n_bootstrap=0)
    set_lens(campaign, "[hardships]\nuninsured = 1e308\nfood_insecurity = 1e308\n")
    huge = run_now(campaign, n_bootstrap=0)
    assert huge.status == "done", huge.error
    for emphasis in ("1.0", "2.0"):
        tables = [run.results["reports"][emphasis]["weightings"]["equity"]["needs"] for run in (small, huge)]
        assert [row["mean_importance"] for row in tables[0]] == pytest.approx(
            [row["mean_importance"] for row in tables[1]])
    assert need_order(client.get("/coalition/north/summary?emphasis=2").get_data(as_text=True))[:2] == [
        "food", "housing"]


def test_figures_for_a_question_nobody_answered_say_the_answers_are_missing(app):
    campaign = make_campaign(slug="bare")
    for _ in range(12):  # no response has a profile at all
        make_priority_response(campaign, {"housing": 4, "food": 3, "transport": 2}, commit=False)
    analysis_settings(campaign).margins_csv = "variable,category,target\nplace,east,0.5\nplace,west,0.5\n"
    db.session.commit()
    run = run_now(campaign, n_bootstrap=0)
    assert run.status == "done"
    [problem] = [str(analysis_runs.message_from_stored(m)) for m in run.results["margins_left_out"]]
    assert problem == "'place': 12 responses left it unanswered, and the figures have no 'not stated' row"


def test_a_run_that_crashes_tells_the_lead_plainly_and_keeps_the_last_summary(client, campaign, lead, monkeypatch):
    run_now(campaign, n_bootstrap=5)

    def crash(*args, **kwargs):
        raise RuntimeError("psycopg.errors.Whatever: SELECT secret FROM internals")

    monkeypatch.setattr(analysis_runs, "compute_results", crash)
    failed = run_now(campaign, n_bootstrap=5)
    assert failed.status == "failed" and "RuntimeError" in failed.error  # kept whole for the administrator
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "something went wrong on the server" in html
    assert "RuntimeError" not in html and "SELECT" not in html
    assert 'id="needs-table"' in html  # the previous summary is still there


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_lens_weights_too_large_or_small_to_write_in_full_are_written_as_powers_of_ten(client, campaign, lead, lang):
    set_lens(campaign, "[hardships]\nuninsured = 1e30\nfood_insecurity = 1e-7\n")
    run_now(campaign, n_bootstrap=0)
    response = client.get(f"/coalition/north/summary?lang={lang}")
    assert response.status_code == 200
    criteria = response.get_data(as_text=True).split('class="lens-criteria"', 1)[1].split("</ul>", 1)[0]
    assert "1E30" in criteria and re.search(r"1E\u200e?-7", criteria)


@pytest.mark.parametrize("toml, words", [
    ("emphasis = 1" + "0" * 400 + "\n[hardships]\nuninsured = 1\n", "the number given for &#39;emphasis&#39; is too large"),
    ("[hardships]\nuninsured = 0x" + "f" * 5000 + "\n", "the number given for &#39;uninsured&#39; is too large"),
    ("[places]\nvalues = [-1" + "0" * 400 + "]\n", "the number given for &#39;values&#39; is too large"),
    ("emphasis = " + "9" * 5000 + "\n[hardships]\nuninsured = 1\n", "a number has too many digits"),
], ids=["emphasis", "hex-weight", "place", "too-many-digits"])
def test_a_lens_with_an_integer_no_float_can_hold_is_refused_not_a_500(client, campaign, lead, toml, words):
    from tests.helpers import form_values

    data = form_values(client.get("/coalition/north/summary/settings").get_data(as_text=True), "analysis-settings")
    response = client.post("/coalition/north/summary/settings", data=data | {"equity_toml": [toml]})
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    assert analysis_settings(campaign).equity_toml == ""


def test_a_run_abandoned_unfinished_gives_way_with_a_message_for_the_lead(app, campaign):
    import datetime as dt

    from webapp.models import AnalysisRun, utcnow
    from webapp.services.analysis_runs import message_from_stored, request_run

    stuck = AnalysisRun(campaign_id=campaign.id, status="running", settings={},
                        created_at=utcnow() - dt.timedelta(hours=3))
    db.session.add(stuck)
    db.session.commit()
    assert request_run(campaign) is not None
    db.session.refresh(stuck)
    assert stuck.status == "failed"
    assert str(message_from_stored(stuck.error_message)) == "it stopped before it finished. Please try again."


def test_a_summary_older_than_the_settings_says_so_until_it_is_recomputed(client, campaign, lead):
    from webapp.services.analysis_runs import request_run
    from webapp.services.summary_settings import save_analysis_settings

    run_now(campaign, n_bootstrap=0)
    assert 'id="settings-changed"' not in client.get("/coalition/north/summary").get_data(as_text=True)
    save_analysis_settings(campaign, "", "", None)  # saved as they were: the defaults
    assert 'id="settings-changed"' not in client.get("/coalition/north/summary").get_data(as_text=True)
    save_analysis_settings(campaign, "", "", 3.0)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert 'id="settings-changed"' in html and "Recompute it to use them" in html
    request_run(campaign)  # under way with the new settings: that is said instead
    assert 'id="settings-changed"' not in client.get("/coalition/north/summary").get_data(as_text=True)
    db.session.execute(db.delete(analysis_runs.AnalysisRun).where(analysis_runs.AnalysisRun.status == "queued"))
    db.session.commit()
    run_now(campaign, n_bootstrap=0)
    assert 'id="settings-changed"' not in client.get("/coalition/north/summary").get_data(as_text=True)


@pytest.mark.parametrize("value, english, spanish", [
    (3.25, "3.3", "3,3"), (Fraction(11, 4), "2.8", "2,8"), (-0.04, "0.0", "0,0"), (-0.26, "\u22120.3", "\u22120,3"),
    (None, "\u2013", "\u2013"),
])
def test_an_average_or_gap_is_written_with_one_decimal_a_half_up_and_a_true_minus_sign(app, value, english, spanish):
    from flask_babel import force_locale

    from webapp.views import one_decimal

    for language, written in (("en", english), ("es", spanish)):
        with app.test_request_context("/"), force_locale(language):
            assert one_decimal(value) == written
