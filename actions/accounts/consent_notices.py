"""News shown when a user next chats: consent requests to owners, decisions to requesters, and
status changes of their work orders, auto-debit news (the chat the user used last gets these at
once when its channel can push: :mod:`bot.notify.push`)."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, who_is_talking
from actions.payments.autopay_notices import deliver_autopay_notices
from bot.accounts.consent import mark_delivered, pending_consents_for_owner, undelivered_consent_outcomes
from bot.applications.order_progress import mark_delivered as mark_order_notices_delivered
from bot.applications.order_progress import pending_order_notices
from bot.conversation.payloads import button
from bot.text.labels import day_label


def _decision_buttons(request_id: int) -> list[dict[str, str]]:
    request = str(request_id)
    return [button("同意", "affirm", consent_request_id=request), button("拒绝", "deny", consent_request_id=request)]


async def deliver_consent_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Tell ``user_id`` about decided requests they made, requests waiting for them, and
    news of their work orders and auto-debit."""
    await deliver_order_notices(dispatcher, user_id=user_id)
    await deliver_autopay_notices(dispatcher, user_id=user_id)
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


async def deliver_order_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Each status change of the user's work orders since they last chatted, once."""
    d = deps()
    notices = await call(pending_order_notices, d.session_factory, user_id=user_id)
    for notice in notices:
        dispatcher.utter_message(
            response="utter_order_status_changed", order_no=notice.order_no, kind=notice.kind.value,
            status=notice.status.value,
            promised=day_label(notice.promised_by) if notice.promised_by else "—",
        )
    if notices:
        await call(mark_order_notices_delivered, d.session_factory, d.clock, user_id=user_id,
                   notice_ids=[n.id for n in notices])


class ActionPushOrderNotices(Action):
    """Runs when notices are pushed into the chat (EXTERNAL_order_update, :mod:`bot.notify.push`):
    every pending notice goes out through the chat's channel without the user having asked."""

    def name(self) -> str:
        return "action_push_order_notices"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        user = await who_is_talking(tracker)
        if user is not None:
            await deliver_consent_notices(dispatcher, user_id=user.user_id)
        return []
