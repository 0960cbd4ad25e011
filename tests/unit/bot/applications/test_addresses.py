"""Installation addresses: divisions read against the served regions, outside the chosen
district, too vague, completeness."""
from __future__ import annotations

import pytest

from bot.applications.addresses import AddressProblem, AddressProblemReason, ParsedAddress, parse_address
from bot.db.models import Region

XIHU = Region(code="330106", province="浙江省", city="杭州市", district="西湖区")
HAIDIAN = Region(code="110108", province="北京市", city="北京市", district="海淀区")
XINSHI = Region(code="650104", province="新疆维吾尔自治区", city="乌鲁木齐市", district="新市区")
REGIONS = {"xihu": XIHU, "haidian": HAIDIAN, "xinshi": XINSHI, "none": None}


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("浙江省杭州市西湖区文三路100号3幢201室", "xihu", ("浙江省", "杭州市", "西湖区", "文三路100号3幢201室", True)),
        ("浙江省杭州市西湖区文三路100号3幢201室", "none", ("浙江省", "杭州市", "西湖区", "文三路100号3幢201室", True)),
        ("杭州西湖区文三路100号", "none", ("浙江省", "杭州市", "西湖区", "文三路100号", True)),
        ("浙江杭州西湖区文三路100号", "none", ("浙江省", "杭州市", "西湖区", "文三路100号", True)),
        ("西湖区文三路100号", "none", ("浙江省", "杭州市", "西湖区", "文三路100号", True)),
        ("文三路100号", "xihu", ("浙江省", "杭州市", "西湖区", "文三路100号", True)),
        ("杭州市文三路100号", "xihu", ("浙江省", "杭州市", "西湖区", "文三路100号", True)),
        ("　浙江省 杭州市 西湖区 文三路１００号", "xihu", ("浙江省", "杭州市", "西湖区", "文三路100号", True)),
        ("北京市海淀区中关村大街27号", "none", ("北京市", "北京市", "海淀区", "中关村大街27号", True)),
        ("北京海淀区中关村大街27号", "haidian", ("北京市", "北京市", "海淀区", "中关村大街27号", True)),
        ("中关村大街27号", "haidian", ("北京市", "北京市", "海淀区", "中关村大街27号", True)),
        # Roads named after other places are not other places.
        ("北京南路100号", "xinshi", ("新疆维吾尔自治区", "乌鲁木齐市", "新市区", "北京南路100号", True)),
        ("湖南路8号", "xihu", ("浙江省", "杭州市", "西湖区", "湖南路8号", True)),
        ("西湖大道8号", "xihu", ("浙江省", "杭州市", "西湖区", "西湖大道8号", True)),
        # Housing estates are not districts.
        ("杭州市翠苑三区5幢", "xihu", ("浙江省", "杭州市", "西湖区", "翠苑三区5幢", False)),
        ("杭州市金地小区3幢2单元", "xihu", ("浙江省", "杭州市", "西湖区", "金地小区3幢2单元", False)),
        # Enough detail, but not complete: a road without a number, a village, a district unknown.
        ("留下镇小和山村", "xihu", ("浙江省", "杭州市", "西湖区", "留下镇小和山村", False)),
        ("文三路", "xihu", ("浙江省", "杭州市", "西湖区", "文三路", False)),
        ("杭州文一路100号", "none", ("浙江省", "杭州市", None, "文一路100号", False)),
        ("文一路100号", "none", (None, None, None, "文一路100号", False)),
    ],
)
def test_parsed(text: str, region: str, expected: tuple[str | None, str | None, str | None, str, bool]) -> None:
    assert parse_address(text, REGIONS[region]) == ParsedAddress(*expected)


@pytest.mark.parametrize(
    ("text", "region", "named"),
    [
        ("杭州市上城区解放路58号", "xihu", "上城区"),
        ("上城区解放路58号", "xihu", "上城区"),
        ("上海市浦东新区世纪大道1号", "xihu", "上海市"),
        ("上海浦东新区世纪大道1号", "none", "上海市"),
        ("广东省广州市天河区体育西路1号", "none", "广东省"),
        ("浙江省宁波市海曙区中山路1号", "xihu", "宁波市"),
        ("浙江宁波市中山路1号", "none", "宁波市"),
        ("宁波市海曙区中山路1号", "none", "宁波市"),
        ("杭州市桐庐县某某村5号", "xihu", "桐庐县"),
        ("杭州市建德市新安江路1号", "xihu", "建德市"),
        ("北京市朝阳区建国路88号", "haidian", "朝阳区"),
        ("北京市海淀区中关村大街27号", "xihu", "北京市"),
    ],
)
def test_outside_the_region(text: str, region: str, named: str) -> None:
    assert parse_address(text, REGIONS[region]) == AddressProblem(AddressProblemReason.OUTSIDE_REGION, named)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", AddressProblemReason.EMPTY),
        ("  ", AddressProblemReason.EMPTY),
        ("西湖边", AddressProblemReason.TOO_VAGUE),
        ("西湖区", AddressProblemReason.TOO_VAGUE),
        ("浙江省杭州市西湖区", AddressProblemReason.TOO_VAGUE),
        ("我家附近", AddressProblemReason.TOO_VAGUE),
        ("文三路100号" * 20, AddressProblemReason.TOO_LONG),
    ],
)
def test_problems(text: str, reason: AddressProblemReason) -> None:
    assert parse_address(text, XIHU) == AddressProblem(reason)


def test_a_house_number_alone_is_enough_detail() -> None:
    parsed = parse_address("万科城市花园3幢201室", XIHU)
    assert isinstance(parsed, ParsedAddress) and not parsed.complete


def test_full_text_names_the_city_once() -> None:
    beijing = parse_address("中关村大街27号", HAIDIAN)
    hangzhou = parse_address("文三路100号", XIHU)
    assert isinstance(beijing, ParsedAddress) and isinstance(hangzhou, ParsedAddress)
    assert beijing.full_text == "北京市海淀区中关村大街27号"
    assert hangzhou.full_text == "浙江省杭州市西湖区文三路100号"
