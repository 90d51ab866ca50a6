"""Protecting what people told us: backups, restores, and deleting one person's answers.

Backups are consistent while the app runs: SQLite's online backup API copies a
snapshot page by page; PostgreSQL's ``pg_dump`` reads one transaction snapshot.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import String, cast, delete, func, or_, select, update
from sqlalchemy.engine import make_url

from webapp.extensions import db
from webapp.models import Answer, AuditEvent, Campaign, Response
from webapp.services import audit
from webapp.services.members import IDENTITY
from webapp.services.theme_assignment import forget_deleted_answers

REFERENCE_LENGTH = 12  #: hex digits of the response UUID a person is shown (48 bits)
REFERENCE_PATTERN = re.compile(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}")


class DataProtectionError(RuntimeError):
    """A backup, restore or deletion that cannot be done; the message says why."""


def _backend() -> str:
    return db.engine.url.get_backend_name()


def _pg_environment() -> dict:
    """libpq settings for pg_dump/pg_restore from the app's database URL (password via env, never argv)."""
    url = db.engine.url
    env = dict(os.environ, PGDATABASE=url.database or "", PGUSER=url.username or "", PGHOST=url.host or "",
               PGPORT=str(url.port or 5432))
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _sqlite_path() -> Path:
    """The SQLite database file, which must exist (sqlite3 would quietly make an empty one)."""
    path = Path(db.engine.url.database or "")
    if not path.is_file():
        raise DataProtectionError(f"no SQLite database at {path} (check DATABASE_URL)")
    return path


def _sqlite_reader(source: Path) -> sqlite3.Connection:
    """``source`` opened read-only. Without a write-ahead log beside it (as every backup is), it is read
    as immutable: SQLite then needs no lock files, so a backup on a read-only disk can be restored."""
    uri = f"{source.resolve().as_uri()}?mode=ro" + ("" if Path(f"{source}-wal").exists() else "&immutable=1")
    return sqlite3.connect(uri, uri=True)


def _sqlite_copy(source: Path, target: Path, not_a_database: str, backup_file: bool = False) -> None:
    """Copy SQLite database ``source`` into ``target`` with the online backup API; a ``backup_file``
    is left as one self-contained file (no write-ahead log), a restore reads ``source`` read-only."""
    try:
        reader = sqlite3.connect(source) if backup_file else _sqlite_reader(source)
        writer = sqlite3.connect(target)
        try:
            with writer:
                reader.backup(writer)
            if backup_file:
                writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
            reader.close()
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise DataProtectionError(not_a_database) from None
        raise DataProtectionError(f"SQLite: {error}") from None


#: tables every Chorus database has: a SQLite file without them is no Chorus backup
CHORUS_TABLES = frozenset({"alembic_version", "campaign", "response", "users"})


def _check_sqlite_backup(source: Path) -> None:
    """Refuse a file that is not a whole Chorus database before anything is replaced (SQLite reads an
    empty or foreign file as a database, and copying it in would empty ours)."""
    try:
        reader = _sqlite_reader(source)
        try:
            tables = {name for (name,) in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = reader.execute("SELECT version_num FROM alembic_version").fetchone() \
                if "alembic_version" in tables else None
            sound = reader.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            reader.close()
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise DataProtectionError(f"{source} is not a SQLite backup; nothing restored") from None
        raise DataProtectionError(f"SQLite: {error}; nothing restored") from None
    if not CHORUS_TABLES <= tables or revision is None:
        raise DataProtectionError(f"{source} is not a Chorus backup (it has no Chorus tables); nothing restored")
    if not sound:
        raise DataProtectionError(f"{source} is damaged (SQLite's integrity check failed); nothing restored")


def backup_database(destination: Path, replace: bool = False) -> Path:
    """Write a consistent backup of the whole database to ``destination``, readable by its owner
    only (a backup holds everything people told us).

    An existing file is replaced only when ``replace`` (it may be the only copy of an earlier
    backup), and only once the new backup is whole: it is written beside it under another name
    first, then moved into place. Nothing is left behind when the backup fails.
    """
    if str(destination).endswith(("/", os.sep)):
        raise DataProtectionError(f"{destination} names a folder; give the backup a file name, such as "
                                  f"{Path(destination) / 'chorus-backup.db'}")
    destination = Path(destination)
    if destination.exists() and not replace:
        raise _exists(destination)
    backend = _backend()
    if backend not in ("sqlite", "postgresql"):
        raise DataProtectionError(f"no backup method for {backend}")
    if backend == "sqlite":
        source_path = _sqlite_path()
    elif shutil.which("pg_dump") is None:
        raise DataProtectionError("pg_dump is not installed (Debian package postgresql-client)")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent)
    except OSError as error:  # a read-only folder, a file where a folder should be, …
        raise DataProtectionError(f"cannot write in {destination.parent} ({error.strerror}); nothing written") from None
    os.close(handle)  # made readable and writable by its owner only
    try:
        if backend == "sqlite":
            _sqlite_copy(source_path, Path(partial), f"{source_path} (the database) is not a SQLite database; "
                                                     "nothing written", backup_file=True)
        else:
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"],
                                    env=_pg_environment(), capture_output=True, text=True)
            if result.returncode != 0:
                raise DataProtectionError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
        _move_into_place(Path(partial), destination, replace)
    finally:
        Path(partial).unlink(missing_ok=True)
    return destination


