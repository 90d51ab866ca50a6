"""The app factory, its configuration and the health check."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError

import webapp.survey.routes as routes
from tests.conftest import make_app
from tests.factories import ratings_for
from tests.helpers import fill_and_post, form_values
from webapp import create_app
from webapp.config import settings_from_env
from webapp.extensions import db
from webapp.services.demo import seed_demo_campaign


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CHORUS_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "America/Chicago "])
def test_an_unknown_time_zone_is_refused_at_start_not_when_a_meeting_is_added(monkeypatch, zone):
    monkeypatch.setenv("CHORUS_TIMEZONE", zone)
    with pytest.raises(RuntimeError, match="is not a time zone"):
        create_app({"CHORUS_ENV": "testing"})


def test_production_starts_with_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CHORUS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_the_served_app_leaves_what_it_loaded_out_of_garbage_collection(tmp_path):
    environment = os.environ | {"CHORUS_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    frozen = subprocess.run([sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
                            cwd=Path(__file__).resolve().parent.parent, env=environment, capture_output=True,
                            text=True, check=True).stdout
    assert int(frozen) > 10_000  # the app and the libraries it loaded


@pytest.mark.parametrize("environment", ["development", "testing"])
def test_development_and_tests_start_without_secret_key(monkeypatch, environment):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"CHORUS_ENV": environment, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"]


def test_database_url_selects_postgresql_with_psycopg3():
    settings = settings_from_env({"DATABASE_URL": "postgres://u@h/db"}, "/tmp")
    app = make_app(settings["SQLALCHEMY_DATABASE_URI"])
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert "pool_pre_ping" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]  # idle connections are pinged instead


def test_a_server_connection_closed_while_idle_is_replaced_unnoticed(app, backend, monkeypatch):
    if backend != "postgresql":
        return
    from sqlalchemy import text

    from webapp import database
    from webapp.extensions import db

    db.session.remove()
    db.engine.dispose()
    idle, other = db.engine.connect(), db.engine.connect()
    pid = idle.execute(text("SELECT pg_backend_pid()")).scalar()
    idle.close()  # back to the pool, first in line
    other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})  # as a server restart would
    other.close()
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert db.session.execute(text("SELECT pg_backend_pid()")).scalar() not in (None, pid)


def test_a_server_connection_used_moments_ago_is_not_pinged(app, backend, monkeypatch):
    if backend != "postgresql":
        return
    from sqlalchemy import text

    from webapp.extensions import db

    pings = []
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda connection: pings.append(connection) or True)
    for _ in range(3):
        db.session.execute(text("SELECT 1"))
        db.session.commit()
    assert pings == []


def test_default_database_is_sqlite_in_instance_folder():
    settings = settings_from_env({}, "/srv/chorus/instance")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/chorus/instance/chorus.db"


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_foreign_keys(app, backend):
    if backend != "sqlite":
        return
    from sqlalchemy import text

    from webapp.extensions import db

    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_factory_can_build_two_independent_apps():
    first = make_app("sqlite://", SECRET_KEY="one")
    second = make_app("sqlite://", SECRET_KEY="two")
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


def test_healthz_reports_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_database_is_unreachable(tmp_path):
    unreachable = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_healthz_reports_503_when_sqlite_file_cannot_be_opened(tmp_path):
    unreachable = make_app(f"sqlite:///{tmp_path}/missing-dir/chorus.db")
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"


def test_unexpected_error_is_a_friendly_500_without_traceback(app):
    from webapp.access import PUBLIC, allow

    @app.route("/boom")
    @allow(PUBLIC)
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "secret internals" not in html


def test_oversized_body_is_refused_with_413(client, demo):
    response = client.post("/s/demo", data={"barrier": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_pages_and_assets_are_compressed_for_slow_connections(client, demo):
    import gzip

    page = client.get("/s/demo", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<form" in gzip.decompress(page.data)
    with client.get("/static/css/chorus.css", headers={"Accept-Encoding": "gzip"}) as css:
        assert css.headers["Content-Encoding"] == "gzip" and len(css.data) < 4000


def test_residents_pages_leave_the_staff_stylesheet_to_staff_pages(client, demo):
    """Rules only staff pages use are in staff.css, which residents' phones never download."""
    survey = client.get("/s/demo").get_data(as_text=True)
    sign_in = client.get("/login").get_data(as_text=True)
    assert "/static/css/chorus.css?v=" in survey and "css/staff.css" not in survey
    assert sign_in.index("/static/css/chorus.css?v=") < sign_in.index("/static/css/staff.css?v=")


