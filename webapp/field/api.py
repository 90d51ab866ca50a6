"""The exactly-once sync API, and the page that uploads an exported queue file through it.

``POST /field/<slug>/api/responses`` takes ``{"responses": [item, …]}`` (or one item on its
own; see ``webapp.field.items`` for an item). Every item gets a result
``{"uuid", "status": "stored"|"duplicate"|"conflict"|"invalid", "errors": {field: message}}``.

Status codes: a batch always answers 200 with the per-item results (the client acts on each
item; a batch where everything conflicts is still 200). A single item POSTed on its own
answers like a form would: 200 stored or duplicate, 409 conflict, 422 invalid. 400 for a
body that is not JSON, 413 for more than ``MAX_BATCH`` items, 401 (JSON) when the session
has expired, 400 with ``"csrf": true`` when the form token is stale (fetch a fresh one from
the event's status URL and send again).
"""
from __future__ import annotations

import json

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import ValidationError

from webapp.access import CAMPAIGN_FIELD, allow
from webapp.errors import handle_http_error
from webapp.extensions import csrf
from webapp.field import bp
from webapp.field.items import ItemResult, as_posted, field_form, store_items
from webapp.forms.events import QueueFileForm
from webapp.forms.fields import parse_uuid
from webapp.forms.priority import need_field_name
from webapp.i18n import choose_language
from webapp.services.campaigns import campaign_snapshot, survey_content
from webapp.services.data_protection import reference_code
from webapp.services.field import MAX_BATCH
from webapp.views import error_summary

SINGLE_ITEM_STATUS = {"stored": 200, "duplicate": 200, "conflict": 409, "invalid": 422}
#: the largest queue file the upload page or batch the sync API takes: MAX_BATCH responses whose
#: every answer is at its longest in a non-Latin script still fit (other requests keep MAX_CONTENT_LENGTH)
MAX_UPLOAD_BYTES = MAX_BATCH * 16 * 1024
#: the routes that take many responses in one request
_QUEUE_ENDPOINTS = frozenset({"field.upload", "field.sync_responses"})


def _error(message: str, status: int, **extra):
    return jsonify({"error": message, "status": status, **extra}), status


def items_of(body) -> tuple[list | None, bool]:
    """The items a sync request or a queue file carries, and whether it was a single item."""
    if isinstance(body, dict) and "responses" in body:
        items = body["responses"]
        return (items if isinstance(items, list) else None), False
    if isinstance(body, dict):
        return [body], True
    if isinstance(body, list):
        return body, False
    return None, False


@bp.route("/<slug>/api/responses", methods=["POST"])
@csrf.exempt  # checked below, after the sign-in check, so an expired session answers 401, not 400
@allow(CAMPAIGN_FIELD)
def sync_responses(slug: str):
    """Store a batch (or one) of queued responses exactly once; per-item results."""
    try:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        return _error(_("This page's form token is out of date. Sending again with a fresh one."), 400, csrf=True)
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested too deeply to parse; not a ValueError, so not silenced
        body = None
    items, single = items_of(body)
    if items is None:
        return _error(_("Please send the responses as JSON."), 400)
    if len(items) > MAX_BATCH:
        return _error(_("Please send at most %(count)d responses at a time.", count=MAX_BATCH), 413)
    results = [result.as_json() for result in store_items(campaign_snapshot(slug), items, current_user)]
    status = SINGLE_ITEM_STATUS[results[0]["status"]] if single else 200
    return jsonify({"results": results}), status


