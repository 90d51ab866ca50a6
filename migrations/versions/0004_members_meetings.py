"""members and meetings: member assessments with their ticked choices, meetings and their evaluations

Revision ID: 0004_members
Revises: 0002 (the lead re-chains it after 0003_field at merge)
Create Date: 2026-11-22 05:24:34.979562

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_members'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('facilitator', sa.String(length=120), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("mode IN ('in_person', 'online', 'hybrid')", name=op.f('ck_meeting_mode')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_meeting_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('code', name=op.f('uq_meeting_code'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('meeting_evaluation',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('goals', sa.SmallInteger(), nullable=False),
    sa.Column('participation', sa.SmallInteger(), nullable=False),
    sa.Column('leadership', sa.SmallInteger(), nullable=False),
    sa.Column('decisions', sa.SmallInteger(), nullable=False),
    sa.Column('cohesiveness', sa.SmallInteger(), nullable=False),
    sa.Column('conflict', sa.SmallInteger(), nullable=True),
    sa.Column('no_conflict', sa.Boolean(), nullable=False),
    sa.Column('organisation', sa.SmallInteger(), nullable=False),
    sa.Column('productivity', sa.SmallInteger(), nullable=False),
    sa.Column('access_time_place', sa.String(length=8), nullable=True),
    sa.Column('access_take_part', sa.String(length=8), nullable=True),
    sa.Column('access_welcome', sa.String(length=8), nullable=True),
    sa.CheckConstraint("access_take_part IN ('yes', 'somewhat', 'no')", name=op.f('ck_meeting_evaluation_access_take_part')),
    sa.CheckConstraint("access_time_place IN ('yes', 'somewhat', 'no')", name=op.f('ck_meeting_evaluation_access_time_place')),
    sa.CheckConstraint("access_welcome IN ('yes', 'somewhat', 'no')", name=op.f('ck_meeting_evaluation_access_welcome')),
    sa.CheckConstraint('(no_conflict AND conflict IS NULL) OR (NOT no_conflict AND conflict IS NOT NULL)', name=op.f('ck_meeting_evaluation_conflict_or_none')),
    sa.CheckConstraint('cohesiveness BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_cohesiveness_range')),
    sa.CheckConstraint('conflict BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_conflict_range')),
    sa.CheckConstraint('decisions BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_decisions_range')),
    sa.CheckConstraint('goals BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_goals_range')),
    sa.CheckConstraint('leadership BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_leadership_range')),
    sa.CheckConstraint('organisation BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_organisation_range')),
    sa.CheckConstraint('participation BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_participation_range')),
    sa.CheckConstraint('productivity BETWEEN 1 AND 5', name=op.f('ck_meeting_evaluation_productivity_range')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_evaluation_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_meeting_evaluation_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_meeting_evaluation'))
    )
    with op.batch_alter_table('meeting_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_evaluation_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('member_assessment',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('directory_consent', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('sector_other', sa.String(length=120), nullable=True),
    sa.Column('lived_experience', sa.Boolean(), nullable=True),
    sa.Column('involvement', sa.String(length=16), nullable=False),
    sa.Column('other_languages', sa.String(length=200), nullable=True),
    sa.Column('competency_facilitation', sa.SmallInteger(), nullable=True),
    sa.Column('competency_communication', sa.SmallInteger(), nullable=True),
    sa.Column('competency_community_knowledge', sa.SmallInteger(), nullable=True),
    sa.Column('competency_cultural_humility', sa.SmallInteger(), nullable=True),
    sa.Column('competency_data_use', sa.SmallInteger(), nullable=True),
    sa.Column('competency_advocacy_policy', sa.SmallInteger(), nullable=True),
    sa.Column('competency_resource_development', sa.SmallInteger(), nullable=True),
    sa.Column('competency_leadership', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint("involvement IN ('leading', 'active', 'occasional', 'informed')", name=op.f('ck_member_assessment_involvement')),
    sa.CheckConstraint("sector IN ('public_health', 'health_care', 'education', 'business', 'government', 'faith', 'community_org', 'resident', 'philanthropy', 'media', 'justice', 'housing', 'transportation', 'other')", name=op.f('ck_member_assessment_sector')),
    sa.CheckConstraint('competency_advocacy_policy BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_advocacy_policy_range')),
    sa.CheckConstraint('competency_communication BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_communication_range')),
    sa.CheckConstraint('competency_community_knowledge BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_community_knowledge_range')),
    sa.CheckConstraint('competency_cultural_humility BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_cultural_humility_range')),
    sa.CheckConstraint('competency_data_use BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_data_use_range')),
    sa.CheckConstraint('competency_facilitation BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_facilitation_range')),
    sa.CheckConstraint('competency_leadership BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_leadership_range')),
    sa.CheckConstraint('competency_resource_development BETWEEN 1 AND 4', name=op.f('ck_member_assessment_competency_resource_development_range')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_member_assessment_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_member_assessment'))
    )
    op.create_table('member_choice',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=24), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=False),
    sa.CheckConstraint("question IN ('skill', 'asset', 'language', 'translation_language', 'day', 'time', 'mode')", name=op.f('ck_member_choice_question')),
    sa.ForeignKeyConstraint(['response_id'], ['member_assessment.response_id'], name=op.f('fk_member_choice_response_id_member_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question', 'value', name=op.f('pk_member_choice'))
    )


def downgrade():
    op.drop_table('member_choice')
    op.drop_table('member_assessment')
    with op.batch_alter_table('meeting_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_evaluation_meeting_id'))

    op.drop_table('meeting_evaluation')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_campaign_id'))

    op.drop_table('meeting')
