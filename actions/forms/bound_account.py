"""The bound-account step (缴费, 智能交费, 更名/过户): on entry the default (or only) bound account
is taken; an answer must be one of the user's bound accounts; the question offers them as buttons."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, who_is_talking
from actions.forms.ending import end_form
from actions.forms.retrying import accept, reject
from bot.accounts.binding import Resolution, ResolutionKind, resolve_account
from bot.conversation.payloads import button

SLOT = "account_number"


async def default_account(tracker: Tracker) -> dict[str, Any]:
    """On entry without a named account, the default (or the only) bound account."""
    if tracker.get_slot(SLOT) or tracker.get_slot("requested_slot"):
        return {}
    user = await who_is_talking(tracker)
    if user is None:
        return {}
    resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=None)
    return {} if isinstance(resolved, Resolution) else {SLOT: resolved}


async def bound_account_answer(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """One of the user's bound accounts (a 户号 or how the user names it)."""
    user = await who_is_talking(tracker)
    if user is None:
        return {SLOT: None}
    resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=str(value or ""))
    if isinstance(resolved, Resolution):
        return reject(dispatcher, tracker, SLOT, "utter_account_not_bound")
    return accept(SLOT, resolved)


# The step as a form's methods (Rasa's signatures), for ``extract_account_number =
# staticmethod(bound_account.extract_account_number)`` and the like.
async def extract_account_number(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return await default_account(tracker)


async def validate_account_number(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return await bound_account_answer(value, dispatcher, tracker)


async def ask_for_bound_account(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, question: str, none_bound: str
) -> list[EventType]:
    """``question`` with the bound accounts as buttons; with none bound, ``none_bound`` and the
    form ends (binding comes first)."""
    user = await who_is_talking(tracker)
    if user is None:
        return end_form()
    resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=None)
    if isinstance(resolved, Resolution) and resolved.kind is ResolutionKind.NONE_BOUND:
        dispatcher.utter_message(response=none_bound)
        return end_form()
    choices = resolved.choices if isinstance(resolved, Resolution) else ()
    numbers = [c.account_number for c in choices] or [str(resolved)]
    dispatcher.utter_message(response=question, buttons=[
        button(number, "inform", account_number=number) for number in numbers
    ])
    return []
