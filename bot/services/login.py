"""Logging a chat identity (channel + sender) in with phone number and SMS code.

There are no passwords: the SMS code proves the phone, and a phone that is not yet
registered is registered by its first successful login (未注册手机号验证后自动注册).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.models import ChatIdentity, User
from bot.db.session import SessionFactory
from bot.privacy import mask_phone
from bot.services.phones import normalize_mobile
from bot.services.sms import SmsGateway
from bot.services.verification import (
    CodePurpose,
    CodeRefused,
    CodeRejected,
    IssueRefusal,
    issue_code,
    verify_code,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoggedInUser:
    user_id: int
    phone: str
    real_name_verified: bool
    logged_in_at: datetime | None = None  # when this chat's login began (None: unknown)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


@dataclass(frozen=True)
class LoginStarted:
    """A login code was sent to ``phone`` (normalised: pass it to :func:`complete_login`)."""

    phone: str


@dataclass(frozen=True)
class LoginRefused:
    reason: IssueRefusal
    seconds_left: int | None = None


@dataclass(frozen=True)
class LoggedIn:
    user: LoggedInUser
    newly_registered: bool


def current_user(session_factory: SessionFactory, *, channel: str, sender_id: str) -> LoggedInUser | None:
    """Who this chat identity is logged in as, if anyone."""
    with session_factory.session_scope() as session:
        row = session.execute(
            select(User, ChatIdentity.logged_in_at)
            .join(ChatIdentity, ChatIdentity.user_id == User.id)
            .where(ChatIdentity.channel == channel, ChatIdentity.sender_id == sender_id)
        ).first()
        return None if row is None else _logged_in_user(row[0], row[1])


def start_login(
    session_factory: SessionFactory, gateway: SmsGateway, clock: Clock, *, phone_text: str
) -> LoginStarted | LoginRefused:
    """Send a login code to the phone number the customer typed."""
    phone = normalize_mobile(phone_text)
    if phone is None:
        return LoginRefused(IssueRefusal.INVALID_PHONE)
    outcome = issue_code(session_factory, gateway, clock, phone=phone, purpose=CodePurpose.LOGIN)
    if isinstance(outcome, CodeRefused):
        return LoginRefused(outcome.reason, outcome.seconds_left)
    return LoginStarted(phone)


def complete_login(
    session_factory: SessionFactory, clock: Clock, *, channel: str, sender_id: str, phone: str, code: str
) -> LoggedIn | CodeRejected:
    """Check the login code and link the chat identity to the phone's user, registering
    the phone first if it is new. Code and link commit together."""
    with session_factory.session_scope() as session:
        outcome = verify_code(session, clock, phone=phone, purpose=CodePurpose.LOGIN, code=code)
        if isinstance(outcome, CodeRejected):
            return outcome
        now = clock.now()
        user = session.scalars(select(User).where(User.phone == phone)).first()
        newly_registered = user is None
        if user is None:
            user = User(phone=phone, registered_at=now)
            session.add(user)
            session.flush()
        _link(session, channel, sender_id, user.id, now)
        logged_in = _logged_in_user(user, now)
    log.info("chat identity logged in (user %s%s)", logged_in.user_id, ", newly registered" if newly_registered else "")
    return LoggedIn(logged_in, newly_registered)


def logout(session_factory: SessionFactory, *, channel: str, sender_id: str) -> bool:
    """Unlink the chat identity from its user; whether someone was logged in."""
    with session_factory.session_scope() as session:
        result = session.execute(
            update(ChatIdentity.__table__)
            .where(
                ChatIdentity.channel == channel,
                ChatIdentity.sender_id == sender_id,
                ChatIdentity.user_id.is_not(None),
            )
            .values(user_id=None, logged_in_at=None)
        )
        return result.rowcount > 0


def _link(session: Session, channel: str, sender_id: str, user_id: int, now: datetime) -> None:
    identity = session.scalars(
        select(ChatIdentity).where(ChatIdentity.channel == channel, ChatIdentity.sender_id == sender_id)
    ).first()
    if identity is None:
        session.add(
            ChatIdentity(
                channel=channel, sender_id=sender_id, user_id=user_id,
                created_at=now, last_seen_at=now, logged_in_at=now,
            )
        )
    else:
        identity.user_id = user_id
        identity.last_seen_at = now
        identity.logged_in_at = now


def _logged_in_user(user: User, logged_in_at: datetime | None) -> LoggedInUser:
    return LoggedInUser(
        user_id=user.id, phone=user.phone, real_name_verified=user.real_name is not None, logged_in_at=logged_in_at,
    )
