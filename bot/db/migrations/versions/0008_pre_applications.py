"""Pre-applications: the demo business system's table, and the outbox columns on work orders.

``pre_applications`` is what the local stand-in for the 营销业务应用系统 received;
``work_orders.business_ref`` / ``forwarded_at`` record that an order was forwarded
(null while pending).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_KINDS = ('更名', '过户', '个人新装', '企业新装', '故障报修')


def upgrade() -> None:
    op.create_table('pre_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum(*_KINDS, name='work_order_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('form_data', sa.JSON(), nullable=False),
    sa.Column('attachment_ids', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pre_applications')),
    sa.UniqueConstraint('order_no', name=op.f('uq_pre_applications_order_no')),
    sa.UniqueConstraint('reference', name=op.f('uq_pre_applications_reference'))
    )
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('business_ref', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('forwarded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_column('forwarded_at')
        batch_op.drop_column('business_ref')

    op.drop_table('pre_applications')
