"""The anonymous meeting evaluation at the short link /m/<code> (the QR code on the last slide)."""
from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp.access import PUBLIC, allow
from webapp.errors import keeps_data_on_csrf_error
from webapp.forms.fields import parse_uuid
from webapp.forms.meetings import (
    CONFLICT_CHOICES,
    MEI_TEXT,
    NO_CONFLICT,
    OPEN_QUESTIONS,
    MeetingEvaluationForm,
    mei_scale,
)
from webapp.i18n import choose_language, normalize, set_language
from webapp.models import utcnow
from webapp.models.meetings import MEI_ITEMS
from webapp.services.meetings import (
    EvaluationSubmission,
    evaluation_stored,
    evaluations_started,
    find_meeting,
    store_evaluation,
)
from webapp.services.campaigns import closing_grace
from webapp.services.submissions import clean_free_text, content_hash_of, written_language
from webapp.survey import bp
from webapp.survey.sent_here import store_and_thank
from webapp.views import error_summary


@bp.url_value_preprocessor
def load_meeting(endpoint, values):
    """A meeting URL names its meeting by code; the page speaks the languages of its campaign."""
    code = (values or {}).get("code")
    if code is not None:
        g.meeting = find_meeting(code)
        if g.meeting is None:
            abort(404)
        g.campaign = g.meeting.campaign  # the language switcher offers the campaign's languages


@bp.route("/m/<code>", methods=["GET", "POST"])
@allow(PUBLIC)
@keeps_data_on_csrf_error
def meeting_evaluation(code: str):
    """Show the evaluation; on POST, store it once (anonymously) and say thank you."""
    meeting = g.meeting
    now = utcnow()
    if not evaluations_started(meeting, now):
        return render_template("survey/meeting_closed.html", meeting=meeting, not_yet=True)
    # a page opened before it closed may still send its answers, for a while (as the survey's)
    if not meeting.is_open(now - closing_grace() if request.method == "POST" else now):
        if request.method == "POST" and evaluation_stored(meeting.id, parse_uuid(request.form.get("response_id"))):
            # sent just before closing and again after (a retry, a double tap): it was stored, say so
            return redirect(url_for("survey.meeting_thanks", code=meeting.code, lang=choose_language()))
        return render_template("survey/meeting_closed.html", meeting=meeting)
    switch_to = normalize(request.form.get("switch_lang")) if request.method == "POST" else None
    if switch_to in g.campaign.languages:
        set_language(switch_to)
        g.remember_language = True
    language = choose_language()
    form = MeetingEvaluationForm()
    if parse_uuid(form.response_id.data) is None:
        form.response_id.data = str(uuid.uuid4())
    form.lang.data = language
    if request.method != "POST":  # GET or HEAD
        form.text_language.data = language
        return _render(form, meeting)

    if switch_to or g.get("csrf_error"):
        if switch_to:
            form.follow_switched_language(request.form.get("lang"), language)
        if g.get("csrf_error"):
            flash(_("This page was open for a long time. Please check your answers and send them again."), "info")
        elif form.show_errors.data:
            form.validate()
        return _render(form, meeting)
    if form.website.is_tripped():
        return redirect(url_for("survey.meeting_thanks", code=meeting.code))  # a bot: store nothing
    if not form.validate():
        form.show_errors.data = "1"
        return _render(form, meeting, status=422)
    submission = submission_from_form(form, language)
    content_hash = content_hash_of(submission.canonical(meeting.code))
    return store_and_thank(
        form, submission.client_uuid, content_hash,
        lambda: store_evaluation(meeting, submission, content_hash), "meeting evaluation",
        url_for("survey.meeting_thanks", code=meeting.code, lang=language),
        lambda status=200: _render(form, meeting, status=status))


@bp.route("/m/<code>/thanks")
@allow(PUBLIC)
def meeting_thanks(code: str):
    """The thank-you page, shown after the evaluation is stored."""
    return render_template("survey/meeting_thanks.html", meeting=g.meeting)


def submission_from_form(form: MeetingEvaluationForm, language: str) -> EvaluationSubmission:
    """The plain-data evaluation described by a valid form. It holds nothing about who sent it."""
    written_in = written_language(form.text_language.data, language)
    answers = {}
    for question in OPEN_QUESTIONS:
        text = clean_free_text(form[question].data)
        if text is not None:
            answers[question] = (text, written_in)
    return EvaluationSubmission(client_uuid=parse_uuid(form.response_id.data), language=language,
                                scores=form.scores(), access=form.access(), answers=answers)


def _render(form: MeetingEvaluationForm, meeting, status: int = 200):
    items = [(item, MEI_TEXT[item][1], mei_scale(item)) for item in MEI_ITEMS]
    return render_template(
        "survey/meeting.html", form=form, meeting=meeting, items=items, errors=error_summary(form),
        no_conflict=(NO_CONFLICT, str(CONFLICT_CHOICES[-1].label)),
    ), status
