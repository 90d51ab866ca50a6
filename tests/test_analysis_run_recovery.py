"""Analysis runs when the database goes away under them: a run that cannot start ends as failed, or at least
stops blocking "Recompute" soon, and a run given up as abandoned is never started again. A run whose process
died stops blocking it once its heartbeat has been silent for a few minutes."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import DBAPIError

from tests.factories import make_campaign, make_priority_response
from webapp.extensions import db
from webapp.models import AnalysisRun, utcnow
from webapp.services import analysis_runs
from webapp.services.analysis_runs import ABANDONED, SILENT_AFTER, START_WITHIN, execute_run, request_run, start_run
from webapp.services.dashboard import pending_run

#: the statements that start a run: marking it running, and loading it
STARTING = {"marking it running": "UPDATE analysis_run", "loading it": "FROM analysis_run"}


@pytest.fixture
def link_breaks():
    """``link_breaks(engine, text, times)``: the database link breaks under the next ``times`` statements
    containing ``text`` (as under a server restart); the pool connects afresh for the statement after."""
    listening = []

    def install(engine, text: str, times: int = 1, thread_name: str | None = None) -> list[str]:
        broken: list[str] = []

        def cut(conn, _cursor, statement, _parameters, _context, _executemany):
            in_thread = thread_name is None or threading.current_thread().name.startswith(thread_name)
            if len(broken) < times and text in statement and in_thread:
                broken.append(statement)
                conn.connection.dbapi_connection.close()  # the statement fails as on a dropped connection

        event.listen(engine, "before_cursor_execute", cut)
        listening.append((engine, cut))
        return broken

    yield install
    for engine, cut in listening:
        event.remove(engine, "before_cursor_execute", cut)


def seeded_campaign():
    campaign = make_campaign(slug="north")
    for importance in (1, 3, 5):
        make_priority_response(campaign, {"housing": importance, "food": 6 - importance, "transport": 3})
    return campaign


@pytest.mark.parametrize("statement", STARTING.values(), ids=STARTING.keys())
def test_a_run_whose_database_link_breaks_as_it_starts_ends_failed_and_the_next_can_start(
        app, link_breaks, statement):
    campaign = seeded_campaign()
    run_id = request_run(campaign).id
    broken = link_breaks(db.engine, statement)
    ended = execute_run(run_id)
    assert broken and ended.status == "failed" and ended.finished_at is not None
    assert ended.error_message is None  # the lead reads that something went wrong on the server
    again = request_run(campaign)
    assert again is not None and execute_run(again.id).status == "done"


def test_recompute_is_not_blocked_by_a_background_run_whose_database_link_broke_as_it_started(app_with, link_breaks):
    background = app_with(ANALYSIS_BACKGROUND=True)
    with background.app_context():
        campaign = seeded_campaign()
        link_breaks(db.engine, "FROM analysis_run", thread_name="analysis-")
        run = start_run(campaign)
        analysis_runs.run_threads.pop().join(timeout=60)
        db.session.expire_all()
        assert db.session.get(AnalysisRun, run.id).status == "failed"
        again = start_run(campaign)
        assert again is not None
        analysis_runs.run_threads.pop().join(timeout=60)
        db.session.expire_all()
        assert db.session.get(AnalysisRun, again.id).status == "done"


def test_a_run_that_could_not_start_nor_store_its_failure_gives_way_soon(app, link_breaks):
    campaign = seeded_campaign()
    run = request_run(campaign)
    run_id = run.id
    link_breaks(db.engine, "analysis_run", times=2)  # the database still away when the failure is stored
    with pytest.raises(DBAPIError):
        execute_run(run_id)
    db.session.rollback()
    assert db.session.get(AnalysisRun, run_id).status == "queued"
    assert request_run(campaign) is None  # not at once: it may only be slow to start
    db.session.execute(update(AnalysisRun).values(created_at=utcnow() - START_WITHIN - dt.timedelta(seconds=1)))
    db.session.commit()
    assert request_run(campaign) is not None
    db.session.refresh(run)
    assert run.status == "failed" and run.error == str(ABANDONED)


def test_a_started_run_still_blocks_the_next_after_a_few_minutes(app):
    campaign = seeded_campaign()
    running = AnalysisRun(campaign_id=campaign.id, status="running", settings={},
                          created_at=utcnow() - START_WITHIN * 2, started_at=utcnow() - START_WITHIN * 2,
                          heartbeat_at=utcnow())
    db.session.add(running)
    db.session.commit()
    assert request_run(campaign) is None


def test_a_run_given_up_as_abandoned_is_not_started_again(app):
    campaign = seeded_campaign()
    run = request_run(campaign)
    db.session.execute(update(AnalysisRun).values(created_at=utcnow() - START_WITHIN * 2))
    db.session.commit()
    assert request_run(campaign) is not None  # gives the first one up
    ended = execute_run(run.id)  # its thread got going at last
    assert ended.status == "failed" and ended.started_at is None and ended.results is None


# --- a run whose process died (a worker restarted mid-run, a killed `flask analyze`) ---------------------------

def running_run(campaign, started_ago: dt.timedelta, heartbeat_ago: dt.timedelta | None) -> AnalysisRun:
    now = utcnow()
    run = AnalysisRun(campaign_id=campaign.id, status="running", settings={}, created_at=now - started_ago,
                      started_at=now - started_ago,
                      heartbeat_at=None if heartbeat_ago is None else now - heartbeat_ago)
    db.session.add(run)
    db.session.commit()
    return run


def test_a_run_whose_heartbeat_stopped_gives_way_within_minutes_not_hours(app):
    campaign = seeded_campaign()
    dead = running_run(campaign, started_ago=SILENT_AFTER * 2, heartbeat_ago=SILENT_AFTER + dt.timedelta(seconds=1))
    assert pending_run(campaign.id) is None  # the page offers "Recompute now" again
    assert request_run(campaign) is not None
    db.session.refresh(dead)
    assert dead.status == "failed" and dead.error == str(ABANDONED)


def test_a_long_run_whose_heartbeat_goes_on_still_blocks_the_next(app):
    campaign = seeded_campaign()
    alive = running_run(campaign, started_ago=SILENT_AFTER * 10, heartbeat_ago=dt.timedelta(seconds=5))
    assert pending_run(campaign.id).id == alive.id
    assert request_run(campaign) is None


def test_a_run_keeps_its_heartbeat_while_it_computes(app, monkeypatch):
    campaign = seeded_campaign()
    run_id = request_run(campaign).id
    monkeypatch.setattr(analysis_runs, "HEARTBEAT_EVERY", dt.timedelta(milliseconds=50))
    beats = []
    compute = analysis_runs.compute_results

    def slow_compute(*args):
        for _ in range(3):  # a long computation: the heartbeat moves on meanwhile, from its own thread
            with db.engine.connect() as conn:
                beats.append(conn.scalar(select(AnalysisRun.heartbeat_at).where(AnalysisRun.id == run_id)))
            threading.Event().wait(0.3)
        return compute(*args)

    monkeypatch.setattr(analysis_runs, "compute_results", slow_compute)
    assert execute_run(run_id).status == "done"
    assert None not in beats and beats == sorted(beats) and len(set(beats)) == 3, beats


def test_a_run_given_up_while_it_computed_does_not_come_back_as_done(app, monkeypatch):
    """Its heartbeat went unheard (the pool empty, the database busy) and another request gave it up: the newer
    run counts, and nothing of this one is kept when it finishes after all."""
    from webapp.models import RespondentWeight

    campaign = seeded_campaign()
    run_id = request_run(campaign).id
    compute = analysis_runs.compute_results

    def given_up_meanwhile(*args):
        computed = compute(*args)
        with db.engine.begin() as conn:  # as request_run on another host does
            conn.execute(update(AnalysisRun).where(AnalysisRun.id == run_id)
                         .values(status="failed", error=str(ABANDONED), finished_at=utcnow()))
        return computed

    monkeypatch.setattr(analysis_runs, "compute_results", given_up_meanwhile)
    ended = execute_run(run_id)
    assert (ended.status, ended.error, ended.results) == ("failed", str(ABANDONED), None)
    assert db.session.scalar(select(func.count()).select_from(RespondentWeight)
                             .where(RespondentWeight.run_id == run_id)) == 0
