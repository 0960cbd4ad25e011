"""Monthly bills and the invoices issued for them."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.enums import BillStatus, InvoiceKind
from bot.db.models.common import account_fk
from bot.db.types import UtcDateTime, str_enum

if TYPE_CHECKING:
    from bot.db.models.accounts import ElectricityAccount


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
    account_id: Mapped[int] = account_fk(nullable=False, ondelete="CASCADE", index=False)
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
