"""Operators keep the outage table: add an outage (a district, narrowed to a street or to a list
of 户号), close it when the power is back or it is called off, list the newest.

Each operation returns the outage's :class:`~bot.outages.matching.OutageView` or an
:class:`OutageProblem` saying why nothing was written.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.db.enums import OutageKind, OutageStatus
from bot.db.models import ElectricityAccount, Outage, OutageAccount, Region
from bot.db.session import SessionFactory
from bot.outages.matching import OutageView, region_named, view_of

__all__ = [
    "NewOutage",
    "OutageProblem",
    "OutageProblemReason",
    "add_outage",
    "close_outage",
    "list_outages",
]


def _length(column: str) -> int:
    length = getattr(Outage.__table__.c[column].type, "length", None)
    assert isinstance(length, int)
    return length


REASON_LENGTH, STREET_LENGTH = _length("reason"), _length("street")


class OutageProblemReason(str, Enum):
    UNKNOWN_DISTRICT = "unknown_district"
    NO_AREA = "no_area"  # neither a district nor any 户号
    STREET_AND_ACCOUNTS = "street_and_accounts"  # an area is a street or a 户号 list, not both
    UNKNOWN_ACCOUNTS = "unknown_accounts"
    OTHER_DISTRICT = "other_district"  # a listed 户号 lies outside the outage's district
    ENDS_BEFORE_START = "ends_before_start"
    NAIVE_TIME = "naive_time"
    EMPTY_REASON = "empty_reason"
    TOO_LONG = "too_long"
    NOT_FOUND = "not_found"
    ALREADY_CLOSED = "already_closed"


@dataclass(frozen=True)
class OutageProblem:
    reason: OutageProblemReason
    detail: str = ""  # e.g. the unknown account numbers (operators see them, users never)


@dataclass(frozen=True)
class NewOutage:
    """What an operator announces. ``district`` is a code or name ("330106", "西湖区"); it may be
    omitted when ``account_numbers`` are given (their district is used)."""

    kind: OutageKind
    reason: str
    starts_at: datetime
    ends_at: datetime
    district: str | None = None
    street: str | None = None
    account_numbers: Sequence[str] = ()


def add_outage(session_factory: SessionFactory, clock: Clock, new: NewOutage) -> OutageView | OutageProblem:
    """Record an open outage."""
    problem = _check_fields(new)
    if problem is not None:
        return problem
    street = (new.street or "").strip() or None
    numbers = sorted({n.strip() for n in new.account_numbers if n.strip()})
    with session_factory.session_scope() as session:
        region: Region | None = None
        if new.district and new.district.strip():
            region = region_named(session, new.district)
            if region is None:
                return OutageProblem(OutageProblemReason.UNKNOWN_DISTRICT, new.district.strip())
        if numbers:
            accounts = session.execute(
                select(ElectricityAccount.account_number, ElectricityAccount.region_code).where(
                    ElectricityAccount.account_number.in_(numbers)
                )
            ).all()
            unknown = sorted(set(numbers) - {number for number, _ in accounts})
            if unknown:
                return OutageProblem(OutageProblemReason.UNKNOWN_ACCOUNTS, " ".join(unknown))
            codes = {code for _, code in accounts}
            if region is None and len(codes) == 1:
                region = session.get(Region, codes.pop())
            elif region is None or codes != {region.code}:
                return OutageProblem(OutageProblemReason.OTHER_DISTRICT, " ".join(sorted(codes)))
        if region is None:
            return OutageProblem(OutageProblemReason.NO_AREA)
        outage = Outage(
            kind=new.kind,
            status=OutageStatus.OPEN,
            region_code=region.code,
            street=street,
            reason=new.reason.strip(),
            starts_at=new.starts_at,
            ends_at=new.ends_at,
            created_at=clock.now(),
            accounts=[OutageAccount(account_number=number) for number in numbers],
        )
        session.add(outage)
        session.flush()
        return view_of(outage)


def close_outage(session_factory: SessionFactory, clock: Clock, *, outage_id: int) -> OutageView | OutageProblem:
    """Close an open outage (power restored, or called off); it no longer matches any query."""
    with session_factory.session_scope() as session:
        outage = session.get(Outage, outage_id, with_for_update=True)
        if outage is None:
            return OutageProblem(OutageProblemReason.NOT_FOUND)
        if outage.status is OutageStatus.CLOSED:
            return OutageProblem(OutageProblemReason.ALREADY_CLOSED)
        outage.status = OutageStatus.CLOSED
        outage.closed_at = clock.now()
        session.flush()
        return view_of(outage)


def list_outages(
    session_factory: SessionFactory, *, include_closed: bool = False, limit: int = 20
) -> list[tuple[OutageView, int]]:
    """The newest outages by start (open ones only unless ``include_closed``), each with how
    many 户号 it lists (0: a district or street)."""
    query = select(Outage).options(selectinload(Outage.accounts), selectinload(Outage.region))
    if not include_closed:
        query = query.where(Outage.status == OutageStatus.OPEN)
    query = query.order_by(Outage.starts_at.desc(), Outage.id.desc()).limit(limit)
    with session_factory.session_scope() as session:
        return [(view_of(outage), len(outage.accounts)) for outage in session.scalars(query)]


def _check_fields(new: NewOutage) -> OutageProblem | None:
    if new.starts_at.tzinfo is None or new.ends_at.tzinfo is None:
        return OutageProblem(OutageProblemReason.NAIVE_TIME)
    if new.ends_at <= new.starts_at:
        return OutageProblem(OutageProblemReason.ENDS_BEFORE_START)
    if not new.reason.strip():
        return OutageProblem(OutageProblemReason.EMPTY_REASON)
    if len(new.reason.strip()) > REASON_LENGTH or len((new.street or "").strip()) > STREET_LENGTH:
        return OutageProblem(OutageProblemReason.TOO_LONG)
    has_accounts = any(n.strip() for n in new.account_numbers)
    if (new.street or "").strip() and has_accounts:
        return OutageProblem(OutageProblemReason.STREET_AND_ACCOUNTS)
    if not (new.district or "").strip() and not has_accounts:
        return OutageProblem(OutageProblemReason.NO_AREA)
    return None

