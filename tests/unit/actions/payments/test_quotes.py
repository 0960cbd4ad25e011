"""Finding: a confirmed summary could pay something else.

``/confirm_payment{"amount": "4999"}`` after a ¥50.00 summary charged ¥4999.00: the entity
refilled pay_amount in the confirming turn and the payment read the slots. Now the summary
freezes what it shows and 确认支付 pays exactly that; a change shows a new summary first.
Driven turn by turn as Rasa runs the form (tests/unit/payment_flow.py), with the real demo
gateway on loopback. 张伟 (13800000001) owes on 3301000001 and has a card (…1234) and a wallet.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from actions.payments.confirmation import ActionSubmitPayment
from bot.container import Services
from bot.db.models import AccountBinding, ElectricityAccount, FrozenQuote, Payment
from tests.unit.action_harness import log_in, make_tracker, responses, run
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import user_id_of
from tests.unit.gateway_fixtures import DemoGateway
from tests.unit.payment_flow import advance, confirm, form_turn, instrument_slot, summary

ZHANG_WEI = "13800000001"


@pytest.fixture(autouse=True)
def _gateway_settings(demo_gateway: DemoGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYMENT_GATEWAY_URL", demo_gateway.url)
    monkeypatch.setenv("PAYMENT_GATEWAY_SECRET", demo_gateway.secret)
    monkeypatch.setenv("PAYMENT_GATEWAY_TIMEOUT_S", "0.5")


def _bind_second_account(deps: Services) -> None:
    """张伟 also binds 3301000002 (prepaid, nothing owed)."""
    with deps.session_factory.session_scope() as session:
        account = session.scalar(select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000002"))
        session.add(AccountBinding(user_id=user_id_of(deps.session_factory, ZHANG_WEI), account_id=account.id,
                                   is_default=False, created_at=FIXED_NOW))


def _charged(gateway: DemoGateway, before: dict[str, int]) -> dict[str, int]:
    """What each of 张伟's instruments was charged since ``before``."""
    return {token: before[token] - gateway.bank.balance(token) for token in before}


def _balances(gateway: DemoGateway) -> dict[str, int]:
    return {token: gateway.bank.balance(token) for token in ("zw-card", "zw-wallet")}


def test_a_summary_confirmed_as_shown_is_paid(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    before = _balances(demo_gateway)
    shown = summary(action_deps, amount="50.00")
    assert shown.responses == ["utter_ask_pay_bill_form_pay_confirmed"] and shown.messages[0]["amount"] == "¥50.00"

    paid = confirm(shown, amount="50")  # the same amount again in the confirming turn changes nothing

    assert paid.asked is None and paid.responses == ["utter_payment_succeeded", "utter_receipt_ready"]
    assert _charged(demo_gateway, before) == {"zw-card": 5000, "zw-wallet": 0}


@pytest.mark.parametrize(
    ("entities", "candidates", "shown_now"),
    [
        # /confirm_payment{"amount": "4999"}: the reported attack
        ({"amount": "4999"}, {"pay_amount": "4999"}, {"amount": "¥4999.00"}),
        # /confirm_payment{"payment_method": "电e宝"}
        ({"payment_method": "电e宝"}, {"pay_method": "电e宝"}, {"method": "电e宝余额"}),
        # /confirm_payment{"account_number": "3301000002"}
        ({"account_number": "3301000002"}, {"account_number": "3301000002"}, {"account_number": "3301000002"}),
    ],
)
def test_a_change_in_the_confirming_turn_pays_nothing_and_shows_a_new_summary(
    action_deps: Services, demo_gateway: DemoGateway, entities: dict, candidates: dict, shown_now: dict
) -> None:
    log_in(action_deps, ZHANG_WEI)
    _bind_second_account(action_deps)
    before = _balances(demo_gateway)
    shown = summary(action_deps, amount="50.00")

    changed = form_turn(shown, intent="confirm_payment", entities=entities, candidates={"pay_confirmed": True,
                                                                                          **candidates})

    assert changed.asked == "pay_confirmed"
    assert changed.responses == ["utter_payment_summary_changed", "utter_ask_pay_bill_form_pay_confirmed"]
    assert {key: changed.messages[1][key] for key in shown_now} == shown_now
    assert changed.slots["payment_key"] != shown.slots["payment_key"] and changed.slots["pay_confirmed"] is None
    assert demo_gateway.bank.order_count() == 0 and _charged(demo_gateway, before) == {"zw-card": 0, "zw-wallet": 0}


def test_a_typed_inform_while_the_summary_waits_shows_a_new_summary(
    action_deps: Services, demo_gateway: DemoGateway
) -> None:
    log_in(action_deps, ZHANG_WEI)
    shown = summary(action_deps, amount="50.00")

    changed = form_turn(shown, text='/inform{"amount": "4999"}', entities={"amount": "4999"},
                        candidates={"pay_amount": "4999"})
    assert changed.responses == ["utter_payment_summary_changed", "utter_ask_pay_bill_form_pay_confirmed"]
    assert changed.messages[1]["amount"] == "¥4999.00"
    # The old summary's token no longer pays, even put back by hand.
    stale = {**changed.slots, "payment_key": shown.slots["payment_key"], "pay_confirmed": True,
             "pay_amount": "50.00"}
    messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=stale))
    assert responses(messages) == ["utter_payment_failed"]
    assert demo_gateway.bank.order_count() == 0


