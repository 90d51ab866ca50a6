"""Backups that restore exactly, and deleting one person's answers on request."""
from __future__ import annotations

import contextlib
import sqlite3
import uuid

import pytest
from sqlalchemy import func, select, text, update

from tests.factories import make_campaign, ratings_for
from tests.helpers import fill_and_post
from webapp.extensions import db
from webapp.models import Answer, AuditEvent, Campaign, Profile, Rating, Response, utcnow
from webapp.services.data_protection import find_by_reference, reference_code


def snapshot() -> dict[str, list]:
    """Every row of every table, sorted, as plain tuples."""
    db.session.remove()
    with db.engine.connect() as conn:
        return {table.name: sorted(tuple(map(str, row)) for row in conn.execute(table.select()))
                for table in db.metadata.sorted_tables}


def answer(client, demo, **extra):
    return fill_and_post(client, "/s/demo", ratings_for(demo) | extra)


def test_backup_then_restore_gives_back_exactly_what_was_there(app, client, demo, runner, tmp_path):
    answer(client, demo, change="Más clínicas", place="98118")
    answer(client, demo, barrier="Bus")
    before = snapshot()
    backup = tmp_path / "chorus.backup"
    result = runner.invoke(args=["data", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0
    db.session.execute(text("DELETE FROM response"))
    db.session.execute(text("UPDATE campaign SET is_open = false"))
    db.session.commit()
    result = runner.invoke(args=["data", "restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    after = snapshot()
    after["audit_event"] = [row for row in after["audit_event"] if "backup." not in "".join(row)]
    before["audit_event"] = [row for row in before["audit_event"] if "backup." not in "".join(row)]
    assert after == before


def test_restore_refuses_without_yes(runner, app, tmp_path):
    backup = tmp_path / "b"
    runner.invoke(args=["data", "backup", str(backup)])
    result = runner.invoke(args=["data", "restore", str(backup)])
    assert result.exit_code != 0 and "--yes" in result.output


def test_a_backup_is_readable_by_its_owner_only(runner, app, tmp_path):
    backup = tmp_path / "chorus.backup"
    result = runner.invoke(args=["data", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_mode & 0o077 == 0


def test_backup_of_a_missing_sqlite_database_says_so_and_writes_nothing(tmp_path):
    from tests.conftest import make_app

    missing, backup = tmp_path / "chorus.db", tmp_path / "chorus.backup"  # e.g. a mistyped DATABASE_URL
    app = make_app(f"sqlite:///{missing}")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["data", "backup", str(backup)])
        db.engine.dispose()
    assert result.exit_code == 1 and "no SQLite database" in result.output, result.output
    assert not missing.exists() and not backup.exists()
    assert not list(tmp_path.glob(".chorus.backup.*")), "the partly written backup was left behind"


def test_backup_does_not_replace_an_existing_file_unless_told_to(runner, app, tmp_path):
    earlier = tmp_path / "chorus.backup"  # perhaps the only copy of last week's backup
    earlier.write_bytes(b"last week's backup")
    result = runner.invoke(args=["data", "backup", str(earlier)])
    assert result.exit_code == 1 and "already exists" in result.output and "--force" in result.output, result.output
    assert earlier.read_bytes() == b"last week's backup"
    result = runner.invoke(args=["data", "backup", "--force", str(earlier)])
    assert result.exit_code == 0, result.output
    assert earlier.read_bytes() != b"last week's backup" and earlier.stat().st_mode & 0o077 == 0


def test_a_backup_never_lands_on_a_file_made_while_it_was_being_written(tmp_path):
    from webapp.services.data_protection import DataProtectionError, _move_into_place

    partial, destination = tmp_path / ".chorus.backup.partial", tmp_path / "chorus.backup"
    partial.write_bytes(b"this backup")
    destination.write_bytes(b"another backup, made meanwhile")
    with pytest.raises(DataProtectionError, match="already exists"):
        _move_into_place(partial, destination, replace=False)
    assert destination.read_bytes() == b"another backup, made meanwhile"
    _move_into_place(partial, destination, replace=True)
    assert destination.read_bytes() == b"this backup"


def test_restore_into_a_folder_that_does_not_exist_says_which_and_makes_nothing(runner, app, tmp_path):
    from tests.conftest import make_app

    backup = tmp_path / "chorus.backup"
    assert runner.invoke(args=["data", "backup", str(backup)]).exit_code == 0
    missing = tmp_path / "no-such-folder"  # e.g. a mistyped DATABASE_URL on the new machine
    elsewhere = make_app(f"sqlite:///{missing}/chorus.db")
    with elsewhere.app_context():
        result = elsewhere.test_cli_runner().invoke(args=["data", "restore", str(backup), "--yes"])
        db.engine.dispose()
    assert result.exit_code == 1 and f"{missing} does not exist" in result.output, result.output
    assert not missing.exists()


def test_restoring_a_file_that_is_not_a_backup_says_so_and_changes_nothing(app, demo, runner, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a backup\n")
    result = runner.invoke(args=["data", "restore", str(not_a_backup), "--yes"])
    assert result.exit_code == 1 and result.output.startswith("Error: "), result.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


@pytest.mark.parametrize("kind", ["an empty file", "another SQLite database"])
def test_restoring_an_empty_or_foreign_database_file_says_so_and_changes_nothing(app, demo, runner, tmp_path, kind):
    """SQLite reads both as databases: copied in, they emptied ours. On PostgreSQL, pg_restore refuses them."""
    source = tmp_path / "other.db"
    if kind == "an empty file":
        source.touch()
    else:
        with contextlib.closing(sqlite3.connect(source)) as other:
            other.execute("CREATE TABLE notes (text)")
    answer(client=app.test_client(), demo=demo)
    before = snapshot()
    result = runner.invoke(args=["data", "restore", str(source), "--yes"])
    assert result.exit_code == 1 and "nothing restored" in result.output, result.output
    assert snapshot() == before


def test_a_sqlite_backup_is_one_self_contained_file_restored_without_writing_beside_it(tmp_path):
    """No write-ahead log: a backup on a read-only disk or memory stick opens and restores as it is."""
    from tests.conftest import make_app, migrate

    live, copy = tmp_path / "live.db", tmp_path / "usb" / "chorus.backup"
    migrate(f"sqlite:///{live}")
    app = make_app(f"sqlite:///{live}")
    with app.app_context():
        runner = app.test_cli_runner()
        assert runner.invoke(args=["data", "backup", str(copy)]).exit_code == 0
        with contextlib.closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as backup:
            assert backup.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        result = runner.invoke(args=["data", "restore", str(copy), "--yes"])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in copy.parent.iterdir()) == ["chorus.backup"]


@pytest.mark.parametrize("where", ["folder/", "a-file/chorus.backup"])
def test_a_backup_that_cannot_be_written_there_says_why_in_one_line(runner, app, tmp_path, where):
    (tmp_path / "a-file").write_text("not a folder")
    result = runner.invoke(args=["data", "backup", f"{tmp_path}/{where}"])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "Traceback" not in result.output
    assert "nothing written" in result.output or "file name" in result.output, result.output
    assert not (tmp_path / "folder").exists()


@pytest.mark.parametrize("typed", ["{code}", "ref {code}", "my code is {code}.", " {spaced} ", "{lookalike}"])
def test_a_reference_is_found_as_staff_type_or_paste_it(client, demo, typed):
    answer(client, demo)
    stored = db.session.scalars(select(Response)).one()
    code = reference_code(stored.client_uuid)
    typed = typed.format(code=code, spaced=code.lower().replace("-", " "),
                         lookalike=code.replace("0", "O").replace("1", "l"))
    assert [found.id for found in find_by_reference(typed)] == [stored.id]


def test_a_reference_already_deleted_says_when(client, demo, runner):
    answer(client, demo)
    code = reference_code(db.session.scalars(select(Response)).one().client_uuid)
    assert runner.invoke(args=["data", "delete-response", code, "--yes"]).exit_code == 0
    result = runner.invoke(args=["data", "delete-response", code.lower(), "--yes"])
    assert result.exit_code == 1 and f"that response was deleted on {utcnow():%Y-%m-%d}" in result.output


def test_thank_you_page_shows_the_reference_code(client, demo):
    response = answer(client, demo)
    stored = db.session.scalars(select(Response)).one()
    code = reference_code(stored.client_uuid)
    assert f"ref={code}" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert code in page
    assert "give this code to the coalition: <bdi dir=\"ltr\">privacy@example.org</bdi>." in page  # and how


def test_without_a_contact_the_thank_you_page_still_gives_the_code(client):
    from tests.factories import make_campaign

    campaign = make_campaign(slug="north")
    assert campaign.contact == ""
    page = client.get("/s/north/thanks?ref=ABCD-1234-EF00").get_data(as_text=True)
    assert "ABCD-1234-EF00" in page and "give this code to the coalition." in page


def test_thank_you_page_shows_no_made_up_reference(client, demo):
    page = client.get("/s/demo/thanks?ref=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "reference code" not in page


def test_one_persons_answers_are_deleted_by_their_reference(client, demo, runner):
    answer(client, demo, change="delete me", place="98118", hardships=["uninsured"])
    answer(client, demo, change="keep me")
    doomed = db.session.scalars(select(Response).join(Answer).where(Answer.text == "delete me")).one()
    code = reference_code(doomed.client_uuid)
    result = runner.invoke(args=["data", "delete-response", code, "--yes", "--reason", "resident asked by phone"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(Answer.text)) == "keep me"
    assert db.session.scalar(select(func.count()).select_from(Profile)) == 0
    assert db.session.scalar(select(func.count()).select_from(Rating)) == len(demo.active_needs())
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "response.deleted")).one()
    assert event.detail["reference"] == code and "delete me" not in str(event.detail)


def test_reference_must_be_long_enough_and_unique(app):
    campaign = make_campaign()
    for suffix in ("1", "2"):
        db.session.add(Response(client_uuid=uuid.UUID("abcdef12-3456-4000-8000-00000000000" + suffix),
                                content_hash="0" * 64, campaign_id=campaign.id, instrument="priority",
                                language="en", channel="web"))
    db.session.commit()
    assert find_by_reference("ABCD") == []
    assert len(find_by_reference("ABCD-EF12-3456")) == 2
    assert len(find_by_reference("abcdef12-3456-4000-8000-000000000002")) == 1
    assert db.session.get(Campaign, campaign.id) is not None


def add_member(campaign, name, email, days_ago=0):
    import datetime as dt

    from webapp.models import MemberAssessment, utcnow

    response = Response(client_uuid=uuid.uuid4(), content_hash="0" * 64, campaign_id=campaign.id,
                        instrument="member", language="en", channel="web",
                        received_at=utcnow() - dt.timedelta(days=days_ago))
    db.session.add(response)
    db.session.flush()
    db.session.add(MemberAssessment(response_id=response.id, directory_consent=True, name=name, email=email,
                                    phone="555-0100", organisation="Clinic", sector="health_care",
                                    involvement="active"))
    db.session.commit()


def test_retention_deletes_contact_details_long_after_a_campaign_closes(app, runner):
    import datetime as dt

    from webapp.models import MemberAssessment, utcnow

    long_closed = make_campaign(slug="old", is_open=False)
    long_closed.closed_at = utcnow() - dt.timedelta(days=app.config["CONTACT_RETENTION_DAYS"] + 1)
    recently_closed = make_campaign(slug="recent", is_open=False)
    recently_closed.closed_at = utcnow() - dt.timedelta(days=3)
    still_open = make_campaign(slug="open")
    for campaign in (long_closed, recently_closed, still_open):
        add_member(campaign, f"Member of {campaign.slug}", f"{campaign.slug}@example.org", days_ago=400)
    result = runner.invoke(args=["data", "apply-retention"])
    assert result.exit_code == 0 and "1 member records cleared and unlisted" in result.output, result.output
    db.session.expire_all()
    rows = {r.name or r.email or "cleared": r for r in db.session.scalars(select(MemberAssessment))}
    assert set(rows) == {"cleared", "Member of recent", "Member of open"}
    assert rows["cleared"].phone is None and rows["cleared"].organisation is None  # who they are goes
    assert not rows["cleared"].directory_consent and rows["cleared"].sector == "health_care"  # answers stay
    again = runner.invoke(args=["data", "apply-retention"])
    assert "0 member records cleared and unlisted" in again.output
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.applied")).one()
    assert event.detail["campaign"] == "old" and event.detail["members_cleared"] == 1


def expire_campaign(app, slug="old"):
    """A campaign closed longer ago than retention, with one listed member who answered before it closed."""
    import datetime as dt

    from webapp.models import utcnow

    days = app.config["CONTACT_RETENTION_DAYS"]
    campaign = make_campaign(slug=slug, is_open=False)
    campaign.closed_at = utcnow() - dt.timedelta(days=days + 1)
    add_member(campaign, "Ana Ruiz", "ana@example.org", days_ago=days + 10)
    return campaign


def test_after_retention_a_member_is_no_longer_in_the_directory(app, client, auth, runner):
    from tests.factories import make_user

    campaign = expire_campaign(app)
    auth.login_as(make_user("lead@example.org", "lead", campaigns=[campaign]))
    assert "Ana Ruiz" in client.get("/coalition/old/members").get_data(as_text=True)
    runner.invoke(args=["data", "apply-retention"])
    page = client.get("/coalition/old/members").get_data(as_text=True)
    directory = page.split('id="directory"', 1)[1].split("</ul>", 1)[0]
    assert "No member has agreed to be listed yet." in directory and "card" not in directory
    assert "Clinic" not in page and "No name given" not in page
    assert "Health care" in page.split('id="directory"', 1)[0]  # their answers are still counted
    export = client.get("/coalition/old/members.csv").get_data(as_text=True)
    assert "Clinic" not in export and "health_care" in export


def test_retention_unlists_members_an_earlier_pass_left_listed_under_their_organisation(app, runner):
    """Before it reached the organisation, retention left such members listed as "No name given"."""
    from webapp.models import MemberAssessment

    expire_campaign(app)
    db.session.execute(update(MemberAssessment).values(name=None, email=None, phone=None))
    db.session.commit()
    result = runner.invoke(args=["data", "apply-retention"])
    assert "1 member records cleared and unlisted" in result.output, result.output
    member = db.session.scalars(select(MemberAssessment)).one()
    assert (member.organisation, member.directory_consent, member.sector) == (None, False, "health_care")


def contact_kept(name) -> bool:
    from webapp.models import MemberAssessment

    db.session.expire_all()
    return db.session.scalars(select(MemberAssessment).where(MemberAssessment.name == name)).first() is not None


def test_retention_keeps_a_late_answer_as_long_after_it_came_in(app, runner):
    """A member may answer after the campaign closed (their form stays open): the clock starts at the later."""
    import datetime as dt

    from webapp.models import utcnow

    days = app.config["CONTACT_RETENTION_DAYS"]
    campaign = make_campaign(slug="old", is_open=False)
    campaign.closed_at = utcnow() - dt.timedelta(days=days + 30)
    add_member(campaign, "Answered before it closed", "before@example.org", days_ago=days + 60)
    add_member(campaign, "Answered last week", "late@example.org", days_ago=7)
    result = runner.invoke(args=["data", "apply-retention"])
    assert "1 member records cleared and unlisted" in result.output, result.output
    assert not contact_kept("Answered before it closed") and contact_kept("Answered last week")


def test_retention_reaches_campaigns_closed_with_no_closing_time(app, runner):
    """Never opened to residents, or closed before closing times were kept: closed since it was made."""
    import datetime as dt

    from webapp.models import utcnow

    days = app.config["CONTACT_RETENTION_DAYS"]
    never_opened = make_campaign(slug="draft", is_open=False)
    never_opened.created_at = utcnow() - dt.timedelta(days=days + 100)
    new_draft = make_campaign(slug="new-draft", is_open=False)
    for campaign in (never_opened, new_draft):
        assert campaign.closed_at is None
        add_member(campaign, f"Old member of {campaign.slug}", f"old-{campaign.slug}@example.org", days_ago=days + 50)
    add_member(never_opened, "Recent member", "recent@example.org", days_ago=10)
    result = runner.invoke(args=["data", "apply-retention"])
    assert "1 member records cleared and unlisted" in result.output, result.output
    assert not contact_kept("Old member of draft")
    assert contact_kept("Recent member") and contact_kept("Old member of new-draft")


def test_closing_a_campaign_records_when(app):
    from webapp.services.campaign_edits import set_campaign_open

    campaign = make_campaign(slug="closing")
    set_campaign_open(campaign, False, actor=None)
    assert campaign.closed_at is not None
    set_campaign_open(campaign, True, actor=None)
    assert campaign.closed_at is None


def test_deleting_a_response_takes_its_words_out_of_the_themes_terms_and_labels(runner, monkeypatch):
    import functools

    import analysis.themes
    from tests.factories import make_priority_response
    from webapp.models import Theme
    from webapp.services.analysis_runs import run_now

    # five themes, so that the clinic's few answers are a theme of their own, named partly by the doomed ones
    fitted_as_usual = analysis.themes.ThemeModel.__init__

    @functools.wraps(fitted_as_usual)
    def five_themes(self, *args, **kwargs):
        fitted_as_usual(self, *args, **{**kwargs, "n_themes": 5})

    monkeypatch.setattr(analysis.themes.ThemeModel, "__init__", five_themes)
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    said = ["Rent is too high for us.", "The bus never comes on time.", "Fresh vegetables cost too much.",
            "No grocery store nearby."] * 7 + ["The clinic closes too early", "Clinic staff are rude", "clinic is far"]
    for text in said:
        make_priority_response(campaign, {"housing": 4, "food": 3}, answers={"barrier": (text, "en")}, commit=False)
    doomed = make_priority_response(campaign, {"housing": 5, "food": 2}, commit=False, answers={
        "barrier": ("Dr Quokkaxenon at the clinic is rude", "en"),
        "change": ("Quokkaxenon clinic staff never listen to me", "en")})
    db.session.commit()
    assert run_now(campaign, n_bootstrap=0).results["themes"]["fitted"]
    clinic = db.session.scalar(select(Theme).where(Theme.label.contains("clinic")))
    assert "quokkaxenon" in clinic.label and "quokkaxenon" in clinic.terms  # a small theme, named by the doomed
    assert runner.invoke(args=["data", "delete-response", reference_code(doomed.client_uuid), "--yes"]).exit_code == 0
    db.session.expire_all()
    for theme in db.session.scalars(select(Theme)):
        assert not any("quokka" in term for term in theme.terms) and "quokka" not in theme.label
    assert db.session.get(Theme, clinic.id).label.startswith("clinic / ")  # named by what the others wrote


def test_deleting_a_response_leaves_none_of_its_words_in_the_stored_theme_model(runner):
    from tests.factories import make_priority_response
    from webapp.models import StoredThemeModel
    from webapp.services.analysis_runs import run_now

    campaign = make_campaign(slug="north", needs=("housing", "food"))
    said = ["Rent is too high for us.", "The bus never comes on time.", "Fresh vegetables cost too much.",
            "La renta es muy cara.", "No grocery store nearby.", "Buses stop running at night."]
    for text in said * 6:
        make_priority_response(campaign, {"housing": 4, "food": 3}, answers={"barrier": (text, "en")}, commit=False)
    doomed = make_priority_response(campaign, {"housing": 5, "food": 2}, commit=False, answers={
        "barrier": ("Zyxwvutsrq Quokkaxenon here: the rent is too high", "en")})
    db.session.commit()
    code = reference_code(doomed.client_uuid)
    assert run_now(campaign, n_bootstrap=0).results["themes"]["fitted"]
    stored = db.session.get(StoredThemeModel, campaign.id).model
    assert b"Quokkaxenon here" not in stored and b"Rent is too high for us." not in stored  # no answer as written
    assert b"quokka" in stored  # as a term, until the answer is deleted
    assert runner.invoke(args=["data", "delete-response", code, "--yes"]).exit_code == 0
    db.session.expire_all()
    stored = db.session.get(StoredThemeModel, campaign.id).model
    assert b"quokka" not in stored and b"zyxwvu" not in stored
