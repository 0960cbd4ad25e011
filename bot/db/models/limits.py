"""Abuse-limit counters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Integer, String
from sqlalchemy.orm import Mapped

from bot.db.base import Base
from bot.db.types import UtcDateTime


class LimitCounter(Base):
    """A daily abuse-limit counter (bot.limits.db_counters); the key names its window."""

    __tablename__ = "limit_counters"
    __table_args__ = (CheckConstraint("used >= 0", name="used_not_negative"),)

    key: Mapped[str] = Column(String(255), primary_key=True)
    used: Mapped[int] = Column(Integer, nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, index=True)
