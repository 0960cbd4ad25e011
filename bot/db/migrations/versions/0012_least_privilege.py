"""Accounts: the holder's ID hash (户主 is decided by the ID, not the name), and the
binding look-ups counted against the daily limit.

Existing accounts get no holder ID hash: until the business system supplies it, nobody
new can certify them or act as 户主本人 by name (certified owners stay owners).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('electricity_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_id_hash', sa.String(length=64), nullable=True))

    op.create_table('binding_lookups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('looked_up_on', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_binding_lookups_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_binding_lookups')),
    sa.UniqueConstraint('user_id', 'looked_up_on', 'subject', name=op.f('uq_binding_lookups_user_id_looked_up_on_subject'))
    )


def downgrade() -> None:
    op.drop_table('binding_lookups')
    with op.batch_alter_table('electricity_accounts', schema=None) as batch_op:
        batch_op.drop_column('holder_id_hash')
