"""Auto-debit ownership and gateway replay protection: the auto-debit event log (audit, notices
to the signer, the SMS code behind each change) and the nonces of gateway answers already taken.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_KINDS = ('signed_up', 'card_changed', 'cancelled', 'replaced', 'refused_other_user')


def upgrade() -> None:
    op.create_table('autopay_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('notify_user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*_KINDS, name='autopay_event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=True),
    sa.Column('verification_code_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_autopay_events_account_id_electricity_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_autopay_events_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['payment_instruments.id'], name=op.f('fk_autopay_events_instrument_id_payment_instruments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['notify_user_id'], ['users.id'], name=op.f('fk_autopay_events_notify_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verification_code_id'], ['verification_codes.id'], name=op.f('fk_autopay_events_verification_code_id_verification_codes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autopay_events')),
    sa.UniqueConstraint('verification_code_id', name=op.f('uq_autopay_events_verification_code_id'))
    )
    with op.batch_alter_table('autopay_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_autopay_events_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_autopay_events_actor_user_id'), ['actor_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_autopay_events_notify_user_id_delivered_at'), ['notify_user_id', 'delivered_at'], unique=False)

    op.create_table('gateway_nonces',
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_gateway_nonces'))
    )
    with op.batch_alter_table('gateway_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gateway_nonces_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('gateway_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gateway_nonces_seen_at'))
    op.drop_table('gateway_nonces')

    with op.batch_alter_table('autopay_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_autopay_events_notify_user_id_delivered_at'))
        batch_op.drop_index(batch_op.f('ix_autopay_events_actor_user_id'))
        batch_op.drop_index(batch_op.f('ix_autopay_events_account_id'))
    op.drop_table('autopay_events')
