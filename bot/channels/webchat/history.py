"""A widget conversation's history, replayed from its tracker's events (as dicts).

What the user typed and what the assistant said, in order, each with its time: a pressed button
is shown by its title (the one the widget sent, else the title of the button that carried the
payload), a sent file by its name; bot messages are shaped as on the socket
(:func:`bot.channels.webchat.frames.widget_messages`). Internal events are left out: slots,
actions, session starts, the injected ``EXTERNAL_*`` intents of pushes, and payloads no button
explains. The texts are what the tracker store keeps, personal data masked.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from bot.channels.webchat.frames import widget_messages

__all__ = ["MAX_HISTORY", "TITLE_KEY", "history_messages"]

MAX_HISTORY = 200  # the newest messages replayed
TITLE_KEY = "webchat_title"  # user-event metadata: what the widget showed for a button or a file
_EXTERNAL_TEXT = "EXTERNAL: "
_EXTERNAL_INTENT = "EXTERNAL_"


def _at(event: Mapping[str, Any]) -> str:
    timestamp = event.get("timestamp")
    moment = datetime.fromtimestamp(float(timestamp), timezone.utc) if timestamp else datetime.now(timezone.utc)
    return moment.isoformat(timespec="seconds")


def _intent(event: Mapping[str, Any]) -> str:
    parse_data = event.get("parse_data")
    intent = parse_data.get("intent") if isinstance(parse_data, Mapping) else None
    return str(intent.get("name") or "") if isinstance(intent, Mapping) else ""


def _user_text(event: Mapping[str, Any], offered: Mapping[str, str]) -> str | None:
    text = str(event.get("text") or "")
    if text.startswith(_EXTERNAL_TEXT) or _intent(event).startswith(_EXTERNAL_INTENT):
        return None
    metadata = event.get("metadata")
    title = metadata.get(TITLE_KEY) if isinstance(metadata, Mapping) else None
    if isinstance(title, str) and title:
        return title
    if text.startswith("/"):
        return offered.get(text)  # a button's payload: its title, or nothing
    return text or None


def _bot_message(event: Mapping[str, Any]) -> dict[str, Any]:
    """The message as the socket sent it: Rasa's tracker also keeps an image's URL as its
    ``attachment``, which would replay the chart a second time as a document link."""
    data = dict(event["data"]) if isinstance(event.get("data"), Mapping) else {}
    if data.get("attachment") is not None and data.get("attachment") == data.get("image"):
        del data["attachment"]
    return {"text": event.get("text"), **data}


def history_messages(events: Iterable[Mapping[str, Any]], limit: int = MAX_HISTORY) -> list[dict[str, Any]]:
    """The widget's history messages ``{"from", "text"?, "buttons"?, "image"?, "document"?, "at"}``."""
    history: list[dict[str, Any]] = []
    offered: dict[str, str] = {}  # payload → title of the buttons shown so far
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = _user_text(event, offered)
            if text:
                history.append({"from": "user", "text": text, "at": _at(event)})
        elif kind == "bot":
            for message in widget_messages([_bot_message(event)]):
                for button in message.get("buttons", ()):
                    offered[button["payload"]] = button["title"]
                history.append({"from": "bot", **message, "at": _at(event)})
    return history[-limit:] if limit else []
