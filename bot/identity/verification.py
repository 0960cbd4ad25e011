"""One-time SMS verification codes (login, 过户, 新装 ...).

A code is 6 random digits, of which only a keyed hash is stored. It is valid for 5
minutes, survives 4 wrong tries (the 5th retires it) and is used once; issuing a new
code retires the older unused ones for the same phone and purpose. Sending is limited
per phone whatever the purpose, as an SMS provider's flow control is: one code per
60 s and 10 per China calendar day. A chat (channel + sender, the ``requester``) may
ask for 20 codes a day, for at most 5 different phones (SMS pumping: one chat making us
text many numbers), and may enter 20 wrong codes a day, whichever phones they were for.

Every issue and check for a phone runs under a per-phone lock held until its
transaction ends (:func:`bot.db.locks.lock_phone`; issuing also locks the requesting chat), so two
checks cannot both accept one code, wrong tries cannot be lost, and two requests cannot
both slip past the resend limit.
"""
from __future__ import annotations

import hmac
import logging
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Boolean, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.clock import CHINA_TZ, Clock
from bot.db.enums import StrEnum
from bot.db.id_hash import keyed_digest
from bot.db.locks import lock_chat, lock_phone
from bot.db.models import VerificationCode
from bot.db.session import SessionFactory
from bot.identity.phones import normalize_mobile
from bot.identity.sms import SmsGateway
from bot.limits.db_counters import add_in, count_in
from bot.limits.windows import DAY_TTL, china_day
from bot.privacy.masking import mask_phone

log = logging.getLogger(__name__)

CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=5)
MAX_WRONG_TRIES = 5
RESEND_INTERVAL = timedelta(seconds=60)
CODES_PER_DAY = 10
CODES_PER_CHAT_PER_DAY = 20
PHONES_PER_CHAT_PER_DAY = 5
WRONG_CODES_PER_CHAT_PER_DAY = 20

# The only place the text around a code is written.
SMS_TEMPLATE = "【国家电网】您的验证码为{code}，{minutes}分钟内有效。请勿泄露给他人。"

_CODE = re.compile(rf"[0-9]{{{CODE_LENGTH}}}")


class CodePurpose(StrEnum):
    """What a code authorises; any string works, these are the ones in use."""

    LOGIN = "login"
    RENAME_TRANSFER = "rename_transfer"
    NEW_INSTALL = "new_install"
    AUTOPAY = "autopay"  # signing up for auto-debit or changing its card
    PAYMENT = "payment"  # used as "payment:<quote id>": a code authorises one frozen payment quote


class IssueRefusal(StrEnum):
    INVALID_PHONE = "invalid_phone"
    RESEND_TOO_SOON = "resend_too_soon"
    DAILY_LIMIT = "daily_limit"
    CHAT_DAILY_LIMIT = "chat_daily_limit"  # this chat asked for too many codes today
    TOO_MANY_PHONES = "too_many_phones"  # this chat asked codes for too many phones today


class CodeRejection(StrEnum):
    NO_CODE = "no_code"
    EXPIRED = "expired"
    WRONG = "wrong"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    BAD_FORMAT = "bad_format"
    CHAT_GUESS_LIMIT = "chat_guess_limit"  # this chat entered too many wrong codes today


@dataclass(frozen=True)
class CodeIssued:
    phone: str
    purpose: str
    expires_at: datetime


@dataclass(frozen=True)
class CodeRefused:
    reason: IssueRefusal
    # Until another code may be requested (RESEND_TOO_SOON, DAILY_LIMIT).
    seconds_left: int | None = None


@dataclass(frozen=True)
class CodeAccepted:
    phone: str
    purpose: str


@dataclass(frozen=True)
class CodeRejected:
    reason: CodeRejection
    # Wrong tries still allowed (WRONG; 0 with TOO_MANY_ATTEMPTS).
    tries_left: int | None = None


