"""The auto-debit form's actions as 张伟 (13800000001, 3301000001; card …1234 and a wallet):
the SMS code behind each sign-up and card change, and what another binder of the account sees."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation.notices import deliver_notices
from actions.payments.autopay import (
    ActionAskAutopayChoice,
    ActionAskAutopayCode,
    ActionAskAutopayConfirmed,
    ActionSubmitAutopay,
    ValidateAutopayForm,
)
from bot.container import Services
from bot.db.models import PaymentInstrument
from bot.identity.verification import RESEND_INTERVAL
from bot.payments.autopay import AutopayStatus, autopay_status
from tests.unit.action_harness import (
    DOMAIN,
    clock_of,
    log_in,
    make_tracker,
    required_slots,
    responses,
    run,
    sent_code,
    validate,
)
from tests.unit.bot.payments.test_autopay import bind_directly

ZHANG_WEI, LI_NA = "13800000001", "13800000002"


def _instrument(deps: Services, token: str) -> str:
    with deps.session_factory.session_scope() as session:
        return f"instrument:{session.scalar(select(PaymentInstrument.id).where(PaymentInstrument.token == token))}"


def _asked(slot: str, sender: str = "chat-1", **slots: object):
    return make_tracker(slots={"requested_slot": slot, "account_number": "3301000001", **slots},
                        active_loop="autopay_form", sender=sender)


def _enter_code(deps: Services, phone: str = ZHANG_WEI, sender: str = "chat-1", **slots: object) -> dict:
    """The form asks for the code (one is sent) and the user types it: the validator's answer."""
    messages, _ = run(ActionAskAutopayCode(), _asked("autopay_sms_code", sender, **slots))
    assert responses(messages) == ["utter_code_sent", "utter_ask_autopay_sms_code"]
    clock_of(deps).advance(RESEND_INTERVAL)
    _, result = validate(ValidateAutopayForm(), "autopay_sms_code", sent_code(deps, phone),
                         _asked("autopay_sms_code", sender, **slots))
    return result


def _status(deps: Services, user_id: int) -> AutopayStatus:
    return autopay_status(deps.session_factory, user_id=user_id, account_number="3301000001")


def _sign_up(deps: Services, token: str = "zw-card") -> None:
    slots = {"autopay_choice": "sign_up", "pay_method": _instrument(deps, token), "autopay_confirmed": True}
    assert _enter_code(deps, **slots)["autopay_sms_code"] == "accepted"
    messages, _ = run(ActionSubmitAutopay(), _asked("autopay_sms_code", **slots, autopay_sms_code="accepted"))
    assert responses(messages) == ["utter_autopay_signed_up"]


