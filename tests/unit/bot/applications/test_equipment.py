"""Equipment lists as typed: units, Chinese numerals, full-width text, quantities, refusals."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bot.applications.equipment import (
    Equipment,
    EquipmentRejected,
    EquipmentRejection,
    check_items,
    kw_text,
    parse_equipment,
    total_capacity_kw,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("空调 5kW 3台，电梯 15kW 1台", [("空调", D(5), 3), ("电梯", D(15), 1)]),
        ("空调5千瓦3台、照明 2.5kw 10个", [("空调", D(5), 3), ("照明", D("2.5"), 10)]),
        ("水泵 7.5KW", [("水泵", D("7.5"), 1)]),
        ("空调５ｋＷ３台，电梯１５ＫＷ１台", [("空调", D(5), 3), ("电梯", D(15), 1)]),  # full width
        ("空调 5kW 三台", [("空调", D(5), 3)]),
        ("空调 5kW 两台；冷库 30kW 十二台", [("空调", D(5), 2), ("冷库", D(30), 12)]),
        ("空调 五千瓦 两台", [("空调", D(5), 2)]),
        ("空调 五点五千瓦", [("空调", D("5.5"), 1)]),
        ("照明 60W ×20", [("照明", D("0.06"), 20)]),
        ("照明 60瓦 20盏", [("照明", D("0.06"), 20)]),
        ("电梯 1.5MW", [("电梯", D(1500), 1)]),
        ("空调 5kW x3，水泵 7.5kW*2台", [("空调", D(5), 3), ("水泵", D("7.5"), 2)]),
        ("空调 5kW 3 电梯 15kW", [("空调", D(5), 3), ("电梯", D(15), 1)]),  # run together
        ("空调5kW3台 电梯15kW1台", [("空调", D(5), 3), ("电梯", D(15), 1)]),
        ("空调3台5kW", [("空调", D(5), 3)]),  # quantity first
        ("空调 功率5kW 数量3台", [("空调", D(5), 3)]),
        ("空调 单台功率 5kW 共3台", [("空调", D(5), 3)]),
        ("空调 5kW 3台和电梯 15kW 1台", [("空调", D(5), 3), ("电梯", D(15), 1)]),
        ("1号水泵 7.5kW\n2号水泵 7.5kW", [("1号水泵", D("7.5"), 1), ("2号水泵", D("7.5"), 1)]),
        ("数控机床(大) 22kW 2套", [("数控机床(大", D(22), 2)]),
        ("空调 10kW 999台", [("空调", D(10), 999)]),
        ("电炉 10000kW", [("电炉", D(10000), 1)]),
    ],
)
def test_items_are_read(text: str, expected: list[tuple[str, Decimal, int]]) -> None:
    items = parse_equipment(text)
    assert items == [Equipment(name, power, quantity) for name, power, quantity in expected]
    assert all(isinstance(item.power_kw, Decimal) for item in items)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "reason", "item"),
    [
        ("", EquipmentRejection.NOTHING_RECOGNISED, None),
        ("，、；", EquipmentRejection.NOTHING_RECOGNISED, None),
        ("你好", EquipmentRejection.NOTHING_RECOGNISED, "你好"),
        ("空调", EquipmentRejection.NOTHING_RECOGNISED, "空调"),
        ("空调 5kWh", EquipmentRejection.NO_POWER, "空调 5kWh"),  # energy, not power
        ("空调 3台", EquipmentRejection.NO_POWER, "空调 3台"),
        ("空调 5", EquipmentRejection.NO_POWER, "空调 5"),
        ("空调 5kW，电梯", EquipmentRejection.NO_POWER, "电梯"),
        ("空调 5kW 3台 电梯", EquipmentRejection.NO_POWER, "电梯"),
        ("5kW 3台", EquipmentRejection.NO_NAME, "5kW 3台"),
        ("空调 0kW 3台", EquipmentRejection.NON_POSITIVE_POWER, "空调 0kW 3台"),
        ("空调 0.0千瓦", EquipmentRejection.NON_POSITIVE_POWER, "空调 0.0千瓦"),
        ("空调 -5kW", EquipmentRejection.NON_POSITIVE_POWER, "空调 -5kW"),
        ("空调 负5千瓦", EquipmentRejection.NON_POSITIVE_POWER, "空调 负5千瓦"),
        ("电炉 10000.5kW", EquipmentRejection.POWER_TOO_LARGE, "电炉 10000.5kW"),
        ("电炉 20MW", EquipmentRejection.POWER_TOO_LARGE, "电炉 20MW"),
        ("空调 5kW 0台", EquipmentRejection.BAD_QUANTITY, "空调 5kW 0台"),
        ("空调 5kW 零台", EquipmentRejection.BAD_QUANTITY, "空调 5kW 零台"),
        ("空调 5kW 1000台", EquipmentRejection.BAD_QUANTITY, "空调 5kW 1000台"),
        ("空调 5kW 3.5台", EquipmentRejection.BAD_QUANTITY, "空调 5kW 3.5台"),
        ("空调 5kW 三点五台", EquipmentRejection.BAD_QUANTITY, "空调 5kW 三点五台"),
        ("空调 5kW -1台", EquipmentRejection.BAD_QUANTITY, "空调 5kW -1台"),
        ("中央空调" * 9 + " 5kW", EquipmentRejection.NAME_TOO_LONG, None),  # 36 characters
        ("，".join(f"设备{n} 1kW" for n in range(51)), EquipmentRejection.TOO_MANY_ITEMS, None),
    ],
)
def test_refusals(text: str, reason: EquipmentRejection, item: str | None) -> None:
    rejected = parse_equipment(text)
    assert isinstance(rejected, EquipmentRejected)
    assert rejected.reason is reason
    if item is not None:
        assert rejected.item == item


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("空调 5kW 3台，电梯 15kW 1台", "30"),
        ("空调5千瓦3台、照明 2.5kw 10个", "40"),
        ("照明 60W 7个，插座 0.1kW 3个", "0.72"),  # 0.42 + 0.3: exact, no float noise
        ("水泵 7.5KW", "7.5"),
    ],
)
def test_total_capacity_is_exact(text: str, total: str) -> None:
    items = parse_equipment(text)
    assert isinstance(items, list)
    assert total_capacity_kw(items) == Decimal(total)
    assert kw_text(total_capacity_kw(items)) == total


def test_total_of_nothing_is_zero() -> None:
    assert total_capacity_kw([]) == Decimal(0)


@pytest.mark.parametrize(
    ("value", "text"), [(D("10"), "10"), (D("1E+1"), "10"), (D("2.50"), "2.5"), (D("0.060"), "0.06")]
)
def test_kw_text_is_plain(value: Decimal, text: str) -> None:
    assert kw_text(value) == text


def test_lists_from_elsewhere_are_held_to_the_same_rules() -> None:
    good = [Equipment(" 空调 ", D(5), 3), Equipment("电梯", D(15))]
    assert check_items(good) == (Equipment("空调", D(5), 3), Equipment("电梯", D(15), 1))
    for forged, reason in (
        ([], EquipmentRejection.NOTHING_RECOGNISED),
        ([Equipment("空调", D(0), 1)], EquipmentRejection.NON_POSITIVE_POWER),
        ([Equipment("空调", D(10001), 1)], EquipmentRejection.POWER_TOO_LARGE),
        ([Equipment("空调", D(5), 0)], EquipmentRejection.BAD_QUANTITY),
        ([Equipment("空调", D(5), True)], EquipmentRejection.BAD_QUANTITY),  # type: ignore[arg-type]
        ([Equipment("", D(5), 1)], EquipmentRejection.NO_NAME),
        ([Equipment("空调", "abc", 1)], EquipmentRejection.NO_POWER),  # type: ignore[arg-type]
    ):
        rejected = check_items(forged)
        assert isinstance(rejected, EquipmentRejected) and rejected.reason is reason
