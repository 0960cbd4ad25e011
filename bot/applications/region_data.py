"""Reference data: the divisions we serve, as listed in data/regions.yml.

Runtime code (address parsing) reads them from here; the demo seeder reads them from
here too and writes them to the ``regions`` table. Neither depends on the other.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

REGIONS_FILE = PROJECT_ROOT / "data" / "regions.yml"
# Columns of ``regions`` that every district of a city shares.
_CITY_COLUMNS = ("province", "city", "tariff_key", "supply_company", "account_prefix")


def load_regions(path: Path = REGIONS_FILE) -> list[dict[str, str]]:
    """data/regions.yml flattened to one dict per district (the columns of ``regions``)."""
    with path.open(encoding="utf-8") as stream:
        doc = yaml.safe_load(stream)
    rows = []
    for city in doc["cities"]:
        shared = {name: str(city[name]) for name in _CITY_COLUMNS}
        for code, district in city["districts"].items():
            rows.append({"code": str(code), "district": district, **shared})
    return rows
