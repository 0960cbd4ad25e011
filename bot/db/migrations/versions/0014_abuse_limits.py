"""Abuse limits: daily counters (``limit_counters``) and the chat that asked for each SMS
code (``verification_codes.requested_by``), for the per-chat code limits.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'limit_counters',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('used', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('used >= 0', name=op.f('ck_limit_counters_used_not_negative')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_limit_counters')),
    )
    op.create_index(op.f('ix_limit_counters_expires_at'), 'limit_counters', ['expires_at'], unique=False)
    with op.batch_alter_table('verification_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by', sa.String(length=161), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_verification_codes_requested_by_created_at'), ['requested_by', 'created_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('verification_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_codes_requested_by_created_at'))
        batch_op.drop_column('requested_by')
    op.drop_index(op.f('ix_limit_counters_expires_at'), table_name='limit_counters')
    op.drop_table('limit_counters')
