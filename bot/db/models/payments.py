"""Payment instruments, frozen quotes, payments and auto-debit (智能交费)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.enums import (
    AutopayEventKind,
    InstrumentKind,
    PaymentPurpose,
    PaymentStatus,
)
from bot.db.models.common import SHA256_HEX_LENGTH, account_fk, convention_index, user_fk
from bot.db.types import UtcDateTime, str_enum

if TYPE_CHECKING:
    from bot.db.models.accounts import ElectricityAccount


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
        convention_index("channel", "sender_id"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    token: Mapped[str] = Column(String(SHA256_HEX_LENGTH), nullable=False, unique=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    account_id: Mapped[int] = account_fk(nullable=False, ondelete="CASCADE")
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
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        convention_index("user_id", "outcome_notice_due"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    order_id: Mapped[str] = Column(String(32), nullable=False, unique=True)
    idempotency_key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    account_id: Mapped[int] = account_fk(nullable=False)
    user_id: Mapped[int | None] = user_fk(nullable=True)
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
    # Settled by the background job after the payer was told "确认中": to be told (bot.payments.outcome_notices).
    outcome_notice_due: Mapped[bool] = Column(Boolean, nullable=False, default=False, server_default=text("false"))

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
    account_id: Mapped[int] = account_fk(nullable=False, ondelete="CASCADE")
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
    __table_args__ = (convention_index("notify_user_id", "delivered_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    account_id: Mapped[int] = account_fk(nullable=False, ondelete="CASCADE")
    actor_user_id: Mapped[int | None] = user_fk(nullable=True)
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
