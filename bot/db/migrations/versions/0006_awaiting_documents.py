"""Work-order status 待补充资料 (accepted, documents still to come).

Only the CHECK constraints of the two status columns change. They are dropped and
created by their conventional names in both directions: SQLite batch mode copies the
reflected CHECK verbatim, so a constraint left to the column type would keep the old
value list (see 0005).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_OLD_STATUSES = ('已受理', '审核中', '已派单', '处理中', '已办结', '已驳回', '已撤销')
_NEW_STATUSES = ('已受理', '待补充资料', '审核中', '已派单', '处理中', '已办结', '已驳回', '已撤销')
_TABLES = ('work_orders', 'work_order_events')


def _status_check(values: tuple[str, ...]) -> str:
    return 'status IN (' + ', '.join(f"'{value}'" for value in values) + ')'


def _replace_status_check(values: tuple[str, ...]) -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            name = batch_op.f(f'ck_{table}_work_order_status')
            batch_op.drop_constraint(name, type_='check')
            batch_op.create_check_constraint(name, _status_check(values))


def upgrade() -> None:
    _replace_status_check(_NEW_STATUSES)


def downgrade() -> None:
    # The old schema has no 待补充资料: such orders (and their history) go back to 已受理,
    # the status they had before the documents step existed.
    for table in _TABLES:
        op.execute(
            sa.text(f"UPDATE {table} SET status = '已受理' WHERE status = '待补充资料'")
        )
    _replace_status_check(_OLD_STATUSES)
