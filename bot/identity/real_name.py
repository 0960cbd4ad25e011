"""Real-name verification (实名认证): a name and resident ID number checked against the
identity registry, then recorded for the user as a keyed hash plus a masked form.

ID numbers are checked with python-stdnum's ``cn.ric`` building blocks (check digit,
birth date) rather than ``ric.validate``, which also requires the 6-digit region code
to be in stdnum's own table *for the birth year*. That table lags real divisions
(it dates 330102 from 1983, rejecting a 1978-born resident of 上城区), and the
registry is the authority on whether a person exists anyway; so unknown region codes
are accepted here.

The registry behind :class:`IdentityRegistry` is chosen by ``IDENTITY_REGISTRY``; the
only one in this build, ``demo``, is the ``citizen_registry`` table.
"""
from __future__ import annotations

import enum
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from bot.clock import Clock
from bot.db.id_hash import hash_id_number
from bot.db.models import CitizenRecord, RealNameRecord
from bot.db.session import SessionFactory
from bot.limits.db_counters import take_in
from bot.limits.windows import DAY_TTL, china_day
from bot.privacy.masking import mask_id_number
from bot.settings import Settings

log = logging.getLogger(__name__)

ID_NUMBER_LENGTH = 18
EARLIEST_BIRTH_YEAR = 1900
NAME_MIN_CHARS = 2
NAME_MAX_CHARS = 20
ATTEMPTS_PER_DAY = 5  # registry checks per user and China calendar day
MIDDLE_DOT = "·"
# Middle dots as typed on various keyboards, all stored as U+00B7.
_DOT_VARIANTS = "·•・･‧∙⋅"
_ID_SEPARATORS = re.compile(r"[\s\-]")
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Han characters, optionally in parts joined by single middle dots (买买提·艾力).
_NAME_SHAPE = re.compile(rf"[{_HAN}]+(?:{MIDDLE_DOT}[{_HAN}]+)*")


# --- ID numbers ------------------------------------------------------------------


class IdRejection(str, enum.Enum):
    BAD_LENGTH = "BAD_LENGTH"
    BAD_FORMAT = "BAD_FORMAT"
    BAD_BIRTH_DATE = "BAD_BIRTH_DATE"
    BAD_CHECKSUM = "BAD_CHECKSUM"


@dataclass(frozen=True)
class IdRejected:
    reason: IdRejection


def validate_id_number(text: str, *, today: date | None = None) -> str | IdRejected:
    """The normalised 18-character ID number (upper-case ``X``), or why it is not one.

    Full-width digits, spaces and hyphens are accepted. The birth date must be a real
    date from 1900 on, and not after ``today`` when given. Checks run from the
    coarsest up, so a typo in the date part is reported as the date, not the checksum.
    """
    number = _ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if len(number) != ID_NUMBER_LENGTH:
        return IdRejected(IdRejection.BAD_LENGTH)
    if not _ID_SHAPE.fullmatch(number):
        return IdRejected(IdRejection.BAD_FORMAT)
    if not _plausible_birth_date(number, today):
        return IdRejected(IdRejection.BAD_BIRTH_DATE)
    if ric.calc_check_digit(number) != number[-1]:
        return IdRejected(IdRejection.BAD_CHECKSUM)
    return number


def _plausible_birth_date(number: str, today: date | None) -> bool:
    try:
        born = ric.get_birth_date(number)
    except (ValidationError, ValueError):
        return False
    return born.year >= EARLIEST_BIRTH_YEAR and (today is None or born <= today)


# --- names -----------------------------------------------------------------------


class NameRejection(str, enum.Enum):
    EMPTY = "EMPTY"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    BAD_CHARACTERS = "BAD_CHARACTERS"


@dataclass(frozen=True)
class NameRejected:
    reason: NameRejection


