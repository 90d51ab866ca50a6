"""on SQLite, a deleted response's id is never given to a later one (AUTOINCREMENT)

Without AUTOINCREMENT, SQLite numbers a new row one past the largest id there is, so after the
newest response is deleted on request the next one takes its id, and the audit trail's
"response 301 deleted" would name it. PostgreSQL's sequences never go back: nothing to do there.

SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt (Alembic's batch mode)
with foreign keys off, as SQLite's own procedure says: dropping the old table with them on
would delete every rating, answer and profile with it (ON DELETE CASCADE).

Revision ID: 0014_response_ids_kept
Revises: 0013_meeting_language
Create Date: 2026-12-04 07:30:00.000000

"""
from contextlib import contextmanager

from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_response_ids_kept'
down_revision = '0013_meeting_language'
branch_labels = None
depends_on = None


@contextmanager
def _foreign_keys_off():
    """SQLite ignores this pragma inside a transaction: it is set between the migration's transactions."""
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")
    problems = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"rows pointing at no response after rebuilding it: {problems[:5]}")


def _rebuild_response(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with _foreign_keys_off():
        with op.batch_alter_table('response', recreate='always',
                                  table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass


def upgrade():
    _rebuild_response(autoincrement=True)


def downgrade():
    _rebuild_response(autoincrement=False)
