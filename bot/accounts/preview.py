"""What may be shown about an account to someone who has not bound it yet.

A preview lets the user recognise their own account without handing a stranger who
guesses numbers anything useful: the holder's name is masked (张*) and the address
is cut to province, city, district and street name, without house, building or room
numbers ("浙江省杭州市西湖区文三路", not "...文三路100号3幢201室").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.db.enums import AccountCategory, HolderKind
from bot.db.models import ElectricityAccount, Region
from bot.privacy.masking import mask_name

# The street part ends at the first road-like suffix ("路", "大街", ...); "街道" is a
# sub-district, so a "街" followed by "道" does not end it there. Without such a
# suffix, the street is whatever precedes the first digit.
_STREET = re.compile(r"^(.+?(?:大街|大道|胡同|路|街(?!道)|街道|道|巷|弄))")
_NUMBERED = re.compile(r"^(\D*)")
_CHINESE_NUMBER = re.compile(r"[零〇一二三四五六七八九十百千]+[号幢栋座单元室楼层]")


@dataclass(frozen=True)
class AccountPreview:
    account_number: str
    holder_masked: str
    address_partial: str
    category: AccountCategory
    holder_kind: HolderKind
    # Another user is certified as 户主: binding needs their consent.
    owner_certified: bool


def preview_of(account: ElectricityAccount, *, viewer_user_id: int | None = None) -> AccountPreview:
    """The preview of ``account``; ``owner_certified`` ignores the viewer's own certification."""
    owner = account.owner_user_id
    return AccountPreview(
        account_number=account.account_number,
        holder_masked=mask_name(account.holder_name),
        address_partial=partial_address(account.address, account.region),
        category=account.category,
        holder_kind=account.holder_kind,
        owner_certified=owner is not None and owner != viewer_user_id,
    )


def partial_address(address: str, region: Region | None = None) -> str:
    """Province, city and district (from ``region`` when given) and the street name."""
    rest = "".join(address.split())
    prefix = ""
    if region is not None:
        for part in _unique_parts(region):
            if rest.startswith(part):
                rest = rest[len(part):]
            prefix += part
    return prefix + _street(rest)


def _unique_parts(region: Region) -> list[str]:
    """Province, city, district; municipalities repeat the province as the city (北京市)."""
    parts: list[str] = []
    for part in (region.province, region.city, region.district):
        if part not in parts:
            parts.append(part)
    return parts


def _street(rest: str) -> str:
    match = _STREET.match(rest)
    street = match.group(1) if match else _NUMBERED.match(rest).group(1)  # type: ignore[union-attr]
    # Never let a house number written in Chinese numerals through (文三路一百号).
    number = _CHINESE_NUMBER.search(street)
    return street[: number.start()] if number else street
