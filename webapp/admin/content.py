"""The words residents read, per language, and the printable flyer."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import CAMPAIGN_LEAD, allow, current_campaign
from webapp.admin import bp
from webapp.errors import shows_form_again_on_csrf_error
from webapp.forms.campaigns import build_content_form, campaign_error
from webapp.i18n import LANGUAGES, set_language
from webapp.services.campaign_edits import CampaignError, NeedWords, content_completeness, save_content
from webapp.services.flyers import make_flyer
from webapp.views import box_label, error_summary


@bp.route("/campaigns/<slug>/content")
@allow(CAMPAIGN_LEAD)
def content(slug: str):
    """How complete each offered language is, with a link to edit each."""
    campaign = current_campaign()
    return render_template("admin/content_index.html", campaign=campaign, completeness=content_completeness(campaign))


@bp.route("/campaigns/<slug>/content/<language>", methods=["GET", "POST"])
@allow(CAMPAIGN_LEAD)
@shows_form_again_on_csrf_error
def edit_content(slug: str, language: str):
    """Edit the campaign's words in one language, the default language shown beside them."""
    campaign = current_campaign()
    if language not in campaign.languages:
        abort(404)
    needs = campaign.active_needs()
    form = build_content_form(campaign, language)(data=None if request.method == "POST" else _current_words(campaign, language))
    if form.validate_on_submit():
        words = {need.id: NeedWords(form[f"need_{need.id}_name"].data or "", form[f"need_{need.id}_description"].data or "")
                 for need in needs}
        try:
            changed = save_content(campaign, language, form.title.data or "", form.intro.data or "", words,
                                   actor=current_user)
        except CampaignError as error:
            need_id = error.details.get("need_id")
            box = form[f"need_{need_id}_name"] if need_id is not None else form.title
            box.errors.append(campaign_error(error))
        else:
            flash(_("Saved.") if changed else _("Nothing was changed."), "info")
            return redirect(url_for("admin.edit_content", slug=slug, language=language))
    completeness = content_completeness(campaign)
    return render_template(
        "admin/content.html", campaign=campaign, form=form, needs=needs, editing=LANGUAGES[language],
        default=LANGUAGES[campaign.default_language], completeness=completeness,
        current=next(c for c in completeness if c.language == language),
        errors=error_summary(form, _need_labels(campaign, form)),
    ), 422 if form.errors else 200


def _need_labels(campaign, form) -> dict[str, str]:
    """Each need's boxes as the error summary names them: by the need's name in the default language."""
    labels = {}
    for need in campaign.active_needs():
        reference = need.texts.get(campaign.default_language)
        called = reference.name if reference else need.key
        labels[f"need_{need.id}_name"] = called
        if f"need_{need.id}_description" in form:
            labels[f"need_{need.id}_description"] = box_label(called, form[f"need_{need.id}_description"])
    return labels


def _current_words(campaign, language: str) -> dict:
    text = campaign.texts.get(language)
    data = {"title": text.title if text else "", "intro": text.intro if text else ""}
    for need in campaign.active_needs():
        need_text = need.texts.get(language)
        data[f"need_{need.id}_name"] = need_text.name if need_text else ""
        data[f"need_{need.id}_description"] = need_text.description if need_text else ""
    return data


@bp.route("/campaigns/<slug>/flyer")
@allow(CAMPAIGN_LEAD)
def flyer(slug: str):
    """A one-page printable flyer in ``?lang=`` (default: the campaign's default language)."""
    campaign = current_campaign()
    requested = request.args.get("lang") or campaign.default_language
    if requested not in campaign.languages:
        abort(404)
    g.campaign = campaign  # the switcher offers the campaign's languages: each is that language's flyer
    set_language(requested)  # the flyer speaks the residents' language, whatever the staff reads
    g.remember_language = False  # … without changing the language of the staff's other pages
    qr_title = _("QR code: scan it with your phone's camera to open the survey")
    return render_template("admin/flyer.html", campaign=campaign, flyer=make_flyer(campaign, requested, qr_title))
