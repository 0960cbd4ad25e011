"""用能预警 and the other proactive notices: each notice once per event, and what each user
chose to receive.

A notice is created by ``python -m bot notify run`` (:mod:`bot.notify.alerts`) and told to the user
on the chat they used last if it can push, otherwise with their next message. ``(user_id, kind,
event_key)`` is unique: a second run finds the same events and creates nothing. ``details`` holds
what the sentence names (户号, month, amounts in fen, times as ISO strings) as plain JSON values.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.db.base import Base
from bot.db.enums import NoticeKind
from bot.db.models.common import ACCOUNT_NUMBER_LENGTH, convention_index
from bot.db.types import UtcDateTime, str_enum

EVENT_KEY_LENGTH = 64


class UsageNotice(Base):
    """One event told (or to be told) to one user: unique per user, kind and event."""

    __tablename__ = "usage_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "event_key"),
        convention_index("user_id", "delivered_at"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[NoticeKind] = Column(str_enum(NoticeKind, "notice_kind"), nullable=False)
    # What makes the event one: "3301000001:2026-10:overdue", "3301000001:outage:7"…
    event_key: Mapped[str] = Column(String(EVENT_KEY_LENGTH), nullable=False)
    account_number: Mapped[str] = Column(String(ACCOUNT_NUMBER_LENGTH), nullable=False)
    details: Mapped[dict[str, Any]] = Column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    # Told, or dropped unsaid (the kind was turned off, or the news was stale by then).
    delivered_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)


class NoticePreference(Base):
    """A user's choice for one kind; no row means the kind is on."""

    __tablename__ = "notice_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[NoticeKind] = Column(str_enum(NoticeKind, "notice_kind"), nullable=False)
    enabled: Mapped[bool] = Column(Boolean, nullable=False)
    updated_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
