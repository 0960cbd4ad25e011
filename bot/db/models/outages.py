"""Outages (停电): planned and fault outages of an area, and the 户号 an outage names."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.enums import OutageKind, OutageStatus
from bot.db.models.accounts import Region
from bot.db.models.common import ACCOUNT_NUMBER_LENGTH
from bot.db.types import UtcDateTime, str_enum

STREET_LENGTH = 64
REASON_LENGTH = 200


class Outage(Base):
    """A planned or fault outage (停电).

    The area is always one district (``region_code``), narrowed either to one street
    (``street``: every account whose address names it) or to a list of 户号
    (:class:`OutageAccount` rows: only those accounts); with neither, the whole district.
    ``ends_at`` is the expected restoration; ``closed_at`` is when an operator closed it.
    """

    __tablename__ = "outages"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "(status = 'open' AND closed_at IS NULL) OR (status = 'closed' AND closed_at IS NOT NULL)",
            name="closed_at_when_closed",
        ),
        CheckConstraint("street IS NULL OR length(street) > 0", name="street_not_empty"),
        # The queries: open outages of a district overlapping a time window (matching),
        # and open outages starting in a window wherever they are (the day-before notices).
        Index("ix_outages_status_region_starts", "status", "region_code", "starts_at"),
        Index("ix_outages_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    kind: Mapped[OutageKind] = Column(str_enum(OutageKind, "outage_kind"), nullable=False)
    status: Mapped[OutageStatus] = Column(str_enum(OutageStatus, "outage_status"), nullable=False)
    region_code: Mapped[str] = Column(
        String(6), ForeignKey("regions.code", ondelete="RESTRICT"), nullable=False
    )
    street: Mapped[str | None] = Column(String(STREET_LENGTH), nullable=True)
    reason: Mapped[str] = Column(String(REASON_LENGTH), nullable=False)
    starts_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    ends_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    closed_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    region: Mapped[Region] = relationship("Region")
    accounts: Mapped[list[OutageAccount]] = relationship(
        "OutageAccount",
        back_populates="outage",
        order_by="OutageAccount.account_number",
        cascade="all, delete-orphan",
    )


class OutageAccount(Base):
    """One 户号 an outage names, by number as the dispatch system lists it (the registry checks
    that each exists when the outage is added); indexed for the look-up by account."""

    __tablename__ = "outage_accounts"
    __table_args__ = (UniqueConstraint("outage_id", "account_number"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    outage_id: Mapped[int] = Column(
        Integer, ForeignKey("outages.id", ondelete="CASCADE"), nullable=False
    )
    account_number: Mapped[str] = Column(
        String(ACCOUNT_NUMBER_LENGTH), nullable=False, index=True
    )

    outage: Mapped[Outage] = relationship("Outage", back_populates="accounts")
