"""Payments: frozen quotes (what a confirmed summary showed, and its SMS code), and the quote each payment paid.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payment_quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('needs_code', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('code_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payment_quotes_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_payment_quotes_account_id_electricity_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_id'], ['payment_instruments.id'], name=op.f('fk_payment_quotes_instrument_id_payment_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payment_quotes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_quotes')),
    sa.UniqueConstraint('token', name=op.f('uq_payment_quotes_token'))
    )
    with op.batch_alter_table('payment_quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_quotes_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_quotes_channel_sender_id'), ['channel', 'sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_quotes_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_quotes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_payments_quote_id'), ['quote_id'])
        batch_op.create_foreign_key(batch_op.f('fk_payments_quote_id_payment_quotes'), 'payment_quotes', ['quote_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_quote_id_payment_quotes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_payments_quote_id'), type_='unique')
        batch_op.drop_column('quote_id')

    with op.batch_alter_table('payment_quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_quotes_user_id'))
        batch_op.drop_index(batch_op.f('ix_payment_quotes_instrument_id'))
        batch_op.drop_index(batch_op.f('ix_payment_quotes_channel_sender_id'))
        batch_op.drop_index(batch_op.f('ix_payment_quotes_account_id'))

    op.drop_table('payment_quotes')
