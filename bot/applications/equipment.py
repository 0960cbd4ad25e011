"""An enterprise's 用电设备清单 as customers type it: "空调 5kW 3台，电梯 15kW 1台".

Items are separated by punctuation (，,、；;。 or line breaks), and items run together
("空调5kW3台 电梯15kW") are split after each power figure and its quantity. An item is a
name, a power and an optional quantity:

* power: Arabic or Chinese numerals with kW / 千瓦, W / 瓦 or MW / 兆瓦 ("5kW", "2.5千瓦",
  "五千瓦", "60W"); kWh is energy, not power, and is not taken for one;
* quantity: a count with a measure word (3台, 三台, 10个, 两套) or "×3"; 1 when absent.

Full-width characters are accepted (NFKC). Power is a Decimal in kW, never a float, so
totals are exact.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

MAX_POWER_KW = Decimal(10000)  # per item: more is a typo (or a unit mix-up)
MAX_QUANTITY = 999
MAX_ITEMS = 50
MAX_NAME_CHARS = 32

_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_UNITS = {"kw": Decimal(1), "千瓦": Decimal(1), "w": Decimal("0.001"), "瓦": Decimal("0.001"),
          "mw": Decimal(1000), "兆瓦": Decimal(1000)}
_MEASURES = "台个套只盏部组件块路把樘"
# The Chinese-numeral alternative is lazy, so "五千瓦" reads as 五 + 千瓦, not 五千 + 瓦.
_POWER = re.compile(
    rf"(?P<sign>[-−负]\s*)?(?P<number>\d+(?:\.\d+)?|[{_CN_DIGITS}][{_CN_DIGITS}点]*?)\s*"
    r"(?P<unit>千瓦|kw|兆瓦|mw|瓦|w)(?![a-z])",
    re.IGNORECASE,
)
_QUANTITY = (
    rf"(?P<qsign>-\s*)?(?:[x×*]\s*(?P<times>\d+)\s*[{_MEASURES}]?"
    rf"|(?P<count>\d+(?:\.\d+)?|[{_CN_DIGITS}][{_CN_DIGITS}点]*)\s*[{_MEASURES}])"
)
_QUANTITY_PREFIX = r"(?:共|数量\s*:?\s*)?"
# After a power a bare number counts too, if nothing but a space or the end follows
# ("空调 5kW 3 电梯 15kW"); "1号楼" does not.
_QUANTITY_AFTER = re.compile(
    rf"\s*{_QUANTITY_PREFIX}(?:{_QUANTITY}|(?P<bare>\d+)(?=\s|$))", re.IGNORECASE
)
_QUANTITY_ANYWHERE = re.compile(rf"{_QUANTITY_PREFIX}{_QUANTITY}", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,，、;；。\n]+")
_NAME_EDGES = " \t:：-—_=·.()（）[]【】!?！？~～"
_CONNECTORS = ("以及", "还有", "另有", "和", "及", "与")
_FILLERS = ("单台功率", "额定功率", "功率", "每台", "单台")


class EquipmentRejection(str, enum.Enum):
    NOTHING_RECOGNISED = "NOTHING_RECOGNISED"  # no item at all (empty, or no power nor quantity anywhere)
    NO_POWER = "NO_POWER"  # an item without a power figure
    NO_NAME = "NO_NAME"  # a power figure without an equipment name
    NAME_TOO_LONG = "NAME_TOO_LONG"  # more than MAX_NAME_CHARS
    NON_POSITIVE_POWER = "NON_POSITIVE_POWER"  # 0 kW or negative
    POWER_TOO_LARGE = "POWER_TOO_LARGE"  # more than MAX_POWER_KW per item
    BAD_QUANTITY = "BAD_QUANTITY"  # 0, more than MAX_QUANTITY, or not a whole number
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS"  # more than MAX_ITEMS


@dataclass(frozen=True)
class EquipmentRejected:
    reason: EquipmentRejection
    item: str | None = None  # the fragment at fault, as typed (NFKC), for the reply to quote


@dataclass(frozen=True)
class Equipment:
    name: str
    power_kw: Decimal  # per unit
    quantity: int = 1

    @property
    def capacity_kw(self) -> Decimal:
        return self.power_kw * self.quantity


def total_capacity_kw(items: Iterable[Equipment]) -> Decimal:
    """The installed capacity: the sum of power × quantity, exact."""
    return sum((item.capacity_kw for item in items), Decimal(0))


def kw_text(value: Decimal) -> str:
    """A power as plain text without exponent or trailing zeros: 15, 2.5, 0.06."""
    return format(value.normalize(), "f")


def parse_equipment(text: str) -> list[Equipment] | EquipmentRejected:
    """Every item in ``text``, in order, or the first thing wrong with it."""
    normal = unicodedata.normalize("NFKC", text or "")
    segments = [segment for segment in _SEPARATORS.split(normal) if segment.strip()]
    any_power = any(_POWER.search(segment) for segment in segments)
    items: list[Equipment] = []
    for segment in segments:
        parsed = _parse_segment(segment, any_power)
        if isinstance(parsed, EquipmentRejected):
            return parsed
        items.extend(parsed)
        if len(items) > MAX_ITEMS:
            return EquipmentRejected(EquipmentRejection.TOO_MANY_ITEMS)
    if not items:
        return EquipmentRejected(EquipmentRejection.NOTHING_RECOGNISED)
    return items


def check_items(items: Sequence[Equipment]) -> tuple[Equipment, ...] | EquipmentRejected:
    """A list from elsewhere (e.g. a chat slot, which a client can forge) held to the
    same rules as :func:`parse_equipment`'s results."""
    if not items:
        return EquipmentRejected(EquipmentRejection.NOTHING_RECOGNISED)
    if len(items) > MAX_ITEMS:
        return EquipmentRejected(EquipmentRejection.TOO_MANY_ITEMS)
    checked = []
    for item in items:
        try:
            power = Decimal(str(item.power_kw))
        except (InvalidOperation, ValueError):
            return EquipmentRejected(EquipmentRejection.NO_POWER, str(item.name))
        quantity = item.quantity if isinstance(item.quantity, int) and not isinstance(item.quantity, bool) else 0
        problem = _check(str(item.name), _clean_name(str(item.name)), power, quantity)
        if problem is not None:
            return problem
        checked.append(Equipment(_clean_name(str(item.name)), power, quantity))
    return tuple(checked)


