"""Fixtures for fault tests: Chorus under real gunicorn on a real database."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse

import pytest

from bench.web_harness import BIN, ROOT, chorus_env, fetch, fresh_database, gunicorn, prepare_chorus
from tests.conftest import drop_postgres_database, scratch_name

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


class SurveyClient:
    """Posts complete survey answers the way a browser would, retrying with the same UUID."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        status, headers, body = fetch(f"{base_url}/s/demo", headers={"Accept-Encoding": "identity"})
        assert status == 200
        html = body.decode()
        self.cookie = next(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("session="))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        self.needs = sorted(set(re.findall(r'name="(need_[a-z_]+)"', html)))
        self.fields = [("csrf_token", token), ("lang", "en"), ("text_language", "en"), ("website", "")]
        self.statuses: dict[int, int] = {}
        self._lock = threading.Lock()

    def body(self, client_uuid: str, importance: int) -> bytes:
        fields = self.fields + [("response_id", client_uuid)] + [(n, str(importance)) for n in self.needs]
        return urllib.parse.urlencode(fields).encode()

    def send_once(self, client_uuid: str, importance: int = 3) -> int | None:
        """One POST; its status, or None when the connection broke."""
        try:
            status, headers, _body = fetch(
                f"{self.base_url}/s/demo", method="POST", body=self.body(client_uuid, importance),
                headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"})
        except (OSError, http.client.HTTPException):  # refused, reset, or cut off mid-answer
            status = None
        else:
            if status == 302 and "/thanks" not in dict(headers).get("Location", ""):
                status = -302  # redirected somewhere else: not an acknowledgement
        with self._lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
        return status

    def submit(self, client_uuid: str, importance: int = 3, attempts: int = 60) -> bool:
        """Send until acknowledged (302 to the thank-you page); True when it was."""
        for attempt in range(attempts):
            status = self.send_once(client_uuid, importance)
            if status == 302:
                return True
            time.sleep(min(0.05 * (attempt + 1), 0.5))
        return False


class WorkerKiller(threading.Thread):
    """SIGKILLs one gunicorn worker at a time, at intervals, until stopped."""

    def __init__(self, master_pid: int, interval: float):
        super().__init__(daemon=True)
        self.master_pid, self.interval = master_pid, interval
        self.stopped = threading.Event()
        self.kills = 0

    def run(self):
        while not self.stopped.wait(self.interval):
            children = subprocess.run(["pgrep", "-P", str(self.master_pid)], capture_output=True, text=True).stdout
            pids = [int(p) for p in children.split()]
            if pids:
                try:
                    os.kill(pids[self.kills % len(pids)], signal.SIGKILL)
                    self.kills += 1
                except ProcessLookupError:
                    pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed fault test's report ends with its server's log (tracebacks are logged there):
    its beginning and its end when it is long."""
    report = yield
    log = getattr(item, "gunicorn_log_path", None)
    if report.failed and log is not None and log.exists():
        text = log.read_text(errors="replace")
        if len(text) > 20000:
            text = f"{text[:10000]}\n[…]\n{text[-10000:]}"
        report.sections.append(("gunicorn log", text))
    return report


BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
POSTGRES_ONLY = ["postgresql"] if POSTGRES_URL else []


@pytest.fixture
def served_chorus(request, tmp_path):
    """(base URL, gunicorn master pid, database URL, backend) for a fresh, seeded Chorus.

    Parametrise indirectly with the backend; ``@pytest.mark.workers(n)`` sets gunicorn's workers.
    """
    backend = request.param
    marker = request.node.get_closest_marker("workers")
    workers = marker.args[0] if marker else 2
    database_url = fresh_database(backend, tmp_path, scratch_name("chorus_faults"), server=POSTGRES_URL)
    prepare_chorus(database_url)
    log = request.node.gunicorn_log_path = tmp_path / "gunicorn.log"
    with gunicorn("wsgi:app", chorus_env(database_url), workers=workers, ready_path="/healthz",
                  log_path=log) as (url, pid):
        yield url, pid, database_url, backend
    if backend == "postgresql":
        drop_postgres_database(scratch_name("chorus_faults"))


class CookieClient:
    """A minimal browser: keeps cookies across hosts of the same site, never follows redirects."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, url: str, method: str = "GET", form: dict | None = None, json_body=None,
                headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        status, response_headers, raw = fetch(url, method=method, headers=headers, body=body)
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        return status, dict(response_headers), raw.decode("utf-8", "replace")


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def create_account(database_url: str, email: str, password: str, role: str, *campaigns: str) -> None:
    """An account made with the CLI, as an admin would."""
    options = [arg for slug in campaigns for arg in ("--campaign", slug)]
    subprocess.run([BIN / "flask", "users", "create", "--role", role, *options, "--password-stdin", email],
                   input=password + "\n", env=chorus_env(database_url), cwd=ROOT, check=True, capture_output=True,
                   text=True)


def signed_in(url: str, email: str, password: str) -> CookieClient:
    """A browser signed in as ``email`` on the host at ``url``."""
    browser = CookieClient()
    _status, _headers, html = browser.request(f"{url}/login")
    status, _headers, _body = browser.request(f"{url}/login", "POST", {
        "csrf_token": csrf_token(html), "email": email, "password": password, "next": ""})
    assert status == 302
    return browser


class FieldDevice:
    """An outreach worker's phone: signed in, at a new event of the demo campaign, syncing its queue."""

    API = "/field/demo/api/responses"

    def __init__(self, url: str, email: str, password: str):
        self.url = url
        self.browser = signed_in(url, email, password)
        _status, _headers, html = self.browser.request(f"{url}/field/demo/")
        status, headers, _body = self.browser.request(f"{url}/field/demo/", "POST", {
            "csrf_token": csrf_token(html), "name": "Pantry day", "date": "2026-11-21", "place": "Hall"})
        assert status == 302
        self.event_id = int(re.search(r"/events/(\d+)/entry", headers["Location"]).group(1))
        _status, _headers, html = self.browser.request(f"{url}/field/demo/events/{self.event_id}/entry")
        self.needs = sorted(set(re.findall(r'name="(need_[a-z_]+)"', html)))
        _status, _headers, body = self.browser.request(f"{url}/field/demo/events/{self.event_id}/status",
                                                       headers={"Accept": "application/json"})
        self.token = json.loads(body)["csrf_token"]

    def item(self, client_uuid: str, importance: int = 3) -> dict:
        """A queued response, as the entry screen keeps it."""
        return {"uuid": client_uuid, "event_id": self.event_id, "created_at": "2026-11-21T15:00:00Z",
                "fields": {need: str(importance) for need in self.needs} | {"respondent_language": "es"}}

    def sync(self, items: list[dict], url: str | None = None) -> tuple[int | None, list[str]]:
        """One POST of a batch: (status or None when the connection broke, each item's status)."""
        try:
            status, _headers, body = self.browser.request(
                (url or self.url) + self.API, "POST", json_body={"responses": items},
                headers={"Accept": "application/json", "X-CSRFToken": self.token})
        except (OSError, http.client.HTTPException):
            return None, []
        results = json.loads(body).get("results", []) if status == 200 else []
        return status, [result["status"] for result in results]

    def sync_until_confirmed(self, items: list[dict], attempts: int = 60) -> list[str]:
        """Send a batch until the server answers for every item, as the queue does; the item statuses."""
        for attempt in range(attempts):
            status, statuses = self.sync(items)
            if status == 200:
                return statuses
            time.sleep(min(0.05 * (attempt + 1), 0.5))
        return []
