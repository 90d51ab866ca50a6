"""The member asset and skill assessment at /members/<slug>.

It stays open while the campaign is closed to residents: a coalition often takes stock of
its members before it asks residents anything.
"""
from __future__ import annotations

import uuid

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp.access import PUBLIC, allow
from webapp.errors import keeps_data_on_csrf_error
from webapp.forms.fields import parse_uuid
from webapp.forms.members import COMPETENCY_SCALE, OPEN_QUESTIONS, MemberAssessmentForm
from webapp.i18n import choose_language, normalize, set_language
from webapp.services.campaigns import survey_content
from webapp.services.data_protection import REFERENCE_PATTERN, reference_code
from webapp.services.members import MemberSubmission, store_member_assessment
from webapp.services.submissions import clean_free_text, content_hash_of, written_language
from webapp.survey import bp
from webapp.survey.sent_here import store_and_thank
from webapp.views import error_summary


@bp.route("/members/<slug>", methods=["GET", "POST"])
@allow(PUBLIC)
@keeps_data_on_csrf_error
def member_assessment(slug: str):
    """Show the member assessment; on POST, store it once and say thank you."""
    campaign = g.campaign
    switch_to = normalize(request.form.get("switch_lang")) if request.method == "POST" else None
    if switch_to in campaign.languages:
        set_language(switch_to)
        g.remember_language = True
    language = choose_language()
    form = MemberAssessmentForm()
    if parse_uuid(form.response_id.data) is None:
        form.response_id.data = str(uuid.uuid4())
    form.lang.data = language
    if request.method != "POST":  # GET or HEAD
        form.text_language.data = language
        return _render(form, campaign, language)

    if switch_to or g.get("csrf_error"):
        if switch_to:
            form.follow_switched_language(request.form.get("lang"), language)
        if g.get("csrf_error"):
            flash(_("This page was open for a long time. Please check your answers and send them again."), "info")
        elif form.show_errors.data:
            form.validate()
        return _render(form, campaign, language)
    if form.website.is_tripped():
        return redirect(url_for("survey.member_thanks", slug=slug))  # a bot: say thanks, store nothing
    if not form.validate():
        form.show_errors.data = "1"
        return _render(form, campaign, language, status=422)
    submission = submission_from_form(form, language)
    content_hash = content_hash_of(submission.canonical(campaign.slug))
    return store_and_thank(
        form, submission.client_uuid, content_hash,
        lambda: store_member_assessment(campaign, submission, content_hash), "member assessment",
        url_for("survey.member_thanks", slug=slug, lang=language, ref=reference_code(submission.client_uuid)),
        lambda status=200: _render(form, campaign, language, status=status))


@bp.route("/members/<slug>/thanks")
@allow(PUBLIC)
def member_thanks(slug: str):
    """The thank-you page, shown after the assessment is stored, with the reference to delete it later."""
    reference = request.args.get("ref", "")
    return render_template("survey/member_thanks.html", content=survey_content(g.campaign, choose_language()),
                           reference=reference if REFERENCE_PATTERN.fullmatch(reference) else None)


def _text(value: str | None) -> str | None:
    """A one-line answer without outer spaces, or None when blank."""
    value = (value or "").strip()
    return value or None


def submission_from_form(form: MemberAssessmentForm, language: str) -> MemberSubmission:
    """The plain-data submission described by a valid member form."""
    written_in = written_language(form.text_language.data, language)
    answers = {}
    for question in OPEN_QUESTIONS:
        text = clean_free_text(form[question].data)
        if text is not None:
            answers[question] = (text, written_in)
    skills = set(form.skills.data or [])
    if form.translation_languages.data:
        skills.add("translation")  # naming the languages one interprets says one interprets
    return MemberSubmission(
        client_uuid=parse_uuid(form.response_id.data),
        language=language,
        sector=form.sector.data,
        involvement=form.involvement.data,
        directory_consent=form.directory_consent.data == "yes",
        name=_text(form.name.data), email=_text(form.email.data), phone=_text(form.phone.data),
        organisation=_text(form.organisation.data),
        sector_other=_text(form.sector_other.data),
        lived_experience={"yes": True, "no": False}.get(form.lived_experience.data),
        other_languages=_text(form.other_languages.data),
        choices={
            "skill": sorted(skills), "asset": form.assets.data or [], "language": form.languages.data or [],
            "translation_language": form.translation_languages.data or [], "day": form.days.data or [],
            "time": form.times.data or [], "mode": form.modes.data or [],
        },
        competencies=form.competencies(),
        answers=answers,
    )


def _render(form: MemberAssessmentForm, campaign, language: str, status: int = 200):
    return render_template(
        "survey/members.html", form=form, content=survey_content(campaign, language), errors=error_summary(form),
        levels=[(choice.value, str(choice.label)) for choice in COMPETENCY_SCALE],
    ), status
