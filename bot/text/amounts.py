"""Money amounts typed by customers: "50", "¥128.58", "一百二十元", "三块五", "十二块三毛四".

:func:`parse_amount` only reads the amount and keeps the precision typed ("0.005"
stays 0.005, "-5" stays negative); :func:`validate_payment_amount` decides whether it
can be paid.

Numerals are converted by cn2an. cn2an returns a float for decimals, so the integer
and fractional parts are converted separately and joined as a decimal string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import cn2an

from bot.money import has_at_most_two_decimals

MIN_PAYMENT = Decimal("0.01")
MAX_PAYMENT = Decimal("5000.00")


class AmountError(ValueError):
    """An amount that cannot be paid; ``reason`` is a stable code for the reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def validate_payment_amount(amount: Decimal) -> None:
    """Raise :class:`AmountError` unless 0.01 <= amount <= 5000.00 with at most 2 decimals.

    Reasons: ``not_a_number``, ``not_positive``, ``too_many_decimals``, ``over_limit``.
    """
    if not amount.is_finite():
        raise AmountError("not_a_number")
    if amount <= 0:
        raise AmountError("not_positive")
    if not has_at_most_two_decimals(amount):
        raise AmountError("too_many_decimals")
    if amount > MAX_PAYMENT:
        raise AmountError("over_limit")


_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_NUMERAL_CHARS = f"0-9{_CN_DIGITS}十百千万亿拾佰仟"
_DIGIT = re.compile(rf"[0-9{_CN_DIGITS}]")
_NUMERAL = rf"[{_NUMERAL_CHARS}]+(?:[.点][0-9{_CN_DIGITS}]+)?"

YUAN, JIAO, FEN = 0, 1, 2
_UNIT_RANK = {"元": YUAN, "块": YUAN, "圆": YUAN, "角": JIAO, "毛": JIAO, "分": FEN}
_RANK_VALUE = {YUAN: Decimal("1"), JIAO: Decimal("0.1"), FEN: Decimal("0.01")}

# One numeral with its sign, currency symbol and unit, any of them optional:
# "-5", "¥128.58", "十二块", "三毛", "四".
_TOKEN = re.compile(rf"(?P<prefix>(?:[-−负¥]\s*){{0,2}})(?P<number>{_NUMERAL})\s*(?P<unit>[元块圆角毛分])?")
# Words containing 一 or 万 that are not amounts, so "帮我查一下" is not 1 yuan.
# "一点" only when no digit follows: "一点五" is 1.5.
_NOT_NUMBERS = re.compile(
    rf"(?<![{_NUMERAL_CHARS}])(?:一下|一些|一共|一起|一直|一样|一定|一般|一切|统一|万一"
    rf"|一点(?![0-9{_CN_DIGITS}]))"
)
_MEASURE_WORDS = frozenset("个月次天年度户号张笔台只件")
_THOUSANDS_SEPARATOR = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    number: str
    value: Decimal
    unit_rank: int | None
    """YUAN, JIAO or FEN as typed; None without a unit."""
    has_symbol: bool
    negative: bool
    counts_things: bool
    """Followed by a measure word, as in "一个月": a count, not part of an amount."""


def parse_amount(text: str) -> Decimal | None:
    """The amount in ``text`` in yuan, or None. Surrounding words are ignored; the
    first amount written with a unit or ¥ wins, otherwise the first bare number."""
    groups = _amount_groups(_normalise(text))
    if not groups:
        return None
    chosen = next((g for g in groups if _is_marked(g)), groups[0])
    total = sum((token.value * _RANK_VALUE[rank] for token, rank in chosen), start=Decimal(0))
    return -total if chosen[0][0].negative else total


def _normalise(text: str) -> str:
    # NFKC maps full-width digits, "．", "－" and "￥" to ASCII and "¥".
    text = unicodedata.normalize("NFKC", text)
    text = _THOUSANDS_SEPARATOR.sub("", text)
    return _NOT_NUMBERS.sub(" ", text)


_Group = list[tuple[_Token, int]]
"""Tokens read as one amount, each with the rank (YUAN/JIAO/FEN) it counts in."""


def _amount_groups(text: str) -> list[_Group]:
    """Split the text's numerals into amounts: "十二块" + "三毛" + "四" is one."""
    groups: list[_Group] = []
    for token in _tokens(text):
        rank = _continuing_rank(groups[-1], token) if groups else None
        if rank is not None:
            groups[-1].append((token, rank))
        else:
            groups.append([(token, YUAN if token.unit_rank is None else token.unit_rank)])
    return groups


def _continuing_rank(group: _Group, token: _Token) -> int | None:
    """The rank ``token`` has as the next part of ``group``, or None if it starts a
    new amount. A bare digit right after a unit is the next smaller unit ("三块五" is
    3.5, "三毛四" 0.34); after 零 it skips one ("一块零五" is 1.05)."""
    previous, previous_rank = group[-1]
    if (
        previous.end != token.start
        or previous.unit_rank is None
        or token.negative
        or token.has_symbol
        or token.counts_things
        or not _DIGIT.fullmatch(token.number.removeprefix("零"))
    ):
        return None
    if token.unit_rank is not None:
        rank = token.unit_rank
    else:
        rank = previous_rank + (2 if token.number.startswith("零") else 1)
    return rank if previous_rank < rank <= FEN else None


def _is_marked(group: _Group) -> bool:
    """Certainly money: written with a currency unit or symbol."""
    return any(token.unit_rank is not None or token.has_symbol for token, _ in group)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        value = _numeral_value(match["number"])
        if value is None:
            continue
        unit = match["unit"]
        tokens.append(
            _Token(
                start=match.start(),
                end=match.end(),
                number=match["number"],
                value=value,
                unit_rank=None if unit is None else _UNIT_RANK[unit],
                has_symbol="¥" in match["prefix"],
                negative=any(sign in match["prefix"] for sign in "-−负"),
                counts_things=text[match.end() : match.end() + 1] in _MEASURE_WORDS,
            )
        )
    return tokens


def _numeral_value(numeral: str) -> Decimal | None:
    """ "128.58" -> 128.58, "一千五" -> 1500, "三点五" -> 3.5, "1千5" -> 1500."""
    whole, _, fraction = numeral.replace("点", ".").partition(".")
    whole_value = _integer_value(whole)
    fraction_digits = [_integer_value(ch) for ch in fraction]
    if whole_value is None or not all(d is not None and d <= 9 for d in fraction_digits):
        return None
    if not fraction:
        return Decimal(whole_value)
    return Decimal(f"{whole_value}.{''.join(map(str, fraction_digits))}")


def _integer_value(numeral: str) -> int | None:
    if numeral.isascii() and numeral.isdigit():
        return int(numeral)
    try:
        value = cn2an.cn2an(numeral, "smart")
    except ValueError:
        return None
    # cn2an gives floats only for decimals, which never reach here; be safe anyway.
    return value if isinstance(value, int) else None