def test_database_outage_is_a_503_asking_to_retry(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/s/demo")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Please try again in a moment" in response.get_data(as_text=True)


@pytest.mark.parametrize("error, status", [
    (InterfaceError("SELECT", {}, Exception("the connection is closed"), connection_invalidated=True), 503),
    (ProgrammingError("SELECT", {}, Exception("column secret_column does not exist")), 500),
], ids=["link-broken", "bad-statement"])
def test_a_broken_database_link_is_a_503_and_any_other_database_fault_a_500(app, demo, monkeypatch, error, status):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(routes, "blank_survey_page", fail)
    response = app.test_client().get("/s/demo")
    assert response.status_code == status
    assert ("Retry-After" in response.headers) == (status == 503)
    assert "secret_column" not in response.get_data(as_text=True)


class LinkBreaks:
    """Once ``broken`` is set, the next rollback on ``app``'s engine finds the link to the
    database gone (on PostgreSQL the server really ends the session; an SQLite connection is
    closed under SQLAlchemy); ``dropped`` lists the connections SQLAlchemy then let go."""

    def __init__(self, app, monkeypatch):
        with app.app_context():
            self.engine = engine = db.engine
        self.broken, self.dropped = False, []
        rollback = engine.dialect.do_rollback

        def rollback_on_a_broken_link(dbapi_connection):
            if self.broken:
                self.broken = False
                driver = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # the pool's wrapper
                if engine.dialect.name == "postgresql":
                    with engine.connect() as other:
                        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": driver.info.backend_pid})
                else:
                    driver.close()
            rollback(dbapi_connection)

        monkeypatch.setattr(engine.dialect, "do_rollback", rollback_on_a_broken_link)
        event.listen(engine, "invalidate", lambda *args: self.dropped.append(args))


def test_a_link_that_breaks_as_the_request_ends_does_not_turn_its_answer_into_a_500(app_with, monkeypatch):
    host = app_with()  # its own app context per request, as under gunicorn
    link = LinkBreaks(host, monkeypatch)

    @host.after_request
    def server_goes_away(response):
        db.session.execute(text("SELECT 1"))  # a transaction still open as the request ends
        link.broken = True
        return response

    response = host.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"
    assert len(link.dropped) == 1 and link.engine.pool.checkedout() == 0  # let go, not leaked
    link.engine.dispose()


def test_the_answer_is_kept_when_even_the_rollback_after_a_failed_save_fails(app_with, monkeypatch):
    host = app_with()
    with host.app_context():
        demo = seed_demo_campaign()[0]
        ratings = ratings_for(demo)

    def database_gone(*args, **kwargs):
        db.session.execute(text("SELECT 1"))  # a transaction under way
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    client = host.test_client()
    client.get("/s/demo")
    LinkBreaks(host, monkeypatch).broken = True
    monkeypatch.setattr(routes, "store_priority_response", database_gone)
    response = fill_and_post(client, "/s/demo", ratings | {"change": "Keep this"})
    assert response.status_code == 503
    assert form_values(response.get_data(as_text=True))["change"] == ["Keep this"]


def test_each_function_is_checked_for_async_once(tmp_path, monkeypatch):
    import flask.app

    app = make_app(f"sqlite:///{tmp_path / 'a.db'}")
    checked = []
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda func: checked.append(func) or False)

    def hook():
        return None

    assert app.ensure_sync(hook) is hook and app.ensure_sync(hook) is hook
    assert checked == [hook]
    with app.test_client() as client:
        assert client.get("/healthz").status_code == 200
        calls = len(checked)
        assert client.get("/healthz").status_code == 200
    assert len(checked) == calls  # the second request asked about nothing new


