"""Account binding: the pending-bind list, owner consent requests, one real name per ID.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table('binding_consent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_user_id', sa.Integer(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='consent_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'pending' AND decided_at IS NULL) OR (status <> 'pending' AND decided_at IS NOT NULL)", name=op.f('ck_binding_consent_requests_decided_unless_pending')),
    sa.CheckConstraint('delivered_at IS NULL OR decided_at IS NOT NULL', name=op.f('ck_binding_consent_requests_delivered_after_decision')),
    sa.CheckConstraint('requester_user_id <> owner_user_id', name=op.f('ck_binding_consent_requests_requester_is_not_owner')),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_binding_consent_requests_account_id_electricity_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_binding_consent_requests_owner_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_user_id'], ['users.id'], name=op.f('fk_binding_consent_requests_requester_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_binding_consent_requests'))
    )
    op.create_index(op.f('ix_binding_consent_requests_account_id'), 'binding_consent_requests', ['account_id'], unique=False)
    op.create_index(op.f('ix_binding_consent_requests_owner_user_id'), 'binding_consent_requests', ['owner_user_id'], unique=False)
    op.create_index(op.f('ix_binding_consent_requests_requester_user_id'), 'binding_consent_requests', ['requester_user_id'], unique=False)
    op.create_index('uq_binding_consent_requests_one_pending', 'binding_consent_requests', ['requester_user_id', 'account_id'], unique=True, sqlite_where=_PENDING, postgresql_where=_PENDING)

    op.create_table('pending_bindings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_pending_bindings_account_id_electricity_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_bindings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_bindings')),
    sa.UniqueConstraint('user_id', 'account_id', name=op.f('uq_pending_bindings_user_id_account_id'))
    )
    op.create_index(op.f('ix_pending_bindings_account_id'), 'pending_bindings', ['account_id'], unique=False)

    # One person's ID number verifies one user only.
    with op.batch_alter_table('real_name_records') as batch_op:
        batch_op.drop_index('ix_real_name_records_id_number_hash')
        batch_op.create_index(batch_op.f('ix_real_name_records_id_number_hash'), ['id_number_hash'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('real_name_records') as batch_op:
        batch_op.drop_index(batch_op.f('ix_real_name_records_id_number_hash'))
        batch_op.create_index('ix_real_name_records_id_number_hash', ['id_number_hash'], unique=False)
    # Dropping a table drops its indexes and constraints too.
    op.drop_table('pending_bindings')
    op.drop_table('binding_consent_requests')
