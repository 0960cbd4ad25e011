"""Users, their chat identities and real names, and the SMS codes that log them in."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base
from bot.db.models.common import CHAT_KEY_LENGTH, PHONE_LENGTH, SHA256_HEX_LENGTH, convention_index, user_fk
from bot.db.types import UtcDateTime

if TYPE_CHECKING:
    from bot.db.models.accounts import AccountBinding


class User(Base):
    """A 网上国网 user, who logs in with phone number + SMS code."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"length(phone) = {PHONE_LENGTH}", name="phone_length"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    phone: Mapped[str] = Column(String(PHONE_LENGTH), nullable=False, unique=True)
    registered_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    real_name: Mapped[RealNameRecord | None] = relationship(
        "RealNameRecord", back_populates="user", uselist=False
    )
    bindings: Mapped[list[AccountBinding]] = relationship(
        "AccountBinding", back_populates="user", order_by="AccountBinding.created_at"
    )


class ChatIdentity(Base):
    """A conversation partner on one channel, linked to a user once logged in."""

    __tablename__ = "chat_identities"
    __table_args__ = (UniqueConstraint("channel", "sender_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    sender_id: Mapped[str] = Column(String(128), nullable=False)
    user_id: Mapped[int | None] = user_fk(nullable=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    last_seen_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    # When the current login began (null while anonymous): logins expire after an absolute age.
    logged_in_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)

    user: Mapped[User | None] = relationship("User")


class RealNameRecord(Base):
    """A user's verified real name. The ID number itself is never stored, only a keyed
    hash (to match the registry) and a masked form (to show back to the user)."""

    __tablename__ = "real_name_records"

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    name: Mapped[str] = Column(String(64), nullable=False)
    # Unique: one person's ID verifies one user only (see bot.identity.real_name).
    id_number_hash: Mapped[str] = Column(
        String(SHA256_HEX_LENGTH), nullable=False, index=True, unique=True
    )
    id_number_masked: Mapped[str] = Column(String(18), nullable=False)
    verified_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    user: Mapped[User] = relationship("User", back_populates="real_name")


class CitizenRecord(Base):
    """The demo stand-in for the public-security identity registry (name + ID number)."""

    __tablename__ = "citizen_registry"
    __table_args__ = (UniqueConstraint("id_number_hash"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = Column(String(64), nullable=False)
    id_number_hash: Mapped[str] = Column(String(SHA256_HEX_LENGTH), nullable=False)


class SmsMessage(Base):
    """A text message as handed to the SMS gateway (the demo gateway only records it)."""

    __tablename__ = "sms_messages"
    __table_args__ = (convention_index("phone", "sent_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    phone: Mapped[str] = Column(String(PHONE_LENGTH), nullable=False)
    purpose: Mapped[str] = Column(String(32), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    sent_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)


class VerificationCode(Base):
    """A one-time SMS code; only its hash is kept."""

    __tablename__ = "verification_codes"
    __table_args__ = (
        convention_index("phone", "purpose", "created_at"),
        convention_index("requested_by", "created_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    phone: Mapped[str] = Column(String(PHONE_LENGTH), nullable=False)
    purpose: Mapped[str] = Column(String(32), nullable=False)
    code_hash: Mapped[str] = Column(String(SHA256_HEX_LENGTH), nullable=False)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0, server_default=text("0"))
    consumed_at: Mapped[datetime | None] = Column(UtcDateTime, nullable=True)
    invalidated: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    # The chat (channel:sender) that asked for it: codes per chat and day are limited.
    requested_by: Mapped[str | None] = Column(String(CHAT_KEY_LENGTH), nullable=True)
