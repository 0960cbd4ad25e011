"""Operators add, close and list outages: through the service and through ``python -m bot outages``."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import bot.outages.cli  # noqa: F401  (registers "outages add", "outages close", "outages list")
from bot.cli import main
from bot.clock import CHINA_TZ, FixedClock
from bot.db.enums import OutageKind, OutageStatus
from bot.db.models import Outage, OutageAccount
from bot.db.session import SessionFactory
from bot.outages.cli import parse_moment
from bot.outages.matching import OutageView, outages_for_account
from bot.outages.registry import (
    NewOutage,
    OutageProblem,
    OutageProblemReason,
    add_outage,
    close_outage,
    list_outages,
)
from bot.settings import Settings

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=CHINA_TZ)
START, END = datetime(2026, 12, 3, 8, 0, tzinfo=CHINA_TZ), datetime(2026, 12, 3, 17, 0, tzinfo=CHINA_TZ)
TOMORROW = (datetime(2026, 12, 3, tzinfo=CHINA_TZ), datetime(2026, 12, 4, tzinfo=CHINA_TZ))
R = OutageProblemReason


def _new(**changes: object) -> NewOutage:
    fields: dict[str, object] = dict(kind=OutageKind.PLANNED, reason="10千伏线路检修", starts_at=START, ends_at=END,
                                     district="西湖区")
    fields.update(changes)
    return NewOutage(**fields)  # type: ignore[arg-type]


def test_add_close_and_list(world: SessionFactory) -> None:
    clock = FixedClock(NOW)
    added = add_outage(world, clock, _new(street=" 文三路 "))
    assert isinstance(added, OutageView)
    assert (added.area_label, added.kind, added.closed) == ("杭州市西湖区文三路", OutageKind.PLANNED, False)
    assert outages_for_account(world, account_number="3301000101", window=TOMORROW) == [added]
    listed = add_outage(world, clock, _new(district=None, account_numbers=["3301000102", " "],
                                           kind=OutageKind.TEMPORARY, starts_at=START + timedelta(hours=1)))
    assert isinstance(listed, OutageView) and listed.area_label == "杭州市西湖区（部分用户）"
    assert list_outages(world) == [(listed, 1), (added, 0)]

    clock.advance(timedelta(days=1))
    closed = close_outage(world, clock, outage_id=added.id)
    assert isinstance(closed, OutageView) and closed.closed
    assert outages_for_account(world, account_number="3301000101", window=TOMORROW) == []
    assert list_outages(world) == [(listed, 1)]
    assert [view.id for view, _ in list_outages(world, include_closed=True)] == [listed.id, added.id]
    assert list_outages(world, include_closed=True, limit=1) == [(listed, 1)]
    with world.session_scope() as session:
        row = session.get(Outage, added.id)
        assert row is not None and (row.status, row.closed_at, row.created_at) == (
            OutageStatus.CLOSED, NOW + timedelta(days=1), NOW)
    assert close_outage(world, clock, outage_id=added.id) == OutageProblem(R.ALREADY_CLOSED)
    assert close_outage(world, clock, outage_id=99999) == OutageProblem(R.NOT_FOUND)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"district": "滨江区"}, OutageProblem(R.UNKNOWN_DISTRICT, "滨江区")),
        ({"district": None}, OutageProblem(R.NO_AREA)),
        ({"street": "文三路", "account_numbers": ["3301000101"]}, OutageProblem(R.STREET_AND_ACCOUNTS)),
        ({"account_numbers": ["3301000101", "3301999990"]}, OutageProblem(R.UNKNOWN_ACCOUNTS, "3301999990")),
        ({"account_numbers": ["3301000101", "3301000103"]}, OutageProblem(R.OTHER_DISTRICT, "330105 330106")),
        ({"district": None, "account_numbers": ["3301000101", "3301000104"]},
         OutageProblem(R.OTHER_DISTRICT, "330102 330106")),
        ({"ends_at": START}, OutageProblem(R.ENDS_BEFORE_START)),
        ({"starts_at": datetime(2026, 12, 3, 8)}, OutageProblem(R.NAIVE_TIME)),
        ({"reason": "  "}, OutageProblem(R.EMPTY_REASON)),
        ({"reason": "检" * 201}, OutageProblem(R.TOO_LONG)),
    ],
)
def test_what_is_refused(world: SessionFactory, changes: dict[str, object], problem: OutageProblem) -> None:
    assert add_outage(world, FixedClock(NOW), _new(**changes)) == problem
    assert list_outages(world, include_closed=True) == []


def test_the_database_refuses_an_outage_that_ends_before_it_starts(world: SessionFactory) -> None:
    with pytest.raises(IntegrityError), world.session_scope() as session:
        session.add(Outage(kind=OutageKind.FAULT, status=OutageStatus.OPEN, region_code="330106", reason="x",
                           starts_at=END, ends_at=START, created_at=NOW))


def test_parse_moment() -> None:
    today = date(2026, 12, 31)
    assert parse_moment("2027-01-02 08:30", today) == datetime(2027, 1, 2, 8, 30, tzinfo=CHINA_TZ)
    assert parse_moment("明天 8:00", today) == datetime(2027, 1, 1, 8, 0, tzinfo=CHINA_TZ)
    assert parse_moment("下周一 09:00", today) == datetime(2027, 1, 4, 9, 0, tzinfo=CHINA_TZ)
    assert parse_moment("18:00", today) == datetime(2026, 12, 31, 18, 0, tzinfo=CHINA_TZ)
    for bad in ("明天", "这周 08:00", "2月30日 08:00"):
        with pytest.raises(ValueError):
            parse_moment(bad, today)


def test_the_outages_cli(world: SessionFactory, migrated_database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings, clock = Settings(database_url=migrated_database_url), FixedClock(NOW)
    assert main(["outages", "list"], settings=settings, clock=clock) == 0
    assert capsys.readouterr().out == "no open outages\n"
    assert main(["outages", "add", "--kind", "计划检修", "--district", "西湖区", "--street", "文三路",
                 "--start", "明天 08:00", "--end", "明天 17:00", "--reason", "10千伏文三线检修"],
                settings=settings, clock=clock) == 0
    [line] = capsys.readouterr().out.splitlines()
    with world.session_scope() as session:
        first = session.scalars(select(Outage.id)).one()
    assert line == (f"#{first}  open  计划检修  2026-12-03 08:00 → 2026-12-03 17:00  "
                    "杭州市西湖区文三路  10千伏文三线检修")
    assert main(["outages", "add", "--kind", "fault", "--accounts", "3301000102，3301000101",
                 "--start", "2026-12-02 09:00", "--end", "2026-12-02 13:30", "--reason", "表箱故障"],
                settings=settings, clock=clock) == 0
    second = first + 1
    assert capsys.readouterr().out == (
        f"#{second}  open  故障抢修  2026-12-02 09:00 → 2026-12-02 13:30  "
        "杭州市西湖区（部分用户）  accounts=2  表箱故障\n")
    with world.session_scope() as session:
        assert sorted(session.scalars(select(OutageAccount.account_number))) == ["3301000101", "3301000102"]

    assert main(["outages", "close", str(first)], settings=settings, clock=clock) == 0
    assert capsys.readouterr().out.startswith(f"#{first}  closed  计划检修")
    assert main(["outages", "list"], settings=settings, clock=clock) == 0
    assert [row.split()[0] for row in capsys.readouterr().out.splitlines()] == [f"#{second}"]
    assert main(["outages", "list", "--all"], settings=settings, clock=clock) == 0
    assert [row.split()[0] for row in capsys.readouterr().out.splitlines()] == [f"#{first}", f"#{second}"]

    assert main(["outages", "close", str(first)], settings=settings, clock=clock) == 1
    assert capsys.readouterr().err == f"error: outage #{first} is already closed\n"
    assert main(["outages", "add", "--kind", "计划检修", "--district", "滨江区", "--start", "明天 08:00",
                 "--end", "明天 07:00", "--reason", "x"], settings=settings, clock=clock) == 1
    assert capsys.readouterr().err == "error: --end must come after --start\n"
    assert main(["outages", "add", "--kind", "计划检修", "--district", "滨江区", "--start", "明天 08:00",
                 "--end", "明天 09:00", "--reason", "x"], settings=settings, clock=clock) == 1
    assert capsys.readouterr().err == "error: unknown district 滨江区 (see data/regions.yml)\n"
    assert main(["outages", "add", "--kind", "停电", "--district", "西湖区", "--start", "明天 08:00",
                 "--end", "明天 09:00", "--reason", "x"], settings=settings, clock=clock) == 2
    assert "expected one of: 计划检修 故障抢修 临时检修" in capsys.readouterr().err
    assert main(["outages", "add", "--kind", "计划检修", "--district", "西湖区", "--start", "某天 08:00",
                 "--end", "明天 09:00", "--reason", "x"], settings=settings, clock=clock) == 1
    assert capsys.readouterr().err == "error: not one day: '某天'\n"
