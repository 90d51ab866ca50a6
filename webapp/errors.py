"""Friendly, translated error pages (and JSON for API clients)."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Callable, TypeVar

from flask import Flask, Response, current_app, flash, g, jsonify, make_response, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from gunicorn.http.errors import ParseException as UnreadableBody
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import BadHost, BadRequest, HTTPException, SecurityError

from webapp.access_log import redacted
from webapp.database import rollback_or_drop

log = logging.getLogger(__name__)
T = TypeVar("T")


#: endpoints that answer only JSON (the field sync API): their errors are JSON whatever the client accepts
JSON_ENDPOINTS = frozenset({"field.sync_responses"})


def wants_json() -> bool:
    """True for API clients (the sync API and anything asking for JSON first)."""
    if request.endpoint in JSON_ENDPOINTS:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_page(status: int, title: str, message: str):
    """Render the error page (or a JSON body) with ``status``."""
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    if isinstance(request.routing_exception, (BadHost, SecurityError)):  # a Host unreadable or not trusted: no link
        return Response(f"{title}\n\n{message}\n", status, mimetype="text/plain")
    return render_template("errors/error.html", title=title, message=message, status=status), status


def handle_http_error(error: HTTPException):
    """Known HTTP errors, in the reader's language."""
    status = error.code or 500
    if status == 404:
        return error_page(404, _("Page not found"), _("We could not find that page. Please check the link."))
    if status == 413:
        return error_page(413, _("Too much to send"), _("What you sent is too large. Please shorten your answers and try again."))
    if status == 405:
        return error_page(405, _("Not allowed"), _("This page cannot be used that way."))
    if status == 429:
        return error_page(429, _("Too many tries"), too_many_tries(error))
    if status == 401:  # only API clients get it (pages send the signed-out to the sign-in page)
        return error_page(401, _("Not allowed"), _("You are signed out. Please sign in again."))
    if status == 403:
        return error_page(403, _("Not allowed"), _("You do not have access to this page."))
    if status >= 500:
        return handle_server_error(error)
    return error_page(status, _("Something is not right"), _("We could not use what was sent. Please go back and try again."))


def too_many_tries(error: HTTPException) -> str:
    """What to tell someone over a rate limit: how long to wait, in their words (the limit that was hit
    may count tries over a minute or an hour)."""
    item = getattr(getattr(error, "limit", None), "limit", None)  # Flask-Limiter's RateLimitExceeded
    window = item.get_expiry() if item is not None else 60
    if window <= 60:
        return _("Too many tries. Please wait a minute and try again.")
    wait = format_timedelta(dt.timedelta(seconds=window), threshold=1)  # "1 hour", in the reader's language
    return _("Too many tries. Please wait %(wait)s and try again.", wait=wait)


def handle_csrf_error(error: CSRFError):
    """An expired or missing form token: forms re-show what was typed; others get a page."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "keeps_data_on_csrf_error", False):
        g.csrf_error = True
        log.info("CSRF check failed: %s", error.description)
        try:
            response = make_response(view(**(request.view_args or {})))
        except HTTPException as refused:  # the view's own no (no access, not found): raised from here, a 500
            return handle_http_error(refused)
        if getattr(view, "says_save_again", False) and response.status_code == 200:
            response.status_code = 400  # the form again, as it was sent: refused, and nothing saved
        return response
    return error_page(
        400,
        _("Please try again"),
        _("This page was open too long or came from another site. Please go back, reload the page and try again."),
    )


def database_unavailable(error: DBAPIError) -> bool:
    """Whether ``error`` means the database is down, restarting, busy or the link to it broke
    (worth sending again), rather than a fault in what was asked of it."""
    return isinstance(error, OperationalError) or error.connection_invalidated


def store_or_ask_again(store: Callable[[], T], what: str) -> T | None:
    """Run ``store`` (a submission's write) and return what it returns; when the database is
    unavailable, ask the person to press Send again and return None, so the view shows the
    form again with everything typed (with 503). Nothing is stored twice when they do."""
    try:
        return store()
    except DBAPIError as error:
        if not database_unavailable(error):
            raise
        rollback_or_drop()
        log.exception("could not store a %s; the person was asked to send again", what)
        flash(_("We could not save your answers just now. Nothing is lost: please press “Send my answers” again."), "error")
        return None


def handle_database_error(error: DBAPIError):
    """The database is down, restarting or busy: say so with 503, so clients know to retry."""
    if not database_unavailable(error):
        return handle_server_error(error)
    rollback_or_drop()
    log.error("database unavailable on %s %s: %s", request.method, redacted(request.path), error.__class__.__name__)
    response = make_response(error_page(
        503, _("Please try again"), _("We cannot reach our records right now. Please try again in a moment.")))
    response.headers["Retry-After"] = "5"
    return response


def handle_unreadable_body(error: UnreadableBody):
    """A body gunicorn could not read (a malformed chunked upload) is the client's fault: 400.

    Werkzeug turns the server's read errors it knows (OSError, ValueError) into a 400; gunicorn
    raises its own, which would otherwise be a 500 with a traceback in the log."""
    log.info("unreadable request body on %s %s: %s", request.method, redacted(request.path), error.__class__.__name__)
    return handle_http_error(BadRequest())


def handle_server_error(error):
    """Anything unexpected: log it, apologise, never show a traceback."""
    log.exception("unhandled error on %s %s", request.method, redacted(request.path), exc_info=error)
    return error_page(500, _("Something went wrong"), _("Something went wrong on our side. Please try again in a moment."))


def keeps_data_on_csrf_error(view):
    """Mark a form view that re-shows what was typed when its CSRF token has expired."""
    view.keeps_data_on_csrf_error = True
    return view


def shows_form_again_on_csrf_error(view):
    """Mark a staff form view: sent with a stale token (signed in again in another tab), its form comes back
    as it was sent, unchecked and unsaved, saying to save it again (``ChorusForm.validate_on_submit``), with 400."""
    view.says_save_again = True
    return keeps_data_on_csrf_error(view)


def init_errors(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(UnreadableBody, handle_unreadable_body)
    app.register_error_handler(Exception, handle_server_error)
