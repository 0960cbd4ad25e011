"""Recognising a holder-name-and-address lookup in what the user typed."""
from __future__ import annotations

import pytest

from bot.accounts.search_terms import SearchTerms, search_terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("户名张伟 地址杭州市西湖区文三路100号", SearchTerms("张伟", "杭州市西湖区文三路100号")),
        ("户名：王芳，地址：上城区解放路58号", SearchTerms("王芳", "上城区解放路58号")),
        ("户主叫陈静 住在河坊街66号", SearchTerms("陈静", "河坊街66号")),
        ("名称北京星火科技有限公司 地址建国路88号", SearchTerms("北京星火科技有限公司", "建国路88号")),
    ],
)
def test_labelled_name_and_address(text: str, expected: SearchTerms) -> None:
    assert search_terms(text) == expected


def test_entities_from_nlu_take_precedence() -> None:
    assert search_terms("张伟 文三路", person_name="张伟", address="文三路") == SearchTerms("张伟", "文三路")


@pytest.mark.parametrize("text", ["3301000001", "户名张伟", "地址文三路100号", "", "我要绑定户号"])
def test_both_parts_are_needed(text: str) -> None:
    assert search_terms(text) is None