def _parse_segment(segment: str, any_power: bool) -> list[Equipment] | EquipmentRejected:
    """The items of one comma-separated part. A part without a power is NO_POWER when
    it looks like an item (others have powers, or it has a number); else nothing was
    recognised."""
    powers = list(_POWER.finditer(segment))
    if not powers:
        looks_like_item = any_power or any(ch.isdigit() for ch in segment) or bool(_QUANTITY_ANYWHERE.search(segment))
        reason = EquipmentRejection.NO_POWER if looks_like_item else EquipmentRejection.NOTHING_RECOGNISED
        return EquipmentRejected(reason, segment.strip())
    items = []
    start = 0
    for match in powers:
        head, end = segment[start:match.start()], match.end()
        quantity = _QUANTITY_AFTER.match(segment, end)
        if quantity is not None:
            end = quantity.end()
        else:
            quantity = _QUANTITY_ANYWHERE.search(head)  # "空调3台5kW"
            if quantity is not None:
                head = head[:quantity.start()] + " " + head[quantity.end():]
        fragment = segment[start:end].strip()
        start = end
        power = _number(match.group("number"))
        if power is None:
            return EquipmentRejected(EquipmentRejection.NO_POWER, fragment)
        power = Decimal(kw_text(power * _UNITS[match.group("unit").lower()]))
        if match.group("sign"):
            power = -power
        count = 1 if quantity is None else _quantity(quantity)
        name = _clean_name(head)
        problem = _check(fragment, name, power, count)
        if problem is not None:
            return problem
        items.append(Equipment(name, power, count or 0))
    tail = segment[start:]
    if _clean_name(tail):
        return EquipmentRejected(EquipmentRejection.NO_POWER, tail.strip())
    return items


def _quantity(match: re.Match[str]) -> int | None:
    if match.group("qsign"):
        return 0
    text = match.group("times") or match.group("count") or match.group("bare")
    return _whole(text)


def _check(fragment: str, name: str, power: Decimal, quantity: int | None) -> EquipmentRejected | None:
    if not name:
        return EquipmentRejected(EquipmentRejection.NO_NAME, fragment)
    if len(name) > MAX_NAME_CHARS:
        return EquipmentRejected(EquipmentRejection.NAME_TOO_LONG, fragment)
    if not power.is_finite() or power <= 0:
        return EquipmentRejected(EquipmentRejection.NON_POSITIVE_POWER, fragment)
    if power > MAX_POWER_KW:
        return EquipmentRejected(EquipmentRejection.POWER_TOO_LARGE, fragment)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        return EquipmentRejected(EquipmentRejection.BAD_QUANTITY, fragment)
    return None


def _clean_name(text: str) -> str:
    """The name without edge punctuation, a leading 和/及 and a trailing 功率/每台; empty
    unless it has a letter or a Chinese character."""
    name = " ".join(text.split()).strip(_NAME_EDGES)
    for connector in _CONNECTORS:
        if name.startswith(connector) and len(name) > len(connector):
            name = name[len(connector):].strip(_NAME_EDGES)
            break
    for filler in _FILLERS:
        if name.endswith(filler) and len(name) > len(filler):
            name = name[: -len(filler)].strip(_NAME_EDGES)
            break
    return name if any(ch.isalpha() for ch in name) else ""


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text)
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError):
        return None
    return Decimal(str(value))


def _whole(text: str) -> int | None:
    value = _number(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)
