"""Uploaded files."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.models.common import SHA256_HEX_LENGTH, user_fk
from bot.db.types import UtcDateTime

if TYPE_CHECKING:
    from bot.db.models.applications import WorkOrder


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
    user_id: Mapped[int | None] = user_fk(nullable=True)
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
