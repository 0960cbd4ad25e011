"""Payment outcome notices: a payment whose outcome was still being confirmed when the payer
left, settled later by ``python -m bot payments resolve``, is a notice for the payer until told.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_notice_due', sa.Boolean(), nullable=False, server_default=sa.text('false')))
        batch_op.create_index(batch_op.f('ix_payments_user_id_outcome_notice_due'), ['user_id', 'outcome_notice_due'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_user_id_outcome_notice_due'))
        batch_op.drop_column('outcome_notice_due')
