"""Conversations handed over to a human agent; what a chat channel remembers per chat."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped

from bot.db.base import Base
from bot.db.enums import HandoffStatus
from bot.db.models.common import convention_index, user_fk
from bot.db.types import UtcDateTime, str_enum


class Handoff(Base):
    """A conversation handed over to a human agent, with its (redacted) transcript:
    a JSON list of ``{"speaker": "user"|"bot", "text": ..., "at": ISO-8601}``."""

    __tablename__ = "handoffs"
    __table_args__ = (convention_index("channel", "sender_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    user_id: Mapped[int | None] = user_fk(nullable=True)
    reason: Mapped[str] = Column(String(256), nullable=False)
    transcript: Mapped[list[dict[str, Any]]] = Column(JSON, nullable=False, default=list)
    status: Mapped[HandoffStatus] = Column(
        str_enum(HandoffStatus, "handoff_status"), nullable=False
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class NumberedOptionSet(Base):
    """The payloads of the numbered options a chat was last shown on a channel without buttons
    (bot.channels.rendering.numbered_options): a reply of "2" picks ``payloads[1]``."""

    __tablename__ = "numbered_option_sets"
    __table_args__ = (PrimaryKeyConstraint("channel", "sender_id"),)

    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    payloads: Mapped[list[str]] = Column(JSON, nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, index=True)
