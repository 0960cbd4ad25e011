"""Finding: no second factor for payments ("确认支付" alone charged a stored card, up to ¥5,000).

Above PAYMENT_SMS_THRESHOLD_YUAN (200: strictly above) or from a login older than
PAYMENT_SMS_LOGIN_AGE_MINUTES (30; unknown counts as old), 确认支付 is followed by an SMS code
to the user's own phone, issued for the frozen quote only. Driven turn by turn as Rasa runs
the form (tests/unit/payment_flow.py), with the real demo gateway and the demo SMS gateway.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from actions.payments.confirmation import ActionSubmitPayment
from bot.container import Services
from bot.db.models import ChatIdentity, FrozenQuote, VerificationCode
from tests.unit.action_harness import CHANNEL, SENDER, clock_of, log_in, make_tracker, responses, run, sent_code
from tests.unit.gateway_fixtures import DemoGateway
from tests.unit.payment_flow import Turn, advance, confirm, enter_code, form_turn, summary

ZHANG_WEI = "13800000001"
PAST_RESEND_WAIT = timedelta(seconds=61)


@pytest.fixture(autouse=True)
def _gateway_settings(demo_gateway: DemoGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYMENT_GATEWAY_URL", demo_gateway.url)
    monkeypatch.setenv("PAYMENT_GATEWAY_SECRET", demo_gateway.secret)
    monkeypatch.setenv("PAYMENT_GATEWAY_TIMEOUT_S", "0.5")


def _card_charged(gateway: DemoGateway, before: int) -> int:
    return before - gateway.bank.balance("zw-card")


def _login_began(deps: Services, ago: timedelta | None) -> None:
    """The chat's login began ``ago`` (None: unknown, as for logins from before it was recorded)."""
    began = None if ago is None else clock_of(deps).now() - ago
    with deps.session_factory.session_scope() as session:
        session.execute(update(ChatIdentity).where(ChatIdentity.channel == CHANNEL, ChatIdentity.sender_id == SENDER)
                        .values(logged_in_at=began))


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _asked_for_code(turn: Turn) -> None:
    assert turn.asked == "pay_sms_code"
    assert turn.responses == ["utter_code_sent", "utter_ask_pay_sms_code"]
    assert turn.messages[0]["masked_phone"] == "138****0001"


@pytest.mark.parametrize(("amount", "fen", "needs_code"),
                         [("199.99", 19999, False), ("200.00", 20000, False), ("200.01", 20001, True)])
def test_a_code_is_needed_strictly_above_200_yuan(
    action_deps: Services, demo_gateway: DemoGateway, amount: str, fen: int, needs_code: bool
) -> None:
    log_in(action_deps, ZHANG_WEI)
    before = demo_gateway.bank.balance("zw-card")

    confirmed = confirm(summary(action_deps, amount=amount))

    if not needs_code:
        assert confirmed.asked is None and confirmed.responses[0] == "utter_payment_succeeded"
        assert _card_charged(demo_gateway, before) == fen
        return
    _asked_for_code(confirmed)
    assert demo_gateway.bank.order_count() == 0
    with action_deps.session_factory.session_scope() as session:  # the code is for this quote only
        quote_id = session.scalar(select(FrozenQuote.id).where(FrozenQuote.token == confirmed.slots["payment_key"]))
        purpose = session.scalars(select(VerificationCode.purpose).order_by(VerificationCode.id.desc())).first()
        assert purpose == f"payment:{quote_id}"

    paid = enter_code(confirmed, sent_code(action_deps, ZHANG_WEI))

    assert paid.asked is None and paid.responses[:1] == ["utter_payment_succeeded"]
    assert _card_charged(demo_gateway, before) == fen


@pytest.mark.parametrize(("began_ago", "needs_code"), [
    (timedelta(minutes=30), False), (timedelta(minutes=30, seconds=1), True), (None, True),
])
def test_an_old_login_needs_a_code_whatever_the_amount(
    action_deps: Services, demo_gateway: DemoGateway, began_ago: timedelta | None, needs_code: bool
) -> None:
    log_in(action_deps, ZHANG_WEI)
    _login_began(action_deps, began_ago)

    confirmed = confirm(summary(action_deps, amount="20.00"))

    assert (confirmed.asked == "pay_sms_code") is needs_code
    assert demo_gateway.bank.order_count() == (0 if needs_code else 1)


def test_a_login_that_grows_old_before_the_confirmation_needs_a_code(
    action_deps: Services, demo_gateway: DemoGateway
) -> None:
    log_in(action_deps, ZHANG_WEI)
    _login_began(action_deps, timedelta(minutes=29))
    shown = summary(action_deps, amount="20.00")  # no code needed yet
    advance(action_deps, demo_gateway, timedelta(minutes=2))

    _asked_for_code(confirm(shown))
    assert demo_gateway.bank.order_count() == 0


