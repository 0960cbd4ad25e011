"""Fallback, hand-off and cancel: the conversation-level actions."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_views import transcript, user_intents_newest_first
from bot.container import services
from bot.conversation.dialogue import handoff_reason, should_offer_handoff
from bot.conversation.handoff import record_handoff


class ActionHandleNluFallback(Action):
    """First miss: ask to rephrase. Second miss in a row: offer a human agent."""

    def name(self) -> str:
        return "action_handle_nlu_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if should_offer_handoff(user_intents_newest_first(tracker)):
            dispatcher.utter_message(response="utter_offer_handoff")
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []


class ActionHumanHandoff(Action):
    """Record the hand-off (reason and redacted transcript) and give the 95598 hotline."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        deps = services()
        handoff_id = await asyncio.to_thread(  # database I/O off the event loop
            record_handoff,
            deps.session_factory,
            clock=deps.clock,
            channel=tracker.get_latest_input_channel() or "rest",
            sender_id=tracker.sender_id,
            reason=handoff_reason(user_intents_newest_first(tracker)).value,
            transcript=transcript(tracker),
        )
        dispatcher.utter_message(response="utter_handoff", handoff_ref=f"HO{handoff_id:06d}")
        return []


class ActionCancel(Action):
    """Leave any active form without submitting it."""

    def name(self) -> str:
        return "action_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form = tracker.active_loop.get("name")
        if not form:
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_cancelled")
        form_slots = (domain.get("forms", {}).get(form) or {}).get("required_slots", [])
        cleared = ["requested_slot", "pending_intent", "validation_failures", *form_slots]
        return [ActiveLoop(None), *(SlotSet(slot, None) for slot in cleared)]
