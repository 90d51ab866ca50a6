"""Real-browser fixtures: the app served on loopback, Debian chromium driven by Playwright."""
from __future__ import annotations

import pathlib
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_app
from webapp.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
HERE = pathlib.Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parent.parent / "test-artifacts"
PHONE = {"width": 360, "height": 740}


class LiveServer:
    """The app on a real socket, with its own SQLite file."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo, migrated and seeded, served on loopback for the whole session."""
    from flask_migrate import upgrade

    from webapp.services.demo import seed_demo_campaign

    # every browser test signs in from 127.0.0.1: the default ten sign-ins a minute per address would
    # refuse a busy minute of them (the limit itself is tested in tests/test_login_rate_limit.py)
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('live') / 'chorus.db'}",
                   LOGIN_LIMIT_PER_ADDRESS="600 per minute")
    with app.app_context():
        upgrade()
        seed_demo_campaign()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh page the size of a small phone (360 × 740)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts() -> pathlib.Path:
    """Where screenshots are kept after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
    """Run axe-core in ``page``; return its WCAG violations (empty when the page passes)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        list(tags),
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing overflows)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


STAFF_PASSWORD = "correct horse battery staple"


def staff_account(live_server, email: str, role: str = "admin") -> None:
    """Make a staff account in the live server's database (once per session)."""
    from sqlalchemy import select

    from tests.factories import make_user
    from webapp.models import User

    with live_server.app.app_context():
        if db.session.scalar(select(User).where(User.email == email)) is None:
            make_user(email=email, role=role, password=STAFF_PASSWORD)
        db.session.remove()


def sign_in(page, live_server, email: str) -> None:
    """Sign in through the login page, as a person would."""
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
