"""Order notices: work-order status changes still to be told to the applicant.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_STATUSES = ('已受理', '待补充资料', '审核中', '已派单', '处理中', '已办结', '已驳回', '已撤销')


def upgrade() -> None:
    op.create_table('order_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum(*_STATUSES, name='work_order_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_order_notices_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_order_notices_work_order_id_work_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_notices'))
    )
    with op.batch_alter_table('order_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_notices_user_id_delivered_at'), ['user_id', 'delivered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_notices_work_order_id'), ['work_order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('order_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_notices_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_notices_user_id_delivered_at'))

    op.drop_table('order_notices')
