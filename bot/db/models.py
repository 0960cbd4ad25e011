"""The business tables.

Conventions: money is integer fen (``*_fen``), never float; every timestamp is an
aware UTC datetime (:class:`~bot.db.types.UtcDateTime`) supplied by the caller's
clock, so nothing here reads the wall clock; enum columns hold the values of
:mod:`bot.db.enums` behind CHECK constraints.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.enums import (
    AccountCategory,
    AutopayEventKind,
    BillStatus,
    ConsentStatus,
    HalfDay,
    HandoffStatus,
    HolderKind,
    InstrumentKind,
    InvoiceKind,
    PaymentPurpose,
    PaymentStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from bot.db.types import UtcDateTime, str_enum

PHONE_LENGTH = 11
ACCOUNT_NUMBER_LENGTH = 10
SHA256_HEX_LENGTH = 64
CHAT_KEY_LENGTH = 161  # channel (32) + ':' + sender id (128)


def _user_fk(*, nullable: bool, ondelete: str = "SET NULL") -> Column:
    return Column(
        Integer, ForeignKey("users.id", ondelete=ondelete), nullable=nullable, index=True
    )


def _account_fk(*, nullable: bool, ondelete: str = "RESTRICT", index: bool = True) -> Column:
    return Column(
        Integer,
        ForeignKey("electricity_accounts.id", ondelete=ondelete),
        nullable=nullable,
        index=index,
    )


class User(Base):
    """A 网上国网 user, who logs in with phone number + SMS code."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"length(phone) = {PHONE_LENGTH}", name="phone_length"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    phone: Mapped[str] = Column(String(PHONE_LENGTH), nullable=False, unique=True)
    registered_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    real_name: Mapped[RealNameRecord | None] = relationship(
        "RealNameRecord", back_populates="user", uselist=False
    )
    bindings: Mapped[list[AccountBinding]] = relationship(
        "AccountBinding", back_populates="user", order_by="AccountBinding.created_at"
    )


