"""Invoices and receipts issued for paid bills (one per bill and kind).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('vat', 'receipt', name='invoice_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['monthly_bills.id'], name=op.f('fk_invoices_bill_id_monthly_bills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('bill_id', 'kind', name=op.f('uq_invoices_bill_id_kind')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )


def downgrade() -> None:
    op.drop_table('invoices')
