"""Computing a campaign's prioritized-needs summary off the request path, and storing it.

Plain records are read from the database, handed to ``analysis/`` and the results stored
as an :class:`~webapp.models.AnalysisRun` with the settings used. It runs synchronously
(``flask analyze``) or in a background thread with its own app context (the summary's
"Recompute now"). A partial unique index allows one unfinished run per campaign, so two
clicks, or two hosts, never compute the same campaign at once.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import asdict

import numpy as np
from flask import Flask, current_app
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from analysis.equity import affectedness_scores
from analysis.errors import N_, InputError, Message
from analysis.group_means import group_means
from analysis.margin_fit import fit_margins
from analysis.priorities import priority_report
from analysis.raking import ConvergenceError
from analysis.survey_data import HARDSHIPS, survey_from_records
from webapp.database import rollback_or_drop
from webapp.extensions import db
from webapp.models import (
    AnalysisRun,
    Answer,
    Campaign,
    Event,
    Need,
    Profile,
    Rating,
    RespondentWeight,
    Response,
    utcnow,
)
from webapp.models.analysis import EMPHASIS_VALUES
from webapp.services.summary_settings import parse_equity, parse_margins, run_settings

PROFILE_FIELDS = ("place", "age_band", "race_ethnicity", "income_band", "primary_language", *HARDSHIPS)
#: profile columns of the group-by-need heatmap
HEATMAP_VARIABLES = ("place", "income_band", "age_band", "primary_language")
#: a running run refreshes its heartbeat this often, from a thread of its own (it reads the clock, not the work)
HEARTBEAT_EVERY = dt.timedelta(seconds=20)
#: a running run whose heartbeat has been silent this long was abandoned (the worker or ``flask analyze`` running
#: it was stopped or killed): it no longer blocks a new one
SILENT_AFTER = dt.timedelta(minutes=2)
#: a run unfinished after this long was abandoned, heartbeat or not (stuck rather than slow: no run takes this long)
STALE_AFTER = dt.timedelta(hours=2)
#: a run starts the moment it is queued; one still queued after this long never will (the database went away
#: as it was started, and its failure could not be stored either): it no longer blocks a new one
START_WITHIN = dt.timedelta(minutes=5)
#: what a lead reads of a run that failed for a reason other than bad input (its error_message is None)
UNEXPECTED = Message(N_("something went wrong on the server and it has been logged. Please try again later."))
#: what a lead reads of a run abandoned unfinished
ABANDONED = Message(N_("it stopped before it finished. Please try again."))


def stored_message(message: Message) -> dict:
    """A message as JSON data, kept with a run so that each reader sees it in their language."""
    def stored(value):
        if isinstance(value, Message):
            return stored_message(value)
        if isinstance(value, tuple):
            return [stored(item) if isinstance(item, Message) else str(item) for item in value]
        return value if value is None or isinstance(value, (str, int, float)) else str(value)

    return {"template": stored(message.template), "values": {name: stored(v) for name, v in message.values.items()}}


def message_from_stored(data: dict) -> Message:
    """The message ``stored_message`` kept."""
    def value(stored):
        if isinstance(stored, list):
            return tuple(value(item) for item in stored)
        return message_from_stored(stored) if isinstance(stored, dict) else stored

    return Message(value(data["template"]), **{name: value(v) for name, v in data["values"].items()})


def gather_survey(campaign: Campaign):
    """The campaign's priority responses as :class:`analysis.survey_data.SurveyData`."""
    priority = (Response.campaign_id == campaign.id) & (Response.instrument == "priority")
    needs = [need.key for need in campaign.needs]
    rows = db.session.execute(
        select(Rating.response_id, Need.key, Rating.importance, Rating.top_three)
        .join(Need, Need.id == Rating.need_id).join(Response, Response.id == Rating.response_id).where(priority)
    )
    ratings = [{"response_id": r, "need": k, "importance": i, "top_three": t} for r, k, i, t in rows]
    columns = [getattr(Profile, name) for name in PROFILE_FIELDS]
    profiles = [
        {"response_id": row[0], **dict(zip(PROFILE_FIELDS, row[1:]))}
        for row in db.session.execute(select(Profile.response_id, *columns)
                                      .join(Response, Response.id == Profile.response_id).where(priority))
    ]
    survey = survey_from_records(ratings, profiles, needs=needs)
    for name in PROFILE_FIELDS:  # asked of everyone, so unanswered (not unknown) when no response has a profile
        survey.profiles.setdefault(name, [None] * survey.n)
    return survey


