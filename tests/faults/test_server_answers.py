"""What gunicorn answers itself, before the app sees a request, carries the security headers too."""
from __future__ import annotations

import socket
import urllib.parse

import pytest

from bench.web_harness import chorus_env, gunicorn

UNREADABLE = {
    "a header with no colon": (b"GET /s/demo HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400),
    "a request line that is not HTTP": (b"GET /s/demo <script>alert(1)</script>\r\n\r\n", 400),
    "an address too long": (b"GET /s/demo?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    "too many headers": (b"GET /s/demo HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120))
                         + b"\r\n", 431),
}


def raw_exchange(base_url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    address = urllib.parse.urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    return int(status_line.split()[1]), headers, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Chorus under gunicorn as deployed; these requests never reach the app or its (empty) database."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('server')}/chorus.db"
    with gunicorn("wsgi:app", chorus_env(database_url), ready_path="/healthz") as (url, _pid):
        yield url


@pytest.mark.parametrize("case", UNREADABLE)
def test_requests_the_server_cannot_read_get_its_own_answer_with_the_security_headers(server, case):
    request, status = UNREADABLE[case]
    answered, headers, body = raw_exchange(server, request)
    assert answered == status
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "same-origin"
    assert headers["content-type"] == "text/plain; charset=utf-8"  # what was sent is echoed as words, never markup
    assert int(headers["content-length"]) == len(body)
