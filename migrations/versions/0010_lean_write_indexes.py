"""drop three indexes that every stored response paid for and no query needed

``ix_rating_need_id`` put each of a response's ratings on a different page of its own
index (one page per need, some fifteen per response); ratings are always read through
their response (the primary key starts with ``response_id``), and needs are retired,
never deleted. ``ix_answer_response_id`` and ``ix_response_event_id`` repeat the first
column of the unique constraints ``uq_answer_response_id_question`` and
``uq_response_event_id_paper_number``, which serve the same lookups.

Revision ID: 0010_lean_write_indexes
Revises: 0009_run_error_message
Create Date: 2026-12-02 10:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_lean_write_indexes'
down_revision = '0009_run_error_message'
branch_labels = None
depends_on = None

#: (table, index, column)
INDEXES = (
    ("rating", "ix_rating_need_id", "need_id"),
    ("answer", "ix_answer_response_id", "response_id"),
    ("response", "ix_response_event_id", "event_id"),
)


def upgrade():
    for table, index, _column in INDEXES:
        op.drop_index(index, table_name=table)


def downgrade():
    for table, index, column in INDEXES:
        op.create_index(index, table, [column], unique=False)
