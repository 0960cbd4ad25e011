"""Real-name verification: ID number and name validation, the registry, the records kept."""
from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from stdnum.cn import ric

from bot.clock import FixedClock
from bot.db.id_hash import hash_id_number
from bot.db.models import RealNameRecord
from bot.db.session import SessionFactory
from bot.demo.seed import CITIZENS, DEMO_USERS, ZHANG_WEI, ZHAO_QIANG, DemoPerson
from bot.identity.real_name import (
    ATTEMPTS_PER_DAY,
    DatabaseIdentityRegistry,
    IdentityRejected,
    IdentityRejection,
    IdRejected,
    IdRejection,
    NameRejected,
    NameRejection,
    RegistryVerdict,
    UnknownIdentityRegistry,
    Verified,
    registry_from_settings,
    validate_id_number,
    validate_person_name,
    verified_name,
    verify_identity,
)
from bot.settings import Settings
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_user, user_id_of

WANG_FANG_ID = "330102198806122340"  # in the registry, no user yet
UNVERIFIED_PHONE = "13800000003"


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


NOT_REGISTERED_ID = with_check_digit("33010619950505123")


# --- ID numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "person", sorted({*CITIZENS, *(u.person for u in DEMO_USERS if u.person)}, key=str), ids=lambda p: p.name
)
def test_every_demo_id_number_is_valid(person: DemoPerson) -> None:
    assert validate_id_number(person.id_number) == person.id_number


def test_region_codes_stdnum_dates_later_are_accepted() -> None:
    """stdnum dates 330102 from 1983; 赵强 was born there in 1978."""
    assert not ric.is_valid(ZHAO_QIANG.id_number)
    assert validate_id_number(ZHAO_QIANG.id_number) == ZHAO_QIANG.id_number


@pytest.mark.parametrize(
    "typed",
    ["33010619900101123x", " 330106 19900101 123X ", "330106-19900101-123X", "３３０１０６１９９００１０１１２３ｘ"],
)
def test_id_numbers_are_normalised(typed: str) -> None:
    assert validate_id_number(typed) == "33010619900101123X"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", IdRejection.BAD_LENGTH),
        ("33010619900101123", IdRejection.BAD_LENGTH),
        ("330106900101123", IdRejection.BAD_LENGTH),  # first-generation 15-digit card
        ("33010619900101123X1", IdRejection.BAD_LENGTH),
        ("33010619900101A23X", IdRejection.BAD_FORMAT),
        ("3301061990010112XX", IdRejection.BAD_FORMAT),
        ("33010619900101123Y", IdRejection.BAD_FORMAT),
        ("330106199001011234", IdRejection.BAD_CHECKSUM),
        ("330106198512152348", IdRejection.BAD_CHECKSUM),
        (with_check_digit("33010619991332123"), IdRejection.BAD_BIRTH_DATE),
        (with_check_digit("33010619990229123"), IdRejection.BAD_BIRTH_DATE),  # not a leap year
        (with_check_digit("33010618991231123"), IdRejection.BAD_BIRTH_DATE),
        (with_check_digit("33010600000101123"), IdRejection.BAD_BIRTH_DATE),
    ],
)
def test_invalid_id_numbers_say_why(typed: str, reason: IdRejection) -> None:
    assert validate_id_number(typed) == IdRejected(reason)


def test_a_birth_date_after_today_is_refused_when_today_is_given() -> None:
    tomorrow = with_check_digit("33010620261124123")
    assert validate_id_number(tomorrow) == tomorrow
    assert validate_id_number(tomorrow, today=date(2026, 11, 23)) == IdRejected(IdRejection.BAD_BIRTH_DATE)
    assert validate_id_number(tomorrow, today=date(2026, 11, 24)) == tomorrow


# --- names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("张伟", "张伟"),
        (" 张 伟 ", "张伟"),
        ("欧阳娜娜", "欧阳娜娜"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("㛃伟", "㛃伟"),  # CJK extension A
        ("阿" * 20, "阿" * 20),
    ],
)
def test_valid_names_are_normalised(typed: str, name: str) -> None:
    assert validate_person_name(typed) == name


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", NameRejection.EMPTY),
        ("   ", NameRejection.EMPTY),
        ("张", NameRejection.TOO_SHORT),
        ("阿" * 21, NameRejection.TOO_LONG),
        ("Zhang Wei", NameRejection.BAD_CHARACTERS),
        ("张伟1", NameRejection.BAD_CHARACTERS),
        ("张伟!", NameRejection.BAD_CHARACTERS),
        ("·张伟", NameRejection.BAD_CHARACTERS),
        ("张伟·", NameRejection.BAD_CHARACTERS),
        ("张··伟", NameRejection.BAD_CHARACTERS),
    ],
)
def test_invalid_names_say_why(typed: str, reason: NameRejection) -> None:
    assert validate_person_name(typed) == NameRejected(reason)


# --- the registry ----------------------------------------------------------------


def test_the_database_registry_compares_name_and_hashed_id(demo_db: SessionFactory) -> None:
    registry = DatabaseIdentityRegistry(demo_db)
    assert registry.check("张伟", ZHANG_WEI.id_number) is RegistryVerdict.MATCH
    assert registry.check("章伟", ZHANG_WEI.id_number) is RegistryVerdict.NAME_MISMATCH
    assert registry.check("张伟", NOT_REGISTERED_ID) is RegistryVerdict.NOT_FOUND


