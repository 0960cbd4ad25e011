"""Demo service regions, electricity accounts (户号) and the users' bindings to them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.billing.tariff import TariffBook
from bot.db.enums import AccountCategory, HolderKind
from bot.db.id_hash import hash_id_number
from bot.db.models import AccountBinding, ElectricityAccount, Region, User
from bot.demo.people import CHEN_JING, LIU_YANG, SUN_LEI, WANG_FANG, ZHANG_WEI, ZHAO_QIANG
from bot.demo.writer import SeedWriter


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

DEMO_ACCOUNTS_BY_NUMBER = {account.number: account for account in DEMO_ACCOUNTS}


def seed_regions(
    db: SeedWriter, rows: list[dict[str, str]], tariffs: TariffBook
) -> dict[str, Region]:
    """The reference regions (bot.applications.region_data), each checked to have a tariff."""
    known = set(tariffs.keys())
    regions = {}
    for row in rows:
        if row["tariff_key"] not in known:
            raise ValueError(f"region {row['code']}: no tariff {row['tariff_key']!r}")
        values = {name: value for name, value in row.items() if name != "code"}
        regions[row["code"]] = db.upsert(Region, {"code": row["code"]}, **values)
    return regions


def seed_accounts(
    db: SeedWriter, demo_accounts: Iterable[DemoAccount], users: dict[str, User], today: date
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


def seed_bindings(
    db: SeedWriter,
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
