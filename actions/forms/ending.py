"""What a form's question does when there is nothing it can ask."""
from __future__ import annotations

from rasa_sdk.events import ActiveLoop, EventType, SlotSet


def end_form() -> list[EventType]:
    """Ends the form at once (its question found nothing to ask)."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)]
