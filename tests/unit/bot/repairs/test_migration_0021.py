"""Migration 0021: the status CHECKs take 已到达现场 and 已修复 (written, since CHECKs are not
compared by the schema diff), and a downgrade maps them back to 已派单 and 已办结."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.db.migrate import downgrade, upgrade
from bot.db.session import make_engine

INSERT_ORDER = text(
    "INSERT INTO work_orders (id, order_no, kind, status, form_data, created_at, updated_at) "
    "VALUES (:id, :no, '故障报修', :status, '{}', '2026-11-23 01:00:00', '2026-11-23 01:00:00')"
)
INSERT_EVENT = text(
    "INSERT INTO work_order_events (work_order_id, status, at) VALUES (:id, :status, '2026-11-23 01:00:00')"
)
INSERT_USER = text("INSERT INTO users (id, phone, registered_at) VALUES (1, '13900000001', '2026-11-23 01:00:00')")
INSERT_NOTICE = text(
    "INSERT INTO order_notices (user_id, work_order_id, status, created_at) "
    "VALUES (1, :id, :status, '2026-11-23 01:00:00')"
)


def test_0021_allows_the_on_site_statuses_and_downgrades_them(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(INSERT_USER)
            for order_id, status in ((1, "已到达现场"), (2, "已修复")):
                connection.execute(INSERT_ORDER, {"id": order_id, "no": f"GD2026112300{order_id}", "status": status})
                connection.execute(INSERT_EVENT, {"id": order_id, "status": status})
                connection.execute(INSERT_NOTICE, {"id": order_id, "status": status})
        downgrade(empty_database_url, "0020")
        for table in ("work_orders", "work_order_events", "order_notices"):
            with engine.connect() as connection:
                rows = connection.execute(text(f"SELECT status FROM {table} ORDER BY work_order_id"
                                               if table != "work_orders" else
                                               "SELECT status FROM work_orders ORDER BY id")).scalars().all()
            assert rows == ["已派单", "已办结"], table
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(INSERT_ORDER, {"id": 3, "no": "GD20261123003", "status": "已到达现场"})
        upgrade(empty_database_url)
        with engine.begin() as connection:
            connection.execute(INSERT_ORDER, {"id": 3, "no": "GD20261123003", "status": "已到达现场"})
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(INSERT_ORDER, {"id": 4, "no": "GD20261123004", "status": "已到场"})
    finally:
        engine.dispose()
