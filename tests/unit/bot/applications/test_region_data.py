"""The reference regions: read from data/regions.yml, and what the demo seeds into ``regions``."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.applications.region_data import load_regions
from bot.db.models import Region
from bot.db.session import SessionFactory

REGION_COLUMNS = ("code", "province", "city", "district", "tariff_key", "supply_company", "account_prefix")


def test_regions_file_is_consistent() -> None:
    rows = load_regions()
    assert len({r["code"] for r in rows}) == len(rows)
    assert all(r["code"][:4] == r["account_prefix"] for r in rows)


def test_each_district_carries_its_city_columns(tmp_path: Path) -> None:
    path = tmp_path / "regions.yml"
    path.write_text(
        "cities:\n"
        "  - {province: 浙江省, city: 杭州市, tariff_key: zhejiang, supply_company: 杭州供电,"
        " account_prefix: '3301', districts: {'330106': 西湖区, '330108': 滨江区}}\n",
        encoding="utf-8",
    )
    shared = {"province": "浙江省", "city": "杭州市", "tariff_key": "zhejiang",
              "supply_company": "杭州供电", "account_prefix": "3301"}

    assert load_regions(path) == [
        {"code": "330106", "district": "西湖区", **shared},
        {"code": "330108", "district": "滨江区", **shared},
    ]


def test_the_demo_seeds_exactly_the_reference_regions(demo_db: SessionFactory) -> None:
    with demo_db.session_scope() as session:
        seeded = {
            tuple(getattr(region, column) for column in REGION_COLUMNS)
            for region in session.scalars(select(Region))
        }

    assert seeded == {tuple(row[column] for column in REGION_COLUMNS) for row in load_regions()}
