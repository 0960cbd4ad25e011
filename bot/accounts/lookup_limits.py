"""The daily limit on binding look-ups, so that account numbers cannot be enumerated.

Every account a user previews for binding (typed, read from a bill photo, or bound
without a preview) and every fuzzy search counts once per China day; looking at the
same account again that day, or at one a counted search already put on the user's
待绑定列表, is free. The rows live in the database, so all replicas share the count,
and the user's row is locked first, so concurrent look-ups cannot pass the limit.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.id_hash import keyed_digest
from bot.db.models import AccountBinding, BindingLookup, PendingBinding

_SEARCH_SUBJECT_HEX = 40


@dataclass(frozen=True)
class LookupLimitReached:
    """The user has used today's binding look-ups; they may try again tomorrow."""

    limit: int


def account_subject(account_number: str) -> str:
    return f"account:{account_number}"


def search_subject(holder_name: str, address: str) -> str:
    """A keyed hash of the query: the same search again is free, and no name or address is stored."""
    digest = keyed_digest("\x1f".join("".join(part.split()) for part in (holder_name, address)))
    return "search:" + digest[:_SEARCH_SUBJECT_HEX]


def is_pending(session: Session, user_id: int, account_id: int) -> bool:
    """Whether a counted search put the account on the user's 待绑定列表."""
    return session.scalar(
        select(PendingBinding.id).where(PendingBinding.user_id == user_id, PendingBinding.account_id == account_id)
    ) is not None


def admit_lookup(
    session: Session, clock: Clock, *, user_id: int, account_number: str, account_id: int | None, daily_limit: int
) -> bool:
    """Whether the user may look at (or bind) this account now: free for an account they
    have bound or have on their 待绑定列表, otherwise counted (existing or not)."""
    if account_id is not None and (is_pending(session, user_id, account_id) or _is_bound(session, user_id, account_id)):
        return True
    return charge_lookup(
        session, clock, user_id=user_id, subject=account_subject(account_number), daily_limit=daily_limit
    )


def _is_bound(session: Session, user_id: int, account_id: int) -> bool:
    return session.scalar(
        select(AccountBinding.id).where(AccountBinding.user_id == user_id, AccountBinding.account_id == account_id)
    ) is not None


def charge_lookup(session: Session, clock: Clock, *, user_id: int, subject: str, daily_limit: int) -> bool:
    """Count ``subject`` against today's limit; False when the limit is reached. Already
    counted today: True without counting again. The caller holds the user's lock."""
    today = clock.today()
    mine_today = (BindingLookup.user_id == user_id, BindingLookup.looked_up_on == today)
    if session.scalar(select(BindingLookup.id).where(*mine_today, BindingLookup.subject == subject)) is not None:
        return True
    used = session.scalar(select(func.count()).select_from(BindingLookup).where(*mine_today)) or 0
    if used >= daily_limit:
        return False
    session.add(BindingLookup(user_id=user_id, looked_up_on=today, subject=subject, created_at=clock.now()))
    session.flush()
    return True