def issue_code(
    session_factory: SessionFactory,
    gateway: SmsGateway,
    clock: Clock,
    *,
    phone: str,
    purpose: str,
    requester: str | None = None,
) -> CodeIssued | CodeRefused:
    """Send a new code to ``phone`` (11 digits, see :func:`normalize_mobile`) for the chat
    ``requester`` (:func:`bot.limits.windows.chat_key`; None: not asked from a chat).

    The SMS goes out after the code is committed: the demo gateway writes in its own
    transaction, which would wait for ours on SQLite. If sending fails, the code is
    deleted again so that it does not count against the limits.
    """
    if normalize_mobile(phone) != phone:
        return CodeRefused(IssueRefusal.INVALID_PHONE)
    purpose = str(purpose)
    now = clock.now()
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    with session_factory.session_scope() as session:
        lock_phone(session, phone)
        refusal = _limit_reached(session, phone, now)
        if refusal is None and requester is not None:
            refusal = _chat_limit_reached(session, requester, phone, now)
        if refusal is not None:
            log.info("verification code refused (%s, purpose=%s, to %s)", refusal.reason, purpose, mask_phone(phone))
            return refusal
        session.execute(
            update(VerificationCode.__table__)
            .where(*_for(phone, purpose), VerificationCode.consumed_at.is_(None))
            .values(invalidated=True)
        )
        row = VerificationCode(
            phone=phone,
            purpose=purpose,
            code_hash=_hash_code(phone, purpose, code),
            expires_at=now + CODE_TTL,
            created_at=now,
            requested_by=requester,
        )
        session.add(row)
        session.flush()
        row_id = row.id
    try:
        gateway.send(phone, SMS_TEMPLATE.format(code=code, minutes=_minutes(CODE_TTL)), purpose)
    except Exception:
        with session_factory.session_scope() as session:
            session.execute(VerificationCode.__table__.delete().where(VerificationCode.id == row_id))
        raise
    log.info("verification code sent (purpose=%s, to %s)", purpose, mask_phone(phone))
    return CodeIssued(phone, purpose, now + CODE_TTL)


def check_code(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    phone: str,
    purpose: str,
    code: str,
    requester: str | None = None,
) -> CodeAccepted | CodeRejected:
    """Check (and on success consume) ``code`` in a unit of work of its own."""
    with session_factory.session_scope() as session:
        return verify_code(session, clock, phone=phone, purpose=purpose, code=code, requester=requester)


def verify_code(
    session: Session,
    clock: Clock,
    *,
    phone: str,
    purpose: str,
    code: str,
    requester: str | None = None,
) -> CodeAccepted | CodeRejected:
    """:func:`check_code` inside the caller's unit of work, so that consuming the code
    and what it authorises commit together. A ``requester`` chat past its wrong codes for
    the day is refused without the code being looked at (the right one too)."""
    normalised = unicodedata.normalize("NFKC", code).strip()
    if not _CODE.fullmatch(normalised):
        return CodeRejected(CodeRejection.BAD_FORMAT)
    purpose = str(purpose)
    lock_phone(session, phone)
    now = clock.now()
    guesses_key = None if requester is None else f"code-guesses:{china_day(now)}:{requester}"
    if guesses_key is not None and count_in(session, guesses_key, now) >= WRONG_CODES_PER_CHAT_PER_DAY:
        log.info("verification code refused unchecked (purpose=%s, phone %s): chat guess limit",
                 purpose, mask_phone(phone))
        return CodeRejected(CodeRejection.CHAT_GUESS_LIMIT, 0)
    row = session.scalars(
        select(VerificationCode)
        .where(*_for(phone, purpose))
        .order_by(VerificationCode.created_at.desc(), VerificationCode.id.desc())
        .limit(1)
    ).first()
    tries_before = row.attempts if row is not None else 0
    outcome = _judge(row, _hash_code(phone, purpose, normalised), now)
    if guesses_key is not None and row is not None and row.attempts > tries_before:
        add_in(session, guesses_key, DAY_TTL, now)
    log.info(
        "verification code %s (purpose=%s, phone %s)",
        "accepted" if outcome is None else outcome.reason,
        purpose,
        mask_phone(phone),
    )
    return outcome or CodeAccepted(phone, purpose)


