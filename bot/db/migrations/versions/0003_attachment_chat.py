"""Uploads remember the chat they came from, so only that chat can use them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachments') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('sender_id', sa.String(length=128), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_channel_sender_id'), ['channel', 'sender_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attachments') as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_channel_sender_id'))
        batch_op.drop_column('sender_id')
        batch_op.drop_column('channel')
