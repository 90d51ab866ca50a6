"""how residents reach the coalition (to have their answers deleted), shown on the thank-you pages

Revision ID: 0012_campaign_contact
Revises: 0011_run_heartbeat
Create Date: 2026-12-03 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_campaign_contact'
down_revision = '0011_run_heartbeat'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('contact')
