"""Work orders (工单), their history and notices, application forms and appointment slots."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.enums import HalfDay, WorkOrderKind, WorkOrderStatus
from bot.db.models.common import SHA256_HEX_LENGTH, account_fk, convention_index, user_fk
from bot.db.types import UtcDateTime, str_enum

if TYPE_CHECKING:
    from bot.db.models.accounts import ElectricityAccount
    from bot.db.models.files import Attachment


class WorkOrder(Base):
    """A service request (工单). ``user_id`` is null for orders taken at a service counter."""

    __tablename__ = "work_orders"

    id: Mapped[int] = Column(Integer, primary_key=True)
    order_no: Mapped[str] = Column(String(20), nullable=False, unique=True)
    kind: Mapped[WorkOrderKind] = Column(str_enum(WorkOrderKind, "work_order_kind"), nullable=False)
    account_id: Mapped[int | None] = account_fk(nullable=True)
    user_id: Mapped[int | None] = user_fk(nullable=True)
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
    __table_args__ = (convention_index("user_id", "delivered_at"),)

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
