from __future__ import annotations

from decimal import Decimal

import pytest

from bot.text.amounts import AmountError, parse_amount, validate_payment_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("50", "50"),
        ("50元", "50"),
        ("50 元", "50"),
        ("¥128.58", "128.58"),
        ("￥128.58", "128.58"),  # full-width yen
        ("１００元", "100"),  # full-width digits
        ("1,000元", "1000"),
        ("五十块", "50"),
        ("100块钱", "100"),
        ("五十元整", "50"),
        ("一百二十元", "120"),
        ("两百", "200"),
        ("一千五", "1500"),  # colloquial: 一千五 is 1500, not 1005
        ("两千五", "2500"),
        ("一百零八", "108"),
        ("一万一", "11000"),
        ("三块五", "3.5"),
        ("3块5", "3.5"),
        ("十二块三毛四", "12.34"),
        ("十二块三毛四分", "12.34"),
        ("十二元三角四分", "12.34"),
        ("八十八块八", "88.8"),
        ("两块五毛五", "2.55"),
        ("一块零五", "1.05"),  # 零 skips the jiao
        ("五毛", "0.5"),
        ("九毛九", "0.99"),
        ("三点五元", "3.5"),
        ("一点五", "1.5"),
        ("0.005", "0.005"),  # precision kept; validation is the caller's job
        ("12.50", "12.50"),
        ("充一百块", "100"),
        ("我要交一百", "100"),
        ("帮我充五十块吧", "50"),
        ("户号3301234567交100元", "100"),  # the amount with a unit wins over a bare number
        ("一百块一个月", "100"),  # 一个月 is a count, not 1 jiao
        ("-5", "-5"),
        ("负五十", "-50"),
        ("-¥5", "-5"),
        ("0", "0"),
    ],
)
def test_parse_amount(text: str, amount: str) -> None:
    result = parse_amount(text)
    assert isinstance(result, Decimal)
    assert result == Decimal(amount)
    assert str(result) == amount  # the typed precision is kept


@pytest.mark.parametrize("text", ["abc", "", "   ", "帮我查一下", "元", "多少钱"])
def test_no_amount(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("amount", ["0.01", "1", "128.58", "5000", "5000.00", "12.340"])
def test_payable_amounts(amount: str) -> None:
    validate_payment_amount(Decimal(amount))


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("0", "not_positive"),
        ("-5", "not_positive"),
        ("0.005", "too_many_decimals"),
        ("12.345", "too_many_decimals"),
        ("5000.01", "over_limit"),
        ("10000", "over_limit"),
        ("NaN", "not_a_number"),
    ],
)
def test_unpayable_amounts(amount: str, reason: str) -> None:
    with pytest.raises(AmountError) as raised:
        validate_payment_amount(Decimal(amount))
    assert raised.value.reason == reason
