"""The pay_bill form's actions against the seeded demo data and the real demo gateway on loopback.

张伟 (13800000001) owes the October bill of 3301000001 and has a 招商银行 card (…1234) and a
wallet of 30.00; 赵强 (13800000004) owes nothing on 3301000003 and his card (…9999) answers
slowly.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from actions.billing.bills import ActionQueryBalance
from actions.payments.checkout import ActionAffirmWithoutQuestion, ActionAskPayAmount, ActionAskPayMethod
from actions.payments.confirmation import ActionAskPayConfirmed, ActionSubmitPayment, ValidatePayBillForm
from actions.payments.records import ActionQueryPayments
from bot.billing.bills import balance
from bot.container import Services
from bot.db.models import PaymentInstrument
from bot.files.published import published_path
from bot.money import format_yuan_symbol
from tests.unit.action_harness import log_in, make_tracker, responses, run, validate
from tests.unit.gateway_fixtures import DemoGateway


@pytest.fixture(autouse=True)
def _gateway_settings(demo_gateway: DemoGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the actions' services at the test gateway (before ``action_deps`` builds them)."""
    monkeypatch.setenv("PAYMENT_GATEWAY_URL", demo_gateway.url)
    monkeypatch.setenv("PAYMENT_GATEWAY_SECRET", demo_gateway.secret)
    monkeypatch.setenv("PAYMENT_GATEWAY_TIMEOUT_S", "0.2")


def _instrument_id(deps: Services, token: str) -> int:
    with deps.session_factory.session_scope() as session:
        return session.scalar(select(PaymentInstrument.id).where(PaymentInstrument.token == token))


def _due_fen(deps: Services, user_id: int, account: str) -> int:
    return balance(deps.session_factory, deps.clock, user_id=user_id, account_number=account).total_due_fen


def _asked(slot: str, **slots: object) -> object:
    return make_tracker(slots={"requested_slot": slot, **slots}, active_loop="pay_bill_form")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("一百块", "100.00"), ("交50元", "50.00"), ("¥128.58", "128.58"), ("三块五", "3.50")],
)
def test_amounts_are_read_in_digits_or_chinese_numerals(action_deps: Services, typed: str, expected: str) -> None:
    log_in(action_deps, "13800000001")
    _, result = validate(ValidatePayBillForm(), "pay_amount", typed, _asked("pay_amount", account_number="3301000001"))
    assert result["pay_amount"] == expected


