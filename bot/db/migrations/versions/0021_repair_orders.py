"""Repair orders (故障报修): the on-site statuses 已到达现场 and 已修复.

The statuses are stored as VARCHAR guarded by a named CHECK constraint (bot.db.types.str_enum:
no PostgreSQL enum type), so only the CHECKs of the three status columns change. As in 0006 they
are dropped and created by their conventional names in both directions (SQLite batch mode copies
a reflected CHECK verbatim). The fault report's details (type, description, contact phone, area
type and on-site commitment) live in the work order's ``form_data``: no new table.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_OLD_STATUSES = ('已受理', '待补充资料', '审核中', '已派单', '处理中', '已办结', '已驳回', '已撤销')
_NEW_STATUSES = ('已受理', '待补充资料', '审核中', '已派单', '已到达现场', '已修复', '处理中', '已办结', '已驳回',
                 '已撤销')
_TABLES = ('work_orders', 'work_order_events', 'order_notices')
# Downgrading: an order on site is still dispatched; a repaired one is done.
_BACK = {'已到达现场': '已派单', '已修复': '已办结'}


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
    for table in _TABLES:
        for new, old in _BACK.items():
            op.execute(sa.text(f"UPDATE {table} SET status = :old WHERE status = :new").bindparams(old=old, new=new))
    _replace_status_check(_OLD_STATUSES)
