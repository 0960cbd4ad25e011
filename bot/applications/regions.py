"""Service regions named in Chinese ("西湖区", "杭州", "北京市", "浙江省") resolved to division codes."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Region
from bot.db.session import SessionFactory

_SUFFIXES = ("维吾尔自治区", "自治区", "特别行政区", "省", "市", "区", "县")


def _bare(name: str) -> str:
    """The name without its administrative suffix: 杭州市 → 杭州, 浙江省 → 浙江."""
    name = name.strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def served_districts(session_factory: SessionFactory) -> list[Region]:
    """Every district we serve, by code (rows stay readable after the session ends)."""
    with session_factory.session_scope() as session:
        return list(session.scalars(select(Region).order_by(Region.code)))


def district_with_code(session_factory: SessionFactory, code: object) -> Region | None:
    with session_factory.session_scope() as session:
        return session.get(Region, str(code or ""))


def district_named(session_factory: SessionFactory, text: str) -> Region | None:
    """A district we serve, given by its code (buttons) or named ("西湖区", "杭州市西湖区")."""
    text = text.strip()
    return next(
        (r for r in served_districts(session_factory) if text in (r.code, r.district) or text.endswith(r.district)),
        None,
    )


def district_within(session_factory: SessionFactory, text: str) -> Region | None:
    """A district we serve named somewhere inside ``text`` ("西湖区文三路100号"); the longest
    name wins, so "新区" never shadows a district whose name contains it."""
    found = [r for r in served_districts(session_factory) if r.district and r.district in text]
    return max(found, key=lambda r: len(r.district), default=None)


def region_code_named(session_factory: SessionFactory, name: str | None) -> str | None:
    """The code of the most specific division called ``name``: a district's own code, a city's
    ``xxxx00`` or a province's ``xx0000`` (the forms ``region_matches`` understands); None if unknown.
    """
    wanted = _bare(name or "")
    if len(wanted) < 2:
        return None
    regions = served_districts(session_factory)
    for level, code_of in (
        ("district", lambda r: r.code),
        ("city", lambda r: r.code[:4] + "00"),
        ("province", lambda r: r.code[:2] + "0000"),
    ):
        for region in regions:
            if _bare(getattr(region, level)) == wanted:
                return code_of(region)
    return None
