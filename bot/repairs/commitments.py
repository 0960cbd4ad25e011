"""How soon repair staff are on site (95598 commitments): urban 45 minutes, rural 90 minutes,
remote areas 2 hours, from the area type of the place of the fault.

The area type is reference data in ``data/regions.yml`` (``area_types``): each district's type
(others are the default), raised by the words of the address — a village or township makes it at
least rural, a remote place (牧区, 林场, 海岛…) remote.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.applications.region_data import REGIONS_FILE


class AreaType(str, enum.Enum):
    URBAN = "urban"  # 城区
    RURAL = "rural"  # 农村
    REMOTE = "remote"  # 特殊边远地区


ON_SITE_MINUTES: dict[AreaType, int] = {AreaType.URBAN: 45, AreaType.RURAL: 90, AreaType.REMOTE: 120}
AREA_LABELS: dict[AreaType, str] = {AreaType.URBAN: "城区", AreaType.RURAL: "农村", AreaType.REMOTE: "边远地区"}
_RANK = {AreaType.URBAN: 0, AreaType.RURAL: 1, AreaType.REMOTE: 2}


@dataclass(frozen=True)
class AreaTypes:
    """``data/regions.yml``'s ``area_types`` block."""

    default: AreaType
    districts: dict[str, AreaType]
    rural_words: tuple[str, ...]
    urban_exceptions: tuple[str, ...]
    remote_words: tuple[str, ...]


def load_area_types(path: Path = REGIONS_FILE) -> AreaTypes:
    """The ``area_types`` block of the regions file (ValueError on an unknown type)."""
    with path.open(encoding="utf-8") as stream:
        block = (yaml.safe_load(stream) or {}).get("area_types") or {}
    return AreaTypes(
        default=AreaType(block.get("default", AreaType.URBAN.value)),
        districts={str(code): AreaType(kind) for code, kind in (block.get("districts") or {}).items()},
        rural_words=tuple(str(w) for w in block.get("rural_words") or ()),
        urban_exceptions=tuple(str(w) for w in block.get("urban_exceptions") or ()),
        remote_words=tuple(str(w) for w in block.get("remote_words") or ()),
    )


@cache
def _area_types() -> AreaTypes:
    return load_area_types()


def area_type(region_code: str | None, street: str | None, *, types: AreaTypes | None = None) -> AreaType:
    """The area type of a place in district ``region_code`` at ``street`` (the address after
    its divisions, or a whole address)."""
    table = types or _area_types()
    found = table.districts.get(str(region_code or ""), table.default)
    words = street or ""
    for exception in table.urban_exceptions:
        words = words.replace(exception, "")
    if any(word in words for word in table.rural_words):
        found = max(found, AreaType.RURAL, key=_RANK.__getitem__)
    if any(word in words for word in table.remote_words):
        found = AreaType.REMOTE
    return found


def on_site_minutes(kind: AreaType) -> int:
    return ON_SITE_MINUTES[kind]


def duration_label(minutes: int) -> str:
    """"45分钟", "90分钟", "2小时"."""
    return f"{minutes // 60}小时" if minutes % 60 == 0 else f"{minutes}分钟"
