"""A lead's theme edits from the summary page: rename, merge, move a quote (POST, then back)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import CAMPAIGN_LEAD, allow, current_campaign
from webapp.coalition import bp
from webapp.services import themes_store
from webapp.services.themes_store import ThemeEditError


def _back(campaign, anchor: str | None = None):
    return redirect(url_for("coalition.summary", slug=campaign.slug, _anchor=anchor or "themes-title"))


@bp.route("/<slug>/themes/rename", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def rename_theme(slug: str):
    """Rename a theme."""
    campaign = current_campaign()
    try:
        theme = themes_store.rename_theme(campaign, request.form.get("theme_id"), request.form.get("label", ""),
                                          actor=current_user)
    except ThemeEditError:
        flash(_("That theme could not be renamed. Give it a name, and try again."), "error")
        return _back(campaign)
    flash(_("The theme is renamed."), "info")
    return _back(campaign, f"theme-{theme.id}")


@bp.route("/<slug>/themes/merge", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def merge_themes(slug: str):
    """Merge a theme into another."""
    campaign = current_campaign()
    try:
        into = themes_store.merge_themes(campaign, request.form.get("theme_id"), request.form.get("into_id"),
                                         actor=current_user)
    except ThemeEditError:
        flash(_("Those themes could not be merged. Reload the page and try again."), "error")
        return _back(campaign)
    flash(_("The themes are merged."), "info")
    return _back(campaign, f"theme-{into.id}")


@bp.route("/<slug>/themes/move", methods=["POST"])
@allow(CAMPAIGN_LEAD)
def move_quote(slug: str):
    """Move a quote (its answer) to another theme."""
    campaign = current_campaign()
    try:
        link = themes_store.move_answer(campaign, request.form.get("answer_id"), request.form.get("theme_id"),
                                        actor=current_user)
    except ThemeEditError:
        flash(_("That quote could not be moved. Reload the page and try again."), "error")
        return _back(campaign)
    flash(_("The quote is moved."), "info")
    return _back(campaign, f"theme-{link.theme_id}")
