"""field mode: paper form numbers, once per event

Revision ID: 0007_field
Revises: 0006_retention
Create Date: 2026-11-22 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_field'
down_revision = '0006_retention'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_number', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint('uq_response_event_id_paper_number', ['event_id', 'paper_number'])


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint('uq_response_event_id_paper_number', type_='unique')
        batch_op.drop_column('paper_number')
