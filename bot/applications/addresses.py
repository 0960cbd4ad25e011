"""Installation addresses as customers type them: "浙江省杭州市西湖区文三路100号3幢201室",
"杭州西湖区文三路100号", "文三路100号" (the district already chosen).

Rules rather than a gazetteer library (the ones on PyPI bring tens of MB of
dictionaries for what a dozen served districts need): the leading province, city and
district are read against the divisions we serve (data/regions.yml) and the list of
provincial-level divisions; a name of a division we do not serve, where one is
expected, puts the address outside the region. Districts are only recognised with
their suffix (西湖区), since bare names also name roads (西湖大道).

What follows the divisions must name a road, street or village (路, 街, 道, 巷, 弄,
胡同, 村, 镇, 乡, 屯) or a house number (100号, 3幢, 201室); with neither it is too vague.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from bot.applications.region_data import load_regions
from bot.db.models import Region

MAX_CHARS = 120
_HAN = r"\u4e00-\u9fff"
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区",
    "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")
# A city or district we do not serve, where one is expected.
_OTHER_CITY = re.compile(rf"[{_HAN}]{{2,5}}?(?:市|自治州|地区|盟)")
_OTHER_DISTRICT = re.compile(rf"[{_HAN}]{{1,4}}?(?:区|县|市|旗)")
# ... but housing estates are "小区", "翠苑一区" and the like, not districts.
_NOT_DISTRICT = re.compile(r"(?:[小社园景校厂街]|[一二三四五六七八九十\d])区$")
# "宁波市海曙区…" with no province: a city followed by a district is a strong enough sign.
_OTHER_CITY_AND_DISTRICT = re.compile(rf"([{_HAN}]{{2,4}}市)[{_HAN}]{{1,4}}?(?:区|县)")
_ROAD = re.compile(r"路|街|道|巷|弄|胡同|村|镇|乡|屯")
_HOUSE_NUMBER = re.compile(r"(?:\d+|[零〇一二三四五六七八九十百]+)\s*(?:号|幢|栋|座|单元|室|楼|弄|组)|\d+-\d+")
_ROAD_NAMED_AFTER = re.compile(r"[东南西北中]?(?:路|街|道|巷|大道|大街|胡同|弄|里)")
_LEADING_JUNK = " ,，、:：;；-—"


class AddressProblemReason(str, enum.Enum):
    EMPTY = "EMPTY"
    TOO_LONG = "TOO_LONG"  # more than MAX_CHARS
    OUTSIDE_REGION = "OUTSIDE_REGION"  # names another province/city/district (detail: named)
    TOO_VAGUE = "TOO_VAGUE"  # neither a road/street/村 nor a house number


@dataclass(frozen=True)
class AddressProblem:
    reason: AddressProblemReason
    named: str | None = None  # OUTSIDE_REGION: the division named in the address


@dataclass(frozen=True)
class ParsedAddress:
    province: str | None
    city: str | None
    district: str | None
    street_and_number: str
    # The district is known (named or chosen) and the rest has both a road/street/村
    # and a house number.
    complete: bool

    @property
    def full_text(self) -> str:
        """The address with its divisions, the city once for 北京市 and the like."""
        city = self.city if self.city != self.province else None
        return "".join(part for part in (self.province, city, self.district, self.street_and_number) if part)


@dataclass(frozen=True)
class _Division:
    code: str
    province: str
    city: str
    district: str


@cache
def _divisions() -> tuple[_Division, ...]:
    return tuple(_Division(r["code"], r["province"], r["city"], r["district"]) for r in load_regions())


def _bare(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _take(text: str, names: set[str], suffixes: tuple[str, ...]) -> tuple[str, int] | None:
    """The longest of ``names`` that ``text`` starts with, and the length it takes. With
    ``suffixes``, bare forms count too (杭州, 浙江), unless a road name follows: 北京路,
    湖南路 and 北京南路 are roads in many cities."""
    forms = sorted(
        ((form, name) for name in names for form in {name, _bare(name, suffixes) if suffixes else name}),
        key=lambda pair: -len(pair[0]),
    )
    for form, name in forms:
        if not text.startswith(form):
            continue
        if form != name and _ROAD_NAMED_AFTER.match(text, len(form)):
            continue
        return name, len(form)
    return None


def parse_address(text: str, region: Region | None) -> ParsedAddress | AddressProblem:
    """Split ``text`` into divisions and the rest; with ``region`` (the district the
    customer chose) the divisions must be that district's, and missing ones are taken
    from it."""
    rest = "".join(unicodedata.normalize("NFKC", text or "").split())
    if not rest:
        return AddressProblem(AddressProblemReason.EMPTY)
    if len(rest) > MAX_CHARS:
        return AddressProblem(AddressProblemReason.TOO_LONG)

    divisions = _divisions()
    province = city = district = None
    taken = _take(rest, set(PROVINCES), _PROVINCE_SUFFIXES)
    if taken is not None:
        province, length = taken
        rest = rest[length:]
        if province not in {d.province for d in divisions}:
            return AddressProblem(AddressProblemReason.OUTSIDE_REGION, province)

    cities = {d.city for d in divisions if province is None or d.province == province}
    if province is not None and province in cities:  # 北京市: the province is the city
        city = province
        rest = rest.removeprefix(province)
    else:
        taken = _take(rest, cities, ("市",))
        if taken is not None:
            city, length = taken
            rest = rest[length:]
        else:
            other = (_OTHER_CITY if province is not None else _OTHER_CITY_AND_DISTRICT).match(rest)
            if other is not None:
                return AddressProblem(AddressProblemReason.OUTSIDE_REGION, other.group(1 if province is None else 0))

    districts = {d.district for d in divisions if city is None or d.city == city}
    taken = _take(rest, districts, ())
    if taken is not None:
        district, length = taken
        rest = rest[length:]
    elif city is not None:
        other = _OTHER_DISTRICT.match(rest)
        if other is not None and not _NOT_DISTRICT.search(other.group(0)):
            return AddressProblem(AddressProblemReason.OUTSIDE_REGION, other.group(0))

    named = _division_of(divisions, province, city, district)
    if region is not None:
        for said, chosen in ((province, region.province), (city, region.city), (district, region.district)):
            if said is not None and said != chosen:
                return AddressProblem(AddressProblemReason.OUTSIDE_REGION, said)
        province, city, district = region.province, region.city, region.district
    elif named is not None:
        province, city = province or named.province, city or named.city

    street = rest.lstrip(_LEADING_JUNK)
    has_road = _ROAD.search(street) is not None
    has_number = _HOUSE_NUMBER.search(street) is not None
    if not (has_road or has_number):
        return AddressProblem(AddressProblemReason.TOO_VAGUE)
    return ParsedAddress(province, city, district, street, district is not None and has_road and has_number)


def _division_of(
    divisions: tuple[_Division, ...], province: str | None, city: str | None, district: str | None
) -> _Division | None:
    """The served division the named parts point to (the first of a city's, for a city alone)."""
    for division in divisions:
        if district is not None and division.district != district:
            continue
        if city is not None and division.city != city:
            continue
        if province is not None and division.province != province:
            continue
        if district is None and city is None:
            return None
        return division
    return None