def test_an_expired_summary_pays_nothing(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    shown = summary(action_deps, amount="50.00")
    advance(action_deps, demo_gateway, timedelta(minutes=10, seconds=1))

    late = confirm(shown)

    assert late.asked == "pay_confirmed"
    assert late.responses == ["utter_payment_summary_expired", "utter_ask_pay_bill_form_pay_confirmed"]
    assert late.messages[0]["minutes"] == 10
    messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment",
                                                          slots={**shown.slots, "pay_confirmed": True}))
    assert responses(messages) == ["utter_payment_failed"]
    assert demo_gateway.bank.order_count() == 0


def test_a_summary_still_counts_at_ten_minutes(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    shown = summary(action_deps, amount="50.00")
    advance(action_deps, demo_gateway, timedelta(minutes=10))
    assert confirm(shown).responses[0] == "utter_payment_succeeded"


def test_another_chats_or_users_summary_pays_nothing(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    log_in(action_deps, ZHANG_WEI, sender="chat-2")  # the same user in another chat
    log_in(action_deps, "13800000004", sender="chat-3")  # 赵强
    shown = summary(action_deps, amount="50.00")
    forged = {**shown.slots, "pay_confirmed": True}
    for sender in ("chat-2", "chat-3"):
        messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=forged, sender=sender))
        assert responses(messages) == ["utter_payment_failed"]
        # Inside the form, the other chat is shown a summary of its own to confirm.
        turn = form_turn(shown, intent="confirm_payment", candidates={"pay_confirmed": True}, sender=sender)
        assert turn.asked == "pay_confirmed" and turn.slots["payment_key"] != shown.slots["payment_key"]
    assert demo_gateway.bank.order_count() == 0


def test_a_confirmation_without_a_summary_pays_nothing(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    slots = {"account_number": "3301000001", "pay_amount": "50.00", "pay_confirmed": True,
             "pay_method": instrument_slot(action_deps, "zw-card")}
    for key in (None, "0" * 64, "not a key"):
        messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment",
                                                              slots={**slots, "payment_key": key}))
        assert responses(messages) == ["utter_payment_failed"]
    assert demo_gateway.bank.order_count() == 0


def test_a_double_confirmation_is_charged_once(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    before = _balances(demo_gateway)
    shown = summary(action_deps, amount="50.00")
    first = confirm(shown)
    again = confirm(shown)  # a double tap delivered to the same form turn, a retried webhook

    assert first.responses[0] == "utter_payment_succeeded"
    assert again.responses[:2] == ["utter_payment_already_done", "utter_payment_succeeded"]
    assert _charged(demo_gateway, before) == {"zw-card": 5000, "zw-wallet": 0}
    with action_deps.session_factory.session_scope() as session:
        (payment,) = session.scalars(select(Payment).where(Payment.quote_id.is_not(None))).all()
        quote = session.get(FrozenQuote, payment.quote_id)
        assert quote.token == shown.slots["payment_key"] and quote.amount_fen == payment.amount_fen == 5000
