"""The campaigns list every admin and lead starts from."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from webapp.access import LEADS, allow
from webapp.admin import bp
from webapp.services.accounts import campaigns_for
from webapp.services.campaign_edits import content_completeness


@bp.route("/")
@allow(LEADS)
def index():
    """The campaigns this account manages, with how complete each language is."""
    campaigns = campaigns_for(current_user)
    completeness = {campaign.id: content_completeness(campaign) for campaign in campaigns}
    return render_template("admin/index.html", campaigns=campaigns, completeness=completeness)
