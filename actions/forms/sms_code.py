"""The SMS-code step of a form (更名/过户, 新装, 缴费, 智能交费): the question sends a code (same
limits as login) and asks for it; the answer is checked against the code sent."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, chat_identity, deps
from actions.forms.frozen_summary import code_entered
from actions.forms.retrying import FAILURES_SLOT, accept, failures_so_far, reject
from actions.identity.login import CODE_GONE, CODE_REJECTIONS
from bot.identity.verification import CodeIssued, CodeRejected, CodeRejection, check_code, issue_code
from bot.limits.windows import chat_key
from bot.privacy.masking import mask_phone

CODE_ACCEPTED = "accepted"  # the code slot's value once the code was checked
DEFAULT_QUESTION = "utter_sms_ask_code"

# What a form does when the code is gone: (slot, reason, dispatcher, tracker) → the slots to set.
CodeGone = Callable[[str, CodeRejection, CollectingDispatcher, Tracker], Awaitable[dict[str, Any]]]
# Where a code goes and what it authorises, looked up only when a code is sent.
Destination = Callable[[Tracker], Awaitable[tuple[str | None, str]]]


async def say_code_gone(
    slot: str, reason: CodeRejection, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any]:
    """The code is gone (``reason``): said so, and the question sends a new one."""
    dispatcher.utter_message(response=CODE_REJECTIONS[reason])
    return {slot: None, FAILURES_SLOT: None}


async def sms_code_answer(
    slot: str, value: Any, *, phone: str | None, purpose: str, dispatcher: CollectingDispatcher,
    tracker: Tracker, confirmed_slot: str | None = None, when_gone: CodeGone = say_code_gone,
) -> dict[str, Any]:
    """Check the code sent to ``phone``; a code that is gone is handled by ``when_gone`` (forms
    whose code stands for something more, a payment, say and do what fits). A form with a frozen
    summary (actions.forms.frozen_summary) names its confirmation slot: the code is then recorded
    server-side, and a code entered after the summary was confirmed brings the summary again."""
    if value == CODE_ACCEPTED or not phone:
        return {slot: None}  # never a typed "accepted"
    d = deps()
    outcome = await call(check_code, d.session_factory, d.clock, phone=phone, purpose=purpose,
                         code=str(value or ""), requester=chat_key(*chat_identity(tracker)))
    if isinstance(outcome, CodeRejected) and outcome.reason in CODE_GONE:
        return await when_gone(slot, outcome.reason, dispatcher, tracker)
    if isinstance(outcome, CodeRejected):
        return reject(dispatcher, tracker, slot, "utter_sms_code_rejected")
    form = tracker.active_loop_name
    if not confirmed_slot or not form:
        return accept(slot, CODE_ACCEPTED)
    # Kept server-side: submission checks the code went to the application's phone.
    await code_entered(tracker, form, phone)
    again = {confirmed_slot: None} if tracker.get_slot(confirmed_slot) is not None else {}
    return accept(slot, CODE_ACCEPTED, **again)


async def ask_for_code(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, slot: str, destination: Destination,
    question: str = DEFAULT_QUESTION,
) -> list[EventType]:
    """Sends a code to the ``destination`` and asks for it; after a mistyped code it only asks
    again, since the code sent is still good."""
    if failures_so_far(tracker, slot):
        dispatcher.utter_message(response=question)
        return []
    d = deps()
    phone, purpose = await destination(tracker)
    outcome = await call(issue_code, d.session_factory, d.sms_gateway, d.clock,
                         phone=phone or "", purpose=purpose, requester=chat_key(*chat_identity(tracker)))
    if isinstance(outcome, CodeIssued):
        dispatcher.utter_message(response="utter_code_sent", masked_phone=mask_phone(outcome.phone))
    else:
        dispatcher.utter_message(response="utter_sms_code_not_sent")
    dispatcher.utter_message(response=question)
    return []
