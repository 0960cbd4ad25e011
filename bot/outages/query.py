"""停电查询 as asked: which place (a bound account — the default or one named —, a district, a
street) and which days ("明天", "下周一", "12月5日"; by default today and the next six days),
answered with the open outages found there.

:func:`answer_outage_query` takes what the message named (entities or the text itself) and who
is asking, and returns one of the answers below; the action picks a response for each.
Nothing is said about an account the user has not bound.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.binding import Resolution, ResolutionKind, resolve_account
from bot.applications.addresses import ParsedAddress, parse_address
from bot.clock import Clock
from bot.db.models import ElectricityAccount, Region
from bot.db.session import SessionFactory
from bot.outages.matching import OutageView, outages_for_account, outages_for_area, region_named
from bot.text.days import DayRange, DayRejected, DayRejectReason, resolve_days, upcoming

__all__ = [
    "AccountNotBound",
    "AreaNeeded",
    "InvalidDate",
    "OutageAsk",
    "OutagesFound",
    "UnknownDistrict",
    "answer_outage_query",
]

_STREET = re.compile(r"[\u4e00-\u9fff\d]+?(?:大道|大街|胡同|路|街|巷|弄)")


@dataclass(frozen=True)
class OutageAsk:
    """What the message named; any may be missing. ``text`` is the request's own words."""

    text: str = ""
    time: str | None = None  # the ``time`` entity ("明天上午")
    region: str | None = None  # the ``region`` entity ("西湖区")
    address: str | None = None  # the ``address`` entity ("文三路", "拱墅区湖墅南路8号")
    account_number: str | None = None  # the ``account_number`` entity


@dataclass(frozen=True)
class OutagesFound:
    """The outages found (maybe none) over ``days``, for a bound account (``account_number``)
    or an area (``area_label``: "杭州市西湖区文三路")."""

    days: DayRange
    outages: tuple[OutageView, ...]
    account_number: str | None = None
    area_label: str | None = None


@dataclass(frozen=True)
class AreaNeeded:
    """Nothing says where: an anonymous chat (or one without a bound account) named no district,
    or an anonymous chat named a 户号 (it logs in first)."""

    logged_in: bool


@dataclass(frozen=True)
class UnknownDistrict:
    named: str


@dataclass(frozen=True)
class AccountNotBound:
    """A named 户号 this user has not bound."""


@dataclass(frozen=True)
class InvalidDate:
    """The message names a day that does not exist ("2月30日")."""


OutageAnswer = OutagesFound | AreaNeeded | UnknownDistrict | AccountNotBound | InvalidDate


def answer_outage_query(
    session_factory: SessionFactory, clock: Clock, ask: OutageAsk, *, user_id: int | None
) -> OutageAnswer:
    """Where and when, then the outages. An area named in the message wins over the account;
    without one, the named or default bound account; an address without a district is read
    in the default account's district."""
    days = _days(ask, clock)
    if isinstance(days, InvalidDate):
        return days
    window = days.window()
    account = None
    if user_id is not None:
        account = resolve_account(session_factory, user_id=user_id, named=ask.account_number)
        if isinstance(account, Resolution) and account.kind is ResolutionKind.NOT_BOUND:
            return AccountNotBound()
    elif ask.account_number:
        return AreaNeeded(logged_in=False)  # a 户号 is asked about only once logged in
    default = account if isinstance(account, str) else None

    area = _area(session_factory, ask, default)
    if isinstance(area, UnknownDistrict):
        return area
    if area is not None and not ask.account_number:
        region, street = area
        found = outages_for_area(session_factory, district=region.code, street=street, window=window)
        label = region.city + region.district + (street or "")
        return OutagesFound(days, tuple(found), area_label=label)
    if default is not None:
        found = outages_for_account(session_factory, account_number=default, window=window)
        return OutagesFound(days, tuple(found), account_number=default)
    return AreaNeeded(logged_in=user_id is not None)


def _days(ask: OutageAsk, clock: Clock) -> DayRange | InvalidDate:
    today = clock.today()
    for text in (ask.time, ask.text):
        if not text:
            continue
        resolved = resolve_days(text, today)
        if isinstance(resolved, DayRange):
            return resolved
        if isinstance(resolved, DayRejected) and resolved.reason is DayRejectReason.INVALID_DATE:
            return InvalidDate()
    return upcoming(today)


def _area(
    session_factory: SessionFactory, ask: OutageAsk, default_account: str | None
) -> tuple[Region, str | None] | UnknownDistrict | None:
    """The district (and street) the message names, or None when it names none."""
    with session_factory.session_scope() as session:
        if ask.address:
            parsed = parse_address(ask.address, None)
            street = _street(parsed.street_and_number if isinstance(parsed, ParsedAddress) else ask.address)
            district = parsed.district if isinstance(parsed, ParsedAddress) else None
            region = region_named(session, ask.region or district or "") or _district_in(session, ask.address)
            if region is None and default_account is not None:
                region = session.scalar(
                    select(Region).join(ElectricityAccount, ElectricityAccount.region_code == Region.code)
                    .where(ElectricityAccount.account_number == default_account)
                )
            if region is not None:
                return region, street
        if ask.region:
            region = region_named(session, ask.region)
            return UnknownDistrict(ask.region.strip()) if region is None else (region, None)
        region = _district_in(session, ask.text)
        return None if region is None else (region, None)


def _street(text: str) -> str | None:
    match = _STREET.search(unicodedata.normalize("NFKC", text or ""))
    return match.group() if match else None


def _district_in(session: Session, text: str) -> Region | None:
    """A served district named with its suffix anywhere in ``text`` (the longest name wins)."""
    found = [r for r in session.scalars(select(Region)) if r.district and r.district in (text or "")]
    return max(found, key=lambda r: len(r.district), default=None)
