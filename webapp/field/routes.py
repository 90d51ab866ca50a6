"""Field pages: the campaign's events, the rapid-entry screen, its status, and the service worker."""
from __future__ import annotations

import hashlib
import json
import uuid

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from webapp.access import CAMPAIGN_FIELD, PUBLIC, allow, current_campaign
from webapp.errors import shows_form_again_on_csrf_error
from webapp.field import bp
from webapp.field.items import field_form, store_item
from webapp.forms.events import EventForm
from webapp.forms.fields import parse_uuid
from webapp.forms.priority import IMPORTANCE_CHOICES
from webapp.i18n import choose_language
from webapp.services.campaigns import campaign_snapshot, survey_content
from webapp.services.field import (
    MAX_BATCH,
    create_event,
    event_paper_numbers,
    event_response_count,
    events_of,
    find_event,
)
from webapp.survey.routes import submission_from_form
from webapp.survey.sent_here import remember_sent, sent_before
from webapp.views import error_summary

#: the static files the entry screen needs offline (the service worker keeps them)
OFFLINE_ASSETS = ("css/chorus.css", "css/staff.css", "js/survey.js", "js/field/queue.js", "js/field/draft.js",
                  "js/field/sender.js", "js/field/entry.js")


@bp.route("/<slug>/", methods=["GET", "POST"])
@allow(CAMPAIGN_FIELD)
@shows_form_again_on_csrf_error
def events(slug: str):
    """The campaign's events to pick from, and a form to start a new one."""
    campaign = current_campaign()
    form = EventForm()
    if form.validate_on_submit():
        event = create_event(campaign, name=form.name.data, date=form.date.data, place=form.place.data,
                             actor=current_user)
        return redirect(url_for("field.entry", slug=slug, event_id=event.id))
    status = 422 if form.errors else 200
    return render_template("field/events.html", campaign=campaign, form=form, events=events_of(campaign.id),
                           errors=error_summary(form)), status


def _event_or_404(campaign_id: int, event_id: int):
    event = find_event(campaign_id, event_id)
    if event is None:
        abort(404)
    return event


@bp.route("/<slug>/events/<int:event_id>/entry", methods=["GET", "POST"])
@allow(CAMPAIGN_FIELD)
def entry(slug: str, event_id: int):
    """The rapid-entry screen. With JavaScript it queues offline; without, it posts here."""
    campaign = campaign_snapshot(slug)
    event = _event_or_404(campaign.id, event_id)
    content = survey_content(campaign, choose_language())
    form = field_form(campaign, content)
    status = 200
    if request.method == "POST":
        # no check of the paper number first: a form sent again (its answer lost on a bad connection) is already
        # stored with that number, and store_item tells a resend of it from another response with the same number
        if form.validate():
            client_uuid = parse_uuid(form.response_id.data) or uuid.uuid4()
            # Back, then Save again, brings these answers under a new identifier (see survey.sent_here); with
            # a paper number, the number already entered for the event tells it
            answers = submission_from_form(form, form.respondent_language.data).content_hash(campaign.slug)
            if not form.paper() and not form.send_again.data and sent_before(answers, client_uuid):
                form.send_again.data = "1"
                flash(_("This response was not saved: the same answers were just saved on this device. If they "
                        "are another person's answers, press “Save and start the next one” again."), "error")
                return _entry_page(campaign, event, form, content, status=200)
            item = {"uuid": str(client_uuid), "event_id": event.id, "fields": request.form.to_dict(flat=False)}
            result = store_item(campaign, item, current_user)
            if result.status in ("stored", "duplicate"):
                flash(_("Saved. The form is ready for the next response.") if result.status == "stored" else
                      _("This response was already saved. The form is ready for the next response."), "info")
                # the next person often answers in the same language
                return remember_sent(redirect(url_for("field.entry", slug=slug, event_id=event.id,
                                                      answered_in=form.respondent_language.data)),
                                     answers, client_uuid)
            for name, message in result.errors.items():
                if name in form:
                    form[name].errors = [message]
                else:
                    flash(message, "error")
        status = 422
    else:
        form.response_id.data = str(uuid.uuid4())
        answered_in = request.args.get("answered_in")
        if answered_in in campaign.languages:  # the last response's: the form starts from it (and the written-in
            form.respondent_language.data = answered_in  # language, left as it comes, follows whatever is chosen)
    return _entry_page(campaign, event, form, content, status)


def _entry_page(campaign, event, form, content, status: int):
    return render_template(
        "field/entry.html", campaign=campaign, event=event, form=form, content=content,
        errors=error_summary(form), count=event_response_count(event.id),
        paper_numbers=event_paper_numbers(event.id), max_batch=MAX_BATCH,
        scale=[(choice.value, str(choice.label)) for choice in IMPORTANCE_CHOICES],
    ), status


@bp.route("/<slug>/events/<int:event_id>/status")
@allow(CAMPAIGN_FIELD)
def event_status(slug: str, event_id: int):
    """JSON for the entry screen: a fresh form token, the event's count and its paper numbers."""
    campaign = campaign_snapshot(slug)
    event = _event_or_404(campaign.id, event_id)
    return jsonify({"csrf_token": generate_csrf(), "count": event_response_count(event.id),
                    "paper_numbers": event_paper_numbers(event.id)})


@bp.route("/sw.js")
@allow(PUBLIC)
def service_worker():
    """The field service worker (scope /field/): it keeps the entry screen and its assets offline.

    Only field pages register it; its cache name changes whenever an asset does.
    """
    asset = current_app.extensions["asset_url"]
    urls = [asset(name) for name in OFFLINE_ASSETS]
    version = hashlib.sha256(json.dumps(urls).encode()).hexdigest()[:12]
    with current_app.open_resource("static/js/field/sw.js") as handle:
        script = handle.read().decode("utf-8")
    script = script.replace("__ASSETS__", json.dumps(urls)).replace("__VERSION__", version)
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/field/"
    return response
