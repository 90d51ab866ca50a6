"""Downloads of a campaign's raw data (CSV per table, or one XLSX), streamed and audited."""
from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from webapp.access import CAMPAIGN_LEAD, allow, current_campaign
from webapp.coalition import bp
from webapp.services.response_exports import COLUMNS, TABLE_NAMES, TABLES, table_rows, write_xlsx
from webapp.views import csv_download, record_download

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _include_contact() -> bool:
    """Whether personal contact fields were asked for: admins only (anyone else gets 403)."""
    wanted = request.args.get("include_contact") == "1"
    if wanted and not current_user.is_admin:
        abort(403)
    return wanted


@bp.route("/<slug>/exports")
@allow(CAMPAIGN_LEAD)
def exports(slug: str):
    """The downloads: each table as CSV, everything as XLSX, contact fields for admins."""
    return render_template("coalition/exports.html", campaign=current_campaign(), tables=TABLES,
                           table_names=TABLE_NAMES)


@bp.route("/<slug>/export.csv")
@allow(CAMPAIGN_LEAD)
def export_csv(slug: str):
    """One table as CSV (UTF-8 with BOM), streamed: ?table=responses|ratings|answers|members|codebook."""
    campaign = current_campaign()
    table = request.args.get("table", "responses")
    if table not in TABLES:
        abort(404)
    include_contact = _include_contact()
    record_download(campaign, export=f"responses-{table}", format="csv", include_contact=include_contact)
    header, rows = table_rows(campaign, table, include_contact)
    holds_contact = include_contact and any(column.contact for column in COLUMNS.get(table, ()))  # members
    return csv_download(f"{_file_stem(campaign, table, holds_contact)}.csv", header, rows)


@bp.route("/<slug>/export.xlsx")
@allow(CAMPAIGN_LEAD)
def export_xlsx(slug: str):
    """Every table and the codebook as sheets of one XLSX file, streamed from a temporary file."""
    campaign = current_campaign()
    include_contact = _include_contact()
    disposition = f'attachment; filename="{_file_stem(campaign, "all", include_contact)}.xlsx"'
    if request.method == "HEAD":  # what the download would be; the workbook is not written (nor its length known)
        return Response(iter(()), mimetype=XLSX_TYPE, headers={"Content-Disposition": disposition})
    record_download(campaign, export="responses-all", format="xlsx", include_contact=include_contact)
    handle = write_xlsx(campaign, include_contact)

    def chunks():
        try:
            while block := handle.read(64 * 1024):
                yield block
        finally:
            handle.close()

    response = Response(stream_with_context(chunks()), mimetype=XLSX_TYPE)
    # a client gone before the first block never starts chunks(), so its finally never runs
    response.call_on_close(handle.close)
    response.headers["Content-Disposition"] = disposition
    return response


def _file_stem(campaign, what: str, include_contact: bool) -> str:
    """A download's name: the campaign, what it holds, and a warning when it holds contact details."""
    return f"{campaign.slug}-{what}{'-with-contacts' if include_contact else ''}"
