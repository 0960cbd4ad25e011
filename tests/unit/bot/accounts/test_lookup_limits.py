"""The daily limit on binding look-ups: previews, fuzzy searches and direct binds all count,
in the database (so replicas agree), exactly even when look-ups race."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from bot.accounts.binding import BindRefusal, BindRefused, Bound, bind
from bot.accounts.lookup import lookup_for_binding
from bot.accounts.lookup_limits import LookupLimitReached
from bot.accounts.preview import AccountPreview
from bot.accounts.search import add_pending, search_for_binding
from bot.clock import FixedClock
from bot.db.models import BindingLookup
from bot.db.session import SessionFactory
from tests.unit.db_factories import user_id_of

LIMIT = 10
LI_NA, ZHAO_QIANG = "13800000002", "13800000004"
NOT_BINDABLE = BindRefused(BindRefusal.NOT_FOUND_OR_NOT_BINDABLE)


def _look(factory: SessionFactory, clock: FixedClock, user_id: int, number: str, limit: int = LIMIT) -> object:
    return lookup_for_binding(factory, clock, user_id=user_id, account_number=number, daily_limit=limit)


def _guesses(count: int, start: int = 1) -> list[str]:
    """Sequential 户号 as an enumerating user would try them (most do not exist)."""
    return [f"3301{n:06d}" for n in range(start, start + count)]


def _rows(factory: SessionFactory, user_id: int) -> int:
    with factory.session_scope() as session:
        return session.scalar(
            select(func.count()).select_from(BindingLookup).where(BindingLookup.user_id == user_id)
        ) or 0


def test_enumerating_numbers_stops_at_the_daily_limit(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = user_id_of(demo_db, LI_NA)
    results = [_look(demo_db, fixed_clock, user, number) for number in _guesses(LIMIT)]
    # 3301000001-05 exist, the rest do not: hits and misses count alike.
    assert sum(isinstance(r, AccountPreview) for r in results) == 5 and results[5:] == [NOT_BINDABLE] * 5
    assert _look(demo_db, fixed_clock, user, "3301000011") == LookupLimitReached(LIMIT)
    assert _look(demo_db, fixed_clock, user, "1101000001") == LookupLimitReached(LIMIT)  # an existing one too
    assert bind(demo_db, fixed_clock, user_id=user, account_number="1101000001", daily_limit=LIMIT) == (
        LookupLimitReached(LIMIT)
    )
    # What was already shown today can be shown again (the confirmation step re-reads it).
    assert isinstance(_look(demo_db, fixed_clock, user, "3301000002"), AccountPreview)
    assert bind(demo_db, fixed_clock, user_id=user, account_number="3301000002", daily_limit=LIMIT) == Bound(
        "3301000002", True
    )
    assert _rows(demo_db, user) == LIMIT
    # Another user has their own allowance, and tomorrow is a new day.
    assert isinstance(_look(demo_db, fixed_clock, user_id_of(demo_db, ZHAO_QIANG), "1101000001"), AccountPreview)
    fixed_clock.advance(timedelta(days=1))
    assert isinstance(_look(demo_db, fixed_clock, user, "1101000001"), AccountPreview)


def test_bound_and_pending_accounts_are_not_counted(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = user_id_of(demo_db, ZHAO_QIANG)  # 赵强 has bound 3301000003
    add_pending(demo_db, fixed_clock, user_id=user, account_number="3301000004")  # as a counted search does
    for _ in range(3):
        assert _look(demo_db, fixed_clock, user, "3301000003", limit=1) == BindRefused(BindRefusal.ALREADY_BOUND)
        assert isinstance(_look(demo_db, fixed_clock, user, "3301000004", limit=1), AccountPreview)
    assert _rows(demo_db, user) == 0


def test_binding_without_a_preview_counts_too(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = user_id_of(demo_db, LI_NA)
    for number in _guesses(2, start=7):
        assert bind(demo_db, fixed_clock, user_id=user, account_number=number, daily_limit=2) == NOT_BINDABLE
    assert bind(demo_db, fixed_clock, user_id=user, account_number="3301000002", daily_limit=2) == (
        LookupLimitReached(2)
    )


def test_fuzzy_searches_count_once_each(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = user_id_of(demo_db, LI_NA)

    def search(name: str, address: str) -> object:
        return search_for_binding(
            demo_db, fixed_clock, user_id=user, holder_name=name, address=address, daily_limit=2
        )

    found = search("张伟", "文三路")
    assert isinstance(found, list) and found[0].account_number == "3301000001"
    assert search("张伟", "文三路") == found  # the same search again is free
    assert search("王芳", "解放路") != LookupLimitReached(2)
    assert search("刘洋", "天目山路") == LookupLimitReached(2)
    assert _look(demo_db, fixed_clock, user, "3301000005", limit=2) == LookupLimitReached(2)
    with demo_db.session_scope() as session:
        subjects = list(session.scalars(select(BindingLookup.subject).where(BindingLookup.user_id == user)))
    assert len(subjects) == 2 and not any("张伟" in s or "文三路" in s for s in subjects)  # no query stored


def test_racing_look_ups_never_pass_the_limit(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    """40 look-ups of distinct numbers at once, as from several chats or replicas: exactly 10 pass."""
    user = user_id_of(demo_db, LI_NA)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda n: _look(demo_db, fixed_clock, user, n), _guesses(40)))
    assert sum(r != LookupLimitReached(LIMIT) for r in results) == LIMIT
    assert _rows(demo_db, user) == LIMIT
