"""Looking an account up to bind it: the preview to confirm, within the daily limit.

A number that does not exist and one outside the user's chosen region get the same
refusal, and every number looked up counts against ``BINDING_LOOKUPS_PER_DAY`` whether
it exists or not (:mod:`bot.accounts.lookup_limits`), so guessing numbers reveals
nothing beyond a few previews a day.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.accounts.binding import (
    AccountNumberRejected,
    BindRefusal,
    BindRefused,
    binding_of,
    find_account,
    parse_account_number,
)
from bot.accounts.lookup_limits import LookupLimitReached, admit_lookup
from bot.accounts.preview import AccountPreview, preview_of
from bot.clock import Clock
from bot.db.locks import lock_user
from bot.db.models import Region
from bot.db.session import SessionFactory

_NOT_BINDABLE = BindRefused(BindRefusal.NOT_FOUND_OR_NOT_BINDABLE)


@dataclass(frozen=True)
class CityRegion:
    """The city an account number was issued in (its first 4 digits)."""

    province: str
    city: str
    account_prefix: str
    district_codes: tuple[str, ...]


def infer_region(session_factory: SessionFactory, account_number: str) -> CityRegion | None:
    """The city whose supply company issues numbers starting like ``account_number``."""
    prefix = account_number[:4]
    with session_factory.session_scope() as session:
        regions = session.scalars(
            select(Region).where(Region.account_prefix == prefix).order_by(Region.code)
        ).all()
    if not regions:
        return None
    first = regions[0]
    return CityRegion(first.province, first.city, prefix, tuple(r.code for r in regions))


def region_matches(account_region: str, selected: str) -> bool:
    """Whether an account in district ``account_region`` lies in the user's ``selected``
    division: the district itself, its city (``xxxx00``) or province (``xx0000``)."""
    if selected == account_region:
        return True
    if len(selected) != len(account_region) or not selected.isdigit():
        return False
    if selected.endswith("0000"):
        return selected[:2] == account_region[:2]
    if selected.endswith("00"):
        return selected[:4] == account_region[:4]
    return False



def lookup_for_binding(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    user_id: int,
    account_number: str,
    daily_limit: int,
    region_code: str | None = None,
) -> AccountPreview | BindRefused | LookupLimitReached:
    """A preview of the account to confirm before binding. ``region_code`` is the
    division the user picked (district, city or province code); an account outside it
    is refused exactly like one that does not exist. Bound accounts (ALREADY_BOUND) and
    those on the user's 待绑定列表 are not counted; the same number again that day
    is counted once."""
    number = parse_account_number(account_number)
    if isinstance(number, AccountNumberRejected):
        return _NOT_BINDABLE
    with session_factory.session_scope() as session:
        lock_user(session, user_id)
        account = find_account(session, number)
        if account is not None and binding_of(session, user_id, account.id) is not None:
            return BindRefused(BindRefusal.ALREADY_BOUND)
        if not admit_lookup(
            session, clock, user_id=user_id, account_number=number,
            account_id=account.id if account else None, daily_limit=daily_limit,
        ):
            return LookupLimitReached(daily_limit)
        if account is None or (region_code and not region_matches(account.region_code, region_code)):
            return _NOT_BINDABLE
        return preview_of(account, viewer_user_id=user_id)
