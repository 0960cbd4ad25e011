"""An outage as the facts a reply names: whether it is under way, coming or over at ``now``, and
its times in China time ("12月3日 08:00", "12月3日 08:00至17:00", "12月3日 22:00至12月4日 06:00").

The sentences themselves live in the domain (``utter_outage_item_*``); this only fills them in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from bot.clock import CHINA_TZ
from bot.outages.matching import OutageView

__all__ = ["OutageFacts", "OutagePhase", "facts_of", "moment_label", "span_label"]


class OutagePhase(str, Enum):
    ONGOING = "ongoing"  # started, not yet restored (as expected)
    UPCOMING = "upcoming"
    ENDED = "ended"  # its expected end has passed (the operator has not closed it yet)


@dataclass(frozen=True)
class OutageFacts:
    phase: OutagePhase
    kind: str  # 计划检修 / 故障抢修 / 临时检修
    area: str
    when: str  # "12月3日 08:00至17:00"
    ends: str  # "12月3日 17:00": the expected restoration
    reason: str


def facts_of(view: OutageView, now: datetime) -> OutageFacts:
    if now < view.starts_at:
        phase = OutagePhase.UPCOMING
    elif now < view.ends_at:
        phase = OutagePhase.ONGOING
    else:
        phase = OutagePhase.ENDED
    today = now.astimezone(CHINA_TZ).date()
    return OutageFacts(
        phase=phase,
        kind=view.kind.value,
        area=view.area_label,
        when=span_label(view.starts_at, view.ends_at, today),
        ends=moment_label(view.ends_at, today),
        reason=view.reason,
    )


def moment_label(at: datetime, today: date) -> str:
    """ "12月3日 17:00" (with the year when it is not ``today``'s)."""
    local = at.astimezone(CHINA_TZ)
    return f"{_day(local.date(), today)} {local:%H:%M}"


def span_label(start: datetime, end: datetime, today: date) -> str:
    """From ``start`` to ``end``, the end's date only when it differs."""
    first, last = start.astimezone(CHINA_TZ), end.astimezone(CHINA_TZ)
    tail = f"{last:%H:%M}" if first.date() == last.date() else moment_label(last, today)
    return f"{moment_label(first, today)}至{tail}"


def _day(day: date, today: date) -> str:
    prefix = "" if day.year == today.year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"
