"""Personal data kept briefly (slot vault) and erasure requests."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped

from bot.db.base import Base
from bot.db.types import UtcDateTime


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
