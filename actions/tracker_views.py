"""Read-only views of a rasa-sdk tracker that the actions share."""
from __future__ import annotations

from datetime import datetime, timezone

from rasa_sdk import Tracker

from bot.conversation.handoff import TranscriptLine

TRANSCRIPT_LIMIT = 50


def user_intents_newest_first(tracker: Tracker) -> list[str | None]:
    return [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]


def transcript(tracker: Tracker, limit: int = TRANSCRIPT_LIMIT) -> list[TranscriptLine]:
    """The last ``limit`` user and bot messages of the conversation, oldest first."""
    lines = [
        TranscriptLine(
            speaker=event["event"],
            text=event.get("text") or "",
            at=datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc),
        )
        for event in tracker.events
        if event.get("event") in ("user", "bot") and event.get("text")
    ]
    return lines[-limit:]
