"""What the coalition's members bring (skills, assets, languages, time) and lack, and their directory."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from webapp.access import CAMPAIGN_LEAD, allow, current_campaign
from webapp.charts import bar_chart
from webapp.coalition import bp
from webapp.coalition.lists import names_list, separated
from webapp.forms.members import COMPETENCY_SCALE, language_name, option_label, option_label_in_every_language
from webapp.i18n import right_to_left
from webapp.links import public_url
from webapp.services.flyers import qr_svg
from webapp.services.member_directory import EXPORT_HEADER, export_rows, search_directory
from webapp.services.members import (
    RESIDENT_LANGUAGE_FLAG_SHARE,
    load_members,
    resident_language_counts,
    summarize_members,
)
from webapp.services.open_answers import group_answers_by_theme
from webapp.views import csv_download, one_decimal, record_download

MAX_QUERY = 100


@bp.route("/<slug>/members")
@allow(CAMPAIGN_LEAD)
def members(slug: str):
    """The members' skills and assets, the gaps, the involvement pyramid, languages, and the directory."""
    campaign = current_campaign()
    members = load_members(campaign.id)
    summary = summarize_members(members, resident_language_counts(campaign.id))
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    form_url = public_url("survey.member_assessment", slug=campaign.slug)
    pyramid = bar_chart(
        [(option_label("involvement", level), count) for level, count in summary.pyramid],
        _("How involved members want to be"), chart_id="pyramid", centered=True, rtl=right_to_left(),
        desc=_("Members at each level, from helping lead (top) to keep me informed (bottom)."),
    )
    return render_template(
        "coalition/members.html", campaign=campaign, summary=summary, query=query,
        directory=search_directory(members, query, label=option_label_in_every_language), form_url=form_url,
        qr=qr_svg(form_url, _("QR code: scan it with your phone's camera to open the member form")),
        pyramid=pyramid, label=option_label, language_name=language_name,
        answer_groups=group_answers_by_theme(summary.answers), flag_share=float(RESIDENT_LANGUAGE_FLAG_SHARE),
        levels=[(choice.value, str(choice.label)) for choice in COMPETENCY_SCALE], one_decimal=one_decimal,
        names_list=names_list, separated=separated,
    )


@bp.route("/<slug>/members.csv")
@allow(CAMPAIGN_LEAD)
def members_csv(slug: str):
    """Every member's assessment as CSV; who they are only for members who agreed to be listed."""
    campaign = current_campaign()
    members = load_members(campaign.id)
    record_download(campaign, export="members", rows=len(members))
    return csv_download(f"{campaign.slug}-members.csv", EXPORT_HEADER, export_rows(members))
