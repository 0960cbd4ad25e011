"""Numbered options: on a channel without buttons, a reply listing "回复 1：查电费" is answered
with a bare number, which stands for that option's payload.

The payloads a chat was last shown are kept in the database (``numbered_option_sets``), so
every replica resolves a number the same way. A reply without options clears them: a number
typed later (an amount, a household size) is then an answer, not a choice. They expire after
:data:`OPTIONS_TTL`; each ``remember`` deletes a few expired sets on the way (rows another
transaction holds are skipped on PostgreSQL, so it never waits).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from bot.clock import Clock
from bot.db.models import NumberedOptionSet
from bot.db.session import SessionFactory

__all__ = ["OPTIONS_TTL", "NumberedOptions", "option_number"]

OPTIONS_TTL = timedelta(hours=24)
CLEAN_UP_AT_ONCE = 100
_TABLE = NumberedOptionSet.__table__
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_NUMBER = re.compile(r"(?P<tens>[一二两三四五六七八九]?十)?(?P<units>[一二两三四五六七八九])?")
_AROUND = " \t\r\n。.，,！!、"


def option_number(text: str) -> int | None:
    """The number a reply consists of ("2", "２", "二", "十二", " 3。"), or None for anything else."""
    bare = unicodedata.normalize("NFKC", text).strip(_AROUND)
    if bare.isascii() and bare.isdigit() and len(bare) <= 3:
        return int(bare)
    match = _CHINESE_NUMBER.fullmatch(bare)
    if not bare or match is None:
        return None
    tens = match["tens"]
    tens_value = 0 if tens is None else _CHINESE_DIGITS.get(tens[:-1], 1) * 10
    return tens_value + (_CHINESE_DIGITS[match["units"]] if match["units"] else 0)


class NumberedOptions:
    """The numbered options of each chat (``channel`` + ``sender_id``), shared by all replicas."""

    def __init__(self, session_factory: SessionFactory, clock: Clock, ttl: timedelta = OPTIONS_TTL) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._ttl = ttl

    def remember(self, channel: str, sender_id: str, payloads: Sequence[str]) -> None:
        """The options a reply just listed, in order; none (an empty list) forgets the old ones."""
        now = self._clock.now()
        with self._session_factory.session_scope() as session:
            stale = (
                select(_TABLE.c.channel, _TABLE.c.sender_id).where(_TABLE.c.expires_at <= now)
                .limit(CLEAN_UP_AT_ONCE).with_for_update(skip_locked=True)
            )
            session.execute(delete(_TABLE).where(tuple_(_TABLE.c.channel, _TABLE.c.sender_id).in_(stale)))
            if not payloads:
                session.execute(delete(_TABLE).where(_TABLE.c.channel == channel, _TABLE.c.sender_id == sender_id))
                return
            values = {"payloads": list(payloads), "expires_at": now + self._ttl}
            insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
            statement = insert(_TABLE).values(channel=channel, sender_id=sender_id, **values)
            session.execute(statement.on_conflict_do_update(index_elements=["channel", "sender_id"], set_=values))

    def resolve(self, channel: str, sender_id: str, text: str) -> str | None:
        """The payload ``text`` picks when it is the bare number of an option the chat was shown
        (and has not expired), else None: the connector then passes the text on as it is."""
        number = option_number(text)
        if number is None or number < 1:
            return None
        with self._session_factory.session_scope() as session:
            payloads = session.scalar(
                select(NumberedOptionSet.payloads).where(
                    NumberedOptionSet.channel == channel,
                    NumberedOptionSet.sender_id == sender_id,
                    NumberedOptionSet.expires_at > self._clock.now(),
                )
            )
        if not payloads or number > len(payloads):
            return None
        return str(payloads[number - 1])
