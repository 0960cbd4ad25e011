"""Binding under concurrency, on SQLite and PostgreSQL: simultaneous binds, consents and
unbinds serialise on the user's (or the request's) lock, so each ends in one defined
outcome and nothing raises."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import func, select

from bot.accounts.binding import (
    BindRefusal,
    BindRefused,
    Bound,
    ConsentRequired,
    NotBound,
    Unbound,
    bind,
    unbind,
)
from bot.accounts.consent import ConsentDecided, DecisionRefusal, DecisionRefused, decide_consent
from bot.clock import FixedClock
from bot.db.models import AccountBinding, BindingConsentRequest, ElectricityAccount
from bot.db.session import SessionFactory
from tests.unit.db_factories import user_id_of

LI_NA, UNVERIFIED, ZHAO_QIANG = "13800000002", "13800000003", "13800000004"
FREE_ACCOUNT = "3301000002"  # nobody has bound it, no certified owner
OWNED_ACCOUNT = "3301000003"  # ZHAO_QIANG is its certified owner
ALREADY_BOUND = BindRefused(BindRefusal.ALREADY_BOUND)
ResultT = TypeVar("ResultT")


def _at_once(calls: list[Callable[[], ResultT]]) -> list[ResultT]:
    """Run the calls in threads released together; an exception in any of them is re-raised."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], ResultT]) -> ResultT:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(run, call) for call in calls]]


def _bindings(factory: SessionFactory, account_number: str) -> list[tuple[int, bool]]:
    """(user id, is default) of every binding of the account."""
    with factory.session_scope() as session:
        rows = session.execute(
            select(AccountBinding.user_id, AccountBinding.is_default)
            .join(ElectricityAccount, AccountBinding.account_id == ElectricityAccount.id)
            .where(ElectricityAccount.account_number == account_number)
            .order_by(AccountBinding.user_id)
        )
        return [(user_id, is_default) for user_id, is_default in rows]


def test_one_user_binding_one_account_several_times_at_once(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = user_id_of(demo_db, UNVERIFIED)
    results = _at_once([lambda: bind(demo_db, fixed_clock, user_id=user, account_number=FREE_ACCOUNT)] * 6)
    assert results.count(Bound(FREE_ACCOUNT, True)) == 1
    assert results.count(ALREADY_BOUND) == 5
    assert _bindings(demo_db, FREE_ACCOUNT) == [(user, True)]


def test_two_users_binding_one_account_at_once(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na, unverified = user_id_of(demo_db, LI_NA), user_id_of(demo_db, UNVERIFIED)
    results = _at_once([
        lambda: bind(demo_db, fixed_clock, user_id=li_na, account_number=FREE_ACCOUNT),
        lambda: bind(demo_db, fixed_clock, user_id=unverified, account_number=FREE_ACCOUNT),
    ])
    assert results == [Bound(FREE_ACCOUNT, True), Bound(FREE_ACCOUNT, True)]  # each user's first binding
    assert _bindings(demo_db, FREE_ACCOUNT) == sorted([(li_na, True), (unverified, True)])


def test_two_users_asking_an_owner_at_once(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na, unverified = user_id_of(demo_db, LI_NA), user_id_of(demo_db, UNVERIFIED)
    results = _at_once([
        lambda: bind(demo_db, fixed_clock, user_id=li_na, account_number=OWNED_ACCOUNT),
        lambda: bind(demo_db, fixed_clock, user_id=unverified, account_number=OWNED_ACCOUNT),
    ])
    assert all(isinstance(result, ConsentRequired) for result in results)
    assert len({result.request_id for result in results if isinstance(result, ConsentRequired)}) == 2
    assert _bindings(demo_db, OWNED_ACCOUNT) == [(user_id_of(demo_db, ZHAO_QIANG), True)]


def test_one_user_binding_several_accounts_at_once_gets_one_default(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    user = user_id_of(demo_db, UNVERIFIED)
    numbers = ["3301000002", "3301000004", "3301000005"]
    results = _at_once([
        lambda number=number: bind(demo_db, fixed_clock, user_id=user, account_number=number)  # type: ignore[misc]
        for number in numbers
    ])
    assert [result.account_number for result in results if isinstance(result, Bound)] == numbers
    assert sum(result.is_default for result in results if isinstance(result, Bound)) == 1


def test_an_owner_approving_twice_at_once_binds_once(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na, owner = user_id_of(demo_db, LI_NA), user_id_of(demo_db, ZHAO_QIANG)
    requested = bind(demo_db, fixed_clock, user_id=li_na, account_number=OWNED_ACCOUNT)
    assert isinstance(requested, ConsentRequired)
    results = _at_once([
        lambda: decide_consent(demo_db, fixed_clock, owner_user_id=owner, request_id=requested.request_id,
                               approve=True)
    ] * 2)
    assert results.count(ConsentDecided(requested.request_id, li_na, OWNED_ACCOUNT, True)) == 1
    assert results.count(DecisionRefused(DecisionRefusal.ALREADY_DECIDED)) == 1
    assert _bindings(demo_db, OWNED_ACCOUNT) == sorted([(li_na, True), (owner, True)])
    with demo_db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(BindingConsentRequest)) == 1


def test_unbinding_twice_at_once(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = user_id_of(demo_db, UNVERIFIED)
    assert bind(demo_db, fixed_clock, user_id=user, account_number=FREE_ACCOUNT) == Bound(FREE_ACCOUNT, True)
    results = _at_once([lambda: unbind(demo_db, user_id=user, account_number=FREE_ACCOUNT)] * 2)
    assert sorted(results, key=repr) == sorted([Unbound(FREE_ACCOUNT, None), NotBound()], key=repr)
    assert _bindings(demo_db, FREE_ACCOUNT) == []
