"""The demo data: exactly the documented people, accounts and bills, relative to today."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from bot.billing.tariff import TariffBook
from bot.clock import CHINA_TZ, Clock, FixedClock
from bot.db.base import metadata
from bot.db.enums import BillStatus, HalfDay, WorkOrderKind, WorkOrderStatus
from bot.db.id_hash import hash_id_number
from bot.db.models import (
    AccountBinding,
    AppointmentSlot,
    CitizenRecord,
    ElectricityAccount,
    MonthlyBill,
    Payment,
    RealNameRecord,
    Region,
    User,
    WorkOrder,
)
from bot.db.session import SessionFactory
from bot.demo.seed import (
    CITIZENS,
    DemoPerson,
    bill_periods,
    demo_data_present,
    demo_monthly_kwh,
    seed_demo_data,
    tier_kwh,
)
from bot.money import yuan_to_fen
from tests.unit.conftest import FIXED_NOW

# number, holder, address, category, holder kind, district code
ACCOUNT_TABLE = {
    ("3301000001", "张伟", "浙江省杭州市西湖区文三路100号3幢201室", "低压居民", "individual", "330106"),
    ("3301000002", "王芳", "浙江省杭州市上城区解放路58号", "低压居民", "individual", "330102"),
    ("3301000003", "赵强", "浙江省杭州市拱墅区湖墅南路8号", "低压居民", "individual", "330105"),
    ("3301000004", "刘洋", "浙江省杭州市西湖区天目山路21号", "低压居民", "individual", "330106"),
    ("3301000005", "陈静", "浙江省杭州市上城区河坊街66号", "低压非居民", "individual", "330102"),
    ("1101000001", "孙磊", "北京市海淀区中关村大街27号", "低压居民", "individual", "110108"),
    ("1101000002", "北京星火科技有限公司", "北京市朝阳区建国路88号", "低压非居民", "enterprise",
     "110105"),
    ("6501000001", "新疆天山纺织有限公司", "新疆维吾尔自治区乌鲁木齐市天山区解放北路1号", "高压",
     "enterprise", "650102"),
}
TARIFF_KEYS = {"3301": "zhejiang", "1101": "beijing", "6501": "xinjiang"}
OTHER_TODAY = datetime(2027, 3, 15, 14, 30, tzinfo=CHINA_TZ)


@pytest.fixture
def seeded(session_factory: SessionFactory, tariffs: TariffBook, fixed_clock: FixedClock
           ) -> SessionFactory:
    seed_demo_data(session_factory, tariffs, fixed_clock)
    return session_factory


def _accounts(session: Session) -> dict[str, ElectricityAccount]:
    return {a.account_number: a for a in session.scalars(select(ElectricityAccount))}


def _bills(session: Session) -> dict[str, list[MonthlyBill]]:
    bills: dict[str, list[MonthlyBill]] = defaultdict(list)
    for bill in session.scalars(select(MonthlyBill).order_by(MonthlyBill.period)):
        bills[bill.account.account_number].append(bill)
    return bills


def test_users_and_real_names(seeded: SessionFactory) -> None:
    with seeded.session_scope() as session:
        users = {u.phone: u for u in session.scalars(select(User))}
        assert set(users) == {"13800000001", "13800000002", "13800000003", "13800000004"}
        names = {
            phone: (user.real_name.name, user.real_name.id_number_hash,
                    user.real_name.id_number_masked)
            for phone, user in users.items()
            if user.real_name is not None
        }
        assert names == {
            "13800000001": ("张伟", hash_id_number("33010619900101123X"), "3301**********123X"),
            "13800000002": ("李娜", hash_id_number("330106198512152347"), "3301**********2347"),
            "13800000004": ("赵强", hash_id_number("330102197808083459"), "3301**********3459"),
        }
        assert len(session.scalars(select(RealNameRecord)).all()) == 3
        assert all(u.registered_at < FIXED_NOW for u in users.values())


def test_accounts_match_the_documented_table(seeded: SessionFactory) -> None:
    with seeded.session_scope() as session:
        accounts = _accounts(session)
        assert {
            (a.account_number, a.holder_name, a.address, str(a.category), str(a.holder_kind),
             a.region_code)
            for a in accounts.values()
        } == ACCOUNT_TABLE
        for number, account in accounts.items():
            assert account.region.tariff_key == TARIFF_KEYS[number[:4]]
            assert account.region.account_prefix == number[:4]
            assert account.version == 1
        assert accounts["3301000002"].prepaid_balance_fen == 5600
        assert all(a.prepaid_balance_fen == 0 for n, a in accounts.items() if n != "3301000002")
        assert [n for n, a in accounts.items() if a.peak_valley] == ["3301000001"]


def test_owners_and_bindings(seeded: SessionFactory) -> None:
    with seeded.session_scope() as session:
        accounts = _accounts(session)
        owners = {n: a.owner.phone for n, a in accounts.items() if a.owner is not None}
        assert owners == {"3301000001": "13800000001", "3301000003": "13800000004"}
        bindings = {
            (b.user.phone, b.account.account_number, b.is_default)
            for b in session.scalars(select(AccountBinding))
        }
        assert bindings == {("13800000001", "3301000001", True), ("13800000004", "3301000003", True)}


def test_thirteen_monthly_bills_issued_and_due_in_the_next_month(seeded: SessionFactory) -> None:
    expected_periods = [_plus_months(date(2025, 10, 1), n) for n in range(13)]
    assert expected_periods[-1] == date(2026, 10, 1)
    with seeded.session_scope() as session:
        bills = _bills(session)
        assert set(bills) == {row[0] for row in ACCOUNT_TABLE}
        for account_bills in bills.values():
            assert [b.period for b in account_bills] == expected_periods
            for bill in account_bills:
                assert bill.issued_on == _plus_months(bill.period, 1)
                assert bill.due_date == _plus_months(bill.issued_on, 1) - timedelta(days=1)


def _plus_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, day.day)


def test_payment_status_per_account(seeded: SessionFactory) -> None:
    today = date(2026, 11, 23)
    with seeded.session_scope() as session:
        bills = _bills(session)
        unpaid = {
            number: [b.period for b in account_bills if b.status is BillStatus.UNPAID]
            for number, account_bills in bills.items()
        }
        assert unpaid == {
            "3301000001": [date(2026, 10, 1)],
            "3301000005": [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)],
            **{n: [] for n in bills if n not in ("3301000001", "3301000005")},
        }
        oldest_unpaid = bills["3301000005"][-4]
        assert (today - oldest_unpaid.due_date).days > 30
        for account_bills in bills.values():
            for bill in account_bills:
                if bill.status is BillStatus.PAID:
                    assert bill.paid_fen == bill.amount_fen > 0
                    assert bill.issued_on <= bill.paid_at.astimezone(CHINA_TZ).date() <= today
                else:
                    assert (bill.paid_fen, bill.paid_at) == (0, None)
        payments = session.scalars(select(Payment)).all()
        paid_bills = sum(b.status is BillStatus.PAID for bs in bills.values() for b in bs)
        assert len(payments) == paid_bills
        assert all(p.amount_fen > 0 and p.status == "succeeded" for p in payments)


def test_bills_are_recomputable_with_the_tariff_engine(
    seeded: SessionFactory, tariffs: TariffBook
) -> None:
    """Each bill equals the engine's result for its kWh, placed after the year's earlier
    consumption: the earlier bills of the same year, plus (for months before the first
    billed one) the seeded usage profile."""
    with seeded.session_scope() as session:
        for number, account_bills in _bills(session).items():
            account = account_bills[0].account
            tariff = tariffs.get(account.region.tariff_key, account.category)
            billed = {(b.period.year, b.period.month): b.kwh for b in account_bills}
            for bill in account_bills:
                earlier = sum(
                    billed.get((bill.period.year, m), demo_monthly_kwh(number, bill.period.year, m))
                    for m in range(1, bill.period.month)
                )
                expected = tariff.compute(bill.kwh, used_earlier_this_year=earlier,
                                          peak_kwh=bill.peak_kwh, valley_kwh=bill.valley_kwh)
                assert bill.amount_fen == yuan_to_fen(expected.amount)
                assert (bill.tier1_kwh, bill.tier2_kwh, bill.tier3_kwh) == tier_kwh(expected)
                assert bill.kwh == demo_monthly_kwh(number, bill.period.year, bill.period.month)


def test_residential_usage_reaches_the_second_tier(seeded: SessionFactory) -> None:
    with seeded.session_scope() as session:
        bills = _bills(session)["3301000001"]
        assert any(b.tier1_kwh > 0 and b.tier2_kwh > 0 for b in bills)  # crosses in a month
        assert all(b.tier3_kwh == 0 for b in bills)


def test_peak_valley_split(seeded: SessionFactory) -> None:
    with seeded.session_scope() as session:
        for number, bills in _bills(session).items():
            for bill in bills:
                if number == "3301000001":
                    assert bill.peak_kwh + bill.valley_kwh == bill.kwh
                    assert abs(bill.peak_kwh * 100 - 60 * bill.kwh) <= 50
                else:
                    assert bill.peak_kwh is None and bill.valley_kwh is None


def test_rename_work_order_in_progress(seeded: SessionFactory) -> None:
    with seeded.session_scope() as session:
        order = session.scalars(select(WorkOrder)).one()
        assert order.kind is WorkOrderKind.RENAME
        assert order.account.account_number == "3301000004"
        assert order.status is WorkOrderStatus.REVIEWING
        assert order.order_no == "GD20261120001"
        assert [e.status for e in order.events] == [WorkOrderStatus.ACCEPTED,
                                                    WorkOrderStatus.REVIEWING]
        assert order.events[0].at < order.events[1].at <= FIXED_NOW
        assert order.promised_by is not None and order.promised_by > date(2026, 11, 23)


def test_appointment_slots(seeded: SessionFactory) -> None:
    with seeded.session_scope() as session:
        slots = session.scalars(select(AppointmentSlot)).all()
        regions = {r.code: r for r in session.scalars(select(Region))}
        assert {regions[s.region_code].city for s in slots} == {"杭州市", "北京市"}
        days = sorted({s.slot_date for s in slots})
        assert days[0] == date(2026, 11, 24) and days[-1] <= date(2026, 12, 7)
        assert len(days) == 10 and all(d.weekday() < 5 for d in days)
        assert {s.half for s in slots} == set(HalfDay)
        assert all(s.capacity == 3 for s in slots)
        full = [s for s in slots if s.available == 0]
        assert [(s.region_code, s.slot_date, s.half) for s in full] == [
            ("330106", date(2026, 11, 24), HalfDay.MORNING)
        ]
        assert all(s.booked == 0 for s in slots if s not in full)


def test_regions_and_citizen_registry(seeded: SessionFactory, tariffs: TariffBook) -> None:
    with seeded.session_scope() as session:
        regions = {r.code: r for r in session.scalars(select(Region))}
        assert {"330106", "330102", "330105", "330108", "110108", "110105", "650102"} <= set(regions)
        assert (regions["330106"].district, regions["330106"].city) == ("西湖区", "杭州市")
        assert {r.tariff_key for r in regions.values()} <= set(tariffs.keys())
        registry = {c.id_number_hash: c.name for c in session.scalars(select(CitizenRecord))}
        assert registry[hash_id_number("110105199003078510")] == "王小明"
        assert registry[hash_id_number("33010619900101123X")] == "张伟"
        assert len(registry) == len(CITIZENS)


@pytest.mark.parametrize("person", CITIZENS, ids=lambda p: p.name)
def test_demo_id_numbers_are_valid(person: DemoPerson) -> None:
    assert ric.calc_check_digit(person.id_number) == person.id_number[-1]
    if person.id_number != "330102197808083459":
        # 赵强's number is given as is; python-stdnum holds that code 330102 was only
        # assigned from 1983, after his birth year, so its full check refuses it.
        assert ric.is_valid(person.id_number)


def _snapshot(session_factory: SessionFactory) -> dict[str, list[tuple[Any, ...]]]:
    with session_factory.session_scope() as session:
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in session.execute(table.select())), key=repr
            )
            for table in metadata.sorted_tables
        }


def test_seeding_twice_changes_nothing(
    seeded: SessionFactory, tariffs: TariffBook, fixed_clock: Clock
) -> None:
    before = _snapshot(seeded)
    seed_demo_data(seeded, tariffs, fixed_clock)
    assert _snapshot(seeded) == before
    with seeded.session_scope() as session:
        assert demo_data_present(session)


def test_data_follows_the_clock(session_factory: SessionFactory, tariffs: TariffBook) -> None:
    clock = FixedClock(OTHER_TODAY)
    seed_demo_data(session_factory, tariffs, clock)
    with session_factory.session_scope() as session:
        bills = _bills(session)
        periods = bill_periods(date(2027, 3, 15))
        assert periods[0] == date(2026, 2, 1) and periods[-1] == date(2027, 2, 1)
        assert all([b.period for b in bs] == periods for bs in bills.values())
        unpaid = [b.period for b in bills["3301000005"] if b.status is BillStatus.UNPAID]
        assert unpaid == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
        assert (date(2027, 3, 15) - bills["3301000005"][-4].due_date).days > 30
        order = session.scalars(select(WorkOrder)).one()
        assert order.order_no == "GD20270312001"
        slot_days = {s.slot_date for s in session.scalars(select(AppointmentSlot))}
        assert min(slot_days) == date(2027, 3, 16) and max(slot_days) <= date(2027, 3, 29)
        paid_at = [b.paid_at for bs in bills.values() for b in bs if b.paid_at is not None]
        assert max(paid_at) <= OTHER_TODAY
