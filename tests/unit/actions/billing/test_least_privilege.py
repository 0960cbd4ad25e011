"""What a binder who is not the holder hears: the invoice is the holder's, the payment
history is their own, and look-ups stop at the daily limit. 李娜 (13800000002) binds
王芳's 3301000002 on the seeded demo data."""
from __future__ import annotations

from actions.accounts.binding import ActionAskBindConfirmed, ActionBindAccount, ValidateBindAccountForm
from actions.billing.invoices import ActionRequestInvoice
from actions.payments.records import ActionQueryPayments
from bot.accounts.binding import Bound, bind, list_bound
from bot.accounts.lookup import lookup_for_binding
from bot.container import Services
from tests.unit.action_harness import log_in, make_tracker, responses, run, validate

LI_NA = "13800000002"
WANG_FANG_ACCOUNT = "3301000002"


def _li_na_binds(deps: Services) -> int:
    user = log_in(deps, LI_NA)
    outcome = bind(deps.session_factory, deps.clock, user_id=user.user_id, account_number=WANG_FANG_ACCOUNT)
    assert outcome == Bound(WANG_FANG_ACCOUNT, True)
    return user.user_id


def _ask(action: object, text: str, intent: str = "request_invoice") -> list[dict]:
    slots = {"request_text": text, "account_number": WANG_FANG_ACCOUNT}
    messages, _ = run(action, make_tracker(intent=intent, text=text, slots=slots))
    return messages


def test_a_binder_asking_for_an_invoice_hears_it_is_the_holders(action_deps: Services) -> None:
    _li_na_binds(action_deps)
    asked = (("开9月的发票", "utter_invoice_holder_only"), ("要9月的缴费凭证", "utter_receipt_holder_only"))
    for text, response in asked:
        messages = _ask(ActionRequestInvoice(), text)
        assert responses(messages) == [response]
        assert messages[0]["buttons"] == [
            {"title": "缴费记录", "payload": '/query_payments{"account_number": "3301000002"}'}
        ]
        assert "url" not in messages[0]


def test_a_binder_sees_none_of_the_holders_payments(action_deps: Services) -> None:
    _li_na_binds(action_deps)  # the 13 seeded payments of 3301000002 are not hers
    messages = _ask(ActionQueryPayments(), "缴费记录", intent="query_payments")
    assert responses(messages) == ["utter_no_own_payments"]
    receipt = make_tracker(
        intent="query_payments", entities={"receipt_no": "RC3301000002202610"},
        slots={"account_number": WANG_FANG_ACCOUNT, "receipt_no": "RC3301000002202610"},
    )
    sent, _ = run(ActionQueryPayments(), receipt)
    assert responses(sent) == ["utter_receipt_not_found"]


def _exhaust(deps: Services, user_id: int) -> None:
    for n in range(deps.settings.binding_lookups_per_day):
        lookup_for_binding(
            deps.session_factory, deps.clock, user_id=user_id, account_number=f"3301{900000 + n:06d}",
            daily_limit=deps.settings.binding_lookups_per_day,
        )


def _account_asked() -> object:
    return make_tracker(slots={"requested_slot": "account_number"}, active_loop="bind_account_form")


def test_past_the_daily_limit_the_bind_form_says_come_back_tomorrow(action_deps: Services) -> None:
    user = log_in(action_deps, LI_NA)
    assert action_deps.settings.binding_lookups_per_day == 10
    _exhaust(action_deps, user.user_id)
    messages, result = validate(ValidateBindAccountForm(), "account_number", "3301000002", _account_asked())
    assert responses(messages) == ["utter_binding_lookups_exhausted"] and messages[0]["limit"] == 10
    assert result == {"account_number": None}
    # A fuzzy search is a look-up too.
    tracker = make_tracker(
        text="户名王芳 地址解放路", slots={"requested_slot": "account_number"}, active_loop="bind_account_form",
        entities={"person_name": "王芳", "address": "解放路"},
    )
    messages, result = validate(ValidateBindAccountForm(), "account_number", "户名王芳 地址解放路", tracker)
    assert responses(messages) == ["utter_binding_lookups_exhausted"] and result == {"account_number": None}


def test_a_forged_account_slot_past_the_limit_neither_previews_nor_binds(action_deps: Services) -> None:
    """``/inform{"account_number": …}`` straight into the confirmation or the submission."""
    user = log_in(action_deps, LI_NA)
    _exhaust(action_deps, user.user_id)
    slots = {"account_number": "1101000001", "bind_confirmed": True}
    messages, _ = run(ActionAskBindConfirmed(), make_tracker(slots=slots, active_loop="bind_account_form"))
    assert responses(messages) == ["utter_binding_lookups_exhausted"]
    messages, _ = run(ActionBindAccount(), make_tracker(slots=slots))
    assert responses(messages)[0] == "utter_binding_lookups_exhausted"
    assert list_bound(action_deps.session_factory, user.user_id) == []
