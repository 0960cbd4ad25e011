"""Deterministic demo data, laid out relative to the clock's today.

Bills cover the 13 full months before today's month, with usage from a fixed
seasonal profile (plus a small hash-derived wobble, no RNG) billed by the tariff
engine, the annual tier position carried across the months of each calendar year.
Every row is upserted by its natural key, so seeding twice leaves the same data.
"""
from __future__ import annotations

import calendar
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.applications.work_orders import add_working_days
from bot.billing.tariff import BillComputation, Tariff, TariffBook
from bot.clock import CHINA_TZ, Clock
from bot.db.enums import (
    AccountCategory,
    BillStatus,
    HalfDay,
    HolderKind,
    InstrumentKind,
    PaymentStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from bot.db.id_hash import hash_id_number
from bot.db.models import (
    AccountBinding,
    AppointmentSlot,
    CitizenRecord,
    ElectricityAccount,
    MonthlyBill,
    Payment,
    PaymentInstrument,
    RealNameRecord,
    Region,
    User,
    WorkOrder,
    WorkOrderEvent,
)
from bot.db.session import SessionFactory
from bot.money import yuan_to_fen
from bot.payments.demo_bank import DemoInstrument, load_instruments
from bot.privacy.masking import mask_id_number
from bot.settings import PROJECT_ROOT

REGIONS_FILE = PROJECT_ROOT / "data" / "regions.yml"
BILL_MONTHS = 13
# Appointment slots cover this many working days from tomorrow on: more than the 7 that
# bot.applications.appointments offers, so the demo always has a full week to choose from.
SLOT_WORKING_DAYS = 10
SLOT_CAPACITY = 3
SLOT_CITY_PREFIXES = ("3301", "1101")  # Hangzhou and Beijing
FULL_SLOT_REGION = "330106"  # 西湖区: its first morning slot is fully booked
PAYMENT_METHODS = ("dianebao", "wechat", "alipay")

# Share of a year's consumption per calendar month, in percent of an average month:
# air conditioning in summer, heating in winter.
SEASONAL_PERCENT = (120, 110, 85, 75, 80, 105, 145, 150, 110, 80, 85, 110)
PEAK_SHARE_PERCENT = 60


@dataclass(frozen=True)
class DemoPerson:
    name: str
    id_number: str


@dataclass(frozen=True)
class DemoUser:
    phone: str
    person: DemoPerson | None
    registered_days_ago: int


@dataclass(frozen=True)
class DemoAccount:
    number: str
    holder: str
    kind: HolderKind
    address: str
    region_code: str
    category: AccountCategory
    average_monthly_kwh: int
    opened_years_ago: int
    # The holder's resident ID (None for enterprises): 户主 is decided by it, not the name.
    holder_id_number: str | None = None
    owner_phone: str | None = None
    bound_phones: tuple[str, ...] = ()
    unpaid_latest_months: int = 0
    peak_valley: bool = False
    prepaid_balance_fen: int = 0


ZHANG_WEI = DemoPerson("张伟", "33010619900101123X")
LI_NA = DemoPerson("李娜", "330106198512152347")
ZHAO_QIANG = DemoPerson("赵强", "330102197808083459")
WANG_FANG = DemoPerson("王芳", "330102198806122340")
LIU_YANG = DemoPerson("刘洋", "330106198403215310")
CHEN_JING = DemoPerson("陈静", "330102198611056822")
SUN_LEI = DemoPerson("孙磊", "110108198609304177")

DEMO_USERS = (
    DemoUser("13800000001", ZHANG_WEI, registered_days_ago=420),
    DemoUser("13800000002", LI_NA, registered_days_ago=300),
    DemoUser("13800000003", None, registered_days_ago=30),
    DemoUser("13800000004", ZHAO_QIANG, registered_days_ago=200),
)

# The identity registry real-name verification checks against: the users above, the
# individual account holders, and a few people with no account yet.
CITIZENS = (
    ZHANG_WEI,
    LI_NA,
    ZHAO_QIANG,
    WANG_FANG,
    LIU_YANG,
    CHEN_JING,
    SUN_LEI,
    DemoPerson("王小明", "110105199003078510"),
    DemoPerson("周敏", "330106198709094523"),
    DemoPerson("马丽", "650102199204041227"),
)

DEMO_ACCOUNTS = (
    DemoAccount(
        "3301000001", "张伟", HolderKind.INDIVIDUAL, "浙江省杭州市西湖区文三路100号3幢201室",
        "330106", AccountCategory.RESIDENTIAL, average_monthly_kwh=280, opened_years_ago=6,
        holder_id_number=ZHANG_WEI.id_number, owner_phone="13800000001", bound_phones=("13800000001",),
        unpaid_latest_months=1, peak_valley=True,
    ),
    DemoAccount(
        "3301000002", "王芳", HolderKind.INDIVIDUAL, "浙江省杭州市上城区解放路58号",
        "330102", AccountCategory.RESIDENTIAL, average_monthly_kwh=180, opened_years_ago=9,
        holder_id_number=WANG_FANG.id_number, prepaid_balance_fen=5600,
    ),
    DemoAccount(
        "3301000003", "赵强", HolderKind.INDIVIDUAL, "浙江省杭州市拱墅区湖墅南路8号",
        "330105", AccountCategory.RESIDENTIAL, average_monthly_kwh=230, opened_years_ago=12,
        holder_id_number=ZHAO_QIANG.id_number, owner_phone="13800000004", bound_phones=("13800000004",),
    ),
    DemoAccount(
        "3301000004", "刘洋", HolderKind.INDIVIDUAL, "浙江省杭州市西湖区天目山路21号",
        "330106", AccountCategory.RESIDENTIAL, average_monthly_kwh=200, opened_years_ago=4,
        holder_id_number=LIU_YANG.id_number,
    ),
    DemoAccount(
        "3301000005", "陈静", HolderKind.INDIVIDUAL, "浙江省杭州市上城区河坊街66号",
        "330102", AccountCategory.NON_RESIDENTIAL, average_monthly_kwh=650,
        opened_years_ago=3, holder_id_number=CHEN_JING.id_number, unpaid_latest_months=4,
    ),
    DemoAccount(
        "1101000001", "孙磊", HolderKind.INDIVIDUAL, "北京市海淀区中关村大街27号",
        "110108", AccountCategory.RESIDENTIAL, average_monthly_kwh=260, opened_years_ago=8,
        holder_id_number=SUN_LEI.id_number,
    ),
    DemoAccount(
        "1101000002", "北京星火科技有限公司", HolderKind.ENTERPRISE, "北京市朝阳区建国路88号",
        "110105", AccountCategory.NON_RESIDENTIAL, average_monthly_kwh=4200,
        opened_years_ago=5,
    ),
    DemoAccount(
        "6501000001", "新疆天山纺织有限公司", HolderKind.ENTERPRISE,
        "新疆维吾尔自治区乌鲁木齐市天山区解放北路1号", "650102",
        AccountCategory.HIGH_VOLTAGE, average_monthly_kwh=180_000, opened_years_ago=15,
    ),
)


@dataclass(frozen=True)
class DemoWorkOrder:
    account_number: str
    kind: WorkOrderKind
    created_days_ago: int
    form_data: dict[str, Any] = field(default_factory=dict)
    # (status, days after creation, "HH:MM", note)
    history: tuple[tuple[WorkOrderStatus, int, str, str], ...] = ()
    promised_working_days: int = 5


DEMO_WORK_ORDERS = (
    DemoWorkOrder(
        "3301000004",
        WorkOrderKind.RENAME,
        created_days_ago=3,
        form_data={
            "applicant_name": "刘洋",
            "new_holder_name": "周敏",
            "reason": "房屋产权人变更",
            "submitted_via": "营业厅",
        },
        history=(
            (WorkOrderStatus.ACCEPTED, 0, "10:15", "营业厅受理，材料齐全"),
            (WorkOrderStatus.REVIEWING, 1, "09:30", "产权证明审核中"),
        ),
    ),
)

_DEMO_ACCOUNTS_BY_NUMBER = {account.number: account for account in DEMO_ACCOUNTS}


# --- usage and periods -----------------------------------------------------------


def bill_periods(today: date) -> list[date]:
    """The first days of the 13 full months before ``today``'s month, oldest first."""
    latest = _add_months(today.replace(day=1), -1)
    return [_add_months(latest, -back) for back in range(BILL_MONTHS - 1, -1, -1)]


def demo_monthly_kwh(account_number: str, year: int, month: int) -> int:
    """The seeded consumption of a demo account in one month (any month, billed or not)."""
    average = _DEMO_ACCOUNTS_BY_NUMBER[account_number].average_monthly_kwh
    wobble = zlib.crc32(f"{account_number}:{year:04d}-{month:02d}".encode()) % 11 - 5  # -5..+5 %
    return (average * SEASONAL_PERCENT[month - 1] * (100 + wobble) + 5000) // 10000


def demo_used_earlier_in_year(account_number: str, period: date) -> int:
    """kWh consumed in the calendar year before ``period``'s month: the tier position."""
    return sum(demo_monthly_kwh(account_number, period.year, m) for m in range(1, period.month))


def peak_valley_split(kwh: int) -> tuple[int, int]:
    peak = (kwh * PEAK_SHARE_PERCENT + 50) // 100
    return peak, kwh - peak


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _at(day: date, hh_mm: str) -> datetime:
    """``day`` at ``hh_mm`` China time."""
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=CHINA_TZ)