def normalise_person_name(text: str) -> str:
    """Whitespace removed and every middle-dot variant turned into U+00B7."""
    text = "".join(unicodedata.normalize("NFKC", text).split())
    return "".join(MIDDLE_DOT if ch in _DOT_VARIANTS else ch for ch in text)


def validate_person_name(text: str) -> str | NameRejected:
    """A person's name as on the ID card: 2-20 Chinese characters (middle dots, which
    join the parts of transliterated names, are allowed and not counted)."""
    name = normalise_person_name(text)
    if not name:
        return NameRejected(NameRejection.EMPTY)
    if not _NAME_SHAPE.fullmatch(name):
        return NameRejected(NameRejection.BAD_CHARACTERS)
    chars = len(name) - name.count(MIDDLE_DOT)
    if chars < NAME_MIN_CHARS:
        return NameRejected(NameRejection.TOO_SHORT)
    if chars > NAME_MAX_CHARS:
        return NameRejected(NameRejection.TOO_LONG)
    return name


# --- the registry ----------------------------------------------------------------


class RegistryVerdict(str, enum.Enum):
    """What an identity registry says about a (name, ID number) pair."""

    MATCH = "MATCH"
    NAME_MISMATCH = "NAME_MISMATCH"
    NOT_FOUND = "NOT_FOUND"


class IdentityRegistry(Protocol):
    def check(self, name: str, id_number: str) -> RegistryVerdict:
        """Compare a normalised name and ID number with the registry."""


class UnknownIdentityRegistry(ValueError):
    """``IDENTITY_REGISTRY`` names a registry this build does not have."""


