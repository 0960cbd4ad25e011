"""How dates, months, tiers and changes read in replies ("2026年10月", "第二档", "增加5.2%")."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

TIER_NAMES = {1: "第一档", 2: "第二档", 3: "第三档"}


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


def day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def tier_label(tier: int) -> str:
    return TIER_NAMES.get(tier, f"第{tier}档")


def change_label(percent: Decimal) -> str:
    """``Decimal("5.2")`` -> "增加5.2%", ``Decimal("-3")`` -> "减少3.0%", zero -> "持平"."""
    if percent == 0:
        return "持平"
    word = "增加" if percent > 0 else "减少"
    return f"{word}{abs(percent).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def price_label(price: Decimal) -> str:
    """A unit price with 2 to 4 decimals: 0.538 -> "0.538", 0.5 -> "0.50", 0.56831 -> "0.5683"."""
    whole, _, fraction = f"{price.quantize(Decimal('0.0001'), ROUND_HALF_UP)}".partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


WALLET_LABEL = "电e宝余额"
# How payments recorded before chat payments existed (seeded history) were made.
LEGACY_METHOD_LABELS = {"dianebao": "电e宝", "wechat": "微信支付", "alipay": "支付宝"}


def card_label(bank_name: str, card_type: str, last4: str) -> str:
    """ "招商银行储蓄卡(尾号1234)": never more of the card number than its last four digits."""
    return f"{bank_name}{card_type}(尾号{last4})"
