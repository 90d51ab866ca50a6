"""How gunicorn serves Chorus: ``gunicorn --config python:webapp.serving wsgi:app``.

Besides the settings below (options on the command line win over them), it gives
gunicorn's own answers the app's security headers. gunicorn answers some requests itself,
before the app sees them: a request line or header it cannot parse (400), an address too
long (414), too many or too large headers (431). It writes those as bare HTML with no
security headers; here they are plain text with a policy that allows nothing.
"""
from __future__ import annotations

from gunicorn import util

from webapp.security import SECURITY_HEADERS

preload_app = True  #: the app is loaded once, before the workers fork (see webapp.database on pools)
control_socket_disable = True
logger_class = "webapp.access_log.RedactingLogger"  #: keeps one-time links out of the access log

#: for a page that is only words: nothing may load, run or frame it
ERROR_PAGE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
_ERROR_HEADERS = "".join(
    f"{name}: {ERROR_PAGE_POLICY if name == 'Content-Security-Policy' else value}\r\n"
    for name, value in SECURITY_HEADERS
)


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, as plain text with the security headers."""
    body = f"{reason}\n{mesg}\n".encode("utf-8", "replace")
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n{_ERROR_HEADERS}\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


def post_fork(server, worker) -> None:  # a gunicorn server hook: runs in each worker as it starts
    util.write_error = write_error
