"""Flask command-line commands (``flask --app webapp …``)."""
from __future__ import annotations

import functools
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.models import ROLES


def needs_tables(command):
    """A command that reads or writes the app's tables: on a database not set up yet, it says how to set
    it up rather than fail on its first query with a traceback."""
    @functools.wraps(command)
    def checked(*args, **kwargs):
        from sqlalchemy import inspect

        from webapp.extensions import db

        if not inspect(db.engine).has_table("alembic_version"):
            raise click.ClickException("the database has no tables yet: run `./run flask db upgrade` first")
        return command(*args, **kwargs)

    return checked


@click.command("seed-demo")
@click.option("--responses", default=0, show_default=True, help="also store this many sample responses")
@click.option("--analyze/--no-analyze", default=True, show_default=True,
              help="compute the summary after seeding (when there is none yet or responses were added)")
@needs_tables
def seed_demo_command(responses, analyze):
    """Load the demo campaign (slug 'demo') and sample responses; re-running adds nothing twice."""
    from webapp.services.demo import seed_demo_campaign, seed_demo_responses

    campaign, created = seed_demo_campaign()
    state = "created" if created else "already present"
    click.echo(f"demo campaign '{campaign.slug}' {state}: {len(campaign.needs)} needs")
    if responses:
        added = seed_demo_responses(campaign, responses)
        click.echo(f"sample responses: {added} added, {responses - added} already there")
    if analyze and responses:
        from webapp.services.analysis_runs import run_now
        from webapp.services.dashboard import latest_run

        if latest_run(campaign.id) is None or added:
            run = run_now(campaign)
            click.echo(f"analysis: {run.status if run else 'already running'}")


@click.command("analyze")
@click.argument("slug")
@click.option("--bootstrap", type=click.IntRange(min=0), default=None,
              help="bootstrap resamples (default: ANALYSIS_BOOTSTRAP, 1000)")
@click.option("--refit-themes", is_flag=True, help="find the themes afresh (leads' theme edits are lost)")
@needs_tables
def analyze_command(slug, bootstrap, refit_themes):
    """Compute campaign SLUG's prioritized-needs summary and store it (the summary page shows the newest)."""
    import time

    from webapp.services.analysis_runs import message_from_stored, run_now
    from webapp.services.campaigns import find_campaign

    campaign = find_campaign(slug)
    if campaign is None:
        raise click.ClickException(f"no campaign with slug {slug!r}")
    started = time.perf_counter()
    run = run_now(campaign, n_bootstrap=bootstrap, refit_themes=refit_themes)
    if run is None:
        raise click.ClickException("an analysis of this campaign is already running; try again when it is done")
    if run.status != "done":
        raise click.ClickException(f"the analysis failed: {run.error}")
    results = run.results
    themes = results["themes"]
    click.echo(f"analysis of '{slug}' done in {time.perf_counter() - started:.1f} s: "
               f"{results['respondents']} respondents, {themes['themes']} themes "
               f"({themes['assigned']} answers newly assigned)")
    if results.get("margins_problem"):
        click.echo(f"warning: the population margins were not used: {results['margins_problem']}", err=True)
    left_out = [str(message_from_stored(stored)) for stored in results.get("margins_left_out", ())]
    if left_out:
        used = "part of the population margins was" if results["margins_used"] else "the population margins were"
        click.echo(f"warning: {used} not used: " + "; ".join(left_out), err=True)


users_cli = AppGroup("users", help="Staff accounts: create the first admin, list accounts, make reset links.")


def _read_password(password_file: str | None, password_stdin: bool) -> str:
    """The new password from a file, standard input, or a hidden prompt asked twice."""
    if password_file:
        try:  # utf-8-sig: a file saved by Notepad starts with a byte-order mark, which is not part of the password
            with open(password_file, encoding="utf-8-sig") as handle:
                return handle.readline().rstrip("\r\n")
        except UnicodeDecodeError:
            raise click.ClickException(f"{password_file} is not UTF-8 text; save it as UTF-8 and try again") from None
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin, lead or outreach")
@click.option("--campaign", "campaigns", multiple=True, metavar="SLUG", help="assign to this campaign (repeatable)")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False), help="read the password from this file")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input (for scripts)")
@needs_tables
def create_user_command(email, role, campaigns, password_file, password_stdin):
    """Create an account, e.g. the first admin: users create --role admin EMAIL"""
    from webapp.services.accounts import AccountError, create_user
    from webapp.services.campaigns import find_campaign
    from webapp.services.passwords import MIN_LENGTH, password_problem

    campaign_ids = []
    for slug in campaigns:
        campaign = find_campaign(slug)
        if campaign is None:
            raise click.ClickException(f"no campaign with slug {slug!r}")
        campaign_ids.append(campaign.id)
    password = _read_password(password_file, password_stdin)
    problem = password_problem(password)
    if problem == "too_short":
        raise click.ClickException(f"the password must have at least {MIN_LENGTH} characters")
    if problem:
        raise click.ClickException(f"the password is not acceptable ({problem})")
    try:
        user = create_user(email, role, actor=None, password=password, campaign_ids=campaign_ids, via="cli")
    except AccountError as error:
        messages = {"email_taken": "an account with this email already exists", "bad_email": "that is not an email address"}
        raise click.ClickException(messages.get(error.code, error.code)) from None
    click.echo(f"created {user.role} {user.email}")


