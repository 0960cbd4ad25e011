"""Electricity tariffs: the data lives in ``data/tariffs/<region>.yml``, the engine here.

Rounding: a bill is computed exactly in Decimal. Each :class:`TierLine` carries the
exact, unrounded ``kwh × price`` of its tier, and the peak/valley adjustment is exact
too; only the bill's total is rounded, once, half-up to 0.01 yuan. Displayed tier
lines may therefore differ from the total by a fen after display rounding, but the
amount charged never depends on how the month splits across tiers.

Tiers are annual: ``up_to_kwh`` is the inclusive upper bound of a tier on the calendar
year's cumulative consumption, so with Zhejiang's 2760 the 2760th kWh of the year is
still tier 1 and the 2761st is tier 2. A month's consumption is placed on this ladder
after what was used earlier in the year, so one month can straddle tier boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from bot.money import round_yuan

RESIDENTIAL = "低压居民"
NON_RESIDENTIAL = "低压非居民"
HIGH_VOLTAGE = "高压"
CATEGORIES = (RESIDENTIAL, NON_RESIDENTIAL, HIGH_VOLTAGE)

PRICE_UNIT = "yuan/kWh"
ZERO = Decimal("0")


class TariffLookupError(KeyError):
    """No tariff for the requested region or category."""


class UnknownRegion(TariffLookupError):
    pass


class UnknownCategory(TariffLookupError):
    pass


class TariffFileError(ValueError):
    """A tariff file is malformed."""


class PeakValleyNotOffered(ValueError):
    """Peak/valley readings were given for a tariff without a time-of-use option."""


@dataclass(frozen=True)
class Tier:
    number: int
    up_to_kwh: int | None
    """Inclusive upper bound on the year's cumulative kWh; ``None`` for the top tier."""
    price: Decimal


@dataclass(frozen=True)
class PeakValley:
    """Time-of-use option: deltas added to the tier price per peak / valley kWh."""

    peak_delta: Decimal
    valley_delta: Decimal


@dataclass(frozen=True)
class TierLine:
    tier: int
    kwh: int
    price: Decimal
    amount: Decimal
    """Exact ``kwh × price``, not rounded (see the module docstring)."""


@dataclass(frozen=True)
class BillComputation:
    kwh: int
    tier_lines: tuple[TierLine, ...]
    peak_kwh: int | None
    valley_kwh: int | None
    peak_valley_adjustment: Decimal
    amount: Decimal
    """Sum of the exact tier amounts and adjustment, rounded half-up to 0.01."""


@dataclass(frozen=True)
class Tariff:
    region_key: str
    category: str
    tiers: tuple[Tier, ...]
    peak_valley: PeakValley | None = None
    note: str = ""

    @property
    def is_flat(self) -> bool:
        return len(self.tiers) == 1

    def compute(
        self,
        kwh: int,
        *,
        used_earlier_this_year: int = 0,
        peak_kwh: int | None = None,
        valley_kwh: int | None = None,
    ) -> BillComputation:
        """Bill ``kwh`` consumed after ``used_earlier_this_year`` kWh in the same year."""
        _require_kwh("kwh", kwh)
        _require_kwh("used_earlier_this_year", used_earlier_this_year)
        adjustment = self._peak_valley_adjustment(kwh, peak_kwh, valley_kwh)
        lines = self._tier_lines(used_earlier_this_year, used_earlier_this_year + kwh)
        total = sum((line.amount for line in lines), start=ZERO) + adjustment
        return BillComputation(
            kwh=kwh,
            tier_lines=lines,
            peak_kwh=peak_kwh,
            valley_kwh=valley_kwh,
            peak_valley_adjustment=adjustment,
            amount=round_yuan(total),
        )

    def annual_position(self, used_this_year: int) -> tuple[int, int | None]:
        """The tier the year's next kWh falls in, and how many kWh are left in it.

        ``None`` remaining means the open top tier. At exactly a boundary (2760 used in
        Zhejiang) tier 1 is exhausted, so the answer is ``(2, 2040)``.
        """
        _require_kwh("used_this_year", used_this_year)
        for tier in self.tiers:
            if tier.up_to_kwh is None:
                return tier.number, None
            if used_this_year < tier.up_to_kwh:
                return tier.number, tier.up_to_kwh - used_this_year
        raise AssertionError("the top tier is open-ended")  # guaranteed by the loader

    def _tier_lines(self, start: int, end: int) -> tuple[TierLine, ...]:
        """Split the cumulative interval (start, end] across the tiers."""
        lines = []
        lower = 0
        for tier in self.tiers:
            upper = end if tier.up_to_kwh is None else tier.up_to_kwh
            in_tier = min(end, upper) - max(start, lower)
            if in_tier > 0:
                lines.append(TierLine(tier.number, in_tier, tier.price, in_tier * tier.price))
            lower = upper
        return tuple(lines)

    def _peak_valley_adjustment(self, kwh: int, peak_kwh: int | None, valley_kwh: int | None) -> Decimal:
        if peak_kwh is None and valley_kwh is None:
            return ZERO
        if self.peak_valley is None:
            raise PeakValleyNotOffered(f"{self.region_key}/{self.category} has no peak/valley option")
        if peak_kwh is None or valley_kwh is None:
            raise ValueError("peak_kwh and valley_kwh must be given together")
        _require_kwh("peak_kwh", peak_kwh)
        _require_kwh("valley_kwh", valley_kwh)
        if peak_kwh + valley_kwh != kwh:
            raise ValueError(f"peak {peak_kwh} + valley {valley_kwh} kWh != total {kwh} kWh")
        return peak_kwh * self.peak_valley.peak_delta + valley_kwh * self.peak_valley.valley_delta


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    supply_company: str
    source: str
    note: str
    tariffs: Mapping[str, Tariff]


