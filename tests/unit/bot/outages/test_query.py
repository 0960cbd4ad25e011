"""停电查询 as asked, on the demo data (seeded at 2026-11-23 09:00, a Monday): by the default bound
account, a named one, a district, a street, and by day; and the demo outages themselves."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from bot.billing.tariff import TariffBook
from bot.clock import CHINA_TZ, FixedClock
from bot.db.enums import OutageKind
from bot.db.models import Outage, OutageAccount
from bot.db.session import SessionFactory
from bot.demo.seed import seed_demo_data
from bot.outages.query import (
    AccountNotBound,
    AreaNeeded,
    InvalidDate,
    OutageAsk,
    OutagesFound,
    UnknownDistrict,
    answer_outage_query,
)
from bot.text.days import DayRange
from tests.unit.db_factories import user_id_of

ZHANG = "13800000001"  # 张伟: 3301000001 (西湖区文三路) bound as default
ZHAO = "13800000004"  # 赵强: 3301000003 (拱墅区湖墅南路)
LI = "13800000002"  # 李娜: nothing bound
TOMORROW = DayRange(date(2026, 11, 24), date(2026, 11, 24))


def _found(answer: object) -> OutagesFound:
    assert isinstance(answer, OutagesFound), answer
    return answer


def _reasons(answer: object) -> list[str]:
    return [view.reason for view in _found(answer).outages]


def test_the_demo_outages(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    with demo_db.session_scope() as session:
        rows = {o.reason: o for o in session.scalars(select(Outage))}
        assert {r: (o.kind, o.region_code, o.street, o.status.value) for r, o in rows.items()} == {
            "10千伏湖墅线电缆故障，正在抢修": (OutageKind.FAULT, "330105", "湖墅南路", "open"),
            "10千伏文三线线路计划检修": (OutageKind.PLANNED, "330106", "文三路", "open"),
            "表箱更换临时停电": (OutageKind.TEMPORARY, "330106", None, "open"),
            "大风导致线路跳闸，已抢修恢复": (OutageKind.FAULT, "330102", "解放路", "closed"),
        }
        current = rows["10千伏湖墅线电缆故障，正在抢修"]
        assert current.starts_at <= fixed_clock.now() < current.ends_at
        planned = rows["10千伏文三线线路计划检修"]
        assert planned.starts_at == datetime(2026, 11, 24, 8, tzinfo=CHINA_TZ)
        assert planned.ends_at == datetime(2026, 11, 24, 17, tzinfo=CHINA_TZ)
        past = rows["大风导致线路跳闸，已抢修恢复"]
        assert past.starts_at == datetime(2026, 11, 16, 14, tzinfo=CHINA_TZ) and past.closed_at == past.ends_at
        assert [a.account_number for a in rows["表箱更换临时停电"].accounts] == ["3301000004"]


def test_seeding_again_moves_the_outages_with_the_clock(
    demo_db: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook
) -> None:
    later = FixedClock(fixed_clock.now() + timedelta(days=3))
    seed_demo_data(demo_db, tariffs, later)
    with demo_db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Outage)) == 4
        assert session.scalar(select(func.count()).select_from(OutageAccount)) == 1
        planned = session.scalars(select(Outage).where(Outage.street == "文三路")).one()
        assert planned.starts_at == datetime(2026, 11, 27, 8, tzinfo=CHINA_TZ)


def test_the_default_account_by_day(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    ask = OutageAsk("我家明天停电吗", time="明天")
    tomorrow = _found(answer_outage_query(demo_db, fixed_clock, ask, user_id=zhang))
    assert (tomorrow.account_number, tomorrow.area_label, tomorrow.days) == ("3301000001", None, TOMORROW)
    assert _reasons(tomorrow) == ["10千伏文三线线路计划检修"]
    today = answer_outage_query(demo_db, fixed_clock, OutageAsk("今天停电吗"), user_id=zhang)
    assert _reasons(today) == []
    # Nothing said about the day: today and the next six days.
    week = _found(answer_outage_query(demo_db, fixed_clock, OutageAsk("停电查询"), user_id=zhang))
    assert week.days == DayRange(date(2026, 11, 23), date(2026, 11, 29))
    assert _reasons(week) == ["10千伏文三线线路计划检修"]


def test_an_outage_under_way_now(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhao = user_id_of(demo_db, ZHAO)
    answer = answer_outage_query(demo_db, fixed_clock, OutageAsk("现在是不是停电了"), user_id=zhao)
    assert _found(answer).account_number == "3301000003"
    assert _reasons(answer) == ["10千伏湖墅线电缆故障，正在抢修"]


def test_a_named_account_must_be_bound(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    ask = OutageAsk("3301000004下周停电吗", time="下周", account_number="3301000004")
    assert answer_outage_query(demo_db, fixed_clock, ask, user_id=zhang) == AccountNotBound()
    named = OutageAsk("3301000001明天停电吗", time="明天", account_number="3301000001")
    assert _reasons(answer_outage_query(demo_db, fixed_clock, named, user_id=zhang)) == ["10千伏文三线线路计划检修"]
    # An anonymous chat is not told about accounts: it is asked for a district (or to log in).
    assert answer_outage_query(demo_db, fixed_clock, ask, user_id=None) == AreaNeeded(logged_in=False)


def test_by_district_anyone_may_ask(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    ask = OutageAsk("西湖区明天停电吗", time="明天", region="西湖区")
    answer = _found(answer_outage_query(demo_db, fixed_clock, ask, user_id=None))
    assert (answer.area_label, answer.account_number) == ("杭州市西湖区", None)
    assert _reasons(answer) == ["10千伏文三线线路计划检修"]
    next_week = OutageAsk("西湖区下周停电吗", region="西湖区")  # the day from the text: no time entity
    assert _reasons(answer_outage_query(demo_db, fixed_clock, next_week, user_id=None)) == ["表箱更换临时停电"]
    # A district named in the text without an entity; the area wins over the user's own account.
    zhang = user_id_of(demo_db, ZHANG)
    said = _found(answer_outage_query(demo_db, fixed_clock, OutageAsk("拱墅区今天停电吗"), user_id=zhang))
    assert said.area_label == "杭州市拱墅区" and _reasons(said) == ["10千伏湖墅线电缆故障，正在抢修"]
    # Last week's outage is closed: nothing is known.
    past = OutageAsk("上城区上周停电了吗", region="上城区", time="上周")
    assert _reasons(answer_outage_query(demo_db, fixed_clock, past, user_id=None)) == []


def test_by_street(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    full = OutageAsk("杭州市西湖区文三路明天停电吗", time="明天", address="杭州市西湖区文三路")
    answer = _found(answer_outage_query(demo_db, fixed_clock, full, user_id=None))
    assert answer.area_label == "杭州市西湖区文三路" and _reasons(answer) == ["10千伏文三线线路计划检修"]
    other = OutageAsk("西湖区保俶路明天停电吗", time="明天", address="西湖区保俶路")
    assert _reasons(answer_outage_query(demo_db, fixed_clock, other, user_id=None)) == []
    # A street alone is read in the district of the user's default account (张伟: 西湖区).
    bare = OutageAsk("文三路明天停不停电", time="明天", address="文三路")
    assert answer_outage_query(demo_db, fixed_clock, bare, user_id=None) == AreaNeeded(logged_in=False)
    zhang = user_id_of(demo_db, ZHANG)
    answer = _found(answer_outage_query(demo_db, fixed_clock, bare, user_id=zhang))
    assert answer.area_label == "杭州市西湖区文三路" and _reasons(answer) == ["10千伏文三线线路计划检修"]


def test_what_cannot_be_answered(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    assert answer_outage_query(demo_db, fixed_clock, OutageAsk("最近停电吗"), user_id=None) == AreaNeeded(False)
    li = user_id_of(demo_db, LI)
    assert answer_outage_query(demo_db, fixed_clock, OutageAsk("最近停电吗"), user_id=li) == AreaNeeded(True)
    unknown = OutageAsk("宁波市海曙区明天停电吗", region="宁波市海曙区", time="明天")
    assert answer_outage_query(demo_db, fixed_clock, unknown, user_id=None) == UnknownDistrict("宁波市海曙区")
    bad_day = OutageAsk("西湖区2月30日停电吗", region="西湖区", time="2月30日")
    assert answer_outage_query(demo_db, fixed_clock, bad_day, user_id=None) == InvalidDate()