@users_cli.command("list")
@needs_tables
def list_users_command():
    """List every account: email, role, state and campaigns."""
    from webapp.services.accounts import list_users

    for user in list_users():
        state = "active" if user.is_active else "deactivated"
        slugs = ",".join(sorted(a.campaign.slug for a in user.assignments)) or "-"
        click.echo(f"{user.email}\t{user.role}\t{state}\t{slugs}")


@users_cli.command("reset-link")
@click.argument("email")
@needs_tables
def reset_link_command(email):
    """Print a one-time link to set EMAIL's password (e.g. for a locked-out admin)."""
    from webapp.links import public_url
    from webapp.services.accounts import find_user_by_email, issue_reset_token

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException("no account with this email")
    if not user.is_active:  # its link would only say it has expired
        raise click.ClickException("this account is deactivated: an administrator can let it sign in again on its "
                                   "account page, then make a link there")
    token = issue_reset_token(user, actor=None, via="cli")
    link = public_url("auth.reset_password", token=token)
    if link.startswith("/"):
        click.echo("(set PUBLIC_BASE_URL to print the full address)", err=True)
    click.echo(link)


data_cli = AppGroup("data", help="Backups, restores, and deleting one person's answers on request.")


@data_cli.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="replace DESTINATION if it exists")
def backup_command(destination, force):
    """Write a consistent backup of the database to DESTINATION (safe while Chorus runs)."""
    from webapp.extensions import db
    from webapp.services import audit
    from webapp.services.data_protection import DataProtectionError, backup_database

    try:
        path = backup_database(destination, replace=force)
    except DataProtectionError as error:
        raise click.ClickException(str(error)) from None
    audit.record("backup.created", detail={"file": str(path), "via": "cli"})
    db.session.commit()
    click.echo(f"backup written to {path}")


@data_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="really replace everything in the database")
def restore_command(source, yes):
    """Replace the database's contents with the backup in SOURCE (stop the app first)."""
    from webapp.extensions import db
    from webapp.services import audit
    from webapp.services.data_protection import DataProtectionError, restore_database

    if not yes:
        raise click.ClickException("restoring replaces every row in the database; add --yes to go ahead")
    try:
        restore_database(source)
    except DataProtectionError as error:
        raise click.ClickException(str(error)) from None
    audit.record("backup.restored", detail={"file": str(source), "via": "cli"})
    db.session.commit()
    click.echo(f"database restored from {source}")


@data_cli.command("delete-response")
@click.argument("reference")
@click.option("--reason", default="", help="why (kept in the audit trail)")
@click.option("--yes", is_flag=True, help="delete without asking")
@needs_tables
def delete_response_command(reference, reason, yes):
    """Delete one person's answers, found by the reference code they were shown (or the full UUID)."""
    from webapp.services.data_protection import delete_response, deleted_on, find_by_reference

    found = find_by_reference(reference)
    if not found:
        when = deleted_on(reference)
        if when is not None:
            raise click.ClickException(f"that response was deleted on {when:%Y-%m-%d}; nothing more is stored")
        raise click.ClickException("no response has that reference")
    if len(found) > 1:
        raise click.ClickException("that reference matches several responses; give the full UUID")
    response = found[0]
    click.echo(f"{response.client_uuid}  {response.campaign_slug}  {response.instrument}  "
               f"{response.language}  {response.received_at:%Y-%m-%d %H:%M}")
    if not yes and not click.confirm("Delete this response and everything stored with it?"):
        raise click.ClickException("nothing deleted")
    delete_response(response.id, actor=None, reason=reason)
    click.echo("deleted")


@data_cli.command("apply-retention")
@needs_tables
def apply_retention_command():
    """Delete who members are (name, contact details, organisation) and unlist them, in campaigns closed
    longer than CONTACT_RETENTION_DAYS (run daily)."""
    from flask import current_app

    from webapp.services.data_protection import apply_retention

    days = current_app.config["CONTACT_RETENTION_DAYS"]
    result = apply_retention(days)
    click.echo(f"retention ({days} days after closing): {result.cleared} member records cleared and unlisted "
               f"in {len(result.campaigns)} closed campaign(s)")


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(analyze_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(data_cli)
