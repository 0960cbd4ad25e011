from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.text.labels import change_label, day_label, month_label, price_label, tier_label


def test_dates_read_the_chinese_way() -> None:
    assert month_label(date(2026, 10, 1)) == "2026年10月"
    assert day_label(date(2026, 11, 30)) == "2026年11月30日"


@pytest.mark.parametrize(("tier", "label"), [(1, "第一档"), (2, "第二档"), (3, "第三档"), (4, "第4档")])
def test_tiers(tier: int, label: str) -> None:
    assert tier_label(tier) == label


@pytest.mark.parametrize(
    ("percent", "label"),
    [(Decimal("5.2"), "增加5.2%"), (Decimal("-3"), "减少3.0%"), (Decimal("0"), "持平"),
     (Decimal("30.05"), "增加30.1%")],
)
def test_changes(percent: Decimal, label: str) -> None:
    assert change_label(percent) == label


@pytest.mark.parametrize(
    ("price", "label"),
    [(Decimal("0.538"), "0.538"), (Decimal("0.5"), "0.50"), (Decimal("0.56831"), "0.5683"), (Decimal("1"), "1.00"),
     (Decimal("0.4883"), "0.4883")],
)
def test_prices(price: Decimal, label: str) -> None:
    assert price_label(price) == label
