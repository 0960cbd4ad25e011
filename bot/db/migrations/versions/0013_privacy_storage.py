"""Privacy storage: the slot vault (raw personal data kept out of the tracker store for a
short while), conversations to erase from the tracker store, and erasure requests awaiting
confirmation.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slot_vault',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('slot', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot_vault')),
    sa.UniqueConstraint('ref', name=op.f('uq_slot_vault_ref'))
    )
    op.create_index(op.f('ix_slot_vault_sender_id'), 'slot_vault', ['sender_id'], unique=False)
    op.create_index(op.f('ix_slot_vault_expires_at'), 'slot_vault', ['expires_at'], unique=False)
    op.create_table('tracker_erasures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_erasures'))
    )
    op.create_index(op.f('ix_tracker_erasures_sender_id'), 'tracker_erasures', ['sender_id'], unique=False)
    op.create_table('erasure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_erasure_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    sa.UniqueConstraint('user_id', name=op.f('uq_erasure_requests_user_id'))
    )


def downgrade() -> None:
    op.drop_table('erasure_requests')
    op.drop_index(op.f('ix_tracker_erasures_sender_id'), table_name='tracker_erasures')
    op.drop_table('tracker_erasures')
    op.drop_index(op.f('ix_slot_vault_expires_at'), table_name='slot_vault')
    op.drop_index(op.f('ix_slot_vault_sender_id'), table_name='slot_vault')
    op.drop_table('slot_vault')