@bp.url_value_preprocessor
def _room_for_queue_files(endpoint: str | None, _values) -> None:
    """Let the upload page take a whole exported file, and the sync API a whole batch: a 413 there would
    stop every later send too (this runs before the CSRF check reads the body)."""
    if endpoint in _QUEUE_ENDPOINTS:
        request.max_content_length = max(MAX_UPLOAD_BYTES, current_app.config.get("MAX_CONTENT_LENGTH") or 0)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    """A file too large for the upload page is reported on the page; elsewhere the usual 413."""
    if request.endpoint != "field.upload" or not current_user.is_authenticated:
        return handle_http_error(error)
    form = QueueFileForm(formdata=None)
    form.queue_file.errors = [_("This file is too large. Please upload at most %(count)d responses at a time.",
                                count=MAX_BATCH)]
    return render_template("field/upload.html", form=form, rows=None, summary=None, labels={},
                           errors=error_summary(form)), 413


def _paper_number(item) -> str | None:
    """The paper form number an uploaded item carries, as typed (to find the form again), or None."""
    fields = item.get("fields") if isinstance(item, dict) else None
    number = fields.get("paper_number") if isinstance(fields, dict) else None
    if isinstance(number, list) and number:  # the entry screen saves every field as a list, as a form posts it
        number = number[0]
    if not isinstance(number, str):
        return None
    return as_posted(number).strip() or None


#: the most characters of a sent identifier that is no UUID the upload results show (a reference code's length)
REFERENCE_SHOWN = 14


def _reference(result: ItemResult) -> str:
    """How the upload results name a response: its short reference code (the start of its UUID), or,
    for an identifier that is no UUID, its first characters as sent."""
    client_uuid = parse_uuid(result.uuid) if isinstance(result.uuid, str) else None
    if client_uuid is not None:  # with non-breaking hyphens: on a phone the code never splits over two lines
        return reference_code(client_uuid).replace("-", "\u2011")
    shown = str(result.uuid or "").strip()
    return shown if len(shown) <= REFERENCE_SHOWN else shown[:REFERENCE_SHOWN - 1] + "…"


def _problem_labels(campaign) -> dict[str, str]:
    """What the upload results call each field with a problem: its question, in the page's language."""
    content = survey_content(campaign, choose_language())
    form = field_form(campaign, content)
    labels = {field.name: str(field.label.text) for field in form}
    labels.update({need_field_name(key): str(name) for key, name in form.need_names.items()})  # unlabelled fields
    labels.update({need_field_name(key): name for key, name in content.retired_names.items()})
    return {**labels, "uuid": _("Response"), "item": _("Response"), "event_id": _("Event"), "fields": _("Answers")}


@bp.route("/<slug>/upload", methods=["GET", "POST"])
@allow(CAMPAIGN_FIELD)
def upload(slug: str):
    """Upload a file of waiting responses exported from an entry screen; each is stored once."""
    form = QueueFileForm()
    items, results = None, None
    if form.validate_on_submit():
        try:
            # bytes, so that a file saved again by an editor (UTF-8 with a BOM, UTF-16) still reads
            body = json.loads(form.queue_file.data.read())
        except (UnicodeDecodeError, ValueError, RecursionError):
            body = None
        items, _single = items_of(body)
        if items is None:
            form.queue_file.errors.append(_("This file is not an export of waiting responses. Choose the file "
                                            "the entry screen saved (its name begins with chorus-) and upload it."))
        elif not items:
            form.queue_file.errors.append(_("This file has no responses in it: nothing was waiting when it was saved."))
        elif len(items) > MAX_BATCH:
            form.queue_file.errors.append(_("Please upload at most %(count)d responses at a time.", count=MAX_BATCH))
        else:
            results = store_items(campaign_snapshot(slug), items, current_user)
    status = 422 if form.errors else 200
    summary, rows, labels = None, None, {}
    if results is not None:
        summary = {name: sum(1 for r in results if r.status == name) for name in ("stored", "duplicate", "conflict", "invalid")}
        rows = [(result, _paper_number(item), _reference(result)) for result, item in zip(results, items)]
        if summary["invalid"] or summary["conflict"]:
            labels = _problem_labels(campaign_snapshot(slug))
    return render_template("field/upload.html", form=form, rows=rows, summary=summary, labels=labels,
                           errors=error_summary(form)), status
