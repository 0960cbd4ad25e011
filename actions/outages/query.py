"""停电查询: reads where and when from the message, asks :mod:`bot.outages.query`, and answers
with the outages found (times, area, kind, reason) or says none is known and how to report a fault."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import REQUEST_TEXT_SLOT, call, deps, latest_entity, request_text, response_text, who_is_talking
from bot.outages.query import (
    AccountNotBound,
    AreaNeeded,
    InvalidDate,
    OutageAsk,
    OutagesFound,
    UnknownDistrict,
    answer_outage_query,
)
from bot.outages.replies import OutagePhase, facts_of

MAX_LISTED = 5
ITEM_RESPONSES = {
    OutagePhase.ONGOING: "utter_outage_item_ongoing",
    OutagePhase.UPCOMING: "utter_outage_item_upcoming",
    OutagePhase.ENDED: "utter_outage_item_ended",
}


def outage_ask(tracker: Tracker) -> OutageAsk:
    """Where and when, from the latest message's entities and the request's own words."""
    return OutageAsk(
        text=str(tracker.get_slot(REQUEST_TEXT_SLOT) or request_text(tracker) or ""),
        time=latest_entity(tracker, "time"),
        region=latest_entity(tracker, "region"),
        address=latest_entity(tracker, "address"),
        account_number=latest_entity(tracker, "account_number"),
    )


def found_lines(domain: DomainDict, found: OutagesFound) -> list[str]:
    """The header, one line per outage (at most MAX_LISTED), and how many more there are."""
    now = deps().clock.now()
    days = found.days.label(now.date())
    if found.account_number:
        header = response_text(domain, "utter_outages_found_account", account_number=found.account_number, days=days)
    else:
        header = response_text(domain, "utter_outages_found_area", area=found.area_label, days=days)
    lines = [header]
    for view in found.outages[:MAX_LISTED]:
        facts = facts_of(view, now)
        lines.append(response_text(domain, ITEM_RESPONSES[facts.phase], kind=facts.kind, area=facts.area,
                                   when=facts.when, ends=facts.ends, reason=facts.reason))
    if len(found.outages) > MAX_LISTED:
        lines.append(response_text(domain, "utter_outages_more", count=len(found.outages) - MAX_LISTED))
    return lines


class ActionQueryOutage(Action):
    def name(self) -> str:
        return "action_query_outage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        done: list[EventType] = [SlotSet(REQUEST_TEXT_SLOT, None)]
        user = await who_is_talking(tracker)
        d = deps()
        answer = await call(answer_outage_query, d.session_factory, d.clock, outage_ask(tracker),
                            user_id=user.user_id if user else None)
        if isinstance(answer, OutagesFound):
            if answer.outages:
                dispatcher.utter_message(text="\n".join(found_lines(domain, answer)))
            elif answer.account_number:
                dispatcher.utter_message(response="utter_no_outage_account", account_number=answer.account_number,
                                         days=answer.days.label(d.clock.today()))
            else:
                dispatcher.utter_message(response="utter_no_outage_area", area=answer.area_label,
                                         days=answer.days.label(d.clock.today()))
        elif isinstance(answer, AreaNeeded):
            dispatcher.utter_message(
                response="utter_outage_ask_area_logged_in" if answer.logged_in else "utter_outage_ask_area"
            )
        elif isinstance(answer, UnknownDistrict):
            dispatcher.utter_message(response="utter_outage_unknown_district", named=answer.named)
        elif isinstance(answer, AccountNotBound):
            dispatcher.utter_message(response="utter_account_not_bound")
        elif isinstance(answer, InvalidDate):
            dispatcher.utter_message(response="utter_outage_invalid_date")
        return done
