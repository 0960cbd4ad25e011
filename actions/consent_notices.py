"""Consent news shown when a user next chats: requests to owners, decisions to requesters."""
from __future__ import annotations

import json

from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, deps
from bot.services.consent import mark_delivered, pending_consents_for_owner, undelivered_consent_outcomes


def _decision_buttons(request_id: int) -> list[dict[str, str]]:
    entity = json.dumps({"consent_request_id": str(request_id)})
    return [
        {"title": "同意", "payload": f"/affirm{entity}"},
        {"title": "拒绝", "payload": f"/deny{entity}"},
    ]


async def deliver_consent_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Tell ``user_id`` about decided requests they made and requests waiting for them."""
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
