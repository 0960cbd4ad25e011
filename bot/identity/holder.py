"""Who is the account holder (户主): decided by the ID number, never by the name.

Two people can share a name (a second 王芳); only a user whose real-name verified ID
matches the holder's ID on the account (or who already is its certified owner) is
the holder. Everyone else who bound the account is a binder: they may see what they
need to pay (amounts, bills, usage) and their own payments, but no document that
names the holder (增值税发票) and nobody else's payments.
"""
from __future__ import annotations

import hmac

from sqlalchemy.orm import Session

from bot.db.models import ElectricityAccount, RealNameRecord
from bot.identity.real_name import real_name_record


def matches_holder_id(account: ElectricityAccount, record: RealNameRecord | None) -> bool:
    """Whether the verified ID of ``record`` is the holder's ID on ``account``."""
    if record is None or account.holder_id_hash is None:
        return False
    return hmac.compare_digest(record.id_number_hash, account.holder_id_hash)


def holds_account(account: ElectricityAccount, record: RealNameRecord | None, user_id: int) -> bool:
    """The certified owner, or the verified person whose ID is the holder's."""
    return account.owner_user_id == user_id or matches_holder_id(account, record)


def is_holder(session: Session, user_id: int, account: ElectricityAccount) -> bool:
    """:func:`holds_account` for ``user_id``, reading their real-name record."""
    if account.owner_user_id == user_id:
        return True
    return matches_holder_id(account, real_name_record(session, user_id))
