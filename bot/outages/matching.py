"""Which open outages cover an account, a district or a street during a time window.

An outage covers an account when its area lists the account's 户号, or — for an outage
that lists no 户号 — when the account's district (``region_code``) is the outage's and,
if the outage names a street, the account's address contains that street. Only open
outages count, and only those overlapping the window: ``starts_at < window_end`` and
``ends_at > window_start`` (the window is half-open, ``[start, end)``, any aware datetimes;
:mod:`bot.text.days` makes them from "明天", "这周"…). The newest start comes first.

Nothing here reads the clock: the caller's window says when. Results are plain frozen
:class:`OutageView` values, readable after the session has ended.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.clock import CHINA_TZ
from bot.db.enums import OutageKind, OutageStatus
from bot.db.models import ElectricityAccount, Outage, Region
from bot.db.session import SessionFactory

__all__ = [
    "OutageView",
    "area_label",
    "district_region",
    "outages_for_account",
    "outages_for_area",
    "region_named",
    "view_of",
]

Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class OutageView:
    """An outage as callers see it. Times are aware, in China time (Asia/Shanghai)."""

    id: int
    kind: OutageKind
    reason: str
    area_label: str  # "杭州市西湖区文三路", "杭州市西湖区", "杭州市西湖区（部分用户）"
    starts_at: datetime
    ends_at: datetime  # the expected restoration
    closed: bool


def outages_for_account(
    session_factory: SessionFactory, *, account_number: str, window: Window
) -> list[OutageView]:
    """Open outages covering account ``account_number`` that overlap ``window``, newest
    start first; [] when the account does not exist (callers check binding themselves)."""
    _check_window(window)
    with session_factory.session_scope() as session:
        account = session.scalar(
            select(ElectricityAccount).where(ElectricityAccount.account_number == account_number)
        )
        if account is None:
            return []
        candidates = _open_overlapping(session, window, region_code=account.region_code)
        return [view_of(o) for o in candidates if _covers_account(o, account)]


def outages_for_area(
    session_factory: SessionFactory,
    *,
    district: str,
    street: str | None = None,
    window: Window,
) -> list[OutageView]:
    """Open outages in ``district`` overlapping ``window``, newest start first.

    ``district`` is a served district's 6-digit division code ("330106") or its name
    ("西湖区", "杭州市西湖区"); an unknown one gives []. With ``street`` ("文三路"), only the
    outages that reach it: the whole district, that street, or a list of 户号 one of which
    has an address on it. Without, every outage of the district (a 户号 list included).
    """
    _check_window(window)
    street = (street or "").strip() or None
    with session_factory.session_scope() as session:
        region = region_named(session, district)
        if region is None:
            return []
        candidates = _open_overlapping(session, window, region_code=region.code)
        return [view_of(o) for o in candidates if _reaches_street(session, o, street)]


def district_region(session_factory: SessionFactory, text: str) -> tuple[str, str] | None:
    """The code and label ("杭州市西湖区") of the served district ``text`` names, by code or
    name ("330106", "西湖区", "杭州市西湖区"); None if we do not serve it."""
    with session_factory.session_scope() as session:
        region = region_named(session, text)
        return None if region is None else (region.code, region.city + region.district)


def view_of(outage: Outage) -> OutageView:
    """The view of an outage loaded in a session (its region and 户号 list reachable)."""
    return OutageView(
        id=outage.id,
        kind=outage.kind,
        reason=outage.reason,
        area_label=area_label(outage),
        starts_at=outage.starts_at.astimezone(CHINA_TZ),
        ends_at=outage.ends_at.astimezone(CHINA_TZ),
        closed=outage.status is OutageStatus.CLOSED,
    )


def area_label(outage: Outage) -> str:
    """Where, in words: city + district, then the street or "（部分用户）" for a 户号 list."""
    label = outage.region.city + outage.region.district
    if outage.street:
        return label + outage.street
    if outage.accounts:
        return label + "（部分用户）"
    return label


def _check_window(window: Window) -> None:
    start, end = window
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("naive datetime in the window: pass aware datetimes (see bot.clock)")
    if end <= start:
        raise ValueError("the window must end after it starts")


def _open_overlapping(session: Session, window: Window, *, region_code: str) -> list[Outage]:
    start, end = window
    return list(
        session.scalars(
            select(Outage)
            .where(
                Outage.status == OutageStatus.OPEN,
                Outage.region_code == region_code,
                Outage.starts_at < end,
                Outage.ends_at > start,
            )
            .options(selectinload(Outage.accounts), selectinload(Outage.region))
            .order_by(Outage.starts_at.desc(), Outage.id.desc())
        )
    )


def _covers_account(outage: Outage, account: ElectricityAccount) -> bool:
    if outage.accounts:
        return account.account_number in _numbers(outage)
    if outage.region_code != account.region_code:
        return False
    return outage.street is None or outage.street in account.address


def _reaches_street(session: Session, outage: Outage, street: str | None) -> bool:
    if street is None:
        return True
    if outage.accounts:
        addresses = session.scalars(
            select(ElectricityAccount.address).where(
                ElectricityAccount.account_number.in_(_numbers(outage))
            )
        )
        return any(street in address for address in addresses)
    return outage.street is None or street in outage.street or outage.street in street


def _numbers(outage: Outage) -> set[str]:
    return {row.account_number for row in outage.accounts}


def region_named(session: Session, text: str) -> Region | None:
    """The served district ``text`` names (code, "西湖区", "西湖", "杭州市西湖区"), in ``session``."""
    text = (text or "").strip()
    if not text:
        return None
    regions: Iterable[Region] = session.scalars(select(Region).order_by(Region.code))
    found = [
        r
        for r in regions
        if text in (r.code, r.district[:-1]) or (r.district and text.endswith(r.district))
    ]
    return max(found, key=lambda r: len(r.district), default=None)