def _stable_pick(key: str, modulus: int) -> int:
    return zlib.crc32(key.encode()) % modulus


# --- seeding ---------------------------------------------------------------------

ModelT = TypeVar("ModelT")


class _SeedWriter:
    """Get-or-create rows by natural key and set their other columns.

    Each model's existing rows are loaded once, so seeding costs a few queries per
    table rather than one per row. Unchanged values cause no UPDATE, so re-seeding
    does not bump optimistic-lock versions.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[tuple[type, tuple[str, ...]], dict[tuple[Any, ...], Any]] = {}

    def upsert(self, model: type[ModelT], key: dict[str, Any], **values: Any) -> ModelT:
        names = tuple(sorted(key))
        rows = self._existing(model, names)
        identity = tuple(key[name] for name in names)
        row = rows.get(identity)
        if row is None:
            row = model(**key)
            self.session.add(row)
            rows[identity] = row
        for name, value in values.items():
            setattr(row, name, value)
        return row

    def flush(self) -> None:
        """Write pending rows, so their generated ids can be used as keys."""
        self.session.flush()

    def _existing(self, model: type, names: tuple[str, ...]) -> dict[tuple[Any, ...], Any]:
        if (model, names) not in self._rows:
            self._rows[model, names] = {
                tuple(getattr(row, name) for name in names): row
                for row in self.session.scalars(select(model))
            }
        return self._rows[model, names]


def load_regions(path: Path = REGIONS_FILE) -> list[dict[str, str]]:
    """data/regions.yml flattened to one dict per district (the columns of ``regions``)."""
    with path.open(encoding="utf-8") as stream:
        doc = yaml.safe_load(stream)
    rows = []
    for city in doc["cities"]:
        shared = {
            name: str(city[name])
            for name in ("province", "city", "tariff_key", "supply_company", "account_prefix")
        }
        for code, district in city["districts"].items():
            rows.append({"code": str(code), "district": district, **shared})
    return rows


def demo_data_present(session: Session) -> bool:
    """True when the demo users are already in the database."""
    phone = DEMO_USERS[0].phone
    return session.scalar(select(User.id).where(User.phone == phone)) is not None


def seed_demo_data(
    session_factory: SessionFactory,
    tariffs: TariffBook,
    clock: Clock,
    *,
    regions_file: Path = REGIONS_FILE,
) -> None:
    """Create or refresh all demo data in one transaction."""
    today, now = clock.today(), clock.now()
    with session_factory.session_scope() as session:
        db = _SeedWriter(session)
        regions = _seed_regions(db, load_regions(regions_file), tariffs)
        _seed_citizens(db, CITIZENS)
        users = _seed_users(db, DEMO_USERS, now)
        _seed_instruments(db, load_instruments(), users)
        accounts = _seed_accounts(db, DEMO_ACCOUNTS, users, today)
        db.flush()
        _seed_bindings(db, DEMO_ACCOUNTS, users, accounts)
        for demo in DEMO_ACCOUNTS:
            tariff = tariffs.get(regions[demo.region_code].tariff_key, demo.category)
            payer = users[demo.bound_phones[0]] if demo.bound_phones else None
            _seed_bills(db, demo, accounts[demo.number], tariff, payer, now)
        _seed_work_orders(db, DEMO_WORK_ORDERS, accounts, today)
        _seed_slots(db, regions.values(), today)


def _seed_regions(
    db: _SeedWriter, rows: list[dict[str, str]], tariffs: TariffBook
) -> dict[str, Region]:
    known = set(tariffs.keys())
    regions = {}
    for row in rows:
        if row["tariff_key"] not in known:
            raise ValueError(f"region {row['code']}: no tariff {row['tariff_key']!r}")
        values = {name: value for name, value in row.items() if name != "code"}
        regions[row["code"]] = db.upsert(Region, {"code": row["code"]}, **values)
    return regions


def _seed_citizens(db: _SeedWriter, people: Iterable[DemoPerson]) -> None:
    for person in people:
        db.upsert(CitizenRecord, {"id_number_hash": hash_id_number(person.id_number)}, name=person.name)


def _seed_users(db: _SeedWriter, demo_users: Iterable[DemoUser], now: datetime) -> dict[str, User]:
    users = {}
    for demo in demo_users:
        registered_at = _at((now - timedelta(days=demo.registered_days_ago)).date(), "20:30")
        user = db.upsert(User, {"phone": demo.phone}, registered_at=registered_at)
        db.flush()
        if demo.person is not None:
            db.upsert(
                RealNameRecord,
                {"user_id": user.id},
                name=demo.person.name,
                id_number_hash=hash_id_number(demo.person.id_number),
                id_number_masked=mask_id_number(demo.person.id_number),
                verified_at=registered_at + timedelta(minutes=12),
            )
        users[demo.phone] = user
    return users


def _seed_instruments(db: _SeedWriter, instruments: Iterable[DemoInstrument], users: dict[str, User]) -> None:
    """Each demo user's wallet and bank card, as the demo gateway knows them (by token);
    instruments of people who are not demo users wait at the gateway."""
    for instrument in instruments:
        user = users.get(instrument.owner_phone)
        if user is None:
            continue
        db.upsert(
            PaymentInstrument,
            {"token": instrument.token},
            user_id=user.id,
            kind=InstrumentKind(instrument.kind.value),
            bank_name=instrument.bank,
            card_type=instrument.card_type,
            last4=instrument.last4,
            created_at=user.registered_at + timedelta(minutes=30),
        )


def _seed_accounts(
    db: _SeedWriter, demo_accounts: Iterable[DemoAccount], users: dict[str, User], today: date
) -> dict[str, ElectricityAccount]:
    accounts = {}
    for demo in demo_accounts:
        owner = users[demo.owner_phone] if demo.owner_phone else None
        accounts[demo.number] = db.upsert(
            ElectricityAccount,
            {"account_number": demo.number},
            holder_name=demo.holder,
            holder_kind=demo.kind,
            holder_id_hash=hash_id_number(demo.holder_id_number) if demo.holder_id_number else None,
            address=demo.address,
            region_code=demo.region_code,
            category=demo.category,
            owner=owner,
            prepaid_balance_fen=demo.prepaid_balance_fen,
            peak_valley=demo.peak_valley,
            opened_on=date(today.year - demo.opened_years_ago, today.month, 1),
        )
    return accounts


def _seed_bindings(
    db: _SeedWriter,
    demo_accounts: Iterable[DemoAccount],
    users: dict[str, User],
    accounts: dict[str, ElectricityAccount],
) -> None:
    for demo in demo_accounts:
        for phone in demo.bound_phones:
            user = users[phone]
            db.upsert(
                AccountBinding,
                {"user_id": user.id, "account_id": accounts[demo.number].id},
                is_default=True,
                created_at=user.registered_at + timedelta(minutes=20),
            )


def _seed_bills(
    db: _SeedWriter,
    demo: DemoAccount,
    account: ElectricityAccount,
    tariff: Tariff,
    payer: User | None,
    now: datetime,
) -> None:
    periods = bill_periods(now.date())
    first_unpaid = len(periods) - demo.unpaid_latest_months
    for index, period in enumerate(periods):
        kwh = demo_monthly_kwh(demo.number, period.year, period.month)
        peak, valley = peak_valley_split(kwh) if demo.peak_valley else (None, None)
        bill = tariff.compute(
            kwh,
            used_earlier_this_year=demo_used_earlier_in_year(demo.number, period),
            peak_kwh=peak,
            valley_kwh=valley,
        )
        amount_fen = yuan_to_fen(bill.amount)
        issued_on = _add_months(period, 1)
        paid_at = None
        if index < first_unpaid:
            day = issued_on + timedelta(days=3 + _stable_pick(f"{demo.number}{period}", 10))
            paid_at = min(_at(day, "10:30"), now)
        tiers = tier_kwh(bill)
        db.upsert(
            MonthlyBill,
            {"account_id": account.id, "period": period},
            kwh=kwh,
            tier1_kwh=tiers[0],
            tier2_kwh=tiers[1],
            tier3_kwh=tiers[2],
            peak_kwh=peak,
            valley_kwh=valley,
            amount_fen=amount_fen,
            issued_on=issued_on,
            due_date=_last_day_of_month(issued_on),
            paid_fen=amount_fen if paid_at else 0,
            paid_at=paid_at,
            status=BillStatus.PAID if paid_at else BillStatus.UNPAID,
        )
        if paid_at is not None and amount_fen > 0:
            _seed_payment(db, account, period, amount_fen, paid_at, payer)


def tier_kwh(bill: BillComputation) -> tuple[int, int, int]:
    """kWh in tiers 1, 2 and 3 (a flat tariff has only tier 1)."""
    split = [0, 0, 0]
    for line in bill.tier_lines:
        split[line.tier - 1] += line.kwh
    return split[0], split[1], split[2]


def _seed_payment(
    db: _SeedWriter,
    account: ElectricityAccount,
    period: date,
    amount_fen: int,
    paid_at: datetime,
    payer: User | None,
) -> None:
    account_number, month = account.account_number, f"{period:%Y%m}"
    db.upsert(
        Payment,
        {"order_id": f"SD{account_number}{month}"},
        idempotency_key=f"seed:{account_number}:{month}",
        account_id=account.id,
        user_id=payer.id if payer else None,
        amount_fen=amount_fen,
        method=PAYMENT_METHODS[_stable_pick(f"{account_number}{month}", len(PAYMENT_METHODS))],
        status=PaymentStatus.SUCCEEDED,
        receipt_no=f"RC{account_number}{month}",
        failure_reason=None,
        created_at=paid_at,
        updated_at=paid_at,
    )


def _seed_work_orders(
    db: _SeedWriter,
    demo_orders: Iterable[DemoWorkOrder],
    accounts: dict[str, ElectricityAccount],
    today: date,
) -> None:
    for sequence, demo in enumerate(demo_orders, start=1):
        created_on = today - timedelta(days=demo.created_days_ago)
        events = [
            (status, _at(created_on + timedelta(days=offset), hh_mm), note)
            for status, offset, hh_mm, note in demo.history
        ]
        order = db.upsert(
            WorkOrder,
            {"order_no": f"GD{created_on:%Y%m%d}{sequence:03d}"},
            kind=demo.kind,
            account_id=accounts[demo.account_number].id,
            user_id=None,  # taken at a service counter
            status=events[-1][0],
            form_data=dict(demo.form_data),
            promised_by=add_working_days(created_on, demo.promised_working_days),
            created_at=events[0][1],
            updated_at=events[-1][1],
        )
        db.flush()
        for status, at, note in events:
            db.upsert(WorkOrderEvent, {"work_order_id": order.id, "status": status}, at=at, note=note)


def _seed_slots(db: _SeedWriter, regions: Iterable[Region], today: date) -> None:
    """Both halves of the next working days (official calendar: no holidays, 调休
    Saturdays included) in Hangzhou and Beijing."""
    days = [add_working_days(today, n) for n in range(1, SLOT_WORKING_DAYS + 1)]
    for region in regions:
        if region.account_prefix not in SLOT_CITY_PREFIXES:
            continue
        for day in days:
            for half in HalfDay:
                full = region.code == FULL_SLOT_REGION and day == days[0] and half is HalfDay.MORNING
                db.upsert(
                    AppointmentSlot,
                    {"region_code": region.code, "slot_date": day, "half": half},
                    capacity=SLOT_CAPACITY,
                    booked=SLOT_CAPACITY if full else 0,
                )