class DatabaseIdentityRegistry:
    """The demo registry: the ``citizen_registry`` table, keyed by the ID number hash."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self._session_factory = session_factory

    def check(self, name: str, id_number: str) -> RegistryVerdict:
        with self._session_factory.session_scope() as session:
            registered = session.scalar(
                select(CitizenRecord.name).where(
                    CitizenRecord.id_number_hash == hash_id_number(id_number)
                )
            )
        if registered is None:
            return RegistryVerdict.NOT_FOUND
        if normalise_person_name(registered) != name:
            return RegistryVerdict.NAME_MISMATCH
        return RegistryVerdict.MATCH


RegistryBuilder = Callable[[Settings, SessionFactory], IdentityRegistry]

_REGISTRIES: dict[str, RegistryBuilder] = {
    "demo": lambda _settings, session_factory: DatabaseIdentityRegistry(session_factory),
}


def registry_from_settings(settings: Settings, session_factory: SessionFactory) -> IdentityRegistry:
    """The registry ``settings.identity_registry`` names (``demo`` by default)."""
    name = settings.identity_registry.strip().lower()
    try:
        builder = _REGISTRIES[name]
    except KeyError:
        supported = ", ".join(sorted(_REGISTRIES))
        raise UnknownIdentityRegistry(
            f"unknown IDENTITY_REGISTRY {settings.identity_registry!r}; supported: {supported}"
        ) from None
    return builder(settings, session_factory)


# --- verification ----------------------------------------------------------------


class IdentityRejection(str, enum.Enum):
    NOT_IN_REGISTRY = "NOT_IN_REGISTRY"
    NAME_MISMATCH = "NAME_MISMATCH"
    # The ID number already verifies another user.
    ALREADY_VERIFIED_AS_OTHER = "ALREADY_VERIFIED_AS_OTHER"
    # This user is already verified under a different ID number.
    USER_ALREADY_VERIFIED = "USER_ALREADY_VERIFIED"
    # ATTEMPTS_PER_DAY registry checks for this user today already.
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"


@dataclass(frozen=True)
class Verified:
    masked_id: str


@dataclass(frozen=True)
class IdentityRejected:
    reason: IdentityRejection


def verify_identity(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    user_id: int,
    name: str,
    id_number: str,
    registry: IdentityRegistry | None = None,
) -> Verified | IdentityRejected:
    """Verify ``user_id`` as the person ``name`` / ``id_number`` and record it.

    ``name`` and ``id_number`` must pass :func:`validate_person_name` and
    :func:`validate_id_number` first (``ValueError`` otherwise). A user may ask the
    registry ATTEMPTS_PER_DAY times a China calendar day (no trying names against an ID
    number). ALREADY_VERIFIED_AS_OTHER is only told apart for the logs: users hear the
    same reply as for a mismatch, which would otherwise confirm that the pair is genuine.
    Verifying again with the same ID is a no-op; ``registry`` defaults to the configured one.
    """
    person_name, number = _valid_pair(name, id_number)
    if registry is None:
        registry = registry_from_settings(Settings.from_env(), session_factory)
    masked = mask_id_number(number)
    now = clock.now()
    with session_factory.session_scope() as session:
        allowed = take_in(session, f"real-name:{china_day(now)}:{user_id}", ATTEMPTS_PER_DAY, DAY_TTL, now)
    if not allowed:
        log.info("real-name check refused for user %s: %d attempts today", user_id, ATTEMPTS_PER_DAY)
        return IdentityRejected(IdentityRejection.TOO_MANY_ATTEMPTS)

    verdict = registry.check(person_name, number)
    if verdict is not RegistryVerdict.MATCH:
        log.info("real-name check failed for user %s (%s): %s", user_id, masked, verdict.value)
        reason = (
            IdentityRejection.NAME_MISMATCH
            if verdict is RegistryVerdict.NAME_MISMATCH
            else IdentityRejection.NOT_IN_REGISTRY
        )
        return IdentityRejected(reason)

    id_hash = hash_id_number(number)
    try:
        with session_factory.session_scope() as session:
            existing = real_name_record(session, user_id)
            if existing is not None:
                if existing.id_number_hash == id_hash:
                    return Verified(existing.id_number_masked)
                return IdentityRejected(IdentityRejection.USER_ALREADY_VERIFIED)
            if session.scalar(select(RealNameRecord.id).where(RealNameRecord.id_number_hash == id_hash)):
                log.info("user %s: ID %s already verifies another user", user_id, masked)
                return IdentityRejected(IdentityRejection.ALREADY_VERIFIED_AS_OTHER)
            session.add(
                RealNameRecord(
                    user_id=user_id,
                    name=person_name,
                    id_number_hash=id_hash,
                    id_number_masked=masked,
                    verified_at=now,
                )
            )
    except IntegrityError:
        # A concurrent verification won the race for this user or this ID number.
        return _after_race(session_factory, user_id, id_hash)
    log.info("user %s verified as %s", user_id, masked)
    return Verified(masked)


def real_name_record(session: Session, user_id: int) -> RealNameRecord | None:
    """The user's verified real name, if they have one."""
    return session.scalar(select(RealNameRecord).where(RealNameRecord.user_id == user_id))


def _valid_pair(name: str, id_number: str) -> tuple[str, str]:
    person_name = validate_person_name(name)
    number = validate_id_number(id_number)
    if isinstance(person_name, NameRejected) or isinstance(number, IdRejected):
        raise ValueError("validate the name and ID number before verifying them")
    return person_name, number


def _after_race(session_factory: SessionFactory, user_id: int, id_hash: str) -> Verified | IdentityRejected:
    with session_factory.session_scope() as session:
        mine = real_name_record(session, user_id)
    if mine is None:
        return IdentityRejected(IdentityRejection.ALREADY_VERIFIED_AS_OTHER)
    if mine.id_number_hash == id_hash:
        return Verified(mine.id_number_masked)
    return IdentityRejected(IdentityRejection.USER_ALREADY_VERIFIED)


def verified_name(session_factory: SessionFactory, user_id: int) -> str | None:
    """The real name ``user_id`` verified, or None when not verified."""
    with session_factory.session_scope() as session:
        return session.scalar(select(RealNameRecord.name).where(RealNameRecord.user_id == user_id))
