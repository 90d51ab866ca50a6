"""the language a meeting's title, place and facilitator are written in

Revision ID: 0013_meeting_language
Revises: 0012_campaign_contact
Create Date: 2026-12-03 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_meeting_language'
down_revision = '0012_campaign_contact'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default='en'))
    # meetings added before: most likely written in their campaign's default language
    op.execute("UPDATE meeting SET language = (SELECT default_language FROM campaign WHERE campaign.id = meeting.campaign_id)")


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('language')
