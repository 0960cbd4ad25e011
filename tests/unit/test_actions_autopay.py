"""The auto-debit form's actions as 张伟 (13800000001, 3301000001; card …1234 and a wallet)."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.autopay import (
    ActionAskAutopayChoice,
    ActionAskAutopayConfirmed,
    ActionSubmitAutopay,
    ValidateAutopayForm,
)
from bot.container import Services
from bot.db.models import PaymentInstrument
from bot.services.autopay import AutopayStatus, autopay_status
from tests.unit.action_harness import DOMAIN, log_in, make_tracker, responses, run, validate


def _instrument(deps: Services, token: str) -> str:
    with deps.session_factory.session_scope() as session:
        return f"instrument:{session.scalar(select(PaymentInstrument.id).where(PaymentInstrument.token == token))}"


def _asked(slot: str, **slots: object):
    return make_tracker(slots={"requested_slot": slot, "account_number": "3301000001", **slots},
                        active_loop="autopay_form")


def _status(deps: Services, user_id: int) -> AutopayStatus:
    return autopay_status(deps.session_factory, user_id=user_id, account_number="3301000001")


def _sign_up(deps: Services, token: str = "zw-card") -> None:
    slots = {"autopay_choice": "sign_up", "pay_method": _instrument(deps, token), "autopay_confirmed": True}
    messages, _ = run(ActionSubmitAutopay(), _asked("autopay_confirmed", **slots))
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

    done, _ = run(ActionSubmitAutopay(), _asked("autopay_confirmed", **slots, autopay_confirmed=True))

    assert responses(done) == ["utter_autopay_card_changed"]
    assert _status(action_deps, user.user_id).method_label == "电e宝余额"


def test_cancel_needs_no_card_and_is_confirmed(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    _sign_up(action_deps)
    tracker = _asked("autopay_choice", autopay_choice="cancel")
    form_slots = DOMAIN["forms"]["autopay_form"]["required_slots"]
    required = asyncio.run(ValidateAutopayForm().required_slots(form_slots, CollectingDispatcher(), tracker, DOMAIN))
    assert required == ["account_number", "autopay_choice", "autopay_confirmed"]

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
    messages, _ = run(ActionSubmitAutopay(), _asked("autopay_confirmed", **forged))
    assert responses(messages) == ["utter_payment_failed"]
    assert _status(action_deps, user.user_id).instrument_id is None