def test_the_registry_is_chosen_by_configuration(session_factory: SessionFactory) -> None:
    assert isinstance(registry_from_settings(Settings(), session_factory), DatabaseIdentityRegistry)
    assert isinstance(
        registry_from_settings(Settings(identity_registry=" Demo "), session_factory), DatabaseIdentityRegistry
    )
    with pytest.raises(UnknownIdentityRegistry, match="nciic"):
        registry_from_settings(Settings(identity_registry="nciic"), session_factory)


# --- verification ----------------------------------------------------------------


def _verify(factory: SessionFactory, clock: FixedClock, phone: str, name: str, id_number: str, **kw):  # noqa: ANN003, ANN202
    return verify_identity(factory, clock, user_id=user_id_of(factory, phone), name=name, id_number=id_number, **kw)


def test_a_registered_person_is_verified_and_only_hash_and_mask_are_kept(
    demo_db: SessionFactory, fixed_clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, "王芳", WANG_FANG_ID.lower())
    assert result == Verified("3301**********2340")
    with demo_db.session_scope() as session:
        record = session.scalar(
            select(RealNameRecord).where(RealNameRecord.user_id == user_id_of(demo_db, UNVERIFIED_PHONE))
        )
    assert record is not None
    assert (record.name, record.id_number_hash, record.id_number_masked) == (
        "王芳", hash_id_number(WANG_FANG_ID), "3301**********2340"
    )
    assert record.verified_at == FIXED_NOW
    assert verified_name(demo_db, user_id_of(demo_db, UNVERIFIED_PHONE)) == "王芳"
    assert WANG_FANG_ID not in caplog.text and "王芳" not in caplog.text


@pytest.mark.parametrize(
    ("name", "id_number", "reason"),
    [
        ("王芳", NOT_REGISTERED_ID, IdentityRejection.NOT_IN_REGISTRY),
        ("李娜", WANG_FANG_ID, IdentityRejection.NAME_MISMATCH),
        ("张伟", ZHANG_WEI.id_number, IdentityRejection.ALREADY_VERIFIED_AS_OTHER),
        # Someone who does not know the name does not learn that the ID is taken.
        ("李四", ZHANG_WEI.id_number, IdentityRejection.NAME_MISMATCH),
    ],
)
def test_rejections(
    demo_db: SessionFactory, fixed_clock: FixedClock, name: str, id_number: str, reason: IdentityRejection
) -> None:
    assert _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, name, id_number) == IdentityRejected(reason)
    assert verified_name(demo_db, user_id_of(demo_db, UNVERIFIED_PHONE)) is None


def test_verifying_again_with_the_same_id_is_a_no_op_and_another_id_is_refused(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    assert _verify(demo_db, fixed_clock, "13800000001", "张伟", ZHANG_WEI.id_number) == Verified(
        "3301**********123X"
    )
    assert _verify(demo_db, fixed_clock, "13800000001", "王芳", WANG_FANG_ID) == IdentityRejected(
        IdentityRejection.USER_ALREADY_VERIFIED
    )
    assert verified_name(demo_db, user_id_of(demo_db, "13800000001")) == "张伟"


def test_a_user_asks_the_registry_five_times_a_day(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    asked: list[str] = []

    class CountingRegistry(DatabaseIdentityRegistry):
        def check(self, name: str, id_number: str) -> RegistryVerdict:
            asked.append(name)
            return super().check(name, id_number)

    registry = CountingRegistry(demo_db)
    assert ATTEMPTS_PER_DAY == 5
    guesses = ["李一", "李二", "李三", "李四", "李五"]
    for name in guesses:  # trying names against one ID number
        assert _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, name, WANG_FANG_ID, registry=registry) == (
            IdentityRejected(IdentityRejection.NAME_MISMATCH)
        )
    # The sixth attempt is refused without asking the registry, even with the right pair.
    assert _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, "王芳", WANG_FANG_ID, registry=registry) == (
        IdentityRejected(IdentityRejection.TOO_MANY_ATTEMPTS)
    )
    assert asked == guesses
    assert verified_name(demo_db, user_id_of(demo_db, UNVERIFIED_PHONE)) is None
    # Other users are not affected; the next China calendar day starts afresh.
    assert _verify(demo_db, fixed_clock, "13800000001", "张伟", ZHANG_WEI.id_number) == Verified("3301**********123X")
    fixed_clock.advance(timedelta(days=1))
    assert _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, "王芳", WANG_FANG_ID) == Verified("3301**********2340")


def test_another_registry_plugs_in(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    class EveryoneExists:
        def check(self, name: str, id_number: str) -> RegistryVerdict:
            return RegistryVerdict.MATCH

    result = _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, "王小二", NOT_REGISTERED_ID, registry=EveryoneExists())
    assert result == Verified(NOT_REGISTERED_ID[:4] + "*" * 10 + NOT_REGISTERED_ID[-4:])


def test_unvalidated_input_is_a_programming_error(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    with pytest.raises(ValueError):
        _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, "王芳", "330102198806122341")
    with pytest.raises(ValueError):
        _verify(demo_db, fixed_clock, UNVERIFIED_PHONE, "W", WANG_FANG_ID)


def test_the_database_allows_one_user_per_id_number(session_factory: SessionFactory) -> None:
    with pytest.raises(IntegrityError), session_factory.session_scope() as session:
        for phone in ("13900000001", "13900000002"):
            session.add(
                RealNameRecord(
                    user_id=add_user(session, phone).id, name="张伟", id_number_hash="a" * 64,
                    id_number_masked="3301**********123X", verified_at=FIXED_NOW,
                )
            )
            session.flush()