def response_counts(campaign: Campaign) -> dict:
    """Priority responses by channel, language, event and week (Monday of the week)."""
    priority = (Response.campaign_id == campaign.id) & (Response.instrument == "priority")

    def grouped(column, *joins):
        query = select(column, func.count()).select_from(Response)
        for target, on in joins:
            query = query.outerjoin(target, on)
        return {(key if key is not None else ""): n for key, n in db.session.execute(query.where(priority)
                                                                                      .group_by(column))}

    weeks = Counter()
    for (created,) in db.session.execute(select(Response.created_at).where(priority)):
        day = created.date()
        weeks[(day - dt.timedelta(days=day.weekday())).isoformat()] += 1
    answered = db.session.scalar(select(func.count(func.distinct(Answer.response_id)))
                                 .join(Response, Response.id == Answer.response_id).where(priority))
    return {
        "total": sum(grouped(Response.channel).values()),
        "channel": grouped(Response.channel),
        "language": grouped(Response.language),
        "event": grouped(Event.name, (Event, Event.id == Response.event_id)),
        "week": dict(sorted(weeks.items())),
        "with_open_answers": int(answered or 0),
    }


def _report_with_figures(survey, margins_csv: str, options: dict):
    """The report at the first emphasis, matched to the community's figures as far as they can be: each
    variable as far as the answers allow (see ``fit_margins``), less any that cannot be matched together with
    the others. Returns it, the problem that kept every figure out (or None) and what was left out, and gives
    ``options`` the figures it used, for the other emphases."""
    left_out: list[Message] = []
    try:
        margins = parse_margins(margins_csv)
        if margins is not None:
            fitted = fit_margins(margins, survey.profiles)
            options["margins"], options["population"], left_out = fitted.raking, fitted.population, [*fitted.left_out]
        while True:
            try:
                return priority_report(survey, emphasis=EMPHASIS_VALUES[0], **options), None, left_out
            except ConvergenceError as problem:  # figures that contradict each other, given who answered
                variable, used = problem.message.values.get("variable"), options.get("margins") or {}
                if options["trim_ratio"] is not None or variable not in used or len(used) < 2:
                    raise  # (a weight cap too tight for them is the lead's to loosen: said as it is)
                left_out.append(Message(N_("'%(variable)s': its figures could not be matched together with the "
                                           "others, given who answered"), variable=variable))
                options["margins"] = {v: targets for v, targets in used.items() if v != variable}
                options["population"] = {v: shares for v, shares in options["population"].items() if v != variable}
    except InputError as problem:  # figures that cannot be used at all: said, and the report made without them
        if not margins_csv.strip():
            raise
        options["margins"] = options["population"] = None
        return priority_report(survey, emphasis=EMPHASIS_VALUES[0], **options), problem, []