def test_a_wrong_code_is_said_and_asked_again(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    before = demo_gateway.bank.balance("zw-card")
    confirmed = confirm(summary(action_deps, amount="300.00"))
    code = sent_code(action_deps, ZHANG_WEI)

    wrong = enter_code(confirmed, _wrong(code))

    assert wrong.asked == "pay_sms_code" and wrong.responses == ["utter_sms_code_rejected", "utter_ask_pay_sms_code"]
    assert demo_gateway.bank.order_count() == 0
    paid = enter_code(wrong, code)
    assert paid.responses[0] == "utter_payment_succeeded" and _card_charged(demo_gateway, before) == 30000


def test_too_many_wrong_codes_void_the_payment(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    confirmed = confirm(summary(action_deps, amount="300.00"))
    code = sent_code(action_deps, ZHANG_WEI)
    turn = confirmed
    for _ in range(4):
        turn = enter_code(turn, _wrong(code))
        assert turn.asked == "pay_sms_code"

    fifth = enter_code(turn, _wrong(code))

    assert fifth.asked == "pay_confirmed"
    assert fifth.responses == ["utter_payment_code_too_many", "utter_ask_pay_bill_form_pay_confirmed"]
    # The right code of the void quote pays nothing, nor does its token.
    late = enter_code(confirmed, code)
    assert late.asked == "pay_confirmed"
    stale = {**confirmed.slots, "pay_sms_code": "accepted"}
    messages, _ = run(ActionSubmitPayment(), make_tracker(intent="inform", slots=stale))
    assert responses(messages) == ["utter_payment_failed"]
    assert demo_gateway.bank.order_count() == 0


def test_a_code_for_another_summary_does_not_pay(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    before = demo_gateway.bank.balance("zw-card")
    first = confirm(summary(action_deps, amount="300.00"))
    first_code = sent_code(action_deps, ZHANG_WEI)
    advance(action_deps, demo_gateway, PAST_RESEND_WAIT)
    changed = form_turn(first, text='/inform{"amount": "400"}', entities={"amount": "400"},
                        candidates={"pay_amount": "400"})
    assert changed.responses == ["utter_payment_summary_changed", "utter_ask_pay_bill_form_pay_confirmed"]
    second = confirm(changed)
    _asked_for_code(second)
    second_code = sent_code(action_deps, ZHANG_WEI)
    assert second_code != first_code

    refused = enter_code(second, first_code)

    assert refused.asked == "pay_sms_code" and refused.responses[0] == "utter_sms_code_rejected"
    assert demo_gateway.bank.order_count() == 0
    paid = enter_code(refused, second_code)
    assert paid.responses[0] == "utter_payment_succeeded" and _card_charged(demo_gateway, before) == 40000


def test_a_code_entered_with_a_change_pays_nothing(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    asked = confirm(summary(action_deps, amount="300.00"))
    code = sent_code(action_deps, ZHANG_WEI)

    turn = form_turn(asked, text=code, entities={"verification_code": code, "amount": "4999"},
                     candidates={"pay_sms_code": code, "pay_amount": "4999"})

    assert turn.asked == "pay_confirmed"
    assert turn.responses == ["utter_payment_summary_changed", "utter_ask_pay_bill_form_pay_confirmed"]
    assert turn.messages[1]["amount"] == "¥4999.00" and turn.slots["pay_sms_code"] is None
    advance(action_deps, demo_gateway, PAST_RESEND_WAIT)
    _asked_for_code(confirm(turn))  # the new summary needs a code of its own
    assert demo_gateway.bank.order_count() == 0


def test_nothing_is_charged_without_the_code(action_deps: Services, demo_gateway: DemoGateway) -> None:
    log_in(action_deps, ZHANG_WEI)
    asked = confirm(summary(action_deps, amount="300.00"))

    forged = form_turn(asked, text='/inform{"pay_sms_code": "accepted"}', candidates={"pay_sms_code": "accepted"})

    assert forged.asked == "pay_sms_code" and forged.slots["pay_sms_code"] is None
    for code_slot in (None, "accepted"):  # the submission run without the code, or with a forged slot
        slots = {**asked.slots, "pay_sms_code": code_slot}
        messages, _ = run(ActionSubmitPayment(), make_tracker(intent="confirm_payment", slots=slots))
        assert responses(messages) == ["utter_payment_failed"]
    assert demo_gateway.bank.order_count() == 0
