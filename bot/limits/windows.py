"""Window labels for counter keys, derived from the injectable clock.

A key names its window (``msg:rest:alice:29250000``), so a count never outlives its
window whatever the store does with expiry; the time-to-live only lets stores forget.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import CHINA_TZ

MINUTE = timedelta(minutes=1)
# Daily keys are kept a little longer than a day: the label already ends their use.
DAY_TTL = timedelta(days=2)


def minute_window(now: datetime) -> str:
    """The fixed one-minute window ``now`` falls in (minutes since the epoch)."""
    return str(int(now.timestamp()) // 60)


def china_day(now: datetime) -> str:
    """The China calendar day of ``now`` (daily limits reset at midnight Beijing time)."""
    return now.astimezone(CHINA_TZ).date().isoformat()


def chat_key(channel: str, sender_id: str) -> str:
    """One chat (channel + sender); channel names never contain ``:``."""
    return f"{channel}:{sender_id}"
