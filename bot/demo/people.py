"""Demo people: the users who log in, their real names and payment instruments, and the
identity registry real-name verification checks against."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.enums import InstrumentKind
from bot.db.id_hash import hash_id_number
from bot.db.models import CitizenRecord, PaymentInstrument, RealNameRecord, User
from bot.demo.writer import SeedWriter, china_time
from bot.payments.demo_bank import DemoInstrument
from bot.privacy.masking import mask_id_number


@dataclass(frozen=True)
class DemoPerson:
    name: str
    id_number: str


@dataclass(frozen=True)
class DemoUser:
    phone: str
    person: DemoPerson | None
    registered_days_ago: int


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


def seed_citizens(db: SeedWriter, people: Iterable[DemoPerson]) -> None:
    for person in people:
        db.upsert(CitizenRecord, {"id_number_hash": hash_id_number(person.id_number)}, name=person.name)


def seed_users(db: SeedWriter, demo_users: Iterable[DemoUser], now: datetime) -> dict[str, User]:
    users = {}
    for demo in demo_users:
        registered_at = china_time((now - timedelta(days=demo.registered_days_ago)).date(), "20:30")
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


def seed_instruments(db: SeedWriter, instruments: Iterable[DemoInstrument], users: dict[str, User]) -> None:
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
