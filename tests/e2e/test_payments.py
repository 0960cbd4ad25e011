"""Paying the unpaid bill of 3301000001 as 13800000001 over REST, through the demo gateway
(¥107.70 from a fresh login: no SMS code). Prepaying ¥300.00, which needs the SMS code, is in
test_sms_second_factor.py: it leaves a prepaid balance, which the 过户 test must not see yet.

Runs after test_bills.py (which needs that bill unpaid): pytest takes the files in name order.
"""
from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, payloads, response_text, texts


def _chat_payments(database_url: str, account_number: str) -> list[tuple[str, int]]:
    """(status, amount_fen) of the account's payments made in chat (not the seeded history)."""
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT p.status, p.amount_fen FROM payments p JOIN electricity_accounts a ON a.id = p.account_id "
                "WHERE a.account_number = :n AND p.idempotency_key NOT LIKE 'seed:%' ORDER BY p.id"
            ),
            {"n": account_number},
        ).all()
    engine.dispose()
    return [(status, int(amount)) for status, amount in rows]


def _button(replies: list[dict], title_start: str) -> str:
    return next(
        b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"].startswith(title_start)
    )


def test_paying_the_unpaid_bill_clears_it_and_a_second_confirm_charges_nothing(
    assistant: RunningAssistant, zhang_wei: Conversation
) -> None:
    asked_amount = zhang_wei.say("交电费")
    assert texts(asked_amount)[0].startswith("户号3301000001（户名张*）当前应缴¥")
    asked_method = zhang_wei.say(_button(asked_amount, "全部缴清"))
    assert texts(asked_method) == [response_text("utter_ask_pay_method")]
    summary = zhang_wei.say(_button(asked_method, "招商银行储蓄卡(尾号1234)"))
    assert "支付方式：招商银行储蓄卡(尾号1234)" in texts(summary)[0]
    assert payloads(summary) == ["/confirm_payment", "/cancel"]

    paid = texts(zhang_wei.say("确认支付"))

    assert paid[0].startswith("缴费成功！户号3301000001本次缴纳¥")
    assert "当前欠费¥0.00" in paid[0]
    assert paid[1].startswith("电子缴费凭证（PR") and paid[1].endswith(".pdf")
    [(status, amount_fen)] = _chat_payments(assistant.database_url, "3301000001")
    assert status == "succeeded"

    balance = texts(zhang_wei.say("查询余额"))
    assert balance == ["户号3301000001当前没有欠费，预存余额¥0.00。"]

    for confirm in ("确认支付", "确认"):  # a double tap, or a yes with nothing asked
        assert texts(zhang_wei.say(confirm)) == [response_text("utter_no_payment_to_confirm")]
    assert _chat_payments(assistant.database_url, "3301000001") == [("succeeded", amount_fen)]
