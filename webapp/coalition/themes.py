"""A lead's theme edits from the summary page: rename, merge, move a quote (POST, then back)."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import CAMPAIGN_LEAD, allow, current_campaign
from webapp.coalition import bp
from webapp.errors import keeps_data_on_csrf_error
from webapp.forms.fields import NOTHING_SAVED
from webapp.services import themes_store
from webapp.services.dashboard import emphasis_param
from webapp.services.themes_store import ThemeEditError


def _back(campaign, message: str, theme_id: int | None = None, problem: bool = False):
    """Back to the summary, at the emphasis the lead was reading, and to the theme edited, where ``message`` is
    shown (the page's own messages are thousands of pixels above it), as a ``problem`` or not; without a theme,
    to the themes' heading, where the message is shown as a problem."""
    if theme_id is None:
        flash(message, "themes")
    else:
        flash(message, f"theme-problem-{theme_id}" if problem else f"theme-{theme_id}")
    return redirect(url_for("coalition.summary", slug=campaign.slug, emphasis=emphasis_param(request.form.get("emphasis")),
                            _anchor=f"theme-{theme_id}" if theme_id is not None else "themes-title"))


def _sent_with_a_stale_token(campaign, theme_id: int | None):
    """An edit sent with a stale form token (the lead signed in again in another tab): nothing is changed, and the
    summary says so at the theme (without one it shows, at the themes' heading), with a name typed for it back in
    its box."""
    if theme_id is not None and "label" in request.form:  # _themes.html puts it in the theme's box; no more than
        # the box takes: the flash travels in the session cookie, which a browser drops when it outgrows 4 KB
        flash(request.form["label"][:themes_store.MAX_LABEL], f"theme-label-{theme_id}")
    return _back(campaign, str(NOTHING_SAVED), theme_id, problem=True)


@bp.route("/<slug>/themes/rename", methods=["POST"])
@allow(CAMPAIGN_LEAD)
@keeps_data_on_csrf_error
def rename_theme(slug: str):
    """Rename a theme."""
    campaign = current_campaign()
    if g.get("csrf_error"):
        shown = themes_store.shown_theme_id(campaign, request.form.get("theme_id"))
        return _sent_with_a_stale_token(campaign, shown)
    try:
        theme = themes_store.rename_theme(campaign, request.form.get("theme_id"), request.form.get("label", ""),
                                          actor=current_user)
    except ThemeEditError:
        return _back(campaign, _("That theme could not be renamed. Give it a name, and try again."))
    return _back(campaign, _("The theme is renamed."), theme.id)


@bp.route("/<slug>/themes/merge", methods=["POST"])
@allow(CAMPAIGN_LEAD)
@keeps_data_on_csrf_error
def merge_themes(slug: str):
    """Merge a theme into another."""
    campaign = current_campaign()
    if g.get("csrf_error"):
        shown = themes_store.shown_theme_id(campaign, request.form.get("theme_id"))
        return _sent_with_a_stale_token(campaign, shown)
    try:
        into = themes_store.merge_themes(campaign, request.form.get("theme_id"), request.form.get("into_id"),
                                         actor=current_user)
    except ThemeEditError:
        return _back(campaign, _("Those themes could not be merged. Reload the page and try again."))
    return _back(campaign, _("The themes are merged."), into.id)


@bp.route("/<slug>/themes/move", methods=["POST"])
@allow(CAMPAIGN_LEAD)
@keeps_data_on_csrf_error
def move_quote(slug: str):
    """Move a quote (its answer) to another theme."""
    campaign = current_campaign()
    if g.get("csrf_error"):  # said at the themes' heading: the quote's own theme is not known here
        return _sent_with_a_stale_token(campaign, None)
    try:
        link = themes_store.move_answer(campaign, request.form.get("answer_id"), request.form.get("theme_id"),
                                        actor=current_user)
    except ThemeEditError:
        return _back(campaign, _("That quote could not be moved. Reload the page and try again."))
    return _back(campaign, _("The quote is moved."), link.theme_id)
