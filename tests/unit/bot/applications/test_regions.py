"""Region names as users type them, resolved against the seeded service regions."""
from __future__ import annotations

import pytest

from bot.applications.regions import district_within, region_code_named
from bot.db.session import SessionFactory


@pytest.mark.parametrize(
    ("name", "code"),
    [("西湖区", "330106"), ("西湖", "330106"), ("杭州市", "330100"), ("杭州", "330100"),
     ("浙江省", "330000"), ("浙江", "330000"), ("北京", "110100"), ("海淀区", "110108"),
     ("乌鲁木齐", "650100"), ("新疆维吾尔自治区", "650000")],
)
def test_names_resolve_to_the_most_specific_division(demo_db: SessionFactory, name: str, code: str) -> None:
    assert region_code_named(demo_db, name) == code


@pytest.mark.parametrize("name", ["上海", "广州市", "", None, "区"])
def test_unknown_or_empty_names_resolve_to_nothing(demo_db: SessionFactory, name: str | None) -> None:
    assert region_code_named(demo_db, name) is None


@pytest.mark.parametrize(("text", "code"), [
    ("西湖区文三路100号", "330106"), ("北京市海淀区中关村大街1号", "110108"), ("就在上城区", "330102"),
    ("文三路100号", None), ("", None),
])
def test_a_district_is_found_inside_a_longer_answer(demo_db: SessionFactory, text: str, code: str | None) -> None:
    found = district_within(demo_db, text)
    assert (found.code if found else None) == code
