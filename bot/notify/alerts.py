"""``python -m bot notify run``: find today's events of every bound account and leave each user
who bound it one notice per event (用能预警: 欠费, 余额不足, 用电异常, 停电 the day before).

The run is idempotent: a notice is one row, unique on (user, kind, event key), inserted with
``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike, so a second run the same day (or two
runs at once) creates nothing new. Which events exist is decided by :mod:`bot.notify.alert_rules`
from what the billing and outage services answer for the user who bound the account. A kind the
user turned off (:mod:`bot.notify.preferences`) is not created for them.

The notices are told by the chat (``actions/notify/alerts.py``): pushed at once to the chat the
user used last if its channel can push (the CLI calls :func:`bot.notify.push.push_notices` for
each user with news), otherwise with their next message.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.accounts.binding import NotBound
from bot.billing.access import NoBill
from bot.billing.bills import balance
from bot.billing.usage import month_usage
from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.enums import NoticeKind, PaymentStatus
from bot.db.models import AccountBinding, ElectricityAccount, Payment, UsageNotice
from bot.db.session import SessionFactory
from bot.notify.alert_rules import (
    AlertEvent,
    arrears_events,
    low_balance_event,
    outage_events,
    outage_window,
    usage_spike_event,
)
from bot.notify.preferences import turned_off
from bot.outages.matching import outages_for_account

__all__ = ["AlertRunReport", "account_events", "record_events", "run_alerts"]


@dataclass(frozen=True)
class AlertRunReport:
    accounts: int  # bound accounts looked at
    created: dict[NoticeKind, int]  # new notices by kind
    users: tuple[int, ...]  # users with a new notice, in id order

    @property
    def total(self) -> int:
        return sum(self.created.values())


def run_alerts(session_factory: SessionFactory, clock: Clock, *, low_balance_fen: int) -> AlertRunReport:
    """Create today's notices for every user who bound an account (none twice)."""
    now = clock.now()
    with session_factory.session_scope() as session:
        bindings = session.execute(
            select(AccountBinding.user_id, ElectricityAccount.account_number)
            .join(ElectricityAccount, ElectricityAccount.id == AccountBinding.account_id)
            .order_by(AccountBinding.user_id, ElectricityAccount.account_number)
        ).all()
    events: dict[str, list[AlertEvent]] = {}
    created: Counter[NoticeKind] = Counter()
    users: set[int] = set()
    for user_id, number in bindings:
        if number not in events:  # the same for every user who bound it
            events[number] = account_events(session_factory, clock, user_id=user_id, account_number=number,
                                             low_balance_fen=low_balance_fen)
        off = turned_off(session_factory, user_id=user_id)
        new = record_events(session_factory, now, user_id=user_id,
                            events=[event for event in events[number] if event.kind not in off])
        created.update(new)
        if new:
            users.add(user_id)
    return AlertRunReport(len(events), {kind: created[kind] for kind in NoticeKind}, tuple(sorted(users)))


def account_events(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str, low_balance_fen: int
) -> list[AlertEvent]:
    """Today's events of ``account_number``, read as ``user_id`` (who bound it) would see them."""
    today, now = clock.today(), clock.now()
    found: list[AlertEvent] = []
    owed = balance(session_factory, clock, user_id=user_id, account_number=account_number)
    if isinstance(owed, NotBound):
        return []
    found += arrears_events(account_number, owed.unpaid, today)
    low = low_balance_event(account_number, prepaid_fen=owed.prepaid_balance_fen, threshold_fen=low_balance_fen,
                            last_prepayment_id=_last_prepayment_id(session_factory, account_number))
    found += [low] if low else []
    usage = month_usage(session_factory, clock, user_id=user_id, account_number=account_number, month=None)
    if not isinstance(usage, (NoBill, NotBound)):
        spike = usage_spike_event(account_number, usage, today)
        found += [spike] if spike else []
    outages = outages_for_account(session_factory, account_number=account_number, window=outage_window(now))
    found += outage_events(account_number, outages, now)
    return found


def _last_prepayment_id(session_factory: SessionFactory, account_number: str) -> int | None:
    """The latest payment that put money on the prepaid balance (a top-up starts a new episode)."""
    with session_factory.session_scope() as session:
        return session.scalar(
            select(func.max(Payment.id))
            .join(ElectricityAccount, ElectricityAccount.id == Payment.account_id)
            .where(ElectricityAccount.account_number == account_number,
                   Payment.status == PaymentStatus.SUCCEEDED, Payment.prepaid_fen > 0)
        )


def record_events(
    session_factory: SessionFactory, now: datetime, *, user_id: int, events: list[AlertEvent]
) -> Counter[NoticeKind]:
    """Insert a notice for each event ``user_id`` has none for yet; how many were new, by kind."""
    created: Counter[NoticeKind] = Counter()
    if not events:
        return created
    with session_factory.session_scope() as session:
        for event in events:
            if _insert_once(session, now, user_id, event):
                created[event.kind] += 1
    return created


def _insert_once(session: Session, now: datetime, user_id: int, event: AlertEvent) -> bool:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(UsageNotice).values(
        user_id=user_id, kind=event.kind, event_key=event.event_key, account_number=event.account_number,
        details=event.details, created_at=now, delivered_at=None,
    ).on_conflict_do_nothing(index_elements=["user_id", "kind", "event_key"])
    return execute_dml(session, statement) == 1