def _move_into_place(partial: Path, destination: Path, replace: bool) -> None:
    """Give the finished backup its name; unless ``replace``, never over a file made meanwhile (another
    backup at the same moment, say): a hard link is made only where no file is."""
    if replace:
        os.replace(partial, destination)
        return
    try:
        os.link(partial, destination)
    except FileExistsError:
        raise _exists(destination) from None
    except OSError:  # a file system without hard links (a FAT memory stick): as near as it allows
        if destination.exists():
            raise _exists(destination) from None
        os.replace(partial, destination)


def _exists(destination: Path) -> DataProtectionError:
    return DataProtectionError(f"{destination} already exists; nothing written (add --force to replace it)")


def restore_database(source: Path) -> None:
    """Replace the database's contents with the backup in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise DataProtectionError(f"no backup file at {source}")
    if _backend() == "sqlite" and not Path(db.engine.url.database).parent.is_dir():
        folder = Path(db.engine.url.database).parent
        raise DataProtectionError(f"the database's folder {folder} does not exist (check DATABASE_URL, or create "
                                  "the folder first); nothing restored")
    if _backend() == "sqlite":
        _check_sqlite_backup(source)
    elif _backend() == "postgresql" and shutil.which("pg_restore") is None:
        raise DataProtectionError("pg_restore is not installed (Debian package postgresql-client); nothing restored")
    db.session.remove()
    db.engine.dispose()
    if _backend() == "sqlite":
        _sqlite_copy(source, Path(db.engine.url.database), f"{source} is not a SQLite backup; nothing restored")
    elif _backend() == "postgresql":
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             f"--dbname={make_url(str(db.engine.url)).database}", str(source)],
            env=_pg_environment(), capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise DataProtectionError(f"pg_restore failed: {result.stderr.strip()[-500:]}\n(one transaction: "
                                      "nothing restored)")
    else:
        raise DataProtectionError(f"no restore method for {_backend()}")


def reference_code(client_uuid: uuid.UUID) -> str:
    """The short code a person is shown to ask for their answers to be deleted: XXXX-XXXX-XXXX."""
    digits = client_uuid.hex[:REFERENCE_LENGTH].upper()
    return "-".join(digits[i:i + 4] for i in range(0, REFERENCE_LENGTH, 4))


@dataclass(frozen=True)
class FoundResponse:
    """What staff see before deleting: enough to confirm, nothing of the content."""

    id: int
    client_uuid: uuid.UUID
    campaign_slug: str
    instrument: str
    language: str
    received_at: object


#: a full response UUID, or a reference code as people write it down: any case, spaces or dashes
_TYPED_REFERENCE = re.compile(r"(?<![0-9a-z])(?:[0-9a-f]{8}-?(?:[0-9a-f]{4}-?){3}[0-9a-f]{12}"
                              r"|[0-9a-f]{4}[\s-]*[0-9a-f]{4}[\s-]*[0-9a-f]{4})(?![0-9a-z])", re.I)
#: letters read or typed for the digits they look like (a code holds only 0-9 and A-F)
_LOOKALIKES = str.maketrans("oOiIlL", "001111")


def reference_digits(typed: str) -> str:
    """The hex digits of the reference code or UUID in what staff typed or pasted ("ref 4108 530a 3b5d",
    "41O8-53OA-3B5D"), lower case; "" when it holds none."""
    found = _TYPED_REFERENCE.search((typed or "").translate(_LOOKALIKES))
    return re.sub(r"[^0-9a-f]", "", found.group().lower()) if found else ""


def find_by_reference(code: str) -> list[FoundResponse]:
    """Responses whose UUID starts with the reference code (or is the full UUID)."""
    digits = reference_digits(code)
    if len(digits) < REFERENCE_LENGTH:
        return []
    candidates = db.session.execute(
        select(Response.id, Response.client_uuid, Campaign.slug, Response.instrument, Response.language,
               Response.received_at)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .where(cast(Response.client_uuid, String).like(f"{digits[:8]}%"))  # stored text starts the same
    ).all()
    return [FoundResponse(*row) for row in candidates if row.client_uuid.hex.startswith(digits)]


def deleted_on(code: str) -> dt.datetime | None:
    """When the response with this reference code was deleted (the audit trail keeps the code), or None."""
    digits = reference_digits(code)[:REFERENCE_LENGTH]
    if len(digits) < REFERENCE_LENGTH:
        return None
    wanted = reference_code(uuid.UUID(digits.ljust(32, "0")))
    events = db.session.execute(select(AuditEvent.occurred_at, AuditEvent.detail)
                                .where(AuditEvent.action == "response.deleted").order_by(AuditEvent.id)).all()
    return next((when for when, detail in events if (detail or {}).get("reference") == wanted), None)


def delete_response(response_id: int, actor, reason: str = "") -> None:
    """Delete one response and everything stored with it; audited (without its content)."""
    found = db.session.get(Response, response_id)
    if found is None:
        raise DataProtectionError("no such response")
    audit.record("response.deleted", actor=actor, target=found,
                 detail={"reference": reference_code(found.client_uuid), "instrument": found.instrument,
                         "reason": reason[:200]})
    answers = db.session.execute(select(Answer.text, Answer.language).where(Answer.response_id == response_id)).all()
    instrument, campaign_id = found.instrument, found.campaign_id
    db.session.execute(delete(Response).where(Response.id == response_id))
    if instrument == "priority":  # its words may be in the campaign's theme model too
        forget_deleted_answers(campaign_id, [tuple(row) for row in answers])
    db.session.commit()


@dataclass(frozen=True)
class RetentionResult:
    """What one retention pass did."""

    campaigns: list[str]
    cleared: int


def apply_retention(days: int, now=None) -> RetentionResult:
    """Delete who members are ``days`` days after their campaign closed, and unlist them; audited.

    The clock starts at the later of the closing and the member's own answer (the member
    form stays open after residents' survey closes). A closed campaign with no closing
    time, never opened or closed before closing times were kept, counts as closed since
    it was made.

    Everything that says who the member is (``IDENTITY``: the organisation with the name,
    email and phone) is deleted and the consent to be listed withdrawn, rather than kept
    and filtered out of the directory: a card with no way to reach anyone is no use, and
    an organisation beside the answers (sector, skills, languages) can still say who it
    is. Every reader already relies on "listed, or nothing that says who" (the directory,
    who has a skill or speaks a language, the members CSV, the data exports, which write
    the organisation in every row), so none can show it again, nor a backup made after.
    The answers stay, counted without a name. Members a pass cleared before this reached
    the organisation (still listed under it alone) are cleared by the next pass.
    """
    from webapp.models import MemberAssessment, utcnow

    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    closed_since = func.coalesce(Campaign.closed_at, Campaign.created_at)
    expired = db.session.execute(
        select(Campaign.id, Campaign.slug).where(Campaign.is_open.is_(False), closed_since <= cutoff)
    ).all()
    identified = or_(MemberAssessment.directory_consent.is_(True),
                     *(getattr(MemberAssessment, f).is_not(None) for f in IDENTITY))
    cleared = 0
    for campaign_id, slug in expired:
        answered_long_ago = select(Response.id).where(Response.campaign_id == campaign_id,
                                                      Response.received_at <= cutoff)
        result = db.session.execute(
            update(MemberAssessment)
            .where(MemberAssessment.response_id.in_(answered_long_ago), identified)
            .values({**{f: None for f in IDENTITY}, "directory_consent": False})
        )
        if result.rowcount:
            cleared += result.rowcount
            audit.record("retention.applied", detail={"campaign": slug, "members_cleared": result.rowcount,
                                                      "fields": [*IDENTITY, "directory_consent"],
                                                      "days": days})
    db.session.commit()
    return RetentionResult([slug for _id, slug in expired], cleared)