class TariffBook:
    """All regions' tariffs, loaded from one directory of YAML files."""

    def __init__(self, regions: Mapping[str, Region]) -> None:
        self._regions = MappingProxyType(dict(regions))

    @classmethod
    def load(cls, directory: Path) -> TariffBook:
        paths = sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")])
        regions: dict[str, Region] = {}
        for path in paths:
            region = _parse_region(path)
            if region.key in regions:
                raise TariffFileError(f"{path}: region {region.key!r} defined twice")
            regions[region.key] = region
        return cls(regions)

    def keys(self) -> tuple[str, ...]:
        return tuple(sorted(self._regions))

    def region(self, key: str) -> Region:
        try:
            return self._regions[key]
        except KeyError:
            raise UnknownRegion(key) from None

    def supply_company(self, key: str) -> str:
        return self.region(key).supply_company

    def get(self, key: str, category: str) -> Tariff:
        tariffs = self.region(key).tariffs
        try:
            return tariffs[category]
        except KeyError:
            raise UnknownCategory(category) from None


def _require_kwh(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


class _DecimalSafeLoader(yaml.SafeLoader):
    """A safe loader that reads YAML floats as Decimal, so an unquoted price never
    passes through binary floating point."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    try:
        return Decimal(loader.construct_scalar(node))
    except InvalidOperation:
        raise TariffFileError(f"not a decimal number: {node.value!r}") from None


_DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _parse_region(path: Path) -> Region:
    with path.open(encoding="utf-8") as stream:
        doc = yaml.load(stream, Loader=_DecimalSafeLoader)  # noqa: S506 - a SafeLoader subclass
    where = str(path)
    if not isinstance(doc, dict):
        raise TariffFileError(f"{where}: expected a mapping")
    key = _text(doc, "key", where)
    if key != path.stem:
        raise TariffFileError(f"{where}: key {key!r} does not match the file name")
    if doc.get("price_unit") != PRICE_UNIT:
        raise TariffFileError(f"{where}: price_unit must be {PRICE_UNIT!r}")
    categories = doc.get("categories")
    if not isinstance(categories, dict) or set(categories) != set(CATEGORIES):
        raise TariffFileError(f"{where}: categories must be exactly {', '.join(CATEGORIES)}")
    tariffs = {name: _parse_tariff(key, name, body, f"{where}: {name}") for name, body in categories.items()}
    return Region(
        key=key,
        name=_text(doc, "name", where),
        supply_company=_text(doc, "supply_company", where),
        source=_text(doc, "source", where),
        note=_text(doc, "note", where),
        tariffs=MappingProxyType(tariffs),
    )


def _parse_tariff(region_key: str, category: str, body: Any, where: str) -> Tariff:
    if not isinstance(body, dict):
        raise TariffFileError(f"{where}: expected a mapping")
    if ("tiers" in body) == ("price" in body):
        raise TariffFileError(f"{where}: give either tiers or a flat price")
    if "price" in body:
        tiers: tuple[Tier, ...] = (Tier(1, None, _price(body["price"], where)),)
    else:
        tiers = _parse_tiers(body["tiers"], where)
    peak_valley = None
    if body.get("peak_valley") is not None:
        pv = body["peak_valley"]
        if not isinstance(pv, dict):
            raise TariffFileError(f"{where}: peak_valley must be a mapping")
        peak_valley = PeakValley(
            peak_delta=_decimal(pv.get("peak_delta"), f"{where}: peak_delta"),
            valley_delta=_decimal(pv.get("valley_delta"), f"{where}: valley_delta"),
        )
    return Tariff(region_key, category, tiers, peak_valley, str(body.get("note", "")))


def _parse_tiers(raw: Any, where: str) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        raise TariffFileError(f"{where}: tiers must be a non-empty list")
    tiers = []
    previous_bound = 0
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise TariffFileError(f"{where}: tier {number} must be a mapping")
        bound = entry.get("up_to_kwh")
        is_last = number == len(raw)
        if is_last != (bound is None):
            raise TariffFileError(f"{where}: exactly the last tier must have up_to_kwh: null")
        if bound is not None:
            if not isinstance(bound, int) or isinstance(bound, bool) or bound <= previous_bound:
                raise TariffFileError(f"{where}: tier {number} bound must be an increasing int")
            previous_bound = bound
        tiers.append(Tier(number, bound, _price(entry.get("price"), f"{where}: tier {number}")))
    return tuple(tiers)


def _price(raw: Any, where: str) -> Decimal:
    price = _decimal(raw, where)
    if price <= 0:
        raise TariffFileError(f"{where}: price must be positive")
    return price


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise TariffFileError(f"{where}: expected a quoted decimal, got {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise TariffFileError(f"{where}: not a decimal number: {raw!r}") from None
    if not value.is_finite():
        raise TariffFileError(f"{where}: not a finite number: {raw!r}")
    return value


def _text(doc: Mapping[str, Any], name: str, where: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or not value.strip():
        raise TariffFileError(f"{where}: {name} must be a non-empty string")
    return value.strip()
