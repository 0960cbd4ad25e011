"""Owner certification (户主认证): a verified user whose verified ID number is the
account holder's claims the account, so that others need their consent to bind it.

The name alone proves nothing (two people can be called 王芳), and an existing certified
owner is never replaced here: that takes the owner's consent or a 过户.
"""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError

from bot.accounts.binding import binding_of, find_account
from bot.db.session import SessionFactory
from bot.identity.holder import matches_holder_id
from bot.identity.real_name import real_name_record

log = logging.getLogger(__name__)


class CertifyRefusal(str, enum.Enum):
    NOT_BOUND = "NOT_BOUND"  # bind the account first (nothing is said about unbound ones)
    NOT_VERIFIED = "NOT_VERIFIED"  # the dialogue sends the user to 实名认证
    NOT_THE_HOLDER = "NOT_THE_HOLDER"  # the verified ID is not the holder's (whatever the name)
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
        record = real_name_record(session, user_id)
        if record is None:
            return CertifyRefused(CertifyRefusal.NOT_VERIFIED)
        if account.owner_user_id != user_id and not matches_holder_id(account, record):
            return CertifyRefused(CertifyRefusal.NOT_THE_HOLDER)
        if account.owner_user_id not in (None, user_id):
            return CertifyRefused(CertifyRefusal.ALREADY_CERTIFIED_BY_OTHER)
        if account.owner_user_id is None:
            account.owner_user_id = user_id
            log.info("user %s certified as owner of account %s", user_id, account.account_number)
        return Certified(account.account_number)
