"""What is still to be told (bot.notify.alert_delivery): the news, once; what stopped being true
since the run — a bill paid, a balance topped up, an outage called off, an account unbound, a kind
turned off — is dropped unsaid."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.db.enums import NoticeKind
from bot.db.models import ElectricityAccount, MonthlyBill
from bot.db.session import SessionFactory
from bot.notify.alert_delivery import mark_alerts_delivered, pending_alerts
from bot.notify.alerts import run_alerts
from bot.notify.preferences import set_notices
from bot.outages.registry import close_outage
from tests.unit.bot.notify.notice_fixtures import (
    LI_NA,
    LOW_BALANCE_FEN,
    ZHANG_WEI,
    bind,
    notices_of,
    set_prepaid,
    unbind,
)
from tests.unit.db_factories import user_id_of


def _run(session_factory: SessionFactory, clock: FixedClock) -> None:
    run_alerts(session_factory, clock, low_balance_fen=LOW_BALANCE_FEN)


def test_news_is_told_once(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)
    _run(demo_db, fixed_clock)
    [notice] = pending_alerts(demo_db, fixed_clock, user_id=zhang_wei)
    assert (notice.kind, notice.account_number, notice.details["reason"]) == (
        NoticeKind.OUTAGE, "3301000001", "10千伏文三线线路计划检修")
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == [notice]  # not told until marked
    mark_alerts_delivered(demo_db, fixed_clock, user_id=user_id_of(demo_db, LI_NA), notice_ids=[notice.id])
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == [notice]  # another user's mark is no mark
    mark_alerts_delivered(demo_db, fixed_clock, user_id=zhang_wei, notice_ids=[notice.id])
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == []
    _run(demo_db, fixed_clock)
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == []


def test_a_bill_paid_since_the_run_is_not_told(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)
    fixed_clock.advance(timedelta(days=4))  # 27 November: October's bill is due in 3 days
    _run(demo_db, fixed_clock)
    assert {n.kind for n in pending_alerts(demo_db, fixed_clock, user_id=zhang_wei)} == {NoticeKind.ARREARS}
    with demo_db.session_scope() as session:
        bill = session.scalars(select(MonthlyBill).join(ElectricityAccount).where(
            ElectricityAccount.account_number == "3301000001", MonthlyBill.period == date(2026, 10, 1))).one()
        bill.paid_fen = bill.amount_fen
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == []
    assert [told for kind, _, told in notices_of(demo_db, zhang_wei) if kind is NoticeKind.ARREARS] == [True]


def test_an_outage_called_off_is_not_told(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)
    _run(demo_db, fixed_clock)
    [notice] = pending_alerts(demo_db, fixed_clock, user_id=zhang_wei)
    close_outage(demo_db, fixed_clock, outage_id=int(notice.details["outage_id"]))
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == []


def test_an_outage_over_by_the_next_message_is_not_told(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)
    _run(demo_db, fixed_clock)
    fixed_clock.advance(timedelta(days=2))  # the outage of tomorrow 08:00–17:00 is over
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == []


def test_a_balance_topped_up_since_the_run_is_not_told(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na = bind(demo_db, fixed_clock, LI_NA, "3301000002")
    set_prepaid(demo_db, "3301000002", 1000)
    _run(demo_db, fixed_clock)
    assert [n.kind for n in pending_alerts(demo_db, fixed_clock, user_id=li_na)] == [NoticeKind.LOW_BALANCE]
    set_prepaid(demo_db, "3301000002", LOW_BALANCE_FEN)
    assert pending_alerts(demo_db, fixed_clock, user_id=li_na) == []


def test_an_account_unbound_since_the_run_is_not_told(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na = bind(demo_db, fixed_clock, LI_NA, "3301000001")
    _run(demo_db, fixed_clock)
    unbind(demo_db, li_na, "3301000001")
    assert pending_alerts(demo_db, fixed_clock, user_id=li_na) == []
    assert len(pending_alerts(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG_WEI))) == 1


def test_a_kind_turned_off_drops_its_notices_not_told_yet(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang_wei = user_id_of(demo_db, ZHANG_WEI)
    _run(demo_db, fixed_clock)
    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=(NoticeKind.OUTAGE,), enabled=False)
    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=(NoticeKind.OUTAGE,), enabled=True)
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == []  # dropped, not kept for later
    _run(demo_db, fixed_clock)
    assert pending_alerts(demo_db, fixed_clock, user_id=zhang_wei) == []  # the event was not lost: it was dropped
