"""Demo outages (停电信息) around the demo addresses, laid out relative to now:

- under way now: 故障抢修 on 拱墅区湖墅南路 (account 3301000003, bound by 13800000004 赵强);
- tomorrow 08:00–17:00: 计划检修 on 西湖区文三路 (3301000001, 张伟's default account);
- next week: 临时检修 for a list of 户号 in 西湖区 (3301000004 only);
- last week: 故障抢修 on 上城区解放路 (3301000002), closed when the power came back.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.enums import OutageKind, OutageStatus
from bot.db.models import Outage, OutageAccount
from bot.demo.writer import SeedWriter, china_time


@dataclass(frozen=True)
class DemoOutage:
    kind: OutageKind
    region_code: str
    reason: str
    street: str | None = None
    account_numbers: tuple[str, ...] = ()
    # Relative to now: (days from today, "HH:MM") for both ends, or None to start an hour ago.
    starts: tuple[int, str] | None = None
    hours: float = 4.0
    closed: bool = False


DEMO_OUTAGES = (
    DemoOutage(OutageKind.FAULT, "330105", "10千伏湖墅线电缆故障，正在抢修", street="湖墅南路", hours=5),
    DemoOutage(OutageKind.PLANNED, "330106", "10千伏文三线线路计划检修", street="文三路", starts=(1, "08:00"),
               hours=9),
    DemoOutage(OutageKind.TEMPORARY, "330106", "表箱更换临时停电", account_numbers=("3301000004",),
               starts=(7, "09:00"), hours=3),
    DemoOutage(OutageKind.FAULT, "330102", "大风导致线路跳闸，已抢修恢复", street="解放路", starts=(-7, "14:00"),
               hours=4.5, closed=True),
)


def seed_outages(db: SeedWriter, demo_outages: Iterable[DemoOutage], now: datetime) -> None:
    """Upserted by (district, reason), so seeding again moves them with the clock."""
    today = now.date()
    for demo in demo_outages:
        if demo.starts is None:
            starts_at = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        else:
            starts_at = china_time(today + timedelta(days=demo.starts[0]), demo.starts[1])
        ends_at = starts_at + timedelta(hours=demo.hours)
        outage = db.upsert(
            Outage,
            {"region_code": demo.region_code, "reason": demo.reason},
            kind=demo.kind,
            street=demo.street,
            starts_at=starts_at,
            ends_at=ends_at,
            created_at=min(now, starts_at) - timedelta(days=2),
            status=OutageStatus.CLOSED if demo.closed else OutageStatus.OPEN,
            closed_at=ends_at if demo.closed else None,
        )
        listed = {row.account_number for row in outage.accounts}
        for number in demo.account_numbers:
            if number not in listed:
                outage.accounts.append(OutageAccount(account_number=number))
