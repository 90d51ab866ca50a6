"""Security headers on every response."""
from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


#: (lowercase name, the header) of each header, without HSTS and with it
_PLAIN = tuple((name.lower(), (name, value)) for name, value in SECURITY_HEADERS)
_SECURE = (*_PLAIN, (HSTS[0].lower(), HSTS))


class SecurityHeaders:
    """WSGI middleware: strict CSP (no inline script or style), no framing, no sniffing, HSTS
    behind TLS, on every response the app sends (error pages included).

    A view may set its own value of any of them (a stricter CSP, say); that one is kept.
    Added to the header list the app hands the server, which costs a small fraction of what
    setting them on each Flask response object does.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        secure = environ.get("wsgi.url_scheme") in ("https", "wss")  # as Werkzeug's request.is_secure

        def start_with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(header for name, header in (_SECURE if secure else _PLAIN) if name not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def init_security(app: Flask) -> None:
    """Wrap the app in the header middleware (inside ProxyFix, which tells it about TLS)."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