def _judge(row: VerificationCode | None, code_hash: str, now: datetime) -> CodeRejected | None:
    """Apply one try to the latest code ``row``; None means accepted (and consumed)."""
    if row is None or row.consumed_at is not None:
        return CodeRejected(CodeRejection.NO_CODE)
    if row.attempts >= MAX_WRONG_TRIES:
        return CodeRejected(CodeRejection.TOO_MANY_ATTEMPTS, 0)
    if row.invalidated:  # superseded by a code whose SMS could not be sent
        return CodeRejected(CodeRejection.NO_CODE)
    if now > row.expires_at:
        return CodeRejected(CodeRejection.EXPIRED)
    if hmac.compare_digest(row.code_hash, code_hash):
        row.consumed_at = now
        return None
    row.attempts += 1
    tries_left = MAX_WRONG_TRIES - row.attempts
    if tries_left == 0:
        row.invalidated = True
        return CodeRejected(CodeRejection.TOO_MANY_ATTEMPTS, 0)
    return CodeRejected(CodeRejection.WRONG, tries_left)


def _limit_reached(session: Session, phone: str, now: datetime) -> CodeRefused | None:
    day_start, next_day = _day_bounds(now)
    issued_today = session.scalar(
        select(func.count())
        .select_from(VerificationCode)
        .where(
            VerificationCode.phone == phone,
            VerificationCode.created_at >= day_start,
            VerificationCode.created_at < next_day,
        )
    )
    if issued_today >= CODES_PER_DAY:
        return CodeRefused(IssueRefusal.DAILY_LIMIT, _seconds_until(next_day, now))
    last_sent = session.scalar(
        select(func.max(VerificationCode.created_at)).where(VerificationCode.phone == phone)
    )
    if last_sent is not None and now < last_sent + RESEND_INTERVAL:
        return CodeRefused(IssueRefusal.RESEND_TOO_SOON, _seconds_until(last_sent + RESEND_INTERVAL, now))
    return None


def _chat_limit_reached(session: Session, requester: str, phone: str, now: datetime) -> CodeRefused | None:
    """The chat's own daily limits, under a lock on the chat: one chat asking codes for
    two phones at once cannot slip past them either."""
    lock_chat(session, requester)  # SQLite: the phone lock already holds the database
    day_start, next_day = _day_bounds(now)
    phones = session.scalars(
        select(VerificationCode.phone).where(
            VerificationCode.requested_by == requester,
            VerificationCode.created_at >= day_start,
            VerificationCode.created_at < next_day,
        )
    ).all()
    if len(phones) >= CODES_PER_CHAT_PER_DAY:
        return CodeRefused(IssueRefusal.CHAT_DAILY_LIMIT, _seconds_until(next_day, now))
    if phone not in phones and len(set(phones)) >= PHONES_PER_CHAT_PER_DAY:
        return CodeRefused(IssueRefusal.TOO_MANY_PHONES, _seconds_until(next_day, now))
    return None


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    day_start = datetime.combine(now.astimezone(CHINA_TZ).date(), time(), CHINA_TZ)
    return day_start, day_start + timedelta(days=1)


def _for(phone: str, purpose: str) -> tuple[ColumnElement[Boolean], ColumnElement[Boolean]]:
    return VerificationCode.phone == phone, VerificationCode.purpose == purpose


def _hash_code(phone: str, purpose: str, code: str) -> str:
    """Keyed (``ID_HASH_SECRET``) and bound to phone and purpose: a million possible
    codes would be trivial to invert from a plain hash."""
    return keyed_digest("\x1f".join(("verification-code", purpose, phone, code)))


def _seconds_until(moment: datetime, now: datetime) -> int:
    return math.ceil((moment - now).total_seconds())


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
