"""Account-dependent facts for FAQ answers: the 阶梯电价 of the user's own account.

The FAQ's answers (``utter_faq/<topic>`` in domain/conversation.yml) are the same for everyone,
except where the rule depends on the account. 阶梯电价 does: the thresholds and prices are those of
the account's region (``data/tariffs/<region>.yml``, the same :class:`~bot.billing.tariff.TariffBook`
the bills are computed with), and a residential account also hears where this year's billed kWh
stand on the ladder. Only the logged-in user's default (or only) bound account is used; anyone
else gets the general answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.accounts.binding import resolve_account
from bot.billing.access import bound_account
from bot.billing.tariff import PeakValley, TariffBook
from bot.billing.usage import TierPosition, tier_position
from bot.clock import Clock
from bot.db.session import SessionFactory


@dataclass(frozen=True)
class TierBand:
    """One tier on the annual ladder, as a range of the year's cumulative kWh."""

    number: int
    from_kwh: int  # the first kWh of the band (1 for the first tier)
    up_to_kwh: int | None  # inclusive; None for the open top tier
    price: Decimal


@dataclass(frozen=True)
class AccountTariff:
    account_number: str
    region_name: str  # the tariff's region, e.g. "浙江省"
    category: str  # 低压居民 / 低压非居民 / 高压
    bands: tuple[TierBand, ...]  # one band (from 1, open-ended) for a flat price
    peak_valley: PeakValley | None
    position: TierPosition

    @property
    def flat(self) -> bool:
        return len(self.bands) == 1


def bands_of(tiers_up_to: list[tuple[int | None, Decimal]]) -> tuple[TierBand, ...]:
    """(upper bound, price) per tier, lowest first -> bands with their first kWh."""
    bands = []
    lower = 0
    for number, (upper, price) in enumerate(tiers_up_to, start=1):
        bands.append(TierBand(number, lower + 1, upper, price))
        lower = upper if upper is not None else lower
    return tuple(bands)


def account_tariff(
    session_factory: SessionFactory, clock: Clock, tariffs: TariffBook, *, user_id: int
) -> AccountTariff | None:
    """The tariff of the user's default (or only) bound account; None when there is no such
    account (nothing bound, or several bound and none default)."""
    resolved = resolve_account(session_factory, user_id=user_id, named=None)
    if not isinstance(resolved, str):
        return None
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, resolved)
        if account is None:
            return None
        region_key, category = account.region.tariff_key, str(account.category)
    position = tier_position(session_factory, clock, tariffs, user_id=user_id, account_number=resolved)
    if not isinstance(position, TierPosition):  # unbound in between
        return None
    region = tariffs.region(region_key)
    tariff = tariffs.get(region_key, category)
    return AccountTariff(
        account_number=resolved,
        region_name=region.name,
        category=category,
        bands=bands_of([(tier.up_to_kwh, tier.price) for tier in tariff.tiers]),
        peak_valley=tariff.peak_valley,
        position=position,
    )
