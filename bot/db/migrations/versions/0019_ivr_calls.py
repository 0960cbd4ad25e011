"""IVR calls: the state of each hotline call between its requests (``ivr_calls``), shared by
every replica; the caller's number only while the call is live.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ivr_calls',
        sa.Column('conversation_id', sa.String(length=100), nullable=False),
        sa.Column('caller', sa.String(length=11), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('misses', sa.Integer(), nullable=False),
        sa.Column('pending_text', sa.Text(), nullable=True),
        sa.Column('digits', sa.String(length=32), nullable=False),
        sa.CheckConstraint('misses >= 0', name=op.f('ck_ivr_calls_misses_not_negative')),
        sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_ivr_calls')),
    )
    op.create_index(op.f('ix_ivr_calls_expires_at'), 'ivr_calls', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ivr_calls_expires_at'), table_name='ivr_calls')
    op.drop_table('ivr_calls')
