"""Meetings: creating one (with its QR code), and reading each one's evaluations and the trend."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import CAMPAIGN_LEAD, allow, current_campaign
from webapp.charts import line_chart
from webapp.coalition import bp
from webapp.errors import shows_form_again_on_csrf_error
from webapp.forms.meetings import ACCESS_CHOICES, ACCESS_TEXT, MEI_TEXT, MODE_LABELS, OPEN_QUESTIONS, MeetingForm
from webapp.forms.members import language_name
from webapp.i18n import choose_language, right_to_left
from webapp.links import public_url
from webapp.models import utcnow
from webapp.models.meetings import MEI_ITEMS
from webapp.services.flyers import qr_svg
from webapp.services.meetings import (
    ANSWERS_EXPORT_HEADER,
    EXPORT_HEADER,
    MIN_EVALUATIONS,
    MeetingResults,
    campaign_results,
    closing_time,
    create_meeting,
    evaluations_started,
    export_answer_rows,
    export_rows,
    trend,
)
from webapp.services.open_answers import group_answers_by_theme
from webapp.views import csv_download, error_summary, one_decimal, record_download


def trend_charts(results: list[MeetingResults]) -> list[tuple[str, object]]:
    """One small line chart per MEI item across the meetings (gaps where results are withheld)."""
    labels = [format_date(r.meeting.held_on, "short") for r in results]
    charts = []
    for item, means in trend(results).items():
        name = str(MEI_TEXT[item][0])
        values = [None if mean is None else float(mean) for mean in means]
        charts.append((item, line_chart(
            [(name, values)], labels, name, 1, 5, chart_id=f"trend-{item}", rtl=right_to_left(),
            desc=_("Average score from 1 to 5 at each meeting, oldest first. A gap means fewer than %(min)s evaluations.",
                   min=MIN_EVALUATIONS),
        )))
    return charts


def _page_context(results: list[MeetingResults]) -> dict:
    return {
        "results": results, "charts": trend_charts(results) if results else [], "mei_items": MEI_ITEMS,
        "mei_text": MEI_TEXT, "access_text": ACCESS_TEXT, "access_choices": ACCESS_CHOICES, "modes": MODE_LABELS,
        "open_questions": OPEN_QUESTIONS, "one_decimal": one_decimal, "min_evaluations": MIN_EVALUATIONS,
        "language_name": language_name, "started": evaluations_started,
    }


@bp.route("/<slug>/meetings", methods=["GET", "POST"])
@allow(CAMPAIGN_LEAD)
@shows_form_again_on_csrf_error
def meetings(slug: str):
    """The campaign's meetings with the trend of each item, and a form to add a meeting."""
    campaign = current_campaign()
    form = MeetingForm()
    if form.validate_on_submit():
        timezone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        try:
            closes_at = closing_time(form.held_on.data, form.open_days.data, timezone)
        except OverflowError:  # days after 9999-12-31 do not exist
            closes_at = None
        if closes_at is None:
            form.held_on.errors.append(_("This date is too far in the future. Please check the date."))
        elif closes_at <= utcnow():
            form.held_on.errors.append(_("With this date and number of days, the evaluation would already be "
                                         "closed. Please check the date."))
        else:
            meeting = create_meeting(campaign, title=form.title.data, held_on=form.held_on.data, mode=form.mode.data,
                                     place=form.place.data, facilitator=form.facilitator.data,
                                     open_days=form.open_days.data, timezone=timezone, language=choose_language(),
                                     actor=current_user)
            flash(_("The meeting is added. Show its QR code at the end of the meeting."), "info")
            return redirect(url_for("coalition.meeting", slug=campaign.slug, meeting_id=meeting.id))
    results = campaign_results(campaign.id)
    return render_template("coalition/meetings.html", campaign=campaign, form=form, errors=error_summary(form),
                           **_page_context(results)), 422 if form.errors else 200


@bp.route("/<slug>/meetings/<int:meeting_id>")
@allow(CAMPAIGN_LEAD)
def meeting(slug: str, meeting_id: int):
    """One meeting: its link and QR code, each item's results (or that they are withheld), and the trend."""
    campaign = current_campaign()
    results = campaign_results(campaign.id)
    current = next((r for r in results if r.meeting.id == meeting_id), None)
    if current is None:
        abort(404)  # also a meeting of another campaign: not found through this one
    url = public_url("survey.meeting_evaluation", code=current.meeting.code)
    groups = {question: group_answers_by_theme([a for a in current.answers if a.question == question])
              for question in OPEN_QUESTIONS}
    return render_template(
        "coalition/meeting.html", campaign=campaign, current=current, url=url, answer_groups=groups,
        qr=qr_svg(url, _("QR code: scan it with your phone's camera to open the meeting evaluation")),
        is_open=current.meeting.is_open(), **_page_context(results),
    )


@bp.route("/<slug>/meetings.csv")
@allow(CAMPAIGN_LEAD)
def meetings_csv(slug: str):
    """Every meeting's results as CSV, one row per meeting; withheld meetings carry no numbers."""
    campaign = current_campaign()
    results = campaign_results(campaign.id)
    record_download(campaign, export="meetings", rows=len(results))
    return csv_download(f"{campaign.slug}-meetings.csv", EXPORT_HEADER, export_rows(results))


@bp.route("/<slug>/meeting-answers.csv")
@allow(CAMPAIGN_LEAD)
def meeting_answers_csv(slug: str):
    """The open answers of every meeting whose results are shown, as CSV, one row per answer."""
    campaign = current_campaign()
    rows = list(export_answer_rows(campaign_results(campaign.id)))
    record_download(campaign, export="meeting_answers", rows=len(rows))
    return csv_download(f"{campaign.slug}-meeting-answers.csv", ANSWERS_EXPORT_HEADER, rows)
