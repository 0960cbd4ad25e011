"""Where a fault is: one of the user's bound accounts, or an address typed as in 新装
("西湖区文三路100号", "杭州市临安区太湖源镇白沙村3组") parsed by :mod:`bot.applications.addresses`
against the served divisions; and the known outages that cover it right now.

A fault's address needs its district (to know who repairs it and how soon) and a road, street,
village or house number; unlike 新装 it need not have both (a fault is often "文三路口的电线杆").
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.applications.addresses import AddressProblem, AddressProblemReason, ParsedAddress, parse_address
from bot.applications.region_data import load_regions
from bot.clock import Clock
from bot.db.models import ElectricityAccount
from bot.db.session import SessionFactory
from bot.outages.matching import OutageView, outages_for_account, outages_for_area
from bot.repairs.commitments import AreaType, area_type

_STREET = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:大道|大街|路|街|巷|弄|胡同)")
# "Now" for the outage check: outages under way at this minute.
_NOW_WINDOW = timedelta(minutes=1)


class PlaceProblemReason(str, enum.Enum):
    EMPTY = "EMPTY"
    OUTSIDE_REGION = "OUTSIDE_REGION"  # a division we do not serve
    NO_DISTRICT = "NO_DISTRICT"  # no served district named
    TOO_VAGUE = "TOO_VAGUE"  # neither a road/street/村 nor a house number


@dataclass(frozen=True)
class PlaceProblem:
    reason: PlaceProblemReason
    named: str | None = None  # OUTSIDE_REGION: what was named


@dataclass(frozen=True)
class FaultPlace:
    region_code: str
    address: str  # the whole address, divisions included
    street: str | None  # the road or street, for the outage check ("文三路")
    area_type: AreaType
    account_number: str | None = None  # a bound account's place


def _region_code(parsed: ParsedAddress) -> str | None:
    for row in load_regions():
        if row["district"] == parsed.district and parsed.city in (None, row["city"]):
            return row["code"]
    return None


def _street_of(rest: str) -> str | None:
    found = _STREET.search(rest)
    return found.group() if found else None


def place_from_text(text: str) -> FaultPlace | PlaceProblem:
    """The place a typed address names (see the module docstring)."""
    parsed = parse_address(text, None)
    if isinstance(parsed, AddressProblem):
        reason = {
            AddressProblemReason.EMPTY: PlaceProblemReason.EMPTY,
            AddressProblemReason.TOO_LONG: PlaceProblemReason.TOO_VAGUE,
            AddressProblemReason.OUTSIDE_REGION: PlaceProblemReason.OUTSIDE_REGION,
            AddressProblemReason.TOO_VAGUE: PlaceProblemReason.TOO_VAGUE,
        }[parsed.reason]
        return PlaceProblem(reason, parsed.named)
    code = _region_code(parsed) if parsed.district else None
    if code is None:
        return PlaceProblem(PlaceProblemReason.NO_DISTRICT)
    rest = parsed.street_and_number
    return FaultPlace(region_code=code, address=parsed.full_text, street=_street_of(rest),
                      area_type=area_type(code, rest))


def place_of_account(session_factory: SessionFactory, account_number: str) -> FaultPlace | None:
    """The place of an account (the caller checked the user has bound it); None if unknown."""
    with session_factory.session_scope() as session:
        account = session.scalar(
            select(ElectricityAccount).where(ElectricityAccount.account_number == account_number)
        )
        if account is None:
            return None
        code, address = account.region_code, account.address
    parsed = parse_address(address, None)
    rest = parsed.street_and_number if isinstance(parsed, ParsedAddress) else address
    return FaultPlace(region_code=code, address=address, street=_street_of(rest),
                      area_type=area_type(code, rest), account_number=account_number)


def outages_now(session_factory: SessionFactory, clock: Clock, place: FaultPlace) -> list[OutageView]:
    """The open outages covering the place at this minute, newest start first."""
    now = clock.now()
    window = (now, now + _NOW_WINDOW)
    if place.account_number is not None:
        return outages_for_account(session_factory, account_number=place.account_number, window=window)
    found = outages_for_area(session_factory, district=place.region_code, street=place.street, window=window)
    if place.street is not None:
        return found
    # No road named (a village, a house number): only outages of the whole district surely cover it.
    whole = next((row["city"] + row["district"] for row in load_regions() if row["code"] == place.region_code), None)
    return [view for view in found if view.area_label == whole]
