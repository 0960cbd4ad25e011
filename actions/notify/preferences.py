"""Turning notice kinds off and on in chat ("关闭欠费提醒", "打开停电通知", "关闭所有提醒") and
listing what the user receives ("我的提醒设置"). The router sends these requests through the login
first; the kinds are read from the request's own words (kept through a login detour) or, for the
buttons offered when no kind was named, from their ``notice_kind`` value."""
from __future__ import annotations

from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import REQUEST_TEXT_SLOT, call, deps, latest_entity, response_text, who_is_talking
from bot.db.enums import NoticeKind
from bot.notify.preferences import kinds_named, notice_settings, set_notices

KIND_NAMES = {
    NoticeKind.ARREARS: "utter_notice_kind_arrears",
    NoticeKind.LOW_BALANCE: "utter_notice_kind_low_balance",
    NoticeKind.USAGE_SPIKE: "utter_notice_kind_usage_spike",
    NoticeKind.OUTAGE: "utter_notice_kind_outage",
}


def kind_name(domain: DomainDict, kind: NoticeKind) -> str:
    """The kind as replies name it ("欠费提醒")."""
    return response_text(domain, KIND_NAMES[kind])


def requested_kinds(tracker: Tracker) -> tuple[NoticeKind, ...]:
    """A button's kind, else the kinds the request's words name."""
    button = latest_entity(tracker, "notice_kind")
    return kinds_named(button if button else tracker.get_slot(REQUEST_TEXT_SLOT))


class _SwitchNotices(Action, ABC):
    """Turn the named kinds on or off (``enabled``), or ask which with buttons (``ask``)."""

    enabled: bool
    ask: str
    done: str

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        finished: list[EventType] = [SlotSet(REQUEST_TEXT_SLOT, None)]
        user = await who_is_talking(tracker)
        if user is None:
            return finished
        kinds = requested_kinds(tracker)
        if not kinds:
            dispatcher.utter_message(response=self.ask)
            return finished
        d = deps()
        await call(set_notices, d.session_factory, d.clock, user_id=user.user_id, kinds=kinds, enabled=self.enabled)
        names = [kind_name(domain, kind) for kind in kinds]
        dispatcher.utter_message(response=self.done, kinds="、".join(names), first=names[0])
        return finished


class ActionTurnOffNotices(_SwitchNotices):
    enabled, ask, done = False, "utter_ask_notice_kind_off", "utter_notices_turned_off"

    def name(self) -> str:
        return "action_turn_off_notices"


class ActionTurnOnNotices(_SwitchNotices):
    enabled, ask, done = True, "utter_ask_notice_kind_on", "utter_notices_turned_on"

    def name(self) -> str:
        return "action_turn_on_notices"


class ActionListNotices(Action):
    def name(self) -> str:
        return "action_list_notices"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        finished: list[EventType] = [SlotSet(REQUEST_TEXT_SLOT, None)]
        user = await who_is_talking(tracker)
        if user is None:
            return finished
        settings = await call(notice_settings, deps().session_factory, user_id=user.user_id)
        lines = [response_text(domain, "utter_notice_settings")]
        lines += [
            response_text(domain, "utter_notice_setting_line", kind=kind_name(domain, kind),
                          state=response_text(domain, "utter_notice_state_on" if on else "utter_notice_state_off"))
            for kind, on in settings.items()
        ]
        lines.append(response_text(domain, "utter_notice_settings_footer"))
        dispatcher.utter_message(text="\n".join(lines))
        return finished
