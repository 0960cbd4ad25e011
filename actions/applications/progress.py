"""工单进度: the user's work orders (their own, and those on accounts they have bound), or one by number."""
from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import REQUEST_TEXT_SLOT, call, deps, response_text, who_is_talking
from bot.applications.order_progress import NextStep, next_step
from bot.applications.work_orders import OrderView, order_for_user, orders_for_user
from bot.clock import CHINA_TZ
from bot.text.labels import day_label

ORDER_NO = re.compile(r"GD\d{11}", re.IGNORECASE)
NEXT_STEPS = {
    NextStep.AWAIT_REVIEW: "utter_next_step_await_review",
    NextStep.UPLOAD_DOCUMENTS: "utter_next_step_upload_documents",
    NextStep.AWAIT_DECISION: "utter_next_step_await_decision",
    NextStep.AWAIT_VISIT: "utter_next_step_await_visit",
    NextStep.IN_HAND: "utter_next_step_in_hand",
    NextStep.NONE: "utter_next_step_none",
}


def next_step_line(domain: DomainDict, order: OrderView) -> str:
    return response_text(domain, NEXT_STEPS[next_step(order.kind, order.status)])


def order_lines(domain: DomainDict, order: OrderView) -> list[str]:
    """The order's headline, then each step of its history, oldest first."""
    promised = day_label(order.promised_by) if order.promised_by else "—"
    if order.account_number:
        where = response_text(domain, "utter_order_where_account", account_number=order.account_number)
    else:
        where = response_text(domain, "utter_order_where_address", address=order.address or "—")
    lines = [response_text(
        domain, "utter_order_header", order_no=order.order_no, kind=order.kind.value, where=where,
        status=order.status.value, promised=promised,
    )]
    lines += [
        response_text(domain, "utter_order_event", at=f"{event.at.astimezone(CHINA_TZ):%m月%d日 %H:%M}",
                      status=event.status.value, note=event.note or "")
        for event in order.events
    ]
    lines.append(next_step_line(domain, order))
    return lines


class ActionQueryProgress(Action):
    def name(self) -> str:
        return "action_query_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        done: list[EventType] = [SlotSet(REQUEST_TEXT_SLOT, None)]
        user = await who_is_talking(tracker)
        if user is None:
            return done
        # The request's own words, kept through a login detour ("GD20261120001到哪一步了").
        named = ORDER_NO.search(str(tracker.get_slot(REQUEST_TEXT_SLOT) or ""))
        if named:
            order = await call(order_for_user, deps().session_factory, user_id=user.user_id,
                               order_no=named.group().upper())
            if order is None:
                dispatcher.utter_message(response="utter_order_not_found", order_no=named.group().upper())
            else:
                dispatcher.utter_message(text="\n".join(order_lines(domain, order)))
            return done
        orders = await call(orders_for_user, deps().session_factory, user_id=user.user_id)
        if not orders:
            dispatcher.utter_message(response="utter_no_orders")
            return done
        for order in orders[:3]:
            dispatcher.utter_message(text="\n".join(order_lines(domain, order)))
        return done
