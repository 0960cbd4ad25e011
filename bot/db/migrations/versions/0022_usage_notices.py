"""Proactive notices (用能预警): each notice once per event, and each user's choices.

``usage_notices``: one row per user, kind (arrears / low_balance / usage_spike / outage) and event,
unique on the three, with what the notice names and when it was told; ``notice_preferences``: a
user's kinds turned off (or on again); no row means on.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

KINDS = ('arrears', 'low_balance', 'usage_spike', 'outage')


def _kind() -> sa.Enum:
    return sa.Enum(*KINDS, name='notice_kind', native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        'usage_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('event_key', sa.String(length=64), nullable=False),
        sa.Column('account_number', sa.String(length=10), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_usage_notices_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_notices')),
        sa.UniqueConstraint('user_id', 'kind', 'event_key', name=op.f('uq_usage_notices_user_id_kind_event_key')),
    )
    op.create_index(op.f('ix_usage_notices_user_id_delivered_at'), 'usage_notices', ['user_id', 'delivered_at'],
                    unique=False)
    op.create_table(
        'notice_preferences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_preferences')),
        sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notice_preferences_user_id_kind')),
    )


def downgrade() -> None:
    op.drop_table('notice_preferences')
    op.drop_index(op.f('ix_usage_notices_user_id_delivered_at'), table_name='usage_notices')
    op.drop_table('usage_notices')
