"""Finding accounts by holder name and address (模糊查询), and the 待绑定列表 where
found accounts wait until the user binds them.

A candidate must resemble the query in *both* name and address, so a name alone never
lists a stranger's accounts; candidates are masked like binding previews. Scoring
(see :mod:`bot.text.similarity`): the name is compared whole (enterprise names also
partially, since people type "星火科技" for "北京星火科技有限公司"), the address
query is looked for inside the full address; the score is their mean.

The search scans every account: fine for the demo's data, while a production
deployment would put an index (a search engine, or pg_trgm over pinyin) behind
:func:`search_accounts`.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from bot.accounts.binding import (
    BindRefusal,
    BindRefused,
    BindResult,
    bind_in_session,
    binding_of,
    find_account,
)
from bot.accounts.lookup_limits import LookupLimitReached, charge_lookup, search_subject
from bot.accounts.preview import AccountPreview, preview_of
from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.enums import HolderKind
from bot.db.locks import lock_user
from bot.db.models import ElectricityAccount, PendingBinding
from bot.db.session import SessionFactory
from bot.text.similarity import Folded, fold, partial_similarity, similarity

SEARCH_LIMIT = 5
MIN_QUERY_CHARS = 2
MIN_NAME_SCORE = 0.7
MIN_ADDRESS_SCORE = 0.6
MIN_SCORE = 0.75
ENTERPRISE_PARTIAL_NAME_WEIGHT = 0.9
_SCAN_BATCH = 500


@dataclass(frozen=True)
class Candidate(AccountPreview):
    score: float


def search_accounts(
    session_factory: SessionFactory, *, holder_name: str, address: str, limit: int = SEARCH_LIMIT
) -> list[Candidate]:
    """Accounts resembling both ``holder_name`` and ``address``, best first, at most ``limit``."""
    name_query, address_query = fold(holder_name), fold(address)
    if min(len(name_query.chars), len(address_query.chars)) < MIN_QUERY_CHARS or limit <= 0:
        return []
    with session_factory.session_scope() as session:
        accounts = session.scalars(
            select(ElectricityAccount)
            .options(joinedload(ElectricityAccount.region))
            .execution_options(yield_per=_SCAN_BATCH)
        )
        scored = (
            (score, account)
            for account in accounts
            if (score := _score(name_query, address_query, account)) is not None
        )
        best = heapq.nsmallest(limit, scored, key=lambda pair: (-pair[0], pair[1].account_number))
        return [Candidate(**vars(preview_of(account)), score=round(score, 3)) for score, account in best]


def search_for_binding(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, holder_name: str, address: str, daily_limit: int
) -> list[Candidate] | LookupLimitReached:
    """:func:`search_accounts` for a user binding an account: each distinct search counts
    once a day against their binding look-ups (the same search again is free)."""
    with session_factory.session_scope() as session:
        lock_user(session, user_id)
        if not charge_lookup(
            session, clock, user_id=user_id, subject=search_subject(holder_name, address), daily_limit=daily_limit
        ):
            return LookupLimitReached(daily_limit)
    return search_accounts(session_factory, holder_name=holder_name, address=address)


def _score(name_query: Folded, address_query: Folded, account: ElectricityAccount) -> float | None:
    holder = fold(account.holder_name)
    name_score = similarity(name_query, holder)
    if account.holder_kind is HolderKind.ENTERPRISE:
        name_score = max(name_score, ENTERPRISE_PARTIAL_NAME_WEIGHT * partial_similarity(name_query, holder))
    if name_score < MIN_NAME_SCORE:
        return None
    address_score = partial_similarity(address_query, fold(account.address))
    score = (name_score + address_score) / 2
    if address_score < MIN_ADDRESS_SCORE or score < MIN_SCORE:
        return None
    return score


# --- the pending-bind list -------------------------------------------------------


def add_pending(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str
) -> AccountPreview | BindRefused:
    """Put an account on the user's pending list (again is a no-op) and preview it."""
    with session_factory.session_scope() as session:
        account = find_account(session, account_number)
        if account is None:
            return BindRefused(BindRefusal.NOT_FOUND_OR_NOT_BINDABLE)
        if binding_of(session, user_id, account.id) is not None:
            return BindRefused(BindRefusal.ALREADY_BOUND)
        if _pending_entry(session, user_id, account.id) is None:
            session.add(PendingBinding(user_id=user_id, account_id=account.id, added_at=clock.now()))
        return preview_of(account, viewer_user_id=user_id)


def pending(session_factory: SessionFactory, user_id: int) -> list[AccountPreview]:
    """The user's pending list, oldest first."""
    with session_factory.session_scope() as session:
        entries = session.scalars(
            select(PendingBinding)
            .options(joinedload(PendingBinding.account).joinedload(ElectricityAccount.region))
            .where(PendingBinding.user_id == user_id)
            .order_by(PendingBinding.added_at, PendingBinding.id)
        ).all()
        return [preview_of(entry.account, viewer_user_id=user_id) for entry in entries]


def remove_pending(session_factory: SessionFactory, *, user_id: int, account_number: str) -> bool:
    """Take an account off the pending list; False when it was not on it."""
    with session_factory.session_scope() as session:
        account = find_account(session, account_number)
        if account is None:
            return False
        removed = execute_dml(
            session,
            delete(PendingBinding).where(
                PendingBinding.user_id == user_id, PendingBinding.account_id == account.id
            ),
        )
        return bool(removed)


def bind_pending(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_numbers: Iterable[str]
) -> dict[str, BindResult]:
    """Bind the chosen pending accounts (each as :func:`~bot.accounts.binding.bind`
    does), keyed by the number as given; numbers not on the list are ``NOT_PENDING``.
    Bound accounts, and those awaiting their owner's consent, leave the list."""
    results: dict[str, BindResult] = {}
    with session_factory.session_scope() as session:
        lock_user(session, user_id)
        for number in account_numbers:
            if number in results:
                continue
            account = find_account(session, number)
            if account is None or _pending_entry(session, user_id, account.id) is None:
                results[number] = BindRefused(BindRefusal.NOT_PENDING)
            else:
                results[number] = bind_in_session(session, clock, user_id, account)
    return results


def _pending_entry(session: Session, user_id: int, account_id: int) -> PendingBinding | None:
    return session.scalar(
        select(PendingBinding).where(
            PendingBinding.user_id == user_id, PendingBinding.account_id == account_id
        )
    )
