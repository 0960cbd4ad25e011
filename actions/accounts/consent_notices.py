"""Consent news shown to a user (with their other notices: :mod:`actions.conversation.notices`):
decisions on binding requests they made, and requests waiting for their consent as the owner."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, deps
from bot.accounts.consent import mark_delivered, pending_consents_for_owner, undelivered_consent_outcomes
from bot.conversation.payloads import button


def _decision_buttons(request_id: int) -> list[dict[str, str]]:
    request = str(request_id)
    return [button("同意", "affirm", consent_request_id=request), button("拒绝", "deny", consent_request_id=request)]


async def deliver_consent_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Tell ``user_id`` about decided requests they made (once), and requests waiting for them
    (until they decide)."""
    d = deps()
    outcomes = await call(undelivered_consent_outcomes, d.session_factory, user_id)
    for outcome in outcomes:
        response = "utter_consent_outcome_approved" if outcome.approved else "utter_consent_outcome_refused"
        dispatcher.utter_message(response=response, account_number=outcome.account_number)
    if outcomes:
        await call(
            mark_delivered, d.session_factory, d.clock,
            requester_user_id=user_id, request_ids=[o.request_id for o in outcomes],
        )
    for request in await call(pending_consents_for_owner, d.session_factory, user_id):
        dispatcher.utter_message(
            response="utter_consent_request_for_owner",
            requester=request.requester_name_masked or request.requester_phone_masked,
            account_number=request.account_number,
            buttons=_decision_buttons(request.request_id),
        )
