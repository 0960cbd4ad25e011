"""Minimal valid rows for database tests."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import AccountCategory, HalfDay, HolderKind
from bot.db.models import AppointmentSlot, Attachment, ElectricityAccount, Region, User
from bot.db.session import SessionFactory
from tests.unit.conftest import FIXED_NOW


def add_user(session: Session, phone: str = "13900000001") -> User:
    user = User(phone=phone, registered_at=FIXED_NOW)
    session.add(user)
    session.flush()
    return user


def add_region(session: Session, code: str = "330106") -> Region:
    region = Region(
        code=code, province="浙江省", city="杭州市", district="西湖区", tariff_key="zhejiang",
        supply_company="国网浙江省电力有限公司杭州供电公司", account_prefix="3301",
    )
    session.add(region)
    session.flush()
    return region


def add_account(
    session: Session,
    number: str = "3301999999",
    region_code: str = "330106",
    *,
    holder_name: str = "测试",
    address: str = "浙江省杭州市西湖区测试路1号",
) -> ElectricityAccount:
    if session.get(Region, region_code) is None:
        add_region(session, region_code)
    account = ElectricityAccount(
        account_number=number, holder_name=holder_name, holder_kind=HolderKind.INDIVIDUAL,
        address=address, region_code=region_code,
        category=AccountCategory.RESIDENTIAL, opened_on=date(2020, 1, 1),
    )
    session.add(account)
    session.flush()
    return account


def user_id_of(session_factory: SessionFactory, phone: str) -> int:
    """The id of the user with ``phone`` (e.g. a demo user)."""
    with session_factory.session_scope() as session:
        user_id = session.scalar(select(User.id).where(User.phone == phone))
    assert user_id is not None, f"no user {phone}"
    return user_id


def add_upload(session_factory: SessionFactory, phone: str) -> int:
    """The id of a new chat upload by the user with ``phone``, not yet used by an order."""
    user_id = user_id_of(session_factory, phone)
    with session_factory.session_scope() as session:
        attachment = Attachment(
            user_id=user_id, channel="rest", sender_id="s1", kind="chat_upload", filename="证明.jpg",
            content_type="image/jpeg", size_bytes=2048, sha256="0" * 64, storage_path="uploads/00/x.jpg",
            uploaded_at=FIXED_NOW,
        )
        session.add(attachment)
        session.flush()
        return attachment.id


def slot_id_of(session_factory: SessionFactory, region_code: str, day: date, half: HalfDay) -> int:
    """The id of an existing appointment slot (e.g. a seeded one)."""
    with session_factory.session_scope() as session:
        slot_id = session.scalar(select(AppointmentSlot.id).where(
            AppointmentSlot.region_code == region_code, AppointmentSlot.slot_date == day, AppointmentSlot.half == half
        ))
    assert slot_id is not None, f"no slot {region_code} {day} {half}"
    return slot_id


def booked_places(session_factory: SessionFactory, slot_id: int) -> int:
    with session_factory.session_scope() as session:
        slot = session.get(AppointmentSlot, slot_id)
        assert slot is not None
        return slot.booked
