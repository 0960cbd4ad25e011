"""Service regions, electricity accounts (户号) and how users bind them."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.enums import AccountCategory, ConsentStatus, HolderKind
from bot.db.models.common import ACCOUNT_NUMBER_LENGTH, SHA256_HEX_LENGTH, account_fk, user_fk
from bot.db.types import UtcDateTime, str_enum

if TYPE_CHECKING:
    from bot.db.models.billing import MonthlyBill
    from bot.db.models.identity import User


class Region(Base):
    """A county-level administrative division (GB/T 2260 code) and who supplies it."""

    __tablename__ = "regions"

    code: Mapped[str] = Column(String(6), primary_key=True)
    province: Mapped[str] = Column(String(32), nullable=False)
    city: Mapped[str] = Column(String(32), nullable=False)
    district: Mapped[str] = Column(String(32), nullable=False)
    tariff_key: Mapped[str] = Column(String(32), nullable=False)
    supply_company: Mapped[str] = Column(String(64), nullable=False)
    account_prefix: Mapped[str] = Column(String(4), nullable=False, index=True)


class ElectricityAccount(Base):
    """An electricity customer account (户号).

    ``version`` is SQLAlchemy's optimistic lock: an UPDATE from a stale copy raises
    ``StaleDataError`` instead of silently overwriting a concurrent change.
    """

    __tablename__ = "electricity_accounts"
    __table_args__ = (
        CheckConstraint(
            f"length(account_number) = {ACCOUNT_NUMBER_LENGTH}", name="account_number_length"
        ),
        CheckConstraint("prepaid_balance_fen >= 0", name="prepaid_balance_not_negative"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    account_number: Mapped[str] = Column(
        String(ACCOUNT_NUMBER_LENGTH), nullable=False, unique=True
    )
    holder_name: Mapped[str] = Column(String(128), nullable=False)
    holder_kind: Mapped[HolderKind] = Column(str_enum(HolderKind, "holder_kind"), nullable=False)
    address: Mapped[str] = Column(String(256), nullable=False)
    region_code: Mapped[str] = Column(
        String(6), ForeignKey("regions.code", ondelete="RESTRICT"), nullable=False, index=True
    )
    category: Mapped[AccountCategory] = Column(
        str_enum(AccountCategory, "category"), nullable=False
    )
    owner_user_id: Mapped[int | None] = user_fk(nullable=True)
    # Keyed hash (bot.db.id_hash) of the holder's ID number: who is 户主 is decided by the
    # ID, never by the name. Null for holders without a resident ID (enterprises).
    holder_id_hash: Mapped[str | None] = Column(String(SHA256_HEX_LENGTH), nullable=True)
    prepaid_balance_fen: Mapped[int] = Column(
        BigInteger, nullable=False, default=0, server_default=text("0")
    )
    peak_valley: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    opened_on: Mapped[date] = Column(Date, nullable=False)
    version: Mapped[int] = Column(Integer, nullable=False)

    region: Mapped[Region] = relationship("Region")
    owner: Mapped[User | None] = relationship("User")
    bills: Mapped[list[MonthlyBill]] = relationship(
        "MonthlyBill", back_populates="account", order_by="MonthlyBill.period"
    )

    __mapper_args__ = {"version_id_col": version}


class AccountBinding(Base):
    """An account bound to a user's 网上国网 profile; at most one default per user."""

    __tablename__ = "account_bindings"
    __table_args__ = (
        UniqueConstraint("user_id", "account_id"),
        Index(
            "uq_account_bindings_one_default_per_user",
            "user_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    account_id: Mapped[int] = account_fk(nullable=False, ondelete="CASCADE")
    is_default: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    user: Mapped[User] = relationship("User", back_populates="bindings")
    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")


class PendingBinding(Base):
    """An account found by a search, kept in the user's 待绑定列表 until bound."""

    __tablename__ = "pending_bindings"
    __table_args__ = (UniqueConstraint("user_id", "account_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    # Indexed by the (user_id, account_id) unique constraint.
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    account_id: Mapped[int] = account_fk(nullable=False, ondelete="CASCADE")
    added_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")


class BindingLookup(Base):
    """One account (or fuzzy search) a user looked up for binding on one China day: the
    rows count against the daily limit, so account numbers cannot be enumerated."""

    __tablename__ = "binding_lookups"
    __table_args__ = (UniqueConstraint("user_id", "looked_up_on", "subject"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    # Indexed by the (user_id, looked_up_on, subject) unique constraint.
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    looked_up_on: Mapped[date] = Column(Date, nullable=False)
    # "account:<户号>" or "search:<hash of the query>" (never the query itself).
    subject: Mapped[str] = Column(String(80), nullable=False)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class BindingConsentRequest(Base):
    """A request to bind an account that another user has certified as its owner (户主).

    ``owner_user_id`` is the owner asked; ``delivered_at`` is when the requester was
    told the outcome. At most one pending request per requester and account.
    """

    __tablename__ = "binding_consent_requests"
    __table_args__ = (
        CheckConstraint(
            "(status = 'pending' AND decided_at IS NULL) OR "
            "(status <> 'pending' AND decided_at IS NOT NULL)",
            name="decided_unless_pending",
        ),
        CheckConstraint(
            "delivered_at IS NULL OR decided_at IS NOT NULL", name="delivered_after_decision"
        ),
        CheckConstraint("requester_user_id <> owner_user_id", name="requester_is_not_owner"),
        Index(
            "uq_binding_consent_requests_one_pending",
            "requester_user_id",
            "account_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    requester_user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    owner_user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    account_id: Mapped[int] = account_fk(nullable=False, ondelete="CASCADE")
    status: Mapped[ConsentStatus] = Column(
        str_enum(ConsentStatus, "consent_status"), nullable=False
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    decided_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")
    requester: Mapped[User] = relationship("User", foreign_keys=[requester_user_id])
