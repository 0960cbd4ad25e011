"""On-site commitments by area type, from the reference data in data/regions.yml."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.applications.region_data import load_regions
from bot.repairs.commitments import (
    AreaType,
    AreaTypes,
    area_type,
    duration_label,
    load_area_types,
    on_site_minutes,
)


def test_the_95598_commitments() -> None:
    assert [on_site_minutes(kind) for kind in AreaType] == [45, 90, 120]
    assert [duration_label(on_site_minutes(kind)) for kind in AreaType] == ["45分钟", "90分钟", "2小时"]


def test_every_district_named_in_area_types_is_served() -> None:
    served = {row["code"] for row in load_regions()}
    types = load_area_types()
    assert types.default is AreaType.URBAN
    assert set(types.districts) <= served
    assert types.districts["330112"] is AreaType.RURAL  # 临安区


@pytest.mark.parametrize(
    ("code", "street", "expected"),
    [
        ("330106", "文三路100号", AreaType.URBAN),
        ("330106", "翠苑新村5幢", AreaType.URBAN),  # an urban estate, not a village
        ("330106", "转塘镇某村3组", AreaType.RURAL),
        ("330112", "锦城街道钱王街1号", AreaType.RURAL),  # a rural district
        ("330112", "天目山林场5号", AreaType.REMOTE),
        ("650102", "某牧场5号", AreaType.REMOTE),
        ("999999", "人民路1号", AreaType.URBAN),  # not listed: the default
        ("330106", None, AreaType.URBAN),
    ],
)
def test_area_type_of_a_place(code: str, street: str | None, expected: AreaType) -> None:
    assert area_type(code, street) is expected


def test_a_regions_file_without_area_types_makes_everything_urban(tmp_path: Path) -> None:
    path = tmp_path / "regions.yml"
    path.write_text("cities: []\n", encoding="utf-8")
    types = load_area_types(path)
    assert types == AreaTypes(AreaType.URBAN, {}, (), (), ())
    assert area_type("330112", "白沙村", types=types) is AreaType.URBAN


def test_an_unknown_area_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "regions.yml"
    path.write_text("area_types:\n  default: suburban\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_area_types(path)
