"""Calls of the hotline IVR (bot.channels.ivr): what one call needs between its requests,
shared by every Rasa replica."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.db.base import Base
from bot.db.types import UtcDateTime

IVR_CONVERSATION_LENGTH = 100


class IvrCall(Base):
    """One IVR call, keyed by the gateway's conversation id (also the Rasa sender id).

    ``caller`` (the calling mainland mobile, offered for login) is kept only while the call is
    live: disconnecting or expiring clears it. ``misses`` counts the no-input and no-match
    reprompts in a row; ``pending_text`` is recognised speech waiting for the caller to confirm
    it; ``digits`` the keypad digits typed so far, before the closing ``#``.
    """

    __tablename__ = "ivr_calls"
    __table_args__ = (CheckConstraint("misses >= 0", name="misses_not_negative"),)

    conversation_id: Mapped[str] = Column(String(IVR_CONVERSATION_LENGTH), primary_key=True)
    caller: Mapped[str | None] = Column(String(11), nullable=True)
    started_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, index=True)
    ended_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    misses: Mapped[int] = Column(Integer, nullable=False, default=0)
    pending_text: Mapped[str | None] = Column(Text, nullable=True)
    digits: Mapped[str] = Column(String(32), nullable=False, default="")
