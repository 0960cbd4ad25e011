"""Reading the payer's choices: amounts ("全部缴清", "一百块") and ways to pay ("招行", "尾号1234")."""
from __future__ import annotations

import pytest

from bot.db.enums import InstrumentKind
from bot.payments.options import InstrumentView, amount_answer, choose_instrument
from bot.text.amounts import AmountError
from bot.text.request_words import autopay_choice

WALLET = InstrumentView(1, InstrumentKind.WALLET, "电e宝余额", "w", None)
CMB = InstrumentView(2, InstrumentKind.BANK_CARD, "招商银行储蓄卡(尾号1234)", "c1", "招商银行")
ICBC = InstrumentView(3, InstrumentKind.BANK_CARD, "工商银行储蓄卡(尾号5678)", "c2", "工商银行")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("instrument:2", CMB), ("电e宝", WALLET), ("用余额", WALLET), ("钱包", WALLET), ("招行", CMB),
     ("工行卡", ICBC), ("工商银行", ICBC), ("尾号5678", ICBC), ("1234那张", CMB)],
)
def test_a_way_to_pay_is_recognised(answer: str, expected: InstrumentView) -> None:
    assert choose_instrument([WALLET, CMB, ICBC], answer) == expected


@pytest.mark.parametrize("answer", ["银行卡", "尾号0000", "建设银行", "instrument:9", "instrument:", "随便"])
def test_ambiguous_or_unknown_ways_are_not_guessed(answer: str) -> None:
    assert choose_instrument([WALLET, CMB, ICBC], answer) is None


def test_with_one_card_bank_card_means_that_card() -> None:
    assert choose_instrument([WALLET, CMB], "银行卡") == CMB


@pytest.mark.parametrize(
    ("text", "due", "fen"),
    [("全部缴清", 12858, 12858), ("都交了吧", 12858, 12858), ("100", 12858, 10000), ("一百二十块五", 0, 12050),
     ("¥0.01", 0, 1), ("5000", 0, 500000)],
)
def test_amounts(text: str, due: int, fen: int) -> None:
    assert amount_answer(text, due) == fen


@pytest.mark.parametrize(
    ("text", "due", "reason"),
    [("全部缴清", 0, "not_a_number"), ("全部", 600000, "over_limit"), ("5000.01", 0, "over_limit"),
     ("0.001", 0, "too_many_decimals"), ("负十元", 0, "not_positive"), ("零", 0, "not_positive"),
     ("abc", 0, "not_a_number")],
)
def test_amounts_refused(text: str, due: int, reason: str) -> None:
    with pytest.raises(AmountError) as refused:
        amount_answer(text, due)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("text", "choice"),
    [("开通代扣", "sign_up"), ("我要自动缴费", "sign_up"), ("代扣换卡", "change_card"),
     ("修改代扣账户", "change_card"), ("取消代扣", "cancel"), ("不要自动扣费了", "cancel"),
     ("代扣怎么取消", "cancel"), ("查看代扣状态", None), ("我开了代扣没有", None), ("自动扣费", None),
     ("cancel", "cancel")],
)
def test_autopay_requests(text: str, choice: str | None) -> None:
    assert autopay_choice(text) == choice
