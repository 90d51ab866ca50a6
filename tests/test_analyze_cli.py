"""`flask analyze SLUG` computes and stores the summary; `seed-demo` leaves the demo with one."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import make_campaign, make_priority_response
from webapp.extensions import db
from webapp.models import AnalysisRun, AnalysisSettings, RespondentWeight
from webapp.services.dashboard import latest_run


def seed(campaign, n=12):
    for i in range(n):
        make_priority_response(campaign, {"housing": 5, "food": 2 + i % 3},
                               profile={"place": "east" if i % 3 else "west"}, commit=False)
    db.session.commit()


def test_analyze_stores_a_run_with_its_settings_and_weights(runner, app):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    seed(campaign)
    result = runner.invoke(args=["analyze", "north", "--bootstrap", "7"])
    assert result.exit_code == 0, result.output
    assert "analysis of 'north' done" in result.output and "12 respondents" in result.output
    run = latest_run(campaign.id)
    assert run.settings["n_bootstrap"] == 7 and run.started_at <= run.finished_at
    assert set(run.results["reports"]) == {"0.0", "0.5", "1.0", "2.0"}
    assert run.results["counts"]["total"] == 12
    assert db.session.scalar(select(func.count()).select_from(RespondentWeight)) == 12


def test_analyze_rakes_to_the_campaigns_margins(runner, app):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    seed(campaign)
    db.session.add(AnalysisSettings(campaign_id=campaign.id, equity_toml="", trim_ratio=None,
                                    margins_csv="variable,category,target\nplace,east,0.5\nplace,west,0.5\n"))
    db.session.commit()
    assert runner.invoke(args=["analyze", "north", "--bootstrap", "0"]).exit_code == 0
    report = latest_run(campaign.id).results["reports"]["1.0"]
    shares = {row["category"]: row["weighted_share"] for row in report["representativeness"]}
    assert abs(shares["east"] - 0.5) < 1e-6 and abs(shares["west"] - 0.5) < 1e-6


def test_unusable_margins_are_reported_and_the_run_goes_on_without_them(runner, app):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    seed(campaign)
    db.session.add(AnalysisSettings(campaign_id=campaign.id, equity_toml="", trim_ratio=None,
                                    margins_csv="variable,category,target\nzip,1,1\n"))
    db.session.commit()
    result = runner.invoke(args=["analyze", "north", "--bootstrap", "0"])
    assert result.exit_code == 0
    assert "warning: the population margins were not used: 'zip': the survey does not ask it" in result.output
    assert not latest_run(campaign.id).results["margins_used"]


def test_analyze_refuses_an_unknown_campaign_and_reports_a_failure(runner, app):
    assert "no campaign" in runner.invoke(args=["analyze", "nowhere"]).output
    make_campaign(slug="empty")
    result = runner.invoke(args=["analyze", "empty"])
    assert result.exit_code != 0 and "the analysis failed" in result.output
    assert db.session.scalar(select(AnalysisRun.status)) == "failed"


def test_seed_demo_leaves_the_demo_with_a_summary_and_demo_settings(runner, app):
    result = runner.invoke(args=["seed-demo", "--responses", "60"])
    assert result.exit_code == 0 and "analysis: done" in result.output, result.output
    run = db.session.scalar(select(AnalysisRun))
    assert run.status == "done" and run.results["reports"]["1.0"]["representativeness"]
    assert "98118" in run.settings["equity_toml"]
    again = runner.invoke(args=["seed-demo", "--responses", "60"])
    assert "analysis" not in again.output  # nothing new: the summary stands