def test_the_request_words_choose_what_to_do(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    tracker = make_tracker(slots={"request_text": "取消代扣", "account_number": "3301000001"},
                           active_loop="autopay_form")
    extracted = asyncio.run(ValidateAutopayForm().extract_autopay_choice(CollectingDispatcher(), tracker, DOMAIN))
    assert extracted == {"autopay_choice": "cancel"}


def test_the_state_is_shown_with_what_can_be_done(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = run(ActionAskAutopayChoice(), _asked("autopay_choice"))
    assert responses(messages) == ["utter_autopay_status_off"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["开通自动扣款"]
    _sign_up(action_deps)
    messages, _ = run(ActionAskAutopayChoice(), _asked("autopay_choice"))
    assert responses(messages) == ["utter_autopay_status_on"]
    assert messages[0]["method"] == "招商银行储蓄卡(尾号1234)"
    assert [b["title"] for b in messages[0]["buttons"]] == ["更换扣款方式", "取消自动扣款"]


def test_cancelling_what_is_not_signed_up_is_explained(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, result = validate(ValidateAutopayForm(), "autopay_choice", "cancel", _asked("autopay_choice"))
    assert responses(messages) == ["utter_autopay_not_signed_up"] and result == {"autopay_choice": None}


def test_signing_up_again_means_changing_the_card(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    _sign_up(action_deps)
    _, result = validate(ValidateAutopayForm(), "autopay_choice", "开通代扣", _asked("autopay_choice"))
    assert result["autopay_choice"] == "change_card"


def test_a_card_change_is_summarised_then_made(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    _sign_up(action_deps)
    slots = {"autopay_choice": "change_card", "pay_method": _instrument(action_deps, "zw-wallet")}
    messages, _ = run(ActionAskAutopayConfirmed(), _asked("autopay_confirmed", **slots))
    assert responses(messages) == ["utter_ask_autopay_change_card"]
    assert (messages[0]["old_method"], messages[0]["method"]) == ("招商银行储蓄卡(尾号1234)", "电e宝余额")

    assert _enter_code(action_deps, **slots, autopay_confirmed=True)["autopay_sms_code"] == "accepted"
    done, _ = run(ActionSubmitAutopay(), _asked("autopay_sms_code", **slots, autopay_confirmed=True,
                                                autopay_sms_code="accepted"))

    assert responses(done) == ["utter_autopay_card_changed"]
    assert _status(action_deps, user.user_id).method_label == "电e宝余额"


def test_cancel_needs_no_card_and_is_confirmed(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    _sign_up(action_deps)
    tracker = _asked("autopay_choice", autopay_choice="cancel")
    form_slots = DOMAIN["forms"]["autopay_form"]["required_slots"]
    required = asyncio.run(ValidateAutopayForm().required_slots(form_slots, CollectingDispatcher(), tracker, DOMAIN))
    assert required == ["account_number", "autopay_choice", "autopay_confirmed"]  # no card, no code

    declined, _ = run(ActionSubmitAutopay(), _asked("autopay_confirmed", autopay_choice="cancel",
                                                    autopay_confirmed=False))
    assert responses(declined) == ["utter_autopay_not_confirmed"]
    assert _status(action_deps, user.user_id).instrument_id is not None

    done, _ = run(ActionSubmitAutopay(), _asked("autopay_confirmed", autopay_choice="cancel", autopay_confirmed=True))
    assert responses(done) == ["utter_autopay_cancelled"]
    assert _status(action_deps, user.user_id).instrument_id is None


def test_someone_elses_card_is_refused_even_when_forged(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    forged = {"autopay_choice": "sign_up", "pay_method": _instrument(action_deps, "ln-card"), "autopay_confirmed": True}
    _enter_code(action_deps, **forged)  # even with the right code
    messages, _ = run(ActionSubmitAutopay(), _asked("autopay_sms_code", **forged, autopay_sms_code="accepted"))
    assert responses(messages) == ["utter_payment_failed"]
    assert _status(action_deps, user.user_id).instrument_id is None


# --- the SMS code -----------------------------------------------------------------------------

def test_a_change_asks_for_the_code_only_once_confirmed(action_deps: Services) -> None:
    log_in(action_deps, ZHANG_WEI)
    validator, form = ValidateAutopayForm(), "autopay_form"
    sign_up = {"autopay_choice": "sign_up", "pay_method": _instrument(action_deps, "zw-card")}
    assert required_slots(validator, form, _asked("autopay_confirmed", **sign_up))[-1] == "autopay_sms_code"
    assert "autopay_sms_code" not in required_slots(validator, form, _asked("autopay_confirmed", **sign_up,
                                                                            autopay_confirmed=False))
    _, confirmed = validate(validator, "autopay_confirmed", True,
                            _asked("autopay_confirmed", **sign_up, autopay_sms_code="accepted"))
    assert confirmed["autopay_confirmed"] is True and confirmed["autopay_sms_code"] is None  # a fresh code each time


def test_a_wrong_code_is_refused_and_asked_again(action_deps: Services) -> None:
    log_in(action_deps, ZHANG_WEI)
    run(ActionAskAutopayCode(), _asked("autopay_sms_code"))
    wrong = f"{(int(sent_code(action_deps, ZHANG_WEI)) + 1) % 1_000_000:06d}"
    messages, result = validate(ValidateAutopayForm(), "autopay_sms_code", wrong, _asked("autopay_sms_code"))
    assert responses(messages) == ["utter_sms_code_rejected"] and result["autopay_sms_code"] is None
    _, typed = validate(ValidateAutopayForm(), "autopay_sms_code", "accepted", _asked("autopay_sms_code"))
    assert typed["autopay_sms_code"] is None  # never a typed "accepted"


def test_a_forged_accepted_code_signs_nothing_up(action_deps: Services) -> None:
    user = log_in(action_deps, ZHANG_WEI)
    forged = {"autopay_choice": "sign_up", "pay_method": _instrument(action_deps, "zw-card"),
              "autopay_confirmed": True, "autopay_sms_code": "accepted"}
    messages, _ = run(ActionSubmitAutopay(), _asked("autopay_sms_code", **forged))
    assert responses(messages) == ["utter_autopay_code_required"]
    assert _status(action_deps, user.user_id).instrument_id is None

    without = {**forged, "autopay_sms_code": None}
    messages, _ = run(ActionSubmitAutopay(), _asked("autopay_sms_code", **without))
    assert responses(messages) == ["utter_autopay_code_required"]
    assert _status(action_deps, user.user_id).instrument_id is None


# --- another binder of the account ------------------------------------------------------------

def test_another_binder_is_told_it_is_someone_elses_and_the_signer_hears_of_it(action_deps: Services) -> None:
    zhang_wei = log_in(action_deps, ZHANG_WEI)
    _sign_up(action_deps)
    bind_directly(action_deps.session_factory, LI_NA)
    log_in(action_deps, LI_NA, sender="chat-2")

    messages, events = run(ActionAskAutopayChoice(), _asked("autopay_choice", "chat-2"))
    assert responses(messages) == ["utter_autopay_held_by_other"] and "method" not in messages[0]
    assert [e.get("name") for e in events if e["event"] == "active_loop"] == [None]  # the form ends

    forged = {"autopay_choice": "cancel", "autopay_confirmed": True}
    messages, _ = run(ActionSubmitAutopay(), _asked("autopay_confirmed", "chat-2", **forged))
    assert responses(messages) == ["utter_autopay_held_by_other"]
    assert _status(action_deps, zhang_wei.user_id).method_label == "招商银行储蓄卡(尾号1234)"

    dispatcher = CollectingDispatcher()
    asyncio.run(deliver_notices(dispatcher, user_id=zhang_wei.user_id))
    assert responses(dispatcher.messages) == ["utter_autopay_notice_refused_other_user"]
    assert dispatcher.messages[0]["account_number"] == "3301000001"
    again = CollectingDispatcher()
    asyncio.run(deliver_notices(again, user_id=zhang_wei.user_id))
    assert again.messages == []


def test_the_signer_hears_of_a_card_change_with_the_day(action_deps: Services) -> None:
    user = log_in(action_deps, ZHANG_WEI)
    _sign_up(action_deps)
    slots = {"autopay_choice": "change_card", "pay_method": _instrument(action_deps, "zw-wallet"),
             "autopay_confirmed": True}
    _enter_code(action_deps, **slots)
    run(ActionSubmitAutopay(), _asked("autopay_sms_code", **slots, autopay_sms_code="accepted"))
    dispatcher = CollectingDispatcher()
    asyncio.run(deliver_notices(dispatcher, user_id=user.user_id))
    assert responses(dispatcher.messages) == ["utter_autopay_notice_card_changed"]
    assert (dispatcher.messages[0]["method"], dispatcher.messages[0]["day"]) == ("电e宝余额", "2026年11月23日")
