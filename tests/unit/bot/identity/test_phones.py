"""Mobile numbers are normalised to 11 digits or refused."""
from __future__ import annotations

import pytest

from bot.identity.phones import normalize_mobile


@pytest.mark.parametrize(
    "text",
    [
        "13800000001",
        "138 0000 0001",
        "138-0000-0001",
        " 13800000001 ",
        "+8613800000001",
        "+86 138 0000 0001",
        "8613800000001",
        "0086 13800000001",
        "１３８０００００００１",  # full-width, as some input methods type it
        "＋８６－１３８０００００００１",
    ],
)
def test_accepted_forms(text: str) -> None:
    assert normalize_mobile(text) == "13800000001"


@pytest.mark.parametrize("first_two", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_is_valid(first_two: str) -> None:
    assert normalize_mobile(first_two + "012345678") == first_two + "012345678"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1380000000",  # 10 digits
        "138000000012",  # 12 digits
        "12800000001",  # second digit 2
        "10800000001",
        "23800000001",
        "+8513800000001",  # another country
        "+86",
        "138O0000001",  # letter O
        "021-12345678",  # a landline
        "138_0000_0001",
        "我的手机13800000001",
    ],
)
def test_refused(text: str) -> None:
    assert normalize_mobile(text) is None
