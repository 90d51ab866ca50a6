"""The prioritized-needs summary and its printable brief, read from the newest analysis run."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import CAMPAIGN_LEAD, allow, current_campaign
from webapp.coalition import bp
from webapp.coalition.lists import markup_list
from webapp.coalition.summary_charts import category_name, lens_criteria, summary_charts, variable_name
from webapp.errors import shows_form_again_on_csrf_error
from webapp.extensions import db
from webapp.forms.analysis import AnalysisSettingsForm
from webapp.forms.members import language_name
from webapp.forms.priority import CHOSEN_ANSWERS
from webapp.i18n import current_language, translated_message
from webapp.models.analysis import EMPHASIS_VALUES
from webapp.services import audit
from webapp.services.analysis_runs import UNEXPECTED, message_from_stored, start_run
from webapp.services.dashboard import (
    build_summary,
    emphasis_param,
    failed_run,
    latest_run,
    parse_emphasis,
    pending_run,
)
from webapp.services.summary_settings import (
    analysis_settings,
    parse_equity,
    save_analysis_settings,
    settings_changed_since,
)
from webapp.services.themes_store import MAX_LABEL
from webapp.views import error_summary, one_decimal


def _summary_context(campaign):
    """The newest run's summary at the emphasis asked for (None when there is no run yet)."""
    run = latest_run(campaign.id)
    pending = pending_run(campaign.id)
    failed = failed_run(campaign.id, run)
    summary = lens = None
    if run is not None:
        equity = parse_equity(run.settings.get("equity_toml", ""))
        emphasis = parse_emphasis(request.args.get("emphasis"), equity.emphasis)  # else the lens's own, else 1
        summary = build_summary(campaign, run, emphasis, current_language().code)
        lens = {"threshold": equity.most_affected_threshold, "criteria": lens_criteria(equity)}
    return {
        "campaign": campaign, "summary": summary, "lens": lens, "pending": pending, "failed": failed,
        **_figures_left_out(run),
        "settings_changed": run is not None and pending is None and settings_changed_since(campaign, run),
        "failed_error": failed and translated_message(message_from_stored(failed.error_message)
                                                      if failed.error_message else UNEXPECTED),
        "emphasis_values": EMPHASIS_VALUES, "one_decimal": one_decimal, "language_name": language_name,
        "category_name": category_name, "variable_name": variable_name, "markup_list": markup_list,
        "channel_names": {"web": _("Online"), "field": _("Entered by outreach workers"), "paper": _("Paper forms")},
        "max_label": MAX_LABEL,
    }


def _figures_left_out(run) -> dict:
    """What of the community's figures the run could not use, and why, in the reader's language:
    ``figures_unused`` when it used none of them, ``figures_left_out`` when it used the rest. The codes in
    the reasons keep their own direction on a right-to-left page."""
    results = run.results if run is not None else {}
    if results.get("margins_problem"):  # they could not be read at all
        stored = results.get("margins_problem_message")  # (runs from before messages were kept: English)
        return {"figures_unused": [translated_message(message_from_stored(stored), isolate=True) if stored
                                   else results["margins_problem"]], "figures_left_out": []}
    reasons = [translated_message(message_from_stored(m), isolate=True) for m in results.get("margins_left_out", ())]
    used = results.get("margins_used", False)
    return {"figures_unused": [] if used else reasons, "figures_left_out": reasons if used else []}


@bp.route("/<slug>/summary")
@allow(CAMPAIGN_LEAD)
def summary(slug: str):
    """The prioritized-needs summary: ranks, who was heard, representativeness and themes."""
    context = _summary_context(current_campaign())
    if context["summary"] is not None:
        context["charts"] = summary_charts(context["summary"])
    return render_template("coalition/summary.html", **context)


@bp.route("/<slug>/summary/recompute", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def recompute(slug: str):
    """Start computing the summary afresh in the background ("Recompute now")."""
    campaign = current_campaign()
    run = start_run(campaign, actor=current_user)
    if run is None:
        flash(_("The summary is already being computed. Reload this page in a minute."), "info")
    else:
        audit.record("analysis.requested", actor=current_user, target=campaign, detail={"run": run.id})
        db.session.commit()
        flash(_("The summary is being computed. Reload this page in a minute to see it."), "info")
    return redirect(url_for("coalition.summary", slug=campaign.slug,  # at the emphasis the lead was reading
                            emphasis=emphasis_param(request.form.get("emphasis"))))


@bp.route("/<slug>/brief")
@allow(CAMPAIGN_LEAD)
def brief(slug: str):
    """A one-page printable brief: top needs, key themes with quotes, who was heard, equity settings."""
    context = _summary_context(current_campaign())
    return render_template("coalition/brief.html", **context)


@bp.route("/<slug>/summary/settings", methods=["GET", "POST"])
@allow(CAMPAIGN_LEAD)
@shows_form_again_on_csrf_error
def analysis_settings_page(slug: str):
    """The analysis settings: population margins, the equity lens and the weight cap (used from the next run)."""
    campaign = current_campaign()
    stored = analysis_settings(campaign)
    form = AnalysisSettingsForm(obj=stored)
    if form.validate_on_submit():
        save_analysis_settings(campaign, form.margins_csv.data or "", form.equity_toml.data or "",
                               None if form.trim_ratio.data is None else float(form.trim_ratio.data),
                               actor=current_user)
        flash(_("The settings are saved. Recompute the summary to use them."), "info")
        return redirect(url_for("coalition.summary", slug=campaign.slug))
    if not form.is_submitted() and not stored.equity_toml:
        form.equity_toml.data = parse_equity("").text
    answer_codes = [(variable, variable_name(variable), choices()) for variable, choices in CHOSEN_ANSWERS.items()]
    return render_template("coalition/analysis_settings.html", campaign=campaign, form=form, answer_codes=answer_codes,
                           errors=error_summary(form)), 422 if form.errors else 200
