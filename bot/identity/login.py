"""Logging a chat identity (channel + sender) in with phone number and SMS code.

There are no passwords: the SMS code proves the phone, and a phone that is not yet
registered is registered by its first successful login (未注册手机号验证后自动注册).

A login does not last for ever: the sender id is all that names a chat, so a leaked or
guessed id must not stay logged in. It ends after LOGIN_IDLE_MINUTES (30) without use and
LOGIN_MAX_AGE_DAYS (7) after it began, whichever comes first (:class:`LoginLifetime`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.models import ChatIdentity, User
from bot.db.session import SessionFactory
from bot.identity.phones import normalize_mobile
from bot.identity.sms import SmsGateway
from bot.identity.verification import (
    CodePurpose,
    CodeRefused,
    CodeRejected,
    IssueRefusal,
    issue_code,
    verify_code,
)
from bot.limits.windows import chat_key
from bot.privacy.masking import mask_phone
from bot.settings import Settings

log = logging.getLogger(__name__)
# Using a login moves last_seen_at on, but writes it at most this often (one UPDATE per turn is waste).
SEEN_WRITE_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class LoginLifetime:
    """How long a chat's login lasts: ``idle`` without use, ``max_age`` in all."""

    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(days=7)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLifetime:
        return cls(timedelta(minutes=settings.login_idle_minutes), timedelta(days=settings.login_max_age_days))

    def expired(self, now: datetime, *, last_seen_at: datetime, started_at: datetime) -> bool:
        return now - last_seen_at > self.idle or now - started_at > self.max_age


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


@dataclass(frozen=True)
class LoginExpired:
    """The chat was logged in until this very check, which ended the login (unused or too old)."""

    user_id: int


def login_state(
    session_factory: SessionFactory, clock: Clock, *, channel: str, sender_id: str,
    lifetime: LoginLifetime = LoginLifetime(),
) -> LoggedInUser | LoginExpired | None:
    """Who this chat identity is logged in as; an expired login is ended here (unlinked, as by
    :func:`logout`) and reported once as :class:`LoginExpired`. Use keeps a login alive."""
    now = clock.now()
    with session_factory.session_scope() as session:
        row = session.execute(
            select(User, ChatIdentity)
            .join(ChatIdentity, ChatIdentity.user_id == User.id)
            .where(ChatIdentity.channel == channel, ChatIdentity.sender_id == sender_id)
        ).first()
        if row is None:
            return None
        user, identity = row
        # A login from before logged_in_at was recorded began no earlier than the identity itself.
        started_at = identity.logged_in_at or identity.created_at
        if lifetime.expired(now, last_seen_at=identity.last_seen_at, started_at=started_at):
            identity.user_id, identity.logged_in_at = None, None
            log.info("chat login expired (user %s)", user.id)
            return LoginExpired(user.id)
        if now - identity.last_seen_at >= SEEN_WRITE_INTERVAL:
            identity.last_seen_at = now
        return _logged_in_user(user, identity.logged_in_at)


def current_user(
    session_factory: SessionFactory, clock: Clock, *, channel: str, sender_id: str,
    lifetime: LoginLifetime = LoginLifetime(),
) -> LoggedInUser | None:
    """Who this chat identity is logged in as, if anyone (see :func:`login_state`)."""
    state = login_state(session_factory, clock, channel=channel, sender_id=sender_id, lifetime=lifetime)
    return state if isinstance(state, LoggedInUser) else None


def start_login(
    session_factory: SessionFactory,
    gateway: SmsGateway,
    clock: Clock,
    *,
    phone_text: str,
    requester: str | None = None,
) -> LoginStarted | LoginRefused:
    """Send a login code to the phone number the customer typed in the chat ``requester``
    (:func:`bot.limits.windows.chat_key`), whose daily code limits apply."""
    phone = normalize_mobile(phone_text)
    if phone is None:
        return LoginRefused(IssueRefusal.INVALID_PHONE)
    outcome = issue_code(
        session_factory, gateway, clock, phone=phone, purpose=CodePurpose.LOGIN, requester=requester
    )
    if isinstance(outcome, CodeRefused):
        return LoginRefused(outcome.reason, outcome.seconds_left)
    return LoginStarted(phone)


def complete_login(
    session_factory: SessionFactory, clock: Clock, *, channel: str, sender_id: str, phone: str, code: str
) -> LoggedIn | CodeRejected:
    """Check the login code and link the chat identity to the phone's user, registering
    the phone first if it is new. Code and link commit together."""
    with session_factory.session_scope() as session:
        outcome = verify_code(
            session, clock, phone=phone, purpose=CodePurpose.LOGIN, code=code,
            requester=chat_key(channel, sender_id),
        )
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
        unlinked = execute_dml(
            session,
            update(ChatIdentity.__table__)
            .where(
                ChatIdentity.channel == channel,
                ChatIdentity.sender_id == sender_id,
                ChatIdentity.user_id.is_not(None),
            )
            .values(user_id=None, logged_in_at=None),
        )
        return unlinked > 0


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
