"""Every kind of notice a user has waiting, delivered together: when they next chat (the router,
after a login) or pushed into the chat they used last (``EXTERNAL_notices``, :mod:`bot.notify.push`).

Each kind has its deliverer beside its feature (consent requests and decisions, auto-debit news,
payment outcomes); work-order changes are delivered here. :func:`push_notices_soon` asks for
another user's notices to be pushed, without making the user who caused them wait.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.accounts.consent_notices import deliver_consent_notices
from actions.common import call, deps, who_is_talking
from actions.notify.alerts import deliver_alert_notices
from actions.payments.autopay_notices import deliver_autopay_notices
from actions.payments.outcome_notices import deliver_payment_outcome_notices
from bot.applications.order_progress import mark_delivered as mark_order_notices_delivered
from bot.applications.order_progress import pending_order_notices
from bot.notify.background import push_in_background
from bot.text.labels import day_label


async def deliver_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Tell ``user_id`` everything waiting for them: news of their work orders, auto-debit and
    payments, decisions on requests they made, requests waiting for their consent, and 用能预警
    (欠费, 余额不足, 用电异常, 停电)."""
    await deliver_order_notices(dispatcher, user_id=user_id)
    await deliver_autopay_notices(dispatcher, user_id=user_id)
    await deliver_payment_outcome_notices(dispatcher, user_id=user_id)
    await deliver_consent_notices(dispatcher, user_id=user_id)
    await deliver_alert_notices(dispatcher, user_id=user_id)


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


def push_notices_soon(user_id: int) -> None:
    """Push ``user_id``'s notices to the chat they used last, in the background (the running
    action's user gets their answer without waiting; a failed push leaves the notices for
    ``user_id``'s next message)."""
    d = deps()
    push_in_background(d.session_factory, d.settings.rasa_url, user_id=user_id,
                       api_token=d.settings.rasa_api_token, clock=d.clock)


class ActionPushNotices(Action):
    """Runs when notices are pushed into the chat (``EXTERNAL_notices``, :mod:`bot.notify.push`):
    every pending notice goes out through the chat's channel without the user having asked."""

    def name(self) -> str:
        return "action_push_notices"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        user = await who_is_talking(tracker)
        if user is not None:
            await deliver_notices(dispatcher, user_id=user.user_id)
        return []
