"""Logs without the secrets some addresses carry.

A one-time password link (``/reset/<token>``) is a secret until it is used: whoever reads
it in a log can set that account's password. gunicorn's access log writes the request
line and the Referer header (which carries the page's address on every request the page
makes), so it is served through :class:`RedactingLogger`; the app's own log lines name
paths through :func:`redacted`.
"""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

#: the secret part of an address: a one-time link's token
_SECRET_IN_PATH = re.compile(r"(/reset/)[^/?#\s\"]+")


def redacted(text: str) -> str:
    """``text`` with any one-time link token replaced by ``…``."""
    return _SECRET_IN_PATH.sub(r"\1…", text)


class RedactingLogger(Logger):
    """gunicorn's logger, with one-time link tokens taken out of every access-log field
    (``--logger-class webapp.access_log.RedactingLogger``)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and "/reset/" in value:
                atoms[key] = redacted(value)
        return atoms
