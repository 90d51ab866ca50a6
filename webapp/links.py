"""Absolute links for things that leave the site: printed flyers, QR codes, reset links."""
from __future__ import annotations

from flask import current_app, has_request_context, request


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint``.

    ``PUBLIC_BASE_URL`` (e.g. ``https://survey.example.org``) wins when set, so a flyer
    printed from behind a proxy, or a link made on the command line, carries the public
    address. Otherwise the address of the current request is used; outside a request
    without ``PUBLIC_BASE_URL`` only the path can be given.
    """
    adapter = current_app.url_map.bind("localhost", url_scheme=current_app.config["PREFERRED_URL_SCHEME"])
    path = adapter.build(endpoint, values)  # without the script root; the base URL carries any prefix
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + path
    if has_request_context():
        return request.host_url.rstrip("/") + request.script_root + path
    return path
