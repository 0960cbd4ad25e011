"""Channel state: the numbered options each chat on a channel without buttons was last shown
(``numbered_option_sets``), shared by every replica.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'numbered_option_sets',
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('sender_id', sa.String(length=128), nullable=False),
        sa.Column('payloads', sa.JSON(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'sender_id', name=op.f('pk_numbered_option_sets')),
    )
    op.create_index(op.f('ix_numbered_option_sets_expires_at'), 'numbered_option_sets', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_numbered_option_sets_expires_at'), table_name='numbered_option_sets')
    op.drop_table('numbered_option_sets')
