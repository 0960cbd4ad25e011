"""Owner certification (户主认证): a verified user whose real name is the account
holder's claims the account, so that others need their consent to bind it."""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from bot.db.models import RealNameRecord
from bot.db.session import SessionFactory
from bot.services.accounts import binding_of, find_account
from bot.services.identity import normalise_person_name

log = logging.getLogger(__name__)


class CertifyRefusal(str, enum.Enum):
    NOT_BOUND = "NOT_BOUND"  # bind the account first (nothing is said about unbound ones)
    NOT_VERIFIED = "NOT_VERIFIED"  # the dialogue sends the user to 实名认证
    NAME_MISMATCH = "NAME_MISMATCH"  # the verified name is not the holder's
    ALREADY_CERTIFIED_BY_OTHER = "ALREADY_CERTIFIED_BY_OTHER"


@dataclass(frozen=True)
class Certified:
    account_number: str


@dataclass(frozen=True)
class CertifyRefused:
    reason: CertifyRefusal


def certify_owner(
    session_factory: SessionFactory, *, user_id: int, account_number: str
) -> Certified | CertifyRefused:
    """Certify ``user_id`` as owner of a bound account; certifying again is a no-op."""
    try:
        return _certify(session_factory, user_id, account_number)
    except StaleDataError:
        # The account changed under us (e.g. someone else certified first): look again.
        return _certify(session_factory, user_id, account_number)


def _certify(session_factory: SessionFactory, user_id: int, account_number: str) -> Certified | CertifyRefused:
    with session_factory.session_scope() as session:
        account = find_account(session, account_number)
        if account is None or binding_of(session, user_id, account.id) is None:
            return CertifyRefused(CertifyRefusal.NOT_BOUND)
        real_name = session.scalar(select(RealNameRecord.name).where(RealNameRecord.user_id == user_id))
        if real_name is None:
            return CertifyRefused(CertifyRefusal.NOT_VERIFIED)
        if normalise_person_name(real_name) != normalise_person_name(account.holder_name):
            return CertifyRefused(CertifyRefusal.NAME_MISMATCH)
        if account.owner_user_id not in (None, user_id):
            return CertifyRefused(CertifyRefusal.ALREADY_CERTIFIED_BY_OTHER)
        if account.owner_user_id is None:
            account.owner_user_id = user_id
            log.info("user %s certified as owner of account %s", user_id, account.account_number)
        return Certified(account.account_number)