def compute_results(campaign: Campaign, settings: dict) -> tuple[dict, list[int], np.ndarray, np.ndarray]:
    """Counts, a priority report per emphasis and group means; also the response ids and their weights."""
    survey = gather_survey(campaign)
    equity = parse_equity(settings["equity_toml"])
    options = {"equity": equity, "trim_ratio": settings["trim_ratio"], "n_bootstrap": settings["n_bootstrap"],
               "min_cell": settings["min_cell"], "seed": settings["seed"], "lambdas": EMPHASIS_VALUES}
    first, margins_problem, left_out = _report_with_figures(survey, settings["margins_csv"], options)
    reports = {str(EMPHASIS_VALUES[0]): first.to_dict()}
    for emphasis in EMPHASIS_VALUES[1:]:
        reports[str(emphasis)] = priority_report(survey, emphasis=emphasis, **options).to_dict()
    representative = first.raking.weights if first.raking is not None else np.ones(survey.n)
    scores = affectedness_scores(survey.profiles, equity, survey.n)
    groups = [asdict(row) for row in group_means(survey, HEATMAP_VARIABLES, representative,
                                                 min_cell=settings["min_cell"])]
    results = {
        "counts": response_counts(campaign), "reports": reports, "group_means": groups,
        "margins_problem": margins_problem and str(margins_problem),  # English, for the command line
        "margins_problem_message": margins_problem and stored_message(margins_problem.message),
        "margins_used": first.raking is not None,
        "margins_left_out": [stored_message(message) for message in left_out],
        "respondents": survey.n,
    }
    return results, [int(r) for r in survey.response_ids], representative, scores


def _store_weights(run: AnalysisRun, response_ids: list[int], representative, scores) -> None:
    """Keep the run's weights (and drop older runs' weights of the campaign: only the newest are exported)."""
    older = select(AnalysisRun.id).where(AnalysisRun.campaign_id == run.campaign_id, AnalysisRun.id != run.id)
    db.session.execute(delete(RespondentWeight).where(RespondentWeight.run_id.in_(older)))
    rows = [{"run_id": run.id, "response_id": r, "representative": float(w), "affectedness": float(s)}
            for r, w, s in zip(response_ids, representative, scores)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(RespondentWeight), rows[start:start + 5000])


def abandoned(now: dt.datetime):
    """The condition on an unfinished run that says it never will finish (see START_WITHIN, SILENT_AFTER and
    STALE_AFTER); a run started before heartbeats were kept counts from when it started."""
    last_sign_of_life = func.coalesce(AnalysisRun.heartbeat_at, AnalysisRun.started_at, AnalysisRun.created_at)
    return or_(AnalysisRun.created_at < now - STALE_AFTER,
               and_(AnalysisRun.status == "queued", AnalysisRun.created_at < now - START_WITHIN),
               and_(AnalysisRun.status == "running", last_sign_of_life < now - SILENT_AFTER))


def request_run(campaign: Campaign, actor=None, n_bootstrap: int | None = None) -> AnalysisRun | None:
    """Queue a run; None when one is already queued or running for the campaign."""
    now = utcnow()
    db.session.execute(
        update(AnalysisRun)
        .where(AnalysisRun.campaign_id == campaign.id, AnalysisRun.status.in_(("queued", "running")), abandoned(now))
        .values(status="failed", error=str(ABANDONED), error_message=stored_message(ABANDONED), finished_at=now)
    )
    run = AnalysisRun(campaign_id=campaign.id, status="queued", settings=run_settings(campaign, n_bootstrap),
                      requested_by_id=actor.id if actor is not None else None)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run


