"""A small outage world: three Hangzhou districts, a few accounts, and a way to add outages."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from bot.db.enums import OutageKind, OutageStatus
from bot.db.models import Outage, OutageAccount, Region
from bot.db.session import SessionFactory
from tests.unit.db_factories import add_account

DISTRICTS = {"330106": "西湖区", "330105": "拱墅区", "330102": "上城区"}
ACCOUNTS = {
    "3301000101": ("330106", "浙江省杭州市西湖区文三路100号3幢201室"),
    "3301000102": ("330106", "浙江省杭州市西湖区天目山路21号"),
    "3301000103": ("330105", "浙江省杭州市拱墅区湖墅南路8号"),
    "3301000104": ("330102", "浙江省杭州市上城区解放路58号"),
}

AddOutage = Callable[..., int]


@pytest.fixture
def world(session_factory: SessionFactory) -> SessionFactory:
    with session_factory.session_scope() as session:
        for code, district in DISTRICTS.items():
            session.add(Region(code=code, province="浙江省", city="杭州市", district=district,
                               tariff_key="zhejiang", supply_company="国网浙江省电力有限公司杭州供电公司",
                               account_prefix="3301"))
        session.flush()
        for number, (code, address) in ACCOUNTS.items():
            add_account(session, number, code, address=address)
    return session_factory


@pytest.fixture
def add_outage_row(world: SessionFactory) -> AddOutage:
    """Insert an outage directly (the registry's checks are tested on their own); its id."""

    def add(
        starts_at: datetime, ends_at: datetime, *, region: str = "330106", street: str | None = None,
        accounts: tuple[str, ...] = (), kind: OutageKind = OutageKind.PLANNED, reason: str = "线路检修",
        closed: bool = False,
    ) -> int:
        with world.session_scope() as session:
            outage = Outage(
                kind=kind, status=OutageStatus.CLOSED if closed else OutageStatus.OPEN, region_code=region,
                street=street, reason=reason, starts_at=starts_at, ends_at=ends_at, created_at=starts_at,
                closed_at=ends_at if closed else None,
                accounts=[OutageAccount(account_number=n) for n in accounts],
            )
            session.add(outage)
            session.flush()
            return outage.id

    return add
