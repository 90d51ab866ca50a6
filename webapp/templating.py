"""What every template can use: the page language, the switcher, asset URLs."""
from __future__ import annotations

import hashlib
import os
from urllib.parse import urlencode

from babel.lists import format_list as babel_format_list
from flask import Flask, g, request, url_for
from flask_babel import format_date, format_datetime, format_number, format_percent, get_locale
from markupsafe import Markup
from werkzeug.urls import iri_to_uri

from webapp.config import MAX_TEXT_LENGTH
from webapp.i18n import LANGUAGES, current_language, offered_languages, remember_language


def _asset_versions(app: Flask) -> dict[str, str]:
    """A short content hash per static file, so assets can be cached for a year."""
    versions = {}
    for folder, _dirs, files in os.walk(app.static_folder):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()[:10]
            versions[os.path.relpath(path, app.static_folder).replace(os.sep, "/")] = digest
    return versions


def switcher_url(code: str) -> str:
    """This page in language ``code``: same path, same query, new ?lang=.

    Made from the request's own path, not ``url_for``, whose arguments a query could
    clash with (``?endpoint=``, ``?slug=`` on a page whose URL names one, ``?_anchor=``).
    """
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"] + [("lang", code)]
    return iri_to_uri(request.script_root + request.path) + "?" + urlencode(query)


def format_list(items, style: str = "standard") -> str:
    """Items joined as the reader's language joins a list ("a, b, and c"; "a، b وc"; "a、b和c"), or
    alternatives with ``style="or"`` ("a, b, or c")."""
    return babel_format_list([str(item) for item in items], style=style, locale=get_locale())


def _close_streamed_files(response):
    """Flask-Compress wraps a streamed file in a generator and never closes the file: close it."""
    if response.is_streamed and hasattr(response.response, "close"):
        response.call_on_close(response.response.close)
    return response


def init_templating(app: Flask) -> None:
    """Register context processors, the asset helper and the language cookie hook."""
    versions = _asset_versions(app)

    def asset(filename: str) -> str:
        return url_for("static", filename=filename, v=versions.get(filename, "0"))

    app.extensions["asset_url"] = asset  # for views that list assets (the field service worker)

    @app.context_processor
    def page_context():
        return {
            "language": current_language(),
            "switcher_languages": [LANGUAGES[code] for code in offered_languages()],
            "switcher_url": switcher_url,
            "asset": asset,
            "campaign": g.get("campaign"),
        }

    app.jinja_env.globals.update(
        format_number=format_number, format_date=format_date, format_datetime=format_datetime,
        format_percent=format_percent, format_list=format_list, max_text_length=MAX_TEXT_LENGTH, languages=LANGUAGES,
    )
    app.jinja_env.globals["reload_as"] = reload_as
    app.jinja_env.globals["written_in"] = written_in
    app.jinja_env.filters["ltr"] = left_to_right
    app.after_request(remember_language)
    app.after_request(_close_streamed_files)  # registered after Compress: runs before it


def reload_as(url: str) -> Markup:
    """`` data-reload-as="URL"`` for a form on a page that answers the form sent (a language switched, a problem
    to fix), else nothing. survey.js makes ``url`` the page's address in the browser's history, so that Back or
    reload asks for the form afresh instead of the browser's "Confirm form resubmission" page."""
    return Markup(' data-reload-as="%s"') % url if request.method == "POST" else Markup("")


def written_in(code: str) -> Markup:
    """`` lang="…" dir="…"`` for text written in language ``code`` when the page is in another one, else nothing:
    a meeting's title a lead wrote in Spanish is read with a Spanish voice on an English page."""
    written = LANGUAGES.get(code)
    if written is None or written.code == current_language().code:
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (written.html_lang, written.direction)


def left_to_right(text) -> Markup:
    """``text`` (escaped) isolated and laid out left to right: an e-mail address or a link stays whole
    and in order inside a right-to-left sentence (``{{ user.email|ltr }}``)."""
    return Markup('<bdi dir="ltr">%s</bdi>') % text
