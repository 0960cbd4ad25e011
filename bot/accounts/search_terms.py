"""Holder name and address typed to look an account up (户名+地址模糊查询) instead of its 户号."""
from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(
    r"(?:户名|户主|姓名|名字|名称)\s*(?:是|为|叫|[:：])?\s*"
    r"([^\s,，;；。、]{2,30}?)(?=\s|[,，;；。、]|地址|住址|$)"
)
_ADDRESS = re.compile(r"(?:地址|住址|住在|地点)\s*(?:是|为|在|[:：])?\s*([^\s,，;；。]{2,60})")


@dataclass(frozen=True)
class SearchTerms:
    holder_name: str
    address: str


def search_terms(text: str, *, person_name: str | None = None, address: str | None = None) -> SearchTerms | None:
    """Both a holder name and an address, from NLU entities or labelled text ("户名张伟 地址文三路")."""
    name = person_name or _first(_NAME, text)
    place = address or _first(_ADDRESS, text)
    if not name or not place:
        return None
    return SearchTerms(name.strip(), place.strip())


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text or "")
    return match.group(1) if match else None
