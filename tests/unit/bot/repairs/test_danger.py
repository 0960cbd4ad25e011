"""The danger words that get the safety instruction first (bot.repairs.danger)."""
from __future__ import annotations

import pytest

from bot.repairs.danger import DANGER_PATTERNS, danger_kinds, is_dangerous, normalise


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("家里电表冒烟了怎么办", "冒烟"),
        ("電表冒煙了", "冒烟"),
        ("插座冒 青烟", "冒烟"),
        ("楼道电箱起火了", "着火"),
        ("電線著火了", "着火"),
        ("楼下电线掉地上了", "电线掉落"),
        ("电线掉在地上", "电线掉落"),
        ("高压线断了掉在路上", "电线掉落"),
        ("路边电线杆倒了", "电线掉落"),
        ("有人触电了", "触电"),
        ("觸電了", "触电"),
        ("我妈被电到了", "触电"),
        ("洗衣机漏电", "漏电"),
        ("水管都带电", "漏电"),
        ("插座冒火花", "火花"),
        ("开关一按就打火", "火花"),
        ("闻到烧焦味", "烧焦味"),
        ("屋里一股焦糊味", "烧焦味"),
        ("ＰＬＵＧ插座烧黑了", "烧焦味"),
    ],
)
def test_each_danger_and_its_variants_are_found(text: str, kind: str) -> None:
    assert kind in danger_kinds(text)
    assert is_dangerous(text)


@pytest.mark.parametrize(
    "text",
    ["我要报修", "家里停电了", "我家没电了", "电表坏了", "漏电保护器跳闸了", "打火机", "查电费", "", None,
     "/report_fault", "西湖区文三路100号", "电压不稳"],
)
def test_ordinary_messages_are_not_dangerous(text: str | None) -> None:
    assert danger_kinds(text) == []
    assert not is_dangerous(text)


def test_several_dangers_are_listed_in_table_order() -> None:
    assert danger_kinds("电线冒烟还有火花，闻到烧焦味") == ["冒烟", "火花", "烧焦味"]
    assert list(DANGER_PATTERNS)[:2] == ["冒烟", "着火"]


def test_normalise_folds_width_spaces_and_traditional_characters() -> None:
    assert normalise("電 表　冒煙") == "电表冒烟"
    assert normalise("ＡＢ１") == "AB1"
