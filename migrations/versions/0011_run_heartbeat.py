"""analysis runs keep a heartbeat while they compute, so a run whose process died stops blocking the next soon

Revision ID: 0011_run_heartbeat
Revises: 0010_lean_write_indexes
Create Date: 2026-12-03 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_run_heartbeat'
down_revision = '0010_lean_write_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('analysis_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('analysis_run', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
