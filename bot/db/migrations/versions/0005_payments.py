"""Payments: instruments (wallet, bank cards), auto-debit mandates, how each payment was applied.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payment_instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('wallet', 'bank_card', name='instrument_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('bank_name', sa.String(length=32), nullable=True),
    sa.Column('card_type', sa.String(length=16), nullable=True),
    sa.Column('last4', sa.String(length=4), nullable=True),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'wallet' OR (bank_name IS NOT NULL AND card_type IS NOT NULL AND length(last4) = 4)", name=op.f('ck_payment_instruments_card_described')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payment_instruments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_instruments')),
    sa.UniqueConstraint('token', name=op.f('uq_payment_instruments_token'))
    )
    with op.batch_alter_table('payment_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_instruments_user_id'), ['user_id'], unique=False)

    op.create_table('autopay_mandates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_autopay_mandates_account_id_electricity_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_id'], ['payment_instruments.id'], name=op.f('fk_autopay_mandates_instrument_id_payment_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_autopay_mandates_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autopay_mandates'))
    )
    with op.batch_alter_table('autopay_mandates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_autopay_mandates_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_autopay_mandates_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_autopay_mandates_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_autopay_mandates_one_active_per_account', ['account_id'], unique=True, sqlite_where=sa.text('cancelled_at IS NULL'), postgresql_where=sa.text('cancelled_at IS NULL'))

    with op.batch_alter_table('monthly_bills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_fee_paid_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instrument_id', sa.Integer(), nullable=True))
        # The CHECK is created on its own so it gets the conventional name on SQLite too.
        batch_op.add_column(sa.Column('purpose', sa.String(length=32), server_default='bill', nullable=False))
        batch_op.create_check_constraint('payment_purpose', "purpose IN ('bill', 'prepay', 'autopay')")
        batch_op.add_column(sa.Column('transaction_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('late_fee_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('prepaid_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('allocation', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_payments_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payments_instrument_id_payment_instruments'), 'payment_instruments', ['instrument_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_instrument_id_payment_instruments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payments_instrument_id'))
        batch_op.drop_column('allocation')
        batch_op.drop_column('prepaid_fen')
        batch_op.drop_column('late_fee_fen')
        batch_op.drop_column('transaction_id')
        batch_op.drop_constraint(batch_op.f('ck_payments_payment_purpose'), type_='check')
        batch_op.drop_column('purpose')
        batch_op.drop_column('instrument_id')

    with op.batch_alter_table('monthly_bills', schema=None) as batch_op:
        batch_op.drop_column('late_fee_paid_fen')

    with op.batch_alter_table('autopay_mandates', schema=None) as batch_op:
        batch_op.drop_index('uq_autopay_mandates_one_active_per_account', sqlite_where=sa.text('cancelled_at IS NULL'), postgresql_where=sa.text('cancelled_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_autopay_mandates_user_id'))
        batch_op.drop_index(batch_op.f('ix_autopay_mandates_instrument_id'))
        batch_op.drop_index(batch_op.f('ix_autopay_mandates_account_id'))

    op.drop_table('autopay_mandates')
    with op.batch_alter_table('payment_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_instruments_user_id'))

    op.drop_table('payment_instruments')