def test_an_async_view_is_still_refused_or_wrapped_as_flask_does(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'a.db'}")

    async def view():
        return "ok"

    try:
        stock = type(Flask.ensure_sync(app, view))
    except RuntimeError:  # Flask without its async extra
        with pytest.raises(RuntimeError):
            app.ensure_sync(view)
    else:
        assert type(app.ensure_sync(view)) is stock and app.ensure_sync(view) is not view


def test_sqlite_log_is_copied_into_the_database_by_a_background_thread(tmp_path):
    import os
    import threading
    import time

    from sqlalchemy import text

    from webapp.database import WAL_BACKSTOP_PAGES, WalCheckpointer
    from webapp.extensions import db
    from webapp.services.demo import seed_demo_campaign, seed_demo_responses

    path = tmp_path / "checkpoints.db"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        with db.engine.connect() as conn:  # the commits themselves leave the log alone this long
            assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == WAL_BACKSTOP_PAGES
        size_before = os.path.getsize(path)
        campaign, _created = seed_demo_campaign()
        seed_demo_responses(campaign, 200)
        deadline = time.monotonic() + 10
        while os.path.getsize(path) <= size_before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.path.getsize(path) > size_before, "the log was not copied into the database"
        names = [thread.name for thread in threading.enumerate()]
        assert "wal-checkpointer checkpoints.db" in names
        db.engine.dispose()  # e.g. before a restore: the thread lets go of the file
        deadline = time.monotonic() + 5
        while any(t.name == "wal-checkpointer checkpoints.db" for t in threading.enumerate()):
            assert time.monotonic() < deadline, "the checkpointer did not stop"
            time.sleep(0.05)
    assert not WalCheckpointer._running.get((os.getpid(), os.path.realpath(path)))


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "99999999999999999999999"])
def test_ids_too_large_for_the_database_are_not_found(client, auth, number):
    from tests.factories import make_campaign, make_user

    make_campaign(slug="north")
    auth.login_as(make_user("admin@example.org", "admin"))
    token = form_values(client.get("/admin/users").get_data(as_text=True), None)["csrf_token"][0]
    for path in (f"/admin/users/{number}", f"/coalition/north/meetings/{number}",
                 f"/field/north/events/{number}/entry"):
        assert client.get(path).status_code == 404, path
    for path in (f"/admin/users/{number}/reset-link", f"/admin/campaigns/north/needs/{number}/retire"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert client.get("/admin/users/2147483647").status_code == 404  # the largest id is still an id


def test_a_host_name_not_trusted_is_refused_before_any_link_can_carry_it(app, client, demo):
    settings = settings_from_env({"TRUSTED_HOSTS": " Survey.Example.org, .example.NET ,"}, "/tmp")
    assert settings["TRUSTED_HOSTS"] == ["survey.example.org", ".example.net"]  # browsers send lower case
    assert settings_from_env({}, "/tmp")["TRUSTED_HOSTS"] is None  # unset: any host, as before
    app.config["TRUSTED_HOSTS"] = settings["TRUSTED_HOSTS"]
    assert client.get("/s/demo", headers={"Host": "survey.example.org"}).status_code == 200
    assert client.get("/s/demo", headers={"Host": "www.example.net"}).status_code == 200
    refused = client.get("/s/demo", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "evil.example" not in refused.get_data(as_text=True)
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["CONTACT_RETENTION_DAYS", "MAX_CONTENT_LENGTH", "CLOSING_GRACE_MINUTES",
                                  "ANALYSIS_BOOTSTRAP", "ARGON2_TIME_COST"])
def test_a_number_setting_left_empty_takes_its_default(name):
    assert settings_from_env({name: " "}, "/tmp")[name] == settings_from_env({}, "/tmp")[name]


@pytest.mark.parametrize(("name", "value"), [("CONTACT_RETENTION_DAYS", "-30"), ("MAX_CONTENT_LENGTH", "8MiB"),
                                             ("CLOSING_GRACE_MINUTES", "an hour"), ("ANALYSIS_BOOTSTRAP", "0")])
def test_a_number_setting_that_is_not_one_stops_the_app_naming_it(name, value):
    with pytest.raises(RuntimeError, match=f"^{name}={value!r} is not a"):
        settings_from_env({name: value}, "/tmp")