class ChatIdentity(Base):
    """A conversation partner on one channel, linked to a user once logged in."""

    __tablename__ = "chat_identities"
    __table_args__ = (UniqueConstraint("channel", "sender_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    user_id: Mapped[int | None] = _user_fk(nullable=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    last_seen_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    # When the current login began (null while anonymous): logins expire after an absolute age.
    logged_in_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    user: Mapped[User | None] = relationship("User")


class RealNameRecord(Base):
    """A user's verified real name. The ID number itself is never stored, only a keyed
    hash (to match the registry) and a masked form (to show back to the user)."""

    __tablename__ = "real_name_records"

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    name: Mapped[str] = Column(String(64), nullable=False)
    # Unique: one person's ID verifies one user only (see bot.identity.real_name).
    id_number_hash: Mapped[str] = Column(
        String(SHA256_HEX_LENGTH), nullable=False, index=True, unique=True
    )
    id_number_masked: Mapped[str] = Column(String(18), nullable=False)
    verified_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    user: Mapped[User] = relationship("User", back_populates="real_name")


class CitizenRecord(Base):
    """The demo stand-in for the public-security identity registry (name + ID number)."""

    __tablename__ = "citizen_registry"
    __table_args__ = (UniqueConstraint("id_number_hash"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = Column(String(64), nullable=False)
    id_number_hash: Mapped[str] = Column(String(SHA256_HEX_LENGTH), nullable=False)


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
    owner_user_id: Mapped[int | None] = _user_fk(nullable=True)
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
    account_id: Mapped[int] = _account_fk(nullable=False, ondelete="CASCADE")
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
    account_id: Mapped[int] = _account_fk(nullable=False, ondelete="CASCADE")
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
    account_id: Mapped[int] = _account_fk(nullable=False, ondelete="CASCADE")
    status: Mapped[ConsentStatus] = Column(
        str_enum(ConsentStatus, "consent_status"), nullable=False
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    decided_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")
    requester: Mapped[User] = relationship("User", foreign_keys=[requester_user_id])


class MonthlyBill(Base):
    """One month's bill. ``period`` is the first day of the billed month; the tier
    columns split ``kwh`` by annual tier (flat tariffs put everything in tier 1)."""

    __tablename__ = "monthly_bills"
    __table_args__ = (
        UniqueConstraint("account_id", "period"),
        CheckConstraint(
            "kwh >= 0 AND tier1_kwh >= 0 AND tier2_kwh >= 0 AND tier3_kwh >= 0",
            name="kwh_not_negative",
        ),
        CheckConstraint("tier1_kwh + tier2_kwh + tier3_kwh = kwh", name="tiers_add_up"),
        CheckConstraint(
            "(peak_kwh IS NULL AND valley_kwh IS NULL) OR "
            "(peak_kwh >= 0 AND valley_kwh >= 0 AND peak_kwh + valley_kwh = kwh)",
            name="peak_valley_add_up",
        ),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid_within_amount"),
        CheckConstraint("due_date >= issued_on", name="due_after_issue"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    # Indexed by the (account_id, period) unique constraint.
    account_id: Mapped[int] = _account_fk(nullable=False, ondelete="CASCADE", index=False)
    period: Mapped[date] = Column(Date, nullable=False)
    kwh: Mapped[int] = Column(Integer, nullable=False)
    tier1_kwh: Mapped[int] = Column(Integer, nullable=False)
    tier2_kwh: Mapped[int] = Column(Integer, nullable=False, default=0, server_default=text("0"))
    tier3_kwh: Mapped[int] = Column(Integer, nullable=False, default=0, server_default=text("0"))
    peak_kwh: Mapped[int | None] = Column(Integer, nullable=True)
    valley_kwh: Mapped[int | None] = Column(Integer, nullable=True)
    amount_fen: Mapped[int] = Column(BigInteger, nullable=False)
    issued_on: Mapped[date] = Column(Date, nullable=False)
    due_date: Mapped[date] = Column(Date, nullable=False)
    paid_fen: Mapped[int] = Column(BigInteger, nullable=False, default=0, server_default=text("0"))
    paid_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    status: Mapped[BillStatus] = Column(str_enum(BillStatus, "bill_status"), nullable=False)
    # 违约金 collected when the bill was settled (on top of ``paid_fen``).
    late_fee_paid_fen: Mapped[int] = Column(
        BigInteger, nullable=False, default=0, server_default=text("0")
    )

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount", back_populates="bills")

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.paid_fen


class PaymentInstrument(Base):
    """A way a user pays: the 电e宝 wallet or a bound bank card.

    Only a card's bank, type and last four digits are kept; the number stays with the
    payment gateway, which knows the instrument by ``token``.
    """

    __tablename__ = "payment_instruments"
    __table_args__ = (
        CheckConstraint(
            "kind = 'wallet' OR (bank_name IS NOT NULL AND card_type IS NOT NULL "
            "AND length(last4) = 4)",
            name="card_described",
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[InstrumentKind] = Column(
        str_enum(InstrumentKind, "instrument_kind"), nullable=False
    )
    bank_name: Mapped[str | None] = Column(String(32), nullable=True)
    card_type: Mapped[str | None] = Column(String(16), nullable=True)
    last4: Mapped[str | None] = Column(String(4), nullable=True)
    token: Mapped[str] = Column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class FrozenQuote(Base):
    """What a payment summary showed, frozen: confirming it pays exactly this, whatever the
    slots say by then. ``token`` (random) is the chat's ``payment_key``; it counts only for the
    chat and user it was shown to, until ``expires_at``, and pays at most once (a payment
    names it, uniquely). ``needs_code``: an SMS code sent for this quote must be entered
    first (``code_verified_at``). ``voided_at``: replaced by a newer summary, changed, or
    its code was mistyped too often."""

    __tablename__ = "payment_quotes"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        Index(None, "channel", "sender_id"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    token: Mapped[str] = Column(String(SHA256_HEX_LENGTH), nullable=False, unique=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    account_id: Mapped[int] = _account_fk(nullable=False, ondelete="CASCADE")
    instrument_id: Mapped[int] = Column(
        Integer, ForeignKey("payment_instruments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    amount_fen: Mapped[int] = Column(BigInteger, nullable=False)
    needs_code: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    code_verified_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    voided_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")


class Payment(Base):
    """A payment attempt. ``idempotency_key`` makes a retried request a no-op; ``order_id``
    is what the gateway knows it by (the gateway is idempotent on it too).

    ``late_fee_fen`` is the part of ``amount_fen`` that paid 违约金; ``allocation`` records
    which bills it settled (``[{"period": "2026-10-01", "principal_fen": …, "late_fee_fen": …}]``)
    and ``prepaid_fen`` what went to the prepaid balance.
    """

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    order_id: Mapped[str] = Column(String(32), nullable=False, unique=True)
    idempotency_key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    account_id: Mapped[int] = _account_fk(nullable=False)
    user_id: Mapped[int | None] = _user_fk(nullable=True)
    instrument_id: Mapped[int | None] = Column(
        Integer, ForeignKey("payment_instruments.id", ondelete="SET NULL"), nullable=True, index=True
    )
    purpose: Mapped[PaymentPurpose] = Column(
        str_enum(PaymentPurpose, "payment_purpose"), nullable=False,
        default=PaymentPurpose.BILL, server_default=PaymentPurpose.BILL.value,
    )
    amount_fen: Mapped[int] = Column(BigInteger, nullable=False)
    method: Mapped[str] = Column(String(32), nullable=False)
    status: Mapped[PaymentStatus] = Column(
        str_enum(PaymentStatus, "payment_status"), nullable=False
    )
    receipt_no: Mapped[str | None] = Column(String(32), nullable=True, unique=True)
    transaction_id: Mapped[str | None] = Column(String(32), nullable=True)
    failure_reason: Mapped[str | None] = Column(String(256), nullable=True)
    late_fee_fen: Mapped[int] = Column(BigInteger, nullable=False, default=0, server_default=text("0"))
    prepaid_fen: Mapped[int] = Column(BigInteger, nullable=False, default=0, server_default=text("0"))
    allocation: Mapped[list[dict[str, Any]] | None] = Column(JSON, nullable=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    # The confirmed summary this payment paid (null: auto-debit, seeded history).
    quote_id: Mapped[int | None] = Column(
        Integer, ForeignKey("payment_quotes.id", ondelete="SET NULL"), nullable=True, unique=True
    )

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")
    instrument: Mapped[PaymentInstrument | None] = relationship("PaymentInstrument")


class AutopayMandate(Base):
    """智能交费 (monthly auto-debit) of one account from one of the user's instruments.

    At most one active mandate per account; a cancelled one is kept for the record.
    """

    __tablename__ = "autopay_mandates"
    __table_args__ = (
        Index(
            "uq_autopay_mandates_one_active_per_account",
            "account_id",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    account_id: Mapped[int] = _account_fk(nullable=False, ondelete="CASCADE")
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    instrument_id: Mapped[int] = Column(
        Integer, ForeignKey("payment_instruments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    cancelled_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")
    instrument: Mapped[PaymentInstrument] = relationship("PaymentInstrument")


class AutopayEvent(Base):
    """One thing that happened to an account's auto-debit, kept for the record and told to the
    mandate's signer (``notify_user_id``) the next time they chat (``delivered_at`` null until then).

    A sign-up or card change names the SMS code that authorised it: unique, so one code
    authorises one change.
    """

    __tablename__ = "autopay_events"
    __table_args__ = (Index(None, "notify_user_id", "delivered_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    account_id: Mapped[int] = _account_fk(nullable=False, ondelete="CASCADE")
    actor_user_id: Mapped[int | None] = _user_fk(nullable=True)
    notify_user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[AutopayEventKind] = Column(
        str_enum(AutopayEventKind, "autopay_event_kind"), nullable=False
    )
    instrument_id: Mapped[int | None] = Column(
        Integer, ForeignKey("payment_instruments.id", ondelete="SET NULL"), nullable=True
    )
    verification_code_id: Mapped[int | None] = Column(
        Integer, ForeignKey("verification_codes.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    delivered_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    account: Mapped[ElectricityAccount] = relationship("ElectricityAccount")
    instrument: Mapped[PaymentInstrument | None] = relationship("PaymentInstrument")


class GatewayNonce(Base):
    """A nonce of a payment-gateway answer already taken, so a replayed answer is refused
    (bot.payments.response_auth); rows older than the replay window are deleted."""

    __tablename__ = "gateway_nonces"

    nonce: Mapped[str] = Column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, index=True)


class WorkOrder(Base):
    """A service request (工单). ``user_id`` is null for orders taken at a service counter."""

    __tablename__ = "work_orders"

    id: Mapped[int] = Column(Integer, primary_key=True)
    order_no: Mapped[str] = Column(String(20), nullable=False, unique=True)
    kind: Mapped[WorkOrderKind] = Column(str_enum(WorkOrderKind, "work_order_kind"), nullable=False)
    account_id: Mapped[int | None] = _account_fk(nullable=True)
    user_id: Mapped[int | None] = _user_fk(nullable=True)
    status: Mapped[WorkOrderStatus] = Column(
        str_enum(WorkOrderStatus, "work_order_status"), nullable=False
    )
    form_data: Mapped[dict[str, Any]] = Column(JSON, nullable=False, default=dict)
    promised_by: Mapped[date | None] = Column(Date, nullable=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    # The outbox of pre-applications (新装): the business system's reference once forwarded;
    # null while pending (see bot.applications.business_system).
    business_ref: Mapped[str | None] = Column(String(32), nullable=True)
    forwarded_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    account: Mapped[ElectricityAccount | None] = relationship("ElectricityAccount")
    events: Mapped[list[WorkOrderEvent]] = relationship(
        "WorkOrderEvent",
        back_populates="work_order",
        order_by="[WorkOrderEvent.at, WorkOrderEvent.id]",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        "Attachment", back_populates="work_order"
    )


class WorkOrderEvent(Base):
    """One step of a work order's status history."""

    __tablename__ = "work_order_events"

    id: Mapped[int] = Column(Integer, primary_key=True)
    work_order_id: Mapped[int] = Column(
        Integer, ForeignKey("work_orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[WorkOrderStatus] = Column(
        str_enum(WorkOrderStatus, "work_order_status"), nullable=False
    )
    note: Mapped[str | None] = Column(Text, nullable=True)
    at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    work_order: Mapped[WorkOrder] = relationship("WorkOrder", back_populates="events")


class WorkOrderNotice(Base):
    """A status change of a work order still to be told to its applicant.

    The chat reads the undelivered ones on the user's next message and marks them
    delivered; channels that can push will later deliver them at once.
    """

    __tablename__ = "order_notices"
    __table_args__ = (Index(None, "user_id", "delivered_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    work_order_id: Mapped[int] = Column(
        Integer, ForeignKey("work_orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[WorkOrderStatus] = Column(
        str_enum(WorkOrderStatus, "work_order_status"), nullable=False
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    delivered_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    work_order: Mapped[WorkOrder] = relationship("WorkOrder")


class Attachment(Base):
    """An uploaded file (ID card photo, property certificate, ...). It may be uploaded
    before the work order it belongs to exists, hence the nullable link and uploader."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
        Index("ix_attachments_channel_sender_id", "channel", "sender_id"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    work_order_id: Mapped[int | None] = Column(
        Integer, ForeignKey("work_orders.id", ondelete="SET NULL"), nullable=True, index=True
    )
    user_id: Mapped[int | None] = _user_fk(nullable=True)
    # The chat that uploaded it: only that chat may use it (chats upload only once logged in).
    channel: Mapped[str | None] = Column(String(32), nullable=True)
    sender_id: Mapped[str | None] = Column(String(128), nullable=True)
    kind: Mapped[str] = Column(String(32), nullable=False)
    filename: Mapped[str] = Column(String(255), nullable=False)
    content_type: Mapped[str] = Column(String(127), nullable=False)
    size_bytes: Mapped[int] = Column(BigInteger, nullable=False)
    sha256: Mapped[str] = Column(String(SHA256_HEX_LENGTH), nullable=False)
    storage_path: Mapped[str] = Column(String(512), nullable=False)
    uploaded_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    work_order: Mapped[WorkOrder | None] = relationship("WorkOrder", back_populates="attachments")


class SmsMessage(Base):
    """A text message as handed to the SMS gateway (the demo gateway only records it)."""

    __tablename__ = "sms_messages"
    __table_args__ = (Index(None, "phone", "sent_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    phone: Mapped[str] = Column(String(PHONE_LENGTH), nullable=False)
    purpose: Mapped[str] = Column(String(32), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    sent_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class VerificationCode(Base):
    """A one-time SMS code; only its hash is kept."""

    __tablename__ = "verification_codes"
    __table_args__ = (
        Index(None, "phone", "purpose", "created_at"),
        Index(None, "requested_by", "created_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    phone: Mapped[str] = Column(String(PHONE_LENGTH), nullable=False)
    purpose: Mapped[str] = Column(String(32), nullable=False)
    code_hash: Mapped[str] = Column(String(SHA256_HEX_LENGTH), nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0, server_default=text("0"))
    consumed_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    invalidated: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    # The chat (channel:sender) that asked for it: codes per chat and day are limited.
    requested_by: Mapped[str | None] = Column(String(CHAT_KEY_LENGTH), nullable=True)


class LimitCounter(Base):
    """A daily abuse-limit counter (bot.limits.db_counters); the key names its window."""

    __tablename__ = "limit_counters"
    __table_args__ = (CheckConstraint("used >= 0", name="used_not_negative"),)

    key: Mapped[str] = Column(String(255), primary_key=True)
    used: Mapped[int] = Column(Integer, nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, index=True)


class FormSummary(Base):
    """What an application form's summary showed, frozen until it is submitted: one row per
    chat and form. Only keyed digests are kept (the application holds ID numbers and phones):
    of the application as shown, and of the phone whose SMS code this chat entered in the form."""

    __tablename__ = "form_summaries"
    __table_args__ = (UniqueConstraint("channel", "sender_id", "form"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    form: Mapped[str] = Column(String(64), nullable=False)
    # Set when the summary is shown; null while only the code has been entered.
    digest: Mapped[str | None] = Column(String(SHA256_HEX_LENGTH), nullable=True)
    frozen_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    code_phone_digest: Mapped[str | None] = Column(String(SHA256_HEX_LENGTH), nullable=True)
    code_verified_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)


class AppointmentSlot(Base):
    """Half a working day of on-site service capacity in one district."""

    __tablename__ = "appointment_slots"
    __table_args__ = (
        UniqueConstraint("region_code", "slot_date", "half"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    region_code: Mapped[str] = Column(
        String(6), ForeignKey("regions.code", ondelete="CASCADE"), nullable=False
    )
    slot_date: Mapped[date] = Column(Date, nullable=False)
    half: Mapped[HalfDay] = Column(str_enum(HalfDay, "half_day"), nullable=False)
    capacity: Mapped[int] = Column(Integer, nullable=False)
    booked: Mapped[int] = Column(Integer, nullable=False, default=0, server_default=text("0"))

    @property
    def available(self) -> int:
        return self.capacity - self.booked


class Handoff(Base):
    """A conversation handed over to a human agent, with its (redacted) transcript:
    a JSON list of ``{"speaker": "user"|"bot", "text": ..., "at": ISO-8601}``."""

    __tablename__ = "handoffs"
    __table_args__ = (Index(None, "channel", "sender_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    user_id: Mapped[int | None] = _user_fk(nullable=True)
    reason: Mapped[str] = Column(String(256), nullable=False)
    transcript: Mapped[list[dict[str, Any]]] = Column(JSON, nullable=False, default=list)
    status: Mapped[HandoffStatus] = Column(
        str_enum(HandoffStatus, "handoff_status"), nullable=False
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class Invoice(Base):
    """An e-invoice or receipt issued for a paid bill: one per bill and kind, so asking
    again returns the same number."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("bill_id", "kind"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    bill_id: Mapped[int] = Column(
        Integer, ForeignKey("monthly_bills.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[InvoiceKind] = Column(str_enum(InvoiceKind, "invoice_kind"), nullable=False)
    number: Mapped[str | None] = Column(String(20), nullable=True, unique=True)
    issued_on: Mapped[date] = Column(Date, nullable=False)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    bill: Mapped[MonthlyBill] = relationship("MonthlyBill")


class PreApplicationRecord(Base):
    """A pre-application as the demo business system (营销业务应用系统) received it: the
    local stand-in for a real integration. One per order number, so a resubmission
    finds the first one. Form data is the work order's, already masked."""

    __tablename__ = "pre_applications"

    id: Mapped[int] = Column(Integer, primary_key=True)
    order_no: Mapped[str] = Column(String(20), nullable=False, unique=True)
    kind: Mapped[WorkOrderKind] = Column(str_enum(WorkOrderKind, "work_order_kind"), nullable=False)
    reference: Mapped[str] = Column(String(32), nullable=False, unique=True)
    form_data: Mapped[dict[str, Any]] = Column(JSON, nullable=False, default=dict)
    attachment_ids: Mapped[list[int]] = Column(JSON, nullable=False, default=list)
    submitted_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    received_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class SlotVaultEntry(Base):
    """The raw value of a slot holding personal data, kept here for a short while instead of
    in the tracker store: the stored conversation has the masked value and ``ref`` (a random
    token), and the tracker store wrapper puts the raw value back on load until it expires
    (see bot.rasa_ext.redaction)."""

    __tablename__ = "slot_vault"

    id: Mapped[int] = Column(Integer, primary_key=True)
    ref: Mapped[str] = Column(String(32), nullable=False, unique=True)
    sender_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    slot: Mapped[str] = Column(String(64), nullable=False)
    value: Mapped[Any] = Column(JSON, nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, index=True)


class TrackerErasure(Base):
    """A conversation (Rasa sender id) whose stored tracker must be deleted: written by the
    erasure service, carried out by the tracker store wrapper (bot.rasa_ext.stores)."""

    __tablename__ = "tracker_erasures"

    id: Mapped[int] = Column(Integer, primary_key=True)
    sender_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    requested_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class ErasureRequest(Base):
    """注销/删除个人信息 asked in a chat and waiting for the user's confirmation (one per user)."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    asked_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