def test_everything_owed_is_the_default_amount(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    due = _due_fen(action_deps, user.user_id, "3301000001")
    tracker = _asked("pay_amount", account_number="3301000001")
    _, result = validate(ValidatePayBillForm(), "pay_amount", "全部缴清", tracker)
    assert Decimal(result["pay_amount"]) * 100 == due


@pytest.mark.parametrize(
    ("typed", "response"),
    [("-5", "utter_amount_not_positive"), ("0", "utter_amount_not_positive"),
     ("6000", "utter_amount_over_limit"), ("12.345", "utter_amount_too_many_decimals"),
     ("abc", "utter_amount_not_a_number")],
)
def test_bad_amounts_are_refused_with_the_reason(action_deps: Services, typed: str, response: str) -> None:
    log_in(action_deps, "13800000001")
    messages, result = validate(
        ValidatePayBillForm(), "pay_amount", typed, _asked("pay_amount", account_number="3301000001")
    )
    assert responses(messages) == [response]
    assert result["pay_amount"] is None and result["validation_failures"] == {"slot": "pay_amount", "count": 1}


def test_the_amount_question_offers_paying_everything(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    due = _due_fen(action_deps, user.user_id, "3301000001")
    messages, _ = run(ActionAskPayAmount(), _asked("pay_amount", account_number="3301000001"))
    assert responses(messages) == ["utter_pay_amount_due"]
    assert messages[0]["due"] == format_yuan_symbol(due) and messages[0]["holder"] == "张*"
    assert messages[0]["buttons"][0]["payload"] == f'/inform{{"amount": "{Decimal(due) / 100:.2f}"}}'


def test_nothing_owed_offers_prepayment(action_deps: Services) -> None:
    log_in(action_deps, "13800000004")
    messages, _ = run(ActionAskPayAmount(), _asked("pay_amount", account_number="3301000003"))
    assert responses(messages) == ["utter_pay_nothing_due"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["预存50元", "预存100元", "预存200元"]


def test_methods_are_the_users_own_with_cards_masked(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = run(ActionAskPayMethod(), _asked("pay_method", account_number="3301000001"))
    assert [b["title"] for b in messages[0]["buttons"]] == ["电e宝余额（可用¥30.00）", "招商银行储蓄卡(尾号1234)"]


@pytest.mark.parametrize(
    ("typed", "token"), [("电e宝", "zw-wallet"), ("用银行卡", "zw-card"), ("尾号1234", "zw-card"), ("招行", "zw-card")]
)
def test_a_method_is_chosen_by_name(action_deps: Services, typed: str, token: str) -> None:
    log_in(action_deps, "13800000001")
    _, result = validate(ValidatePayBillForm(), "pay_method", typed, _asked("pay_method"))
    assert result["pay_method"] == f"instrument:{_instrument_id(action_deps, token)}"


def test_a_method_the_user_does_not_have_is_refused(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    someone_elses = f"instrument:{_instrument_id(action_deps, 'ln-card')}"
    for typed in ("尾号0000", "工商银行", someone_elses):
        messages, result = validate(ValidatePayBillForm(), "pay_method", typed, _asked("pay_method"))
        assert responses(messages)[0] == "utter_method_not_available" and result["pay_method"] is None


def test_an_account_not_bound_is_refused(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, result = validate(ValidatePayBillForm(), "account_number", "3301000002", _asked("account_number"))
    assert responses(messages) == ["utter_account_not_bound"] and result["account_number"] is None


def _confirmed_slots(deps: Services, *, amount: str, token: str, account: str = "3301000001") -> dict:
    tracker = _asked("pay_confirmed", account_number=account, pay_amount=amount,
                     pay_method=f"instrument:{_instrument_id(deps, token)}")
    messages, events = run(ActionAskPayConfirmed(), tracker)
    assert responses(messages) == ["utter_ask_pay_bill_form_pay_confirmed"]
    key = next(e["value"] for e in events if e["name"] == "payment_key")
    return {"account_number": account, "pay_amount": amount, "pay_method": tracker.get_slot("pay_method"),
            "pay_confirmed": True, "payment_key": key}


def test_the_summary_shows_masked_details_and_fixes_the_key(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    slots = _confirmed_slots(action_deps, amount="20.00", token="zw-card")
    assert re.fullmatch(r"[0-9a-f]{64}", slots["payment_key"])


def test_a_confirmed_payment_is_made_once(action_deps: Services, demo_gateway: DemoGateway) -> None:
    user = log_in(action_deps, "13800000001")
    due = _due_fen(action_deps, user.user_id, "3301000001")
    card_before = demo_gateway.bank.balance("zw-card")
    slots = _confirmed_slots(action_deps, amount=f"{Decimal(due) / 100:.2f}", token="zw-card")

    messages, events = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=slots))

    assert responses(messages) == ["utter_payment_succeeded", "utter_receipt_ready"]
    assert messages[0]["due"] == "¥0.00"
    kind, name = messages[1]["url"].rsplit("/", 2)[1:]
    assert published_path(action_deps.settings.files_dir, kind, name).read_bytes().startswith(b"%PDF-")
    assert {e["name"] for e in events} >= {"pay_amount", "pay_method", "pay_confirmed", "payment_key"}
    # The same confirmation again (a retried webhook, a second replica): no second charge.
    again, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=slots))
    assert responses(again)[0] == "utter_payment_already_done"
    assert demo_gateway.bank.balance("zw-card") == card_before - due


@pytest.mark.parametrize("forged", ["0.001", "4999.00"])
def test_a_forged_amount_at_submission_pays_only_the_summary(
    action_deps: Services, demo_gateway: DemoGateway, forged: str
) -> None:
    log_in(action_deps, "13800000001")
    card_before = demo_gateway.bank.balance("zw-card")
    slots = _confirmed_slots(action_deps, amount="20.00", token="zw-card") | {"pay_amount": forged}
    messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=slots))
    assert responses(messages)[0] == "utter_payment_succeeded" and messages[0]["amount"] == "¥20.00"
    assert demo_gateway.bank.balance("zw-card") == card_before - 2000


def test_declining_the_summary_charges_nothing(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, "13800000001")
    slots = _confirmed_slots(action_deps, amount="20.00", token="zw-card") | {"pay_confirmed": False}
    messages, _ = run(ActionSubmitPayment(), make_tracker(intent="deny", slots=slots))
    assert responses(messages) == ["utter_payment_not_confirmed"]
    assert demo_gateway.bank.order_count() == 0


def test_a_decline_offers_another_method(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    slots = _confirmed_slots(action_deps, amount="40.00", token="zw-wallet")  # the wallet holds 30.00
    messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=slots))
    assert responses(messages) == ["utter_payment_declined_insufficient_funds"]
    assert messages[0]["buttons"] == [
        {"title": "换一种方式支付", "payload": '/pay_bill{"account_number": "3301000001", "amount": "40.00"}'}
    ]


def test_a_timeout_is_reported_as_pending_and_resolved_by_the_next_balance_query(action_deps: Services) -> None:
    log_in(action_deps, "13800000004")
    slots = _confirmed_slots(action_deps, amount="20.00", token="zq-card", account="3301000003")
    messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=slots))
    assert responses(messages) == ["utter_payment_pending"]

    later, _ = run(ActionQueryBalance(), make_tracker(slots={"account_number": "3301000003"}))

    assert responses(later)[0] == "utter_payment_resolved_succeeded"
    assert later[1]["prepaid"] == "¥20.00"


def test_payment_history_lists_payments_with_receipts(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    slots = _confirmed_slots(action_deps, amount="20.00", token="zw-card")
    run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=slots))

    messages, _ = run(ActionQueryPayments(), make_tracker(slots={"account_number": "3301000001"}))

    lines = messages[0]["text"].splitlines()
    assert lines[0] == "户号3301000001最近的缴费记录："
    assert lines[1] == "· 2026年11月23日 缴费 ¥20.00｜招商银行储蓄卡(尾号1234)｜成功"
    receipt_button = messages[0]["buttons"][0]
    receipt_no = re.search(r"PR\d+", receipt_button["payload"]).group()
    tracker = make_tracker(intent="query_payments", entities={"receipt_no": receipt_no},
                           slots={"account_number": "3301000001"})
    sent, _ = run(ActionQueryPayments(), tracker)
    assert responses(sent) == ["utter_receipt_ready"] and sent[0]["receipt_no"] == receipt_no


@pytest.mark.parametrize(
    ("text", "response"),
    [("确认", "utter_no_payment_to_confirm"), ("确定支付", "utter_no_payment_to_confirm"),
     ("好的", "utter_anything_else"), ("嗯嗯", "utter_anything_else")],
)
def test_a_yes_with_nothing_asked(text: str, response: str) -> None:
    messages, events = run(ActionAffirmWithoutQuestion(), make_tracker(intent="affirm", text=text))
    assert responses(messages) == [response] and events == []
