"""The community priority survey at /s/<slug>."""
from __future__ import annotations

import uuid

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from webapp.access import PUBLIC, allow
from webapp.errors import keeps_data_on_csrf_error
from webapp.forms.fields import parse_uuid
from webapp.forms.priority import IMPORTANCE_CHOICES, OPEN_QUESTIONS, build_priority_form
from webapp.i18n import LANGUAGES, choose_language, normalize, set_language
from webapp.models import utcnow
from webapp.services.campaigns import campaign_snapshot, closing_grace, survey_content
from webapp.services.data_protection import REFERENCE_PATTERN, reference_code
from webapp.services.submissions import (
    PrioritySubmission,
    clean_free_text,
    profile_from_answers,
    store_priority_response,
)
from webapp.survey import bp
from webapp.survey.sent_here import store_and_thank
from webapp.views import error_summary


@bp.url_value_preprocessor
def load_campaign(endpoint, values):
    """Every survey URL names a campaign; unknown slugs are a friendly 404."""
    slug = (values or {}).get("slug")
    if slug is not None:
        g.campaign = campaign_snapshot(slug)
        if g.campaign is None:
            abort(404)


@bp.route("/s/<slug>", methods=["GET", "POST"])
@allow(PUBLIC)
@keeps_data_on_csrf_error
def priority_survey(slug: str):
    """Show the survey; on POST, store the response once and say thank you."""
    campaign = g.campaign
    if not campaign.is_open and not (  # a page opened before it closed may still send its answers, for a while
            request.method == "POST"
            and campaign.takes_answers(utcnow(), closing_grace())):
        return render_template("survey/closed.html", content=survey_content(campaign, choose_language()))
    switch_to = normalize(request.form.get("switch_lang")) if request.method == "POST" else None
    if switch_to in campaign.languages:
        set_language(switch_to)
        g.remember_language = True
    language = choose_language()
    if request.method != "POST" and not session.get("_flashes"):  # GET, or HEAD (a link checker)
        return blank_survey_page(campaign, language)
    content = survey_content(campaign, language)
    form = priority_form(campaign, content)
    if parse_uuid(form.response_id.data) is None:
        form.response_id.data = str(uuid.uuid4())
    form.lang.data = language
    if request.method != "POST":  # GET or HEAD
        form.text_language.data = language
        return _render(form, content)

    if switch_to or g.get("csrf_error"):
        if switch_to:
            form.follow_switched_language(request.form.get("lang"), language)
        if g.get("csrf_error"):
            flash(_("This page was open for a long time. Please check your answers and send them again."), "info")
        elif form.show_errors.data:
            form.validate()
        return _render(form, content)
    if form.website.is_tripped():
        return redirect(url_for("survey.thanks", slug=slug))  # a bot: say thanks, store nothing
    if not form.validate():
        form.show_errors.data = "1"
        return _render(form, content, status=422)

    submission = submission_from_form(form, language)
    content_hash = submission.content_hash(campaign.slug)
    return store_and_thank(
        form, submission.client_uuid, content_hash,
        lambda: store_priority_response(campaign, content, submission, content_hash), "survey response",
        url_for("survey.thanks", slug=slug, lang=language, ref=reference_code(submission.client_uuid)),
        lambda status=200: _render(form, content, status=status))


@bp.route("/s/<slug>/thanks")
@allow(PUBLIC)
def thanks(slug: str):
    """The thank-you page, shown after the response is committed, with the reference to delete it later."""
    reference = request.args.get("ref", "")
    return render_template("survey/thanks.html", content=survey_content(g.campaign, choose_language()),
                           reference=reference if REFERENCE_PATTERN.fullmatch(reference) else None)


def priority_form(campaign, content):
    """The campaign's survey form, filled from the request when one was sent."""
    return build_priority_form(tuple((n.key, n.name) for n in content.needs), tuple(campaign.profile_questions))()


def blank_survey_page(campaign, language: str):
    """The empty survey, rendered once per content version and language (see page_cache)."""
    key = ("priority", campaign.id, campaign.content_version, campaign.default_language,
           tuple(campaign.languages), tuple(campaign.profile_questions), language)

    def render():
        content = survey_content(campaign, language)
        form = priority_form(campaign, content)
        form.response_id.data = str(uuid.uuid4())
        form.lang.data = form.text_language.data = language
        html, _status = _render(form, content)
        return html, generate_csrf(), form.response_id.data

    gzip = request.accept_encodings["gzip"] > 0
    body, encoding = current_app.extensions["blank_pages"].page(
        key, render, generate_csrf(), str(uuid.uuid4()), gzip=gzip)
    response = current_app.response_class(body, mimetype="text/html")
    if encoding:
        response.headers["Content-Encoding"] = encoding  # Flask-Compress leaves it alone
    response.headers["Vary"] = "Accept-Encoding"
    return response


def submission_from_form(form, language: str) -> PrioritySubmission:
    """The plain-data submission described by a valid priority form."""
    written_in = form.text_language.data
    if written_in not in LANGUAGES:
        written_in = "und" if written_in == "other" else language  # BCP 47: undetermined
    answers = {}
    for question in OPEN_QUESTIONS:
        text = clean_free_text(form[question].data)
        if text is not None:
            answers[question] = (text, written_in)
    profile_values = {name: form[name].data for name in form.profile_questions if name in form}
    return PrioritySubmission(
        client_uuid=parse_uuid(form.response_id.data),
        language=language,
        ratings=form.ratings(),
        top_three=list(form.top_three.data or []),
        answers=answers,
        profile=profile_from_answers(**profile_values),
    )


def _render(form, content, status: int = 200):
    return (
        render_template(
            "survey/priority.html",
            form=form,
            content=content,
            errors=error_summary(form),
            scale=[(choice.value, str(choice.label)) for choice in IMPORTANCE_CHOICES],
        ),
        status,
    )
