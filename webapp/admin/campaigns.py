"""Creating a campaign (admins), its settings and its need list (admins, and leads of the campaign)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp.access import ADMIN, CAMPAIGN_LEAD, allow, current_campaign
from webapp.admin import bp
from webapp.errors import shows_form_again_on_csrf_error
from webapp.extensions import db
from webapp.forms.campaigns import (
    PROFILE_LABELS,
    CampaignCreateForm,
    CampaignSettingsForm,
    build_need_form,
    campaign_error,
)
from webapp.i18n import LANGUAGES, choose_language, isolated
from webapp.ids import database_id
from webapp.models import User
from webapp.services.campaign_edits import (
    CampaignError,
    NeedWords,
    content_completeness,
    create_campaign,
    set_campaign_open,
    slug_problem,
    update_settings,
)
from webapp.services.needs import add_need, get_need, move_need, restore_need, retire_need
from webapp.views import box_label, error_summary


@bp.route("/campaigns/new", methods=["GET", "POST"])
@allow(ADMIN)
@shows_form_again_on_csrf_error
def new_campaign():
    """Start a campaign: web address, languages, and its title in the default language."""
    form = CampaignCreateForm()
    if form.validate_on_submit():
        problem = slug_problem(form.slug.data)
        if problem:
            form.slug.errors.append(campaign_error(CampaignError(f"slug_{problem}")))
        else:
            campaign = create_campaign(form.slug.data, form.default_language.data, form.languages.data,
                                       form.title.data, form.intro.data or "", actor=current_user)
            flash(_("The campaign is created and closed to residents. Add its needs, then open it."), "info")
            return redirect(url_for("admin.needs", slug=campaign.slug))
    return render_template("admin/campaign_new.html", form=form, errors=error_summary(form)), 422 if form.errors else 200


@bp.route("/campaigns/<slug>/", methods=["GET", "POST"])
@allow(CAMPAIGN_LEAD)
@shows_form_again_on_csrf_error
def campaign(slug: str):
    """A campaign's overview and settings: languages and the profile questions asked."""
    campaign = current_campaign()
    form = CampaignSettingsForm(data=None if request.method == "POST" else {
        "default_language": campaign.default_language,
        "languages": campaign.languages,
        "profile_questions": campaign.profile_questions,
        "contact": campaign.contact,
    })
    if form.validate_on_submit():
        kept_default = form.default_language.data not in request.form.getlist("languages")  # unticked: still offered
        try:
            update_settings(campaign, form.default_language.data, form.languages.data,
                            form.profile_questions.data, actor=current_user, contact=form.contact.data or "")
        except CampaignError as error:
            form.default_language.errors.append(campaign_error(error))
        else:
            flash(_("Saved. %(language)s is the default language, so it is still offered.",
                    language=isolated(LANGUAGES[form.default_language.data].name)) if kept_default else _("Saved."), "info")
            return redirect(url_for("admin.campaign", slug=slug))
    staff = db.session.scalars(
        select(User).where(User.assignments.any(campaign_id=campaign.id)).order_by(User.role, User.email)
    ).all()
    return render_template(
        "admin/campaign.html", campaign=campaign, form=form, staff=staff, profile_labels=PROFILE_LABELS,
        completeness=content_completeness(campaign), errors=error_summary(form),
    ), 422 if form.errors else 200


@bp.route("/campaigns/<slug>/status", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def campaign_status(slug: str):
    """Open the campaign to residents, or close it."""
    campaign = current_campaign()
    wanted = request.form.get("open")
    if wanted not in ("1", "0"):
        abort(400)
    try:
        set_campaign_open(campaign, wanted == "1", actor=current_user)
    except CampaignError as error:
        flash(campaign_error(error), "error")
    else:
        flash(_("The survey is open to residents.") if campaign.is_open else _("The survey is closed."), "info")
    return redirect(url_for("admin.campaign", slug=slug))


@bp.route("/campaigns/<slug>/needs", methods=["GET", "POST"])
@allow(CAMPAIGN_LEAD)
@shows_form_again_on_csrf_error
def needs(slug: str):
    """The need list: add a need (named in every offered language), reorder, retire, restore."""
    campaign = current_campaign()
    form = build_need_form(campaign.languages, campaign.default_language)()
    if form.validate_on_submit():
        words = {code: NeedWords(form[f"name_{code}"].data or "", form[f"description_{code}"].data or "")
                 for code in campaign.languages}
        try:
            need = add_need(campaign, words, actor=current_user)
        except CampaignError as error:  # a need of that name exists: said at the name, what was typed kept
            form[f"name_{error.details.get('language', campaign.default_language)}"].errors.append(
                campaign_error(error))
        else:
            # named as the reader wrote it, when they did (an admin reading Korean typed its Korean name too)
            name = isolated(need.text(choose_language(), campaign.default_language).name)
            flash(_("Added “%(name)s”.", name=name), "info")
            return redirect(url_for("admin.needs", slug=slug) + f"#need-{need.id}")  # the new need, at the list's end
    # every language's box is labelled "Name": the summary says which language each complaint is about
    labels = {}
    for code in campaign.languages:
        labels[f"name_{code}"] = LANGUAGES[code].name
        labels[f"description_{code}"] = box_label(LANGUAGES[code].name, form[f"description_{code}"])
    # ?after= as _back_to_need wrote it; anything else (a superscript ² is a digit int() refuses) focuses nothing
    after_action, _dash, after_id = (request.args.get("after") or "").partition("-")
    return render_template("admin/needs.html", campaign=campaign, form=form, errors=error_summary(form, labels),
                           after_action=after_action, after_id=database_id(after_id)), 422 if form.errors else 200


def _need_or_404(campaign, need_id: int):
    return get_need(campaign, need_id) or abort(404)


def _back_to_need(slug: str, need, action: str):
    """Back to the need list, the focus on the button of what was done (``?after=``), scrolled into view: a keyboard
    or screen-reader user moving a need three places presses Move down three times, not Tab thirty. (No #need-…:
    a page opened at a fragment runs no autofocus.)"""
    return redirect(url_for("admin.needs", slug=slug, after=f"{action}-{need.id}"))


@bp.route("/campaigns/<slug>/needs/<int:need_id>/move", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def move(slug: str, need_id: int):
    """Move a need one place up or down (plain buttons: works without JavaScript)."""
    campaign = current_campaign()
    need = _need_or_404(campaign, need_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    move_need(campaign, need, direction, actor=current_user)
    return _back_to_need(slug, need, direction)


@bp.route("/campaigns/<slug>/needs/<int:need_id>/retire", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def retire(slug: str, need_id: int):
    """Stop asking about a need; the ratings already given are kept."""
    campaign = current_campaign()
    need = _need_or_404(campaign, need_id)
    try:
        retire_need(campaign, need, actor=current_user)
    except CampaignError as error:
        flash(campaign_error(error), "error")
    return _back_to_need(slug, need, "retire")


@bp.route("/campaigns/<slug>/needs/<int:need_id>/restore", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def restore(slug: str, need_id: int):
    """Ask about a retired need again."""
    campaign = current_campaign()
    need = _need_or_404(campaign, need_id)
    restore_need(campaign, need, actor=current_user)
    return _back_to_need(slug, need, "restore")
