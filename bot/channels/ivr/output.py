"""The IVR's output channel: Rasa's bot messages of one turn, collected whole (with the name of
the response they came from, ``utter_action``, which tells the dialogue a fallback or a
hand-off from a normal reply), to be spoken when the turn is over."""
from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel

__all__ = ["CHANNEL", "FALLBACK_RESPONSES", "GOODBYE_RESPONSES", "HANDOFF_RESPONSES", "TurnOutput"]

CHANNEL = "ivr"
# The assistant's "I did not understand" replies (bot.conversation.dialogue's fallback path).
FALLBACK_RESPONSES = frozenset({"utter_ask_rephrase", "utter_offer_handoff", "utter_default"})
# A hand-off recorded by the dialogue (转人工): the call is transferred after it is said.
HANDOFF_RESPONSES = frozenset({"utter_handoff"})
GOODBYE_RESPONSES = frozenset({"utter_goodbye"})


class TurnOutput(CollectingOutputChannel):
    """Collects one turn's messages as Rasa sends them (a dict each, unsplit)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL  # responses' ``channel: ivr`` variations apply

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))

    def responses(self) -> set[str]:
        """The names of the responses said in this turn."""
        return {str(m["utter_action"]) for m in self.messages if m.get("utter_action")}
