from __future__ import annotations

import pytest

from bot.text.request_words import wants_receipt, wants_trend


@pytest.mark.parametrize(
    ("text", "trend"),
    [
        ("看看用电趋势", True), ("用电走势图", True), ("用电曲线", True), ("给我画个图", True),
        ("近一年用电变化", True), ("上个月用了多少度电", False), ("今年用电量", False), (None, False),
    ],
)
def test_trend_requests(text: str | None, trend: bool) -> None:
    assert wants_trend(text) is trend


@pytest.mark.parametrize(
    ("text", "receipt"),
    [("开10月的发票", False), ("要一张缴费凭证", True), ("开个收据", True), ("电子发票", False)],
)
def test_receipt_requests(text: str, receipt: bool) -> None:
    assert wants_receipt(text) is receipt
