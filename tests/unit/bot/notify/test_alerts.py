"""``notify run`` (bot.notify.alerts) on the demo data, on SQLite and PostgreSQL: each event is one
notice per user who bound the account, a second run (or two runs at once) creates nothing new, the
arrears notices follow the due date, a low balance is news once per top-up, a spike once per month,
and a kind turned off is not created."""
from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import delete, select, update

from bot.clock import FixedClock
from bot.db.enums import NoticeKind
from bot.db.models import AccountBinding, ElectricityAccount, NoticePreference, UsageNotice, User
from bot.db.session import SessionFactory
from bot.notify.alerts import AlertRunReport, run_alerts
from bot.notify.preferences import set_notices
from tests.unit.bot.notify.notice_fixtures import (
    LI_NA,
    LOW_BALANCE_FEN,
    ZHANG_WEI,
    bind,
    notices_of,
    set_prepaid,
    shrink_bill,
    top_up,
)
from tests.unit.db_factories import user_id_of

OUTAGE_TOMORROW = "3301000001:outage:"  # the demo's 计划检修 on 文三路, tomorrow 08:00–17:00


def _run(session_factory: SessionFactory, clock: FixedClock) -> AlertRunReport:
    return run_alerts(session_factory, clock, low_balance_fen=LOW_BALANCE_FEN)


def _created(report: AlertRunReport) -> dict[NoticeKind, int]:
    return {kind: count for kind, count in report.created.items() if count}


def test_a_second_run_the_same_day_creates_nothing(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)

    first = _run(demo_db, fixed_clock)
    fixed_clock.advance(timedelta(hours=3))
    second = _run(demo_db, fixed_clock)

    assert (first.accounts, _created(first), first.users) == (2, {NoticeKind.OUTAGE: 1}, (zhang_wei,))
    assert (second.total, second.users) == (0, ())
    [(kind, key, told)] = notices_of(demo_db, zhang_wei)
    assert (kind, key.startswith(OUTAGE_TOMORROW), told) == (NoticeKind.OUTAGE, True, False)


def test_two_runs_at_once_create_each_notice_once(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    reports: list[AlertRunReport] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        reports.append(_run(demo_db, fixed_clock))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(report.total for report in reports) == [0, 1]
    assert len(notices_of(demo_db, user_id_of(demo_db, ZHANG_WEI))) == 1


def test_every_user_who_bound_the_account_hears_it(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na = bind(demo_db, fixed_clock, LI_NA, "3301000001")
    report = _run(demo_db, fixed_clock)
    assert report.users == tuple(sorted((user_id_of(demo_db, ZHANG_WEI), li_na)))
    assert [kind for kind, _, _ in notices_of(demo_db, li_na)] == [NoticeKind.OUTAGE]


def test_arrears_are_news_three_days_before_the_due_date_and_again_once_overdue(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)  # October's bill, due 30 November, is unpaid
    _run(demo_db, fixed_clock)  # 23 November: only the outage of tomorrow
    fixed_clock.advance(timedelta(days=3))  # 26 November: 4 days before
    assert _run(demo_db, fixed_clock).total == 0
    fixed_clock.advance(timedelta(days=1))  # 27 November
    assert _created(_run(demo_db, fixed_clock)) == {NoticeKind.ARREARS: 1}
    fixed_clock.advance(timedelta(days=3))  # 30 November, the due date: already told
    assert _run(demo_db, fixed_clock).total == 0
    fixed_clock.advance(timedelta(days=1))  # 1 December: overdue
    assert _created(_run(demo_db, fixed_clock)) == {NoticeKind.ARREARS: 1}
    fixed_clock.advance(timedelta(days=10))
    assert _run(demo_db, fixed_clock).total == 0
    keys = [key for kind, key, _ in notices_of(demo_db, zhang_wei) if kind is NoticeKind.ARREARS]
    assert keys == ["3301000001:2026-10:due", "3301000001:2026-10:overdue"]


def test_a_low_balance_is_news_once_per_top_up(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na = bind(demo_db, fixed_clock, LI_NA, "3301000002")  # all paid, ¥56.00 prepaid
    assert _run(demo_db, fixed_clock).created[NoticeKind.LOW_BALANCE] == 0
    set_prepaid(demo_db, "3301000002", 1200)  # used down to ¥12.00
    assert _created(_run(demo_db, fixed_clock)) == {NoticeKind.LOW_BALANCE: 1}
    fixed_clock.advance(timedelta(days=1))
    set_prepaid(demo_db, "3301000002", 800)  # lower still: the same episode
    assert _run(demo_db, fixed_clock).created[NoticeKind.LOW_BALANCE] == 0
    top_up(demo_db, fixed_clock, "3301000002", 1000)  # ¥18.00: topped up, and still low
    assert _created(_run(demo_db, fixed_clock)) == {NoticeKind.LOW_BALANCE: 1}
    assert [key for _, key, _ in notices_of(demo_db, li_na)][0] == "3301000002:low:0"
    assert len(notices_of(demo_db, li_na)) == 2


def test_a_usage_spike_is_news_once_for_last_month(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na = bind(demo_db, fixed_clock, LI_NA, "3301000002")
    shrink_bill(demo_db, "3301000002", date(2025, 10, 1), 100)  # October 2026 is well over 130 % of it
    first = _run(demo_db, fixed_clock)
    assert (first.created[NoticeKind.USAGE_SPIKE], li_na in first.users) == (1, True)
    assert _run(demo_db, fixed_clock).total == 0
    assert [key for _, key, _ in notices_of(demo_db, li_na)] == ["3301000002:2026-10:spike"]


def test_a_kind_turned_off_is_not_created_and_is_again_once_turned_on(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)
    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=(NoticeKind.OUTAGE,), enabled=False)
    assert _run(demo_db, fixed_clock).total == 0
    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=(NoticeKind.OUTAGE,), enabled=True)
    assert _created(_run(demo_db, fixed_clock)) == {NoticeKind.OUTAGE: 1}


def test_an_erased_users_notices_and_choices_go_with_them(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    """Erasure deletes the user row (bot.privacy.erasure); the notices and choices cascade."""
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)
    _run(demo_db, fixed_clock)
    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=(NoticeKind.ARREARS,), enabled=False)
    with demo_db.session_scope() as session:
        session.execute(delete(AccountBinding).where(AccountBinding.user_id == zhang_wei))
        session.execute(update(ElectricityAccount).where(ElectricityAccount.owner_user_id == zhang_wei)
                        .values(owner_user_id=None))
        session.execute(delete(User).where(User.id == zhang_wei))
    with demo_db.session_scope() as session:
        left = [session.scalars(select(table.id).where(table.user_id == zhang_wei)).all()
                for table in (UsageNotice, NoticePreference)]
    assert left == [[], []]
