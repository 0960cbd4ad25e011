"""Rasa asks for a form's slot with the first of action_ask_<form>_<slot>, utter_ask_<form>_<slot>,
action_ask_<slot>, utter_ask_<slot> in the domain: every question a form asks must be a response
or an action the action server has, and the shared questions are used where meant."""
from __future__ import annotations

from functools import cache

from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa_sdk.executor import ActionExecutor

from tests.unit.action_harness import DOMAIN


@cache
def _domain() -> Domain:
    return Domain.from_dict(DOMAIN)


def _question(form: str, slot: str) -> str | None:
    return FormAction(form, None)._name_of_utterance(_domain(), slot)


def test_every_question_is_a_response_or_a_registered_action() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    unanswerable = [
        (form, slot, _question(form, slot))
        for form, spec in DOMAIN["forms"].items()
        for slot in spec["required_slots"]
        if _question(form, slot) not in (*DOMAIN["responses"], *executor.actions)
    ]
    assert unanswerable == []


def test_payment_and_autopay_share_the_account_and_method_questions() -> None:
    for form in ("pay_bill_form", "autopay_form"):
        assert _question(form, "account_number") == "action_ask_account_number"
        assert _question(form, "pay_method") == "action_ask_pay_method"


def test_forms_with_their_own_account_question_keep_it() -> None:
    assert _question("rename_transfer_form", "account_number") == "action_ask_rename_transfer_form_account_number"
    assert _question("unbind_account_form", "account_number") == "action_ask_unbind_account_form_account_number"
    assert _question("bind_account_form", "account_number") == "utter_ask_bind_account_form_account_number"