def execute_run(run_id: int, refit_themes: bool = False) -> AnalysisRun:
    """Compute a queued run and store its results (or its error); returns the run.

    Whatever fails, from starting the run on, ends it as failed (see ``_store_failure``), so that it
    does not block the next. A run no longer queued (given up as abandoned) is returned as it is.
    """
    from webapp.services.theme_assignment import assign_themes

    try:
        now = utcnow()
        started = db.session.execute(
            update(AnalysisRun).where(AnalysisRun.id == run_id, AnalysisRun.status == "queued")
            .values(status="running", started_at=now, heartbeat_at=now)
        ).rowcount
        db.session.commit()
        run = db.session.get(AnalysisRun, run_id)
        if not started:
            return run
        with _Heartbeat(db.engine, run_id):
            campaign = db.session.get(Campaign, run.campaign_id)
            results, response_ids, representative, scores = compute_results(campaign, run.settings)
            _store_weights(run, response_ids, representative, scores)
            results["themes"] = assign_themes(campaign, refit=refit_themes)
            finished = db.session.execute(  # only while still running: not if given up as abandoned meanwhile
                update(AnalysisRun).where(AnalysisRun.id == run_id, AnalysisRun.status == "running")
                .values(results=results, status="done", finished_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
            if finished:
                db.session.commit()
            else:  # its heartbeat went unheard and a newer run took over: nothing of this one is kept
                db.session.rollback()
    except Exception as error:  # noqa: BLE001 — any failure is stored and shown, never lost in a thread
        return _store_failure(run_id, error)
    return run


class _Heartbeat:
    """While the block runs, a thread refreshes the run's ``heartbeat_at`` every HEARTBEAT_EVERY on a
    connection of its own: the run is alive as long as its process is. A beat that fails (the database
    busy or away) is only logged; the next one tries again."""

    def __init__(self, engine, run_id: int):
        self.engine, self.run_id = engine, run_id
        self.logger = current_app.logger
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"analysis-{run_id}-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        conn = None  # kept from one beat to the next: a pool emptied by a rush of requests cannot silence it
        while not self.stopped.wait(HEARTBEAT_EVERY.total_seconds()):
            try:
                conn = conn or self.engine.connect()
                conn.execute(update(AnalysisRun).where(AnalysisRun.id == self.run_id, AnalysisRun.status == "running")
                             .values(heartbeat_at=utcnow()))
                conn.commit()
            except Exception:  # noqa: BLE001 — a missed beat; SILENT_AFTER allows several
                self.logger.warning("analysis run %s: heartbeat not stored", self.run_id, exc_info=True)
                if conn is not None:
                    conn.invalidate()  # the next beat connects afresh
                    conn.close()
                    conn = None
        if conn is not None:
            conn.close()


def _store_failure(run_id: int, error: Exception) -> AnalysisRun:
    """End the run as failed with ``error`` (called while handling it) and return it.

    When the database link broke under the run, the rollback drops that connection and the failure
    is stored on a fresh one. When the database is still away this raises too, and the run gives way
    to the next once it counts as ``abandoned``.
    """
    if not isinstance(error, InputError):  # logged first: storing it may fail as well
        current_app.logger.exception("analysis run %s failed", run_id)
    rollback_or_drop()
    run = db.session.get(AnalysisRun, run_id)
    run.status, run.finished_at = "failed", utcnow()
    run.error = str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"
    run.error_message = stored_message(error.message) if isinstance(error, InputError) else None
    db.session.commit()
    return run


def run_now(campaign: Campaign, actor=None, n_bootstrap: int | None = None, refit_themes: bool = False):
    """Queue and compute a run in this process (the CLI); None when one is already under way."""
    run = request_run(campaign, actor, n_bootstrap)
    return None if run is None else execute_run(run.id, refit_themes=refit_themes)


def _run_in_thread(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            execute_run(run_id)
        except Exception:  # noqa: BLE001 — not even its failure could be stored (the database is away)
            current_app.logger.exception("analysis run %s could not be ended as failed", run_id)
            rollback_or_drop()
        finally:
            db.session.remove()


def start_run(campaign: Campaign, actor=None) -> AnalysisRun | None:
    """Queue a run and compute it in a background thread (inline when ANALYSIS_BACKGROUND is off)."""
    run = request_run(campaign, actor)
    if run is None:
        return None
    if current_app.config["ANALYSIS_BACKGROUND"]:
        app = current_app._get_current_object()
        thread = threading.Thread(target=_run_in_thread, args=(app, run.id), name=f"analysis-{run.id}", daemon=True)
        thread.start()
        run_threads[:] = [t for t in run_threads if t.is_alive()] + [thread]
    else:
        execute_run(run.id)
    return run


#: background threads started by this process and not yet seen finished (tests join them)
run_threads: list[threading.Thread] = []
