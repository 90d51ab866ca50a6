"""Shared fixtures: the app on a real database (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), a client, a CLI runner and data factories."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

import hypothesis
import pytest
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from webapp import create_app
from webapp.extensions import db

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")

#: CI (``.ci/run``) fuzzes with the same examples every run, so that a red build is a change's
#: doing; ``./run test`` draws new examples each time and finds more
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


class ServerTurns:
    """Turns on the PostgreSQL server shared by every test process (pytest-xdist's workers, or a
    second run): tests that use it share it, and a test that restarts it waits until it has it
    alone. Readers wait at a gate the restart holds while it waits, so they cannot starve it."""

    def __init__(self, url: str):
        base = Path(tempfile.gettempdir()) / f"chorus-tests-{hashlib.sha256(url.encode()).hexdigest()[:16]}"
        self.gate, self.lock = base.with_suffix(".gate"), base.with_suffix(".lock")

    @contextlib.contextmanager
    def shared(self):
        with self.gate.open("a") as gate, self.lock.open("a") as lock:
            fcntl.flock(gate, fcntl.LOCK_EX)
            fcntl.flock(lock, fcntl.LOCK_SH)
            fcntl.flock(gate, fcntl.LOCK_UN)
            yield  # closing the file releases the lock

    @contextlib.contextmanager
    def alone(self):
        with self.gate.open("a") as gate, self.lock.open("a") as lock:
            fcntl.flock(gate, fcntl.LOCK_EX)
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


POSTGRES_TURNS = ServerTurns(POSTGRES_URL) if POSTGRES_URL else None


@pytest.fixture(autouse=True)
def postgres_turn(request):
    """A PostgreSQL test shares the server; one marked ``restarts_postgres`` has it alone."""
    if POSTGRES_TURNS is None or "[postgresql" not in request.node.nodeid:
        yield
        return
    alone = request.node.get_closest_marker("restarts_postgres") is not None
    with (POSTGRES_TURNS.alone() if alone else POSTGRES_TURNS.shared()):
        yield


def postgres_url(database: str | None = None) -> str:
    """TEST_DATABASE_URL in SQLAlchemy's psycopg form, optionally for another database."""
    url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    if database:
        url = url.rsplit("/", 1)[0] + "/" + database
    return url


def scratch_name(base: str) -> str:
    """A PostgreSQL database name private to this test run, so concurrent runs never collide."""
    return f"{base}_{os.getpid()}"


def create_postgres_database(name: str) -> str:
    """(Re)create the empty database ``name`` on the TEST_DATABASE_URL server; return its URL."""
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return postgres_url(name)


def drop_postgres_database(name: str) -> None:
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory across the tests' apps: each test makes its own app,
    and compiling every template afresh for each was a third of the suite's time. Jinja checks
    each entry against its template's source, so an edited template is compiled again."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecodeCache()


def make_app(database_url: str, **overrides):
    """An app for tests on ``database_url`` (its templates compiled once for the whole run)."""
    config = {
        "CHORUS_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATES
    return app


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """Compile the .po catalogs the app reads (./run does it too; this keeps plain pytest honest)."""
    from webapp.i18n_catalogs import compile_catalogs

    compile_catalogs()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A migrated, empty database for the whole session, one per backend (on PostgreSQL, a
    database of this run's own on the TEST_DATABASE_URL server)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'chorus-test.db'}"
        migrate(url)
    else:
        name = scratch_name("chorus_test")
        with POSTGRES_TURNS.shared():
            url = create_postgres_database(name)
            migrate(url)

        def drop():
            with POSTGRES_TURNS.shared():
                drop_postgres_database(name)

        request.addfinalizer(drop)
    return url


def migrate(url: str) -> None:
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()


@pytest.fixture
def backend(database_url) -> str:
    """'sqlite' or 'postgresql'."""
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def app(database_url):
    """The app with an empty database; data is removed again after the test."""
    app = make_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def app_with(database_url):
    """Make apps with extra settings on the test database (each its own "host"); emptied afterwards."""
    made = []

    def build(**overrides):
        made.append(make_app(database_url, **overrides))
        return made[-1]

    yield build
    if made:
        with made[0].app_context():
            db.session.remove()
            empty_tables()
            db.engine.dispose()
        for other in made[1:]:
            with other.app_context():
                db.engine.dispose()


def empty_tables() -> None:
    """Delete every row of every table (children first); on PostgreSQL, ids start at 1 again.

    DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for every
    table and index (a tenth of a second per test)."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            sequences = conn.execute(text("SELECT sequence_name FROM information_schema.sequences")).scalars()
            conn.execute(text("; ".join([*(f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)),
                                         *(f'ALTER SEQUENCE "{name}" RESTART' for name in sequences)])))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real pages (flaskr's helper), or straight into the session."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password=None, follow_redirects=False, **kwargs):
        """Sign in with the login form, as a person would."""
        from tests.factories import PASSWORD
        from tests.helpers import fill_and_post

        return fill_and_post(
            self.client, "/login", {"email": email, "password": password or PASSWORD},
            form_id="login", follow_redirects=follow_redirects, **kwargs,
        )

    def login_as(self, user):
        """Put ``user`` in the session without the password check (fast; for access tests)."""
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    def logout(self):
        from tests.helpers import form_values

        page = self.client.get("/staff/")
        token = form_values(page.get_data(as_text=True), None)["csrf_token"][0]
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def lead(campaign, auth):
    """A coalition lead of the test module's ``campaign``, signed in."""
    from tests.factories import make_user

    user = make_user("lead@example.org", "lead", campaigns=[campaign])
    auth.login_as(user)
    return user


@pytest.fixture
def demo(app):
    """The demo campaign, seeded."""
    from webapp.services.demo import seed_demo_campaign

    campaign, _created = seed_demo_campaign()
    return campaign


# --- CI guard: the PostgreSQL tests must run, and nothing may be skipped -----------------

_postgres_passed = 0


def pytest_runtest_logreport(report):
    global _postgres_passed
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _postgres_passed += 1


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller sees every report and decides
    if os.environ.get("CHORUS_REQUIRE_POSTGRES") and _postgres_passed == 0 and exitstatus == 0:
        print("\nCHORUS_REQUIRE_POSTGRES is set but no PostgreSQL test passed: failing the run.")
        session.exitstatus = 1
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CHORUS_NO_SKIPS") and skipped and session.exitstatus == 0:
        print(f"\nCHORUS_NO_SKIPS is set and {skipped} test(s) were skipped: failing the run.")
        session.exitstatus = 1
