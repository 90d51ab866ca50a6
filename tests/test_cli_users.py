"""``flask --app webapp users …``: the first admin from the command line, and friends."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_campaign
from webapp.extensions import db
from webapp.models import AuditEvent, User
from webapp.services.passwords import verify_password

PASSWORD = "a long enough passphrase"


def test_create_first_admin_with_prompted_password(runner):
    result = runner.invoke(args=["users", "create", "--role", "admin", "Admin@Example.org"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "created admin admin@example.org" in result.output
    assert PASSWORD not in result.output  # the prompt does not echo it
    user = db.session.scalar(select(User))
    assert user.role == "admin" and user.email == "admin@example.org"
    assert verify_password(user.password_hash, PASSWORD)


def test_prompt_asks_twice_and_refuses_a_mismatch(runner):
    result = runner.invoke(args=["users", "create", "--role", "admin", "a@example.org"],
                           input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0
    assert "do not match" in result.output
    assert verify_password(db.session.scalar(select(User)).password_hash, PASSWORD)


def test_password_from_stdin_for_scripts(runner):
    result = runner.invoke(args=["users", "create", "--role", "lead", "--password-stdin", "lead@example.org"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert verify_password(db.session.scalar(select(User)).password_hash, PASSWORD)


def test_password_from_file_and_campaign_assignment(runner, tmp_path):
    campaign = make_campaign(slug="north")
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    result = runner.invoke(args=["users", "create", "--role", "outreach", "--campaign", "north",
                                 "--password-file", str(secret), "worker@example.org"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.campaign_ids == {campaign.id} and verify_password(user.password_hash, PASSWORD)


def test_a_password_file_saved_by_notepad_gives_the_password_without_its_byte_order_mark(runner, tmp_path):
    secret = tmp_path / "password.txt"
    secret.write_bytes(b"\xef\xbb\xbf" + PASSWORD.encode() + b"\r\n")
    result = runner.invoke(args=["users", "create", "--role", "admin", "--password-file", str(secret), "a@example.org"])
    assert result.exit_code == 0, result.output
    assert verify_password(db.session.scalar(select(User)).password_hash, PASSWORD)


def test_a_password_file_that_is_not_utf8_is_refused_in_one_line(runner, tmp_path):
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD, encoding="utf-16")
    result = runner.invoke(args=["users", "create", "--role", "admin", "--password-file", str(secret), "a@example.org"])
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output and "Traceback" not in result.output
    assert db.session.scalar(select(User)) is None


def test_weak_password_is_refused(runner):
    result = runner.invoke(args=["users", "create", "--role", "admin", "--password-stdin", "a@example.org"],
                           input="short\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert db.session.scalar(select(User)) is None


def test_duplicate_email_and_unknown_campaign_are_refused(runner):
    args = ["users", "create", "--role", "admin", "--password-stdin", "a@example.org"]
    assert runner.invoke(args=args, input=PASSWORD + "\n").exit_code == 0
    duplicate = runner.invoke(args=args, input=PASSWORD + "\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    unknown = runner.invoke(args=["users", "create", "--role", "lead", "--campaign", "nowhere", "--password-stdin",
                                  "b@example.org"], input=PASSWORD + "\n")
    assert unknown.exit_code != 0 and "nowhere" in unknown.output


def test_cli_account_creation_is_audited_without_an_actor(runner):
    runner.invoke(args=["users", "create", "--role", "admin", "--password-stdin", "a@example.org"], input=PASSWORD + "\n")
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "user.created" and event.actor_id is None and event.detail["via"] == "cli"
    assert event.ip is None


def test_list_shows_every_account(runner):
    make_campaign(slug="north")
    runner.invoke(args=["users", "create", "--role", "admin", "--password-stdin", "a@example.org"], input=PASSWORD + "\n")
    runner.invoke(args=["users", "create", "--role", "lead", "--campaign", "north", "--password-stdin", "b@example.org"],
                  input=PASSWORD + "\n")
    result = runner.invoke(args=["users", "list"])
    assert result.output.splitlines() == ["a@example.org\tadmin\tactive\t-", "b@example.org\tlead\tactive\tnorth"]


def test_reset_link_for_a_locked_out_admin(app, runner, client):
    app.config["PUBLIC_BASE_URL"] = "https://survey.example.org/"
    runner.invoke(args=["users", "create", "--role", "admin", "--password-stdin", "a@example.org"], input=PASSWORD + "\n")
    result = runner.invoke(args=["users", "reset-link", "a@example.org"])
    assert result.exit_code == 0
    link = result.output.strip()
    assert link.startswith("https://survey.example.org/reset/")
    assert client.get(link.removeprefix("https://survey.example.org")).status_code == 200
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()[-1] == "password.reset_issued"


def test_no_reset_link_is_printed_for_a_deactivated_account(app, runner):
    from tests.factories import make_user

    make_user("gone@example.org", "lead", is_active=False)
    result = runner.invoke(args=["users", "reset-link", "gone@example.org"])
    assert result.exit_code != 0 and "/reset/" not in result.output
    assert "deactivated" in result.output and "administrator" in result.output
    assert "password.reset_issued" not in db.session.scalars(select(AuditEvent.action)).all()


def test_the_real_command_line_creates_the_first_admin(tmp_path):
    """The documented command, run as a person would, on a fresh migrated database."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, CHORUS_ENV="development", DATABASE_URL=f"sqlite:///{tmp_path / 'chorus.db'}")
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    subprocess.run(flask + ["db", "upgrade"], env=env, check=True, capture_output=True)
    result = subprocess.run(flask + ["users", "create", "--role", "admin", "--password-stdin", "first@example.org"],
                            env=env, input=PASSWORD + "\n", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = subprocess.run(flask + ["users", "list"], env=env, capture_output=True, text=True, check=True)
    assert listed.stdout.strip() == "first@example.org\tadmin\tactive\t-"


def test_run_flask_works_in_production_with_the_key_run_serve_made(tmp_path):
    """``./run flask …`` (the README's admin and backup commands) reads instance/secret_key, as ``./run serve`` does.

    Run in a copy of the checkout (the code and the installed .venv linked, the catalogs copied), so that
    its instance/ and its compiled catalogs are its own, not those the other tests are reading.
    """
    import os
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in (".venv", "webapp", "analysis", "migrations", "pyproject.toml", "wsgi.py"):
        (checkout / name).symlink_to(root / name)
    shutil.copy2(root / "run", checkout / "run")
    shutil.copytree(root / "translations", checkout / "translations", ignore=shutil.ignore_patterns("*.mo"))
    env = {name: value for name, value in os.environ.items() if name not in ("SECRET_KEY", "CHORUS_ENV")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'chorus.db'}"
    result = subprocess.run([str(checkout / "run"), "flask", "db", "upgrade"], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (checkout / "instance" / "secret_key").stat().st_mode & 0o077 == 0  # the key: its owner's alone


@pytest.mark.parametrize("args", [["users", "list"], ["users", "create", "--role", "admin", "--password-stdin",
                                                      "a@example.org"], ["data", "apply-retention"],
                                  ["data", "delete-response", "ABCD-1234-EF00"], ["analyze", "demo"]])
def test_a_command_on_a_database_not_set_up_yet_says_to_upgrade_it(tmp_path, args):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'new.db'}")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=args, input=PASSWORD + "\n")
        db.engine.dispose()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the database has no tables yet: run `./run flask db upgrade` first" in result.output, result.output
