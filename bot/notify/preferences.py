"""Which notices a user receives: every kind is on until they turn it off in chat ("关闭欠费提醒")
and on again ("打开停电通知"). Turning a kind off also drops that kind's notices not told yet.

:func:`kinds_named` reads the kinds a request names from its words (or a button's value);
work-order news is not a kind here: it is always told.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.enums import NoticeKind
from bot.db.models import NoticePreference, UsageNotice
from bot.db.session import SessionFactory

__all__ = ["ALL_KINDS", "kinds_named", "notice_settings", "set_notices", "turned_off"]

ALL_KINDS: tuple[NoticeKind, ...] = tuple(NoticeKind)
ALL_VALUE = "all"  # a button's value for every kind
_KIND_WORDS = (  # Simplified and Traditional characters
    (NoticeKind.ARREARS,
     re.compile(r"欠[费費]|欠款|催[费費缴繳]|[缴繳交][费費]提醒|[电電][费費]提醒|到期|逾期|违约金|違約金")),
    (NoticeKind.LOW_BALANCE, re.compile(r"余额|餘額|预存|預存|充值提醒")),
    (NoticeKind.USAGE_SPIKE, re.compile(r"用[电電][异異]常|用?[电電]量|用能|用[电電](?:提醒|预警|預警)|[异異]常")),
    (NoticeKind.OUTAGE, re.compile(r"停[电電]|[检檢]修|[断斷][电電]")),
)
_ALL_WORDS = re.compile(r"所有|全部|全都|一切|通通|统统|都(?:关|开|打开|关闭|关掉)|各种")


def kinds_named(text: str | None) -> tuple[NoticeKind, ...]:
    """The kinds ``text`` names, in their usual order: a button's value ("arrears", "all"), words
    ("关闭欠费和停电提醒"), every kind for "所有提醒"; () when it names none ("关闭提醒")."""
    words = (text or "").strip()
    if words == ALL_VALUE or _ALL_WORDS.search(words):
        return ALL_KINDS
    by_value = {kind.value: kind for kind in NoticeKind}
    if words in by_value:
        return (by_value[words],)
    return tuple(kind for kind, pattern in _KIND_WORDS if pattern.search(words))


def notice_settings(session_factory: SessionFactory, *, user_id: int) -> dict[NoticeKind, bool]:
    """Every kind, on or off for ``user_id``."""
    off = turned_off(session_factory, user_id=user_id)
    return {kind: kind not in off for kind in NoticeKind}


def turned_off(session_factory: SessionFactory, *, user_id: int) -> frozenset[NoticeKind]:
    with session_factory.session_scope() as session:
        return frozenset(session.scalars(
            select(NoticePreference.kind).where(NoticePreference.user_id == user_id,
                                                NoticePreference.enabled.is_(False))
        ))


def set_notices(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, kinds: tuple[NoticeKind, ...], enabled: bool
) -> None:
    """Turn ``kinds`` on or off for ``user_id``; off also drops their notices not told yet."""
    now = clock.now()
    with session_factory.session_scope() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for kind in kinds:
            statement = insert(NoticePreference).values(user_id=user_id, kind=kind, enabled=enabled, updated_at=now)
            session.execute(statement.on_conflict_do_update(
                index_elements=["user_id", "kind"], set_={"enabled": enabled, "updated_at": now},
            ))
        if not enabled and kinds:
            _drop_pending(session, now, user_id, kinds)


def _drop_pending(session: Session, now: datetime, user_id: int, kinds: tuple[NoticeKind, ...]) -> None:
    session.execute(
        update(UsageNotice)
        .where(UsageNotice.user_id == user_id, UsageNotice.kind.in_(kinds), UsageNotice.delivered_at.is_(None))
        .values(delivered_at=now)
    )
