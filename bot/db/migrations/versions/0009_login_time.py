"""Login time of a chat identity, for idle and absolute login expiry (``logged_in_at``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('chat_identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logged_in_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chat_identities', schema=None) as batch_op:
        batch_op.drop_column('logged_in_at')
